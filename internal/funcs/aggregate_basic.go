package funcs

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// ---- count, countif, cnt

type countState struct {
	counts []int64
	cond   bool // countif: count rows whose argument is true
}

func (s *countState) Update(groups []int, args []*value.Column, n int) {
	for i := 0; i < n; i++ {
		g := groups[i]
		s.counts = grow(s.counts, g, 0)
		if s.cond && !isTrue(args[0], i) {
			continue
		}
		s.counts[g]++
	}
}

func (s *countState) Result(outs []*value.Column, ngroups int) {
	s.counts = grow(s.counts, ngroups-1, 0)
	for g := 0; g < ngroups; g++ {
		outs[0].Append(s.counts[g])
	}
}

// ---- dcount, dcountif, count_distinct, count_distinctif

// dcountState counts the distinct values of each group in a set keyed by
// K, read from a column by key.
type dcountState[K comparable] struct {
	sets []map[K]struct{}
	key  func(c *value.Column, i int) (K, bool)
}

func (s *dcountState[K]) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		s.sets = grow(s.sets, g, nil)
		k, ok := s.key(c, i)
		if !ok {
			continue
		}
		if s.sets[g] == nil {
			s.sets[g] = map[K]struct{}{}
		}
		s.sets[g][k] = struct{}{}
	}
}

func (s *dcountState[K]) Result(outs []*value.Column, ngroups int) {
	s.sets = grow(s.sets, ngroups-1, nil)
	for g := 0; g < ngroups; g++ {
		outs[0].Append(int64(len(s.sets[g])))
	}
}

// newDcount returns a distinct count for values of type ts[0], keyed by
// the values themselves where their storage allows (integers and ticks,
// the bits of reals with one zero and one NaN, strings), else by setKey.
func newDcount(ts []schema.Type) AggState {
	switch t := ts[0]; {
	case value.Storage(t) == value.StoreInt:
		return &dcountState[int64]{key: func(c *value.Column, i int) (int64, bool) {
			if c.IsNull(i) {
				return 0, false
			}
			return c.Ints[c.Row(i)], true
		}}
	case value.Storage(t) == value.StoreReal:
		return &dcountState[uint64]{key: func(c *value.Column, i int) (uint64, bool) {
			if c.IsNull(i) {
				return 0, false
			}
			f := c.Reals[c.Row(i)]
			switch {
			case f == 0:
				f = 0
			case math.IsNaN(f):
				f = math.NaN()
			}
			return math.Float64bits(f), true
		}}
	case t == schema.String:
		return &dcountState[string]{key: func(c *value.Column, i int) (string, bool) {
			return c.Strs[c.Row(i)], true
		}}
	}
	return &dcountState[any]{key: func(c *value.Column, i int) (any, bool) {
		v := c.Get(i)
		if v == nil {
			return nil, false
		}
		return setKey(c.Type, v), true
	}}
}

// ---- sum, sumif

type sumState struct {
	ints  []int64
	reals []float64
	real  bool // accumulate in float64
	// decs and overflow accumulate decimals exactly; a group whose sum
	// overflows the decimal range is null.
	decs     []value.Decimal
	overflow []bool
}

func (s *sumState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		s.ints = grow(s.ints, g, 0)
		s.reals = grow(s.reals, g, 0)
		if c.IsNull(i) {
			continue
		}
		j := c.Row(i)
		switch {
		case c.Type == schema.Decimal:
			s.decs = grow(s.decs, g, value.Decimal{})
			s.overflow = grow(s.overflow, g, false)
			sum, ok := s.decs[g].Add(c.Dyns[j].(value.Decimal))
			s.decs[g], s.overflow[g] = sum, s.overflow[g] || !ok
		case value.Storage(c.Type) == value.StoreReal:
			s.reals[g] += c.Reals[j]
		case s.real:
			s.reals[g] += float64(c.Ints[j])
		default:
			s.ints[g] += c.Ints[j]
		}
	}
}

