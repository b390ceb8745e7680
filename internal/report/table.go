package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxCell is the widest a table cell gets, in runes, "…" included.
const maxCell = 80

// cellText makes s fit on one table line: control characters escaped,
// invalid UTF-8 replaced with U+FFFD (see visible), and cut to maxCell
// runes, the last of them "…", when longer.
func cellText(s string) string {
	out := visible(s)
	if len(out) <= maxCell || utf8.RuneCountInString(out) <= maxCell {
		return out
	}
	n := 0
	for i := range out {
		if n == maxCell-1 {
			return out[:i] + "…"
		}
		n++
	}
	return out
}

// visible returns s with line breaks, tabs and other control characters
// written as \n, \r, \t and \xHH (C1 controls and the Unicode line and
// paragraph separators as \uHHHH), and invalid UTF-8 replaced with U+FFFD,
// so that s shows on one line and cannot move a terminal's cursor. A
// backslash itself is left alone, so Windows paths stay readable.
func visible(s string) string {
	clean := true
	for i := 0; clean && i < len(s); i++ {
		c := s[i]
		clean = c >= 0x20 && c != 0x7f && c < utf8.RuneSelf
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s { // ranging turns invalid UTF-8 into U+FFFD
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0, r == '\u2028', r == '\u2029':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// table is a text table to be aligned: a header and rows of cell text,
// with the columns whose cells are aligned right.
type table struct {
	header []string
	right  []bool
	rows   [][]string
}

// render returns t as aligned text followed by the line footer. Trailing
// spaces are trimmed from every line.
func (t *table) render(footer string) []byte {
	width := make([]int, len(t.header))
	measure := func(row []string) {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	measure(t.header)
	for _, r := range t.rows {
		measure(r)
	}
	var b []byte
	line := func(row []string) {
		start := len(b)
		for i, c := range row {
			if i > 0 {
				b = append(b, "  "...)
			}
			pad := width[i] - utf8.RuneCountInString(c)
			if t.right[i] {
				b = appendSpaces(b, pad)
				b = append(b, c...)
			} else {
				b = append(b, c...)
				b = appendSpaces(b, pad)
			}
		}
		b = append(b[:start], strings.TrimRight(string(b[start:]), " ")...)
		b = append(b, '\n')
	}
	if len(t.header) > 0 {
		line(t.header)
		dashes := make([]string, len(width))
		for i, w := range width {
			dashes[i] = strings.Repeat("-", w)
		}
		line(dashes)
		for _, r := range t.rows {
			line(r)
		}
	}
	b = append(b, footer...)
	return append(b, '\n')
}

func appendSpaces(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}

// count returns "(1 row)" or "(N rows)" for noun "row".
func count(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("(1 %s)", noun)
	}
	return fmt.Sprintf("(%d %ss)", n, noun)
}
