package exec

import (
	"context"
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// ExternalSource is a Source that can also provide the rows of
// externaldata URLs (offline, from local copies).
type ExternalSource interface {
	// External returns the rows at url as columns cols; props are the
	// with(...) properties by lower-case name.
	External(url string, cols []schema.Column, props map[string]string) ([]*value.Batch, error)
}

// ErrExternal is wrapped by the error of an externaldata URL the source
// cannot provide.
var ErrExternal = fmt.Errorf("externaldata is not available")

// buildExternal reads every URL of n through the source.
func buildExternal(env *Env, n *plan.External) (Operator, error) {
	src, ok := env.Source.(ExternalSource)
	if !ok {
		url := ""
		if len(n.URLs) > 0 {
			url = n.URLs[0]
		}
		return nil, fmt.Errorf("%w: cannot download %s; run with --externaldata DIR, where DIR holds a copy of the file", ErrExternal, url)
	}
	var all []*value.Batch
	for _, u := range n.URLs {
		bs, err := src.External(u, n.Cols, n.Props)
		if err != nil {
			return nil, err
		}
		all = append(all, bs...)
	}
	return &batchList{batches: all}, nil
}

// batchList yields batches held in memory.
type batchList struct {
	batches []*value.Batch
}

func (l *batchList) Next(context.Context) (*value.Batch, error) {
	if len(l.batches) == 0 {
		return nil, nil
	}
	b := l.batches[0]
	l.batches = l.batches[1:]
	return b, nil
}

func (l *batchList) Close() error { return nil }
