package funcs

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// Statistics and line fitting over series.

// seriesSummary holds the statistics of series_stats.
type seriesSummary struct {
	min, max, sum, avg, variance float64
	minIdx, maxIdx, n            int
	// null is set when the statistics are null: a non-finite element
	// that is not ignored, or no element.
	null bool
}

// summarizeSeries computes the statistics of xs. Missing (NaN) and infinite
// elements make them null unless ignore is set, in which case they are
// skipped; indexes are positions in xs. The variance is the sample
// variance (0 for one element).
func summarizeSeries(xs []float64, ignore bool) seriesSummary {
	s := seriesSummary{minIdx: -1, maxIdx: -1}
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			if !ignore {
				return seriesSummary{null: true, minIdx: -1, maxIdx: -1, n: len(xs)}
			}
			continue
		}
		if s.n == 0 || x < s.min {
			s.min, s.minIdx = x, i
		}
		if s.n == 0 || x > s.max {
			s.max, s.maxIdx = x, i
		}
		s.sum += x
		s.n++
	}
	if s.n == 0 {
		s.null = true
		return s
	}
	s.avg = s.sum / float64(s.n)
	if s.n > 1 {
		// (Σx² − avg·Σx) / (n − 1): this single-pass form gives the
		// documented digits of the series_stats() example (812.45714285714291),
		// which the two-pass Σ(x − avg)² / (n − 1) misses by an ulp.
		// https://learn.microsoft.com/kusto/query/series-stats-function
		sq := 0.0
		for _, x := range xs {
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				sq += x * x
			}
		}
		s.variance = max((sq-s.avg*s.sum)/float64(s.n-1), 0) // rounding may dip below 0 for a constant series
	}
	return s
}

// lineFit is a least-squares line y = slope*x + interception over x = 1,
// 2, ..., n, as series_fit_line computes it.
type lineFit struct {
	rsquare, slope, interception, variance, rvariance float64
	// ssRes and ssTot are the residual and total sums of squares.
	ssRes, ssTot float64
	n            int
}

// lineSums accumulates what a least-squares line needs over points (x, y).
// The caller centers x and y on constants to keep the sums small.
type lineSums struct {
	n                     float64
	sx, sy, sxx, sxy, syy float64
}

func (s *lineSums) add(x, y float64) {
	s.n++
	s.sx += x
	s.sy += y
	s.sxx += x * x
	s.sxy += x * y
	s.syy += y * y
}

func (s lineSums) minus(o lineSums) lineSums {
	return lineSums{s.n - o.n, s.sx - o.sx, s.sy - o.sy, s.sxx - o.sxx, s.sxy - o.sxy, s.syy - o.syy}
}

// residual returns the residual sum of squares of the least-squares
// line through the points of s (0 for fewer than three points).
func (s lineSums) residual() float64 {
	if s.n < 3 {
		return 0
	}
	sxx := s.sxx - s.sx*s.sx/s.n
	sxy := s.sxy - s.sx*s.sy/s.n
	syy := s.syy - s.sy*s.sy/s.n
	if sxx <= 0 {
		return max(syy, 0)
	}
	return max(syy-sxy*sxy/sxx, 0)
}

// fitSeriesLine fits a line to the present elements of ys over x = 1..n,
// in two passes over centered values for precision.
func fitSeriesLine(ys []float64) lineFit {
	var n, mx, my float64
	for i, y := range ys {
		if !math.IsNaN(y) {
			n++
			mx += float64(i + 1)
			my += y
		}
	}
	if n == 0 {
		return lineFit{}
	}
	mx /= n
	my /= n
	var sxx, sxy, syy float64
	for i, y := range ys {
		if !math.IsNaN(y) {
			dx, dy := float64(i+1)-mx, y-my
			sxx += dx * dx
			sxy += dx * dy
			syy += dy * dy
		}
	}
	f := lineFit{n: int(n), ssTot: syy, rsquare: 1}
	if sxx > 0 {
		f.slope = sxy / sxx
	}
	f.interception = my - f.slope*mx
	for i, y := range ys {
		if !math.IsNaN(y) {
			r := y - (f.slope*float64(i+1) + f.interception)
			f.ssRes += r * r
		}
	}
	if syy > 0 {
		f.rsquare = 1 - f.ssRes/syy
	}
	if n > 1 {
		f.variance = syy / (n - 1)
		f.rvariance = f.ssRes / (n - 1)
	}
	return f
}

