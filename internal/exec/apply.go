package exec

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// applier runs a subplan per input row (mv-apply) or per partition
// (partition), on a table made from the input, and concatenates the
// outputs.
// https://learn.microsoft.com/kusto/query/mv-apply-operator
// https://learn.microsoft.com/kusto/query/partition-operator
type applier struct {
	env     *Env
	in      Operator
	n       *plan.Apply
	started bool
	limit   int64
	acct    account // the input of partition
	out     []*value.Batch
	done    bool
	// The input batch of mv-apply and the next row of it.
	cur *value.Batch
	r   int
}

func newApplier(env *Env, in Operator, n *plan.Apply) *applier {
	return &applier{env: env, in: in, n: n, limit: -1, acct: env.account(n)}
}

func (a *applier) Close() error {
	a.acct.release()
	a.out, a.cur = nil, nil
	if !a.done {
		return a.in.Close()
	}
	return nil
}

// runSub runs the subplan with its Param reading rows.
func (a *applier) runSub(ctx context.Context, rows []*value.Batch) ([]*value.Batch, error) {
	if a.env.params == nil {
		a.env.params = map[*plan.Param][]*value.Batch{}
	}
	saved, had := a.env.params[a.n.Param]
	a.env.params[a.n.Param] = rows
	defer func() {
		if had {
			a.env.params[a.n.Param] = saved
		} else {
			delete(a.env.params, a.n.Param)
		}
	}()
	op, err := Build(a.env, a.n.Sub)
	if err != nil {
		return nil, err
	}
	return Drain(ctx, op)
}

func (a *applier) Next(ctx context.Context) (*value.Batch, error) {
	if !a.started {
		a.started = true
		if a.n.Expand != nil {
			l, err := expandLimit(ctx, a.env, a.n.Expand)
			if err != nil {
				return nil, err
			}
			a.limit = l
		}
	}
	for {
		if len(a.out) > 0 {
			b := a.out[0]
			a.out = a.out[1:]
			return b, nil
		}
		if a.done {
			a.acct.release()
			return nil, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var err error
		if a.n.Kind == plan.ApplyPartitions {
			err = a.partitions(ctx)
		} else {
			err = a.row(ctx)
		}
		if err != nil {
			return nil, err
		}
	}
}

// row applies the subplan to the next input row.
func (a *applier) row(ctx context.Context) error {
	for a.cur == nil || a.r >= a.cur.N {
		b, err := a.in.Next(ctx)
		if err != nil {
			return err
		}
		if b == nil {
			a.done = true
			return a.in.Close()
		}
		a.cur, a.r = b, 0
	}
	one := a.cur.Take([]int{a.r})
	a.r++
	exp, err := expandBatch(ctx, a.env, a.n.Expand, one, a.limit)
	if err != nil {
		return err
	}
	param := &value.Batch{N: exp.N}
	for _, j := range a.n.ParamCols {
		param.Cols = append(param.Cols, exp.Cols[j])
	}
	subs, err := a.runSub(ctx, []*value.Batch{param})
	if err != nil {
		return err
	}
	for _, s := range subs {
		out := &value.Batch{N: s.N}
		for _, k := range a.n.Keep {
			out.Cols = append(out.Cols, one.Cols[k].Take(make([]int, s.N)))
		}
		out.Cols = append(out.Cols, s.Cols...)
		a.out = append(a.out, out)
	}
	return nil
}

// partitions reads the whole input, splits it by key and applies the
// subplan to each part.
func (a *applier) partitions(ctx context.Context) error {
	a.done = true
	batches, err := drain(ctx, a.in, &a.acct)
	if err != nil {
		return err
	}
	type part struct {
		rows [][2]int // batch, row
	}
	index := map[string]int{}
	var parts []*part
	var key []byte
	for bi, b := range batches {
		k, err := a.env.Eval(ctx, a.n.Key, b)
		if err != nil {
			return err
		}
		if err := a.acct.grow(int64(b.N) * 2 * wordBytes); err != nil {
			return err
		}
		for r := 0; r < b.N; r++ {
			key = appendKey(key[:0], k, r)
			p, ok := index[string(key)]
			if !ok {
				p = len(parts)
				index[string(key)] = p
				parts = append(parts, &part{})
			}
			parts[p].rows = append(parts[p].rows, [2]int{bi, r})
		}
	}
	if len(parts) > maxPartitions {
		return fmt.Errorf("partition: %d partitions, more than the %d allowed", len(parts), maxPartitions)
	}
	for _, p := range parts {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows := value.NewBatch(types(a.n.Param.Cols), len(p.rows))
		for _, br := range p.rows {
			for j, c := range batches[br[0]].Cols {
				rows.Cols[j].AppendFrom(c, br[1])
			}
		}
		rows.N = len(p.rows)
		// A toscalar() of the partition (the key read as a scalar in the
		// legacy form, toscalar(Partition | ...) after as Partition) has
		// one value per partition: the subquery cache starts again for
		// each, keeping the values computed outside.
		saved := a.env.subqueries
		a.env.subqueries = maps.Clone(saved)
		subs, err := a.runSub(ctx, []*value.Batch{rows})
		a.env.subqueries = saved
		if err != nil {
			return err
		}
		a.out = append(a.out, subs...)
	}
	return nil
}

// maxPartitions bounds the partitions of partition, as Kusto does.
// https://learn.microsoft.com/kusto/query/partition-operator
const maxPartitions = 64

// sampler passes up to N rows chosen at random (reservoir sampling).
// https://learn.microsoft.com/kusto/query/sample-operator
type sampler struct {
	env  *Env
	in   Operator
	n    *plan.Sample
	done bool
	acct account
}

func newSampler(env *Env, in Operator, n *plan.Sample) *sampler {
	return &sampler{env: env, in: in, n: n, acct: env.account(n)}
}

func (s *sampler) Close() error {
	s.acct.release()
	if !s.done {
		return s.in.Close()
	}
	return nil
}

func (s *sampler) Next(ctx context.Context) (*value.Batch, error) {
	if s.done {
		return nil, nil
	}
	s.done = true
	k, err := constInt(ctx, s.env, s.n.N)
	if err != nil {
		s.in.Close()
		return nil, err
	}
	batches, err := drain(ctx, s.in, &s.acct)
	defer s.acct.release()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(s.env.Funcs.Now), 1))
	var pick [][2]int
	seen := 0
	for bi, b := range batches {
		for r := 0; r < b.N; r++ {
			seen++
			if int64(len(pick)) < k {
				pick = append(pick, [2]int{bi, r})
			} else if j := rng.IntN(seen); int64(j) < k {
				pick[j] = [2]int{bi, r}
			}
		}
	}
	out := value.NewBatch(types(s.n.Cols), len(pick))
	for _, br := range pick {
		for j, c := range batches[br[0]].Cols {
			out.Cols[j].AppendFrom(c, br[1])
		}
	}
	out.N = len(pick)
	return out, nil
}
