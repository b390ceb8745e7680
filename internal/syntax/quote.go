package syntax

import (
	"strconv"
	"strings"
)

// QuoteString returns s as a KQL string literal that the lexer reads back
// as s: a verbatim @"..." literal when s holds a backslash and no control
// character (Windows paths and regular expressions stay readable), else
// a double-quoted literal whose escapes (\", \\, \n, \t, \uXXXX, ...) are
// those KQL and Go share.
// https://learn.microsoft.com/kusto/query/scalar-data-types/string
func QuoteString(s string) string {
	if strings.Contains(s, `\`) && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' }) {
		return `@"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return strconv.Quote(s)
}
