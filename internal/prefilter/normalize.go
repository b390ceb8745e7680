package prefilter

import (
	"encoding/binary"
	"unicode/utf8"
)

// foldsToASCII lists the runes above ASCII that a case mapping or a
// simple case fold relates to an ASCII letter (unicode.ToLower,
// ToUpper, ToTitle, SimpleFold): the Kelvin sign and the long s fold to
// k and s, dotted capital I lowers to i, dotless i uppers to I. A test
// checks the list against the unicode package's tables.
var foldsToASCII = [...]rune{0x0130, 0x0131, 0x017f, 0x212a}

func foldsASCII(r rune) bool {
	for _, f := range foldsToASCII {
		if r == f {
			return true
		}
	}
	return false
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// normalize appends to dst the text of line that a term is looked for in,
// and reports false when the line cannot be skipped whatever it holds.
// The text is line in ASCII lower case with each JSON escape decoded,
// except that a quote, a backslash and a control character (decoded or
// raw) are written as value.AppendQuoted writes them, so that both a
// string value and a nested value re-serialized into a string column
// appear in it. A character above ASCII that folds to an ASCII letter
// (the Kelvin sign) makes the line unskippable; other characters above
// ASCII (and invalid UTF-8) are kept as they are (escapes: as a byte
// 0x80), which no ASCII term matches.
func normalize(dst, line []byte) ([]byte, bool) {
	i := 0
	for i < len(line) {
		// Fast path: 8 bytes at a time while they are printable ASCII
		// other than the backslash, lowering A-Z on the way.
		for ; i+8 <= len(line); i += 8 {
			w := binary.LittleEndian.Uint64(line[i:])
			bs := w ^ (0x5c * ones) // zero bytes where '\\'
			special := w&highs | (w-0x20*ones)&^w&highs | (bs-ones)&^bs&highs
			if special != 0 {
				break
			}
			upper := ((w + (0x80-'A')*ones) ^ (w + (0x80-'Z'-1)*ones)) & highs
			dst = binary.LittleEndian.AppendUint64(dst, w|upper>>2)
		}
		if i == len(line) {
			break
		}
		// One character at a time, then back to the fast path.
		c := line[i]
		switch {
		case c == '\\':
			var ok bool
			dst, i, ok = unescape(dst, line, i)
			if !ok {
				return dst, false
			}
			continue
		case c < 0x20:
			dst = appendControl(dst, c)
		case c < utf8.RuneSelf:
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		default:
			r, size := utf8.DecodeRune(line[i:])
			if foldsASCII(r) {
				return dst, false
			}
			dst = append(dst, line[i:i+size]...)
			i += size
			continue
		}
		i++
	}
	return dst, true
}

// unescape appends the escape at line[i] ('\\') as normalize writes it
// and returns the offset after it; false for an escape that is not JSON's
// or decodes to a character that folds to ASCII.
func unescape(dst, line []byte, i int) ([]byte, int, bool) {
	if i+1 >= len(line) {
		return dst, i, false
	}
	switch e := line[i+1]; e {
	case '"', '\\':
		return append(dst, '\\', e), i + 2, true
	case '/':
		return append(dst, '/'), i + 2, true
	case 'b':
		return appendControl(dst, '\b'), i + 2, true
	case 'f':
		return appendControl(dst, '\f'), i + 2, true
	case 'n':
		return appendControl(dst, '\n'), i + 2, true
	case 'r':
		return appendControl(dst, '\r'), i + 2, true
	case 't':
		return appendControl(dst, '\t'), i + 2, true
	case 'u':
		if i+6 > len(line) {
			return dst, i, false
		}
		var r rune
		for _, h := range line[i+2 : i+6] {
			var d byte
			switch {
			case '0' <= h && h <= '9':
				d = h - '0'
			case 'a' <= h && h <= 'f':
				d = h - 'a' + 10
			case 'A' <= h && h <= 'F':
				d = h - 'A' + 10
			default:
				return dst, i, false
			}
			r = r<<4 | rune(d)
		}
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r < 0x20:
			dst = appendControl(dst, byte(r))
		case r < utf8.RuneSelf:
			c := byte(r)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		case foldsASCII(r):
			return dst, i, false
		default:
			// Above ASCII (a surrogate half included: no rune outside
			// the Basic Multilingual Plane folds to ASCII): a byte no
			// ASCII term matches.
			dst = append(dst, 0x80)
		}
		return dst, i + 6, true
	}
	return dst, i, false
}

// appendControl appends control character c as value.AppendQuoted writes
// it, lowered.
func appendControl(dst []byte, c byte) []byte {
	switch c {
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	const hex = "0123456789abcdef"
	return append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
}
