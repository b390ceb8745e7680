package funcs

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file declares the mathematical functions. Functions of reals
// return null where the reference says so (the square root of a negative
// number, the logarithm of a negative number, an arc sine out of [-1, 1]);
// elsewhere they follow IEEE 754, so that 1/0.0 is infinity.

// mathReal declares a function of one number that returns a real.
func mathReal(name string, rn NameKind, ref, doc string, f func(float64) (float64, bool), examples ...Example) {
	register(&Func{Name: name, Pure: true, ResultName: rn, Ref: refFuncPage + ref, Doc: doc, Examples: examples,
		Sigs: []*Sig{sig(schema.Real, Map1(f), p("number", Numeric))}})
}

// mathRealOK wraps a math function that cannot fail.
func mathRealOK(f func(float64) float64) func(float64) (float64, bool) {
	return func(x float64) (float64, bool) { return f(x), true }
}

// mathRound rounds x to digits decimal places (to tens, hundreds, ...
// when digits is negative), halves away from zero, as round() does.
func mathRound(x float64, digits int64) (float64, bool) {
	switch {
	case digits > 15:
		return x, true // beyond a real's precision
	case digits < -308:
		return math.Copysign(0, x), true
	case digits >= 0:
		p := math.Pow10(int(digits))
		if math.IsInf(x*p, 0) {
			return x, true
		}
		return math.Round(x*p) / p, true
	}
	p := math.Pow10(int(-digits))
	return math.Round(x/p) * p, true
}

// mathRoundInt rounds an integer to digits decimal places, which only
// changes it for negative digits: round(1250, -2) is 1300.
func mathRoundInt(x, digits int64) (int64, bool) {
	if digits >= 0 {
		return x, true
	}
	if digits < -18 {
		return 0, true
	}
	p := int64(1)
	for i := int64(0); i < -digits; i++ {
		p *= 10
	}
	q, r := x/p, x%p
	if r >= p-r && r > 0 {
		q++
	} else if r < 0 && -r >= p+r {
		q--
	}
	return q * p, true
}

// mathFormatBytes formats size as format_bytes() does: in units of 1024
// (Bytes, KB, MB, GB, TB, PB, EB), the largest unit the size reaches
// unless one is named, rounded to precision decimals.
// https://learn.microsoft.com/kusto/query/format-bytes-function
func mathFormatBytes(size float64, precision int64, unit string) string {
	units := []string{"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"}
	k := -1
	for i, u := range units {
		if strings.EqualFold(u, unit) {
			k = i
		}
	}
	if k < 0 {
		k = 0
		for a := math.Abs(size); a >= 1024 && k < len(units)-1; a /= 1024 {
			k++
		}
	}
	v := size / math.Pow(1024, float64(k))
	v, _ = mathRound(v, max(min(precision, 15), 0))
	return strconv.FormatFloat(v, 'f', -1, 64) + " " + units[k]
}

// mathRand is the kernel of rand(): a fresh random number for every row,
// from a generator seeded by the operating system (so results differ
// between runs, as in Kusto).
func mathRand(_ *Context, args []*value.Column, n int, out *value.Column) {
	w := writer[float64](out)
	var limit func(int) (int64, bool)
	if len(args) == 1 {
		limit = reader[int64](args[0])
	}
	for i := 0; i < n; i++ {
		if limit == nil {
			w(rand.Float64(), true)
			continue
		}
		l, ok := limit(i)
		if !ok || l <= 0 {
			w(0, false)
			continue
		}
		w(float64(rand.Int64N(l)), true)
	}
}

