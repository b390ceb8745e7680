package funcs

import (
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"sort"
)

// AggState accumulates one aggregate for many groups. Groups are dense
// indexes 0, 1, 2, ... assigned by the caller; a state grows as new
// indexes appear. Null inputs are ignored, as KQL's aggregates ignore
// them.
type AggState interface {
	// Update folds rows 0..n-1 of args into their groups: row i belongs
	// to group groups[i].
	Update(groups []int, args []*value.Column, n int)
	// Result appends the value of every group 0..ngroups-1 to outs, one
	// column per output of the aggregate. A group that saw no non-null
	// input gives the aggregate's default: 0 for counts and sums, [] for
	// make_set and make_list, null for the rest.
	Result(outs []*value.Column, ngroups int)
}

// AggSig is one signature of an aggregate.
type AggSig struct {
	Params   []Param
	Variadic bool
	Result   func(args []schema.Type) schema.Type
	// New returns an empty state for arguments of the given types.
	New func(args []schema.Type) AggState
}

// Agg is an aggregate function, usable in summarize.
type Agg struct {
	Name string
	Doc  string
	Ref  string
	Sigs []*AggSig
	// Prefix names the output column when the query does not: Prefix +
	// "_" + the argument's column name, such as min_Timestamp.
	Prefix string
	// Multi is set for aggregates with several outputs (arg_max, arg_min):
	// one per argument, named after it.
	Multi bool
	// Examples are summarize aggregations over a test table with a
	// column x holding 1, 2, 2, null; tests run them.
	Examples []Example
}

var aggs = map[string]*Agg{}

func registerAgg(a *Agg) {
	if _, dup := aggs[a.Name]; dup {
		panic("funcs: duplicate aggregate " + a.Name)
	}
	aggs[a.Name] = a
}

