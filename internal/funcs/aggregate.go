package funcs

import (
	"sort"
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file holds the framework of aggregates: their declaration, the
// state that folds rows into groups, how summarize names their outputs,
// and the wrapper that gives every *if variant its predicate. The
// aggregates themselves are declared in the aggregate_*.go files:
//
//	aggregate_basic.go    count, dcount, sum, avg, min, max and their *if forms, binary_all_*
//	aggregate_dynamic.go  make_list, make_set, make_bag and their variants, buildschema
//	aggregate_select.go   take_any, arg_max, arg_min and their legacy names
//	aggregate_stats.go    variance, stdev, covariance, percentiles
//	aggregate_hll.go      hll, hll_if, hll_merge and dcount_hll()

// AggState accumulates one aggregate for many groups. Groups are dense
// indexes 0, 1, 2, ... assigned by the caller; a state grows as new
// indexes appear. Null inputs are ignored, as KQL's aggregates ignore
// them (make_list_with_nulls excepted).
type AggState interface {
	// Update folds rows 0..n-1 of args into their groups: row i belongs
	// to group groups[i]. args are the call's arguments, in order;
	// constant arguments (a percentile, a maximum size) may be Const
	// columns.
	Update(groups []int, args []*value.Column, n int)
	// Result appends the value of every group 0..ngroups-1 to outs, one
	// column per output of the aggregate. A group that saw no non-null
	// input gives the aggregate's default, as the summarize reference
	// lists them: 0 for counts, sums, variance and stdev, [] for the
	// make_* family, null for the rest.
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

// StarKind tells where '*' may stand for the columns of summarize's
// input in a call of an aggregate.
type StarKind uint8

const (
	// NoStar: '*' is not an argument of the aggregate.
	NoStar StarKind = iota
	// StarAfterFirst: '*' may follow the first argument (arg_max(x, *)):
	// it stands for the input columns that are neither grouped by nor
	// named by another argument.
	StarAfterFirst
	// StarAlone: '*' may be the only argument (take_any(*)): it stands
	// for the input columns that are not grouped by.
	StarAlone
)

// Agg is an aggregate function, usable in summarize.
type Agg struct {
	Name string
	Doc  string
	Ref  string
	Sigs []*AggSig
	// Prefix names the output column when the query does not and Names
	// is nil: Prefix + "_" + the first argument's name, such as
	// min_Timestamp (or count_ when the argument has no name). It is
	// Kusto's declared result-name prefix, "" for aggregates that have
	// none.
	Prefix string
	// Names, when set, names the outputs of a call that the query does
	// not name, from what is known of its arguments; an empty name makes
	// summarize generate one (Column1, ...).
	Names func(args []AggArg) []string
	// Multi is set for aggregates with one output per argument (arg_max,
	// take_any): the first output has the Result type of the signature,
	// the others the types of their arguments.
	Multi bool
	// Star tells where '*' may stand for input columns.
	Star StarKind
	// Split, for aggregates with one output per trailing argument, names
	// the single-output aggregate that computes each output from the
	// leading arguments and one trailing argument: percentiles(x, 5, 95)
	// is percentile(x, 5) and percentile(x, 95) side by side.
	Split string
	// Category is the group of the reference's index of aggregates; see
	// Func.Category.
	Category Category
	// Examples are summarize aggregations over a test table with a
	// column x holding 1, 2, 2, null and a column y holding "a", "b",
	// "c", "d"; tests run them.
	Examples []Example
}

// AggArg is what output naming knows of one argument of an aggregate
// call, after '*' is expanded.
type AggArg struct {
	// Name is the name KQL derives for the argument (x for the column x,
	// strlen_y for strlen(y)), "" when it has none.
	Name string
	// Literal is the value of a literal argument as Kusto prints it in a
	// column name ("50", "99.9"), "" for other expressions.
	Literal string
	// Column is set when the argument is a column reference, written or
	// expanded from '*'.
	Column bool
	// Star is set when the argument was expanded from '*'.
	Star bool
	// Index is the position of the argument in the call as written ('*'
	// counts once).
	Index int
}

// OutputNames returns the names of the outputs of a call of a that the
// query does not name; "" asks for a generated name.
func (a *Agg) OutputNames(args []AggArg) []string {
	if a.Names != nil {
		return a.Names(args)
	}
	first := ""
	if len(args) > 0 {
		first = args[0].Name
	}
	return []string{a.Prefix + "_" + first}
}

// firstArgName names the only output after the first argument (Kusto's
// first_argument result names: take_anyif(x, p) is x).
func firstArgName(args []AggArg) []string {
	if len(args) == 0 {
		return []string{""}
	}
	return []string{args[0].Name}
}

// LiteralName returns the text Kusto puts in a column name for a literal
// value: integers in decimal, reals in .NET's shortest round-trip form,
// every character but letters and digits replaced by '_' (99.9 is 99_9).
func LiteralName(v any) string {
	var s string
	switch x := v.(type) {
	case int64:
		s = strconv.FormatInt(x, 10)
	case float64:
		s = string(value.AppendReal(nil, x, false))
	case string:
		s = x
	case bool:
		s = strconv.FormatBool(x)
		s = string(s[0]-'a'+'A') + s[1:]
	default:
		return ""
	}
	b := []byte(s)
	for i, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b[i] = '_'
		}
	}
	return string(b)
}