func init() {
	defer inCategory(CatMath)()
	register(&Func{Name: "round", Pure: true, ResultName: NameFirstArg, Ref: refFuncPage + "round-function",
		Doc: "Rounds a number to a number of decimal places (0 by default; tens, hundreds, ... when negative), halves away from zero.",
		Sigs: []*Sig{{Params: []Param{p("number", Numeric), {Name: "precision", Types: Integer, Optional: true, Const: true}}, Result: SameAs(0),
			Eval: func(ctx *Context, args []*value.Column, n int, out *value.Column) {
				integer := out.Type == schema.Int || out.Type == schema.Long
				switch {
				case out.Type == schema.Decimal:
					// Exactly, halves away from zero.
					places := func(int64) int64 { return 0 }
					if len(args) > 1 {
						places = func(p int64) int64 { return p }
					}
					rounder := func(a any, p int64) (any, bool) {
						d, ok := toDecimal(a)
						if !ok {
							return nil, false
						}
						return d.Round(int(max(-value.MaxDecimalDigits, min(places(p), value.MaxDecimalScale)))), true
					}
					if len(args) == 1 {
						Map1(func(a any) (any, bool) { return rounder(a, 0) })(ctx, args, n, out)
					} else {
						Map2(rounder)(ctx, args, n, out)
					}
				case len(args) == 1 && integer:
					Map1(ok64)(ctx, args, n, out)
				case len(args) == 1:
					Map1(func(x float64) (float64, bool) { return mathRound(x, 0) })(ctx, args, n, out)
				case integer:
					Map2(mathRoundInt)(ctx, args, n, out)
				default:
					Map2(mathRound)(ctx, args, n, out)
				}
			}}},
		Examples: []Example{{`round(2.98765, 3)`, "2.988"}, {`round(2.15, 1)`, "2.2"}, {`round(2.15)`, "2"}, {`round(-50.55, -2)`, "-100"},
			{`round(21.5, -1)`, "20"}, {`round(1250, -2)`, "1300"}, {`round(-1250, -2)`, "-1300"}, {`round(-2.5)`, "-3"}}})
	register(&Func{Name: "sign", Pure: true, Ref: refFuncPage + "sign-function",
		Doc: "Returns the sign of a number as a real: -1, 0 or 1; null for NaN.",
		Sigs: []*Sig{sig(schema.Real, Map1(func(x float64) (float64, bool) {
			switch {
			case x > 0:
				return 1, true
			case x < 0:
				return -1, true
			case x == 0:
				return 0, true
			}
			return 0, false
		}), p("number", Numeric))},
		Examples: []Example{{`sign(-42)`, "-1"}, {`sign(0)`, "0"}, {`sign(11.2)`, "1"}}})

	mathReal("sqrt", NameFirstArg, "sqrt-function", "Returns the square root of a number; null for a negative number.",
		func(x float64) (float64, bool) { return math.Sqrt(x), !(x < 0) },
		Example{`sqrt(16)`, "4"}, Example{`sqrt(2)`, "1.4142135623730951"}, Example{`isnull(sqrt(-1))`, "true"})
	register(&Func{Name: "pow", Pure: true, ResultName: NameFirstArg, Ref: refFuncPage + "pow-function",
		Doc:      "Returns a base raised to a power, as a real.",
		Sigs:     []*Sig{sig(schema.Real, Map2(func(b, e float64) (float64, bool) { return math.Pow(b, e), true }), p("base", Numeric), p("exponent", Numeric))},
		Examples: []Example{{`pow(2, 3)`, "8"}, {`pow(4, 0.5)`, "2"}, {`pow(2, -1)`, "0.5"}}})
	logOf := func(f func(float64) float64) func(float64) (float64, bool) {
		return func(x float64) (float64, bool) { return f(x), !(x < 0) }
	}
	mathReal("log", NameFirstArg, "log-function", "Returns the natural logarithm of a number; null for a negative number.", logOf(logRounded),
		Example{`log(5)`, "1.6094379124341003"}, Example{`log(exp(2))`, "2"}, Example{`isnull(log(-1))`, "true"})
	mathReal("log2", NameFirstArg, "log2-function", "Returns the base-2 logarithm of a number; null for a negative number.", logOf(math.Log2),
		Example{`log2(8)`, "3"}, Example{`isnull(log2(-1))`, "true"})
	mathReal("log10", NameFirstArg, "log10-function", "Returns the base-10 logarithm of a number; null for a negative number.", logOf(preciseLog10),
		Example{`log10(1000)`, "3"}, Example{`isnull(log10(-1))`, "true"})
	mathReal("exp", NameFirstArg, "exp-function", "Returns e raised to a power.", mathRealOK(math.Exp),
		Example{`exp(0)`, "1"}, Example{`exp(1)`, "2.718281828459045"})
	mathReal("exp2", NameFirstArg, "exp2-function", "Returns 2 raised to a power.", mathRealOK(math.Exp2),
		Example{`exp2(3)`, "8"}, Example{`exp2(-1)`, "0.5"})
	mathReal("exp10", NameFirstArg, "exp10-function", "Returns 10 raised to a power.", mathRealOK(func(x float64) float64 { return math.Pow(10, x) }),
		Example{`exp10(3)`, "1000"}, Example{`exp10(-2)`, "0.01"})
	mathReal("gamma", NameFirstArg, "gamma-function", "Returns the gamma function of a number.", mathRealOK(math.Gamma),
		Example{`gamma(5)`, "24"}, Example{`abs(gamma(0.5) * gamma(0.5) - pi()) < 1e-12`, "true"})
	mathReal("loggamma", NameFirstArg, "loggamma-function", "Returns the natural logarithm of the absolute value of the gamma function of a number.",
		mathRealOK(func(x float64) float64 { l, _ := math.Lgamma(x); return l }),
		Example{`loggamma(5)`, "3.1780538303479458"}, Example{`loggamma(1)`, "0"})

	mathReal("sin", NameFirstArg, "sin-function", "Returns the sine of an angle in radians.", mathRealOK(math.Sin),
		Example{`sin(0)`, "0"}, Example{`sin(pi()/2)`, "1"})
	mathReal("cos", NameFirstArg, "cos-function", "Returns the cosine of an angle in radians.", mathRealOK(math.Cos),
		Example{`cos(0)`, "1"}, Example{`cos(1)`, "0.5403023058681398"})
	mathReal("tan", NameFirstArg, "tan-function", "Returns the tangent of an angle in radians.", mathRealOK(tanRounded),
		Example{`tan(0)`, "0"}, Example{`round(tan(1), 12)`, "1.557407724655"})
	mathReal("cot", NameNone, "cot-function", "Returns the cotangent of an angle in radians.", mathRealOK(func(x float64) float64 { return 1 / tanRounded(x) }),
		Example{`round(cot(1), 15)`, "0.642092615934331"})
	inUnit := func(f func(float64) float64) func(float64) (float64, bool) {
		return func(x float64) (float64, bool) { return f(x), x >= -1 && x <= 1 }
	}
	mathReal("asin", NameFirstArg, "asin-function", "Returns the angle in radians whose sine is a number; null outside [-1, 1].", inUnit(math.Asin),
		Example{`asin(0.5)`, "0.5235987755982989"}, Example{`isnull(asin(2))`, "true"})
	mathReal("acos", NameFirstArg, "acos-function", "Returns the angle in radians whose cosine is a number; null outside [-1, 1].", inUnit(math.Acos),
		Example{`round(acos(0.5), 12)`, "1.047197551197"}, Example{`isnull(acos(-2))`, "true"})
	mathReal("atan", NameFirstArg, "atan-function", "Returns the angle in radians whose tangent is a number.", mathRealOK(math.Atan),
		Example{`atan(0.5)`, "0.4636476090008061"})
	register(&Func{Name: "atan2", Pure: true, ResultName: NameFirstArg, Ref: refFuncPage + "atan2-function",
		Doc:      "Returns the angle in radians between the positive x-axis and the ray to the point (x, y); the arguments are y, x.",
		Sigs:     []*Sig{sig(schema.Real, Map2(func(y, x float64) (float64, bool) { return math.Atan2(y, x), true }), p("y", Numeric), p("x", Numeric))},
		Examples: []Example{{`atan2(1,1)`, "0.7853981633974483"}, {`atan2(-1,1)`, "-0.7853981633974483"}, {`atan2(1,-1)`, "2.356194490192345"}}})
	register(&Func{Name: "pi", Pure: true, Ref: refFuncPage + "pi-function",
		Doc:      "Returns the constant pi.",
		Sigs:     []*Sig{sig(schema.Real, WithContext(func(*Context) float64 { return math.Pi }))},
		Examples: []Example{{`pi()`, "3.141592653589793"}}})
	mathReal("degrees", NameNone, "degrees-function", "Converts an angle from radians to degrees.", mathRealOK(func(x float64) float64 { return x * 180 / math.Pi }),
		Example{`degrees(pi()/4)`, "45"}, Example{`degrees(1)`, "57.29577951308232"})
	mathReal("radians", NameNone, "radians-function", "Converts an angle from degrees to radians.", mathRealOK(func(x float64) float64 { return x * math.Pi / 180 }),
		Example{`radians(90)`, "1.5707963267948966"}, Example{`radians(180) == pi()`, "true"})

	realTest := func(name, doc string, f func(float64) bool, examples ...Example) {
		register(&Func{Name: name, Pure: true, Ref: refFuncPage + name + "-function", Doc: doc, Examples: examples,
			Sigs: []*Sig{sig(schema.Bool, Map1(func(x float64) (bool, bool) { return f(x), true }), p("number", Of(schema.Real)))}})
	}
	realTest("isnan", "Returns true when a real is NaN (not a number).", math.IsNaN,
		Example{`isnan(0.0/0.0)`, "true"}, Example{`isnan(1.0/0.0)`, "false"}, Example{`isnan(1)`, "false"})
	realTest("isinf", "Returns true when a real is infinite, positive or negative.", func(x float64) bool { return math.IsInf(x, 0) },
		Example{`isinf(-1.0/0.0)`, "true"}, Example{`isinf(0.0/0.0)`, "false"}, Example{`isinf(1.0/0.0)`, "true"})
	realTest("isfinite", "Returns true when a real is neither infinite nor NaN.", func(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) },
		Example{`isfinite(1.0/0.0)`, "false"}, Example{`isfinite(0.0/0.0)`, "false"}, Example{`isfinite(1.5)`, "true"})

	register(&Func{Name: "rand", Ref: refFuncPage + "rand-function", ResultName: NameFirstArg,
		Doc:      "Returns a random real in [0, 1), or a whole number from 0 to N-1 as a real; a new one for every row, different in every run (null for N < 1).",
		Sigs:     []*Sig{{Params: []Param{opt("number", Integer)}, Result: Returns(schema.Real), Eval: mathRand}},
		Examples: []Example{{`rand() >= 0 and rand() < 1`, "true"}, {`rand(1)`, "0"}, {`rand(10) < 10`, "true"}, {`isnull(rand(0))`, "true"}}})

	register(&Func{Name: "format_bytes", Pure: true, ResultName: NameFirstArg, Ref: refFuncPage + "format-bytes-function",
		Doc: "Formats a number of bytes in units of 1024 (Bytes, KB, MB, GB, TB, PB, EB): the largest unit the size reaches, or the one named, rounded to a number of decimals (0 by default).",
		Sigs: []*Sig{{Params: []Param{p("size", Numeric), {Name: "precision", Types: Numeric, Optional: true, Const: true}, {Name: "units", Types: tString, Optional: true, Const: true}},
			Result: Returns(schema.String), Eval: MapBoxed(func(args []any) (string, bool) {
				size, ok := toReal(args[0])
				if args[0] == nil || !ok {
					return "", false
				}
				var precision int64
				var unit string
				if len(args) > 1 && args[1] != nil {
					precision, _ = toLong(args[1])
				}
				if len(args) > 2 {
					unit, _ = args[2].(string)
				}
				return mathFormatBytes(size, precision, unit), true
			})}},
		Examples: []Example{{`format_bytes(564)`, "564 Bytes"}, {`format_bytes(10332, 1)`, "10.1 KB"}, {`format_bytes(20010332)`, "19 MB"},
			{`format_bytes(20010332, 2)`, "19.08 MB"}, {`format_bytes(20010332, 0, "KB")`, "19541 KB"}}})

	register(&Func{Name: "abs", Pure: true, ResultName: NameFirstArg, Ref: "https://learn.microsoft.com/kusto/query/abs-function",
		Doc: "Returns the absolute value.",
		Sigs: []*Sig{{Params: []Param{p("x", Numeric)}, Result: func(ts []schema.Type) schema.Type {
			if ts[0] == schema.Int {
				return schema.Long // Kusto declares abs(integer) -> long
			}
			return ts[0]
		}, Eval: numeric1Dec(
			func(a int64) (int64, bool) {
				if a < 0 {
					return -a, true
				}
				return a, true
			}, func(a float64) (float64, bool) { return math.Abs(a), true }, value.Decimal.Abs)},
			sig(schema.Timespan, Map1(func(a int64) (int64, bool) {
				if a < 0 {
					return -a, true
				}
				return a, true
			}), p("x", tTimespan))},
		Examples: []Example{{`abs(-5)`, "5"}, {`abs(int(-5))`, "5"}, {`abs(-1.5)`, "1.5"}, {`abs(-1h)`, "01:00:00"}}})

	register(&Func{Name: "range", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/range-function",
		Doc: "Returns a dynamic array of equally spaced values from start up to stop, truncated at 1048576 values; the step defaults to 1, or 1h for datetimes and timespans.",
		Sigs: []*Sig{
			{Params: []Param{p("start", Numeric), p("stop", Numeric), opt("step", Numeric)}, Result: Returns(schema.Dynamic), Eval: boxedKernel(rangeKernel)},
			sig(schema.Dynamic, boxedKernel(rangeKernel), p("start", tDatetime), p("stop", tDatetime), opt("step", tTimespan)),
			sig(schema.Dynamic, boxedKernel(rangeKernel), p("start", tTimespan), p("stop", tTimespan), opt("step", tTimespan)),
		},
		Examples: []Example{{`range(1, 8, 3)`, "[1,4,7]"}, {`range(1, 3)`, "[1,2,3]"},
			{`range(1h, 5h)`, `["01:00:00","02:00:00","03:00:00","04:00:00","05:00:00"]`},
			{`array_length(range(datetime(2015-01-01), datetime(2015-12-31), 1d))`, "365"},
			{`array_length(range(1, 1000000000))`, "1048576"}}})
}

