package funcs

import (
	"math"
	"sort"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Summable is what variance, stdev and covariance accept: numbers, and
// timespans (as ticks).
var summable = Numeric | tTimespan

// realAt reads row i of a number or timespan column as a float64.
func realAt(c *value.Column, i int) (float64, bool) {
	if c.IsNull(i) {
		return 0, false
	}
	j := c.Row(i)
	switch value.Storage(c.Type) {
	case value.StoreReal:
		return c.Reals[j], true
	case value.StoreAny: // a decimal: the statistics are computed in reals
		return c.Dyns[j].(value.Decimal).Float(), true
	}
	return float64(c.Ints[j]), true
}

// ---- variance, variancep, stdev, stdevp and their *if forms

// momentKind chooses what a momentState returns.
type momentKind uint8

const (
	sampleVariance momentKind = iota
	populationVariance
	sampleStdev
	populationStdev
)

// momentState computes the variance of each group with Welford's
// updates, which stay accurate for large values.
type momentState struct {
	n    []int64
	mean []float64
	m2   []float64
	kind momentKind
}

func (s *momentState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		s.n = grow(s.n, g, 0)
		s.mean = grow(s.mean, g, 0)
		s.m2 = grow(s.m2, g, 0)
		v, ok := realAt(c, i)
		if !ok {
			continue
		}
		s.n[g]++
		d := v - s.mean[g]
		s.mean[g] += d / float64(s.n[g])
		s.m2[g] += d * (v - s.mean[g])
	}
}

func (s *momentState) Result(outs []*value.Column, ngroups int) {
	s.n = grow(s.n, ngroups-1, 0)
	s.m2 = grow(s.m2, ngroups-1, 0)
	for g := 0; g < ngroups; g++ {
		n := float64(s.n[g])
		var v float64
		switch s.kind {
		case sampleVariance, sampleStdev:
			// The reference lists 0 as the default of variance() and
			// stdev(); one value does not vary either.
			if n > 1 {
				v = s.m2[g] / (n - 1)
			}
		default:
			if n == 0 {
				outs[0].AppendNull()
				continue
			}
			v = s.m2[g] / n
		}
		if s.kind == sampleStdev || s.kind == populationStdev {
			v = math.Sqrt(v)
		}
		outs[0].Append(v)
	}
}

// ---- covariance, covariancep and their *if forms

type covState struct {
	n      []int64
	mx, my []float64
	c      []float64
	sample bool
}

func (s *covState) Update(groups []int, args []*value.Column, n int) {
	for i := 0; i < n; i++ {
		g := groups[i]
		s.n = grow(s.n, g, 0)
		s.mx = grow(s.mx, g, 0)
		s.my = grow(s.my, g, 0)
		s.c = grow(s.c, g, 0)
		x, ok1 := realAt(args[0], i)
		y, ok2 := realAt(args[1], i)
		if !ok1 || !ok2 {
			continue
		}
		s.n[g]++
		dx := x - s.mx[g]
		s.mx[g] += dx / float64(s.n[g])
		s.my[g] += (y - s.my[g]) / float64(s.n[g])
		s.c[g] += dx * (y - s.my[g])
	}
}

func (s *covState) Result(outs []*value.Column, ngroups int) {
	s.n = grow(s.n, ngroups-1, 0)
	s.c = grow(s.c, ngroups-1, 0)
	for g := 0; g < ngroups; g++ {
		n := float64(s.n[g])
		switch {
		case n == 0:
			outs[0].AppendNull()
		case !s.sample:
			outs[0].Append(s.c[g] / n)
		case n == 1:
			outs[0].Append(0.0)
		default:
			outs[0].Append(s.c[g] / (n - 1))
		}
	}
}

// ---- percentile, percentiles, percentiles_array and their weighted forms

