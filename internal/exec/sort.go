package exec

import (
	"cmp"
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
			if c := compareRows(keys[i], idx[a], idx[b], k.NullsFirst); c != 0 {
				if k.Desc {
					// Nulls keep their place: NullsFirst already decided it.
					if keys[i].IsNull(idx[a]) || keys[i].IsNull(idx[b]) {
						return c < 0
					}
					return c > 0
				}
				return c < 0
			}
		}
		return false
	})
	if s.limit >= 0 && int64(len(idx)) > s.limit {
		idx = idx[:s.limit]
	}
	return all.Take(idx), nil
}

func (s *sorter) Close() error { return s.in.Close() }

// compareRows orders rows i and j of c ascending, with nulls first or
// last as asked.
func compareRows(c *value.Column, i, j int, nullsFirst bool) int {
	ni, nj := c.IsNull(i), c.IsNull(j)
	switch {
	case ni && nj:
		return 0
	case ni:
		if nullsFirst {
			return -1
		}
		return 1
	case nj:
		if nullsFirst {
			return 1
		}
		return -1
	}
	i, j = c.Row(i), c.Row(j)
	switch value.Storage(c.Type) {
	case value.StoreInt:
		return cmp.Compare(c.Ints[i], c.Ints[j])
	case value.StoreReal:
		return cmp.Compare(c.Reals[i], c.Reals[j]) // NaN sorts first
	case value.StoreString:
		return strings.Compare(c.Strs[i], c.Strs[j])
	case value.StoreBool:
		return funcs.CompareBool(c.Bools[i], c.Bools[j])
	}
	if r, ok := funcs.CompareAny(c.Dyns[i], c.Dyns[j]); ok {
		return r
	}
	return strings.Compare(value.DynamicString(c.Dyns[i]), value.DynamicString(c.Dyns[j]))
}