// seriesMean returns the mean of the present elements (0 when none).
func seriesMean(xs []float64) float64 {
	s, n := 0.0, 0
	for _, x := range xs {
		if !math.IsNaN(x) {
			s += x
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// lineValues returns slope*x + interception for x = 1..n.
func lineValues(n int, slope, interception float64) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = slope*float64(i+1) + interception
	}
	return out
}

// twoLines is the best two-segment fit of series_fit_2lines.
type twoLines struct {
	split       int
	left, right lineFit
	rsquare     float64
	variance    float64
	rvariance   float64
	lineFit     []any
}

// fitTwoLines tries every split of ys into a left part [0, split) and a
// right part [split, n) of at least two elements each, fits a line to
// each part as series_fit_line does (x counts from 1 in each part), and
// keeps the split with the least total residual, which maximizes the
// total r-square 1 - (left residual + right residual) / total sum of
// squares. Missing elements are skipped in the fits. ok is false for
// fewer than four elements.
func fitTwoLines(ys []float64) (twoLines, bool) {
	n := len(ys)
	if n < 4 {
		return twoLines{}, false
	}
	shift, mid := seriesMean(ys), float64(n+1)/2
	// prefix[i] holds the sums of the points before i.
	prefix := make([]lineSums, n+1)
	for i, y := range ys {
		prefix[i+1] = prefix[i]
		if !math.IsNaN(y) {
			prefix[i+1].add(float64(i+1)-mid, y-shift)
		}
	}
	whole := fitSeriesLine(ys)
	best, bestRes := -1, 0.0
	for s := 2; s <= n-2; s++ {
		res := prefix[s].residual() + prefix[n].minus(prefix[s]).residual()
		if best < 0 || res < bestRes {
			best, bestRes = s, res
		}
	}
	// The sums choose the split; the lines are fitted again in two
	// passes, each part on its own x = 1, 2, ...
	bestL, bestR := fitSeriesLine(ys[:best]), fitSeriesLine(ys[best:])
	t := twoLines{split: best, left: bestL, right: bestR, variance: whole.variance, rsquare: 1}
	ssRes := bestL.ssRes + bestR.ssRes
	if whole.ssTot > 0 {
		t.rsquare = 1 - ssRes/whole.ssTot
	}
	if whole.n > 1 {
		t.rvariance = ssRes / float64(whole.n-1)
	}
	t.lineFit = make([]any, n)
	for i := range t.lineFit {
		if i < best {
			t.lineFit[i] = bestL.slope*float64(i+1) + bestL.interception
		} else {
			t.lineFit[i] = bestR.slope*float64(i-best+1) + bestR.interception
		}
	}
	return t, true
}

func init() {
	defer inCategory(CatSeriesProcessing)()
	statsOutputs := []Output{{"min", schema.Real}, {"min_idx", schema.Long}, {"max", schema.Real}, {"max_idx", schema.Long},
		{"avg", schema.Real}, {"stdev", schema.Real}, {"variance", schema.Real}}
	statsParams := []Param{p("series", tDynamic), {Name: "ignore_nonfinite", Types: tBool, Optional: true, Const: true}}
	stats := func(args []any) (seriesSummary, bool) {
		xs, ok := seriesOf(args[0])
		if !ok {
			return seriesSummary{}, false
		}
		return summarizeSeries(xs, seriesBool(args, 1, false)), true
	}
	registerTuple(tupleDecl{name: "series_stats", ref: "series-stats-function", outputs: statsOutputs,
		sigs: [][]Param{statsParams},
		doc: "Returns the statistics of a series: min, min_idx, max, max_idx, avg, stdev and variance (the sample variance). " +
			"Unless ignore_nonfinite is true, a null, NaN or infinite element makes them null.",
		compute: func(args []any) []any {
			s, ok := stats(args)
			if !ok {
				return nil
			}
			if s.null {
				return make([]any, len(statsOutputs))
			}
			return []any{s.min, int64(s.minIdx), s.max, int64(s.maxIdx), s.avg, math.Sqrt(s.variance), s.variance}
		},
		examples: []Example{{`series_stats(dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]))`, "2"},
			{`isnull(series_stats(dynamic([1, null])))`, "true"}, {`series_stats(dynamic([3, null, 1]), true)`, "1"}}})
	register(&Func{Name: "series_stats_dynamic", Pure: true, Ref: refSeries + "series-stats-dynamic-function",
		Doc: "Returns the statistics of a series as a property bag: min, min_idx, max, max_idx, avg, stdev, variance (the sample variance), sum and len. " +
			"Unless ignore_nonfinite is true, a null, NaN or infinite element makes the statistics null; with it, len counts the elements used.",
		Sigs: []*Sig{{Params: statsParams, Result: Returns(schema.Dynamic), Eval: MapBoxed(func(args []any) (any, bool) {
			s, ok := stats(args)
			if !ok {
				return nil, false
			}
			if s.null {
				var sum any
				if s.n == 0 {
					sum = 0.0
				}
				return seriesBag("min", nil, "min_idx", nil, "max", nil, "max_idx", nil, "avg", nil, "stdev", nil,
					"variance", nil, "sum", sum, "len", int64(s.n)), true
			}
			return seriesBag("min", s.min, "min_idx", int64(s.minIdx), "max", s.max, "max_idx", int64(s.maxIdx), "avg", s.avg,
				"stdev", math.Sqrt(s.variance), "variance", s.variance, "sum", s.sum, "len", int64(s.n)), true
		})}},
		Examples: []Example{
			{`series_stats_dynamic(dynamic([1, 2, 3, 4]))`,
				`{"min":1.0,"min_idx":0,"max":4.0,"max_idx":3,"avg":2.5,"stdev":1.2909944487358056,"variance":1.6666666666666667,"sum":10.0,"len":4}`},
			{`series_stats_dynamic(dynamic([1, 3])).avg`, "2"}}})

	fitOutputs := []Output{{"rsquare", schema.Real}, {"slope", schema.Real}, {"variance", schema.Real}, {"rvariance", schema.Real},
		{"interception", schema.Real}, {"line_fit", schema.Dynamic}}
	fitDoc := "Fits a line y = slope*x + interception to a series by least squares, x counting 1, 2, ... along the series: " +
		"rsquare (1 for a perfect fit, and for a flat series), slope, variance (the sample variance of the series), " +
		"rvariance (the residual sum of squares over n-1), interception and line_fit (the line's values). Missing elements are left out of the fit."
	fit := func(v any) (lineFit, int, bool) {
		ys, ok := seriesOf(v)
		if !ok {
			return lineFit{}, 0, false
		}
		f := fitSeriesLine(ys)
		return f, len(ys), f.n > 0
	}
	registerTuple(tupleDecl{name: "series_fit_line", ref: "series-fit-line-function", outputs: fitOutputs,
		sigs: [][]Param{{p("series", tDynamic)}}, doc: fitDoc,
		compute: func(args []any) []any {
			f, n, ok := fit(args[0])
			if !ok {
				return nil
			}
			return []any{f.rsquare, f.slope, f.variance, f.rvariance, f.interception, lineValues(n, f.slope, f.interception)}
		},
		examples: []Example{{`round(series_fit_line(dynamic([2, 5, 6, 8, 11, 15, 17, 18, 25, 26, 30, 30])), 3)`, "0.983"}}})
	register(&Func{Name: "series_fit_line_dynamic", Pure: true, Ref: refSeries + "series-fit-line-dynamic-function",
		Doc: fitDoc + " The result is a property bag with those keys.",
		Sigs: []*Sig{sig(schema.Dynamic, Map1(func(v any) (any, bool) {
			f, n, ok := fit(v)
			if !ok {
				return nil, false
			}
			return seriesBag("rsquare", f.rsquare, "slope", f.slope, "variance", f.variance, "rvariance", f.rvariance,
				"interception", f.interception, "line_fit", lineValues(n, f.slope, f.interception)), true
		}), p("series", tDynamic))},
		Examples: []Example{{`series_fit_line_dynamic(dynamic([1, 2, 3])).slope`, "1"},
			{`series_fit_line_dynamic(dynamic([1, 2, 3])).line_fit`, "[1.0,2.0,3.0]"}}})

	twoOutputs := []Output{{"rsquare", schema.Real}, {"split_idx", schema.Long}, {"variance", schema.Real}, {"rvariance", schema.Real},
		{"line_fit", schema.Dynamic},
		{"right_rsquare", schema.Real}, {"right_slope", schema.Real}, {"right_interception", schema.Real}, {"right_variance", schema.Real}, {"right_rvariance", schema.Real},
		{"left_rsquare", schema.Real}, {"left_slope", schema.Real}, {"left_interception", schema.Real}, {"left_variance", schema.Real}, {"left_rvariance", schema.Real}}
	twoDoc := "Fits two lines to a series: it tries every split into a left part [0, split_idx) and a right part [split_idx, n), " +
		"each of at least two elements, fits a line to each part as series_fit_line does (x counting from 1 in each part), " +
		"and keeps the split with the greatest total r-square. It returns rsquare, split_idx, variance, rvariance, line_fit and " +
		"the rsquare, slope, interception, variance and rvariance of the right and left lines; null for fewer than four elements."
	two := func(v any) (twoLines, bool) {
		ys, ok := seriesOf(v)
		if !ok {
			return twoLines{}, false
		}
		return fitTwoLines(ys)
	}
	registerTuple(tupleDecl{name: "series_fit_2lines", ref: "series-fit-2lines-function", outputs: twoOutputs,
		sigs: [][]Param{{p("array", tDynamic)}}, doc: twoDoc,
		compute: func(args []any) []any {
			t, ok := two(args[0])
			if !ok {
				return nil
			}
			return []any{t.rsquare, int64(t.split), t.variance, t.rvariance, t.lineFit,
				t.right.rsquare, t.right.slope, t.right.interception, t.right.variance, t.right.rvariance,
				t.left.rsquare, t.left.slope, t.left.interception, t.left.variance, t.left.rvariance}
		},
		examples: []Example{{`series_fit_2lines(dynamic([1, 2, 3, 4, 4, 3, 2, 1]))`, "1"}}})
	register(&Func{Name: "series_fit_2lines_dynamic", Pure: true, Ref: refSeries + "series-fit-2lines-dynamic-function",
		Doc: twoDoc + " The result is a property bag with those keys; the right and left lines are bags under right and left.",
		Sigs: []*Sig{sig(schema.Dynamic, Map1(func(v any) (any, bool) {
			t, ok := two(v)
			if !ok {
				return nil, false
			}
			side := func(f lineFit) any {
				return seriesBag("rsquare", f.rsquare, "slope", f.slope, "interception", f.interception, "variance", f.variance, "rvariance", f.rvariance)
			}
			return seriesBag("rsquare", t.rsquare, "split_idx", int64(t.split), "variance", t.variance, "rvariance", t.rvariance,
				"line_fit", t.lineFit, "right", side(t.right), "left", side(t.left)), true
		}), p("series", tDynamic))},
		Examples: []Example{{`series_fit_2lines_dynamic(dynamic([1, 2, 3, 4, 4, 3, 2, 1])).split_idx`, "4"},
			{`series_fit_2lines_dynamic(dynamic([1, 2, 3, 4, 4, 3, 2, 1])).right.slope`, "-1"},
			{`series_fit_2lines_dynamic(dynamic([1, 2, 3, 4, 4, 3, 2, 1])).line_fit`, "[1.0,2.0,3.0,4.0,4.0,3.0,2.0,1.0]"}}})

	seriesReduce("series_sum", "Returns the sum of the elements; null when an element is not a number.", func(xs []float64) (float64, bool) {
		s := 0.0
		for _, x := range xs {
			if math.IsNaN(x) {
				return 0, false
			}
			s += x
		}
		return s, true
	}, Example{`series_sum(dynamic([1, 2, 3.5]))`, "6.5"})
	seriesReduce("series_product", "Returns the product of the elements; null when an element is not a number.", func(xs []float64) (float64, bool) {
		s := 1.0
		for _, x := range xs {
			if math.IsNaN(x) {
				return 0, false
			}
			s *= x
		}
		return s, true
	}, Example{`series_product(dynamic([2, 3, 4]))`, "24"})
	seriesReduce("series_magnitude", "Returns the Euclidean norm of the series: the square root of the sum of its squared elements.", func(xs []float64) (float64, bool) {
		s := 0.0
		for _, x := range xs {
			if math.IsNaN(x) {
				return 0, false
			}
			s += x * x
		}
		return math.Sqrt(s), true
	}, Example{`series_magnitude(dynamic([3, 4]))`, "5"})
	dot := func(args []any) (float64, bool) {
		a, b, ok := seriesPair(args[0], args[1])
		if !ok {
			return 0, false
		}
		s := 0.0
		for i := range a {
			if math.IsNaN(a[i]) || math.IsNaN(b[i]) {
				return 0, false
			}
			s += a[i] * b[i]
		}
		return s, true
	}
	dotK := MapBoxed(func(args []any) (float64, bool) { return dot(args) })
	register(&Func{Name: "series_dot_product", Pure: true, Ref: refSeries + "series-dot-product-function",
		Doc: "Returns the dot product of two series (a number stands for a series of that number); null when an element is missing.",
		Sigs: []*Sig{
			sig(schema.Real, dotK, p("series1", tDynamic), p("series2", tDynamic)),
			sig(schema.Real, dotK, p("series1", tDynamic), p("series2", Numeric)),
			sig(schema.Real, dotK, p("series1", Numeric), p("series2", tDynamic)),
		},
		Examples: []Example{{`series_dot_product(dynamic([1, 2, 3]), dynamic([4, 5, 6]))`, "32"}, {`series_dot_product(dynamic([1, 2]), 2)`, "6"}}})
	register(&Func{Name: "series_cosine_similarity", Pure: true, Ref: refSeries + "series-cosine-similarity-function",
		Doc: "Returns the cosine similarity of two series of equal length: their dot product divided by the product of their magnitudes (which may be given).",
		Sigs: []*Sig{{Params: []Param{p("series1", tDynamic), p("series2", tDynamic), opt("series1_magnitude", Numeric), opt("series2_magnitude", Numeric)},
			Result: Returns(schema.Real), Eval: MapBoxed(func(args []any) (float64, bool) {
				a, okA := seriesOf(args[0])
				b, okB := seriesOf(args[1])
				if !okA || !okB || len(a) != len(b) {
					return 0, false
				}
				d, ok := dot(args[:2])
				if !ok {
					return 0, false
				}
				mag := func(xs []float64) float64 {
					s := 0.0
					for _, x := range xs {
						s += x * x
					}
					return math.Sqrt(s)
				}
				ma, mb := seriesReal(args, 2, mag(a)), seriesReal(args, 3, mag(b))
				return d / (ma * mb), true
			})}},
		Examples: []Example{{`series_cosine_similarity(dynamic([1, 0]), dynamic([0, 1]))`, "0"}, {`series_cosine_similarity(dynamic([3, 4]), dynamic([3, 4]))`, "1"}}})

	register(&Func{Name: "series_pearson_correlation", Pure: true, Ref: refSeries + "series-pearson-correlation-function",
		Doc: "Returns the Pearson correlation coefficient of two series of equal length; null when their lengths differ or an element is missing.",
		Sigs: []*Sig{sig(schema.Real, Map2(func(x, y any) (float64, bool) {
			a, okA := seriesOf(x)
			b, okB := seriesOf(y)
			if !okA || !okB || len(a) != len(b) || len(a) == 0 {
				return 0, false
			}
			var ma, mb float64
			for i := range a {
				if math.IsNaN(a[i]) || math.IsNaN(b[i]) {
					return 0, false
				}
				ma += a[i]
				mb += b[i]
			}
			ma /= float64(len(a))
			mb /= float64(len(b))
			var sab, saa, sbb float64
			for i := range a {
				sab += (a[i] - ma) * (b[i] - mb)
				saa += (a[i] - ma) * (a[i] - ma)
				sbb += (b[i] - mb) * (b[i] - mb)
			}
			return sab / math.Sqrt(saa*sbb), true
		}), p("series1", tDynamic), p("series2", tDynamic))},
		Examples: []Example{{`series_pearson_correlation(dynamic([1, 2, 3]), dynamic([2, 4, 6]))`, "1"}, {`series_pearson_correlation(dynamic([1, 2, 3]), dynamic([3, 2, 1]))`, "-1"}}})
}
