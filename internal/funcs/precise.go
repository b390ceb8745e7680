package funcs

import (
	"math"
	"math/big"
)

// Go's math.Tan and math.Log10 can be an ulp away from the correctly
// rounded result that the C library (and so .NET, and Kusto) returns:
// tan(1) is 1.557407724654902 in Go and 1.5574077246549023 in C, log10(5)
// 0.6989700043360187 and 0.6989700043360189. preciseTan and preciseLog10
// compute in 256-bit floating point and round once.
// https://learn.microsoft.com/kusto/query/cot-function
// https://learn.microsoft.com/kusto/query/log10-function

const precisePrec = 256

// Constants to 80 digits.
var (
	precisePi   = preciseConst("3.1415926535897932384626433832795028841971693993751058209749445923078164062862090")
	preciseLn2  = preciseConst("0.69314718055994530941723212145817656807550013436025525412068000949339362196969472")
	preciseLn10 = preciseConst("2.3025850929940456840179914546843642076011014886287729760333279009675726096773525")
)

func preciseConst(s string) *big.Float {
	f, _, err := big.ParseFloat(s, 10, precisePrec, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	return f
}

func newPrecise() *big.Float { return new(big.Float).SetPrec(precisePrec) }

// preciseTan returns tan(x) correctly rounded, for |x| below 1e9 (beyond,
// math.Tan).
func preciseTan(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e9 || x == 0 {
		return math.Tan(x)
	}
	// r = x - k*pi/2, |r| <= pi/4.
	halfPi := newPrecise().Quo(precisePi, big.NewFloat(2))
	bx := newPrecise().SetFloat64(x)
	q, _ := newPrecise().Quo(bx, halfPi).Float64()
	k := math.Round(q)
	r := newPrecise().Sub(bx, newPrecise().Mul(halfPi, newPrecise().SetFloat64(k)))
	// sin and cos of r by their Taylor series.
	r2 := newPrecise().Mul(r, r)
	sin, cos := newPrecise().Set(r), newPrecise().SetInt64(1)
	ts, tc := newPrecise().Set(r), newPrecise().SetInt64(1)
	eps := newPrecise().SetMantExp(big.NewFloat(1), -precisePrec)
	for n := int64(1); n < 100; n++ {
		// ts *= -r²/((2n)(2n+1)); tc *= -r²/((2n-1)(2n))
		ts.Mul(ts, r2).Quo(ts, newPrecise().SetInt64(2*n*(2*n+1))).Neg(ts)
		tc.Mul(tc, r2).Quo(tc, newPrecise().SetInt64((2*n-1)*(2*n))).Neg(tc)
		sin.Add(sin, ts)
		cos.Add(cos, tc)
		if newPrecise().Abs(tc).Cmp(eps) < 0 && newPrecise().Abs(ts).Cmp(eps) < 0 {
			break
		}
	}
	var t *big.Float
	if int64(k)%2 == 0 {
		t = newPrecise().Quo(sin, cos)
	} else {
		t = newPrecise().Quo(cos, sin)
		t.Neg(t)
	}
	f, _ := t.Float64()
	return f
}

// preciseLog10 returns log10(x) correctly rounded for finite x > 0.
func preciseLog10(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 1) {
		return math.Log10(x)
	}
	frac, exp := math.Frexp(x) // x = frac * 2^exp, frac in [0.5, 1)
	// ln(frac) = 2 atanh(z), z = (frac-1)/(frac+1), |z| <= 1/3.
	bf := newPrecise().SetFloat64(frac)
	one := newPrecise().SetInt64(1)
	z := newPrecise().Quo(newPrecise().Sub(bf, one), newPrecise().Add(bf, one))
	z2 := newPrecise().Mul(z, z)
	sum, term := newPrecise().Set(z), newPrecise().Set(z)
	eps := newPrecise().SetMantExp(big.NewFloat(1), -precisePrec)
	for n := int64(1); n < 400; n++ {
		term.Mul(term, z2)
		d := newPrecise().Quo(term, newPrecise().SetInt64(2*n+1))
		sum.Add(sum, d)
		if newPrecise().Abs(d).Cmp(eps) < 0 {
			break
		}
	}
	ln := newPrecise().Mul(sum, big.NewFloat(2))
	ln.Add(ln, newPrecise().Mul(preciseLn2, newPrecise().SetInt64(int64(exp))))
	f, _ := newPrecise().Quo(ln, preciseLn10).Float64()
	return f
}