func (s *sumState) Result(outs []*value.Column, ngroups int) {
	s.ints = grow(s.ints, ngroups-1, 0)
	s.reals = grow(s.reals, ngroups-1, 0)
	out := outs[0]
	s.decs = grow(s.decs, ngroups-1, value.Decimal{})
	s.overflow = grow(s.overflow, ngroups-1, false)
	for g := 0; g < ngroups; g++ {
		switch {
		case out.Type == schema.Decimal && s.overflow[g]:
			out.AppendNull()
		case out.Type == schema.Decimal:
			out.Append(s.decs[g])
		case value.Storage(out.Type) == value.StoreReal:
			out.Append(s.reals[g])
		case out.Type == schema.Timespan:
			out.Append(value.Timespan(s.ints[g]))
		default:
			out.Append(s.ints[g])
		}
	}
}

// sumResult is the type of sum(): int sums to long, other types keep
// their own.
func sumResult(ts []schema.Type) schema.Type {
	if ts[0] == schema.Int {
		return schema.Long
	}
	return ts[0]
}

func newSum(ts []schema.Type) AggState {
	return &sumState{real: ts[0] == schema.Real}
}

// ---- avg, avgif

// avgState averages numbers, datetimes and timespans. Numbers are summed
// as reals; datetimes and timespans as offsets from the group's first
// value, so that their large tick counts keep their precision.
type avgState struct {
	base   []int64
	sums   []float64
	counts []int64
	out    schema.Type
	// decimals are summed exactly, then divided as decimals; a group
	// whose sum overflows is null.
	decs     []value.Decimal
	overflow []bool
}

func (s *avgState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		s.counts = grow(s.counts, g, 0)
		s.sums = grow(s.sums, g, 0)
		s.base = grow(s.base, g, 0)
		if c.IsNull(i) {
			continue
		}
		j := c.Row(i)
		switch {
		case c.Type == schema.Decimal:
			s.decs = grow(s.decs, g, value.Decimal{})
			s.overflow = grow(s.overflow, g, false)
			sum, ok := s.decs[g].Add(c.Dyns[j].(value.Decimal))
			s.decs[g], s.overflow[g] = sum, s.overflow[g] || !ok
		case value.Storage(c.Type) == value.StoreReal:
			s.sums[g] += c.Reals[j]
		case c.Type == schema.Datetime || c.Type == schema.Timespan:
			if s.counts[g] == 0 {
				s.base[g] = c.Ints[j]
			}
			s.sums[g] += float64(c.Ints[j] - s.base[g])
		default:
			s.sums[g] += float64(c.Ints[j])
		}
		s.counts[g]++
	}
}

func (s *avgState) Result(outs []*value.Column, ngroups int) {
	s.counts = grow(s.counts, ngroups-1, 0)
	s.sums = grow(s.sums, ngroups-1, 0)
	s.base = grow(s.base, ngroups-1, 0)
	s.decs = grow(s.decs, ngroups-1, value.Decimal{})
	s.overflow = grow(s.overflow, ngroups-1, false)
	out := outs[0]
	for g := 0; g < ngroups; g++ {
		n := s.counts[g]
		switch {
		case s.out == schema.Decimal && (n == 0 || s.overflow[g]):
			out.AppendNull()
		case s.out == schema.Decimal:
			avg, ok := s.decs[g].Div(value.DecimalFromInt(n))
			if !ok {
				out.AppendNull()
				continue
			}
			out.Append(avg)
		case n == 0 && s.out == schema.Real:
			// The reference: avg() of no values is NaN, "due to
			// dividing by 0".
			out.Append(math.NaN())
		case n == 0:
			out.AppendNull()
		case s.out == schema.Datetime:
			out.Append(value.Datetime(s.base[g] + int64(math.Round(s.sums[g]/float64(n)))))
		case s.out == schema.Timespan:
			out.Append(value.Timespan(s.base[g] + int64(math.Round(s.sums[g]/float64(n)))))
		default:
			out.Append(s.sums[g] / float64(n))
		}
	}
}

