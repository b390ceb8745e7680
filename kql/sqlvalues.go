package kql

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// SQLLiteral returns the ClickHouse SQL literal that stores v, a value of
// type t, as docs/clickhouse.md maps it (a null string or dynamic is ”).
func SQLLiteral(t Type, v any) string {
	if v == nil {
		if t == schema.String || t == schema.Dynamic {
			return "''"
		}
		return "NULL"
	}
	if t == schema.Guid {
		return SQLString(funcs.ToString(t, v))
	}
	switch x := v.(type) {
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int64:
		return strconv.FormatInt(x, 10)
	case value.Datetime:
		return strconv.FormatInt(int64(x), 10)
	case value.Timespan:
		return strconv.FormatInt(int64(x), 10)
	case float64:
		switch {
		case math.IsNaN(x):
			return "nan"
		case math.IsInf(x, 1):
			return "inf"
		case math.IsInf(x, -1):
			return "-inf"
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return SQLString(x)
	}
	return SQLString(string(value.AppendJSON(nil, v)))
}

// DecodeSQLRows converts the output of a SELECT in ClickHouse's
// TabSeparated format, whose columns store cols as docs/clickhouse.md
// maps them, to a batch of KQL values. TabSeparated is read the same by
// every ClickHouse version since 1.1.
func DecodeSQLRows(out []byte, cols []Column) (*Batch, error) {
	types := make([]Type, len(cols))
	for j, c := range cols {
		types[j] = c.Type
	}
	b := value.NewBatch(types, 0)
	for len(out) > 0 {
		line := out
		if i := bytes.IndexByte(out, '\n'); i >= 0 {
			line, out = out[:i], out[i+1:]
		} else {
			out = nil
		}
		if len(cols) == 0 {
			b.N++
			continue
		}
		fields := strings.Split(string(line), "\t")
		if len(fields) != len(cols) {
			return nil, fmt.Errorf("row %d has %d values, want %d", b.N+1, len(fields), len(cols))
		}
		for j, c := range cols {
			v, err := fromTSV(c.Type, fields[j])
			if err != nil {
				return nil, fmt.Errorf("row %d, column %s: %v", b.N+1, c.Name, err)
			}
			b.Cols[j].Append(v)
		}
		b.N++
	}
	return b, nil
}

// fromTSV converts one TabSeparated field storing a value of type t.
func fromTSV(t Type, f string) (any, error) {
	if f == `\N` {
		if t == schema.String {
			return "", nil
		}
		return nil, nil
	}
	switch t {
	case schema.String:
		return unescapeTSV(f)
	case schema.Dynamic:
		s, err := unescapeTSV(f)
		if err != nil || s == "" {
			return nil, err
		}
		return value.ParseJSON([]byte(s))
	case schema.Guid:
		s, err := unescapeTSV(f)
		if err != nil {
			return nil, err
		}
		g, ok := value.ParseGUID(s)
		if !ok {
			return nil, fmt.Errorf("%q is not a guid", s)
		}
		return g, nil
	case schema.Bool:
		n, err := strconv.ParseInt(f, 10, 64)
		return n != 0, err
	case schema.Int, schema.Long:
		return strconv.ParseInt(f, 10, 64)
	case schema.Datetime:
		n, err := strconv.ParseInt(f, 10, 64)
		return value.Datetime(n), err
	case schema.Timespan:
		n, err := strconv.ParseInt(f, 10, 64)
		return value.Timespan(n), err
	case schema.Real:
		switch f {
		case "nan", "-nan":
			return math.NaN(), nil
		case "inf", "+inf":
			return math.Inf(1), nil
		case "-inf":
			return math.Inf(-1), nil
		}
		return strconv.ParseFloat(f, 64)
	}
	return nil, fmt.Errorf("type %s is not read back from ClickHouse", t)
}

// unescapeTSV undoes ClickHouse's TabSeparated escaping of a string.
func unescapeTSV(f string) (string, error) {
	if !strings.Contains(f, `\`) {
		return f, nil
	}
	var sb strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '\\' {
			sb.WriteByte(c)
			continue
		}
		i++
		if i == len(f) {
			return "", fmt.Errorf("a string ends in a backslash")
		}
		switch f[i] {
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'r':
			sb.WriteByte('\r')
		case 'n':
			sb.WriteByte('\n')
		case 't':
			sb.WriteByte('\t')
		case '0':
			sb.WriteByte(0)
		case 'a':
			sb.WriteByte('\a')
		case 'v':
			sb.WriteByte('\v')
		default:
			sb.WriteByte(f[i])
		}
	}
	return sb.String(), nil
}

// SQLRowDecoder converts the rows of a SELECT whose columns store cols as
// docs/clickhouse.md maps them, as a database driver scans them (a
// pointer, nil for null, for a Nullable column; Go integers, floats and
// strings), to batches of KQL values.
type SQLRowDecoder struct {
	cols []Column
	b    *Batch
}

// NewSQLRowDecoder returns a decoder of rows of cols.
func NewSQLRowDecoder(cols []Column) *SQLRowDecoder {
	d := &SQLRowDecoder{cols: cols}
	d.b = d.empty()
	return d
}

func (d *SQLRowDecoder) empty() *Batch {
	types := make([]Type, len(d.cols))
	for j, c := range d.cols {
		types[j] = c.Type
	}
	return value.NewBatch(types, 0)
}

// Add appends a row, one value per column.
func (d *SQLRowDecoder) Add(row []any) error {
	if len(row) != len(d.cols) {
		return fmt.Errorf("a row has %d values, want %d", len(row), len(d.cols))
	}
	for j, c := range d.cols {
		v, err := fromDriver(c.Type, row[j])
		if err != nil {
			return fmt.Errorf("row %d, column %s: %v", d.b.N+1, c.Name, err)
		}
		d.b.Cols[j].Append(v)
	}
	d.b.N++
	return nil
}

// Len returns the number of rows added since the last Take.
func (d *SQLRowDecoder) Len() int { return d.b.N }

// Take returns the rows added since the last Take, as a batch.
func (d *SQLRowDecoder) Take() *Batch {
	b := d.b
	d.b = d.empty()
	return b
}

// fromDriver converts a value of a driver's scan, storing a value of
// type t, to the KQL value.
func fromDriver(t Type, v any) (any, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			v, rv = nil, reflect.Value{}
			break
		}
		rv = rv.Elem()
		v = rv.Interface()
	}
	if v == nil {
		if t == schema.String {
			return "", nil
		}
		return nil, nil
	}
	if b, ok := v.([]byte); ok {
		v, rv = string(b), reflect.ValueOf(string(b))
	}
	var n int64
	isInt := true
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n = rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("%d is out of the range of long", u)
		}
		n = int64(u)
	case reflect.Bool:
		if rv.Bool() {
			n = 1
		}
	default:
		isInt = false
	}
	switch t {
	case schema.String, schema.Dynamic, schema.Guid:
		s, ok := v.(string)
		if !ok {
			break
		}
		switch t {
		case schema.String:
			return s, nil
		case schema.Dynamic:
			if s == "" {
				return nil, nil
			}
			return value.ParseJSON([]byte(s))
		}
		g, ok := value.ParseGUID(s)
		if !ok {
			return nil, fmt.Errorf("%q is not a guid", s)
		}
		return g, nil
	case schema.Bool:
		if isInt {
			return n != 0, nil
		}
	case schema.Int, schema.Long:
		if isInt {
			return n, nil
		}
	case schema.Datetime:
		if isInt {
			return value.Datetime(n), nil
		}
	case schema.Timespan:
		if isInt {
			return value.Timespan(n), nil
		}
	case schema.Real:
		if isInt {
			return float64(n), nil
		}
		if rv.Kind() == reflect.Float32 || rv.Kind() == reflect.Float64 {
			return rv.Float(), nil
		}
	}
	return nil, fmt.Errorf("a %T does not store a %s", v, t)
}

// SQLInsertValue returns the Go value that a database driver inserts into
// the ClickHouse column storing v, a value of type t, as docs/clickhouse.md
// maps it: a pointer (nil for null) for the Nullable columns, a string
// for string and dynamic (JSON text; null is "").
func SQLInsertValue(t Type, v any) any {
	switch t {
	case schema.String, schema.Dynamic:
		switch x := v.(type) {
		case nil:
			return ""
		case string:
			return x
		}
		return string(value.AppendJSON(nil, v))
	case schema.Guid:
		if v == nil {
			return (*string)(nil)
		}
		s := funcs.ToString(t, v)
		return &s
	case schema.Real:
		if x, ok := v.(float64); ok {
			return &x
		}
		return (*float64)(nil)
	case schema.Bool:
		if x, ok := v.(bool); ok {
			var u uint8
			if x {
				u = 1
			}
			return &u
		}
		return (*uint8)(nil)
	case schema.Int:
		if x, ok := v.(int64); ok {
			i := int32(x)
			return &i
		}
		return (*int32)(nil)
	}
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case value.Datetime:
		n = int64(x)
	case value.Timespan:
		n = int64(x)
	default:
		return (*int64)(nil)
	}
	return &n
}
