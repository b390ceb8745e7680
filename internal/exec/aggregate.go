package exec

import (
	"context"
	"encoding/binary"
	"math"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// aggregate groups its input by the key expressions and folds each
// aggregate per group (hash aggregation). Nulls group together.
// https://learn.microsoft.com/kusto/query/summarize-operator
type aggregate struct {
	env    *Env
	in     Operator
	node   *plan.Aggregate
	states []funcs.AggState
	groups map[string]int
	keys   []*value.Column // key values, one row per group
	done   bool
	// acct holds the groups' keys and an estimate of their states (the
	// contents of make_list and the like are left to the heap backstop).
	acct account
}

// stateBytes estimates an aggregate state's memory per group.
const stateBytes = 32

func newAggregate(env *Env, in Operator, n *plan.Aggregate) *aggregate {
	a := &aggregate{env: env, in: in, node: n, groups: map[string]int{}, acct: env.account(n)}
	for _, ac := range n.Aggs {
		argTypes := make([]schema.Type, len(ac.Args))
		for i, e := range ac.Args {
			argTypes[i] = e.Type()
		}
		a.states = append(a.states, ac.Sig.New(argTypes))
	}
	for i := range n.Keys {
		a.keys = append(a.keys, value.NewColumn(n.Cols[i].Type, 16))
	}
	return a
}

func (a *aggregate) Next(ctx context.Context) (*value.Batch, error) {
	if a.done {
		return nil, nil
	}
	a.done = true
	var key []byte
	var gids []int
	keyCols := make([]*value.Column, len(a.node.Keys))
	perGroup := int64(entryBytes + stateBytes*len(a.node.Aggs))
	sizes := make([]int64, len(a.states))
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := a.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		for i, e := range a.node.Keys {
			if keyCols[i], err = a.env.Eval(ctx, e, b); err != nil {
				return nil, err
			}
		}
		grown := int64(0)
		gids = gids[:0]
		for r := 0; r < b.N; r++ {
			key = key[:0]
			for _, c := range keyCols {
				key = appendKey(key, c, r)
			}
			g, ok := a.groups[string(key)]
			if !ok {
				g = len(a.groups)
				a.groups[string(key)] = g
				for i, c := range keyCols {
					a.keys[i].AppendFrom(c, r)
					grown += rowBytes(c, r)
				}
				grown += perGroup + int64(len(key))
			}
			gids = append(gids, g)
		}
		if err := a.acct.grow(grown); err != nil {
			return nil, err
		}
		for i, ac := range a.node.Aggs {
			args := make([]*value.Column, len(ac.Args))
			for j, e := range ac.Args {
				if args[j], err = a.env.Eval(ctx, e, b); err != nil {
					return nil, err
				}
			}
			a.states[i].Update(gids, args, b.N)
		}
		if err := a.acct.grow(stateGrowth(a.states, sizes)); err != nil {
			return nil, err
		}
	}
	ngroups := len(a.groups)
	if len(a.node.Keys) == 0 {
		ngroups = 1 // summarize without by yields one row, even for no input
	}
	out := &value.Batch{N: ngroups}
	out.Cols = append(out.Cols, a.keys...)
	for i, ac := range a.node.Aggs {
		first := len(out.Cols)
		for k := 0; k < aggOutputs(ac); k++ {
			out.Cols = append(out.Cols, value.NewColumn(a.node.Cols[first+k].Type, ngroups))
		}
		if ngroups > 0 {
			a.states[i].Result(out.Cols[first:], ngroups)
		}
	}
	// The rows are the consumer's now.
	a.acct.release()
	a.states, a.groups = nil, nil
	return out, nil
}

func (a *aggregate) Close() error {
	a.acct.release()
	return a.in.Close()
}

// aggOutputs returns how many columns an aggregate call yields.
func aggOutputs(ac *plan.AggCall) int {
	if ac.Fn.Multi {
		return len(ac.Args)
	}
	return 1
}

// appendKey appends an encoding of row r of c that is equal for equal
// values and distinct otherwise: a tag byte, then the value.
func appendKey(key []byte, c *value.Column, r int) []byte {
	if c.IsNull(r) {
		return append(key, 0)
	}
	i := c.Row(r)
	switch value.Storage(c.Type) {
	case value.StoreBool:
		if c.Bools[i] {
			return append(key, 1, 1)
		}
		return append(key, 1, 0)
	case value.StoreInt:
		key = append(key, 2)
		return binary.LittleEndian.AppendUint64(key, uint64(c.Ints[i]))
	case value.StoreReal:
		f := c.Reals[i]
		if f == 0 {
			f = 0 // -0 groups with 0
		}
		if math.IsNaN(f) {
			f = math.NaN()
		}
		key = append(key, 3)
		return binary.LittleEndian.AppendUint64(key, math.Float64bits(f))
	case value.StoreString:
		s := c.Strs[i]
		key = append(key, 4)
		key = binary.AppendUvarint(key, uint64(len(s)))
		return append(key, s...)
	}
	if d, ok := c.Dyns[i].(value.Decimal); ok {
		// Equal decimals group together whatever their scales (1.5 and
		// 1.50).
		s := d.Key().AppendText(nil)
		key = append(key, 6)
		key = binary.AppendUvarint(key, uint64(len(s)))
		return append(key, s...)
	}
	s := value.AppendKeyJSON(nil, c.Dyns[i])
	key = append(key, 5)
	key = binary.AppendUvarint(key, uint64(len(s)))
	return append(key, s...)
}