// avgSigs are the signatures of avg (and, with a predicate, avgif):
// integers and reals average to a real, the other types to their own.
func avgSigs(pred bool) []*AggSig {
	var sigs []*AggSig
	for _, in := range []struct {
		ts  TypeSet
		out schema.Type
	}{{Integer, schema.Real}, {Of(schema.Real), schema.Real}, {Of(schema.Decimal), schema.Decimal},
		{tTimespan, schema.Timespan}, {tDatetime, schema.Datetime}} {
		out := in.out
		newState := func([]schema.Type) AggState { return &avgState{out: out} }
		sig := &AggSig{Params: []Param{p("expr", in.ts)}, Result: Returns(out), New: newState}
		if pred {
			sig.Params = append(sig.Params, p("predicate", tBool))
			sig.New = withPredicate(1, newState)
		}
		sigs = append(sigs, sig)
	}
	return sigs
}

// ---- min, max, minif, maxif

type extremeState struct {
	vals []any
	max  bool
	t    schema.Type
}

func (s *extremeState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		s.vals = grow(s.vals, g, nil)
		v := c.Get(i)
		if v == nil || s.t == schema.String && v == "" {
			continue
		}
		if s.vals[g] == nil {
			s.vals[g] = v
			continue
		}
		if cmp, ok := CompareAny(v, s.vals[g]); ok && (s.max && cmp > 0 || !s.max && cmp < 0) {
			s.vals[g] = v
		}
	}
}

func (s *extremeState) Result(outs []*value.Column, ngroups int) {
	s.vals = grow(s.vals, ngroups-1, nil)
	for g := 0; g < ngroups; g++ {
		outs[0].Append(s.vals[g])
	}
}

// ---- binary_all_and, binary_all_or, binary_all_xor

type bitsState struct {
	vals []int64
	seen []bool
	op   func(a, b int64) int64
}

func (s *bitsState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		s.vals = grow(s.vals, g, 0)
		s.seen = grow(s.seen, g, false)
		if c.IsNull(i) {
			continue
		}
		v := c.Ints[c.Row(i)]
		if s.seen[g] {
			v = s.op(s.vals[g], v)
		}
		s.vals[g], s.seen[g] = v, true
	}
}

func (s *bitsState) Result(outs []*value.Column, ngroups int) {
	s.vals = grow(s.vals, ngroups-1, 0)
	s.seen = grow(s.seen, ngroups-1, false)
	for g := 0; g < ngroups; g++ {
		if !s.seen[g] {
			outs[0].AppendNull()
			continue
		}
		outs[0].Append(s.vals[g])
	}
}

