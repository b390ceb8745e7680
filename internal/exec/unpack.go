package exec

import (
	"context"
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// bagUnpacker turns the properties of a dynamic column into columns.
// https://learn.microsoft.com/kusto/query/bag-unpack-plugin
type bagUnpacker struct {
	env *Env
	in  Operator
	n   *plan.BagUnpack
}

func (u *bagUnpacker) Next(ctx context.Context) (*value.Batch, error) {
	b, err := u.in.Next(ctx)
	if b == nil || err != nil {
		return nil, err
	}
	bags, err := u.env.Eval(ctx, u.n.X, b)
	if err != nil {
		return nil, err
	}
	out := &value.Batch{N: b.N, Cols: make([]*value.Column, len(u.n.Cols))}
	for j, col := range u.n.Cols {
		if src := u.n.Keep[j]; src >= 0 {
			out.Cols[j] = b.Cols[src]
			continue
		}
		c := value.NewColumn(col.Type, b.N)
		for i := 0; i < b.N; i++ {
			var v any
			if bag, ok := bags.Get(i).(*value.Bag); ok {
				v, _ = bag.Get(u.n.Slots[j])
			}
			c.Append(castElement(col.Type, v))
		}
		out.Cols[j] = c
	}
	return out, nil
}

func (u *bagUnpacker) Close() error { return u.in.Close() }

// pivoter groups rows by keys and aggregates each value of the pivot
// column into its own column.
// https://learn.microsoft.com/kusto/query/pivot-plugin
type pivoter struct {
	env  *Env
	in   Operator
	n    *plan.Pivot
	done bool
	acct account // the groups' keys and cells
}

func newPivoter(env *Env, in Operator, n *plan.Pivot) *pivoter {
	return &pivoter{env: env, in: in, n: n, acct: env.account(n)}
}

func (p *pivoter) Next(ctx context.Context) (*value.Batch, error) {
	if p.done {
		return nil, nil
	}
	p.done = true
	index := make(map[string]int, len(p.n.Values))
	for i, v := range p.n.Values {
		index[v] = i
	}
	var state funcs.AggState
	if p.n.Agg != nil {
		types := make([]schema.Type, len(p.n.Agg.Args))
		for i, a := range p.n.Agg.Args {
			types[i] = a.Type()
		}
		state = p.n.Agg.Sig.New(types)
	}
	groups := map[string]int{}
	keys := make([]*value.Column, len(p.n.Keys))
	for i, k := range p.n.Keys {
		keys[i] = value.NewColumn(k.Type(), 16)
	}
	var counts []int64
	var key []byte
	perGroup := int64(entryBytes + stateBytes*len(p.n.Values))
	sizes := make([]int64, 1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := p.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		of, err := p.env.Eval(ctx, p.n.Of, b)
		if err != nil {
			return nil, err
		}
		keyCols := make([]*value.Column, len(p.n.Keys))
		for i, k := range p.n.Keys {
			if keyCols[i], err = p.env.Eval(ctx, k, b); err != nil {
				return nil, err
			}
		}
		cells := make([]int, b.N)
		grown := int64(0)
		for r := 0; r < b.N; r++ {
			key = key[:0]
			for _, c := range keyCols {
				key = appendKey(key, c, r)
			}
			g, ok := groups[string(key)]
			if !ok {
				g = len(groups)
				groups[string(key)] = g
				for i, c := range keyCols {
					keys[i].AppendFrom(c, r)
					grown += rowBytes(c, r)
				}
				grown += perGroup + int64(len(key))
			}
			v, known := index[funcs.ToString(p.n.Of.Type(), of.Get(r))]
			if !known {
				return nil, fmt.Errorf("pivot: a value of the pivot column appeared that the first run did not see")
			}
			cells[r] = g*len(p.n.Values) + v
		}
		if err := p.acct.grow(grown); err != nil {
			return nil, err
		}
		if state == nil {
			for _, cell := range cells {
				for cell >= len(counts) {
					counts = append(counts, 0)
				}
				counts[cell]++
			}
			continue
		}
		args := make([]*value.Column, len(p.n.Agg.Args))
		for i, a := range p.n.Agg.Args {
			if args[i], err = p.env.Eval(ctx, a, b); err != nil {
				return nil, err
			}
		}
		state.Update(cells, args, b.N)
		if err := p.acct.grow(stateGrowth([]funcs.AggState{state}, sizes)); err != nil {
			return nil, err
		}
	}
	ngroups := len(groups)
	out := &value.Batch{N: ngroups, Cols: append([]*value.Column(nil), keys...)}
	ncells := ngroups * len(p.n.Values)
	var cellCol *value.Column
	if state != nil && len(p.n.Values) > 0 {
		cellCol = value.NewColumn(p.n.Cols[len(p.n.Keys)].Type, ncells)
		if ncells > 0 {
			state.Result([]*value.Column{cellCol}, ncells)
		}
	}
	for v := range p.n.Values {
		col := value.NewColumn(p.n.Cols[len(p.n.Keys)+v].Type, ngroups)
		for g := 0; g < ngroups; g++ {
			cell := g*len(p.n.Values) + v
			if state == nil {
				var n int64
				if cell < len(counts) {
					n = counts[cell]
				}
				col.Append(n)
			} else {
				col.AppendFrom(cellCol, cell)
			}
		}
		out.Cols = append(out.Cols, col)
	}
	p.acct.release()
	return out, nil
}

func (p *pivoter) Close() error {
	p.acct.release()
	return p.in.Close()
}
