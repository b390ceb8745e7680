package value

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
)

// Bag is a dynamic property bag: string keys in insertion order, each with
// a dynamic value. A Bag is not safe for concurrent mutation; values that
// flow between operators are treated as immutable.
type Bag struct {
	Keys []string
	Vals []any
}

// Get returns the value of key and whether the bag has it.
func (b *Bag) Get(key string) (any, bool) {
	for i, k := range b.Keys {
		if k == key {
			return b.Vals[i], true
		}
	}
	return nil, false
}

// Set sets key to v, replacing an existing value in place.
func (b *Bag) Set(key string, v any) {
	for i, k := range b.Keys {
		if k == key {
			b.Vals[i] = v
			return
		}
	}
	b.Keys = append(b.Keys, key)
	b.Vals = append(b.Vals, v)
}

// Len returns the number of keys.
func (b *Bag) Len() int { return len(b.Keys) }

// ParseJSON decodes one JSON document into a dynamic value: objects become
// *Bag, arrays []any, integers that fit int64 become int64, other numbers
// float64. Trailing non-space input is an error.
func ParseJSON(data []byte) (any, error) {
	i := jsonscan.SkipSpace(data, 0)
	v, end, err := DecodeJSON(data, i)
	if err != nil {
		return nil, err
	}
	if j := jsonscan.SkipSpace(data, end); j != len(data) {
		return nil, &jsonscan.SyntaxError{Offset: j, Msg: "unexpected data after the value"}
	}
	return v, nil
}

// DecodeJSON decodes the JSON value that starts at data[i] into a dynamic
// value and returns the offset after it.
func DecodeJSON(data []byte, i int) (any, int, error) {
	end, err := jsonscan.Skip(data, i) // validates the whole value once
	if err != nil {
		return nil, end, err
	}
	return decodeValid(data, i), end, nil
}

// decodeValid decodes a value that jsonscan has already validated.
func decodeValid(data []byte, i int) any {
	switch jsonscan.KindOf(data[i]) {
	case jsonscan.Null:
		return nil
	case jsonscan.True:
		return true
	case jsonscan.False:
		return false
	case jsonscan.String:
		end, esc, _ := jsonscan.ScanString(data, i)
		return jsonscan.StringValue(data, i, end, esc)
	case jsonscan.Number:
		end, _ := jsonscan.ScanNumber(data, i)
		return parseNumber(data[i:end])
	case jsonscan.Array:
		arr := []any{}
		var end int
		_ = jsonscan.Elements(data, i, func(s, _ int) bool {
			arr = append(arr, decodeValid(data, s))
			return true
		}, &end)
		return arr
	default:
		bag := &Bag{}
		var end int
		_ = jsonscan.Members(data, i, func(key []byte, esc bool, s, _ int) bool {
			k := string(key)
			if esc {
				k = string(jsonscan.AppendUnquoted(nil, key))
			}
			bag.Set(k, decodeValid(data, s))
			return true
		}, &end)
		return bag
	}
}

// parseNumber returns an int64 for integer text that fits, else a float64.
func parseNumber(b []byte) any {
	isInt := true
	for _, c := range b {
		if c == '.' || c == 'e' || c == 'E' {
			isInt = false
			break
		}
	}
	if isInt {
		if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
			return n
		}
	}
	f, _ := strconv.ParseFloat(string(b), 64)
	return f
}

// AppendJSON appends the JSON encoding of dynamic value v to b. Datetimes
// and timespans are encoded as strings in Kusto's format; non-finite reals
// as the strings "NaN", "Infinity" and "-Infinity". A real keeps a decimal
// point, as Kusto writes it (AppendDynamicReal), so that it stays apart
// from a long: 42.0 is a real, 42 a long.
func AppendJSON(b []byte, v any) []byte { return appendJSON(b, v, false) }

// AppendKeyJSON appends the JSON of v as AppendJSON does, except that a
// whole real is written as the long of the same value (42, not 42.0): the
// text under which arrays and bags are grouped, deduplicated and compared,
// where numbers compare by value as scalars do (1 and 1.0 are one).
func AppendKeyJSON(b []byte, v any) []byte { return appendJSON(b, v, true) }

func appendJSON(b []byte, v any, key bool) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		if key {
			return AppendReal(b, x, true)
		}
		return AppendDynamicReal(b, x)
	case Decimal:
		return x.AppendText(b)
	case string:
		return AppendQuoted(b, x)
	case Datetime:
		b = append(b, '"')
		b = x.AppendFormat(b)
		return append(b, '"')
	case Timespan:
		b = append(b, '"')
		b = x.AppendFormat(b)
		return append(b, '"')
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e, key)
		}
		return append(b, ']')
	case *Bag:
		b = append(b, '{')
		for i, k := range x.Keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendQuoted(b, k)
			b = append(b, ':')
			b = appendJSON(b, x.Vals[i], key)
		}
		return append(b, '}')
	}
	return append(b, "null"...)
}

// AppendReal appends f as Kusto prints reals, which is .NET's shortest
// round-trip form: plain digits for magnitudes from 1E-04 up to 1E+15,
// scientific notation with an upper-case E and a two-digit exponent
// outside that range (1E+20, 1.5E-07). With quoteSpecial, NaN and the
// infinities are JSON strings.
func AppendReal(b []byte, f float64, quoteSpecial bool) []byte {
	var s string
	switch {
	case math.IsNaN(f):
		s = "NaN"
	case math.IsInf(f, 1):
		s = "Infinity"
	case math.IsInf(f, -1):
		s = "-Infinity"
	default:
		// .NET's "G" rule: fixed point when the decimal exponent is above
		// -5 (1E-05 and 2.20904969985854E-05 are scientific, as the
		// erfc() reference example prints), scientific from 1E+15.
		if a := math.Abs(f); a == 0 || a >= 1e-4 && a < 1e15 {
			return strconv.AppendFloat(b, f, 'f', -1, 64)
		}
		return strconv.AppendFloat(b, f, 'E', -1, 64)
	}
	if quoteSpecial {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	return append(b, s...)
}

// AppendDynamicReal appends f as Kusto writes a real inside a dynamic
// value: AppendReal's form, with ".0" after a whole number written without
// an exponent (42.0, 0.0, -3.0; 0.5, 1E-05 and 1E+20 are unchanged), as the
// reference pages print them (series_stats_dynamic's {"min": 2.0,
// "min_idx": 8, ...}, make_set's [5.0], series_floor's [-2.0,1.0,2.0]).
// NaN and the infinities are JSON strings.
func AppendDynamicReal(b []byte, f float64) []byte {
	n := len(b)
	b = AppendReal(b, f, true)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b
	}
	for _, c := range b[n:] {
		if c == '.' || c == 'E' {
			return b
		}
	}
	return append(b, '.', '0')
}

const hexDigits = "0123456789abcdef"

// AppendQuoted appends s as a JSON string literal. Invalid UTF-8 becomes
// U+FFFD.
func AppendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// DynamicString returns the text of a dynamic value as tostring() gives
// it: a string's own text, "" for null, JSON for everything else.
func DynamicString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case Datetime:
		return x.String()
	case Timespan:
		return x.String()
	}
	return string(AppendJSON(nil, v))
}
