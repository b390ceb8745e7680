package exec

import (
	"context"
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// maxRangeRows bounds the rows range may make, so that a mistyped step
// fails rather than exhausting memory.
const maxRangeRows = 100_000_000

// ranger yields the values of a range operator in batches of BatchSize
// rows, making each batch when asked.
// https://learn.microsoft.com/kusto/query/range-operator
type ranger struct {
	env              *Env
	n                *plan.Range
	started          bool
	t                schema.Type
	real             bool
	cur, to, step    int64
	fcur, fto, fstep float64
	done             bool
	made             int64
}

// start evaluates the range's bounds.
func (r *ranger) start(ctx context.Context) error {
	n := r.n
	one := &value.Batch{N: 1}
	var vals [3]any
	for i, e := range []plan.Expr{n.From, n.To, n.Step} {
		col, err := r.env.Eval(ctx, e, one)
		if err != nil {
			return err
		}
		vals[i] = col.Get(0)
		if vals[i] == nil {
			r.done = true
			return nil
		}
	}
	r.t = n.Cols[0].Type
	if r.t == schema.Real {
		r.real = true
		r.fcur, r.fto, r.fstep = toFloat(vals[0]), toFloat(vals[1]), toFloat(vals[2])
		if r.fstep == 0 {
			return fmt.Errorf("range: the step must not be 0")
		}
		return nil
	}
	r.cur, r.to, r.step = toInt(vals[0]), toInt(vals[1]), toInt(vals[2])
	if r.step == 0 {
		return fmt.Errorf("range: the step must not be 0")
	}
	return nil
}

func toInt(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case value.Datetime:
		return int64(v)
	case value.Timespan:
		return int64(v)
	case float64:
		return int64(v)
	}
	return 0
}

func toFloat(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	}
	return 0
}

func (r *ranger) Next(ctx context.Context) (*value.Batch, error) {
	if !r.started {
		r.started = true
		if err := r.start(ctx); err != nil {
			return nil, err
		}
	}
	if r.done {
		return nil, nil
	}
	col := value.NewColumn(r.t, BatchSize)
	n := 0
	for n < BatchSize {
		if r.real {
			if r.fstep > 0 && r.fcur > r.fto || r.fstep < 0 && r.fcur < r.fto {
				r.done = true
				break
			}
			col.Append(r.fcur)
			r.fcur += r.fstep
		} else {
			if r.step > 0 && r.cur > r.to || r.step < 0 && r.cur < r.to {
				r.done = true
				break
			}
			switch r.t {
			case schema.Datetime:
				col.Append(value.Datetime(r.cur))
			case schema.Timespan:
				col.Append(value.Timespan(r.cur))
			default:
				col.Append(r.cur)
			}
			next := r.cur + r.step
			if (r.step > 0) != (next > r.cur) {
				r.done = true // overflow
			}
			r.cur = next
		}
		n++
		r.made++
		if r.made > maxRangeRows {
			return nil, fmt.Errorf("range: more than %d rows", maxRangeRows)
		}
		if r.done {
			break
		}
	}
	return &value.Batch{Cols: []*value.Column{col}, N: n}, nil
}

func (r *ranger) Close() error { return nil }
