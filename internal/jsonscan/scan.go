// Package jsonscan is a small, allocation-free JSON tokenizer for the hot
// paths of kqlhunt: it walks the members of an object and skips values
// without decoding them, so that readers decode only the columns a query
// needs. It validates everything it walks over.
package jsonscan

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the kind of a JSON value, told by its first byte.
type Kind uint8

// The JSON value kinds.
const (
	Invalid Kind = iota
	Null
	False
	True
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"invalid", "null", "false", "true", "number", "string", "array", "object"}

func (k Kind) String() string { return kindNames[k] }

// KindOf returns the kind of the value whose first byte is c.
func KindOf(c byte) Kind {
	switch c {
	case 'n':
		return Null
	case 'f':
		return False
	case 't':
		return True
	case '"':
		return String
	case '[':
		return Array
	case '{':
		return Object
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return Number
	}
	return Invalid
}

// SyntaxError is a JSON syntax error at byte offset Offset of the scanned
// input.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset+1, e.Msg)
}

func errAt(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// SkipSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func SkipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// Describe names data[i] for a message: a quoted printable character, a
// byte in hex, or "end of input".
func Describe(data []byte, i int) string {
	if i >= len(data) {
		return "end of input"
	}
	c := data[i]
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q", string(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// MaxDepth is the deepest nesting of arrays and objects that the scanner
// accepts; deeper input is a syntax error rather than a stack overflow.
const MaxDepth = 1000

// Skip returns the end offset of the value that starts at data[i] (which
// must not be whitespace).
func Skip(data []byte, i int) (int, error) { return skip(data, i, 0) }

func skip(data []byte, i, depth int) (int, error) {
	if i >= len(data) {
		return i, errAt(i, "expected a value, got end of input")
	}
	switch data[i] {
	case '"':
		end, _, err := ScanString(data, i)
		return end, err
	case '{', '[':
		if depth >= MaxDepth {
			return i, errAt(i, "nesting deeper than %d", MaxDepth)
		}
		end := i
		var err error
		if data[i] == '{' {
			err = members(data, i, depth+1, nil, func([]byte, bool, int, int) bool { return true }, &end)
		} else {
			err = elements(data, i, depth+1, func(int, int) bool { return true }, &end)
		}
		return end, err
	case 't':
		return literal(data, i, "true")
	case 'f':
		return literal(data, i, "false")
	case 'n':
		return literal(data, i, "null")
	default:
		return ScanNumber(data, i)
	}
}

func literal(data []byte, i int, word string) (int, error) {
	if len(data)-i >= len(word) && string(data[i:i+len(word)]) == word {
		return i + len(word), nil
	}
	return i, errAt(i, "expected %s, got %s", word, Describe(data, i))
}

// ScanString scans the string literal that starts at data[i] == '"'. It
// returns the offset after the closing quote and whether the literal holds
// escape sequences (when it does not, data[i+1:end-1] is the text itself).
func ScanString(data []byte, i int) (end int, escaped bool, err error) {
	j := i + 1
	for j < len(data) {
		// Eight bytes at a time up to the first quote, backslash or
		// control character.
		for j+8 <= len(data) {
			w := binary.LittleEndian.Uint64(data[j:])
			if s := specialBytes(w); s != 0 {
				j += bits.TrailingZeros64(s) >> 3
				break
			}
			j += 8
		}
		if j >= len(data) {
			break
		}
		c := data[j]
		switch {
		case c == '"':
			return j + 1, escaped, nil
		case c == '\\':
			escaped = true
			if j+1 >= len(data) {
				return j, escaped, errAt(j, "unterminated string")
			}
			switch data[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(data) || !isHex4(data[j+2:j+6]) {
					return j, escaped, errAt(j, "invalid \\u escape")
				}
				j += 6
			default:
				return j, escaped, errAt(j, "invalid escape %s", Describe(data, j+1))
			}
		case c < 0x20:
			return j, escaped, errAt(j, "control character in string")
		default:
			j++
		}
	}
	return j, escaped, errAt(i, "unterminated string")
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// specialBytes returns, for the eight bytes of w (little-endian), a word
// whose lowest set bit is the high bit of the first byte that is a quote,
// a backslash or a control character, or 0 when there is none. Bits above
// the first may be wrong (a borrow propagates), which is why only the
// lowest is used.
func specialBytes(w uint64) uint64 {
	q := w ^ ('"' * ones)
	b := w ^ ('\\' * ones)
	return ((q-ones)&^q | (b-ones)&^b | (w-0x20*ones)&^w) & highs
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !isHex(c) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexVal(c byte) rune {
	switch {
	case c <= '9':
		return rune(c - '0')
	case c >= 'a':
		return rune(c-'a') + 10
	default:
		return rune(c-'A') + 10
	}
}

// ScanNumber scans the number that starts at data[i] and returns its end.
func ScanNumber(data []byte, i int) (int, error) {
	j := i
	if j < len(data) && data[j] == '-' {
		j++
	}
	start := j
	for j < len(data) && data[j] >= '0' && data[j] <= '9' {
		j++
	}
	if j == start {
		return i, errAt(i, "expected a value, got %s", Describe(data, i))
	}
	if data[start] == '0' && j-start > 1 {
		return i, errAt(i, "number with a leading zero")
	}
	if j < len(data) && data[j] == '.' {
		j++
		k := j
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
		if j == k {
			return i, errAt(j, "expected a digit after '.'")
		}
	}
	if j < len(data) && (data[j] == 'e' || data[j] == 'E') {
		j++
		if j < len(data) && (data[j] == '+' || data[j] == '-') {
			j++
		}
		k := j
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
		if j == k {
			return i, errAt(j, "expected a digit in the exponent")
		}
	}
	return j, nil
}

// Members calls fn for each member of the object that starts at
// data[i] == '{', with the raw key bytes (without quotes; still escaped when
// escaped is true) and the value's span data[vstart:vend]. It stops early
// when fn returns false. *end receives the offset after the closing brace
// (or where scanning stopped).
func Members(data []byte, i int, fn func(key []byte, escaped bool, vstart, vend int) bool, end *int) error {
	return members(data, i, 1, nil, fn, end)
}

// A KeyHint (for MembersDepth) returns the member name that an object is
// expected to have at member position pos (0 for the first member), as it
// was written in an earlier object (rows of one file list their keys in
// the same order), or nil. A hint must be the raw text of a key that was scanned before and
// holds no escape.
type KeyHint func(pos int) []byte

func members(data []byte, i, depth int, hint KeyHint, fn func(key []byte, escaped bool, vstart, vend int) bool, end *int) error {
	if i >= len(data) || data[i] != '{' {
		*end = i
		return errAt(i, "expected '{', got %s", Describe(data, i))
	}
	j := SkipSpace(data, i+1)
	if j < len(data) && data[j] == '}' {
		*end = j + 1
		return nil
	}
	for pos := 0; ; pos++ {
		if j >= len(data) || data[j] != '"' {
			*end = j
			return errAt(j, "expected a member name, got %s", Describe(data, j))
		}
		key, kend, kesc, err := ScanKey(data, j, hintAt(hint, pos))
		if err != nil {
			*end = kend
			return err
		}
		j = SkipSpace(data, kend)
		if j >= len(data) || data[j] != ':' {
			*end = j
			return errAt(j, "expected ':' after member name, got %s", Describe(data, j))
		}
		j = SkipSpace(data, j+1)
		vend, err := skip(data, j, depth)
		if err != nil {
			*end = vend
			return err
		}
		if !fn(key, kesc, j, vend) {
			*end = vend
			return nil
		}
		j = SkipSpace(data, vend)
		if j < len(data) && data[j] == ',' {
			j = SkipSpace(data, j+1)
			continue
		}
		if j < len(data) && data[j] == '}' {
			*end = j + 1
			return nil
		}
		*end = j
		return errAt(j, "expected ',' or '}' in object, got %s", Describe(data, j))
	}
}

// ScanKey scans the member name that starts at data[i] == '"' as
// ScanString does and returns its raw text; a name equal to hint (the
// raw text of a key scanned before, without escapes, or nil), byte for
// byte and followed by its closing quote, is taken without scanning it,
// and key is then hint itself (the same slice, so that the caller can
// tell a hit by identity).
func ScanKey(data []byte, i int, hint []byte) (key []byte, end int, escaped bool, err error) {
	if k := hint; k != nil && i+2+len(k) <= len(data) && data[i+1+len(k)] == '"' && string(data[i+1:i+1+len(k)]) == string(k) {
		return k, i + 2 + len(k), false, nil
	}
	end, escaped, err = ScanString(data, i)
	if err != nil {
		return nil, end, escaped, err
	}
	return data[i+1 : end-1], end, escaped, nil
}

func hintAt(hint KeyHint, pos int) []byte {
	if hint == nil {
		return nil
	}
	return hint(pos)
}

// Elements calls fn with the span of each element of the array that starts
// at data[i] == '['. It stops early when fn returns false. *end receives the
// offset after the closing bracket (or where scanning stopped).
func Elements(data []byte, i int, fn func(vstart, vend int) bool, end *int) error {
	return elements(data, i, 1, fn, end)
}

func elements(data []byte, i, depth int, fn func(vstart, vend int) bool, end *int) error {
	if i >= len(data) || data[i] != '[' {
		*end = i
		return errAt(i, "expected '[', got %s", Describe(data, i))
	}
	j := SkipSpace(data, i+1)
	if j < len(data) && data[j] == ']' {
		*end = j + 1
		return nil
	}
	for {
		vend, err := skip(data, j, depth)
		if err != nil {
			*end = vend
			return err
		}
		if !fn(j, vend) {
			*end = vend
			return nil
		}
		j = SkipSpace(data, vend)
		if j < len(data) && data[j] == ',' {
			j = SkipSpace(data, j+1)
			continue
		}
		if j < len(data) && data[j] == ']' {
			*end = j + 1
			return nil
		}
		*end = j
		return errAt(j, "expected ',' or ']' in array, got %s", Describe(data, j))
	}
}

// AppendUnquoted appends the decoded text of the escaped string body raw
// (the bytes between the quotes, already validated by ScanString) to dst.
// Invalid surrogate pairs decode to U+FFFD.
func AppendUnquoted(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		switch raw[i+1] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hexVal(raw[i+2])<<12 | hexVal(raw[i+3])<<8 | hexVal(raw[i+4])<<4 | hexVal(raw[i+5])
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					r2 := hexVal(raw[i+2])<<12 | hexVal(raw[i+3])<<8 | hexVal(raw[i+4])<<4 | hexVal(raw[i+5])
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						dst = utf8.AppendRune(dst, d)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default: // '"', '\\', '/'
			dst = append(dst, raw[i+1])
		}
		i += 2
	}
	return dst
}

// StringValue returns the text of the string literal data[start:end]
// (quotes included), decoding escapes when there are any.
func StringValue(data []byte, start, end int, escaped bool) string {
	body := data[start+1 : end-1]
	if !escaped {
		return string(body)
	}
	return string(AppendUnquoted(make([]byte, 0, len(body)), body))
}

// MembersDepth is Members for an object nested depth levels deep (1 for a
// top-level object): MaxDepth counts from the top of the document, so a
// caller that walks the outer levels itself meets the errors that Members
// on the whole document would. Its member names are usually those given by
// hint (nil for none), in order: a name that equals its hint, byte for
// byte and followed by the closing quote, is taken without scanning it
// again, and fn receives the hint itself as the key (the same slice, so
// that the caller can tell a hit by identity).
func MembersDepth(data []byte, i, depth int, hint KeyHint, fn func(key []byte, escaped bool, vstart, vend int) bool, end *int) error {
	return members(data, i, depth, hint, fn, end)
}

// SkipDepth is Skip for a value nested depth levels deep (0 for a whole
// document, 1 for a member of a top-level object).
func SkipDepth(data []byte, i, depth int) (int, error) { return skip(data, i, depth) }
