package report

import (
	"fmt"
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// AppendJSONValue appends v, a value of static type t boxed as package value
// describes, to b as JSON, following the table in the package comment.
func AppendJSONValue(b []byte, t schema.Type, v any) []byte {
	switch x := v.(type) {
	case nil:
		if t == schema.String {
			return append(b, `""`...)
		}
		return append(b, "null"...)
	case float64:
		if t != schema.Dynamic {
			return value.AppendReal(b, x, true) // a real column: 42, as Kusto prints it
		}
		return value.AppendJSON(b, x) // a real inside dynamic: 42.0
	case bool, int64, string, value.Datetime, value.Timespan, []any, *value.Bag:
		return value.AppendJSON(b, x)
	case value.Decimal:
		b = append(b, '"')
		b = x.AppendText(b)
		return append(b, '"')
	}
	return value.AppendQuoted(b, fmt.Sprint(v))
}

// FormatText returns v, a value of static type t boxed as package value
// describes, as the text of a table or CSV cell, following the table in the
// package comment.
func FormatText(t schema.Type, v any) string {
	return string(appendText(nil, t, v))
}

// appendText appends the text form of v to b.
func appendText(b []byte, t schema.Type, v any) []byte {
	if v == nil {
		return b
	}
	if t == schema.Dynamic {
		return AppendJSONValue(b, t, v)
	}
	switch x := v.(type) {
	case bool:
		return strconv.AppendBool(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return value.AppendReal(b, x, false)
	case value.Decimal:
		return x.AppendText(b)
	case string:
		return append(b, x...)
	case value.Datetime:
		return x.AppendFormat(b)
	case value.Timespan:
		return x.AppendFormat(b)
	case []any, *value.Bag:
		return value.AppendJSON(b, x)
	}
	return fmt.Append(b, v)
}

// appendCellJSON appends row i of c as JSON. It gives what AppendJSONValue
// gives for c.Get(i), without boxing; a test keeps the two in step.
func appendCellJSON(b []byte, c *value.Column, i int) []byte {
	r := c.Row(i)
	if c.Nulls != nil && c.Nulls[r] {
		return AppendJSONValue(b, c.Type, nil)
	}
	switch c.Type {
	case schema.Bool:
		return strconv.AppendBool(b, c.Bools[r])
	case schema.Int, schema.Long:
		return strconv.AppendInt(b, c.Ints[r], 10)
	case schema.Real:
		return value.AppendReal(b, c.Reals[r], true)
	case schema.String, schema.Guid:
		return value.AppendQuoted(b, c.Strs[r])
	case schema.Datetime:
		b = append(b, '"')
		b = value.Datetime(c.Ints[r]).AppendFormat(b)
		return append(b, '"')
	case schema.Timespan:
		b = append(b, '"')
		b = value.Timespan(c.Ints[r]).AppendFormat(b)
		return append(b, '"')
	}
	return AppendJSONValue(b, c.Type, c.Dyns[r])
}

// appendCellText appends row i of c as cell text. It gives what
// FormatText gives for c.Get(i), without boxing; a test keeps the two in
// step.
func appendCellText(b []byte, c *value.Column, i int) []byte {
	r := c.Row(i)
	if c.Nulls != nil && c.Nulls[r] {
		return b
	}
	switch c.Type {
	case schema.Bool:
		return strconv.AppendBool(b, c.Bools[r])
	case schema.Int, schema.Long:
		return strconv.AppendInt(b, c.Ints[r], 10)
	case schema.Real:
		return value.AppendReal(b, c.Reals[r], false)
	case schema.String, schema.Guid:
		return append(b, c.Strs[r]...)
	case schema.Datetime:
		return value.Datetime(c.Ints[r]).AppendFormat(b)
	case schema.Timespan:
		return value.Timespan(c.Ints[r]).AppendFormat(b)
	}
	return appendText(b, c.Type, c.Dyns[r])
}
