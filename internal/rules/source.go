package rules

import "sort"

// Positions in a rule file follow go.yaml.in/yaml/v3, so that they agree with
// yaml.Node.Line and yaml.Node.Column: lines end at LF, CRLF, CR, NEL
// (U+0085), LS (U+2028) or PS (U+2029), and columns count characters, not
// bytes. A UTF-8 byte order mark at the start of the file takes no column.

const bom = "\xef\xbb\xbf"

// breakLen returns the length of the line break at src[i], or 0.
func breakLen(src []byte, i int) int {
	if i >= len(src) {
		return 0
	}
	switch c := src[i]; {
	case c == '\r':
		if i+1 < len(src) && src[i+1] == '\n' {
			return 2
		}
		return 1
	case c == '\n':
		return 1
	case c == 0xC2:
		if i+1 < len(src) && src[i+1] == 0x85 {
			return 2
		}
	case c == 0xE2:
		if i+2 < len(src) && src[i+1] == 0x80 && (src[i+2] == 0xA8 || src[i+2] == 0xA9) {
			return 3
		}
	}
	return 0
}

// lineStarts returns the byte offset at which each line of src starts.
func lineStarts(src []byte) []int {
	first := 0
	if len(src) >= len(bom) && string(src[:len(bom)]) == bom {
		first = len(bom)
	}
	starts := []int{first}
	for i := first; i < len(src); {
		if n := breakLen(src, i); n > 0 {
			i += n
			starts = append(starts, i)
			continue
		}
		i++
	}
	return starts
}

// lineEnd returns the offset of the line break (or end of file) of the
// line that holds offset start.
func lineEnd(src []byte, start int) int {
	for i := start; i < len(src); i++ {
		if breakLen(src, i) > 0 {
			return i
		}
	}
	return len(src)
}

// isCont reports whether c is a UTF-8 continuation byte.
func isCont(c byte) bool { return c&0xC0 == 0x80 }

// position returns the 1-based line and character column of byte offset
// off. An offset inside a multi-byte character gives that character's
// column.
func position(src []byte, starts []int, off int) (line, col int) {
	off = max(0, min(off, len(src)))
	i := sort.SearchInts(starts, off+1) - 1 // last start <= off
	if i < 0 {
		i = 0
	}
	col = 1
	for j := starts[i]; j < off; j++ {
		if !isCont(src[j]) {
			col++
		}
	}
	if off < len(src) && isCont(src[off]) {
		col--
	}
	return i + 1, max(col, 1)
}

// offset returns the byte offset of 1-based line and character column col,
// as go.yaml.in/yaml/v3 reports them, or -1 when the line does not exist.
func offset(src []byte, starts []int, line, col int) int {
	if line < 1 || line > len(starts) {
		return -1
	}
	i := starts[line-1]
	for n := 1; n < col && i < len(src) && breakLen(src, i) == 0; n++ {
		i += runeWidth(src[i])
		i = min(i, len(src))
	}
	return i
}

// runeWidth returns the length of the UTF-8 sequence that c starts, as
// go.yaml.in/yaml/v3 computes it, but never 0.
func runeWidth(c byte) int {
	switch {
	case c&0x80 == 0:
		return 1
	case c&0xE0 == 0xC0:
		return 2
	case c&0xF0 == 0xE0:
		return 3
	case c&0xF8 == 0xF0:
		return 4
	}
	return 1
}
