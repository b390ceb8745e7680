package exec

import (
	"context"
	"math"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// mvExpander makes one row per element of each row's arrays, at most
// limit rows per input row. It yields at most BatchSize rows per Next,
// keeping its place in the current input batch, so that arrays of a
// million elements stream rather than make one huge batch.
// https://learn.microsoft.com/kusto/query/mv-expand-operator
type mvExpander struct {
	env     *Env
	in      Operator
	n       *plan.MvExpand
	started bool
	x       expansion
}

func newMvExpander(env *Env, in Operator, n *plan.MvExpand) *mvExpander {
	return &mvExpander{env: env, in: in, n: n}
}

func (m *mvExpander) Next(ctx context.Context) (*value.Batch, error) {
	if !m.started {
		m.started = true
		limit, err := expandLimit(ctx, m.env, m.n)
		if err != nil {
			return nil, err
		}
		m.x.init(m.n, limit)
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if m.x.exhausted() {
			b, err := m.in.Next(ctx)
			if b == nil || err != nil {
				return nil, err
			}
			if err := m.x.start(ctx, m.env, b); err != nil {
				return nil, err
			}
		}
		out := m.x.fill(BatchSize)
		if out.N > 0 {
			return out, nil
		}
	}
}

func (m *mvExpander) Close() error { return m.in.Close() }

// expandLimit evaluates the limit of n: the most rows one input row
// expands to, or -1 for no limit.
func expandLimit(ctx context.Context, env *Env, n *plan.MvExpand) (int64, error) {
	if n.Limit == nil {
		return -1, nil
	}
	return constInt(ctx, env, n.Limit)
}

// expansion expands the rows of one batch at a time, as a plan.MvExpand
// says, remembering where it stopped.
type expansion struct {
	n     *plan.MvExpand
	limit int64 // most rows per input row; < 0: no limit
	// filled[j] tells whether output column j receives values; the others
	// (pruned away) read as nulls.
	filled []bool

	b      *value.Batch
	arrays []*value.Column
	r      int     // the input row being expanded
	elems  [][]any // its elements, per array
	rows   int     // the output rows it makes
	k      int     // the next of them
}

func (x *expansion) init(n *plan.MvExpand, limit int64) {
	x.n, x.limit = n, limit
	x.filled = make([]bool, len(n.Cols))
	for _, t := range n.Targets {
		x.filled[t] = true
	}
	if n.IndexCol >= 0 {
		x.filled[n.IndexCol] = true
	}
	x.elems = make([][]any, len(n.Exprs))
}

// exhausted tells whether every row of the current batch is expanded.
func (x *expansion) exhausted() bool { return x.b == nil }

// start begins expanding b.
func (x *expansion) start(ctx context.Context, env *Env, b *value.Batch) error {
	x.arrays = x.arrays[:0]
	for _, e := range x.n.Exprs {
		c, err := env.Eval(ctx, e, b)
		if err != nil {
			return err
		}
		x.arrays = append(x.arrays, c)
	}
	x.b, x.r = b, -1
	x.nextRow()
	return nil
}

// nextRow moves to the next input row that makes rows, or ends the batch.
func (x *expansion) nextRow() {
	for x.r++; x.r < x.b.N; x.r++ {
		x.rows, x.k = 0, 0
		for i, a := range x.arrays {
			x.elems[i] = expandElements(a.Get(x.r), x.n.BagArray)
			x.rows = max(x.rows, len(x.elems[i]))
		}
		if x.limit >= 0 && int64(x.rows) > x.limit {
			x.rows = int(x.limit)
		}
		if x.rows > 0 {
			return
		}
	}
	x.b, x.arrays = nil, x.arrays[:0]
	clear(x.elems)
}

// fill returns the next at most most expanded rows of the current batch.
func (x *expansion) fill(most int) *value.Batch {
	n := x.n
	out := &value.Batch{Cols: make([]*value.Column, len(n.Cols))}
	size := 0
	if x.b != nil {
		size = min(most, x.rows-x.k)
	}
	for j, col := range n.Cols {
		out.Cols[j] = value.NewColumn(col.Type, size)
	}
	for x.b != nil && out.N < most {
		r, k := x.r, x.k
		for j, src := range n.Keep {
			switch {
			case src >= 0:
				out.Cols[j].AppendFrom(x.b.Cols[src], r)
			case !x.filled[j]:
				out.Cols[j].AppendNull()
			}
		}
		for i, t := range n.Targets {
			var v any
			if k < len(x.elems[i]) {
				v = x.elems[i][k]
			}
			out.Cols[t].Append(castElement(n.Cols[t].Type, v))
		}
		if n.IndexCol >= 0 {
			out.Cols[n.IndexCol].Append(int64(k))
		}
		out.N++
		x.k++
		if x.k == x.rows {
			x.nextRow()
		}
	}
	return out
}

// expandBatch expands every row of b as n says, at most limit rows per
// input row (no limit when negative), in one batch.
func expandBatch(ctx context.Context, env *Env, n *plan.MvExpand, b *value.Batch, limit int64) (*value.Batch, error) {
	var x expansion
	x.init(n, limit)
	if err := x.start(ctx, env, b); err != nil {
		return nil, err
	}
	return x.fill(math.MaxInt), nil
}

// expandElements returns the values one dynamic value expands to: the
// elements of an array, the properties of a bag (as {key: value} bags, or
// [key, value] arrays with bagArray), nothing for an empty array or bag,
// and the value itself otherwise (a null gives one null).
func expandElements(v any, bagArray bool) []any {
	switch v := v.(type) {
	case []any:
		return v
	case *value.Bag:
		out := make([]any, len(v.Keys))
		for i, k := range v.Keys {
			if bagArray {
				out[i] = []any{k, v.Vals[i]}
			} else {
				out[i] = &value.Bag{Keys: []string{k}, Vals: []any{v.Vals[i]}}
			}
		}
		return out
	}
	return []any{v}
}

// castElement converts an expanded element to the column's type by the
// rules of the to*() functions; what does not convert is null.
func castElement(t schema.Type, v any) any {
	if v == nil || t == schema.Dynamic {
		return v
	}
	cv, ok := funcs.Convert(schema.Dynamic, t, v)
	if !ok {
		return nil
	}
	return cv
}