var aggs = map[string]*Agg{}

func registerAgg(a *Agg) *Agg {
	if _, dup := aggs[a.Name]; dup {
		panic("funcs: duplicate aggregate " + a.Name)
	}
	aggs[a.Name] = a
	if a.Category == CatNone {
		a.Category = declaring
	}
	if a.Name == "count" {
		Count = a
	}
	return a
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

// Param returns the parameter of s that argument i binds to.
func (s *AggSig) Param(i int) Param {
	if i >= len(s.Params) {
		return s.Params[len(s.Params)-1]
	}
	return s.Params[i]
}

// grow extends s to hold index g.
func grow[T any](s []T, g int, zero T) []T {
	for len(s) <= g {
		s = append(s, zero)
	}
	return s
}

// isTrue reports whether row i of the bool column c is true (not false,
// not null).
func isTrue(c *value.Column, i int) bool {
	return !c.IsNull(i) && c.Bools[c.Row(i)]
}

// constArg returns the value of a constant argument of a batch of n > 0
// rows.
func constArg(c *value.Column, n int) any {
	if n == 0 && !c.Const {
		return nil
	}
	return c.Get(0)
}

// ifState gives an aggregate a predicate: only the rows where argument
// pred is true reach the inner state, which sees the other arguments in
// their order.
type ifState struct {
	inner  AggState
	pred   int
	idx    []int
	groups []int
	args   []*value.Column
}

// withPredicate wraps the states of sig so that argument pred filters
// the rows; New receives the types of the other arguments.
func withPredicate(pred int, newInner func(args []schema.Type) AggState) func(args []schema.Type) AggState {
	return func(ts []schema.Type) AggState {
		rest := make([]schema.Type, 0, len(ts))
		rest = append(rest, ts[:pred]...)
		rest = append(rest, ts[pred+1:]...)
		return &ifState{inner: newInner(rest), pred: pred}
	}
}

func (s *ifState) Update(groups []int, args []*value.Column, n int) {
	p := args[s.pred]
	s.idx, s.groups = s.idx[:0], s.groups[:0]
	for i := 0; i < n; i++ {
		if isTrue(p, i) {
			s.idx = append(s.idx, i)
			s.groups = append(s.groups, groups[i])
		}
	}
	if len(s.idx) == 0 {
		return
	}
	s.args = s.args[:0]
	for j, a := range args {
		switch {
		case j == s.pred:
		case a.Const || len(s.idx) == n:
			s.args = append(s.args, a)
		default:
			s.args = append(s.args, a.Take(s.idx))
		}
	}
	s.inner.Update(s.groups, s.args, len(s.idx))
}

func (s *ifState) Result(outs []*value.Column, ngroups int) { s.inner.Result(outs, ngroups) }

// setKey returns the key under which v, of type t, is distinct: numbers
// compare by value (1 and 1.0 are one), strings by their text, datetimes
// and timespans by their ticks, and arrays and bags by their JSON text,
// kept apart from strings.
func setKey(t schema.Type, v any) any {
	switch x := v.(type) {
	case []any, *value.Bag:
		return jsonKey(value.AppendKeyJSON(nil, v))
	case int64:
		if t != schema.Datetime && t != schema.Timespan && int64(float64(x)) != x {
			return x // beyond float64's exact integers: keep every digit
		}
	case value.Decimal:
		return x.Key() // 1.50 and 1.5 are one
	}
	k, _ := listKey(t, v, false)
	return k
}

// jsonKey is the set key of an array or a bag.
type jsonKey string
