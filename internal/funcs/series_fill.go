package funcs

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// Interpolation of missing values, and filters.

// seriesMissing returns a test for missing elements: null by default, or
// elements numerically equal to the placeholder when one is given (a null
// placeholder, double(null) or long(null), means null).
func seriesMissing(placeholder any) func(e any) bool {
	ph, ok := seriesNumber(placeholder)
	if !ok {
		return func(e any) bool { return e == nil }
	}
	return func(e any) bool {
		x, ok := seriesNumber(e)
		return ok && x == ph
	}
}

// seriesFill fills the missing elements of arr from the nearest present
// element on one side, keeping the elements' types; missing elements with
// no present element on that side stay as they are.
func seriesFill(arr []any, missing func(any) bool, backward bool) []any {
	out := append([]any(nil), arr...)
	var last any
	have := false
	for k := range out {
		i := k
		if backward {
			i = len(out) - 1 - k
		}
		if !missing(out[i]) {
			last, have = out[i], true
		} else if have {
			out[i] = last
		}
	}
	return out
}

// seriesFillLinear interpolates the missing elements of arr linearly
// between their present neighbours. Edges take the nearest present value
// when fillEdges is set. A series of integers gets interpolated values
// truncated to integers, as the reference's example shows (73.5 becomes
// 73). A series with no present element becomes constant (kept missing
// when constant is nil).
func seriesFillLinear(arr []any, missing func(any) bool, fillEdges bool, constant any) []any {
	out := append([]any(nil), arr...)
	var present []int
	ints := true
	for i, e := range arr {
		if missing(e) {
			continue
		}
		if _, ok := seriesNumber(e); !ok {
			continue // not a number: neither filled nor used
		}
		present = append(present, i)
		if _, ok := e.(int64); !ok {
			ints = false
		}
	}
	if len(present) == 0 {
		for i, e := range out {
			if missing(e) {
				out[i] = constant
			}
		}
		return out
	}
	box := func(x float64) any {
		if ints {
			return int64(x)
		}
		return x
	}
	for k := 1; k < len(present); k++ {
		a, b := present[k-1], present[k]
		ya, _ := seriesNumber(arr[a])
		yb, _ := seriesNumber(arr[b])
		for i := a + 1; i < b; i++ {
			if missing(out[i]) {
				out[i] = box(ya + (yb-ya)*float64(i-a)/float64(b-a))
			}
		}
	}
	if fillEdges {
		first, last := present[0], present[len(present)-1]
		for i := 0; i < first; i++ {
			if missing(out[i]) {
				out[i] = arr[first]
			}
		}
		for i := last + 1; i < len(out); i++ {
			if missing(out[i]) {
				out[i] = arr[last]
			}
		}
	}
	return out
}

// seriesFIR applies a finite impulse response filter: y[i] = sum over j
// of f[j]*x[i-j], elements before the start counting as 0. With center
// the window is shifted by (len(f)-1)/2 so that it is symmetric around i.
// A missing element makes the outputs whose window holds it null.
func seriesFIR(xs, f []float64, center bool) []float64 {
	shift := 0
	if center {
		shift = (len(f) - 1) / 2
	}
	out := make([]float64, len(xs))
	for i := range xs {
		s := 0.0
		for j, c := range f {
			k := i + shift - j
			if k >= 0 && k < len(xs) {
				s += c * xs[k]
			}
		}
		out[i] = s
	}
	return out
}

// seriesIIR applies an infinite impulse response filter:
// y[i] = (sum b[j]*x[i-j] - sum over j >= 1 of a[j]*y[i-j]) / a[0], values
// before the start counting as 0.
func seriesIIR(xs, b, a []float64) []float64 {
	out := make([]float64, len(xs))
	for i := range xs {
		s := 0.0
		for j, c := range b {
			if i-j >= 0 {
				s += c * xs[i-j]
			}
		}
		for j := 1; j < len(a); j++ {
			if i-j >= 0 {
				s -= a[j] * out[i-j]
			}
		}
		out[i] = s / a[0]
	}
	return out
}

// seriesCoefficients returns a filter's coefficients, ok false when an
// element is not a number.
func seriesCoefficients(v any) ([]float64, bool) {
	xs, ok := seriesOf(v)
	if !ok {
		return nil, false
	}
	for _, x := range xs {
		if math.IsNaN(x) {
			return nil, false
		}
	}
	return xs, true
}

