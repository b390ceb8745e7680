package funcs

import (
	"math"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file holds what the series functions share: reading a dynamic
// array as a series of numbers, and the declaration of functions that
// return several columns (tuples). The element-wise functions
// (series_add, series_greater, series_abs, ...) are declared here too;
// the processing functions live in series_stats.go (statistics, sums,
// products, correlations and line fitting), series_decompose.go
// (periods, seasonality, decomposition, outliers) and series_fill.go
// (interpolation and filters).
//
// A series is a dynamic array of numbers, usually made by make-series.
// Elements that are null or not numbers are missing: element-wise
// functions give null for them, and the analysis functions say in their
// Doc how they treat them.

const refSeries = "https://learn.microsoft.com/kusto/query/"

// seriesOf returns the elements of dynamic array v as float64s, NaN
// standing for a missing element (null, not a number, or NaN); ok is
// false when v is not an array.
func seriesOf(v any) (xs []float64, ok bool) {
	arr, ok := v.([]any)
	if !ok {
		return nil, false
	}
	xs = make([]float64, len(arr))
	for i, e := range arr {
		if x, isNum := seriesNumber(e); isNum {
			xs[i] = x
		} else {
			xs[i] = math.NaN()
		}
	}
	return xs, true
}

// seriesNumber returns element e of a series as a float64, and whether it
// is a number.
func seriesNumber(e any) (float64, bool) {
	switch x := e.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// realArray boxes xs as a dynamic array of reals; NaN elements become
// nulls when nanNull is set.
func realArray(xs []float64, nanNull bool) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		if nanNull && math.IsNaN(x) {
			continue
		}
		out[i] = x
	}
	return out
}

// fillMissing returns xs with missing (NaN) elements replaced by linear
// interpolation between their present neighbours, and the edges by the
// nearest present value; a series with no present value becomes zeros.
// The analysis functions use it so that a gap does not break them.
func fillMissing(xs []float64) []float64 {
	out := append([]float64(nil), xs...)
	prev := -1
	for i, x := range out {
		if math.IsNaN(x) {
			continue
		}
		switch {
		case prev < 0:
			for j := 0; j < i; j++ {
				out[j] = x
			}
		case i-prev > 1:
			for j := prev + 1; j < i; j++ {
				out[j] = out[prev] + (x-out[prev])*float64(j-prev)/float64(i-prev)
			}
		}
		prev = i
	}
	if prev < 0 {
		for i := range out {
			out[i] = 0
		}
		return out
	}
	for j := prev + 1; j < len(out); j++ {
		out[j] = out[prev]
	}
	return out
}

// ---- Functions that return several columns

// Output is one column of a function that returns several (a tuple), such
// as series_stats: unless the query names it, the column is named after
// the function, the name of its first argument and Suffix, joined by '_'
// (series_stats_x_min). See TupleColumnName.
type Output struct {
	Suffix string
	Type   schema.Type
}

// Tuple describes a function whose call yields several columns, as
// `extend (a, b) = series_fit_line(y)` or `extend series_stats(y)` use it.
// Under its own name such a function is declared as returning its first
// output, which is what `extend a = f(y)` names a; Func computes every
// output at once.
type Tuple struct {
	// Outputs lists the columns in order.
	Outputs []Output
	// Func has the signatures of the declared function, but returns a
	// dynamic array holding one element per output, in the order of
	// Outputs, each boxed as its output type is (a real output is a
	// float64 or null, a dynamic output any dynamic value). Func is not
	// in the registry: queries cannot call it by name.
	Func *Func
}

var tuples = map[string]*Tuple{}

// LookupTuple returns the tuple description of the function named name,
// or nil when the function returns one value.
func LookupTuple(name string) *Tuple { return tuples[name] }

// TupleColumnName returns the name Kusto gives an output column of a
// tuple function that the query does not name: the function's name, the
// first argument's name (when it has one) and the output's suffix, joined
// by '_'.
func TupleColumnName(fn, arg, suffix string) string {
	parts := []string{fn}
	if arg != "" {
		parts = append(parts, arg)
	}
	return strings.Join(append(parts, suffix), "_")
}

// tupleDecl declares a function returning several columns.
type tupleDecl struct {
	name, ref, doc string
	outputs        []Output
	// sigs are the parameter lists of the signatures.
	sigs [][]Param
	// compute returns the outputs of one call, boxed as Tuple.Func
	// documents, or nil for a null result. Its arguments are boxed, nil
	// for nulls and absent optional arguments.
	compute  func(args []any) []any
	examples []Example
}

