package funcs

import (
	"cmp"
	"math"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Operators are declared as hidden functions named by their symbol, so
// that the checker, the executor and the SQL translator treat them like
// any other call.

const (
	refArith   = "https://learn.microsoft.com/kusto/query/numerical-operators"
	refDate    = "https://learn.microsoft.com/kusto/query/datetime-timespan-arithmetic"
	refLogical = "https://learn.microsoft.com/kusto/query/logical-operators"
	refCompare = "https://learn.microsoft.com/kusto/query/numerical-operators"
)

var (
	tBool     = Of(schema.Bool)
	tString   = Of(schema.String)
	tDatetime = Of(schema.Datetime)
	tTimespan = Of(schema.Timespan)
	tDynamic  = Of(schema.Dynamic)
	tGuid     = Of(schema.Guid)
)

func p(name string, ts TypeSet) Param   { return Param{Name: name, Types: ts} }
func opt(name string, ts TypeSet) Param { return Param{Name: name, Types: ts, Optional: true} }
func sig(r schema.Type, k Kernel, ps ...Param) *Sig {
	return &Sig{Params: ps, Result: Returns(r), Eval: k}
}

// numericDec applies an integer, a real or a decimal operation, chosen by
// the result type: integer math when the result is int or long, decimal
// math (fd) when it is decimal, else real math.
func numericDec(fi func(a, b int64) (int64, bool), ff func(a, b float64) (float64, bool),
	fd func(a, b value.Decimal) (value.Decimal, bool)) Kernel {
	ik, fk := Map2(fi), Map2(ff)
	var dk Kernel
	if fd != nil {
		dk = decimalOp(fd)
	}
	return func(ctx *Context, args []*value.Column, n int, out *value.Column) {
		switch {
		case out.Type == schema.Int || out.Type == schema.Long:
			ik(ctx, args, n, out)
		case out.Type == schema.Decimal && dk != nil:
			dk(ctx, args, n, out)
		default:
			fk(ctx, args, n, out)
		}
	}
}

func ok64(v int64) (int64, bool)    { return v, true }
func okf(v float64) (float64, bool) { return v, true }
func okb(v bool) (bool, bool)       { return v, true }

func init() {
	defer inCategory(CatOperator)()
	promote := Promote
	// Arithmetic. Integer division truncates toward zero and division by
	// zero gives null for integers, infinity or NaN for reals.
	register(&Func{Name: "+", Hidden: true, Pure: true, Ref: refArith,
		Doc: "Adds numbers, or a timespan to a datetime or timespan.",
		Sigs: []*Sig{
			{Params: []Param{p("a", Numeric), p("b", Numeric)}, Result: promote,
				Eval: numericDec(func(a, b int64) (int64, bool) { return ok64(a + b) }, func(a, b float64) (float64, bool) { return okf(a + b) }, value.Decimal.Add)},
			sig(schema.Datetime, Map2(func(a, b int64) (int64, bool) { return ok64(a + b) }), p("a", tDatetime), p("b", tTimespan)),
			sig(schema.Datetime, Map2(func(a, b int64) (int64, bool) { return ok64(a + b) }), p("a", tTimespan), p("b", tDatetime)),
			sig(schema.Timespan, Map2(func(a, b int64) (int64, bool) { return ok64(a + b) }), p("a", tTimespan), p("b", tTimespan)),
		},
		Examples: []Example{{"3.14 + 3.14", "6.28"}, {"int(1) + int(2)", "3"}, {"datetime(2024-01-31) + 1d", "2024-02-01T00:00:00.0000000Z"},
			{"1h + 30m", "01:30:00"}, {"isnull(1 + long(null))", "true"}}})
	register(&Func{Name: "-", Hidden: true, Pure: true, Ref: refArith,
		Doc: "Subtracts numbers, datetimes or timespans.",
		Sigs: []*Sig{
			{Params: []Param{p("a", Numeric), p("b", Numeric)}, Result: promote,
				Eval: numericDec(func(a, b int64) (int64, bool) { return ok64(a - b) }, func(a, b float64) (float64, bool) { return okf(a - b) }, value.Decimal.Sub)},
			sig(schema.Timespan, Map2(func(a, b int64) (int64, bool) { return ok64(a - b) }), p("a", tDatetime), p("b", tDatetime)),
			sig(schema.Datetime, Map2(func(a, b int64) (int64, bool) { return ok64(a - b) }), p("a", tDatetime), p("b", tTimespan)),
			sig(schema.Timespan, Map2(func(a, b int64) (int64, bool) { return ok64(a - b) }), p("a", tTimespan), p("b", tTimespan)),
		},
		Examples: []Example{{"0.5 - 0.25", "0.25"}, {"datetime(2024-01-02) - datetime(2024-01-01 12:00)", "12:00:00"},
			{"datetime(2024-01-01) - 1d", "2023-12-31T00:00:00.0000000Z"}, {"1d - 1s", "23:59:59"}}})
	register(&Func{Name: "*", Hidden: true, Pure: true, Ref: refArith,
		Doc: "Multiplies numbers, or a timespan by a number.",
		Sigs: []*Sig{
			{Params: []Param{p("a", Numeric), p("b", Numeric)}, Result: promote,
				Eval: numericDec(func(a, b int64) (int64, bool) { return ok64(a * b) }, func(a, b float64) (float64, bool) { return okf(a * b) }, value.Decimal.Mul)},
			sig(schema.Timespan, Map2(func(a int64, b float64) (int64, bool) { return ok64(int64(math.Round(float64(a) * b))) }), p("a", tTimespan), p("b", Numeric)),
			sig(schema.Timespan, Map2(func(a float64, b int64) (int64, bool) { return ok64(int64(math.Round(a * float64(b)))) }), p("a", Numeric), p("b", tTimespan)),
		},
		Examples: []Example{{"2 * 2", "4"}, {"1s * 5", "00:00:05"}, {"2 * 1.5h", "03:00:00"}}})
	register(&Func{Name: "/", Hidden: true, Pure: true, Ref: refArith,
		Doc: "Divides numbers (integers divide to an integer), timespans.",
		Sigs: []*Sig{
			{Params: []Param{p("a", Numeric), p("b", Numeric)}, Result: promote,
				Eval: numericDec(func(a, b int64) (int64, bool) {
					if b == 0 {
						return 0, false
					}
					return a / b, true
				}, func(a, b float64) (float64, bool) { return okf(a / b) }, value.Decimal.Div)},
			sig(schema.Real, Map2(func(a, b float64) (float64, bool) { return okf(a / b) }), p("a", tTimespan), p("b", tTimespan)),
			sig(schema.Timespan, Map2(func(a int64, b float64) (int64, bool) {
				if b == 0 {
					return 0, false
				}
				return ok64(int64(math.Round(float64(a) / b)))
			}), p("a", tTimespan), p("b", Numeric)),
		},
		Examples: []Example{{"4 / 2", "2"}, {"1 / 2", "0"}, {"-7 / 2", "-3"}, {"1.0 / 2", "0.5"}, {"real(1) / 2", "0.5"},
			{"10m / 1s", "600"}, {"1d / 4", "06:00:00"}, {"isnull(1 / 0)", "true"}}})
	register(&Func{Name: "%", Hidden: true, Pure: true, Ref: refArith,
		Doc: "Returns the modulo of two numbers: a small non-negative number, 0 <= N % D < abs(D).",
		Sigs: []*Sig{
			{Params: []Param{p("a", Numeric), p("b", Numeric)}, Result: promote,
				Eval: numericDec(func(a, b int64) (int64, bool) {
					if b == 0 {
						return 0, false
					}
					r := a % b
					if r < 0 {
						r += max(b, -b)
					}
					return r, true
				}, func(a, b float64) (float64, bool) {
					r := math.Mod(a, b)
					if r < 0 {
						r += math.Abs(b)
					}
					return r, true
				}, decimalMod)},
		},
		Examples: []Example{{"14 % 12", "2"}, {"-14 % 12", "10"}, {"14 % -12", "2"}, {"-14 % -12", "10"}, {"isnull(1 % 0)", "true"}, {"7.5 % 2", "1.5"}}})
	register(&Func{Name: "neg", Hidden: true, Pure: true, Ref: refArith,
		Doc: "Negates a number or timespan.",
		Sigs: []*Sig{
			{Params: []Param{p("a", Numeric)}, Result: SameAs(0), Eval: func(ctx *Context, args []*value.Column, n int, out *value.Column) {
				switch out.Type {
				case schema.Int, schema.Long:
					Map1(func(a int64) (int64, bool) { return -a, true })(ctx, args, n, out)
				case schema.Decimal:
					Map1(func(a any) (any, bool) {
						d, ok := toDecimal(a)
						return d.Neg(), ok
					})(ctx, args, n, out)
				default:
					Map1(func(a float64) (float64, bool) { return -a, true })(ctx, args, n, out)
				}
			}},
			sig(schema.Timespan, Map1(func(a int64) (int64, bool) { return -a, true }), p("a", tTimespan)),
		},
		Examples: []Example{{"-abs(-5)", "-5"}, {"-toreal(1.5)", "-1.5"}, {"-totimespan(\"01:00:00\")", "-01:00:00"}}})

	registerComparisons()

	// Logical operators treat a null operand as false and never return
	// null: bool(null) and true is false, bool(null) or true is true.
	register(&Func{Name: "and", Hidden: true, Pure: true, Ref: refLogical,
		Doc:      "Logical and: true only when both operands are true (a null operand counts as false).",
		Sigs:     []*Sig{sig(schema.Bool, logical(true), p("a", tBool), p("b", tBool))},
		Examples: []Example{{"true and true", "true"}, {"true and false", "false"}, {"bool(null) and true", "false"}}})
	register(&Func{Name: "or", Hidden: true, Pure: true, Ref: refLogical,
		Doc:      "Logical or: true when either operand is true, regardless of the other (a null operand counts as false).",
		Sigs:     []*Sig{sig(schema.Bool, logical(false), p("a", tBool), p("b", tBool))},
		Examples: []Example{{"false or true", "true"}, {"false or false", "false"}, {"bool(null) or true", "true"}, {"bool(null) or false", "false"}}})
	// The function index lists not() among the mathematical functions.
	register(&Func{Name: "not", Pure: true, Category: CatMath, Ref: "https://learn.microsoft.com/kusto/query/not-function",
		Doc:      "Reverses the value of its bool argument.",
		Sigs:     []*Sig{sig(schema.Bool, Map1(func(a bool) (bool, bool) { return !a, true }), p("expr", tBool))},
		Examples: []Example{{"not(false)", "true"}, {"not(1 > 2)", "true"}}})
}

// logical returns the kernel of and (isAnd) or or. A null operand counts
// as false, so the result is never null.
// https://learn.microsoft.com/kusto/query/logical-operators#how-logical-operators-work-with-null-values
func logical(isAnd bool) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		a, b := args[0], args[1]
		n = rows(args, n, out)
		for i := 0; i < n; i++ {
			av := !a.IsNull(i) && a.Bools[a.Row(i)]
			bv := !b.IsNull(i) && b.Bools[b.Row(i)]
			if isAnd {
				out.Append(av && bv)
			} else {
				out.Append(av || bv)
			}
		}
	}
}

