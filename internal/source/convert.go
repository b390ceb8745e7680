package source

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// outCol is one column of the batches a scan returns: the table column it
// holds and the column of the batch being filled.
type outCol struct {
	name string
	typ  schema.Type
	col  *value.Column
	in   interner
}

// rowWriter converts values into the columns of the batch being filled and
// accounts for values that do not convert.
type rowWriter struct {
	cols   []outCol
	batch  *value.Batch
	tf     *timeFormat
	strict bool
	file   string
	pass   *passStats
	// line is the line of the current row, for readers that know it
	// cheaply; otherwise lineFn computes it when a message needs it.
	line   int
	lineFn func() int
	// record is the Avro record whose Body is being read (Event Hub
	// Capture), or 0; line is then in the Body.
	record int64
	// err is the first problem met under Options.Strict, or the error of
	// ctx once done.
	err error
	// ctx is the context of the scan's Next under way; nskip counts the
	// lines that gave no row, to check ctx every skipCheck of them.
	ctx   context.Context
	nskip int
	// route is the bitmap of the row being written in a routed scan
	// (Dataset.ScanRouted), which endRow appends after the columns; ones
	// has every bit set, for rows whose raw bytes were not tested. Both
	// are empty in other scans.
	route, ones []uint64
}

// skipCheck is how many lines that give no row a reader passes between
// checks of the context.
const skipCheck = 1024

// skipped counts a line that gave no row; every skipCheck of them it
// sets w.err to the context's error, if done, which the readers return.
func (w *rowWriter) skipped() {
	w.nskip++
	if w.nskip%skipCheck != 0 || w.ctx == nil || w.err != nil {
		return
	}
	if err := w.ctx.Err(); err != nil {
		w.err = err
	}
}

// setBatch makes w fill b, whose columns are w.cols' in order.
func (w *rowWriter) setBatch(b *value.Batch) {
	w.batch = b
	for i := range w.cols {
		w.cols[i].col = b.Cols[i]
	}
}

func (w *rowWriter) rowLine() int {
	if w.lineFn != nil {
		return w.lineFn()
	}
	return w.line
}

// endRow counts the row whose values were just appended.
func (w *rowWriter) endRow() {
	w.routeRows(1)
	w.batch.N++
	w.pass.rows++
}

// skip records a malformed line or record.
func (w *rowWriter) skip(e *DataError) {
	if e.Record == 0 && e.File == w.file {
		e.Record = w.record
	}
	w.skipped()
	w.pass.skip(e)
	if w.strict && w.err == nil {
		w.err = e
	}
}

// fail appends a null to output o for a value that did not convert and
// records why.
func (w *rowWriter) fail(o int, reason string) {
	c := &w.cols[o]
	c.col.AppendNull()
	e := &DataError{File: w.file, Record: w.record, Line: w.rowLine(), Column: c.name, Reason: reason}
	w.pass.addUnconverted(e)
	if w.strict && w.err == nil {
		w.err = e
	}
}

func (c *outCol) pushStr(s string) {
	c.col.Strs = append(c.col.Strs, s)
	if c.col.Nulls != nil {
		c.col.Nulls = append(c.col.Nulls, false)
	}
}

func (c *outCol) pushInt(v int64) {
	c.col.Ints = append(c.col.Ints, v)
	if c.col.Nulls != nil {
		c.col.Nulls = append(c.col.Nulls, false)
	}
}

func (c *outCol) pushReal(v float64) {
	c.col.Reals = append(c.col.Reals, v)
	if c.col.Nulls != nil {
		c.col.Nulls = append(c.col.Nulls, false)
	}
}

func (c *outCol) pushBool(v bool) {
	c.col.Bools = append(c.col.Bools, v)
	if c.col.Nulls != nil {
		c.col.Nulls = append(c.col.Nulls, false)
	}
}

