package funcs

import (
	"math"
	"sort"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// The tdigest family: tdigest() and tdigest_merge() (alias merge_tdigest)
// aggregate a group into a digest, merge_tdigest() merges the digests of
// several columns, and percentile_tdigest(), percentiles_array_tdigest(),
// rank_tdigest() and percentrank_tdigest() read one.
//
// A digest is a dynamic value of the shape the reference prints:
//
//	[[code], [value, ...], [weight, ...]]
//
// code is the type of the values: 7 for long (and int), as the tdigest
// page shows; 14 for real, 16 for datetime and 17 for timespan are
// kqlhunt's own (the reference documents none, and says the
// representation is not stable). Datetimes and timespans are held as
// ticks. Kusto's digest is a T-Digest whose centroids estimate the
// percentiles; kqlhunt's holds every distinct value with its total
// weight, so percentile_tdigest(tdigest(x), p) is exactly percentile(x,
// p) (the nearest-rank value that kqlhunt's percentile() computes, within
// Kusto's documented error), and the merge of the digests of parts is
// the digest of the whole.
// https://learn.microsoft.com/kusto/query/tdigest-aggregation-function

// Type codes of a digest's values.
const (
	digestLong     = 7
	digestReal     = 14
	digestDatetime = 16
	digestTimespan = 17
)

// digest is the decoded form of a digest: its distinct values in
// ascending order (ints for long, datetime and timespan; reals for real)
// and their weights.
type digest struct {
	code    int64
	ints    []int64
	reals   []float64
	weights []int64
}

// digestCode returns the code of the values of type t.
func digestCode(t schema.Type) int64 {
	switch t {
	case schema.Real, schema.Decimal:
		return digestReal
	case schema.Datetime:
		return digestDatetime
	case schema.Timespan:
		return digestTimespan
	}
	return digestLong
}

// total returns the sum of the weights.
func (d *digest) total() int64 {
	var t int64
	for _, w := range d.weights {
		t += w
	}
	return t
}

// len returns the number of distinct values.
func (d *digest) len() int { return len(d.weights) }

// digestBuilder collects weighted values of one type.
type digestBuilder struct {
	code  int64
	ints  map[int64]int64
	reals map[float64]int64
}

func newDigestBuilder(code int64) *digestBuilder {
	return &digestBuilder{code: code, ints: map[int64]int64{}, reals: map[float64]int64{}}
}

func (b *digestBuilder) addInt(v, w int64) { b.ints[v] += w }
func (b *digestBuilder) addReal(v float64, w int64) {
	if v == 0 {
		v = 0 // -0 and 0 are one value
	}
	b.reals[v] += w
}

// merge adds the values of d, which must have b's code.
func (b *digestBuilder) merge(d *digest) {
	for i, w := range d.weights {
		if d.code == digestReal {
			b.addReal(d.reals[i], w)
		} else {
			b.addInt(d.ints[i], w)
		}
	}
}

// value returns the digest as a dynamic value.
func (b *digestBuilder) value() any {
	var vals, weights []any
	if b.code == digestReal {
		keys := make([]float64, 0, len(b.reals))
		for k := range b.reals {
			keys = append(keys, k)
		}
		sort.Float64s(keys)
		for _, k := range keys {
			vals = append(vals, k)
			weights = append(weights, b.reals[k])
		}
	} else {
		keys := make([]int64, 0, len(b.ints))
		for k := range b.ints {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
		for _, k := range keys {
			vals = append(vals, k)
			weights = append(weights, b.ints[k])
		}
	}
	if vals == nil {
		vals, weights = []any{}, []any{}
	}
	return []any{[]any{b.code}, vals, weights}
}

// parseDigest decodes a digest made by tdigest() or a merge; ok is false
// for any other value. Values need not be sorted or distinct (a digest
// may be written by hand, as the page's pre-existing centroids are).
func parseDigest(v any) (*digest, bool) {
	arr, ok := v.([]any)
	if !ok || len(arr) != 3 {
		return nil, false
	}
	head, ok1 := arr[0].([]any)
	vals, ok2 := arr[1].([]any)
	ws, ok3 := arr[2].([]any)
	if !ok1 || !ok2 || !ok3 || len(head) != 1 || len(vals) != len(ws) {
		return nil, false
	}
	code, ok := head[0].(int64)
	if !ok || (code != digestLong && code != digestReal && code != digestDatetime && code != digestTimespan) {
		return nil, false
	}
	b := newDigestBuilder(code)
	for i, e := range vals {
		w, ok := ws[i].(int64)
		if !ok || w <= 0 {
			return nil, false
		}
		switch x := e.(type) {
		case int64:
			if code == digestReal {
				b.addReal(float64(x), w)
			} else {
				b.addInt(x, w)
			}
		case float64:
			if code != digestReal {
				return nil, false
			}
			b.addReal(x, w)
		default:
			return nil, false
		}
	}
	return b.digest(), true
}

// digest returns the builder's values as a digest.
func (b *digestBuilder) digest() *digest {
	d := &digest{code: b.code}
	arr := b.value().([]any)
	for i, v := range arr[1].([]any) {
		if b.code == digestReal {
			d.reals = append(d.reals, v.(float64))
		} else {
			d.ints = append(d.ints, v.(int64))
		}
		d.weights = append(d.weights, arr[2].([]any)[i].(int64))
	}
	return d
}

// at returns value i of d as a dynamic value of its type.
func (d *digest) at(i int) any {
	switch d.code {
	case digestReal:
		return d.reals[i]
	case digestDatetime:
		return value.DatetimeFromTicks(d.ints[i])
	case digestTimespan:
		return value.Timespan(d.ints[i])
	}
	return d.ints[i]
}

// percentile returns the nearest-rank percentile pct of d, as
// percentile() computes it: the value at rank ceil(pct/100 × total
// weight), the smallest for pct 0; nil for an empty digest.
func (d *digest) percentile(pct float64) any {
	n := d.len()
	if n == 0 || math.IsNaN(pct) {
		return nil
	}
	total := d.total()
	rank := int64(math.Ceil(pct*float64(total)/100 - 1e-9))
	rank = max(1, min(rank, total))
	var cum int64
	for i, w := range d.weights {
		cum += w
		if cum >= rank {
			return d.at(i)
		}
	}
	return d.at(n - 1)
}

// rank returns the total weight of the values of d less than or equal to
// v; ok is false when v is not of the digest's type.
func (d *digest) rank(v any) (int64, bool) {
	var le func(i int) bool
	switch x := v.(type) {
	case int64:
		switch d.code {
		case digestLong:
			le = func(i int) bool { return d.ints[i] <= x }
		case digestReal:
			le = func(i int) bool { return d.reals[i] <= float64(x) }
		}
	case value.Decimal:
		return d.rank(x.Float())
	case float64:
		switch d.code {
		case digestLong:
			le = func(i int) bool { return float64(d.ints[i]) <= x }
		case digestReal:
			le = func(i int) bool { return d.reals[i] <= x }
		}
	case value.Datetime:
		if d.code == digestDatetime {
			le = func(i int) bool { return d.ints[i] <= x.Ticks() }
		}
	case value.Timespan:
		if d.code == digestTimespan {
			le = func(i int) bool { return d.ints[i] <= int64(x) }
		}
	}
	if le == nil {
		return 0, false
	}
	var r int64
	for i, w := range d.weights {
		if le(i) {
			r += w
		}
	}
	return r, true
}

// mergeDigests merges the digests among vs; values that are not digests
// are skipped, and digests of different types give no result.
func mergeDigests(vs []any) (any, bool) {
	var b *digestBuilder
	for _, v := range vs {
		d, ok := parseDigest(v)
		if !ok {
			continue
		}
		if b == nil {
			b = newDigestBuilder(d.code)
		} else if b.code != d.code {
			return nil, false
		}
		b.merge(d)
	}
	if b == nil {
		return nil, false
	}
	return b.value(), true
}

// tdigestState implements tdigest() (merge false) and tdigest_merge()
// (merge true).
type tdigestState struct {
	merge    bool
	weighted bool
	code     int64
	groups   []*digestBuilder
	mixed    []bool
}

func (s *tdigestState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		s.groups = grow(s.groups, g, nil)
		s.mixed = grow(s.mixed, g, false)
		v := c.Get(i)
		if v == nil {
			continue
		}
		if s.merge {
			d, ok := parseDigest(v)
			if !ok {
				continue
			}
			if s.groups[g] == nil {
				s.groups[g] = newDigestBuilder(d.code)
			} else if s.groups[g].code != d.code {
				s.mixed[g] = true
				continue
			}
			s.groups[g].merge(d)
			continue
		}
		w, ok := rowWeight(s.weighted, args, i)
		if !ok {
			continue
		}
		if s.groups[g] == nil {
			s.groups[g] = newDigestBuilder(s.code)
		}
		switch x := v.(type) {
		case int64:
			s.groups[g].addInt(x, w)
		case float64:
			if !math.IsNaN(x) {
				s.groups[g].addReal(x, w)
			}
		case value.Decimal:
			s.groups[g].addReal(x.Float(), w)
		case value.Datetime:
			s.groups[g].addInt(x.Ticks(), w)
		case value.Timespan:
			s.groups[g].addInt(int64(x), w)
		}
	}
}

func (s *tdigestState) Result(outs []*value.Column, ngroups int) {
	s.groups = grow(s.groups, ngroups-1, nil)
	s.mixed = grow(s.mixed, ngroups-1, false)
	for g := 0; g < ngroups; g++ {
		if s.groups[g] == nil || s.mixed[g] {
			outs[0].AppendNull()
			continue
		}
		outs[0].Append(s.groups[g].value())
	}
}

func init() {
	defer inCategory(CatAggStatistical)()
	const exact = " kqlhunt's digest holds every distinct value with its weight, so the percentiles read from it are " +
		"exactly those of percentile() and merging digests gives the digest of the whole."
	ranked := Numeric | tDatetime | tTimespan
	newDigest := func(weighted bool) func([]schema.Type) AggState {
		return func(ts []schema.Type) AggState {
			return &tdigestState{weighted: weighted, code: digestCode(ts[0])}
		}
	}
	registerAgg(&Agg{Name: "tdigest", Prefix: "tdigest", Ref: "https://learn.microsoft.com/kusto/query/tdigest-aggregation-function",
		Doc: "Returns a digest of the values of the group (each counted weight times; rows with a null or " +
			"non-positive weight are skipped), for percentile_tdigest() and tdigest_merge()." + exact,
		Sigs: []*AggSig{
			{Params: []Param{p("expr", ranked)}, Result: Returns(schema.Dynamic), New: newDigest(false)},
			{Params: []Param{p("expr", ranked), p("weight", Integer)}, Result: Returns(schema.Dynamic), New: newDigest(true)}},
		Examples: []Example{{"tdigest(x)", "[[7],[1,2],[1,2]]"}, {"percentile_tdigest(tdigest(x * 1.5), 50)", "3"}}})
	mergeAgg := &Agg{Name: "tdigest_merge", Prefix: "merge_tdigests", Ref: "https://learn.microsoft.com/kusto/query/tdigest-merge-aggregation-function",
		Doc: "Merges the digests made by tdigest() in the group into one (null when they hold values of different types)." + exact,
		Sigs: []*AggSig{{Params: []Param{p("tdigest", tDynamic)}, Result: Returns(schema.Dynamic),
			New: func([]schema.Type) AggState { return &tdigestState{merge: true} }}},
		Examples: []Example{{"tdigest_merge(iff(x > 1, dynamic([[7], [5], [2]]), dynamic([[7], [1, 5], [1, 1]])))", "[[7],[1,5],[2,6]]"}}}
	registerAgg(mergeAgg)
	mergeAlias := *mergeAgg
	mergeAlias.Name = "merge_tdigest"
	mergeAlias.Examples = []Example{{"merge_tdigest(iff(x > 1, dynamic([[7], [5], [2]]), dynamic([[7], [1, 5], [1, 1]])))", "[[7],[1,5],[2,6]]"}}
	registerAgg(&mergeAlias)

	inCategory(CatScalarAggregation)
	// merge_tdigest(d1, d2, ...) and tdigest_merge(d1, d2, ...), the
	// scalar functions: the checker calls them outside summarize and, in
	// summarize, for two or more arguments.
	// https://learn.microsoft.com/kusto/query/merge-tdigest-function
	merge := sig(schema.Dynamic, rowKernel(mergeDigests), p("tdigest", tDynamic))
	merge.Variadic = true
	mergeFn := &Func{Name: "merge_tdigest", Pure: true, ResultName: NameFixed, ResultText: "tdigests_merge_result",
		Ref:  "https://learn.microsoft.com/kusto/query/merge-tdigest-function",
		Doc:  "Merges the digests made by tdigest() held in several columns into one (null when they hold values of different types)." + exact,
		Sigs: []*Sig{merge},
		Examples: []Example{{"merge_tdigest(dynamic([[7], [5], [2]]), dynamic([[7], [1, 5], [1, 1]]))", "[[7],[1,5],[1,3]]"},
			{"isnull(merge_tdigest(dynamic([[7], [5], [2]]), dynamic([[14], [1.5], [1]])))", "true"}}}
	register(mergeFn)
	alias("tdigest_merge", mergeFn)

	digestArg := p("tdigest", tDynamic)
	register(&Func{Name: "percentile_tdigest", Pure: true, ResultName: NamePrefix,
		Ref: "https://learn.microsoft.com/kusto/query/percentile-tdigest-function",
		Doc: "Returns the percentile of a digest made by tdigest() or tdigest_merge(), as a dynamic value of the digest's type; " +
			"a third argument typeof(T) converts it to T." + exact,
		Sigs: []*Sig{sig(schema.Dynamic, Map2(func(v any, pct float64) (any, bool) {
			d, ok := parseDigest(v)
			if !ok {
				return nil, false
			}
			r := d.percentile(pct)
			return r, r != nil
		}), digestArg, p("percentile", Numeric))},
		Examples: []Example{{"percentile_tdigest(dynamic([[7], [1, 2], [1, 2]]), 50)", "2"},
			{"percentile_tdigest(dynamic([[7], [1, 2], [1, 2]]), 0, typeof(long))", "1"}}})
	arrayOf := func(v any, pcts []float64) (any, bool) {
		d, ok := parseDigest(v)
		if !ok || d.len() == 0 {
			return nil, false
		}
		out := make([]any, len(pcts))
		for i, pct := range pcts {
			out[i] = d.percentile(pct)
		}
		return out, true
	}
	list := sig(schema.Dynamic, rowKernel(func(row []any) (any, bool) {
		var pcts []float64
		for _, a := range row[1:] {
			pcts = appendPercentiles(pcts, a)
		}
		return arrayOf(row[0], pcts)
	}), digestArg, p("percentile", Numeric))
	list.Variadic = true
	register(&Func{Name: "percentiles_array_tdigest", Pure: true, ResultName: NamePrefix, ResultText: "percentile_tdigest",
		Ref: "https://learn.microsoft.com/kusto/query/percentile-array-tdigest-function",
		Doc: "Returns several percentiles of a digest made by tdigest() or tdigest_merge() as one dynamic array, " +
			"the percentiles given one by one or as a dynamic array (and then optionally followed by typeof(T))." + exact,
		Sigs: []*Sig{list,
			sig(schema.Dynamic, Map2(func(v, pcts any) (any, bool) { return arrayOf(v, appendPercentiles(nil, pcts)) }),
				digestArg, p("percentiles", tDynamic))},
		Examples: []Example{{"percentiles_array_tdigest(dynamic([[7], [1, 2], [1, 2]]), 0, 50, 100)", "[1,2,2]"},
			{"percentiles_array_tdigest(dynamic([[7], [1, 2], [1, 2]]), dynamic([10, 40]), typeof(int))", "[1,2]"}}})
	rank := func(v, x any) (int64, bool) {
		d, ok := parseDigest(v)
		if !ok {
			return 0, false
		}
		return d.rank(x)
	}
	register(&Func{Name: "rank_tdigest", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/rank-tdigest-function",
		Doc: "Returns the total weight of the values of a digest that are less than or equal to a value of the digest's type " +
			"(null for a value of another type), as a real." + exact,
		Sigs: []*Sig{sig(schema.Real, Map2(func(v, x any) (float64, bool) {
			r, ok := rank(v, x)
			return float64(r), ok
		}), digestArg, p("value", Scalar))},
		Examples: []Example{{"rank_tdigest(dynamic([[7], [1, 2, 5], [1, 2, 1]]), 2)", "3"}}})
	register(&Func{Name: "percentrank_tdigest", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/percentrank-tdigest-function",
		Doc: "Returns rank_tdigest() as a percentage of the digest's total weight." + exact,
		Sigs: []*Sig{sig(schema.Real, Map2(func(v, x any) (float64, bool) {
			d, ok := parseDigest(v)
			if !ok || d.len() == 0 {
				return 0, false
			}
			r, ok := d.rank(x)
			return float64(r) * 100 / float64(d.total()), ok
		}), digestArg, p("value", Scalar))},
		Examples: []Example{{"percentrank_tdigest(dynamic([[7], [1, 2, 5], [1, 2, 1]]), 2)", "75"}}})
}
