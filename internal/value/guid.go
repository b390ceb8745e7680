package value

import "strings"

// ParseGUID parses a GUID in the 8-4-4-4-12 hex form, optionally in braces,
// or as 32 hex digits, and returns its canonical lowercase 8-4-4-4-12 form.
// https://learn.microsoft.com/kusto/query/scalar-data-types/guid
func ParseGUID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	var hex [32]byte
	n := 0
	switch len(s) {
	case 36:
		for i := 0; i < 36; i++ {
			c := s[i]
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if c != '-' {
					return "", false
				}
				continue
			}
			if !isHexDigit(c) {
				return "", false
			}
			hex[n] = lower(c)
			n++
		}
	case 32:
		for i := 0; i < 32; i++ {
			if !isHexDigit(s[i]) {
				return "", false
			}
			hex[i] = lower(s[i])
		}
	default:
		return "", false
	}
	h := string(hex[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], true
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
