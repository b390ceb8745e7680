package source

import (
	"fmt"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

// timeFormat is a compiled .NET custom date and time format string, used to
// read the locale timestamps of CSV exports, such as
// "dd/MM/yyyy, h:mm:ss.fff tt" for 13/03/2024, 3:40:13.988 pm.
// https://learn.microsoft.com/dotnet/standard/base-types/custom-date-and-time-format-strings
//
// Supported: d dd (day), ddd dddd (weekday name, skipped), M MM (month),
// MMM MMMM (month name), y yy (two-digit year), yyy yyyy (year), H HH h hh
// (hour, 24- and 12-hour), m mm, s ss, f to fffffff (fraction, exactly that
// many digits), F to FFFFFFF (fraction, at most that many), t tt (AM/PM, any
// case), z zz zzz K (offset from UTC), quoted literals 'text' and "text",
// \c and %c. Other characters match themselves (letters ignoring case); a
// space matches one or more spaces. Timestamps without an offset are UTC.
type timeFormat struct {
	src  string
	toks []tfTok
}

type tfKind uint8

const (
	tfLit tfKind = iota
	tfDay
	tfDayName
	tfMonth
	tfMonthName
	tfYear2
	tfYear
	tfHour24
	tfHour12
	tfMinute
	tfSecond
	tfFrac
	tfAMPM
	tfZone
)

type tfTok struct {
	kind     tfKind
	min, max int    // digits
	lit      string // tfLit
	opt      bool   // an optional tfLit
}

// compileTimeFormat compiles a .NET custom format string.
func compileTimeFormat(f string) (*timeFormat, error) {
	tf := &timeFormat{src: f}
	lit := func(s string) {
		if n := len(tf.toks); n > 0 && tf.toks[n-1].kind == tfLit && !tf.toks[n-1].opt {
			tf.toks[n-1].lit += s
			return
		}
		tf.toks = append(tf.toks, tfTok{kind: tfLit, lit: s})
	}
	hasField := false
	for i := 0; i < len(f); {
		c := f[i]
		n := 1
		for i+n < len(f) && f[i+n] == c {
			n++
		}
		tok := tfTok{min: 1, max: 2}
		switch c {
		case 'd':
			switch n {
			case 1:
			case 2:
				tok.min = 2
			default:
				tok.kind = tfDayName
			}
			if n <= 2 {
				tok.kind = tfDay
			}
		case 'M':
			switch n {
			case 1:
			case 2:
				tok.min = 2
			default:
				tok.kind = tfMonthName
			}
			if n <= 2 {
				tok.kind = tfMonth
			}
		case 'y':
			switch {
			case n <= 2:
				tok.kind, tok.min = tfYear2, n
			case n <= 4:
				tok.kind, tok.min, tok.max = tfYear, n, 4
			default:
				return nil, fmt.Errorf("%q: too many 'y' (at most yyyy)", f)
			}
		case 'H', 'h', 'm', 's':
			if n > 2 {
				return nil, fmt.Errorf("%q: too many %q (at most two)", f, string(c))
			}
			tok.min = n
			tok.kind = map[byte]tfKind{'H': tfHour24, 'h': tfHour12, 'm': tfMinute, 's': tfSecond}[c]
		case 'f', 'F':
			if n > 7 {
				return nil, fmt.Errorf("%q: too many %q (at most seven)", f, string(c))
			}
			tok.kind, tok.min, tok.max = tfFrac, n, n
			if c == 'F' {
				tok.min = 0
				// As in .NET, the separator before an F fraction may be
				// left out with the fraction.
				if k := len(tf.toks) - 1; k >= 0 && tf.toks[k].kind == tfLit {
					if l := tf.toks[k].lit; strings.HasSuffix(l, ".") || strings.HasSuffix(l, ",") {
						tf.toks[k].lit = l[:len(l)-1]
						tf.toks = append(tf.toks, tfTok{kind: tfLit, lit: l[len(l)-1:], opt: true})
					}
				}
			}
		case 't':
			tok.kind, tok.min = tfAMPM, min(n, 2)
		case 'z':
			if n > 3 {
				return nil, fmt.Errorf("%q: too many 'z' (at most zzz)", f)
			}
			tok.kind, tok.min = tfZone, n
		case 'K':
			tok.kind, tok.min, n = tfZone, 0, 1
		case '\'', '"':
			end := strings.IndexByte(f[i+1:], c)
			if end < 0 {
				return nil, fmt.Errorf("%q: unterminated quoted text at byte %d", f, i+1)
			}
			lit(f[i+1 : i+1+end])
			i += end + 2
			continue
		case '\\':
			if i+1 >= len(f) {
				return nil, fmt.Errorf("%q: '\\' at the end", f)
			}
			lit(f[i+1 : i+2])
			i += 2
			continue
		case '%':
			i++
			continue
		default:
			lit(f[i : i+n])
			i += n
			continue
		}
		hasField = true
		tf.toks = append(tf.toks, tok)
		i += n
	}
	if !hasField {
		return nil, fmt.Errorf("%q: no date or time fields", f)
	}
	return tf, nil
}

var monthNamesLong = [...]string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}