// pctState collects the values of each group and returns exact
// nearest-rank percentiles: the P-th percentile of N values (or of a
// total weight N) is the value at rank ceil(P/100 × N) in ascending
// order, the smallest value for P = 0. Kusto estimates these ranks with
// T-Digest; the exact value is within its documented error (at most 1%
// of the rank, and exact at 0 and 100).
type pctState struct {
	ints     [][]int64
	reals    [][]float64
	weights  [][]int64
	pcts     []float64
	read     bool
	weighted bool
	first    int // index of the first percentile argument
	array    bool
	out      schema.Type
}

func (s *pctState) Update(groups []int, args []*value.Column, n int) {
	if !s.read && n > 0 {
		s.read = true
		for _, a := range args[s.first:] {
			s.pcts = appendPercentiles(s.pcts, a.Get(0))
		}
	}
	c := args[0]
	// Decimals are ranked as reals, as their percentile is a real.
	real := value.Storage(c.Type) == value.StoreReal || c.Type == schema.Decimal
	for i := 0; i < n; i++ {
		g := groups[i]
		s.ints = grow(s.ints, g, nil)
		s.reals = grow(s.reals, g, nil)
		s.weights = grow(s.weights, g, nil)
		if c.IsNull(i) {
			continue
		}
		w, ok := rowWeight(s.weighted, args, i)
		if !ok {
			continue
		}
		j := c.Row(i)
		if real {
			f, _ := realAt(c, i)
			if math.IsNaN(f) {
				continue
			}
			s.reals[g] = append(s.reals[g], f)
		} else {
			s.ints[g] = append(s.ints[g], c.Ints[j])
		}
		if s.weighted {
			s.weights[g] = append(s.weights[g], w)
		}
	}
}

// appendPercentiles appends the percentiles of a constant argument: a
// number, or a dynamic array of numbers.
func appendPercentiles(dst []float64, v any) []float64 {
	switch x := v.(type) {
	case int64:
		return append(dst, float64(x))
	case float64:
		return append(dst, x)
	case []any:
		for _, e := range x {
			dst = appendPercentiles(dst, e)
		}
	}
	return dst
}

func (s *pctState) Result(outs []*value.Column, ngroups int) {
	s.ints = grow(s.ints, ngroups-1, nil)
	s.reals = grow(s.reals, ngroups-1, nil)
	s.weights = grow(s.weights, ngroups-1, nil)
	for g := 0; g < ngroups; g++ {
		vals := s.percentiles(g)
		switch {
		case s.array && vals == nil:
			outs[0].AppendNull()
		case s.array:
			arr := make([]any, len(vals))
			for k, v := range vals {
				arr[k] = ToDynamic(s.out, v)
			}
			outs[0].Append(arr)
		case len(vals) == 0:
			outs[0].AppendNull()
		default:
			outs[0].Append(vals[0])
		}
	}
}

