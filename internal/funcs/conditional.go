package funcs

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

func init() {
	defer inCategory(CatConditional)()
	register(&Func{Name: "iff", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/iff-function",
		Doc: "Returns the second argument when the condition is true, else the third (a null condition counts as false).",
		Sigs: []*Sig{{Params: []Param{p("if", tBool), p("then", Any), p("else", Any)}, Result: func(ts []schema.Type) schema.Type { return unifyBranches(ts[1:]) }, ValueArg: func(i, _ int) bool { return i > 0 },
			Eval: func(_ *Context, args []*value.Column, n int, out *value.Column) {
				n = rows(args, n, out)
				cond, then, els := args[0], args[1], args[2]
				for i := 0; i < n; i++ {
					if !cond.IsNull(i) && cond.Bools[cond.Row(i)] {
						out.AppendFrom(then, i)
					} else {
						out.AppendFrom(els, i)
					}
				}
			}}},
		Examples: []Example{{`iff(1 > 2, "a", "b")`, "b"}, {`iff(bool(null), 1, 2)`, "2"}}})
	alias("iif", registry["iff"])
	register(&Func{Name: "case", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/case-function",
		Doc: "Returns the value of the first true predicate, or the last argument when none is true.",
		Sigs: []*Sig{{Params: []Param{p("predicate", tBool), p("then", Any), p("else", Any)}, Variadic: true, Result: caseResult,
			ValueArg: func(i, n int) bool { return i%2 == 1 || i == n-1 },
			Eval: func(_ *Context, args []*value.Column, n int, out *value.Column) {
				n = rows(args, n, out)
				last := args[len(args)-1]
			row:
				for i := 0; i < n; i++ {
					for j := 0; j+1 < len(args)-1; j += 2 {
						c := args[j]
						if !c.IsNull(i) && c.Bools[c.Row(i)] {
							out.AppendFrom(args[j+1], i)
							continue row
						}
					}
					out.AppendFrom(last, i)
				}
			}}},
		Examples: []Example{{`case(1 > 2, "a", 2 > 1, "b", "c")`, "b"}, {`case(false, 1, 2)`, "2"}}})
	register(&Func{Name: "coalesce", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/coalesce-function",
		Doc: "Returns the first argument that is not null (for strings, not empty).",
		Sigs: []*Sig{{Params: []Param{p("arg", Any)}, Variadic: true, Result: unifyFrom(0), ValueArg: func(int, int) bool { return true },
			Eval: func(_ *Context, args []*value.Column, n int, out *value.Column) {
				n = rows(args, n, out)
				for i := 0; i < n; i++ {
					picked := args[len(args)-1]
					for _, a := range args {
						if !isEmpty(a.Type, a.Get(i)) {
							picked = a
							break
						}
					}
					out.AppendFrom(picked, i)
				}
			}}},
		Examples: []Example{{`coalesce(long(null), 5, 6)`, "5"}, {`coalesce("", "x")`, "x"}}})

	extreme := func(name, doc string, sign int, examples ...Example) {
		register(&Func{Name: name, Pure: true, Ref: refFuncPage + strings.ReplaceAll(name, "_", "-") + "-function", Doc: doc, Examples: examples,
			Sigs: []*Sig{{Params: []Param{p("arg", Orderable)}, Variadic: true, Result: unifyFrom(0),
				ValueArg: func(int, int) bool { return true }, Eval: mathExtreme(sign)}}})
	}
	extreme("max_of", "Returns the greatest of its arguments that is not null; null when all are.", 1,
		Example{`max_of(10, 1, -3, 17)`, "17"}, Example{`max_of(int(null), 2)`, "2"}, Example{`isnull(max_of(int(null), int(null)))`, "true"},
		Example{`max_of(1, 2.5)`, "2.5"}, Example{`max_of("a", "b")`, "b"}, Example{`max_of(datetime(2024-01-01), datetime(2023-01-01))`, "2024-01-01T00:00:00.0000000Z"})
	extreme("min_of", "Returns the least of its arguments that is not null; null when all are.", -1,
		Example{`min_of(10, 1, -3, 17)`, "-3"}, Example{`min_of(long(null), 2)`, "2"}, Example{`min_of(1h, 30m)`, "00:30:00"})
}

// Unify returns the common type of values that may be returned from the
// same place (iff branches, case values, coalesce): equal types, numbers
// promoted, and otherwise the first known type.
func Unify(ts []schema.Type) schema.Type {
	out := schema.Unknown
	for _, t := range ts {
		switch {
		case t == schema.Unknown:
		case out == schema.Unknown:
			out = t
		case out == t:
		case out.IsNumeric() && t.IsNumeric():
			out = Promote([]schema.Type{out, t})
		}
	}
	return out
}

func unifyFrom(start int) func([]schema.Type) schema.Type {
	return func(ts []schema.Type) schema.Type { return Unify(ts[start:]) }
}

func caseResult(ts []schema.Type) schema.Type {
	var vals []schema.Type
	for i := 1; i < len(ts)-1; i += 2 {
		vals = append(vals, ts[i])
	}
	return unifyBranches(append(vals, ts[len(ts)-1]))
}

// unifyBranches is the type of iff's and case's result: the common type
// of the branches that are not dynamic, to which the dynamic branches
// convert (iff(c, split(s, ".")[0], "x") is a string), and dynamic only
// when every branch is. This is how Microsoft's analyzer types them
// (a member access on such a result is an unknown name, KS142); the
// reference pages give the branches as scalars of one type
// (https://learn.microsoft.com/kusto/query/iff-function,
// https://learn.microsoft.com/kusto/query/case-function).
func unifyBranches(ts []schema.Type) schema.Type {
	var typed []schema.Type
	for _, t := range ts {
		if t != schema.Dynamic && t != schema.Unknown {
			typed = append(typed, t)
		}
	}
	if len(typed) == 0 {
		return Unify(ts)
	}
	return Unify(typed)
}

// mathExtreme is the kernel of max_of() (sign 1) and min_of() (sign -1):
// the greatest or least argument that is not null, null when all are.
// The checker converts every argument to the result type.
func mathExtreme(sign int) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		n = rows(args, n, out)
		for i := 0; i < n; i++ {
			best := -1
			var bv any
			for j, a := range args {
				v := a.Get(i)
				if v == nil {
					continue
				}
				if best < 0 {
					best, bv = j, v
					continue
				}
				if c, ok := CompareAny(v, bv); ok && c*sign > 0 {
					best, bv = j, v
				}
			}
			if best < 0 {
				out.AppendNull()
				continue
			}
			out.AppendFrom(args[best], i)
		}
	}
}
