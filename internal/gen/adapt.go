package gen

import (
	"math"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// adapt converts the values of g to c's type: schemas disagree on the types
// of some columns (ReportId is a long in one table and a string in another,
// AdditionalFields dynamic or string), and a rule is written once for its
// natural type. A value that has no sensible conversion falls back to the
// rule for c's type, so every value has the Go type that c's type boxes to.
func adapt(g typed, c schema.Column, key uint64) colFunc {
	want := c.Type
	if g.t == want || g.t.IsInteger() && want.IsInteger() && want == schema.Long {
		return g.f
	}
	f := g.f
	switch want {
	case schema.String:
		return func(r *row) any { return toString(f(r), g.t) }
	case schema.Int:
		if g.t == schema.Long {
			return func(r *row) any {
				v := f(r)
				if x, ok := v.(int64); ok && (x > math.MaxInt32 || x < math.MinInt32) {
					return x % math.MaxInt32
				}
				return v
			}
		}
	case schema.Dynamic:
		return func(r *row) any { return toDynamic(f(r), g.t) }
	}
	fallback := byType(c, key).f
	switch g.t {
	case schema.String:
		return func(r *row) any {
			v := f(r)
			s, _ := v.(string)
			if v == nil {
				return nil
			}
			if x, ok := fromString(s, want); ok {
				return x
			}
			return fallback(r)
		}
	case schema.Long:
		if want == schema.Real || want == schema.Decimal {
			return func(r *row) any {
				x, ok := f(r).(int64)
				switch {
				case !ok:
					return nil
				case want == schema.Decimal:
					return value.DecimalFromInt(x)
				}
				return float64(x)
			}
		}
	}
	return fallback
}

// toString returns the text of v, a value of type t: JSON for dynamic
// bags and arrays, as Defender writes them into string columns.
func toString(v any, t schema.Type) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		if t == schema.Datetime {
			return value.Datetime(x).String()
		}
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case value.Datetime:
		return x.String()
	case value.Timespan:
		return x.String()
	}
	return string(value.AppendJSON(nil, v))
}

// toDynamic returns v, a value of type t, as a dynamic value that survives
// a JSON round trip: datetimes and timespans become their text, as they do
// in JSON.
func toDynamic(v any, t schema.Type) any {
	switch x := v.(type) {
	case value.Datetime, value.Timespan:
		return toString(x, t)
	case string:
		if strings.HasPrefix(x, "{") || strings.HasPrefix(x, "[") {
			if d, err := value.ParseJSON([]byte(x)); err == nil {
				return d
			}
		}
	case float64:
		if x == math.Trunc(x) {
			// JSON does not tell 3.0 from 3; keep it an integer.
			return int64(x)
		}
	}
	return v
}

// fromString converts s to type t, when it reads as one.
func fromString(s string, t schema.Type) (any, bool) {
	switch t {
	case schema.Int, schema.Long:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || t == schema.Int && (n > math.MaxInt32 || n < math.MinInt32) {
			return nil, false
		}
		return n, true
	case schema.Real:
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	case schema.Decimal:
		d, ok := value.ParseDecimal(s)
		return d, ok
	case schema.Bool:
		b, err := strconv.ParseBool(s)
		return b, err == nil
	case schema.Guid:
		// Only a whole GUID: toguid() would also take the first 32 hex
		// digits of a longer string (a 40-digit DeviceId), which is not
		// the value the rule names.
		if g, ok := value.ParseGUID(s); ok && (len(s) == 36 || len(s) == 32) {
			return g, true
		}
		return guidOf(strHash(s)), true
	case schema.Datetime:
		return value.ParseDatetime(s)
	case schema.Timespan:
		return value.ParseTimespan(s)
	}
	return nil, false
}