// parse parses b, without surrounding spaces, by the format.
func (tf *timeFormat) parse(b []byte) (value.Datetime, bool) {
	year, month, day := 1, 1, 1
	hour, min, sec, frac, offset := 0, 0, 0, 0, 0
	ampm := -1 // 0 am, 1 pm
	i := 0
	num := func(lo, hi int) (int, bool) {
		v, n := 0, 0
		for n < hi && i < len(b) && b[i] >= '0' && b[i] <= '9' {
			v = v*10 + int(b[i]-'0')
			i++
			n++
		}
		return v, n >= lo
	}
	ok := true
	for _, t := range tf.toks {
		switch t.kind {
		case tfLit:
			if t.opt {
				if len(b)-i >= len(t.lit) && string(b[i:i+len(t.lit)]) == t.lit {
					i += len(t.lit)
				}
				continue
			}
			for k := 0; k < len(t.lit) && ok; k++ {
				c := t.lit[k]
				if c == ' ' {
					n := spaceAt(b, i)
					if n == 0 {
						ok = false
						break
					}
					for n > 0 {
						i += n
						n = spaceAt(b, i)
					}
					continue
				}
				if i >= len(b) || lowerASCII(b[i]) != lowerASCII(c) {
					ok = false
					break
				}
				i++
			}
		case tfDay:
			day, ok = num(t.min, t.max)
		case tfMonth:
			month, ok = num(t.min, t.max)
		case tfYear2:
			year, ok = num(t.min, t.max)
			year += 2000
			if year > 2049 { // .NET's default two-digit year window
				year -= 100
			}
		case tfYear:
			year, ok = num(t.min, t.max)
		case tfHour24, tfHour12:
			hour, ok = num(t.min, t.max)
		case tfMinute:
			min, ok = num(t.min, t.max)
		case tfSecond:
			sec, ok = num(t.min, t.max)
		case tfFrac:
			var n int
			start := i
			frac, ok = num(t.min, t.max)
			for n = i - start; n < 7; n++ {
				frac *= 10
			}
		case tfDayName:
			start := i
			for i < len(b) && (b[i]|0x20 >= 'a' && b[i]|0x20 <= 'z' || b[i] == '.') {
				i++
			}
			ok = i > start
		case tfMonthName:
			month, ok = 0, false
			for m, name := range monthNamesLong {
				for _, cand := range [...]string{name, name[:3]} {
					if len(b)-i >= len(cand) && strings.EqualFold(string(b[i:i+len(cand)]), cand) {
						month, ok = m+1, true
						i += len(cand)
						if i < len(b) && b[i] == '.' && len(cand) == 3 {
							i++
						}
						break
					}
				}
				if ok {
					break
				}
			}
		case tfAMPM:
			ampm, ok = -1, false
			for _, cand := range [...]string{"a.m.", "p.m.", "am", "pm", "a", "p"} {
				if len(b)-i >= len(cand) && strings.EqualFold(string(b[i:i+len(cand)]), cand) {
					ampm, ok = 0, true
					if cand[0] == 'p' {
						ampm = 1
					}
					i += len(cand)
					break
				}
			}
		case tfZone:
			switch {
			case i < len(b) && (b[i] == 'Z' || b[i] == 'z'):
				i++
			case i < len(b) && (b[i] == '+' || b[i] == '-'):
				sign := 1
				if b[i] == '-' {
					sign = -1
				}
				i++
				var oh, om int
				if oh, ok = num(1, 2); ok && i < len(b) && b[i] == ':' {
					i++
					om, ok = num(2, 2)
				} else if ok && len(b)-i >= 2 {
					om, ok = num(2, 2)
				}
				if oh > 14 || om > 59 {
					ok = false
				}
				offset = sign * (oh*3600 + om*60)
			default:
				ok = t.min == 0 // K allows no zone
			}
		}
		if !ok {
			return 0, false
		}
	}
	if i != len(b) {
		return 0, false
	}
	if ampm >= 0 {
		if hour < 1 || hour > 12 {
			return 0, false
		}
		hour %= 12
		if ampm == 1 {
			hour += 12
		}
	}
	return civil(year, month, day, hour, min, sec, frac, offset)
}

// spaceAt returns the length of the space at b[i]: a space, a tab, or the
// no-break spaces U+00A0 and U+202F that some locales put before AM/PM; 0
// when there is none.
func spaceAt(b []byte, i int) int {
	switch {
	case i >= len(b):
		return 0
	case b[i] == ' ' || b[i] == '\t':
		return 1
	case len(b)-i >= 2 && b[i] == 0xc2 && b[i+1] == 0xa0:
		return 2
	case len(b)-i >= 3 && b[i] == 0xe2 && b[i+1] == 0x80 && b[i+2] == 0xaf:
		return 3
	}
	return 0
}
