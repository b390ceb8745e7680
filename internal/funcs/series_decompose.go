package funcs

import (
	"math"
	"math/cmplx"
	"sort"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// Outlier scoring, period detection, seasonality and decomposition. The
// reference documents the methods (Tukey's fences, the median of each
// phase, average or line-fit trends) but not every numeric detail; where
// it is silent, the choice made here is written in the function's Doc and
// in the comments below.

// ---- Outliers

// seriesPercentile returns the p-th percentile (0..100) of sorted, by
// linear interpolation between the closest ranks.
func seriesPercentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (sorted[lo+1]-sorted[lo])*(pos-float64(lo))
}

// seriesRank returns the p-th percentile (0..100) of sorted by nearest
// rank, as percentile() computes it: the smallest element such that at
// least p% of the elements are less or equal.
func seriesRank(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// seriesNormalQuantile returns the p-th quantile (0 < p < 1) of the standard
// normal distribution.
func seriesNormalQuantile(p float64) float64 { return math.Sqrt2 * math.Erfinv(2*p-1) }

// outlierScores scores each element of xs with Tukey's fences over the
// percentiles lowP and highP (25 and 75 for "tukey", 10 and 90 by default
// for "ctukey", by nearest rank), learnt from the first
// len(xs)-testPoints elements:
//
//	x > P_high: (x - P_high) / IQR
//	x < P_low:  (x - P_low) / IQR
//	otherwise:  0
//
// so that a score beyond ±k is outside Tukey's fences with that k (1.5
// for mild anomalies, 3 for far-out ones). IQR is P_high - P_low rescaled
// to the interquartile range a normal distribution with that spread would
// have, (P_high - P_low) * (z(0.75) - z(0.25)) / (z(high) - z(low)); for
// the quartiles it is the interquartile range itself. When the range is 0
// (most elements equal), the mean absolute deviation from the median,
// rescaled the same way, stands in for it. Missing elements, and elements
// equal to ignore when it is not NaN, score 0.
func outlierScores(xs []float64, lowP, highP float64, ignore float64, testPoints int) []float64 {
	skip := func(x float64) bool { return math.IsNaN(x) || !math.IsNaN(ignore) && x == ignore }
	train := len(xs) - max(testPoints, 0)
	var sorted []float64
	for _, x := range xs[:max(train, 0)] {
		if !skip(x) {
			sorted = append(sorted, x)
		}
	}
	scores := make([]float64, len(xs))
	if len(sorted) == 0 {
		return scores
	}
	sort.Float64s(sorted)
	lo, hi := seriesRank(sorted, lowP), seriesRank(sorted, highP)
	quartiles := seriesNormalQuantile(0.75) - seriesNormalQuantile(0.25)
	iqr := hi - lo
	if lowP != 25 || highP != 75 {
		iqr *= quartiles / (seriesNormalQuantile(highP/100) - seriesNormalQuantile(lowP/100))
	}
	if iqr <= 0 {
		med := seriesRank(sorted, 50)
		dev := 0.0
		for _, x := range sorted {
			dev += math.Abs(x - med)
		}
		// The mean absolute deviation of a normal distribution is
		// sqrt(2/pi) sigma; its interquartile range is 1.349 sigma.
		iqr = dev / float64(len(sorted)) * quartiles / math.Sqrt(2/math.Pi)
	}
	if iqr <= 0 {
		return scores
	}
	for i, x := range xs {
		switch {
		case skip(x):
		case x > hi:
			scores[i] = (x - hi) / iqr
		case x < lo:
			scores[i] = (x - lo) / iqr
		}
	}
	return scores
}

// outlierRange returns the percentiles of an outlier kind, and whether the
// kind and percentiles are valid.
func outlierRange(kind string, lowP, highP float64) (float64, float64, bool) {
	switch kind {
	case "tukey":
		return 25, 75, true
	case "ctukey":
		return lowP, highP, lowP >= 2 && highP <= 98 && lowP < highP
	}
	return 0, 0, false
}

// ---- Periods

// seriesDFT returns the discrete Fourier transform of xs, of any length:
// radix-2 FFT for powers of two, Bluestein's chirp transform otherwise.
func seriesDFT(xs []float64) []complex128 {
	n := len(xs)
	a := make([]complex128, n)
	for i, x := range xs {
		a[i] = complex(x, 0)
	}
	if n&(n-1) == 0 {
		seriesFFT(a, false)
		return a
	}
	m := 1
	for m < 2*n-1 {
		m <<= 1
	}
	// w[k] = exp(-i pi k^2 / n); k^2 is reduced mod 2n to keep precision.
	w := make([]complex128, n)
	for k := range w {
		k2 := (k * k) % (2 * n)
		w[k] = cmplx.Exp(complex(0, -math.Pi*float64(k2)/float64(n)))
	}
	u := make([]complex128, m)
	v := make([]complex128, m)
	for k := 0; k < n; k++ {
		u[k] = a[k] * w[k]
	}
	v[0] = cmplx.Conj(w[0])
	for k := 1; k < n; k++ {
		v[k] = cmplx.Conj(w[k])
		v[m-k] = cmplx.Conj(w[k])
	}
	seriesFFT(u, false)
	seriesFFT(v, false)
	for i := range u {
		u[i] *= v[i]
	}
	seriesFFT(u, true)
	for k := 0; k < n; k++ {
		a[k] = u[k] / complex(float64(m), 0) * w[k]
	}
	return a
}

// seriesFFT transforms a in place (its length a power of two); inverse omits
// the 1/n scaling.
func seriesFFT(a []complex128, inverse bool) {
	n := len(a)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j ^= bit
		if i < j {
			a[i], a[j] = a[j], a[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		ang := -2 * math.Pi / float64(size)
		if inverse {
			ang = -ang
		}
		step := cmplx.Exp(complex(0, ang))
		for start := 0; start < n; start += size {
			w := complex(1, 0)
			for k := 0; k < size/2; k++ {
				x, y := a[start+k], a[start+k+size/2]*w
				a[start+k], a[start+k+size/2] = x+y, x-y
				w *= step
			}
		}
	}
}

// seriesDetrend returns xs minus its least-squares line.
func seriesDetrend(xs []float64) []float64 {
	f := fitSeriesLine(xs)
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x - (f.slope*float64(i+1) + f.interception)
	}
	return out
}

// detectPeriods finds up to num periods of xs, in bins, between minP and
// maxP, strongest first, with scores in (0, 1]. The method:
//
//  1. Missing elements are interpolated and the series' line is removed.
//  2. Candidate periods come from the peaks of the power spectrum (the
//     DFT of the series): a frequency bin k that is a local maximum, with
//     at least a tenth of the strongest peak's power, proposes the whole
//     periods between n/(k+1/2) and n/(k-1/2).
//  3. Each candidate is scored by the autocorrelation of the series at
//     that lag, corrected for the shorter overlap (times n/(n-lag)); the
//     best lag of a peak is kept when its score is positive.
//  4. A period that is a multiple (within one bin) of a stronger one is
//     dropped as its harmonic.
//
// Periods must be at least 4 bins and fit at least twice in the series
// with one bin to spare (2*period < n), as the reference says periods
// are at most half the series. Kusto's exact algorithm is not documented;
// this one finds the reference examples' periods, but its scores differ.
func detectPeriods(xs []float64, minP, maxP float64, num int) (periods, scores []float64) {
	n := len(xs)
	lo := max(4, int(math.Ceil(minP)))
	hi := min(int(math.Floor(maxP)), (n-1)/2)
	if num <= 0 || lo > hi {
		return nil, nil
	}
	r := seriesDetrend(fillMissing(xs))
	energy := 0.0
	for _, x := range r {
		energy += x * x
	}
	if energy == 0 {
		return nil, nil
	}
	acf := func(lag int) float64 {
		s := 0.0
		for i := 0; i+lag < n; i++ {
			s += r[i] * r[i+lag]
		}
		return s / energy * float64(n) / float64(n-lag)
	}
	spec := seriesDFT(r)
	power := func(k int) float64 {
		if k < 0 || k > n/2 {
			return 0
		}
		return cmplx.Abs(spec[k]) * cmplx.Abs(spec[k])
	}
	type peak struct {
		power    float64
		from, to int
	}
	var peaks []peak
	top := 0.0
	for k := 1; k <= n/2; k++ {
		if power(k) <= power(k-1) || power(k) < power(k+1) {
			continue
		}
		from := max(lo, int(math.Ceil(float64(n)/(float64(k)+0.5))))
		to := min(hi, int(math.Floor(float64(n)/(float64(k)-0.5))))
		if from > to {
			continue
		}
		peaks = append(peaks, peak{power(k), from, to})
		top = max(top, power(k))
	}
	type cand struct {
		period int
		score  float64
	}
	var cands []cand
	for _, pk := range peaks {
		if pk.power < top/10 {
			continue
		}
		best, bestScore := 0, 0.0
		for lag := pk.from; lag <= pk.to; lag++ {
			if s := acf(lag); s > bestScore {
				best, bestScore = lag, s
			}
		}
		if best > 0 {
			cands = append(cands, cand{best, min(bestScore, 1)})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].period < cands[j].period
	})
	var kept []cand
next:
	for _, c := range cands {
		for _, k := range kept {
			if c.period == k.period {
				continue next
			}
			if m := int(math.Round(float64(c.period) / float64(k.period))); m >= 2 && absInt(c.period-m*k.period) <= 1 {
				continue next
			}
		}
		kept = append(kept, c)
		if len(kept) == num {
			break
		}
	}
	for _, k := range kept {
		periods = append(periods, float64(k.period))
		scores = append(scores, k.score)
	}
	return periods, scores
}

