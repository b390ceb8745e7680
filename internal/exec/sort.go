package exec

import (
	"cmp"
	"context"
	"math"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// sorter implements sort (no limit) and top (the first limit rows in
// sort order). It reads its whole input, then yields the sorted rows in
// batches of BatchSize. It holds its input and accounts for it; top keeps
// only its best rows as it reads, so that it holds O(limit) rows.
// https://learn.microsoft.com/kusto/query/sort-operator
// https://learn.microsoft.com/kusto/query/top-operator
type sorter struct {
	env   *Env
	in    Operator
	keys  []plan.SortKey
	types []schema.Type
	n     plan.Expr // the row count of top; nil for sort
	acct  account

	done   bool
	sorted *value.Batch
	idx    []int // the rows of sorted to yield, in order
}

func newSorter(env *Env, in Operator, node plan.Node, keys []plan.SortKey, n plan.Expr) *sorter {
	return &sorter{env: env, in: in, keys: keys, types: types(node.Schema()), n: n, acct: env.account(node)}
}

func (s *sorter) Next(ctx context.Context) (*value.Batch, error) {
	if !s.done {
		s.done = true
		if err := s.sort(ctx); err != nil {
			return nil, err
		}
	}
	if len(s.idx) == 0 {
		s.sorted = nil
		s.acct.release()
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k := min(len(s.idx), BatchSize)
	b := s.sorted.Take(s.idx[:k])
	s.idx = s.idx[k:]
	return b, nil
}

// sort reads the input and orders it.
func (s *sorter) sort(ctx context.Context) error {
	limit := int64(-1)
	if s.n != nil {
		l, err := constInt(ctx, s.env, s.n)
		if err != nil {
			return err
		}
		limit = l
	}
	var batches []*value.Batch
	rows := 0
	for {
		b, err := s.in.Next(ctx)
		if err != nil {
			return err
		}
		if b == nil {
			break
		}
		if b.N == 0 {
			continue
		}
		if err := s.acct.grow(batchBytes(b)); err != nil {
			return err
		}
		batches = append(batches, b)
		rows += b.N
		if limit >= 0 && int64(rows) > 2*limit+BatchSize {
			// top: keep the best limit rows so far.
			all, idx, err := s.order(ctx, batches, limit)
			if err != nil {
				return err
			}
			kept := all.Take(idx)
			s.acct.release()
			if err := s.acct.grow(batchBytes(kept)); err != nil {
				return err
			}
			batches, rows = []*value.Batch{kept}, kept.N
		}
	}
	all, idx, err := s.order(ctx, batches, limit)
	if err != nil {
		return err
	}
	s.sorted, s.idx = all, idx
	return nil
}

// order concatenates batches and returns the row order, cut to limit
// rows when limit >= 0.
func (s *sorter) order(ctx context.Context, batches []*value.Batch, limit int64) (*value.Batch, []int, error) {
	all := value.Concat(s.types, batches)
	if len(batches) > 1 {
		if err := s.acct.grow(batchBytes(all)); err != nil {
			return nil, nil, err
		}
	}
	keys := make([]*value.Column, len(s.keys))
	for i, k := range s.keys {
		col, err := s.env.Eval(ctx, k.X, all)
		if err != nil {
			return nil, nil, err
		}
		keys[i] = col
	}
	if err := s.acct.grow(int64(all.N) * wordBytes); err != nil {
		return nil, nil, err
	}
	idx := make([]int, all.N)
	for i := range idx {
		idx[i] = i
	}
	if err := sortStable(ctx, idx, func(a, b int) bool {
		for i, k := range s.keys {
			c, special := compareRows(keys[i], a, b, k.NullsFirst)
			if c == 0 {
				continue
			}
			if k.Desc && !special {
				return c > 0
			}
			return c < 0
		}
		return false
	}); err != nil {
		return nil, nil, err
	}
	if limit >= 0 && int64(len(idx)) > limit {
		idx = idx[:limit]
	}
	return all, idx, nil
}

// sortCanceled carries a context's error out of a sort.
type sortCanceled struct{ err error }

// sortStable sorts the row numbers idx stably by less, which compares two
// rows, checking ctx every 64Ki comparisons: sorting millions of rows
// takes seconds.
func sortStable(ctx context.Context, idx []int, less func(a, b int) bool) (err error) {
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(sortCanceled)
			if !ok {
				panic(r)
			}
			err = c.err
		}
	}()
	n := 0
	sort.SliceStable(idx, func(a, b int) bool {
		if n++; n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				panic(sortCanceled{err})
			}
		}
		return less(idx[a], idx[b])
	})
	return ctx.Err()
}

func (s *sorter) Close() error {
	s.sorted, s.idx = nil, nil
	s.acct.release()
	return s.in.Close()
}

// compareRows orders rows i and j of c ascending. Nulls, and NaN among
// reals, sort apart from the other values: first (null, then NaN) or last
// (NaN, then null) as asked, whatever the direction; special reports that
// the order came from such a value, so that the caller does not reverse it
// for a descending sort.
// https://learn.microsoft.com/kusto/query/sort-operator#using-special-floating-point-values
func compareRows(c *value.Column, i, j int, nullsFirst bool) (order int, special bool) {
	ri, rj := rank(c, i), rank(c, j)
	if ri != rj || ri != 2 {
		if !nullsFirst {
			ri, rj = -ri, -rj
		}
		return cmp.Compare(ri, rj), true
	}
	i, j = c.Row(i), c.Row(j)
	switch value.Storage(c.Type) {
	case value.StoreInt:
		return cmp.Compare(c.Ints[i], c.Ints[j]), false
	case value.StoreReal:
		return cmp.Compare(c.Reals[i], c.Reals[j]), false
	case value.StoreString:
		return strings.Compare(c.Strs[i], c.Strs[j]), false
	case value.StoreBool:
		return funcs.CompareBool(c.Bools[i], c.Bools[j]), false
	}
	if r, ok := funcs.CompareAny(c.Dyns[i], c.Dyns[j]); ok {
		return r, false
	}
	return strings.Compare(value.DynamicString(c.Dyns[i]), value.DynamicString(c.Dyns[j])), false
}

// rank places a value among the special ones: 0 null, 1 NaN, 2 any other.
func rank(c *value.Column, i int) int {
	switch {
	case c.IsNull(i):
		return 0
	case value.Storage(c.Type) == value.StoreReal && math.IsNaN(c.Reals[c.Row(i)]):
		return 1
	}
	return 2
}
