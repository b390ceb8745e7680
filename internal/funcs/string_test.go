package funcs

import (
	"math"
	"strings"
	"testing"
)

// TestIndexOfUnicode checks that positions count code points.
func TestIndexOfUnicode(t *testing.T) {
	if got, ok := indexOf("⒦⒰⒮⒯⒪ kusto", "k", 0, -1, 1); !ok || got != 6 {
		t.Errorf("indexof = %d, %v; want 6", got, ok)
	}
	if got, ok := indexOf("⒦⒰⒮⒯⒪", "⒯", -2, -1, 1); !ok || got != 3 {
		t.Errorf("indexof negative start = %d, %v; want 3", got, ok)
	}
	if got, ok := indexOfRegex("⒦⒰ab⒦ab", "ab", 0, -1, 2); !ok || got != 5 {
		t.Errorf("indexof_regex = %d, %v; want 5", got, ok)
	}
	if _, ok := indexOf("abc", "a", -4, -1, 1); ok {
		t.Errorf("indexof with a start before the string: want null")
	}
	if got := substring("⒦⒰⒮⒯⒪", -2, 5, true); got != "⒯⒪" {
		t.Errorf("substring = %q, want ⒯⒪", got)
	}
}

// TestTextHelpersTotal runs the helpers on awkward inputs (empty, invalid
// UTF-8, extreme positions) to check that none panics.
func TestTextHelpersTotal(t *testing.T) {
	inputs := []string{"", "a", "\xff\xfe", "⒦⒰", `\\"`, "xn--", "-", "%", "%4", "a\x00b", strings.Repeat("é", 70)}
	nums := []int64{math.MinInt64, -1 << 62, -3, -1, 0, 1, 2, 1 << 62, math.MaxInt64}
	for _, s := range inputs {
		for _, u := range inputs {
			for _, n := range nums {
				substring(s, n, n, true)
				substring(s, n, 0, false)
				indexOf(s, u, n, n, 1)
				indexOf(s, u, 0, -1, n)
				indexOfRegex(s, u, n, -1, 2)
				strrep(s, min(n, 3), u)
			}
			countOf(s, u, "normal")
			countOf(s, u, "regex")
			translate(s, u, s)
			replaceStrings(s, []any{u, s, int64(1)}, []any{s})
		}
		reverseString(s)
		regexQuote(s)
		urlDecode(s)
		urlEncode(s, true)
		base64DecodeString(s)
		zlibDecompress(s)
		gzipDecompress(s)
		punycodeEncode(s)
		punycodeDecode(s)
		punycodeDomainEncode(s)
		punycodeDomainDecode(s)
		parseURL(s)
		parsePath(s)
		parseCommandLine(s)
		parseCSV(s)
		parseVersion(s)
	}
}