// absInt returns |x|.
func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// ---- Seasonality and decomposition

// seasonalPeriod resolves a period argument: a positive period is used as
// it is; -1 detects the strongest period of the learning part of xs whose
// score reaches threshold; anything else means no seasonality (0).
func seasonalPeriod(xs []float64, period int64, threshold float64, train int) int {
	switch {
	case period > 0:
		return int(period)
	case period != -1 || train < 8:
		return 0
	}
	periods, scores := detectPeriods(xs[:train], 4, float64(train), 1)
	if len(periods) == 0 || scores[0] < threshold {
		return 0
	}
	return int(periods[0])
}

// seasonalComponent returns, for each element, the median of the learning
// elements (the first train) in the same phase of period; all zeros when
// period is 0. A phase without learning elements gets 0.
func seasonalComponent(xs []float64, period, train int) []float64 {
	out := make([]float64, len(xs))
	if period <= 0 {
		return out
	}
	medians := make([]float64, period)
	for ph := range medians {
		var vals []float64
		for i := ph; i < train; i += period {
			if !math.IsNaN(xs[i]) {
				vals = append(vals, xs[i])
			}
		}
		sort.Float64s(vals)
		if len(vals) > 0 {
			medians[ph] = seriesPercentile(vals, 50)
		}
	}
	for i := range out {
		out[i] = medians[i%period]
	}
	return out
}

