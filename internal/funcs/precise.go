package funcs

import (
	"math"
	"math/big"
)

// Go's math.Tan and math.Log10 can be an ulp away from the correctly
// rounded result that the C library (and so .NET, and Kusto) returns:
// tan(1) is 1.557407724654902 in Go and 1.5574077246549023 in C, log10(5)
// 0.6989700043360187 and 0.6989700043360189. preciseLog10 (and
// tanRounded, in roundedmath.go) compute in 256-bit floating point and
// round once.
// https://learn.microsoft.com/kusto/query/cot-function
// https://learn.microsoft.com/kusto/query/log10-function

const precisePrec = 256

// Constants to 80 digits.
var (
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
