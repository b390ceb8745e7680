package funcs

import "github.com/kqlhunt/kqlhunt/internal/schema"

// todecimal() converts a value to decimal; null when it does not convert.
// https://learn.microsoft.com/kusto/query/todecimal-function
func init() {
	defer inCategory(CatConversion)()
	conversion("todecimal", schema.Decimal, "https://learn.microsoft.com/kusto/query/todecimal-function",
		"Converts a value to decimal; null when it does not convert.",
		Example{`todecimal("123.45678") == decimal(123.45678)`, "true"}, Example{`isnull(todecimal("abc"))`, "true"})
}
