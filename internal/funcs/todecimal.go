package funcs

import "github.com/kqlhunt/kqlhunt/internal/schema"

// todecimal() converts a value to decimal; null when it does not convert.
// https://learn.microsoft.com/kusto/query/todecimal-function
func init() {
	defer inCategory(CatConversion)()
	conversion("todecimal", schema.Decimal, "https://learn.microsoft.com/kusto/query/todecimal-function",
		"Converts a value to decimal; null when it does not convert. Strings and integers convert exactly "+
			"(up to 38 digits), reals as .NET converts a double (15 significant digits).",
		Example{`todecimal("123.45678") == decimal(123.45678)`, "true"}, Example{`isnull(todecimal("abc"))`, "true"},
		Example{`todecimal("12345678901234567890.123456789")`, "12345678901234567890.123456789"}, Example{`todecimal(0.1)`, "0.1"})
}