// numeric1Dec picks an integer, a decimal (fd, exact) or a real kernel by
// the result type.
func numeric1Dec(fi func(int64) (int64, bool), ff func(float64) (float64, bool), fd func(value.Decimal) value.Decimal) Kernel {
	ik, fk := Map1(fi), Map1(ff)
	dk := Map1(func(a any) (any, bool) {
		d, ok := toDecimal(a)
		if !ok {
			return nil, false
		}
		return fd(d), true
	})
	return func(ctx *Context, args []*value.Column, n int, out *value.Column) {
		switch {
		case out.Type == schema.Int || out.Type == schema.Long:
			ik(ctx, args, n, out)
		case out.Type == schema.Decimal && fd != nil:
			dk(ctx, args, n, out)
		default:
			fk(ctx, args, n, out)
		}
	}
}

// rangeKernel implements range() over numbers, datetimes and timespans:
// start, start+step, ... up to stop (down to stop for a negative step).
// Integers give longs, other numbers reals. A zero step gives null.
func rangeKernel(types []schema.Type) func(row []any) (any, bool) {
	integers := true
	for _, t := range types {
		integers = integers && (t == schema.Int || t == schema.Long)
	}
	temporal := types[0] == schema.Datetime || types[0] == schema.Timespan
	return func(row []any) (any, bool) {
		if row[0] == nil || row[1] == nil || len(row) > 2 && row[2] == nil {
			return nil, false
		}
		if integers || temporal {
			start, stop := ticksOrLong(row[0]), ticksOrLong(row[1])
			step := int64(1)
			if temporal {
				step = 36_000_000_000 // 1h in ticks
			}
			if len(row) > 2 {
				step = ticksOrLong(row[2])
			}
			if step == 0 {
				return nil, false
			}
			out := []any{}
			for v := start; len(out) < maxArray && (step > 0 && v <= stop || step < 0 && v >= stop); v += step {
				switch types[0] {
				case schema.Datetime:
					out = append(out, value.Datetime(v))
				case schema.Timespan:
					out = append(out, value.Timespan(v))
				default:
					out = append(out, v)
				}
				if step > 0 && v > math.MaxInt64-step || step < 0 && v < math.MinInt64-step {
					break
				}
			}
			return out, true
		}
		start, _ := toReal(row[0])
		stop, _ := toReal(row[1])
		step := 1.0
		if len(row) > 2 {
			step, _ = toReal(row[2])
		}
		if step == 0 || math.IsNaN(step) || math.IsNaN(start) || math.IsNaN(stop) {
			return nil, false
		}
		out := []any{}
		for i := 0; i < maxArray; i++ {
			v := start + float64(i)*step
			if step > 0 && v > stop || step < 0 && v < stop {
				break
			}
			out = append(out, v)
		}
		return out, true
	}
}

// ticksOrLong returns an integer, or the ticks of a datetime or timespan,
// as stored in a column.
func ticksOrLong(v any) int64 {
	switch x := v.(type) {
	case value.Datetime:
		return int64(x)
	case value.Timespan:
		return int64(x)
	case int64:
		return x
	}
	return 0
}
