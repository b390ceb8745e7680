package funcs

import (
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// ---- take_any, any, take_anyif, anyif

// pickState keeps one row of each group. Kusto picks an arbitrary row;
// kqlhunt picks the first one, so that results are reproducible. With a
// single argument it picks the first row whose value is neither null nor
// empty, when there is one, as the reference says take_any() tries to.
type pickState struct {
	rows [][]any
	done []bool
}

func (s *pickState) Update(groups []int, args []*value.Column, n int) {
	for i := 0; i < n; i++ {
		g := groups[i]
		s.rows = grow(s.rows, g, nil)
		s.done = grow(s.done, g, false)
		if s.done[g] {
			continue
		}
		if len(args) == 1 {
			v := args[0].Get(i)
			if v != nil && v != "" {
				s.rows[g], s.done[g] = []any{v}, true
			} else if s.rows[g] == nil {
				s.rows[g] = []any{v}
			}
			continue
		}
		row := make([]any, len(args))
		for j, a := range args {
			row[j] = a.Get(i)
		}
		s.rows[g], s.done[g] = row, true
	}
}

func (s *pickState) Result(outs []*value.Column, ngroups int) {
	s.rows = grow(s.rows, ngroups-1, nil)
	for g := 0; g < ngroups; g++ {
		for j, out := range outs {
			if s.rows[g] == nil {
				out.AppendNull()
			} else {
				out.Append(s.rows[g][j])
			}
		}
	}
}

func newPick([]schema.Type) AggState { return &pickState{} }

// anyNames names the outputs of take_any() and the multi-argument forms
// of any(), as Kusto's analyzer does: after their expressions, or
// prefix + "arg" + the argument's position when an expression has no
// name.
func anyNames(prefix string) func([]AggArg) []string {
	return func(args []AggArg) []string {
		names := make([]string, len(args))
		for i, a := range args {
			names[i] = a.Name
			if a.Name == "" {
				names[i] = prefix + "arg" + strconv.Itoa(a.Index)
			}
		}
		return names
	}
}

// ---- arg_max, arg_min, argmax, argmin

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
				continue // ties keep the first row
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

// argNames names the outputs of arg_max() and arg_min() as Kusto's
// analyzer does: after their expressions; an unnamed first expression is
// max_ (min_), another unnamed one max_<first>_arg<position>.
func argNames(prefix string) func([]AggArg) []string {
	return func(args []AggArg) []string {
		names := make([]string, len(args))
		for i, a := range args {
			switch {
			case a.Name != "":
				names[i] = a.Name
			case i == 0:
				names[i] = prefix + "_"
			default:
				names[i] = prefix + "_" + args[0].Name + "_arg" + strconv.Itoa(a.Index)
			}
		}
		return names
	}
}

// legacyArgNames names the outputs of argmax() and argmin(): the first
// after its expression, the others after the first and their own
// (argmax(t, y) gives t and t_y).
func legacyArgNames(args []AggArg) []string {
	names := make([]string, len(args))
	for i, a := range args {
		switch {
		case i == 0:
			names[i] = a.Name
		case a.Name != "":
			names[i] = args[0].Name + "_" + a.Name
		default:
			names[i] = args[0].Name + "_arg" + strconv.Itoa(a.Index)
		}
	}
	return names
}

func init() {
	defer inCategory(CatAggRowSelector)()
	takeAny := []*AggSig{{Params: []Param{p("expr", Any)}, Variadic: true, Result: SameAs(0), New: newPick}}
	registerAgg(&Agg{Name: "take_any", Multi: true, Star: StarAlone, Names: anyNames("any_"),
		Ref: "https://learn.microsoft.com/kusto/query/take-any-aggregation-function",
		Doc: "Returns the values of its expressions (or of every column but the grouped ones, for *) over one row of the group. " +
			"kqlhunt takes the first row; with one expression, the first row where it is neither null nor empty.",
		Sigs:     takeAny,
		Examples: []Example{{"take_any(x)", "1"}, {"take_any(y, x)", "a 1"}, {"take_any(iff(x > 1, y, ''))", "b"}}})
	registerAgg(&Agg{Name: "any", Prefix: "any", Multi: true, Star: StarAlone, Ref: "https://learn.microsoft.com/kusto/query/take-any-aggregation-function",
		Doc: "Returns the values of its expressions over one row of the group: the legacy name of take_any(), " +
			"whose single output is named any_<expression>.",
		Names: func(args []AggArg) []string {
			if len(args) == 1 && !args[0].Star {
				return []string{"any_" + args[0].Name}
			}
			return anyNames("")(args)
		},
		Sigs:     takeAny,
		Examples: []Example{{"any(x)", "1"}, {"any(x, y)", "1 a"}}})
	anyIf := []*AggSig{{Params: []Param{p("expr", Any), p("predicate", tBool)}, Result: SameAs(0), New: withPredicate(1, newPick)}}
	registerAgg(&Agg{Name: "take_anyif", Names: firstArgName, Ref: "https://learn.microsoft.com/kusto/query/take-anyif-aggregation-function",
		Doc: "Returns the value of the expression over one row of the group where the predicate is true (null when there is none): " +
			"the first such row where it is neither null nor empty, when there is one.",
		Sigs:     anyIf,
		Examples: []Example{{"take_anyif(y, x > 1)", "b"}, {"take_anyif(x, y == 'z')", ""}}})
	registerAgg(&Agg{Name: "anyif", Prefix: "anyif", Ref: "https://learn.microsoft.com/kusto/query/take-anyif-aggregation-function",
		Doc:      "Returns the value of the expression over one row of the group where the predicate is true: the legacy name of take_anyif().",
		Sigs:     anyIf,
		Examples: []Example{{"anyif(y, x > 1)", "b"}}})

	arg := func(max bool) []*AggSig {
		// The returned expressions may be none: arg_max(x, *) over a table
		// whose only column is x.
		return []*AggSig{{Params: []Param{p("expr", Orderable), opt("return", Any)}, Variadic: true, Result: SameAs(0),
			New: func([]schema.Type) AggState { return &argState{max: max} }}}
	}
	registerAgg(&Agg{Name: "arg_max", Multi: true, Star: StarAfterFirst, Names: argNames("max"),
		Ref: "https://learn.microsoft.com/kusto/query/arg-max-aggregation-function",
		Doc: "Finds the row of the group where the first expression is greatest (the first such row; a row with a null value " +
			"when all are null) and returns the expressions there, * standing for the columns not grouped by or named.",
		Sigs:     arg(true),
		Examples: []Example{{`arg_max(y, strcat(y, "!"))`, "d d!"}, {"arg_max(x, x * 10)", "2 20"}, {"arg_max(x, y)", "2 b"}}})
	registerAgg(&Agg{Name: "arg_min", Multi: true, Star: StarAfterFirst, Names: argNames("min"),
		Ref: "https://learn.microsoft.com/kusto/query/arg-min-aggregation-function",
		Doc: "Finds the row of the group where the first expression is least (the first such row; a row with a null value " +
			"when all are null) and returns the expressions there, * standing for the columns not grouped by or named.",
		Sigs:     arg(false),
		Examples: []Example{{"arg_min(x, y)", "1 a"}, {"arg_min(y, x)", "a 1"}}})
	registerAgg(&Agg{Name: "argmax", Multi: true, Star: StarAfterFirst, Names: legacyArgNames,
		Ref: "https://learn.microsoft.com/kusto/query/arg-max-aggregation-function",
		Doc: "Finds the row of the group where the first expression is greatest: the legacy name of arg_max(), " +
			"whose other outputs are named <first>_<expression>.",
		Sigs:     arg(true),
		Examples: []Example{{"argmax(x, y)", "2 b"}}})
	registerAgg(&Agg{Name: "argmin", Multi: true, Star: StarAfterFirst, Names: legacyArgNames,
		Ref: "https://learn.microsoft.com/kusto/query/arg-min-aggregation-function",
		Doc: "Finds the row of the group where the first expression is least: the legacy name of arg_min(), " +
			"whose other outputs are named <first>_<expression>.",
		Sigs:     arg(false),
		Examples: []Example{{"argmin(x, y)", "1 a"}}})
}
