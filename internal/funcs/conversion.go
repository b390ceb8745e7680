package funcs

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// conversion declares a to*() function converting any value to type t.
func conversion(name string, t schema.Type, ref, doc string, examples ...Example) {
	register(&Func{Name: name, Pure: true, Ref: ref, Doc: doc, Examples: examples, ResultName: NameFirstArg,
		Sigs: []*Sig{{Params: []Param{p("value", Any)}, Result: Returns(t),
			Eval: func(ctx *Context, args []*value.Column, n int, out *value.Column) {
				CastKernel(args[0].Type, t)(ctx, args, n, out)
			}}}})
}

// nullAware lifts a function that sees nulls (as nil) over one argument.
func nullAware(f func(t schema.Type, v any) (any, bool)) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		n = rows(args, n, out)
		for i := 0; i < n; i++ {
			v, ok := f(args[0].Type, args[0].Get(i))
			if !ok {
				out.AppendNull()
				continue
			}
			out.Append(v)
		}
	}
}

// isEmpty reports whether v of type t is null or an empty string.
func isEmpty(t schema.Type, v any) bool {
	if v == nil {
		return true
	}
	s, ok := v.(string)
	return ok && s == "" && (t == schema.String || t == schema.Dynamic)
}

func init() {
	conversion("tostring", schema.String, "https://learn.microsoft.com/kusto/query/tostring-function",
		"Converts a value to its string representation; null becomes the empty string.",
		Example{`tostring(123)`, "123"}, Example{`tostring(1.5)`, "1.5"}, Example{`tostring(datetime(2024-01-02))`, "2024-01-02T00:00:00.0000000Z"},
		Example{`tostring(dynamic({"a":1}))`, `{"a":1}`}, Example{`strlen(tostring(long(null)))`, "0"})
	conversion("tolong", schema.Long, "https://learn.microsoft.com/kusto/query/tolong-function",
		"Converts a value to long; null when it does not convert.",
		Example{`tolong("123")`, "123"}, Example{`tolong(12.7)`, "12"}, Example{`isnull(tolong("abc"))`, "true"})
	conversion("toint", schema.Int, "https://learn.microsoft.com/kusto/query/toint-function",
		"Converts a value to int; null when it does not convert.",
		Example{`toint("42")`, "42"}, Example{`toint(2.9)`, "2"})
	conversion("toreal", schema.Real, "https://learn.microsoft.com/kusto/query/toreal-function",
		"Converts a value to real; null when it does not convert.",
		Example{`toreal("1.5")`, "1.5"}, Example{`toreal(3)`, "3"})
	alias("todouble", registry["toreal"])
	conversion("tobool", schema.Bool, "https://learn.microsoft.com/kusto/query/tobool-function",
		"Converts a value to bool; null when it does not convert.",
		Example{`tobool("true")`, "true"}, Example{`tobool("FALSE")`, "false"}, Example{`tobool(1)`, "true"}, Example{`isnull(tobool("yes"))`, "true"})
	alias("toboolean", registry["tobool"])
	conversion("todatetime", schema.Datetime, "https://learn.microsoft.com/kusto/query/todatetime-function",
		"Converts a string to a datetime; null when it does not parse.",
		Example{`todatetime("2015-12-24")`, "2015-12-24T00:00:00.0000000Z"}, Example{`isnull(todatetime("nope"))`, "true"})
	conversion("totimespan", schema.Timespan, "https://learn.microsoft.com/kusto/query/totimespan-function",
		"Converts a string to a timespan; null when it does not parse.",
		Example{`totimespan("0.00:01:00")`, "00:01:00"})
	alias("totime", registry["totimespan"])
	conversion("toguid", schema.Guid, "https://learn.microsoft.com/kusto/query/toguid-function",
		"Converts a string to a guid; null when it does not parse.",
		Example{`toguid("74BE27DE-1E4E-49D9-B579-FE0B331D3642")`, "74be27de-1e4e-49d9-b579-fe0b331d3642"})

	register(&Func{Name: "isnull", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/isnull-function",
		Doc: "Returns true when the value is null. Strings are never null.",
		Sigs: []*Sig{sig(schema.Bool, nullAware(func(t schema.Type, v any) (any, bool) {
			return v == nil && t != schema.String, true
		}), p("value", Any))},
		Examples: []Example{{`isnull(long(null))`, "true"}, {`isnull("")`, "false"}, {`isnull(dynamic(null))`, "true"}}})
	register(&Func{Name: "isnotnull", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/isnotnull-function",
		Doc: "Returns true when the value is not null.",
		Sigs: []*Sig{sig(schema.Bool, nullAware(func(t schema.Type, v any) (any, bool) {
			return v != nil || t == schema.String, true
		}), p("value", Any))},
		Examples: []Example{{`isnotnull(1)`, "true"}, {`isnotnull(int(null))`, "false"}}})
	alias("notnull", registry["isnotnull"])
	register(&Func{Name: "isempty", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/isempty-function",
		Doc: "Returns true when the value is an empty string or null.",
		Sigs: []*Sig{sig(schema.Bool, nullAware(func(t schema.Type, v any) (any, bool) {
			return isEmpty(t, v), true
		}), p("value", Any))},
		Examples: []Example{{`isempty("")`, "true"}, {`isempty("a")`, "false"}, {`isempty(long(null))`, "true"}, {`isempty(0)`, "false"}}})
	register(&Func{Name: "isnotempty", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/isnotempty-function",
		Doc: "Returns true when the value is neither an empty string nor null.",
		Sigs: []*Sig{sig(schema.Bool, nullAware(func(t schema.Type, v any) (any, bool) {
			return !isEmpty(t, v), true
		}), p("value", Any))},
		Examples: []Example{{`isnotempty("a")`, "true"}, {`isnotempty("")`, "false"}}})
	alias("notempty", registry["isnotempty"])

	register(&Func{Name: "iff", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/iff-function",
		Doc: "Returns the second argument when the condition is true, else the third (a null condition counts as false).",
		Sigs: []*Sig{{Params: []Param{p("if", tBool), p("then", Any), p("else", Any)}, Result: unifyFrom(1), ValueArg: func(i, _ int) bool { return i > 0 },
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

	register(&Func{Name: "floor", Pure: true, ResultName: NameFirstArg, Ref: "https://learn.microsoft.com/kusto/query/bin-function",
		Doc:  "Rounds values down to a multiple of the bin size; an alias of bin().",
		Sigs: binSigs(), Examples: []Example{{`floor(4.5, 1)`, "4"}}})
	register(&Func{Name: "bin", Pure: true, ResultName: NameFirstArg, Ref: "https://learn.microsoft.com/kusto/query/bin-function",
		Doc:  "Rounds values down to a multiple of the bin size (null when it is not positive); datetimes are binned from 0001-01-01, and a datetime bin size counts its ticks since 0001-01-01.",
		Sigs: binSigs(),
		Examples: []Example{{`bin(4.5, 1)`, "4"}, {`bin(-4.5, 1)`, "-5"}, {`bin(10, 3)`, "9"}, {`bin(time(16d), 7d)`, "14.00:00:00"},
			{`bin(datetime(1970-05-11 13:45:07), 1d)`, "1970-05-11T00:00:00.0000000Z"}, {`bin(datetime(2024-01-03), 7d)`, "2024-01-01T00:00:00.0000000Z"},
			{`bin(datetime(1970-05-11 13:45:07), datetime(0001-01-02))`, "1970-05-11T00:00:00.0000000Z"}, {`isnull(bin(4.5, -1))`, "true"}}})
	register(&Func{Name: "abs", Pure: true, ResultName: NameFirstArg, Ref: "https://learn.microsoft.com/kusto/query/abs-function",
		Doc: "Returns the absolute value.",
		Sigs: []*Sig{{Params: []Param{p("x", Numeric)}, Result: func(ts []schema.Type) schema.Type {
			if ts[0] == schema.Int {
				return schema.Long // Kusto declares abs(integer) -> long
			}
			return ts[0]
		}, Eval: numeric1(
			func(a int64) (int64, bool) {
				if a < 0 {
					return -a, true
				}
				return a, true
			}, func(a float64) (float64, bool) { return math.Abs(a), true })},
			sig(schema.Timespan, Map1(func(a int64) (int64, bool) {
				if a < 0 {
					return -a, true
				}
				return a, true
			}), p("x", tTimespan))},
		Examples: []Example{{`abs(-5)`, "5"}, {`abs(int(-5))`, "5"}, {`abs(-1.5)`, "1.5"}, {`abs(-1h)`, "01:00:00"}}})
}

// numeric1 picks an integer or a real kernel by the result type.
func numeric1(fi func(int64) (int64, bool), ff func(float64) (float64, bool)) Kernel {
	ik, fk := Map1(fi), Map1(ff)
	return func(ctx *Context, args []*value.Column, n int, out *value.Column) {
		if out.Type == schema.Int || out.Type == schema.Long {
			ik(ctx, args, n, out)
		} else {
			fk(ctx, args, n, out)
		}
	}
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
	return Unify(append(vals, ts[len(ts)-1]))
}

func binSigs() []*Sig {
	return []*Sig{
		{Params: []Param{p("value", Numeric), p("roundTo", Numeric)}, Result: func(ts []schema.Type) schema.Type {
			return Promote(ts)
		}, Eval: numeric(func(v, size int64) (int64, bool) {
			if size <= 0 {
				return 0, false
			}
			return floorDiv(v, size) * size, true
		}, func(v, size float64) (float64, bool) {
			if size <= 0 {
				return 0, false
			}
			return math.Floor(v/size) * size, true
		})},
		sig(schema.Datetime, Map2(func(v, size int64) (int64, bool) {
			if size <= 0 {
				return 0, false
			}
			t := v + value.EpochTicks
			return floorDiv(t, size)*size - value.EpochTicks, true
		}), p("value", tDatetime), p("roundTo", tTimespan)),
		sig(schema.Timespan, Map2(func(v, size int64) (int64, bool) {
			if size <= 0 {
				return 0, false
			}
			return floorDiv(v, size) * size, true
		}), p("value", tTimespan), p("roundTo", tTimespan)),
		// Kusto also declares a datetime bin size: its ticks since
		// 0001-01-01 are the size (datetime(0001-01-02) is one day).
		sig(schema.Datetime, Map2(func(v, size int64) (int64, bool) {
			size = value.Datetime(size).Ticks()
			if size <= 0 {
				return 0, false
			}
			t := v + value.EpochTicks
			return floorDiv(t, size)*size - value.EpochTicks, true
		}), p("value", tDatetime), p("roundTo", tDatetime)),
	}
}

// floorDiv divides rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) != (b < 0) {
		q--
	}
	return q
}
