package funcs

import (
	"math"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// seriesCall runs a function of constant arguments (int64, float64, string,
// bool or dynamic values) and returns its value.
func seriesCall(t *testing.T, f *Func, args ...any) any {
	t.Helper()
	cols := make([]*value.Column, len(args))
	types := make([]schema.Type, len(args))
	for i, a := range args {
		types[i] = schema.Dynamic
		switch a.(type) {
		case int64:
			types[i] = schema.Long
		case float64:
			types[i] = schema.Real
		case string:
			types[i] = schema.String
		case bool:
			types[i] = schema.Bool
		}
		cols[i] = value.ConstColumn(types[i], a)
	}
	res, err := f.Resolve(types)
	if err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	out := value.NewColumn(res.Result, 1)
	if err := Eval(&Context{}, f, res.Sig.Eval, cols, 1, out); err != nil {
		t.Fatal(err)
	}
	return out.Get(0)
}

// seriesTuple runs the all-outputs function of tuple function name.
func seriesTuple(t *testing.T, name string, args ...any) []any {
	t.Helper()
	tp := LookupTuple(name)
	if tp == nil {
		t.Fatalf("%s is not a tuple function", name)
	}
	v := seriesCall(t, tp.Func, args...)
	outs, ok := v.([]any)
	if !ok || len(outs) != len(tp.Outputs) {
		t.Fatalf("%s returned %v, want %d outputs", name, v, len(tp.Outputs))
	}
	return outs
}

func seriesArr(xs ...any) []any {
	for i, x := range xs {
		if n, ok := x.(int); ok {
			xs[i] = int64(n)
		}
	}
	return xs
}

func seriesNear(t *testing.T, what string, got any, want float64, tol float64) {
	t.Helper()
	g, ok := got.(float64)
	if !ok {
		if n, isInt := got.(int64); isInt {
			g, ok = float64(n), true
		}
	}
	if !ok || math.Abs(g-want) > tol {
		t.Errorf("%s = %v, want %v (±%v)", what, got, want, tol)
	}
}

// https://learn.microsoft.com/kusto/query/series-stats-function
func TestSeriesStatsDocExample(t *testing.T) {
	x := seriesArr(23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29)
	outs := seriesTuple(t, "series_stats", x)
	want := []float64{2, 8, 87, 3, 32.8, 28.5036338535483, 812.457142857143}
	for i, o := range LookupTuple("series_stats").Outputs {
		seriesNear(t, o.Suffix, outs[i], want[i], 1e-9)
	}
	if _, ok := outs[1].(int64); !ok {
		t.Errorf("min_idx is %T, want int64", outs[1])
	}
	if got := seriesTuple(t, "series_stats", seriesArr(1, nil)); got[0] != nil || got[4] != nil {
		t.Errorf("series_stats with a null = %v, want nulls", got)
	}
	got := seriesTuple(t, "series_stats", seriesArr(3, nil, 1), true)
	seriesNear(t, "min ignoring nulls", got[0], 1, 0)
	seriesNear(t, "min_idx ignoring nulls", got[1], 2, 0)
}

// https://learn.microsoft.com/kusto/query/series-fit-line-function
// The reference prints its values truncated to three decimals.
func TestSeriesFitLineDocExample(t *testing.T) {
	y := seriesArr(2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30)
	outs := seriesTuple(t, "series_fit_line", y)
	for i, want := range []float64{0.982, 2.730, 98.628, 1.686, -1.666} {
		seriesNear(t, LookupTuple("series_fit_line").Outputs[i].Suffix, outs[i], want, 0.001)
	}
	fit := outs[5].([]any)
	wantFit := []float64{1.064, 3.7945, 6.526, 9.256, 11.987, 14.718, 17.449, 20.180, 22.910, 25.641, 28.371, 31.102}
	for i, w := range wantFit {
		seriesNear(t, "line_fit", fit[i], w, 0.001)
	}
}

func TestSeriesFit2Lines(t *testing.T) {
	outs := seriesTuple(t, "series_fit_2lines", seriesArr(1, 2, 3, 4, 10, 8, 6, 4, 2))
	seriesNear(t, "rsquare", outs[0], 1, 1e-9)
	seriesNear(t, "split_idx", outs[1], 4, 0)
	seriesNear(t, "right_slope", outs[6], -2, 1e-9)
	seriesNear(t, "right_interception", outs[7], 12, 1e-9)
	seriesNear(t, "left_slope", outs[11], 1, 1e-9)
	seriesNear(t, "left_interception", outs[12], 0, 1e-9)
	fit := outs[4].([]any)
	for i, w := range []float64{1, 2, 3, 4, 10, 8, 6, 4, 2} {
		seriesNear(t, "line_fit", fit[i], w, 1e-9)
	}
	if v := seriesCall(t, Lookup("series_fit_2lines"), seriesArr(1, 2, 3)); v != nil {
		t.Errorf("series_fit_2lines of 3 elements = %v, want null", v)
	}
}

// https://learn.microsoft.com/kusto/query/series-periods-detect-function
func TestSeriesPeriodsDetectDocExample(t *testing.T) {
	y := seriesArr(80, 139, 87, 110, 68, 54, 50, 51, 53, 133, 86, 141, 97, 156, 94, 149, 95, 140, 77, 61, 50, 54, 47, 133, 72, 152, 94,
		148, 105, 162, 101, 160, 87, 63, 53, 55, 54, 151, 103, 189, 108, 183, 113, 175, 113, 178, 90, 71, 62, 62, 65, 165, 109, 181, 115,
		182, 121, 178, 114, 170)
	outs := seriesTuple(t, "series_periods_detect", y, 0.0, 50.0, int64(2))
	periods, scores := outs[0].([]any), outs[1].([]any)
	if len(periods) != 2 || periods[0] != 14.0 || periods[1] != 0.0 || scores[1] != 0.0 {
		t.Errorf("periods = %v, scores = %v; want [14, 0] with the second score 0", periods, scores)
	}
	if s := scores[0].(float64); s < 0.6 || s > 1 {
		t.Errorf("score of period 14 = %v, want a strong score (the reference shows 0.84)", s)
	}
}

// https://learn.microsoft.com/kusto/query/series-seasonal-function
func TestSeriesSeasonalDocExamples(t *testing.T) {
	cases := []struct {
		args []any
		want []float64
	}{
		{[]any{seriesArr(2, 5, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1)},
			[]float64{1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1}},
		{[]any{seriesArr(8, 12, 14, 12, 10, 10, 12, 14, 12, 10, 10, 12, 14, 12, 10, 10, 12, 14, 12, 10)},
			[]float64{10, 12, 14, 12, 10, 10, 12, 14, 12, 10, 10, 12, 14, 12, 10, 10, 12, 14, 12, 10}},
		{[]any{seriesArr(1, 3, 5, 2, 4, 6, 1, 3, 5, 2, 4, 6)}, []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{[]any{seriesArr(1, 3, 5, 1, 3, 5, 2, 4, 6), int64(3)}, []float64{1, 3, 5, 1, 3, 5, 1, 3, 5}},
		{[]any{seriesArr(1, 3, 5, 2, 4, 6, 1, 3, 5, 2, 4, 6), int64(3)}, []float64{1.5, 3.5, 5.5, 1.5, 3.5, 5.5, 1.5, 3.5, 5.5, 1.5, 3.5, 5.5}},
	}
	for _, c := range cases {
		got := seriesCall(t, Lookup("series_seasonal"), c.args...).([]any)
		if len(got) != len(c.want) {
			t.Fatalf("series_seasonal%v = %v", c.args, got)
		}
		for i, w := range c.want {
			seriesNear(t, "series_seasonal", got[i], w, 1e-9)
		}
	}
}

// https://learn.microsoft.com/kusto/query/series-outliers-function
func TestSeriesOutliers(t *testing.T) {
	// Tukey: quartiles 30 and 90 (nearest rank), IQR 60.
	got := seriesCall(t, Lookup("series_outliers"), seriesArr(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200), "tukey").([]any)
	seriesNear(t, "score of 200", got[10], (200.0-90)/60, 1e-9)
	seriesNear(t, "score of 10", got[0], (10.0-30)/60, 1e-9)
	seriesNear(t, "score of 40", got[3], 0, 0)
	// ctukey: the 10th-90th range is rescaled to a normal interquartile
	// range: 10 to 100 spans 90, which stands for 90*1.349/2.563.
	got = seriesCall(t, Lookup("series_outliers"), seriesArr(10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200, -100)).([]any)
	sorted := []float64{-100, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200}
	lo, hi := seriesRank(sorted, 10), seriesRank(sorted, 90)
	iqr := (hi - lo) * (seriesNormalQuantile(0.75) - seriesNormalQuantile(0.25)) / (seriesNormalQuantile(0.9) - seriesNormalQuantile(0.1))
	seriesNear(t, "iqr scale", iqr, (hi-lo)*0.5263, 0.001*(hi-lo))
	seriesNear(t, "score of 200", got[10], (200-hi)/iqr, 1e-9)
	seriesNear(t, "score of -100", got[11], (-100-lo)/iqr, 1e-9)
	// Nulls and ignored values score 0.
	got = seriesCall(t, Lookup("series_outliers"), seriesArr(1, nil, 1, 1, 50), "ctukey", int64(50)).([]any)
	seriesNear(t, "null", got[1], 0, 0)
	seriesNear(t, "ignored", got[4], 0, 0)
	if v := seriesCall(t, Lookup("series_outliers"), seriesArr(1, 2), "ctukey", 0.0, 1.0, 90.0); v != nil {
		t.Errorf("min_percentile 1 = %v, want null", v)
	}
}

func TestSeriesDecompose(t *testing.T) {
	// A period-4 pattern on a rising line, with one spike.
	var xs []any
	for i := 0; i < 40; i++ {
		v := []float64{0, 5, 10, 5}[i%4] + 0.5*float64(i)
		if i == 30 {
			v += 40
		}
		xs = append(xs, v)
	}
	outs := seriesTuple(t, "series_decompose", xs, int64(4), "linefit")
	baseline, seasonal, trend, residual := outs[0].([]any), outs[1].([]any), outs[2].([]any), outs[3].([]any)
	for i := range xs {
		b, s, tr, r := baseline[i].(float64), seasonal[i].(float64), trend[i].(float64), residual[i].(float64)
		seriesNear(t, "baseline = seasonal + trend", b, s+tr, 1e-9)
		seriesNear(t, "residual = x - baseline", r, xs[i].(float64)-b, 1e-9)
	}
	an := seriesTuple(t, "series_decompose_anomalies", xs, 1.5, int64(4), "linefit")
	flags := an[0].([]any)
	for i, f := range flags {
		want := int64(0)
		if i == 30 {
			want = 1
		}
		if f != want {
			t.Errorf("ad_flag[%d] = %v, want %d (flags %v, scores %v)", i, f, want, flags, an[1])
			break
		}
	}
	// Autodetected period.
	an = seriesTuple(t, "series_decompose_anomalies", xs)
	if an[0].([]any)[30] != int64(1) {
		t.Errorf("autodetect: ad_flag = %v", an[0])
	}
	if v := seriesCall(t, Lookup("series_decompose"), xs, int64(4), "nope"); v != nil {
		t.Errorf("unknown trend = %v, want null", v)
	}
}

// https://learn.microsoft.com/kusto/query/series-fill-linear-function
func TestSeriesFillDocExamples(t *testing.T) {
	arr := seriesArr(nil, 111.0, nil, 36.0, 41.0, nil, nil, 16.0, 61.0, 33.0, nil, nil)
	got := seriesCall(t, Lookup("series_fill_linear"), arr).([]any)
	for i, w := range []float64{111, 111, 73.5, 36, 41, 32.667, 24.333, 16, 61, 33, 33, 33} {
		seriesNear(t, "fill_linear", got[i], w, 0.001)
	}
	ints := seriesArr(nil, 111, nil, 36, 41, nil, nil, 16, 61, 33, nil, nil)
	got = seriesCall(t, Lookup("series_fill_linear"), ints).([]any)
	for i, w := range []int64{111, 111, 73, 36, 41, 32, 24, 16, 61, 33, 33, 33} {
		if got[i] != w {
			t.Errorf("fill_linear of ints[%d] = %v (%T), want %d", i, got[i], got[i], w)
		}
	}
	got = seriesCall(t, Lookup("series_fill_linear"), seriesArr(nil, nil, nil, nil)).([]any)
	for _, g := range got {
		seriesNear(t, "all nulls", g, 0, 0)
	}
	got = seriesCall(t, Lookup("series_fill_forward"), seriesArr(nil, nil, 36, 41, nil, nil, 16, 61, 33, nil, nil)).([]any)
	if want := seriesArr(nil, nil, 36, 41, 41, 41, 16, 61, 33, 33, 33); string(value.AppendJSON(nil, got)) != string(value.AppendJSON(nil, want)) {
		t.Errorf("fill_forward = %v, want %v", got, want)
	}
}

// https://learn.microsoft.com/kusto/query/series-iir-function
func TestSeriesFilters(t *testing.T) {
	got := seriesCall(t, Lookup("series_iir"), seriesArr(1.0, 2.0, 3.0, 4.0), seriesArr(1), seriesArr(1, -1)).([]any)
	for i, w := range []float64{1, 3, 6, 10} {
		seriesNear(t, "cumulative sum", got[i], w, 0)
	}
	if v := seriesCall(t, Lookup("series_iir"), seriesArr(1), seriesArr(1), seriesArr(0)); v != nil {
		t.Errorf("a[0] = 0 gives %v, want null", v)
	}
	if v := seriesCall(t, Lookup("series_fir"), seriesArr(1, 2), seriesArr(1, -1), true); v != nil {
		t.Errorf("normalize with a negative coefficient gives %v, want null", v)
	}
}

func TestSeriesDFT(t *testing.T) {
	for _, n := range []int{1, 2, 7, 8, 12, 60} {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = math.Sin(float64(i)*0.7) + float64(i%3)
		}
		got := seriesDFT(xs)
		for k := 0; k < n; k++ {
			var want complex128
			for j, x := range xs {
				ang := -2 * math.Pi * float64(j*k) / float64(n)
				want += complex(x*math.Cos(ang), x*math.Sin(ang))
			}
			if d := got[k] - want; math.Hypot(real(d), imag(d)) > 1e-9*float64(n) {
				t.Errorf("n=%d: DFT[%d] = %v, want %v", n, k, got[k], want)
			}
		}
	}
}

// Every tuple function's declared signatures match its tuple's, and the
// first output's type is what the function returns.
func TestTuplesDeclared(t *testing.T) {
	for name, tp := range tuples {
		f := Lookup(name)
		if f == nil {
			t.Errorf("tuple %s is not registered", name)
			continue
		}
		if len(f.Sigs) != len(tp.Func.Sigs) {
			t.Errorf("%s: %d signatures, its tuple %d", name, len(f.Sigs), len(tp.Func.Sigs))
		}
		for _, s := range f.Sigs {
			if got := s.Result(nil); got != tp.Outputs[0].Type {
				t.Errorf("%s returns %s, its first output is %s", name, got, tp.Outputs[0].Type)
			}
		}
		if got := TupleColumnName(name, "x", tp.Outputs[0].Suffix); got != name+"_x_"+tp.Outputs[0].Suffix {
			t.Errorf("TupleColumnName = %q", got)
		}
	}
	if TupleColumnName("series_stats", "", "min") != "series_stats_min" {
		t.Error("TupleColumnName without an argument name")
	}
}

// Every series function survives odd inputs: empty, null, short and
// non-numeric series, and extreme parameters.
func TestSeriesOddInputs(t *testing.T) {
	arrays := []any{seriesArr(), seriesArr(nil), seriesArr(1), seriesArr(1, 2, 3), seriesArr("a", true, nil, 2.5),
		seriesArr(0, 0, 0, 0, 0, 0, 0, 0, 0, 5), seriesArr(math.Inf(1), 1, 2, 3, 4, 5, 6, 7, 8), "not an array"}
	values := func(ts TypeSet) []any {
		switch {
		case ts.Has(schema.Dynamic):
			return arrays
		case ts.Has(schema.String):
			return []any{"", "avg", "linefit", "none", "tukey", "ctukey", "x"}
		case ts.Has(schema.Bool):
			return []any{true, false}
		case ts.Has(schema.Real):
			return []any{-1.0, 0.0, 2.5, 200.0}
		}
		return []any{int64(-1), int64(0), int64(3), int64(100)}
	}
	var fns []*Func
	for _, f := range All() {
		if strings.HasPrefix(f.Name, "series_") {
			fns = append(fns, f)
		}
	}
	for _, tp := range tuples {
		fns = append(fns, tp.Func)
	}
	calls := 0
	defer func() { t.Logf("%d calls", calls) }()
	for _, f := range fns {
		for _, s := range f.Sigs {
			lo, hi := s.arity()
			for n := lo; n <= hi; n++ {
				// Vary one argument at a time around the first choices.
				base := make([]any, n)
				for i := range base {
					base[i] = values(s.param(i).Types)[0]
				}
				for i := 0; i < n; i++ {
					for _, v := range values(s.param(i).Types) {
						args := append([]any(nil), base...)
						args[i] = v
						cols := make([]*value.Column, n)
						for j, a := range args {
							typ := schema.Dynamic
							switch a.(type) {
							case int64:
								typ = schema.Long
							case float64:
								typ = schema.Real
							case string:
								typ = schema.String
								if s.param(j).Types.Has(schema.Dynamic) {
									typ = schema.Dynamic
								}
							case bool:
								typ = schema.Bool
							}
							cols[j] = value.ConstColumn(typ, a)
						}
						calls++
						out := value.NewColumn(s.Result(nil), 1)
						if err := Eval(&Context{}, f, s.Eval, cols, 1, out); err != nil {
							t.Errorf("%s%v: %v", f.Name, args, err)
						}
					}
				}
			}
		}
	}
}