func init() {
	defer inCategory(CatSeriesProcessing)()
	fill := func(backward bool) Kernel {
		return MapBoxed(func(args []any) (any, bool) {
			arr, ok := args[0].([]any)
			if !ok {
				return nil, false
			}
			return seriesFill(arr, seriesMissing(seriesOpt(args, 1)), backward), true
		})
	}
	register(&Func{Name: "series_fill_forward", Pure: true, ResultName: NameFirstArg, Ref: refSeries + "series-fill-forward-function",
		Doc: "Replaces each missing element (null, or equal to missing_value_placeholder) with the nearest present element on its left; " +
			"leading missing elements stay. Elements keep their types.",
		Sigs: []*Sig{{Params: []Param{p("series", tDynamic), opt("missing_value_placeholder", Numeric)}, Result: Returns(schema.Dynamic), Eval: fill(false)}},
		Examples: []Example{{`series_fill_forward(dynamic([null, null, 36, 41, null, null, 16, 61, 33, null, null]))`, "[null,null,36,41,41,41,16,61,33,33,33]"},
			{`series_fill_forward(dynamic([1, -1, 3]), -1)`, "[1,1,3]"}}})
	register(&Func{Name: "series_fill_backward", Pure: true, ResultName: NameFirstArg, Ref: refSeries + "series-fill-backward-function",
		Doc: "Replaces each missing element (null, or equal to missing_value_placeholder) with the nearest present element on its right; " +
			"trailing missing elements stay. Elements keep their types.",
		Sigs:     []*Sig{{Params: []Param{p("series", tDynamic), opt("missing_value_placeholder", Numeric)}, Result: Returns(schema.Dynamic), Eval: fill(true)}},
		Examples: []Example{{`series_fill_backward(dynamic([111, null, 36, 41, null, null, 16, 61, 33, null, null]))`, "[111,36,36,41,16,16,16,61,33,null,null]"}}})
	register(&Func{Name: "series_fill_const", Pure: true, ResultName: NameFirstArg, Ref: refSeries + "series-fill-const-function",
		Doc: "Replaces each missing element (null, or equal to missing_value_placeholder) with constant_value (0 when not given).",
		Sigs: []*Sig{{Params: []Param{p("series", tDynamic), opt("constant_value", Numeric), opt("missing_value_placeholder", Numeric)},
			Result: Returns(schema.Dynamic), Eval: MapBoxed(func(args []any) (any, bool) {
				arr, ok := args[0].([]any)
				if !ok {
					return nil, false
				}
				c := seriesOpt(args, 1)
				if len(args) < 2 {
					c = int64(0)
				}
				missing := seriesMissing(seriesOpt(args, 2))
				out := make([]any, len(arr))
				for i, e := range arr {
					out[i] = e
					if missing(e) {
						out[i] = c
					}
				}
				return out, true
			})}},
		Examples: []Example{{`series_fill_const(dynamic([111, null, 36, 41, 23, null, 16, 61, 33, null, null]), 0.0)`, "[111,0.0,36,41,23,0.0,16,61,33,0.0,0.0]"},
			{`series_fill_const(dynamic([111, null, 36]), -1)`, "[111,-1,36]"}}})
	register(&Func{Name: "series_fill_linear", Pure: true, ResultName: NameFirstArg, Ref: refSeries + "series-fill-linear-function",
		Doc: "Interpolates missing elements (null, or equal to missing_value_placeholder) linearly between their present neighbours; " +
			"with fill_edges (the default) leading and trailing ones take the nearest present element. A series of integers gets " +
			"integer values (interpolation truncated). A series with no present element is filled with constant_value (0 by default; " +
			"an explicit null keeps it null).",
		Sigs: []*Sig{{Params: []Param{p("series", tDynamic), opt("missing_value_placeholder", Numeric), opt("fill_edges", tBool), opt("constant_value", Numeric)},
			Result: Returns(schema.Dynamic), Eval: MapBoxed(func(args []any) (any, bool) {
				arr, ok := args[0].([]any)
				if !ok {
					return nil, false
				}
				constant := seriesOpt(args, 3)
				if len(args) < 4 {
					constant = 0.0
				}
				return seriesFillLinear(arr, seriesMissing(seriesOpt(args, 1)), seriesBool(args, 2, true), constant), true
			})}},
		Examples: []Example{
			{`series_fill_linear(dynamic([null, 111.0, null, 36.0, 41.0, null, null, 16.0, 61.0, 33.0, null, null]))`,
				"[111.0,111.0,73.5,36.0,41.0,32.666666666666664,24.333333333333332,16.0,61.0,33.0,33.0,33.0]"},
			{`series_fill_linear(dynamic([null, 111, null, 36, 41, null, null, 16, 61, 33, null, null]))`, "[111,111,73,36,41,32,24,16,61,33,33,33]"},
			{`series_fill_linear(dynamic([null, 111, null, 36, null]), real(null), false)`, "[null,111,73,36,null]"},
			{`series_fill_linear(dynamic([null, null]), real(null), true, 3.14159)`, "[3.14159,3.14159]"}}})

	register(&Func{Name: "series_fir", Pure: true, ResultName: NameFirstArg, Ref: refSeries + "series-fir-function",
		Doc: "Applies a finite impulse response filter: each output is the sum of the filter coefficients times the current and earlier elements " +
			"(elements before the start count as 0). normalize divides the coefficients by their sum; by default it is true unless a coefficient " +
			"is negative, and an explicit true with a negative coefficient gives null. center shifts the window by (length-1)/2 so that it is " +
			"symmetric around each element. A missing element makes the outputs that use it null.",
		Sigs: []*Sig{{Params: []Param{p("series", tDynamic), p("filter", tDynamic), opt("normalize", tBool), opt("center", tBool)},
			Result: Returns(schema.Dynamic), Eval: MapBoxed(func(args []any) (any, bool) {
				xs, ok := seriesOf(args[0])
				f, okF := seriesCoefficients(args[1])
				if !ok || !okF || len(f) == 0 {
					return nil, false
				}
				negative := false
				sum := 0.0
				for _, c := range f {
					negative = negative || c < 0
					sum += c
				}
				normalize := seriesBool(args, 2, !negative)
				if normalize {
					if negative || sum == 0 {
						return nil, false
					}
					g := make([]float64, len(f))
					for i, c := range f {
						g[i] = c / sum
					}
					f = g
				}
				return realArray(seriesFIR(xs, f, seriesBool(args, 3, false)), true), true
			})}},
		Examples: []Example{{`series_fir(dynamic([0, 0, 10, 20, 40, 100, 40, 20, 10, 0, 0]), dynamic([1, 1, 1, 1, 1]))`, "[0.0,0.0,2.0,6.0,14.0,34.0,42.0,44.0,42.0,34.0,14.0]"},
			{`series_fir(dynamic([0, 0, 10, 20, 40, 100, 40, 20, 10, 0, 0]), dynamic([1, 1, 1, 1, 1]), true, true)`, "[2.0,6.0,14.0,34.0,42.0,44.0,42.0,34.0,14.0,6.0,2.0]"},
			{`series_fir(dynamic([0, 0, 2, 2, 3, 3]), dynamic([1, -1]), false, false)`, "[0.0,0.0,2.0,0.0,1.0,0.0]"}}})
	register(&Func{Name: "series_iir", Pure: true, ResultName: NameFirstArg, Ref: refSeries + "series-iir-function",
		Doc: "Applies an infinite impulse response filter with numerator coefficients b and denominator coefficients a: " +
			"y[i] = (b[0]x[i] + b[1]x[i-1] + ... - a[1]y[i-1] - a[2]y[i-2] - ...) / a[0], values before the start counting as 0. " +
			"a[0] must not be 0 (the result is null). A missing element makes the outputs from it on null.",
		Sigs: []*Sig{{Params: []Param{p("series", tDynamic), p("numerators", tDynamic), p("denominators", tDynamic)},
			Result: Returns(schema.Dynamic), Eval: MapBoxed(func(args []any) (any, bool) {
				xs, ok := seriesOf(args[0])
				b, okB := seriesCoefficients(args[1])
				a, okA := seriesCoefficients(args[2])
				if !ok || !okB || !okA || len(a) == 0 || a[0] == 0 {
					return nil, false
				}
				return realArray(seriesIIR(xs, b, a), true), true
			})}},
		Examples: []Example{{`series_iir(dynamic([1.0, 2.0, 3.0, 4.0]), dynamic([1]), dynamic([1, -1]))`, "[1.0,3.0,6.0,10.0]"},
			{`todouble(series_iir(dynamic([0, 1, 2, 3, 4]), dynamic([1]), dynamic([1, -1]))[4])`, "10"}}})
}