// registerTuple registers d's function, returning its first output, and
// its Tuple.
func registerTuple(d tupleDecl) {
	first := d.outputs[0].Type
	head := MapBoxed(func(args []any) (any, bool) {
		outs := d.compute(args)
		if outs == nil {
			return nil, false
		}
		return outs[0], outs[0] != nil
	})
	all := MapBoxed(func(args []any) (any, bool) {
		outs := d.compute(args)
		return outs, outs != nil
	})
	f := &Func{Name: d.name, Pure: true, Ref: refSeries + d.ref, Examples: d.examples,
		Doc: d.doc + " Under its own name it returns its first output, " + d.outputs[0].Suffix + "."}
	t := &Func{Name: "$" + d.name, Pure: true, Hidden: true, Ref: f.Ref, Doc: d.doc}
	for _, ps := range d.sigs {
		f.Sigs = append(f.Sigs, &Sig{Params: ps, Result: Returns(first), Eval: head})
		t.Sigs = append(t.Sigs, &Sig{Params: ps, Result: Returns(schema.Dynamic), Eval: all})
	}
	register(f)
	tuples[d.name] = &Tuple{Outputs: d.outputs, Func: t}
}

// seriesOpt returns optional argument i of args, or nil when absent.
func seriesOpt(args []any, i int) any {
	if i < len(args) {
		return args[i]
	}
	return nil
}

