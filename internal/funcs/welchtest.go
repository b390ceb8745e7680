package funcs

// (This file is welchtest.go: a name ending in _test.go would make it a
// test file.)

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// welch_test(mean1, variance1, count1, mean2, variance2, count2) is the
// two-sided p-value of Welch's unequal-variances t-test.
// https://learn.microsoft.com/kusto/query/welch-test-function
func init() {
	defer inCategory(CatMath)()
	real := p("", Of(schema.Real))
	named := func(n string) Param { q := real; q.Name = n; return q }
	register(&Func{Name: "welch_test", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/welch-test-function",
		Doc: "Returns the two-sided p-value of Welch's t-test of two samples given by their means, variances and counts.",
		Sigs: []*Sig{sig(schema.Real, MapBoxed(func(args []any) (float64, bool) {
			var x [6]float64
			for i, a := range args {
				f, ok := a.(float64)
				if !ok {
					return 0, false
				}
				x[i] = f
			}
			return welchTest(x[0], x[1], x[2], x[3], x[4], x[5])
		}), named("mean1"), named("variance1"), named("count1"), named("mean2"), named("variance2"), named("count2"))},
		Examples: []Example{{`round(welch_test(20.82, 7.8496, 15, 22.98667, 3.7003, 15), 3)`, "0.021"}}})
}

// welchTest computes t = (m1-m2)/sqrt(v1/n1+v2/n2) with the
// Welch–Satterthwaite degrees of freedom, and the two-sided p-value
// I_{df/(df+t²)}(df/2, 1/2) of Student's t distribution.
func welchTest(m1, v1, n1, m2, v2, n2 float64) (float64, bool) {
	a, b := v1/n1, v2/n2
	se := a + b
	if n1 < 2 || n2 < 2 || se <= 0 || math.IsNaN(se) || math.IsInf(se, 0) {
		return 0, false
	}
	t := (m1 - m2) / math.Sqrt(se)
	df := se * se / (a*a/(n1-1) + b*b/(n2-1))
	p := regIncBeta(df/2, 0.5, df/(df+t*t))
	if math.IsNaN(p) {
		return 0, false
	}
	return p, true
}

// regIncBeta is the regularized incomplete beta function I_x(a, b), by
// its continued fraction (Lentz's method), using the symmetry
// I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction converges slowly.
func regIncBeta(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	la, _ := math.Lgamma(a + b)
	lb, _ := math.Lgamma(a)
	lc, _ := math.Lgamma(b)
	front := math.Exp(la - lb - lc + a*math.Log(x) + b*math.Log1p(-x))
	if x < (a+1)/(a+b+2) {
		return front * betaFraction(a, b, x) / a
	}
	return 1 - front*betaFraction(b, a, 1-x)/b
}

// betaFraction evaluates the continued fraction of the incomplete beta
// function to double precision.
func betaFraction(a, b, x float64) float64 {
	const tiny, eps = 1e-300, 1e-16
	c, d := 1.0, 1-(a+b)*x/(a+1)
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 1000; m++ {
		fm := float64(m)
		for step := 0; step < 2; step++ {
			var num float64
			if step == 0 {
				num = fm * (b - fm) * x / ((a + 2*fm - 1) * (a + 2*fm))
			} else {
				num = -(a + fm) * (a + b + fm) * x / ((a + 2*fm) * (a + 2*fm + 1))
			}
			d = 1 + num*d
			if math.Abs(d) < tiny {
				d = tiny
			}
			c = 1 + num/c
			if math.Abs(c) < tiny {
				c = tiny
			}
			d = 1 / d
			h *= d * c
			if step == 1 && math.Abs(d*c-1) < eps {
				return h
			}
		}
	}
	return h
}
