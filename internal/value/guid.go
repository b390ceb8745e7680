package value

// ParseGUID converts s to a guid as toguid() does and returns its
// canonical lowercase 8-4-4-4-12 form. Following
// https://learn.microsoft.com/kusto/query/toguid-function, it takes the
// first 32 hex digits of s, ignoring a hyphen at each place the 8-4-4-4-12
// form puts one (after the 8th, 12th, 16th and 20th digit), and ignores
// the rest of s; any other character among them, such as a brace or a
// space, makes s not a guid. Upper-case digits are read as lower-case.
// The readers of internal/source convert guid columns with the same
// function (ParseGUIDBytes), so a value reads as a guid exactly when
// toguid() of its text is not null.
func ParseGUID(s string) (string, bool) {
	g, ok := parseGUID(s)
	if !ok {
		return "", false
	}
	return string(g[:]), true
}

// ParseGUIDBytes is ParseGUID for bytes, without allocating: it returns
// the canonical form in an array. It does not keep b.
func ParseGUIDBytes(b []byte) (g [36]byte, ok bool) {
	return parseGUID(b)
}

func parseGUID[T string | []byte](s T) (g [36]byte, ok bool) {
	h, j := 0, 0 // hex digits read, bytes of g written
	for i := 0; i < len(s) && h < 32; i++ {
		c := s[i]
		if c == '-' && (h == 8 || h == 12 || h == 16 || h == 20) && g[j-1] != '-' {
			g[j] = '-'
			j++
			continue
		}
		if !isHexDigit(c) {
			return g, false
		}
		if h == 8 || h == 12 || h == 16 || h == 20 {
			if g[j-1] != '-' {
				g[j] = '-'
				j++
			}
		}
		g[j] = lower(c)
		j++
		h++
	}
	return g, h == 32
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
