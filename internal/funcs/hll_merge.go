package funcs

import "github.com/kqlhunt/kqlhunt/internal/schema"

// hll_merge(hll1, hll2, ...), the scalar function: merges the sketches of
// several columns into one. The checker calls it outside summarize and,
// in summarize, for two or more arguments; hll_merge of one argument in
// summarize is the aggregate, which merges a group's sketches.
// Null arguments and values that are not sketches are skipped; with no
// sketch the result is null.
// https://learn.microsoft.com/kusto/query/hll-merge-function
func init() {
	defer inCategory(CatScalarAggregation)()
	s := sig(schema.Dynamic, rowKernel(func(row []any) (any, bool) {
		var set *hllSet
		for _, v := range row {
			bits, hashes, ok := parseHll(v)
			if !ok {
				continue
			}
			if set == nil {
				set = &hllSet{bits: bits, hashes: map[uint64]struct{}{}}
			}
			for _, h := range hashes {
				set.add(h)
			}
		}
		if set == nil {
			return nil, false
		}
		return set.value(), true
	}), p("hll", tDynamic))
	s.Variadic = true
	register(&Func{Name: "hll_merge", Pure: true, Ref: refFuncPage + "hll-merge-function",
		Doc:  "Merges the sketches made by hll() held in several columns into one." + " kqlhunt's sketch lists the hashes of the distinct values, so dcount_hll() counts them exactly.",
		Sigs: []*Sig{s},
		Examples: []Example{{"dcount_hll(hll_merge(dynamic([[1024, 14], ['1', '2'], []]), dynamic([[1024, 14], ['2', '3'], []])))", "3"},
			{"isnull(hll_merge(dynamic(null), dynamic({})))", "true"}}})
}
