package kql

import (
	"bytes"
	"fmt"
	"math"
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