func (c *outCol) pushDyn(v any) {
	if v == nil {
		c.col.AppendNull()
		return
	}
	c.col.Dyns = append(c.col.Dyns, v)
	if c.col.Nulls != nil {
		c.col.Nulls = append(c.col.Nulls, false)
	}
}

// putJSON appends the JSON value data[s:e], already validated, to output o
// converted to its type.
func (w *rowWriter) putJSON(o int, data []byte, s, e int) {
	c := &w.cols[o]
	first := data[s]
	if first == 'n' {
		c.col.AppendNull()
		return
	}
	switch c.typ {
	case schema.String:
		switch first {
		case '"':
			body := data[s+1 : e-1]
			if bytes.IndexByte(body, '\\') >= 0 {
				c.pushStr(string(jsonscan.AppendUnquoted(make([]byte, 0, len(body)), body)))
			} else {
				c.pushStr(c.in.str(body))
			}
		case '{', '[':
			v, _, _ := value.DecodeJSON(data, s)
			c.pushStr(string(value.AppendJSON(nil, v)))
		default: // numbers, true, false
			c.pushStr(c.in.str(data[s:e]))
		}
		return
	case schema.Dynamic:
		v, _, err := value.DecodeJSON(data, s)
		if err != nil {
			w.fail(o, err.Error())
			return
		}
		if str, ok := v.(string); ok {
			v = ParseEmbedded(str)
		}
		c.pushDyn(v)
		return
	}
	switch first {
	case '"':
		body := data[s+1 : e-1]
		if bytes.IndexByte(body, '\\') >= 0 {
			body = jsonscan.AppendUnquoted(nil, body)
		}
		w.putText(o, body, false)
	case 't', 'f':
		if c.typ == schema.Bool {
			c.pushBool(first == 't')
			return
		}
		w.fail(o, fmt.Sprintf("cannot convert %s to %s", data[s:e], c.typ))
	case '{', '[':
		w.fail(o, fmt.Sprintf("cannot convert %s to %s", kindPhrase(jsonscan.KindOf(first)), c.typ))
	default:
		w.putNumber(o, data[s:e])
	}
}

// ParseEmbedded returns the dynamic value of a string that holds a JSON
// object or array, as AdditionalFields often does, else the string itself.
// The readers give a dynamic column that holds a JSON string this value.
func ParseEmbedded(s string) any {
	t := strings.TrimLeft(s, " \t\r\n")
	if t == "" || t[0] != '{' && t[0] != '[' {
		return s
	}
	v, err := value.ParseJSON([]byte(t))
	if err != nil {
		return s
	}
	return v
}

// putNumber appends the JSON number num to output o, which is not a string
// or dynamic column.
func (w *rowWriter) putNumber(o int, num []byte) {
	c := &w.cols[o]
	switch c.typ {
	case schema.Int, schema.Long:
		v, why := ParseInteger(num, c.typ)
		if why != "" {
			w.fail(o, fmt.Sprintf("cannot convert %s to %s: %s", num, c.typ, why))
			return
		}
		c.pushInt(v)
	case schema.Decimal:
		// The number's own digits, exactly (not through a real).
		d, ok := value.ParseDecimal(string(num))
		if !ok {
			w.fail(o, fmt.Sprintf("cannot convert %s to decimal", num))
			return
		}
		c.pushDyn(d)
	case schema.Real:
		f, err := strconv.ParseFloat(unsafeString(num), 64)
		if err != nil && !isRangeErr(err) {
			w.fail(o, fmt.Sprintf("cannot convert %s to %s", num, c.typ))
			return
		}
		c.pushReal(f)
	case schema.Bool:
		switch string(num) {
		case "0":
			c.pushBool(false)
		case "1":
			c.pushBool(true)
		default:
			w.fail(o, fmt.Sprintf("cannot convert %s to bool: only 0 and 1 are", num))
		}
	default:
		w.fail(o, fmt.Sprintf("cannot convert number %s to %s", num, c.typ))
	}
}

