package funcs

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// beta_cdf, beta_inv and beta_pdf: the beta distribution's cumulative
// distribution, its inverse and its density. Arguments out of the domain
// (x or probability outside [0, 1], alpha or beta not positive) give NaN,
// except a probability outside [0, 1] in beta_inv, which gives null, as
// the reference examples show.
// https://learn.microsoft.com/kusto/query/beta-cdf-function
// https://learn.microsoft.com/kusto/query/beta-inv-function
// https://learn.microsoft.com/kusto/query/beta-pdf-function
func init() {
	defer inCategory(CatMath)()
	params := func(first string) []Param {
		return []Param{p(first, Numeric), p("alpha", Numeric), p("beta", Numeric)}
	}
	register(&Func{Name: "beta_cdf", Pure: true, Ref: refFuncPage + "beta-cdf-function",
		Doc:  "Returns the cumulative beta distribution function of x for shape parameters alpha and beta.",
		Sigs: []*Sig{sig(schema.Real, Map3(betaCDF), params("x")...)},
		Examples: []Example{{`round(beta_cdf(0.5, 2, 2), 12)`, "0.5"}, {`round(beta_cdf(0.9, 10, 20), 15)`, "0.999999999999959"},
			{`isnan(beta_cdf(1.5, 10, 20))`, "true"}}})
	register(&Func{Name: "beta_inv", Pure: true, Ref: refFuncPage + "beta-inv-function",
		Doc:  "Returns the inverse of the cumulative beta distribution function: the x whose beta_cdf is probability.",
		Sigs: []*Sig{sig(schema.Real, Map3(betaInv), params("probability")...)},
		Examples: []Example{{`round(beta_inv(0.5, 2, 2), 12)`, "0.5"}, {`beta_inv(0.1, 10, 20)`, "0.22641502238874867"},
			{`isnull(beta_inv(1.5, 10, 20))`, "true"}}})
	register(&Func{Name: "beta_pdf", Pure: true, Ref: refFuncPage + "beta-pdf-function",
		Doc:  "Returns the probability density function of the beta distribution at x for shape parameters alpha and beta.",
		Sigs: []*Sig{sig(schema.Real, Map3(betaPDF), params("x")...)},
		Examples: []Example{{`beta_pdf(0.5, 2, 2)`, "1.5"}, {`round(beta_pdf(0.5, 10, 20), 15)`, "0.746176019310951"},
			{`isnan(beta_pdf(-10, 10, 20))`, "true"}}})
}

// lbeta returns ln B(a, b).
func lbeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

func betaPDF(x, a, b float64) (float64, bool) {
	if x < 0 || x > 1 || !(a > 0) || !(b > 0) {
		return math.NaN(), true
	}
	if x == 0 || x == 1 {
		// The density's limit: 0, 1 or infinite at the edge.
		e := a
		if x == 1 {
			e = b
		}
		switch {
		case e > 1:
			return 0, true
		case e == 1:
			return math.Exp(-lbeta(a, b)), true
		}
		return math.Inf(1), true
	}
	// Γ(a+b)/(Γ(a)Γ(b)) x^(a-1) (1-x)^(b-1) directly while the gammas are
	// finite, which gives the reference example's digits
	// (0.746176019310951); in logarithms beyond.
	if g := math.Gamma(a + b); !math.IsInf(g, 0) {
		return g / (math.Gamma(a) * math.Gamma(b)) * math.Pow(x, a-1) * math.Pow(1-x, b-1), true
	}
	return math.Exp((a-1)*math.Log(x) + (b-1)*math.Log1p(-x) - lbeta(a, b)), true
}

func betaCDF(x, a, b float64) (float64, bool) {
	if x < 0 || x > 1 || !(a > 0) || !(b > 0) {
		return math.NaN(), true
	}
	return regIncBeta(x, a, b), true
}

// regIncBeta is the regularized incomplete beta function I_x(a, b), by
// its continued fraction (Lentz's method), on the side where it
// converges fast.
func regIncBeta(x, a, b float64) float64 {
	if x == 0 || x == 1 {
		return x
	}
	// x^a (1-x)^b / B(a, b): with the gammas themselves while they are
	// finite, whose few roundings keep beta_inv's reference example to
	// its last digit (0.226415022388749); in logarithms beyond, where
	// ln B(a, b)'s large terms cost a few digits.
	var front float64
	if g := math.Gamma(a + b); !math.IsInf(g, 0) && g != 0 {
		front = g / (math.Gamma(a) * math.Gamma(b)) * math.Pow(x, a) * math.Pow(1-x, b)
	}
	if front == 0 || math.IsInf(front, 0) || math.IsNaN(front) {
		front = math.Exp(a*math.Log(x) + b*math.Log1p(-x) - lbeta(a, b))
	}
	if x < (a+1)/(a+b+2) {
		return front * betaCF(x, a, b) / a
	}
	return 1 - front*betaCF(1-x, b, a)/b
}

// betaCF evaluates the continued fraction of the incomplete beta function.
func betaCF(x, a, b float64) float64 {
	const tiny, eps = 1e-300, 1e-16
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 1000; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}

// betaInv finds the x in [0, 1] whose beta_cdf is prob, by bisection to
// the last bit.
func betaInv(prob, a, b float64) (float64, bool) {
	if prob < 0 || prob > 1 {
		return 0, false
	}
	if !(a > 0) || !(b > 0) {
		return math.NaN(), true
	}
	lo, hi := 0.0, 1.0
	for range 200 {
		mid := (lo + hi) / 2
		if mid == lo || mid == hi {
			break
		}
		if regIncBeta(mid, a, b) < prob {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2, true
}