// seriesInt returns an integer argument, or def when it is absent or
// null.
func seriesInt(args []any, i int, def int64) int64 {
	switch x := seriesOpt(args, i).(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return def
}

// seriesReal returns a numeric argument, or def when it is absent or null.
func seriesReal(args []any, i int, def float64) float64 {
	if x, ok := seriesNumber(seriesOpt(args, i)); ok {
		return x
	}
	return def
}

// seriesString returns a string argument, or def when it is absent or
// empty.
func seriesString(args []any, i int, def string) string {
	if s, ok := seriesOpt(args, i).(string); ok && s != "" {
		return s
	}
	return def
}

// seriesBool returns a bool argument, or def when it is absent or null.
func seriesBool(args []any, i int, def bool) bool {
	if b, ok := seriesOpt(args, i).(bool); ok {
		return b
	}
	return def
}

// ---- Element-wise functions

// seriesBinary declares an element-wise function of two series, or of a
// series and a number on either side. op computes an element from two
// numbers; the result has the length of the longer series, with null
// where an element is missing on either side.
func seriesBinary(name, doc string, op func(a, b any) any, examples ...Example) {
	k := MapBoxed(func(args []any) (any, bool) {
		a, aArr := args[0].([]any)
		b, bArr := args[1].([]any)
		if !aArr && !bArr {
			return nil, false
		}
		n := max(len(a), len(b))
		out := make([]any, n)
		for i := range out {
			x, y := args[0], args[1]
			if aArr {
				x = nil
				if i < len(a) {
					x = a[i]
				}
			}
			if bArr {
				y = nil
				if i < len(b) {
					y = b[i]
				}
			}
			_, okx := seriesNumber(x)
			_, oky := seriesNumber(y)
			if okx && oky {
				out[i] = op(x, y)
			}
		}
		return out, true
	})
	register(&Func{Name: name, Pure: true, Ref: refSeries + strings.ReplaceAll(name, "_", "-") + "-function", Doc: doc, Examples: examples,
		Sigs: []*Sig{
			sig(schema.Dynamic, k, p("series1", tDynamic), p("series2", tDynamic)),
			sig(schema.Dynamic, k, p("series1", tDynamic), p("series2", Numeric)),
			sig(schema.Dynamic, k, p("series1", Numeric), p("series2", tDynamic)),
		}})
}

// seriesArith returns an element operation computing in integers when
// both elements are integers (and ii is given), else in reals.
func seriesArith(ii func(a, b int64) (int64, bool), ff func(a, b float64) float64) func(a, b any) any {
	return func(a, b any) any {
		x, xi := a.(int64)
		y, yi := b.(int64)
		if xi && yi && ii != nil {
			if r, ok := ii(x, y); ok {
				return r
			}
			return nil
		}
		fa, _ := seriesNumber(a)
		fb, _ := seriesNumber(b)
		return ff(fa, fb)
	}
}

// seriesCompare returns an element comparison: exact for two integers,
// else in reals (where NaN compares false, and unequal).
func seriesCompare(f func(a, b float64) bool, fi func(a, b int64) bool) func(a, b any) any {
	return func(a, b any) any {
		x, xi := a.(int64)
		y, yi := b.(int64)
		if xi && yi {
			return fi(x, y)
		}
		fa, _ := seriesNumber(a)
		fb, _ := seriesNumber(b)
		return f(fa, fb)
	}
}

// seriesUnary declares an element-wise function of one series. fi, when
// set, computes integer elements as integers.
func seriesUnary(name, doc string, fi func(int64) any, ff func(float64) any, examples ...Example) {
	k := Map1(func(v any) (any, bool) {
		arr, ok := v.([]any)
		if !ok {
			return nil, false
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			if n, ok := e.(int64); ok && fi != nil {
				out[i] = fi(n)
			} else if x, ok := seriesNumber(e); ok {
				out[i] = ff(x)
			}
		}
		return out, true
	})
	register(&Func{Name: name, Pure: true, Ref: refSeries + strings.ReplaceAll(name, "_", "-") + "-function", Doc: doc, Examples: examples,
		Sigs: []*Sig{sig(schema.Dynamic, k, p("series", tDynamic))}})
}

// seriesReduce declares a function of one series returning a real.
func seriesReduce(name, doc string, f func(xs []float64) (float64, bool), examples ...Example) {
	register(&Func{Name: name, Pure: true, Ref: refSeries + strings.ReplaceAll(name, "_", "-") + "-function", Doc: doc, Examples: examples,
		Sigs: []*Sig{sig(schema.Real, Map1(func(v any) (float64, bool) {
			xs, ok := seriesOf(v)
			if !ok {
				return 0, false
			}
			return f(xs)
		}), p("series", tDynamic))}})
}

// seriesPair returns the elements of two series (or a series and a
// number) as float64s of the longer length, NaN where either is missing.
func seriesPair(a, b any) ([]float64, []float64, bool) {
	xa, aArr := seriesOf(a)
	xb, bArr := seriesOf(b)
	if !aArr && !bArr {
		return nil, nil, false
	}
	n := max(len(xa), len(xb))
	widen := func(xs []float64, isArr bool, scalar any) []float64 {
		out := make([]float64, n)
		s, sok := seriesNumber(scalar)
		for i := range out {
			switch {
			case isArr && i < len(xs):
				out[i] = xs[i]
			case !isArr && sok:
				out[i] = s
			default:
				out[i] = math.NaN()
			}
		}
		return out
	}
	return widen(xa, aArr, a), widen(xb, bArr, b), true
}

func init() {
	defer inCategory(CatSeriesElementWise)()
	seriesBinary("series_add", "Adds two series element by element (or a number to each element); a missing element gives null.",
		seriesArith(func(a, b int64) (int64, bool) { return a + b, true }, func(a, b float64) float64 { return a + b }),
		Example{`series_add(dynamic([1, 2, 4]), dynamic([4, 2, 1]))`, "[5,4,5]"},
		Example{`series_add(dynamic([1, 2.5, "a"]), 1)`, "[2,3.5,null]"},
		Example{`series_add(dynamic([1, 2, 3]), dynamic([1]))`, "[2,null,null]"})
	seriesBinary("series_subtract", "Subtracts the second series from the first element by element; a missing element gives null.",
		seriesArith(func(a, b int64) (int64, bool) { return a - b, true }, func(a, b float64) float64 { return a - b }),
		Example{`series_subtract(dynamic([1, 2, 4]), dynamic([4, 2, 1]))`, "[-3,0,3]"})
	seriesBinary("series_multiply", "Multiplies two series element by element; a missing element gives null.",
		seriesArith(func(a, b int64) (int64, bool) { return a * b, true }, func(a, b float64) float64 { return a * b }),
		Example{`series_multiply(dynamic([1, 2, 4]), dynamic([4, 2, 1]))`, "[4,4,4]"},
		Example{`series_multiply(10, dynamic([0, 1, -1]))`, "[0,10,-10]"})
	seriesBinary("series_divide", "Divides the first series by the second element by element, always in reals (2/0 is +infinity); a missing element gives null.",
		seriesArith(nil, func(a, b float64) float64 { return a / b }),
		Example{`series_divide(dynamic([1, 2, 4]), dynamic([4, 2, 1]))`, "[0.25,1.0,4.0]"},
		Example{`series_divide(dynamic([2]), 0)`, `["Infinity"]`})
	seriesBinary("series_pow", "Raises the elements of the first series to the powers in the second, in reals; a missing element gives null.",
		seriesArith(nil, math.Pow),
		Example{`series_pow(dynamic([1, 2, 3]), 2)`, "[1.0,4.0,9.0]"})
	cmp := []struct {
		name, op string
		f        func(a, b float64) bool
		fi       func(a, b int64) bool
		ex       Example
	}{
		{"series_greater", ">", func(a, b float64) bool { return a > b }, func(a, b int64) bool { return a > b },
			Example{`series_greater(dynamic([1, 2, 4]), dynamic([4, 2, 1]))`, "[false,false,true]"}},
		{"series_greater_equals", ">=", func(a, b float64) bool { return a >= b }, func(a, b int64) bool { return a >= b },
			Example{`series_greater_equals(dynamic([1, 2, 4]), dynamic([4, 2, 1]))`, "[false,true,true]"}},
		{"series_less", "<", func(a, b float64) bool { return a < b }, func(a, b int64) bool { return a < b },
			Example{`series_less(dynamic([1, 2, 4]), dynamic([4, 2, 1]))`, "[true,false,false]"}},
		{"series_less_equals", "<=", func(a, b float64) bool { return a <= b }, func(a, b int64) bool { return a <= b },
			Example{`series_less_equals(dynamic([1, 2, 4]), dynamic([4, 2, 1]))`, "[true,true,false]"}},
		{"series_equals", "==", func(a, b float64) bool { return a == b }, func(a, b int64) bool { return a == b },
			Example{`series_equals(dynamic([1, 2, 4]), dynamic([4, 2, 1]))`, "[false,true,false]"}},
		{"series_not_equals", "!=", func(a, b float64) bool { return a != b }, func(a, b int64) bool { return a != b },
			Example{`series_not_equals(dynamic([1, 2, 4.5]), dynamic([4, 2, 1]))`, "[true,false,true]"}},
	}
	for _, c := range cmp {
		seriesBinary(c.name, "Compares two series element by element with '"+c.op+"', giving a series of bools; a missing element gives null.",
			seriesCompare(c.f, c.fi), c.ex)
	}

	seriesUnary("series_abs", "Returns the absolute value of each element.",
		func(n int64) any {
			if n < 0 {
				return -n
			}
			return n
		}, func(x float64) any { return math.Abs(x) },
		Example{`series_abs(dynamic([-4, 6.5, null]))`, "[4,6.5,null]"})
	seriesUnary("series_sign", "Returns the sign of each element: -1, 0 or 1.",
		func(n int64) any {
			switch {
			case n < 0:
				return int64(-1)
			case n > 0:
				return int64(1)
			}
			return int64(0)
		}, func(x float64) any {
			switch {
			case x < 0:
				return -1.0
			case x > 0:
				return 1.0
			}
			return x
		},
		Example{`series_sign(dynamic([-3, 0, 2.5]))`, "[-1,0,1.0]"})
	seriesUnary("series_floor", "Rounds each element down to an integer.", nil, func(x float64) any { return math.Floor(x) },
		Example{`series_floor(dynamic([-1.5, 2.7]))`, "[-2.0,2.0]"})
	seriesUnary("series_ceiling", "Rounds each element up to an integer.", nil, func(x float64) any { return math.Ceil(x) },
		Example{`series_ceiling(dynamic([-1.5, 2.2]))`, "[-1.0,3.0]"})
	seriesUnary("series_exp", "Returns e raised to each element.", nil, func(x float64) any { return math.Exp(x) },
		Example{`series_exp(dynamic([0, 1]))`, "[1.0,2.718281828459045]"})
	seriesUnary("series_log", "Returns the natural logarithm of each element; null for a negative element.", nil, func(x float64) any {
		if x < 0 {
			return nil
		}
		return logRounded(x)
	}, Example{`series_log(dynamic([1, -1]))`, "[0.0,null]"})
	trig := []struct {
		name string
		f    func(float64) float64
		ex   Example
	}{
		{"series_sin", math.Sin, Example{`series_sin(dynamic([0]))`, "[0.0]"}},
		{"series_cos", math.Cos, Example{`series_cos(dynamic([0]))`, "[1.0]"}},
		{"series_tan", tanRounded, Example{`series_tan(dynamic([0]))`, "[0.0]"}},
		{"series_asin", math.Asin, Example{`series_asin(dynamic([0, 2]))`, "[0.0,null]"}},
		{"series_acos", math.Acos, Example{`series_acos(dynamic([1, 2]))`, "[0.0,null]"}},
		{"series_atan", math.Atan, Example{`series_atan(dynamic([0]))`, "[0.0]"}},
	}
	for _, t := range trig {
		f := t.f
		seriesUnary(t.name, "Applies "+strings.TrimPrefix(t.name, "series_")+"() to each element; null where it is undefined.", nil,
			func(x float64) any { return seriesBox(f(x)) }, t.ex)
	}

}

// seriesBox boxes a result real, or null for NaN.
func seriesBox(x float64) any {
	if math.IsNaN(x) {
		return nil
	}
	return x
}

// seriesBag builds a property bag from alternating keys and values.
func seriesBag(kv ...any) *value.Bag {
	b := &value.Bag{}
	for i := 0; i+1 < len(kv); i += 2 {
		b.Set(kv[i].(string), kv[i+1])
	}
	return b
}