// decomposition is the result of series_decompose.
type decomposition struct {
	baseline, seasonal, trend, residual []float64
}

// decompose splits xs into seasonal, trend and residual components, as
// series_decompose documents: the seasonal component is the median of
// each phase of the period; the trend is computed on the series minus
// its seasonal component, as its average ("avg"), its least-squares line
// ("linefit") or zero ("none"); baseline = seasonal + trend and residual
// = xs - baseline. Only the first len(xs)-testPoints elements are learnt
// from; the components extend over the test points. Missing elements are
// interpolated first. ok is false for an unknown trend.
func decompose(xs []float64, period int64, trend string, testPoints int, threshold float64) (decomposition, bool) {
	n := len(xs)
	train := n - max(testPoints, 0)
	if train < 0 {
		train = 0
	}
	x := fillMissing(xs)
	p := seasonalPeriod(x, period, threshold, train)
	d := decomposition{seasonal: seasonalComponent(x, p, train), trend: make([]float64, n)}
	deseason := make([]float64, train)
	for i := range deseason {
		deseason[i] = x[i] - d.seasonal[i]
	}
	switch trend {
	case "avg":
		m := seriesMean(deseason)
		for i := range d.trend {
			d.trend[i] = m
		}
	case "linefit":
		f := fitSeriesLine(deseason)
		for i := range d.trend {
			d.trend[i] = f.slope*float64(i+1) + f.interception
		}
	case "none":
	default:
		return decomposition{}, false
	}
	d.baseline = make([]float64, n)
	d.residual = make([]float64, n)
	for i := range x {
		d.baseline[i] = d.seasonal[i] + d.trend[i]
		d.residual[i] = x[i] - d.baseline[i]
	}
	return d, true
}