// CompareBool orders false before true.
func CompareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// CompareAny orders two boxed values of possibly different types, as
// comparisons involving dynamic values do: numbers by value, strings
// ordinally, datetimes and timespans by ticks, bools false before true.
// ok is false when the values are not comparable or either is null.
func CompareAny(a, b any) (int, bool) {
	if a == nil || b == nil {
		return 0, false
	}
	switch x := a.(type) {
	case value.Decimal:
		return compareDecimalAny(x, b)
	case int64:
		switch y := b.(type) {
		case int64:
			return cmp.Compare(x, y), true
		case float64:
			return cmp.Compare(float64(x), y), true
		case value.Decimal:
			c, ok := compareDecimalAny(y, x)
			return -c, ok
		}
	case float64:
		switch y := b.(type) {
		case int64:
			return cmp.Compare(x, float64(y)), true
		case float64:
			return cmp.Compare(x, y), true
		case value.Decimal:
			c, ok := compareDecimalAny(y, x)
			return -c, ok
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
	case bool:
		if y, ok := b.(bool); ok {
			return CompareBool(x, y), true
		}
	case value.Datetime:
		if y, ok := b.(value.Datetime); ok {
			return cmp.Compare(x, y), true
		}
		if y, ok := b.(string); ok {
			if d, ok := value.ParseDatetime(y); ok {
				return cmp.Compare(x, d), true
			}
		}
	case value.Timespan:
		if y, ok := b.(value.Timespan); ok {
			return cmp.Compare(x, y), true
		}
	}
	if _, ok := b.(value.Datetime); ok {
		if _, ok := a.(string); ok {
			c, ok := CompareAny(b, a)
			return -c, ok
		}
	}
	// Arrays and bags compare equal when their JSON is equal.
	ja, jb := string(value.AppendKeyJSON(nil, a)), string(value.AppendKeyJSON(nil, b))
	if ja == jb {
		return 0, true
	}
	return 0, false
}

// comparison builds the kernel set of one comparison operator from a
// test on the comparison outcome.
func comparison(name, doc string, test func(c int) bool, examples ...Example) {
	k := func(f func(a, b any) (int, bool)) Kernel {
		return Map2(func(a, b any) (bool, bool) {
			c, ok := f(a, b)
			if !ok {
				// Values of incomparable types are unequal; their order is
				// unknown (null).
				eq := name == "==" || name == "!="
				return name == "!=", eq
			}
			return test(c), true
		})
	}
	register(&Func{Name: name, Hidden: true, Pure: true, Ref: refCompare, Doc: doc, Examples: examples,
		Sigs: []*Sig{
			sig(schema.Bool, Map2(func(a, b int64) (bool, bool) { return okb(test(cmp.Compare(a, b))) }), p("a", Integer), p("b", Integer)),
			sig(schema.Bool, withDecimal(Map2(func(a, b float64) (bool, bool) {
				if math.IsNaN(a) || math.IsNaN(b) {
					return name == "!=", true // NaN is unequal to everything, itself included
				}
				return test(cmp.Compare(a, b)), true
			}), decimalComparison(test)), p("a", Numeric), p("b", Numeric)),
			sig(schema.Bool, Map2(func(a, b string) (bool, bool) { return okb(test(strings.Compare(a, b))) }), p("a", tString), p("b", tString)),
			sig(schema.Bool, Map2(func(a, b int64) (bool, bool) { return okb(test(cmp.Compare(a, b))) }), p("a", tDatetime), p("b", tDatetime)),
			sig(schema.Bool, Map2(func(a, b int64) (bool, bool) { return okb(test(cmp.Compare(a, b))) }), p("a", tTimespan), p("b", tTimespan)),
			sig(schema.Bool, Map2(func(a, b bool) (bool, bool) { return okb(test(CompareBool(a, b))) }), p("a", tBool), p("b", tBool)),
			sig(schema.Bool, Map2(func(a, b string) (bool, bool) { return okb(test(strings.Compare(a, b))) }), p("a", tGuid|tString), p("b", tGuid|tString)),
			sig(schema.Bool, k(CompareAny), p("a", tDynamic), p("b", Any)),
			sig(schema.Bool, k(CompareAny), p("a", Any), p("b", tDynamic)),
		}})
	if name == "==" || name == "!=" {
		// Equality is defined between any two types; values of
		// incomparable types are unequal.
		f := registry[name]
		f.Sigs = append(f.Sigs, sig(schema.Bool, k(CompareAny), p("a", Any), p("b", Any)))
		for _, s := range f.Sigs {
			s.Eval = nullEquality(s.Eval, name == "!=")
		}
	}
}

// nullEquality wraps the kernel of == (ne false) or != (ne true) so that
// a null compared with a non-null value is unequal: == gives false and !=
// gives true. Two nulls still give null.
// https://learn.microsoft.com/kusto/query/scalar-data-types/null-values#equality-and-inequality-of-null-values
func nullEquality(k Kernel, ne bool) Kernel {
	return func(ctx *Context, args []*value.Column, n int, out *value.Column) {
		k(ctx, args, n, out)
		a, b := args[0], args[1]
		if !a.HasNulls() && !b.HasNulls() {
			return
		}
		for i := 0; i < out.Len(); i++ {
			if a.IsNull(i) != b.IsNull(i) {
				out.Bools[i] = ne
				if out.Nulls != nil {
					out.Nulls[i] = false
				}
			}
		}
	}
}

func registerComparisons() {
	comparison("==", "Equals (case-sensitive for strings); a null equals no value.", func(c int) bool { return c == 0 },
		Example{`1 == 1`, "true"}, Example{`"aBc" == "aBc"`, "true"}, Example{`"abc" == "ABC"`, "false"},
		Example{`5 == long(null)`, "false"}, Example{`isnull(long(null) == long(null))`, "true"})
	comparison("!=", "Not equals (case-sensitive for strings); a null differs from every value.", func(c int) bool { return c != 0 },
		Example{`1 != 0`, "true"}, Example{`"abc" != "ABC"`, "true"}, Example{`5 != long(null)`, "true"},
		Example{`isnull(long(null) != long(null))`, "true"})
	comparison("<", "Less.", func(c int) bool { return c < 0 },
		Example{`1 < 10`, "true"}, Example{`10s < 1h`, "true"}, Example{`now() < datetime(2100-01-01)`, "true"}, Example{`isnull(long(null) < 1)`, "true"})
	comparison("<=", "Less or equal.", func(c int) bool { return c <= 0 }, Example{`4 <= 5`, "true"}, Example{`5 <= 5`, "true"})
	comparison(">", "Greater.", func(c int) bool { return c > 0 },
		Example{`0.23 > 0.22`, "true"}, Example{`10m > 1s`, "true"}, Example{`now() > ago(1d)`, "true"})
	comparison(">=", "Greater or equal.", func(c int) bool { return c >= 0 }, Example{`5 >= 4`, "true"}, Example{`"b" >= "a"`, "true"})
}
