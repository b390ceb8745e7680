package funcs

import (
	"math"
	"math/big"
	"sync"
)

// Go's math.Log and math.Tan may be one ulp from the correctly rounded
// result, which Kusto's (.NET's) log() and tan() return in the reference
// examples (series_log: ln 3 = 1.0986122886681098; series_tan: tan 1 =
// 1.5574077246549023). logRounded and tanRounded take Go's result and its
// two neighbours and keep the one nearest the exact value, evaluated with
// big.Float at bigPrec bits.
// https://learn.microsoft.com/kusto/query/series-log-function
// https://learn.microsoft.com/kusto/query/series-tan-function

const bigPrec = 96

var (
	bigConstsOnce sync.Once
	bigLn2        *big.Float
	bigHalfPi     *big.Float
)

func bigConsts() {
	bigConstsOnce.Do(func() {
		// ln 2 = Σ 1/(k·2^k), k ≥ 1.
		sum := new(big.Float).SetPrec(bigPrec + 32)
		for k := 1; k <= bigPrec+40; k++ {
			t := new(big.Float).SetPrec(bigPrec+32).SetMantExp(big.NewFloat(1), -k)
			t.Quo(t, new(big.Float).SetPrec(bigPrec+32).SetInt64(int64(k)))
			sum.Add(sum, t)
		}
		bigLn2 = sum
		// π/2 = 8·atan(1/5) − 2·atan(1/239) (Machin).
		a := bigAtanInv(5)
		b := bigAtanInv(239)
		a.Mul(a, big.NewFloat(8))
		b.Mul(b, big.NewFloat(2))
		bigHalfPi = a.Sub(a, b)
	})
}

// bigAtanInv returns atan(1/n) = Σ (−1)^k / ((2k+1)·n^(2k+1)).
func bigAtanInv(n int64) *big.Float {
	p := uint(bigPrec + 32)
	sum := new(big.Float).SetPrec(p)
	pow := new(big.Float).SetPrec(p).Quo(big.NewFloat(1), new(big.Float).SetPrec(p).SetInt64(n))
	n2 := new(big.Float).SetPrec(p).SetInt64(n * n)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -int(p))
	for k := int64(0); ; k++ {
		t := new(big.Float).SetPrec(p).Quo(pow, new(big.Float).SetPrec(p).SetInt64(2*k+1))
		if k%2 == 0 {
			sum.Add(sum, t)
		} else {
			sum.Sub(sum, t)
		}
		if t.Cmp(eps) < 0 {
			return sum
		}
		pow.Quo(pow, n2)
	}
}

// bigExp returns e^x for a finite x of moderate size.
func bigExp(x float64) *big.Float {
	bigConsts()
	p := uint(bigPrec + 32)
	bx := new(big.Float).SetPrec(p).SetFloat64(x)
	k := math.Round(x / math.Ln2)
	r := new(big.Float).SetPrec(p).Mul(bigLn2, new(big.Float).SetPrec(p).SetFloat64(k))
	r.Sub(bx, r)
	sum := new(big.Float).SetPrec(p).SetInt64(1)
	term := new(big.Float).SetPrec(p).SetInt64(1)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -int(p))
	for i := int64(1); i < 200; i++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(p).SetInt64(i))
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	return sum.SetMantExp(sum, int(k))
}

// nearest returns the candidate c of y and its neighbours whose dist(c)
// is least.
func nearest(y float64, dist func(c float64) *big.Float) float64 {
	best, bestD := y, dist(y)
	for _, c := range []float64{math.Nextafter(y, math.Inf(-1)), math.Nextafter(y, math.Inf(1))} {
		if d := dist(c); d.Cmp(bestD) < 0 {
			best, bestD = c, d
		}
	}
	return best
}

// logRounded is ln x rounded to the nearest double: with E = e^y for
// Go's y, ln x = y + t where t = ln(x/E) ≈ (x − E)/E (the error, of order
// t², is far below an ulp of y), and the candidate nearest y + t wins.
func logRounded(x float64) float64 {
	y := math.Log(x)
	if x <= 0 || math.IsInf(y, 0) || math.IsNaN(y) || y == 0 {
		return y
	}
	p := uint(bigPrec)
	e := bigExp(y)
	t := new(big.Float).SetPrec(p).SetFloat64(x)
	t.Sub(t, e).Quo(t, e)
	exact := t.Add(t, new(big.Float).SetPrec(p).SetFloat64(y))
	return nearest(y, func(c float64) *big.Float {
		d := new(big.Float).SetPrec(p).SetFloat64(c)
		return d.Abs(d.Sub(d, exact))
	})
}

// tanRounded is tan x rounded to the nearest double, for |x| < 2^20
// (math.Tan beyond, where the reduction would need more bits of π).
func tanRounded(x float64) float64 {
	y := math.Tan(x)
	if math.IsNaN(y) || math.IsInf(y, 0) || x == 0 || math.Abs(x) >= 1<<20 {
		return y
	}
	t := bigTan(x)
	return nearest(y, func(c float64) *big.Float {
		d := new(big.Float).SetPrec(bigPrec).SetFloat64(c)
		return d.Abs(d.Sub(d, t))
	})
}

// bigTan computes tan x: x − n·π/2 = r with |r| ≤ π/4, then sin r / cos r
// by their series (−cos r / sin r for an odd n).
func bigTan(x float64) *big.Float {
	bigConsts()
	p := uint(bigPrec + 32)
	n := math.Round(x / (math.Pi / 2))
	r := new(big.Float).SetPrec(p).Mul(bigHalfPi, new(big.Float).SetPrec(p).SetFloat64(n))
	r.Sub(new(big.Float).SetPrec(p).SetFloat64(x), r)
	r2 := new(big.Float).SetPrec(p).Mul(r, r)
	sin := new(big.Float).SetPrec(p).Set(r)
	cos := new(big.Float).SetPrec(p).SetInt64(1)
	ts := new(big.Float).SetPrec(p).Set(r)
	tc := new(big.Float).SetPrec(p).SetInt64(1)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -int(p))
	for i := int64(1); i < 60 && new(big.Float).Abs(ts).Cmp(eps) >= 0; i++ {
		ts.Mul(ts, r2)
		ts.Quo(ts, new(big.Float).SetPrec(p).SetInt64((2*i)*(2*i+1)))
		ts.Neg(ts)
		sin.Add(sin, ts)
		tc.Mul(tc, r2)
		tc.Quo(tc, new(big.Float).SetPrec(p).SetInt64((2*i-1)*(2*i)))
		tc.Neg(tc)
		cos.Add(cos, tc)
	}
	if int64(n)%2 != 0 {
		return sin.Quo(cos, sin).Neg(sin)
	}
	return sin.Quo(sin, cos)
}