func (d decomposition) outputs() []any {
	return []any{realArray(d.baseline, false), realArray(d.seasonal, false), realArray(d.trend, false), realArray(d.residual, false)}
}

func init() {
	defer inCategory(CatSeriesProcessing)()
	outliersDoc := "Scores each element of a series with Tukey's fences: 0 between the low and high percentiles " +
		"(10th and 90th by default for kind \"ctukey\", 25th and 75th for \"tukey\", by nearest rank as percentile() computes them), else the distance beyond them " +
		"divided by the interquartile range (the inter-percentile range rescaled, under a normal distribution, to the 25th-75th range), " +
		"so that a score above 1.5 (below -1.5) is a rise (decline) anomaly by Tukey's test. " +
		"When that range is 0 the rescaled mean absolute deviation from the median is used. Nulls and ignore_val elements score 0; " +
		"the last test_points elements are scored but not learnt from. An unknown kind, or percentiles outside [2, 98], give null."
	outliers := MapBoxed(func(args []any) (any, bool) {
		xs, ok := seriesOf(args[0])
		if !ok {
			return nil, false
		}
		lowP, highP, ok := outlierRange(seriesString(args, 1, "ctukey"), seriesReal(args, 3, 10), seriesReal(args, 4, 90))
		if !ok {
			return nil, false
		}
		ignore := seriesReal(args, 2, math.NaN())
		return realArray(outlierScores(xs, lowP, highP, ignore, int(seriesInt(args, 5, 0))), false), true
	})
	register(&Func{Name: "series_outliers", Pure: true, ResultName: NameFirstArg, Ref: refSeries + "series-outliers-function",
		Doc: outliersDoc,
		Sigs: []*Sig{{Params: []Param{p("series", tDynamic), opt("kind", tString), opt("ignore_val", Numeric),
			opt("min_percentile", Numeric), opt("max_percentile", Numeric), opt("test_points", Integer)},
			Result: Returns(schema.Dynamic), Eval: outliers}},
		Examples: []Example{
			{`series_outliers(dynamic([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10]))`, "[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,6.5061998097673275]"},
			{`series_outliers(dynamic([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200]), "tukey")`, "[-0.3333333333333333,-0.16666666666666666,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.16666666666666666,1.8333333333333333]"},
			{`series_outliers(dynamic([1, 2]), "nope")`, ""}}})

	periodsDoc := "Finds up to num_periods periods of a series, in bins, between min_period and max_period, strongest first, " +
		"with scores between 0 and 1; both arrays are padded with zeros to num_periods. Candidate periods come from the peaks of " +
		"the power spectrum of the detrended series and are scored by its autocorrelation at that lag (corrected for the overlap); " +
		"multiples of a stronger period are dropped. Periods are at least 4 bins and less than half the series. " +
		"Kusto does not document its exact algorithm: periods agree with the reference examples, scores may differ."
	registerTuple(tupleDecl{name: "series_periods_detect", ref: "series-periods-detect-function",
		outputs: []Output{{"periods", schema.Dynamic}, {"scores", schema.Dynamic}},
		sigs:    [][]Param{{p("series", tDynamic), p("min_period", Numeric), p("max_period", Numeric), p("num_periods", Integer)}},
		doc:     periodsDoc,
		compute: func(args []any) []any {
			xs, ok := seriesOf(args[0])
			minP, ok1 := seriesNumber(args[1])
			maxP, ok2 := seriesNumber(args[2])
			num, ok3 := args[3].(int64)
			if !ok || !ok1 || !ok2 || !ok3 || num < 0 || num > 1024 {
				return nil
			}
			periods, scores := detectPeriods(xs, minP, maxP, int(num))
			outP, outS := make([]any, num), make([]any, num)
			for i := range outP {
				outP[i], outS[i] = 0.0, 0.0
				if i < len(periods) {
					outP[i], outS[i] = periods[i], scores[i]
				}
			}
			return []any{outP, outS}
		},
		examples: []Example{{`series_periods_detect(dynamic([80, 139, 87, 110, 68, 54, 50, 51, 53, 133, 86, 141, 97, 156, 94, 149, 95, 140, 77, 61, ` +
			`50, 54, 47, 133, 72, 152, 94, 148, 105, 162, 101, 160, 87, 63, 53, 55, 54, 151, 103, 189, 108, 183, 113, 175, 113, 178, 90, 71, 62, 62, ` +
			`65, 165, 109, 181, 115, 182, 121, 178, 114, 170]), 0.0, 50.0, 2)`, "[14.0,0.0]"}}})

	seasonal := MapBoxed(func(args []any) (any, bool) {
		xs, ok := seriesOf(args[0])
		if !ok {
			return nil, false
		}
		testPoints := int(seriesInt(args, 2, 0))
		train := max(len(xs)-max(testPoints, 0), 0)
		x := fillMissing(xs)
		p := seasonalPeriod(x, seriesInt(args, 1, -1), 0.7, train)
		return realArray(seasonalComponent(x, p, train), false), true
	})
	register(&Func{Name: "series_seasonal", Pure: true, Ref: refSeries + "series-seasonal-function",
		Doc: "Returns the seasonal component of a series: for each element, the median of the elements in the same phase of the period. " +
			"The period is given in bins, or detected (-1, the default) as series_periods_detect's strongest period when its score is at least 0.7; " +
			"with no period (none detected, or any other value) the component is zeros. The last test_points elements are not learnt from.",
		Sigs: []*Sig{
			{Params: []Param{p("series", tDynamic)}, Result: Returns(schema.Dynamic), Eval: seasonal},
			{Params: []Param{p("series", tDynamic), p("period", Integer)}, Result: Returns(schema.Dynamic), Eval: seasonal},
			{Params: []Param{p("series", tDynamic), p("period", Integer), p("test_points", Integer)}, Result: Returns(schema.Dynamic), Eval: seasonal},
		},
		Examples: []Example{
			{`series_seasonal(dynamic([2, 5, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1]))`,
				"[1.0,2.0,3.0,4.0,3.0,2.0,1.0,2.0,3.0,4.0,3.0,2.0,1.0,2.0,3.0,4.0,3.0,2.0,1.0,2.0,3.0,4.0,3.0,2.0,1.0]"},
			{`series_seasonal(dynamic([1, 3, 5, 2, 4, 6, 1, 3, 5, 2, 4, 6]))`, "[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0]"},
			{`series_seasonal(dynamic([1, 3, 5, 2, 4, 6, 1, 3, 5, 2, 4, 6]), 3)`, "[1.5,3.5,5.5,1.5,3.5,5.5,1.5,3.5,5.5,1.5,3.5,5.5]"}}})

	decomposeDoc := "Decomposes a series into baseline, seasonal, trend and residual components: the seasonal component is the median " +
		"of each phase of the period (given in bins; -1, the default, detects the strongest period scoring at least seasonality_threshold, " +
		"0.6 by default; 0 for none); the trend, computed on the series minus its seasonal component, is its average (\"avg\", the default), " +
		"its least-squares line (\"linefit\") or zero (\"none\"); baseline = seasonal + trend; residual = series - baseline. " +
		"The last test_points elements are not learnt from. Missing elements are interpolated linearly first."
	decomp := func(xsArg any, period int64, trend string, testPoints int, threshold float64) (decomposition, bool) {
		xs, ok := seriesOf(xsArg)
		if !ok {
			return decomposition{}, false
		}
		return decompose(xs, period, trend, testPoints, threshold)
	}
	components := []Output{{"baseline", schema.Dynamic}, {"seasonal", schema.Dynamic}, {"trend", schema.Dynamic}, {"residual", schema.Dynamic}}
	registerTuple(tupleDecl{name: "series_decompose", ref: "series-decompose-function", outputs: components,
		sigs: [][]Param{{p("series", tDynamic), opt("period", Integer), opt("trend", tString), opt("test_points", Integer), opt("seasonality_threshold", Numeric)}},
		doc:  decomposeDoc,
		compute: func(args []any) []any {
			d, ok := decomp(args[0], seriesInt(args, 1, -1), seriesString(args, 2, "avg"), int(seriesInt(args, 3, 0)), seriesReal(args, 4, 0.6))
			if !ok {
				return nil
			}
			return d.outputs()
		},
		examples: []Example{{`series_decompose(dynamic([1, 3, 5, 1, 3, 5, 1, 3, 5]), 3)`, "[1.0,3.0,5.0,1.0,3.0,5.0,1.0,3.0,5.0]"},
			{`series_decompose(dynamic([1, 2, 3, 4]), 0, "linefit")`, "[1.0,2.0,3.0,4.0]"}}})
	registerTuple(tupleDecl{name: "series_decompose_forecast", ref: "series-decompose-forecast-function", outputs: components,
		sigs: [][]Param{{p("series", tDynamic), p("test_points", Integer), opt("period", Integer), opt("trend", tString), opt("seasonality_threshold", Numeric)}},
		doc: "Forecasts a series by decomposition: series_decompose learns from all but the last test_points elements, and the baseline " +
			"extends the seasonal and trend components over them. " + decomposeDoc,
		compute: func(args []any) []any {
			tp, ok := args[1].(int64)
			if !ok {
				return nil
			}
			d, ok := decomp(args[0], seriesInt(args, 2, -1), seriesString(args, 3, "avg"), int(tp), seriesReal(args, 4, 0.6))
			if !ok {
				return nil
			}
			return d.outputs()
		},
		examples: []Example{{`series_decompose_forecast(dynamic([1, 2, 3, 4, 0, 0]), 2, 0, "linefit")`, "[1.0,2.0,3.0,4.0,5.0,6.0]"},
			{`series_decompose_forecast(dynamic([1, 2, 3, 4, 0, 0]), 2, 0)`, "[2.5,2.5,2.5,2.5,2.5,2.5]"}}})

	registerTuple(tupleDecl{name: "series_decompose_anomalies", ref: "series-decompose-anomalies-function",
		outputs: []Output{{"ad_flag", schema.Dynamic}, {"ad_score", schema.Dynamic}, {"baseline", schema.Dynamic}},
		sigs: [][]Param{{p("series", tDynamic), opt("threshold", Numeric), opt("period", Integer), opt("trend", tString),
			opt("test_points", Integer), opt("method", tString), opt("seasonality_threshold", Numeric)}},
		doc: "Detects anomalies in a series: series_decompose computes the baseline and residuals (period -1, trend \"avg\" and " +
			"seasonality_threshold 0.6 by default), series_outliers scores the residuals (method \"ctukey\", the default, or \"tukey\"), " +
			"and ad_flag is 1 where the score exceeds threshold (1.5 by default), -1 where it is below -threshold, else 0. " +
			"It returns ad_flag, ad_score and baseline.",
		compute: func(args []any) []any {
			d, ok := decomp(args[0], seriesInt(args, 2, -1), seriesString(args, 3, "avg"), int(seriesInt(args, 4, 0)), seriesReal(args, 6, 0.6))
			if !ok {
				return nil
			}
			lowP, highP, ok := outlierRange(seriesString(args, 5, "ctukey"), 10, 90)
			if !ok {
				return nil
			}
			threshold := seriesReal(args, 1, 1.5)
			scores := outlierScores(d.residual, lowP, highP, math.NaN(), int(seriesInt(args, 4, 0)))
			flags := make([]any, len(scores))
			for i, s := range scores {
				switch {
				case s > threshold:
					flags[i] = int64(1)
				case s < -threshold:
					flags[i] = int64(-1)
				default:
					flags[i] = int64(0)
				}
			}
			return []any{flags, realArray(scores, false), realArray(d.baseline, false)}
		},
		examples: []Example{{`series_decompose_anomalies(dynamic([1, 2, 1, 2, 1, 2, 1, 2, 1, 9, 1, 2, 1, 2, 1, 2]), 1.5, 0)`,
			"[0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0]"}}})
}