// putText appends text (a CSV cell or the content of a JSON string) to
// output o converted to its type. Blank text is null, except in a string
// column. fromCSV tells that text may be JSON for a dynamic column.
func (w *rowWriter) putText(o int, text []byte, fromCSV bool) {
	c := &w.cols[o]
	if c.typ == schema.String {
		c.pushStr(c.in.str(text))
		return
	}
	t := bytes.TrimSpace(text)
	if len(t) == 0 {
		c.col.AppendNull()
		return
	}
	switch c.typ {
	case schema.Bool:
		switch {
		case len(t) == 1 && t[0] == '1', len(t) == 4 && strings.EqualFold(string(t), "true"):
			c.pushBool(true)
		case len(t) == 1 && t[0] == '0', len(t) == 5 && strings.EqualFold(string(t), "false"):
			c.pushBool(false)
		default:
			w.fail(o, fmt.Sprintf("cannot convert %s to bool", quote(t)))
		}
	case schema.Int, schema.Long:
		v, why := ParseInteger(t, c.typ)
		if why != "" {
			w.fail(o, fmt.Sprintf("cannot convert %s to %s: %s", quote(t), c.typ, why))
			return
		}
		c.pushInt(v)
	case schema.Decimal:
		d, ok := value.ParseDecimal(string(t))
		if !ok {
			w.fail(o, fmt.Sprintf("cannot convert %s to decimal", quote(t)))
			return
		}
		c.pushDyn(d)
	case schema.Real:
		f, err := strconv.ParseFloat(unsafeString(t), 64)
		if err != nil && !isRangeErr(err) {
			w.fail(o, fmt.Sprintf("cannot convert %s to %s", quote(t), c.typ))
			return
		}
		c.pushReal(f)
	case schema.Datetime:
		if d, ok := parseISOFast(t); ok {
			c.pushInt(int64(d))
			return
		}
		if d, ok := value.ParseDatetime(string(t)); ok {
			c.pushInt(int64(d))
			return
		}
		if w.tf != nil {
			if d, ok := w.tf.parse(t); ok {
				c.pushInt(int64(d))
				return
			}
			w.fail(o, fmt.Sprintf("cannot convert %s to datetime: it is not ISO 8601 and does not match --time-format %q", quote(t), w.tf.src))
			return
		}
		w.fail(o, fmt.Sprintf("cannot convert %s to datetime: not an ISO 8601 or RFC 822 timestamp; for a locale timestamp pass --time-format, e.g. --time-format %q", quote(t), "dd/MM/yyyy, h:mm:ss.fff tt"))
	case schema.Timespan:
		ts, ok := value.ParseTimespan(string(t))
		if !ok {
			w.fail(o, fmt.Sprintf("cannot convert %s to timespan", quote(t)))
			return
		}
		c.pushInt(int64(ts))
	case schema.Guid:
		g, ok := value.ParseGUIDBytes(t)
		if !ok {
			w.fail(o, fmt.Sprintf("cannot convert %s to guid", quote(t)))
			return
		}
		c.pushStr(c.in.str(g[:]))
	case schema.Dynamic:
		if fromCSV {
			if v, err := value.ParseJSON(t); err == nil {
				c.pushDyn(v)
				return
			}
		}
		c.pushDyn(string(text))
	default:
		w.fail(o, fmt.Sprintf("cannot read values of type %s", c.typ))
	}
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// unsafeString views b as a string without copying, for parsers that do not
// keep their input. The caller must not let the string outlive b's content.
func unsafeString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// ParseInteger parses b as an integer of type t (int or long), as the
// readers do: a decimal integer, or a real with no fraction. why tells what
// is wrong, or is empty. ParseInteger does not keep b.
func ParseInteger(b []byte, t schema.Type) (v int64, why string) {
	if n, ok := parseDigits(b); ok {
		v = n
	} else if n, err := strconv.ParseInt(unsafeString(b), 10, 64); err == nil {
		v = n
	} else {
		f, ferr := strconv.ParseFloat(unsafeString(b), 64)
		switch {
		case ferr != nil && !isRangeErr(ferr):
			return 0, "not a number"
		case math.IsNaN(f) || math.IsInf(f, 0):
			return 0, "not a finite number"
		case f != math.Trunc(f):
			return 0, "it has a fraction"
		case f < -9.223372036854775e18 || f >= 9.223372036854775e18:
			return 0, "out of range"
		}
		v = int64(f)
	}
	if t == schema.Int && (v < math.MinInt32 || v > math.MaxInt32) {
		return 0, "out of range for int"
	}
	return v, ""
}

// parseDigits parses an optionally negative decimal integer of at most 18
// digits, the common case, without strconv.
func parseDigits(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// parseISOFast parses the form Defender exports datetimes in,
// YYYY-MM-DDTHH:MM:SS[.fraction]Z, without allocating. Anything else is
// left to value.ParseDatetime.
func parseISOFast(b []byte) (value.Datetime, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' && b[10] != ' ' || b[13] != ':' || b[16] != ':' || b[len(b)-1] != 'Z' {
		return 0, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	min, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return 0, false
	}
	frac := 0
	if len(b) > 20 {
		if b[19] != '.' {
			return 0, false
		}
		f := b[20 : len(b)-1]
		if len(f) == 0 {
			return 0, false
		}
		n := 0
		for _, c := range f {
			if c < '0' || c > '9' {
				return 0, false
			}
			if n < 7 {
				frac = frac*10 + int(c-'0')
				n++
			}
		}
		for ; n < 7; n++ {
			frac *= 10
		}
	}
	return civil(year, month, day, hour, min, sec, frac, 0)
}

func digits(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// civil returns the datetime of a UTC calendar date and time with frac
// ticks, less offset seconds, checking every field's range.
func civil(year, month, day, hour, min, sec, frac, offset int) (value.Datetime, bool) {
	if year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
		hour > 23 || min > 59 || sec > 59 || frac < 0 || frac >= int(value.Second) {
		return 0, false
	}
	// Days from 1970-01-01, after Howard Hinnant's days_from_civil.
	y := year
	if month <= 2 {
		y--
	}
	era := y / 400 // y >= 0 here
	yoe := y - era*400
	m := month + 9
	if month > 2 {
		m = month - 3
	}
	doy := (153*m+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := int64(era)*146097 + int64(doe) - 719468
	secs := days*86400 + int64(hour*3600+min*60+sec) - int64(offset)
	d := value.Datetime(secs*value.Second + int64(frac))
	if d < value.MinDatetime || d > value.MaxDatetime {
		return 0, false
	}
	return d, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// interner shares the strings of a column whose values repeat (device
// names, action types), so that a batch holds one copy of each. It turns
// itself off for columns whose values rarely repeat.
type interner struct {
	m            map[string]string
	last         string
	hits, misses int
	off          bool
}

const (
	internMaxLen  = 64   // longer strings are not interned
	internMaxSize = 4096 // entries per column
	internProbe   = 2048 // lookups after which a column with few hits stops interning
)

// str returns b as a string, shared with an earlier equal one when it can.
func (in *interner) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if string(b) == in.last {
		return in.last
	}
	if in.off || len(b) > internMaxLen {
		return string(b)
	}
	if s, ok := in.m[string(b)]; ok {
		in.hits++
		in.last = s
		return s
	}
	s := string(b)
	in.misses++
	if in.m == nil {
		in.m = make(map[string]string)
	}
	if len(in.m) < internMaxSize {
		in.m[s] = s
	}
	if in.hits+in.misses == internProbe && in.hits*4 < internProbe {
		in.off, in.m = true, nil
	}
	in.last = s
	return s
}
