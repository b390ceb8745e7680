package exec

import (
	"cmp"
	"math"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// sorter implements sort (limit < 0) and top (the first limit rows in
// sort order). It reads its whole input, then yields the sorted rows.
// https://learn.microsoft.com/kusto/query/sort-operator
type sorter struct {
	env   *Env
	in    Operator
	keys  []plan.SortKey
	types []schema.Type
	limit int64
	done  bool
}

func (s *sorter) Next() (*value.Batch, error) {
	if s.done {
		return nil, nil
	}
	s.done = true
	batches, err := Drain(s.in)
	if err != nil {
		return nil, err
	}
	all := value.Concat(s.types, batches)
	keys := make([]*value.Column, len(s.keys))
	for i, k := range s.keys {
		col, err := s.env.Eval(k.X, all)
		if err != nil {
			return nil, err
		}
		keys[i] = col
	}
	idx := make([]int, all.N)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		for i, k := range s.keys {
			c, special := compareRows(keys[i], idx[a], idx[b], k.NullsFirst)
			if c == 0 {
				continue
			}
			if k.Desc && !special {
				return c > 0
			}
			return c < 0
		}
		return false
	})
	if s.limit >= 0 && int64(len(idx)) > s.limit {
		idx = idx[:s.limit]
	}
	return all.Take(idx), nil
}

func (s *sorter) Close() error { return s.in.Close() }

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