// percentiles returns the percentiles of group g, each boxed for the
// output type, or nil when the group has no values.
func (s *pctState) percentiles(g int) []any {
	n := len(s.ints[g]) + len(s.reals[g])
	if n == 0 {
		return nil
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	ints, reals := s.ints[g], s.reals[g]
	if reals != nil {
		sort.SliceStable(idx, func(a, b int) bool { return reals[idx[a]] < reals[idx[b]] })
	} else {
		sort.SliceStable(idx, func(a, b int) bool { return ints[idx[a]] < ints[idx[b]] })
	}
	weight := func(i int) int64 { return 1 }
	total := int64(n)
	if s.weighted {
		ws := s.weights[g]
		weight = func(i int) int64 { return ws[i] }
		total = 0
		for _, w := range ws {
			total += w
		}
	}
	out := make([]any, len(s.pcts))
	for k, pct := range s.pcts {
		rank := int64(math.Ceil(pct*float64(total)/100 - 1e-9))
		rank = max(1, min(rank, total))
		var cum int64
		pos := idx[n-1]
		for _, i := range idx {
			cum += weight(i)
			if cum >= rank {
				pos = i
				break
			}
		}
		if reals != nil {
			out[k] = reals[pos]
			continue
		}
		switch s.out {
		case schema.Datetime:
			out[k] = value.Datetime(ints[pos])
		case schema.Timespan:
			out[k] = value.Timespan(ints[pos])
		default:
			out[k] = ints[pos]
		}
	}
	return out
}

// percentileType is the type of a percentile of values of type t: int
// gives long, decimal real, the others their own type.
func percentileType(t schema.Type) schema.Type {
	switch t {
	case schema.Int:
		return schema.Long
	case schema.Decimal:
		return schema.Real
	}
	return t
}

func init() {
	defer inCategory(CatAggStatistical)()
	moment := func(kind momentKind, pred bool) []*AggSig {
		newState := func([]schema.Type) AggState { return &momentState{kind: kind} }
		sig := &AggSig{Params: []Param{p("expr", summable)}, Result: Returns(schema.Real), New: newState}
		if pred {
			sig.Params = append(sig.Params, p("predicate", tBool))
			sig.New = withPredicate(1, newState)
		}
		return []*AggSig{sig}
	}
	for _, a := range []struct {
		name, ref, doc string
		kind           momentKind
		pred           bool
		example        string
	}{
		{"variance", "variance-aggregation-function", "Returns the sample variance of the group (0 for fewer than two values).", sampleVariance, false, "0.3333333333333333"},
		{"varianceif", "varianceif-aggregation-function", "Returns the sample variance of the rows where the predicate is true.", sampleVariance, true, "0"},
		{"variancep", "variancep-aggregation-function", "Returns the population variance of the group (null when it has no values).", populationVariance, false, "0.2222222222222222"},
		{"variancepif", "variancepif-aggregation-function", "Returns the population variance of the rows where the predicate is true.", populationVariance, true, "0"},
		{"stdev", "stdev-aggregation-function", "Returns the sample standard deviation of the group (0 for fewer than two values).", sampleStdev, false, "0.5773502691896257"},
		{"stdevif", "stdevif-aggregation-function", "Returns the sample standard deviation of the rows where the predicate is true.", sampleStdev, true, "0"},
		{"stdevp", "stdevp-aggregation-function", "Returns the population standard deviation of the group (null when it has no values).", populationStdev, false, "0.4714045207910317"},
	} {
		ex := a.name + "(x)"
		if a.pred {
			ex = a.name + "(x, x > 1)"
		}
		registerAgg(&Agg{Name: a.name, Prefix: a.name, Ref: "https://learn.microsoft.com/kusto/query/" + a.ref,
			Doc: a.doc + " Timespans count as ticks.", Sigs: moment(a.kind, a.pred),
			Examples: []Example{{ex, a.example}}})
	}

	cov := func(sample, pred bool) []*AggSig {
		newState := func([]schema.Type) AggState { return &covState{sample: sample} }
		sig := &AggSig{Params: []Param{p("expr1", summable), p("expr2", summable)}, Result: Returns(schema.Real), New: newState}
		if pred {
			sig.Params = append(sig.Params, p("predicate", tBool))
			sig.New = withPredicate(2, newState)
		}
		return []*AggSig{sig}
	}
	// The covariance pages name the column after both expressions
	// (covariance_x_y), as Kusto's engine does; Microsoft's analyzer
	// (language service 12.4.1) names it after the first only
	// (covariance_x). kqlhunt follows the reference; no query of the
	// shared corpus calls these aggregates. An expression without a name
	// falls back to the analyzer's form.
	covName := func(prefix string) func(args []AggArg) []string {
		return func(args []AggArg) []string {
			if len(args) >= 2 && args[0].Name != "" && args[1].Name != "" {
				return []string{prefix + "_" + args[0].Name + "_" + args[1].Name}
			}
			if len(args) > 0 {
				return []string{prefix + "_" + args[0].Name}
			}
			return []string{""}
		}
	}
	registerAgg(&Agg{Name: "covariance", Prefix: "covariance", Names: covName("covariance"), Ref: "https://learn.microsoft.com/kusto/query/covariance-aggregation-function",
		Doc:  "Returns the sample covariance of two expressions over the rows where both are not null.",
		Sigs: cov(true, false), Examples: []Example{{"covariance(x, x * 2)", "0.6666666666666666"}}})
	registerAgg(&Agg{Name: "covariancep", Prefix: "covariancep", Names: covName("covariancep"), Ref: "https://learn.microsoft.com/kusto/query/covariancep-aggregation-function",
		Doc:  "Returns the population covariance of two expressions over the rows where both are not null.",
		Sigs: cov(false, false), Examples: []Example{{"covariancep(x, x * 2)", "0.4444444444444444"}}})
	registerAgg(&Agg{Name: "covarianceif", Prefix: "covarianceif", Names: covName("covarianceif"), Ref: "https://learn.microsoft.com/kusto/query/covarianceif-aggregation-function",
		Doc:  "Returns the sample covariance of two expressions over the rows where the predicate is true.",
		Sigs: cov(true, true), Examples: []Example{{"covarianceif(x, x * 2, x > 1)", "0"}}})
	registerAgg(&Agg{Name: "covariancepif", Prefix: "covariancepif", Names: covName("covariancepif"), Ref: "https://learn.microsoft.com/kusto/query/covariancepif-aggregation-function",
		Doc:  "Returns the population covariance of two expressions over the rows where the predicate is true.",
		Sigs: cov(false, true), Examples: []Example{{"covariancepif(x, x * 2, y != 'c')", "0.5"}}})

	const exactRank = " kqlhunt computes exact nearest-rank percentiles: the P-th percentile of N values (or of a total weight N) " +
		"is the value at rank ceil(P/100 × N) in ascending order, the smallest for P = 0. Kusto estimates that rank " +
		"with T-Digest, within 1% of the rank and exactly at 0 and 100. Nulls are skipped."
	ranked := Numeric | tDatetime | tTimespan
	pct := Param{Name: "percentile", Types: Numeric, Const: true}
	pcts := Param{Name: "percentiles", Types: tDynamic, Const: true}
	weight := p("weight", Integer)
	newPct := func(weighted, array bool) func([]schema.Type) AggState {
		return func(ts []schema.Type) AggState {
			first := 1
			if weighted {
				first = 2
			}
			return &pctState{weighted: weighted, first: first, array: array, out: percentileType(ts[0])}
		}
	}
	pctResult := func(ts []schema.Type) schema.Type { return percentileType(ts[0]) }
	pctName := func(args []AggArg) []string {
		if len(args) < 2 {
			return []string{""}
		}
		return []string{"percentile_" + args[0].Name + "_" + args[len(args)-1].Literal}
	}
	arrayName := func(args []AggArg) []string {
		if len(args) == 0 {
			return []string{""}
		}
		return []string{"percentiles_" + args[0].Name}
	}
	registerAgg(&Agg{Name: "percentile", Names: pctName, Ref: "https://learn.microsoft.com/kusto/query/percentiles-aggregation-function",
		Doc: "Returns the given percentile of the values of the group (int values give a long, decimal a real; " +
			"null when there are none), named percentile_<expr>_<percentile>." + exactRank,
		Sigs:     []*AggSig{{Params: []Param{p("expr", ranked), pct}, Result: pctResult, New: newPct(false, false)}},
		Examples: []Example{{"percentile(x, 50)", "2"}, {"percentile(x, 10)", "1"}, {"percentile(x * 1.5, 100)", "3"}}})
	registerAgg(&Agg{Name: "percentiles", Split: "percentile", Ref: "https://learn.microsoft.com/kusto/query/percentiles-aggregation-function",
		Doc: "Returns several percentiles of the values of the group, one column each, as percentile() does." + exactRank,
		Sigs: []*AggSig{{Params: []Param{p("expr", ranked), pct}, Variadic: true, Result: pctResult,
			New: newPct(false, false)}},
		Examples: []Example{{"percentiles(x, 0, 50, 100)", "1 2 2"}, {"percentiles(x, 50)", "2"}}})
	registerAgg(&Agg{Name: "percentiles_array", Names: arrayName, Ref: "https://learn.microsoft.com/kusto/query/percentiles-aggregation-function",
		Doc: "Returns several percentiles of the values of the group as one dynamic array, named percentiles_<expr>." + exactRank,
		Sigs: []*AggSig{
			{Params: []Param{p("expr", ranked), pct}, Variadic: true, Result: Returns(schema.Dynamic), New: newPct(false, true)},
			{Params: []Param{p("expr", ranked), pcts}, Result: Returns(schema.Dynamic), New: newPct(false, true)}},
		Examples: []Example{{"percentiles_array(x, 10, 50, 100)", "[1,2,2]"},
			{"percentiles_array(x, dynamic([0, 100]))", "[1,2]"}}})
	registerAgg(&Agg{Name: "percentilew", Names: pctName, Ref: "https://learn.microsoft.com/kusto/query/percentilesw-aggregation-function",
		Doc: "Returns the given percentile of the values of the group, each counted as many times as its weight " +
			"(rows with a null or non-positive weight are skipped)." + exactRank,
		Sigs:     []*AggSig{{Params: []Param{p("expr", ranked), weight, pct}, Result: pctResult, New: newPct(true, false)}},
		Examples: []Example{{"percentilew(x, x, 20)", "1"}, {"percentilew(x, x, 21)", "2"}}})
	registerAgg(&Agg{Name: "percentilesw", Split: "percentilew", Ref: "https://learn.microsoft.com/kusto/query/percentilesw-aggregation-function",
		Doc: "Returns several weighted percentiles of the values of the group, one column each, as percentilew() does." + exactRank,
		Sigs: []*AggSig{{Params: []Param{p("expr", ranked), weight, pct}, Variadic: true, Result: pctResult,
			New: newPct(true, false)}},
		Examples: []Example{{"percentilesw(x, 10 - x * 4, 50, 99)", "1 2"}}})
	// percentilesw_array's column is percentile_<expr> on its page, as
	// Kusto's engine names it; Microsoft's analyzer says percentiles_<expr>
	// (as for percentiles_array). kqlhunt follows the reference; no query
	// of the shared corpus calls it.
	weightedArrayName := func(args []AggArg) []string {
		if len(args) == 0 {
			return []string{""}
		}
		return []string{"percentile_" + args[0].Name}
	}
	registerAgg(&Agg{Name: "percentilesw_array", Names: weightedArrayName, Ref: "https://learn.microsoft.com/kusto/query/percentilesw-aggregation-function",
		Doc: "Returns several weighted percentiles of the values of the group as one dynamic array." + exactRank,
		Sigs: []*AggSig{
			{Params: []Param{p("expr", ranked), weight, pct}, Variadic: true, Result: Returns(schema.Dynamic), New: newPct(true, true)},
			{Params: []Param{p("expr", ranked), weight, pcts}, Result: Returns(schema.Dynamic), New: newPct(true, true)}},
		Examples: []Example{{"percentilesw_array(x, x, dynamic([0, 20, 100]))", "[1,1,2]"}}})
}

// rowWeight is the weight of row i for a weighted aggregate (its second
// argument), 1 when unweighted; false for a null or non-positive weight,
// which leaves the row out.
func rowWeight(weighted bool, args []*value.Column, i int) (int64, bool) {
	if !weighted {
		return 1, true
	}
	wc := args[1]
	if wc.IsNull(i) || wc.Ints[wc.Row(i)] <= 0 {
		return 0, false
	}
	return wc.Ints[wc.Row(i)], true
}