func init() {
	defer inCategory(CatAggStatistical)()
	newCount := func([]schema.Type) AggState { return &countState{} }
	registerAgg(&Agg{Name: "count", Prefix: "count", Ref: "https://learn.microsoft.com/kusto/query/count-aggregation-function",
		Doc: "Counts the rows of the group; count(expr) counts every row, nulls included.",
		Sigs: []*AggSig{{Result: Returns(schema.Long), New: newCount},
			{Params: []Param{p("expr", Any)}, Result: Returns(schema.Long), New: newCount}},
		Examples: []Example{{"count()", "4"}, {"count(x)", "4"}}})
	registerAgg(&Agg{Name: "cnt", Prefix: "cnt", Ref: "https://learn.microsoft.com/kusto/query/count-aggregation-function",
		Doc:      "Counts the rows of the group: the legacy name of count().",
		Sigs:     []*AggSig{{Result: Returns(schema.Long), New: newCount}},
		Examples: []Example{{"cnt()", "4"}}})
	registerAgg(&Agg{Name: "countif", Prefix: "countif", Ref: "https://learn.microsoft.com/kusto/query/countif-aggregation-function",
		Doc: "Counts the rows for which the predicate is true (a null predicate is not true).",
		Sigs: []*AggSig{{Params: []Param{p("predicate", tBool)}, Result: Returns(schema.Long),
			New: func([]schema.Type) AggState { return &countState{cond: true} }}},
		Examples: []Example{{"countif(x > 1)", "2"}, {"countif(x > 5)", "0"}}})

	const exact = " kqlhunt counts exactly: where Kusto estimates with HyperLogLog, the exact count is within Kusto's documented error for every accuracy level (0 to 4), and Kusto too is exact for small sets."
	accuracy := Param{Name: "accuracy", Types: Integer, Optional: true, Const: true}
	registerAgg(&Agg{Name: "dcount", Prefix: "dcount", Ref: "https://learn.microsoft.com/kusto/query/dcount-aggregation-function",
		Doc:  "Counts the distinct non-null values of the group." + exact,
		Sigs: []*AggSig{{Params: []Param{p("expr", Any), accuracy}, Result: Returns(schema.Long), New: newDcount}},
		Examples: []Example{{"dcount(x)", "2"}, {"dcount(y)", "4"}, {"dcount(x, 0)", "2"},
			{"dcount(x, 4)", "2"}}})
	registerAgg(&Agg{Name: "dcountif", Prefix: "dcountif", Ref: "https://learn.microsoft.com/kusto/query/dcountif-aggregation-function",
		Doc: "Counts the distinct non-null values of the rows where the predicate is true." + exact,
		Sigs: []*AggSig{{Params: []Param{p("expr", Any), p("predicate", tBool), accuracy}, Result: Returns(schema.Long),
			New: withPredicate(1, newDcount)}},
		Examples: []Example{{"dcountif(x, x > 1)", "1"}, {"dcountif(y, x > 1, 2)", "2"}}})
	registerAgg(&Agg{Name: "count_distinct", Prefix: "count_distinct", Ref: "https://learn.microsoft.com/kusto/query/count-distinct-aggregation-function",
		Doc:      "Counts the distinct non-null values of the group exactly.",
		Sigs:     []*AggSig{{Params: []Param{p("expr", Scalar)}, Result: Returns(schema.Long), New: newDcount}},
		Examples: []Example{{"count_distinct(x)", "2"}, {"count_distinct(y)", "4"}}})
	registerAgg(&Agg{Name: "count_distinctif", Prefix: "count_distinctif", Ref: "https://learn.microsoft.com/kusto/query/count-distinctif-aggregation-function",
		Doc: "Counts exactly the distinct non-null values of the rows where the predicate is true.",
		Sigs: []*AggSig{{Params: []Param{p("expr", Scalar), p("predicate", tBool)}, Result: Returns(schema.Long),
			New: withPredicate(1, newDcount)}},
		Examples: []Example{{"count_distinctif(y, x > 1)", "2"}, {"count_distinctif(x, y == 'z')", "0"}}})

	registerAgg(&Agg{Name: "sum", Prefix: "sum", Ref: "https://learn.microsoft.com/kusto/query/sum-aggregation-function",
		Doc: "Sums the values of the group; integers sum to a long, timespans to a timespan.",
		Sigs: []*AggSig{{Params: []Param{p("expr", Numeric)}, Result: sumResult, New: newSum},
			{Params: []Param{p("expr", tTimespan)}, Result: Returns(schema.Timespan), New: newSum}},
		Examples: []Example{{"sum(x)", "5"}, {"sum(todouble(x) / 2)", "2.5"}}})
	registerAgg(&Agg{Name: "sumif", Prefix: "sumif", Ref: "https://learn.microsoft.com/kusto/query/sumif-aggregation-function",
		Doc: "Sums the values of the rows where the predicate is true.",
		Sigs: []*AggSig{{Params: []Param{p("expr", Numeric), p("predicate", tBool)}, Result: sumResult, New: withPredicate(1, newSum)},
			{Params: []Param{p("expr", tTimespan), p("predicate", tBool)}, Result: Returns(schema.Timespan), New: withPredicate(1, newSum)}},
		Examples: []Example{{"sumif(x, x > 1)", "4"}, {"sumif(x, x > 5)", "0"}}})
	registerAgg(&Agg{Name: "avg", Prefix: "avg", Ref: "https://learn.microsoft.com/kusto/query/avg-aggregation-function",
		Doc: "Averages the non-null values of the group: integers and reals to a real (NaN when there are none), " +
			"decimals, timespans and datetimes to their own type (null when there are none).",
		Sigs:     avgSigs(false),
		Examples: []Example{{"avg(x)", "1.6666666666666667"}, {"avg(x * 1h)", "01:40:00"}}})
	registerAgg(&Agg{Name: "avgif", Prefix: "avgif", Ref: "https://learn.microsoft.com/kusto/query/avgif-aggregation-function",
		Doc:      "Averages the non-null values of the rows where the predicate is true, as avg() does.",
		Sigs:     avgSigs(true),
		Examples: []Example{{"avgif(x, x > 1)", "2"}, {"avgif(x, x > 5)", "NaN"}}})

	extreme := func(max, pred bool) []*AggSig {
		newState := func(ts []schema.Type) AggState { return &extremeState{max: max, t: ts[0]} }
		sig := &AggSig{Params: []Param{p("expr", Orderable)}, Result: SameAs(0), New: newState}
		if pred {
			sig.Params = append(sig.Params, p("predicate", tBool))
			sig.New = withPredicate(1, newState)
		}
		return []*AggSig{sig}
	}
	registerAgg(&Agg{Name: "min", Prefix: "min", Ref: "https://learn.microsoft.com/kusto/query/min-aggregation-function",
		Doc: "Returns the least non-null value of the group (empty strings are skipped).", Sigs: extreme(false, false),
		Examples: []Example{{"min(x)", "1"}, {"min(y)", "a"}}})
	registerAgg(&Agg{Name: "max", Prefix: "max", Ref: "https://learn.microsoft.com/kusto/query/max-aggregation-function",
		Doc: "Returns the greatest non-null value of the group (empty strings are skipped).", Sigs: extreme(true, false),
		Examples: []Example{{"max(x)", "2"}, {"max(y)", "d"}}})
	registerAgg(&Agg{Name: "minif", Prefix: "minif", Ref: "https://learn.microsoft.com/kusto/query/minif-aggregation-function",
		Doc: "Returns the least non-null value of the rows where the predicate is true.", Sigs: extreme(false, true),
		Examples: []Example{{"minif(y, x > 1)", "b"}, {"minif(x, x > 5)", ""}}})
	registerAgg(&Agg{Name: "maxif", Prefix: "maxif", Ref: "https://learn.microsoft.com/kusto/query/maxif-aggregation-function",
		Doc: "Returns the greatest non-null value of the rows where the predicate is true.", Sigs: extreme(true, true),
		Examples: []Example{{"maxif(y, x < 2)", "a"}, {"maxif(x, isnull(x))", ""}}})

	bits := func(op func(a, b int64) int64) []*AggSig {
		return []*AggSig{{Params: []Param{p("expr", Integer)}, Result: SameAs(0),
			New: func([]schema.Type) AggState { return &bitsState{op: op} }}}
	}
	inCategory(CatAggBinary)
	registerAgg(&Agg{Name: "binary_all_and", Names: firstArgName, Ref: "https://learn.microsoft.com/kusto/query/binary-all-and-aggregation-function",
		Doc:      "Combines the non-null values of the group with bitwise AND; null when there are none.",
		Sigs:     bits(func(a, b int64) int64 { return a & b }),
		Examples: []Example{{"binary_all_and(x)", "0"}, {"binary_all_and(x + 2)", "0"}, {"binary_all_and(x * 3)", "2"}}})
	registerAgg(&Agg{Name: "binary_all_or", Names: firstArgName, Ref: "https://learn.microsoft.com/kusto/query/binary-all-or-aggregation-function",
		Doc:      "Combines the non-null values of the group with bitwise OR; null when there are none.",
		Sigs:     bits(func(a, b int64) int64 { return a | b }),
		Examples: []Example{{"binary_all_or(x)", "3"}}})
	registerAgg(&Agg{Name: "binary_all_xor", Names: firstArgName, Ref: "https://learn.microsoft.com/kusto/query/binary-all-xor-aggregation-function",
		Doc:      "Combines the non-null values of the group with bitwise XOR; null when there are none.",
		Sigs:     bits(func(a, b int64) int64 { return a ^ b }),
		Examples: []Example{{"binary_all_xor(x)", "1"}}})
}
