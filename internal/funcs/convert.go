package funcs

import (
	"math"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// ToString returns the text of value v of type t as tostring() gives it:
// "" for null, true/false, decimal numbers, datetimes with seven
// fractional digits, timespans as [-][d.]hh:mm:ss[.fffffff], and dynamic
// values as JSON except a dynamic string, which is its own text.
// https://learn.microsoft.com/kusto/query/tostring-function
func ToString(t schema.Type, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int64:
		switch t {
		case schema.Datetime:
			return value.Datetime(x).String()
		case schema.Timespan:
			return value.Timespan(x).String()
		}
		return strconv.FormatInt(x, 10)
	case float64:
		return string(value.AppendReal(nil, x, false))
	case value.Decimal:
		return x.String()
	case value.Datetime:
		return x.String()
	case value.Timespan:
		return x.String()
	}
	return value.DynamicString(v)
}

// toBool converts as tobool() does: numbers are true when not zero,
// strings "true" and "false" in any case (and "1", "0"); anything else is
// null.
// https://learn.microsoft.com/kusto/query/tobool-function
func toBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case int64:
		return x != 0, true
	case float64:
		return x != 0, !math.IsNaN(x)
	case value.Decimal:
		return !x.IsZero(), true
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "1":
			return true, true
		case "false", "0":
			return false, true
		}
	}
	return false, false
}

// toLong converts as tolong() does: reals truncate toward zero, bools are
// 1 or 0, strings must hold an integer (or a real, which truncates),
// datetimes and timespans give their ticks.
// https://learn.microsoft.com/kusto/query/tolong-function
func toLong(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		if math.IsNaN(x) || x >= math.MaxInt64 || x < math.MinInt64 {
			return 0, false
		}
		return int64(x), true
	case value.Decimal:
		return x.Int()
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		s := strings.TrimSpace(x)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return toLong(f)
		}
	case value.Datetime:
		return x.Ticks(), true
	case value.Timespan:
		return int64(x), true
	}
	return 0, false
}

// toReal converts as toreal() does.
// https://learn.microsoft.com/kusto/query/toreal-function
func toReal(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case value.Decimal:
		return x.Float(), true
	case int64:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		s := strings.TrimSpace(x)
		switch strings.ToLower(s) {
		case "nan":
			return math.NaN(), true
		case "inf", "+inf", "infinity", "+infinity":
			return math.Inf(1), true
		case "-inf", "-infinity":
			return math.Inf(-1), true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f, true
		}
	case value.Timespan:
		return float64(x), true
	}
	return 0, false
}

// toDatetime converts as todatetime() does: strings in the datetime
// literal formats; anything else is null.
// https://learn.microsoft.com/kusto/query/todatetime-function
func toDatetime(v any) (value.Datetime, bool) {
	switch x := v.(type) {
	case value.Datetime:
		return x, true
	case string:
		return value.ParseDatetime(x)
	}
	return 0, false
}

// toTimespan converts as totimespan() does.
// https://learn.microsoft.com/kusto/query/totimespan-function
func toTimespan(v any) (value.Timespan, bool) {
	switch x := v.(type) {
	case value.Timespan:
		return x, true
	case int64:
		return value.Timespan(x), true
	case string:
		return value.ParseTimespan(x)
	}
	return 0, false
}

// toGuid converts a string to a guid's canonical text.
func toGuid(v any) (string, bool) {
	if s, ok := v.(string); ok {
		return value.ParseGUID(s)
	}
	return "", false
}

// ToDynamic boxes a value of type t as a dynamic value.
func ToDynamic(t schema.Type, v any) any {
	if v == nil {
		return nil
	}
	switch t {
	case schema.Datetime:
		if x, ok := v.(int64); ok {
			return value.Datetime(x)
		}
	case schema.Timespan:
		if x, ok := v.(int64); ok {
			return value.Timespan(x)
		}
	case schema.Decimal:
		// dynamic holds no decimal (its scalars are bool, datetime,
		// guid, int, long, real, string and timespan): a decimal
		// becomes a real.
		// https://learn.microsoft.com/kusto/query/scalar-data-types/dynamic
		if x, ok := v.(value.Decimal); ok {
			return x.Float()
		}
	}
	return v
}

// Convert converts boxed value v of type from to type to, by the rules of
// the to*() functions; ok is false when it does not convert (a null).
func Convert(from, to schema.Type, v any) (any, bool) {
	if v == nil {
		if to == schema.String {
			return "", true
		}
		return nil, false
	}
	if from == to {
		return v, true
	}
	if from == schema.Datetime || from == schema.Timespan {
		v = ToDynamic(from, v) // give ticks their type for the rules below
	}
	switch to {
	case schema.String:
		return ToString(from, v), true
	case schema.Bool:
		b, ok := toBool(v)
		return b, ok
	case schema.Long:
		n, ok := toLong(v)
		return n, ok
	case schema.Int:
		n, ok := toLong(v)
		if ok && (n > math.MaxInt32 || n < math.MinInt32) {
			return int64(int32(n)), true
		}
		return n, ok
	case schema.Real:
		f, ok := toReal(v)
		return f, ok
	case schema.Decimal:
		d, ok := toDecimal(v)
		return d, ok
	case schema.Datetime:
		d, ok := toDatetime(v)
		return d, ok
	case schema.Timespan:
		t, ok := toTimespan(v)
		return t, ok
	case schema.Guid:
		g, ok := toGuid(v)
		return g, ok
	case schema.Dynamic:
		return ToDynamic(from, v), true
	}
	return nil, false
}

// CastKernel returns a kernel converting a column of type from to type to.
func CastKernel(from, to schema.Type) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		n = rows(args, n, out)
		in := args[0]
		for i := 0; i < n; i++ {
			v, ok := Convert(from, to, in.Get(i))
			if !ok {
				out.AppendNull()
				continue
			}
			out.Append(v)
		}
	}
}
