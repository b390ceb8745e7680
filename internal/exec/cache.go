package exec

import (
	"context"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// cacheState is the one run of a Cache's input that every path to the
// Cache shares (materialize(), as hint.materialized=true): the first
// reader to need rows drains the input, and every reader replays them.
// The rows are held, and accounted, until the run ends.
type cacheState struct {
	in      Operator // nil once drained
	rows    []*value.Batch
	err     error
	filled  bool
	readers int // the open readers, while the input is not drained
	acct    account
}

// buildCache returns a reader of n's shared run, building n's input for
// the first reader.
func (env *Env) buildCache(n *plan.Cache) (Operator, error) {
	st := env.caches[n]
	if st == nil {
		in, err := Build(env, n.Input)
		if err != nil {
			return nil, err
		}
		st = &cacheState{in: in, acct: env.account(n)}
		if env.caches == nil {
			env.caches = map[*plan.Cache]*cacheState{}
		}
		env.caches[n] = st
	}
	st.readers++
	return &guard{op: &cache{env: env, node: n, st: st}, mem: env.mem, name: opName(n)}, nil
}

// cache is one reader of a cacheState.
type cache struct {
	env    *Env
	node   *plan.Cache
	st     *cacheState
	next   int
	closed bool
}

func (c *cache) Next(ctx context.Context) (*value.Batch, error) {
	st := c.st
	if !st.filled {
		st.filled = true
		st.rows, st.err = drain(ctx, st.in, &st.acct)
		st.in = nil
	}
	if st.err != nil {
		return nil, st.err
	}
	if c.next >= len(st.rows) {
		return nil, nil
	}
	b := st.rows[c.next]
	c.next++
	return b, nil
}

// Close closes the shared input when no reader is left to drain it, so
// that a later Build of the Cache (a subquery run per row) starts over.
func (c *cache) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	st := c.st
	st.readers--
	if st.readers > 0 || st.filled {
		return nil
	}
	if c.env.caches[c.node] == st {
		delete(c.env.caches, c.node)
	}
	return st.in.Close()
}
