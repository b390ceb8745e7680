package funcs

import "math"

// erf and erfc, the error function and its complement.
// https://learn.microsoft.com/kusto/query/erf-function
// https://learn.microsoft.com/kusto/query/erfc-function
func init() {
	defer inCategory(CatMath)()
	mathReal("erf", NameFirstArg, "erf-function", "Returns the error function of a number.", mathRealOK(math.Erf),
		Example{`erf(0)`, "0"}, Example{`erf(1)`, "0.8427007929497149"}, Example{`erf(-1)`, "-0.8427007929497149"})
	mathReal("erfc", NameFirstArg, "erfc-function", "Returns the complementary error function of a number, 1 - erf(x).", mathRealOK(math.Erfc),
		Example{`erfc(0)`, "1"}, Example{`erfc(1)`, "0.15729920705028513"}, Example{`erfc(3)`, "2.2090496998585438E-05"})
}
