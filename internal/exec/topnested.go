package exec

import (
	"context"
	"sort"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// topNester computes top-nested: each level groups the rows of the level
// above by its value, aggregates each group, and keeps the top N groups
// (and, with others, one group of the rest).
// https://learn.microsoft.com/kusto/query/top-nested-operator
type topNester struct {
	env  *Env
	in   Operator
	n    *plan.TopNested
	done bool
	acct account // its input and the groups of each level
}

func newTopNester(env *Env, in Operator, n *plan.TopNested) *topNester {
	return &topNester{env: env, in: in, n: n, acct: env.account(n)}
}

func (t *topNester) Close() error {
	t.acct.release()
	if !t.done {
		return t.in.Close()
	}
	return nil
}

func (t *topNester) Next(ctx context.Context) (*value.Batch, error) {
	if t.done {
		return nil, nil
	}
	t.done = true
	defer t.acct.release()
	batches, err := drain(ctx, t.in, &t.acct)
	if err != nil {
		return nil, err
	}
	all := value.Concat(types(t.n.Input.Schema()), batches)
	if err := t.acct.grow(batchBytes(all)); err != nil {
		return nil, err
	}
	// Evaluate each level's value and aggregate arguments once.
	ofs := make([]*value.Column, len(t.n.Levels))
	args := make([][]*value.Column, len(t.n.Levels))
	limits := make([]int64, len(t.n.Levels))
	for i, l := range t.n.Levels {
		if ofs[i], err = t.env.Eval(ctx, l.Of, all); err != nil {
			return nil, err
		}
		for _, a := range l.Agg.Args {
			c, err := t.env.Eval(ctx, a, all)
			if err != nil {
				return nil, err
			}
			args[i] = append(args[i], c)
		}
		limits[i] = -1
		if l.N != nil {
			if limits[i], err = constInt(ctx, t.env, l.N); err != nil {
				return nil, err
			}
		}
	}
	out := value.NewBatch(types(t.n.Cols), 16)
	rows := make([]int, all.N)
	for i := range rows {
		rows[i] = i
	}
	prefix := make([]any, 0, len(t.n.Cols))
	if err := t.level(ctx, 0, rows, ofs, args, limits, prefix, out); err != nil {
		return nil, err
	}
	return out, nil
}

// group is one group of a level: its value, its rows and its aggregate.
type group struct {
	value any
	rows  []int
	agg   any
}

// level groups rows by level i's value and writes the kept groups, and
// below each the levels after it.
func (t *topNester) level(ctx context.Context, i int, rows []int, ofs []*value.Column, args [][]*value.Column, limits []int64, prefix []any, out *value.Batch) error {
	if i == len(t.n.Levels) {
		for j, v := range prefix {
			out.Cols[j].Append(v)
		}
		out.N++
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	l := t.n.Levels[i]
	index := map[string]int{}
	var groups []*group
	var key []byte
	for _, r := range rows {
		key = appendKey(key[:0], ofs[i], r)
		g, ok := index[string(key)]
		if !ok {
			g = len(groups)
			index[string(key)] = g
			groups = append(groups, &group{value: ofs[i].Get(r)})
		}
		groups[g].rows = append(groups[g].rows, r)
	}
	if err := t.acct.grow(int64(len(groups))*(entryBytes+stateBytes) + int64(len(rows))*wordBytes); err != nil {
		return err
	}
	aggregate := func(gs []*group) {
		gids := make([]int, 0, len(rows))
		idx := make([]int, 0, len(rows))
		for g, grp := range gs {
			for _, r := range grp.rows {
				gids = append(gids, g)
				idx = append(idx, r)
			}
		}
		cols := make([]*value.Column, len(args[i]))
		argTypes := make([]schema.Type, len(args[i]))
		for k, a := range args[i] {
			cols[k] = a.Take(idx)
			argTypes[k] = a.Type
		}
		st := l.Agg.Sig.New(argTypes)
		st.Update(gids, cols, len(idx))
		res := value.NewColumn(l.Agg.T, len(gs))
		if len(gs) > 0 {
			st.Result([]*value.Column{res}, len(gs))
		}
		for g := range gs {
			gs[g].agg = res.Get(g)
		}
	}
	aggregate(groups)
	sort.SliceStable(groups, func(a, b int) bool {
		c, ok := funcs.CompareAny(groups[a].agg, groups[b].agg)
		if !ok {
			// Nulls last, whichever the order.
			return groups[a].agg != nil && groups[b].agg == nil
		}
		if l.Desc {
			return c > 0
		}
		return c < 0
	})
	keep := groups
	var rest []*group
	if limits[i] >= 0 && int64(len(groups)) > limits[i] {
		keep, rest = groups[:limits[i]], groups[limits[i]:]
	}
	if l.Others != nil && len(rest) > 0 {
		other := &group{}
		for _, g := range rest {
			other.rows = append(other.rows, g.rows...)
		}
		aggregate([]*group{other})
		col, err := t.env.Eval(ctx, l.Others, &value.Batch{N: 1})
		if err != nil {
			return err
		}
		other.value = col.Get(0)
		keep = append(keep, other)
	}
	for _, g := range keep {
		if err := t.level(ctx, i+1, g.rows, ofs, args, limits, append(prefix, g.value, g.agg), out); err != nil {
			return err
		}
	}
	return nil
}
