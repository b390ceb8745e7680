package syntax

import "testing"

// TestQuoteStringRoundTrip checks that the lexer reads every quoted
// string back as it was.
func TestQuoteStringRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", `say "hi"`, `C:\Program Files\x.exe`, `a\"b`, "tab\there", "line\nbreak\r",
		"\x00\x01\x7f", `\d+\.exe$`, "ünïcödé ✓", "\u2028", `back\slash and "quote"` + "\n"} {
		q := QuoteString(s)
		l := &lexer{src: q}
		tok := l.next()
		if tok.Kind != TokString || tok.Value != s || l.pos != len(q) || len(l.diags) > 0 {
			t.Errorf("QuoteString(%q) = %s, read back as %v %q", s, q, tok.Kind, tok.Value)
		}
	}
}
