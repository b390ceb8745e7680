package funcs

import "testing"

// TestReplaceRegexRewrite checks RE2's rewrite syntax: \0 to \9, \\ for
// a backslash, $ and other backslashes literal.
func TestReplaceRegexRewrite(t *testing.T) {
	re, err := CompileRegex(`(a)(b)?`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ rw, want string }{
		{`[\0]`, "[ab]x[a]"},
		{`\2\1`, "baxa"},
		{`$1\\\n`, `$1\\nx$1\\n`},
		{`\9`, "x"},
	} {
		if got := replaceRegex("abxa", re, parseRewrite(c.rw)); got != c.want {
			t.Errorf("replace_regex(abxa, (a)(b)?, %q) = %q, want %q", c.rw, got, c.want)
		}
	}
}
