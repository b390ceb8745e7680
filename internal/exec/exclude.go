package exec

import (
	"context"
	"maps"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Suppressed counts, by exclusion name, the rows that the plan.Exclude
// operators of a run dropped. A row that several exclusions match counts
// once for each; Dropped counts each row once. It is safe for concurrent
// use.
type Suppressed struct {
	mu      sync.Mutex
	n       map[string]int64
	dropped int64
}

// Counts returns a copy of the counts so far; every exclusion that an
// operator of the run applies is present, with 0 when it matched nothing.
// A nil *Suppressed has no counts.
func (s *Suppressed) Counts() map[string]int64 {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.n)
}

// Dropped returns the number of rows dropped so far, each counted once
// whatever the number of exclusions it matched. A nil *Suppressed has
// dropped nothing.
func (s *Suppressed) Dropped() int64 {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

func (s *Suppressed) drop(n int64) {
	s.mu.Lock()
	s.dropped += n
	s.mu.Unlock()
}

func (s *Suppressed) add(name string, n int64) {
	s.mu.Lock()
	if s.n == nil {
		s.n = map[string]int64{}
	}
	s.n[name] += n
	s.mu.Unlock()
}

// excluder runs a plan.Exclude: it drops the rows that any predicate is
// true for and counts, per predicate, the rows it was true for.
type excluder struct {
	env  *Env
	in   Operator
	n    *plan.Exclude
	drop []bool
	idx  []int
}

func newExcluder(env *Env, n *plan.Exclude, in Operator) *excluder {
	if env.Suppressed == nil {
		env.Suppressed = &Suppressed{}
	}
	for _, name := range n.Names {
		env.Suppressed.add(name, 0)
	}
	return &excluder{env: env, in: in, n: n}
}

func (x *excluder) Next(ctx context.Context) (*value.Batch, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := x.in.Next(ctx)
		if b == nil || err != nil {
			return nil, err
		}
		if cap(x.drop) < b.N {
			x.drop = make([]bool, b.N)
		}
		x.drop = x.drop[:b.N]
		clear(x.drop)
		dropped := 0
		for p, pred := range x.n.Preds {
			mask, err := x.env.Eval(ctx, pred, b)
			if err != nil {
				return nil, err
			}
			matched := int64(0)
			for i := 0; i < b.N; i++ {
				if mask.IsNull(i) || !mask.Bools[mask.Row(i)] {
					continue
				}
				matched++
				if !x.drop[i] {
					x.drop[i] = true
					dropped++
				}
			}
			x.env.Suppressed.add(x.n.Names[p], matched)
		}
		if dropped > 0 {
			x.env.Suppressed.drop(int64(dropped))
		}
		switch dropped {
		case 0:
			return b, nil
		case b.N:
			continue
		}
		x.idx = x.idx[:0]
		for i, d := range x.drop {
			if !d {
				x.idx = append(x.idx, i)
			}
		}
		return b.Take(x.idx), nil
	}
}

func (x *excluder) Close() error { return x.in.Close() }
