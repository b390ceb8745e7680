package exec

import (
	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// mvExpander makes one row per element of each row's arrays.
// https://learn.microsoft.com/kusto/query/mv-expand-operator
type mvExpander struct {
	env   *Env
	in    Operator
	n     *plan.MvExpand
	limit int64
}

func newMvExpander(env *Env, in Operator, n *plan.MvExpand) (*mvExpander, error) {
	m := &mvExpander{env: env, in: in, n: n, limit: -1}
	if n.Limit != nil {
		l, err := constInt(env, n.Limit)
		if err != nil {
			return nil, err
		}
		m.limit = l
	}
	return m, nil
}

func (m *mvExpander) Next() (*value.Batch, error) {
	for {
		if err := m.env.checkCtx(); err != nil {
			return nil, err
		}
		b, err := m.in.Next()
		if b == nil || err != nil {
			return nil, err
		}
		out, err := expandBatch(m.env, m.n, b, m.limit)
		if err != nil {
			return nil, err
		}
		if out.N > 0 {
			return out, nil
		}
	}
}

func (m *mvExpander) Close() error { return m.in.Close() }

// expandBatch expands the rows of b as n says, at most limit rows per
// input row (no limit when negative).
func expandBatch(env *Env, n *plan.MvExpand, b *value.Batch, limit int64) (*value.Batch, error) {
	arrays := make([]*value.Column, len(n.Exprs))
	for i, e := range n.Exprs {
		c, err := env.Eval(e, b)
		if err != nil {
			return nil, err
		}
		arrays[i] = c
	}
	out := &value.Batch{Cols: make([]*value.Column, len(n.Cols))}
	for j, col := range n.Cols {
		out.Cols[j] = value.NewColumn(col.Type, b.N)
	}
	// Columns that neither copy nor receive values (pruned away) read as
	// nulls.
	filled := make([]bool, len(n.Cols))
	for _, t := range n.Targets {
		filled[t] = true
	}
	if n.IndexCol >= 0 {
		filled[n.IndexCol] = true
	}
	elems := make([][]any, len(arrays))
	for r := 0; r < b.N; r++ {
		rows := 0
		for i, a := range arrays {
			elems[i] = expandElements(a.Get(r), n.BagArray)
			rows = max(rows, len(elems[i]))
		}
		if limit >= 0 && int64(rows) > limit {
			rows = int(limit)
		}
		for k := 0; k < rows; k++ {
			for j, src := range n.Keep {
				switch {
				case src >= 0:
					out.Cols[j].AppendFrom(b.Cols[src], r)
				case !filled[j]:
					out.Cols[j].AppendNull()
				}
			}
			for i, t := range n.Targets {
				var v any
				if k < len(elems[i]) {
					v = elems[i][k]
				}
				out.Cols[t].Append(castElement(n.Cols[t].Type, v))
			}
			if n.IndexCol >= 0 {
				out.Cols[n.IndexCol].Append(int64(k))
			}
			out.N++
		}
	}
	return out, nil
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