// AggNames returns the names of the aggregates, sorted.
func AggNames() []string {
	names := make([]string, 0, len(aggs))
	for n := range aggs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupAgg returns the aggregate named name, or nil.
func LookupAgg(name string) *Agg { return aggs[name] }

// Resolve picks the signature of a that accepts args.
func (a *Agg) Resolve(args []schema.Type) (*AggSig, []schema.Type, schema.Type, error) {
	f := &Func{Name: a.Name}
	for _, s := range a.Sigs {
		f.Sigs = append(f.Sigs, &Sig{Params: s.Params, Variadic: s.Variadic, Result: s.Result})
	}
	res, err := f.Resolve(args)
	if err != nil {
		return nil, nil, schema.Unknown, err
	}
	for i, s := range f.Sigs {
		if s == res.Sig {
			return a.Sigs[i], res.Casts, res.Result, nil
		}
	}
	panic("unreachable")
}

// grow extends s to hold index g.
func grow[T any](s []T, g int, zero T) []T {
	for len(s) <= g {
		s = append(s, zero)
	}
	return s
}

// ---- count, countif

type countState struct {
	counts []int64
	cond   bool // countif: count rows whose argument is true
}

func (s *countState) Update(groups []int, args []*value.Column, n int) {
	for i := 0; i < n; i++ {
		g := groups[i]
		s.counts = grow(s.counts, g, 0)
		if s.cond {
			c := args[0]
			if c.IsNull(i) || !c.Bools[c.Row(i)] {
				continue
			}
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

// ---- sum, avg

type sumState struct {
	ints   []int64
	reals  []float64
	counts []int64
	real   bool // accumulate in float64
	avg    bool
}

func (s *sumState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		s.counts = grow(s.counts, g, 0)
		s.ints = grow(s.ints, g, 0)
		s.reals = grow(s.reals, g, 0)
		if c.IsNull(i) {
			continue
		}
		j := c.Row(i)
		s.counts[g]++
		if value.Storage(c.Type) == value.StoreReal {
			s.reals[g] += c.Reals[j]
		} else if s.real {
			s.reals[g] += float64(c.Ints[j])
		} else {
			s.ints[g] += c.Ints[j]
		}
	}
}

func (s *sumState) Result(outs []*value.Column, ngroups int) {
	s.counts = grow(s.counts, ngroups-1, 0)
	s.ints = grow(s.ints, ngroups-1, 0)
	s.reals = grow(s.reals, ngroups-1, 0)
	out := outs[0]
	for g := 0; g < ngroups; g++ {
		switch {
		case s.avg && s.counts[g] == 0:
			out.AppendNull()
		case s.avg:
			out.Append((s.reals[g] + float64(s.ints[g])) / float64(s.counts[g]))
		case value.Storage(out.Type) == value.StoreReal:
			out.Append(s.reals[g])
		case out.Type == schema.Timespan:
			out.Append(value.Timespan(s.ints[g]))
		default:
			out.Append(s.ints[g])
		}
	}
}

// ---- min, max

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

// ---- make_set, make_list

type collectState struct {
	lists [][]any
	seen  []map[any]bool // make_set only
	set   bool
	limit int64
	t     schema.Type
}

func (s *collectState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	if len(args) > 1 && s.limit == 0 {
		if v, ok := args[1].Get(0).(int64); ok {
			s.limit = v
		}
	}
	if s.limit <= 0 {
		s.limit = 1048576 // the documented default maximum
	}
	for i := 0; i < n; i++ {
		g := groups[i]
		s.lists = grow(s.lists, g, nil)
		v := ToDynamic(c.Type, c.Get(i))
		if v == nil || int64(len(s.lists[g])) >= s.limit {
			continue
		}
		if c.Type == schema.Dynamic && !s.set {
			// make_list of arrays appends the arrays' elements.
			if arr, ok := v.([]any); ok {
				s.lists[g] = append(s.lists[g], arr...)
				continue
			}
		}
		if s.set {
			s.seen = grow(s.seen, g, nil)
			if s.seen[g] == nil {
				s.seen[g] = map[any]bool{}
			}
			elems := []any{v}
			if arr, ok := v.([]any); ok && c.Type == schema.Dynamic {
				elems = arr
			}
			for _, e := range elems {
				k, _ := listKey(memberType(e), e, false)
				if s.seen[g][k] {
					continue
				}
				s.seen[g][k] = true
				s.lists[g] = append(s.lists[g], e)
			}
			continue
		}
		s.lists[g] = append(s.lists[g], v)
	}
}

func (s *collectState) Result(outs []*value.Column, ngroups int) {
	s.lists = grow(s.lists, ngroups-1, nil)
	for g := 0; g < ngroups; g++ {
		l := s.lists[g]
		if l == nil {
			l = []any{}
		}
		outs[0].Append(l)
	}
}

// ---- dcount

type dcountState struct {
	sets []map[any]bool
}

func (s *dcountState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		s.sets = grow(s.sets, g, nil)
		v := c.Get(i)
		if v == nil {
			continue
		}
		if s.sets[g] == nil {
			s.sets[g] = map[any]bool{}
		}
		k, _ := listKey(c.Type, v, false)
		s.sets[g][k] = true
	}
}

func (s *dcountState) Result(outs []*value.Column, ngroups int) {
	s.sets = grow(s.sets, ngroups-1, nil)
	for g := 0; g < ngroups; g++ {
		outs[0].Append(int64(len(s.sets[g])))
	}
}

// ---- arg_max, arg_min

type argState struct {
	keys []any
	rows [][]any
	max  bool
}

func (s *argState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		s.keys = grow(s.keys, g, nil)
		s.rows = grow(s.rows, g, nil)
		v := c.Get(i)
		switch {
		case v == nil && s.rows[g] != nil:
			continue
		case v == nil:
			// A group whose keys are all null still returns a row: the
			// first one, with a null key.
		case s.keys[g] != nil:
			cmp, ok := CompareAny(v, s.keys[g])
			if !ok || s.max && cmp <= 0 || !s.max && cmp >= 0 {
				continue
			}
		}
		s.keys[g] = v
		row := make([]any, len(args)-1)
		for j, a := range args[1:] {
			row[j] = a.Get(i)
		}
		s.rows[g] = row
	}
}

func (s *argState) Result(outs []*value.Column, ngroups int) {
	s.keys = grow(s.keys, ngroups-1, nil)
	s.rows = grow(s.rows, ngroups-1, nil)
	for g := 0; g < ngroups; g++ {
		outs[0].Append(s.keys[g])
		for j := 1; j < len(outs); j++ {
			if s.rows[g] == nil {
				outs[j].AppendNull()
			} else {
				outs[j].Append(s.rows[g][j-1])
			}
		}
	}
}

func init() {
	registerAgg(&Agg{Name: "count", Prefix: "count", Ref: "https://learn.microsoft.com/kusto/query/count-aggregation-function",
		Doc: "Counts the rows of the group.",
		Sigs: []*AggSig{{Result: Returns(schema.Long), New: func([]schema.Type) AggState { return &countState{} }},
			{Params: []Param{p("expr", Any)}, Result: Returns(schema.Long), New: func([]schema.Type) AggState { return &countState{} }}},
		Examples: []Example{{"count()", "4"}}})
	registerAgg(&Agg{Name: "countif", Prefix: "countif", Ref: "https://learn.microsoft.com/kusto/query/countif-aggregation-function",
		Doc: "Counts the rows for which the predicate is true.",
		Sigs: []*AggSig{{Params: []Param{p("predicate", tBool)}, Result: Returns(schema.Long),
			New: func([]schema.Type) AggState { return &countState{cond: true} }}},
		Examples: []Example{{"countif(x > 1)", "2"}}})
	registerAgg(&Agg{Name: "dcount", Prefix: "dcount", Ref: "https://learn.microsoft.com/kusto/query/dcount-aggregation-function",
		Doc: "Counts the distinct non-null values exactly (Kusto estimates; the exact count is within its error bounds).",
		Sigs: []*AggSig{{Params: []Param{p("expr", Any), opt("accuracy", Integer)}, Result: Returns(schema.Long),
			New: func([]schema.Type) AggState { return &dcountState{} }}},
		Examples: []Example{{"dcount(x)", "2"}}})
	sumNew := func(avg bool) func([]schema.Type) AggState {
		return func(ts []schema.Type) AggState {
			return &sumState{avg: avg, real: avg || ts[0] == schema.Real || ts[0] == schema.Decimal}
		}
	}
	registerAgg(&Agg{Name: "sum", Prefix: "sum", Ref: "https://learn.microsoft.com/kusto/query/sum-aggregation-function",
		Doc: "Sums the values of the group.",
		Sigs: []*AggSig{{Params: []Param{p("expr", Numeric)}, Result: func(ts []schema.Type) schema.Type {
			if ts[0] == schema.Int {
				return schema.Long
			}
			return ts[0]
		}, New: sumNew(false)},
			{Params: []Param{p("expr", tTimespan)}, Result: Returns(schema.Timespan), New: sumNew(false)}},
		Examples: []Example{{"sum(x)", "5"}}})
	registerAgg(&Agg{Name: "avg", Prefix: "avg", Ref: "https://learn.microsoft.com/kusto/query/avg-aggregation-function",
		Doc:      "Averages the values of the group.",
		Sigs:     []*AggSig{{Params: []Param{p("expr", Numeric)}, Result: Returns(schema.Real), New: sumNew(true)}},
		Examples: []Example{{"avg(x)", "1.6666666666666667"}}})
	extreme := func(max bool) []*AggSig {
		return []*AggSig{{Params: []Param{p("expr", Orderable)}, Result: SameAs(0), New: func(ts []schema.Type) AggState {
			return &extremeState{max: max, t: ts[0]}
		}}}
	}
	registerAgg(&Agg{Name: "min", Prefix: "min", Ref: "https://learn.microsoft.com/kusto/query/min-aggregation-function",
		Doc: "Returns the least value of the group.", Sigs: extreme(false), Examples: []Example{{"min(x)", "1"}}})
	registerAgg(&Agg{Name: "max", Prefix: "max", Ref: "https://learn.microsoft.com/kusto/query/max-aggregation-function",
		Doc: "Returns the greatest value of the group.", Sigs: extreme(true), Examples: []Example{{"max(x)", "2"}}})
	collect := func(set bool) []*AggSig {
		return []*AggSig{{Params: []Param{p("expr", Any), opt("maxSize", Integer)}, Result: Returns(schema.Dynamic),
			New: func(ts []schema.Type) AggState { return &collectState{set: set, t: ts[0]} }}}
	}
	registerAgg(&Agg{Name: "make_set", Prefix: "set", Ref: "https://learn.microsoft.com/kusto/query/make-set-aggregation-function",
		Doc: "Returns a dynamic array of the distinct values of the group, in order of first appearance.", Sigs: collect(true),
		Examples: []Example{{"make_set(x)", "[1,2]"}}})
	registerAgg(&Agg{Name: "make_list", Prefix: "list", Ref: "https://learn.microsoft.com/kusto/query/make-list-aggregation-function",
		Doc: "Returns a dynamic array of the values of the group.", Sigs: collect(false),
		Examples: []Example{{"make_list(x)", "[1,2,2]"}}})
	arg := func(max bool) []*AggSig {
		// The returned expressions may be none: arg_max(x, *) over a table
		// whose only column is x.
		return []*AggSig{{Params: []Param{p("expr", Orderable), opt("return", Any)}, Variadic: true, Result: SameAs(0),
			New: func([]schema.Type) AggState { return &argState{max: max} }}}
	}
	registerAgg(&Agg{Name: "arg_max", Multi: true, Ref: "https://learn.microsoft.com/kusto/query/arg-max-aggregation-function",
		Doc: "Finds the row of the group where the expression is greatest and returns the other expressions there.", Sigs: arg(true),
		Examples: []Example{{`arg_max(y, strcat(y, "!"))`, "d d!"}, {"arg_max(x, x * 10)", "2 20"}}})
	registerAgg(&Agg{Name: "arg_min", Multi: true, Ref: "https://learn.microsoft.com/kusto/query/arg-min-aggregation-function",
		Doc: "Finds the row of the group where the expression is least and returns the other expressions there.", Sigs: arg(false),
		Examples: []Example{{"arg_min(x, y)", "1 a"}, {"arg_min(y, x)", "a 1"}}})
}
