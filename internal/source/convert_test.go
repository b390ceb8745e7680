package source

import (
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

type convCase struct {
	typ  schema.Type
	json string // the value as JSON, in a JSON lines row
	want any    // the value read; nil for null
	bad  string // when not empty, the value does not convert and the reason contains this
	// jsonOnly marks a case that reads differently from a CSV cell, which
	// is parsed as JSON text for a dynamic column.
	jsonOnly bool
}

var bag = func(kv ...any) *value.Bag {
	b := &value.Bag{}
	for i := 0; i < len(kv); i += 2 {
		b.Set(kv[i].(string), kv[i+1])
	}
	return b
}

var convCases = []convCase{
	{typ: schema.String, json: `"abc"`, want: "abc"},
	{typ: schema.String, json: `"a\"b\u00e9\n"`, want: "a\"bé\n"},
	{typ: schema.String, json: `null`, want: ""},
	{typ: schema.String, json: `42`, want: "42"},
	{typ: schema.String, json: `-1.5e3`, want: "-1.5e3"},
	{typ: schema.String, json: `true`, want: "true"},
	{typ: schema.String, json: `{"b": 1, "a": [true, null]}`, want: `{"b":1,"a":[true,null]}`},

	{typ: schema.Long, json: `443`, want: int64(443)},
	{typ: schema.Long, json: `-9223372036854775808`, want: int64(math.MinInt64)},
	{typ: schema.Long, json: `"1048576"`, want: int64(1048576)},
	{typ: schema.Long, json: `" 12 "`, want: int64(12)},
	{typ: schema.Long, json: `5.0`, want: int64(5)},
	{typ: schema.Long, json: `1e3`, want: int64(1000)},
	{typ: schema.Long, json: `""`, want: nil},
	{typ: schema.Long, json: `null`, want: nil},
	{typ: schema.Long, json: `5.5`, bad: "cannot convert 5.5 to long: it has a fraction"},
	{typ: schema.Long, json: `"abc"`, bad: `cannot convert "abc" to long: not a number`},
	{typ: schema.Long, json: `1e30`, bad: "out of range"},
	{typ: schema.Long, json: `true`, bad: "cannot convert true to long"},
	{typ: schema.Long, json: `[1]`, bad: "cannot convert an array to long"},
	{typ: schema.Int, json: `2147483647`, want: int64(2147483647)},
	{typ: schema.Int, json: `2147483648`, bad: "out of range for int"},

	{typ: schema.Real, json: `1.5`, want: 1.5},
	{typ: schema.Real, json: `7`, want: 7.0},
	{typ: schema.Real, json: `"2.25"`, want: 2.25},
	{typ: schema.Real, json: `"NaN"`, want: math.NaN()},
	{typ: schema.Real, json: `"x1"`, bad: `cannot convert "x1" to real`},
	{typ: schema.Decimal, json: `0.1`, want: decimalOf("0.1")},
	{typ: schema.Decimal, json: `"12345678901234567890.123456789"`, want: decimalOf("12345678901234567890.123456789")},
	{typ: schema.Decimal, json: `1.50`, want: decimalOf("1.50")},
	{typ: schema.Decimal, json: `"x1"`, bad: `cannot convert "x1" to decimal`},

	{typ: schema.Bool, json: `true`, want: true},
	{typ: schema.Bool, json: `false`, want: false},
	{typ: schema.Bool, json: `"TRUE"`, want: true},
	{typ: schema.Bool, json: `"False"`, want: false},
	{typ: schema.Bool, json: `1`, want: true},
	{typ: schema.Bool, json: `0`, want: false},
	{typ: schema.Bool, json: `"1"`, want: true},
	{typ: schema.Bool, json: `2`, bad: "only 0 and 1"},
	{typ: schema.Bool, json: `"yes"`, bad: `cannot convert "yes" to bool`},

	{typ: schema.Datetime, json: `"2025-03-04T09:15:22.4411223Z"`, want: value.DatetimeOf(time.Date(2025, 3, 4, 9, 15, 22, 441122300, time.UTC))},
	{typ: schema.Datetime, json: `"2025-03-04T09:15:22Z"`, want: value.DatetimeOf(time.Date(2025, 3, 4, 9, 15, 22, 0, time.UTC))},
	{typ: schema.Datetime, json: `"2021-08-02T13:15:30.513652Z"`, want: value.DatetimeOf(time.Date(2021, 8, 2, 13, 15, 30, 513652000, time.UTC))},
	{typ: schema.Datetime, json: `"2025-03-04 09:15:22+01:00"`, want: value.DatetimeOf(time.Date(2025, 3, 4, 8, 15, 22, 0, time.UTC))},
	{typ: schema.Datetime, json: `"Tue, 4 Mar 2025 09:15:22 GMT"`, want: value.DatetimeOf(time.Date(2025, 3, 4, 9, 15, 22, 0, time.UTC))},
	{typ: schema.Datetime, json: `"2025-02-30T00:00:00Z"`, bad: `cannot convert "2025-02-30T00:00:00Z" to datetime`},
	{typ: schema.Datetime, json: `"13/03/2024, 3:40:13.988 pm"`, bad: `pass --time-format, e.g. --time-format "dd/MM/yyyy, h:mm:ss.fff tt"`},
	{typ: schema.Datetime, json: `1700000000`, bad: "cannot convert number 1700000000 to datetime"},

	{typ: schema.Timespan, json: `"01:02:03.5"`, want: value.Timespan(value.Hour + 2*value.Minute + 3*value.Second + 5*value.Second/10)},
	{typ: schema.Timespan, json: `"1.00:00:00"`, want: value.Timespan(value.Day)},
	{typ: schema.Timespan, json: `"5m"`, want: value.Timespan(5 * value.Minute)},
	{typ: schema.Timespan, json: `"soon"`, bad: `cannot convert "soon" to timespan`},

	{typ: schema.Guid, json: `"2B1C0F7E-9A4D-4C3E-8F6A-5B4C3D2E1F0A"`, want: "2b1c0f7e-9a4d-4c3e-8f6a-5b4c3d2e1f0a"},
	// As toguid(): https://learn.microsoft.com/kusto/query/toguid-function
	{typ: schema.Guid, json: `"{2b1c0f7e-9a4d-4c3e-8f6a-5b4c3d2e1f0a}"`, bad: "to guid"},
	{typ: schema.Guid, json: `"(2b1c0f7e-9a4d-4c3e-8f6a-5b4c3d2e1f0a)"`, bad: "to guid"},
	{typ: schema.Guid, json: `"2b1c0f7e9a4d-4c3e-8f6a-5b4c3d2e1f0a"`, want: "2b1c0f7e-9a4d-4c3e-8f6a-5b4c3d2e1f0a"},
	{typ: schema.Guid, json: `"2b1c0f7e9a4d4c3e8f6a5b4c3d2e1f0a"`, want: "2b1c0f7e-9a4d-4c3e-8f6a-5b4c3d2e1f0a"},
	{typ: schema.Guid, json: `"2b1c0f7e-9a4d-4c3e-8f6a-5b4c3d2e1f0g"`, bad: "to guid"},

	{typ: schema.Dynamic, json: `null`, want: nil},
	{typ: schema.Dynamic, json: `{"a": 1, "b": [2.5, "x"]}`, want: bag("a", int64(1), "b", []any{2.5, "x"})},
	{typ: schema.Dynamic, json: `"{\"query\": \"api.screenmeet.com\"}"`, want: bag("query", "api.screenmeet.com")},
	{typ: schema.Dynamic, json: `" [1, 2]"`, want: []any{int64(1), int64(2)}},
	{typ: schema.Dynamic, json: `"{not json"`, want: "{not json"},
	{typ: schema.Dynamic, json: `"plain"`, want: "plain"},
	{typ: schema.Dynamic, json: `"123"`, want: "123", jsonOnly: true},
	{typ: schema.Dynamic, json: `123`, want: int64(123)},
	{typ: schema.Dynamic, json: `false`, want: false},
}

// TestConvertJSON reads every case as a row of JSON lines, then checks
// the values and the count of those that did not convert.
func TestConvertJSON(t *testing.T) {
	runConvert(t, "jsonl", func(c convCase) string { return fmt.Sprintf(`{"V": %s}`, c.json) })
}

// TestConvertCSV reads the cases whose JSON is a string as CSV cells.
func TestConvertCSV(t *testing.T) {
	runConvert(t, "csv", func(c convCase) string {
		if !strings.HasPrefix(c.json, `"`) || strings.Contains(c.json, `\`) || c.jsonOnly {
			return ""
		}
		cell := c.json[1 : len(c.json)-1]
		return `"` + strings.ReplaceAll(cell, `"`, `""`) + `"`
	})
}

func runConvert(t *testing.T, ext string, row func(convCase) string) {
	for _, typ := range []schema.Type{schema.String, schema.Long, schema.Int, schema.Real, schema.Decimal, schema.Bool,
		schema.Datetime, schema.Timespan, schema.Guid, schema.Dynamic} {
		var cases []convCase
		var lines []string
		if ext == "csv" {
			lines = append(lines, "V")
		}
		for _, c := range convCases {
			if c.typ != typ {
				continue
			}
			if r := row(c); r != "" {
				cases = append(cases, c)
				lines = append(lines, r)
			}
		}
		if len(cases) == 0 {
			continue
		}
		tab := schema.NewTable("T", []schema.Column{{Name: "V", Type: typ}})
		path := writeFile(t, t.TempDir(), "T."+ext, []byte(strings.Join(lines, "\n")+"\n"))
		d := open(t, nil, map[string][]string{"T": {path}}, Options{})
		rows := readRows(t, d, tab, []int{0})
		if len(rows) != len(cases) {
			t.Fatalf("%s %s: %d rows, want %d", ext, typ, len(rows), len(cases))
		}
		st := d.Stats().Files[0]
		var bad int
		for i, c := range cases {
			got := rows[i][0]
			line := i + 1
			if ext == "csv" {
				line++
			}
			if c.bad != "" {
				if got != nil {
					t.Errorf("%s %s %s: got %#v, want null", ext, typ, c.json, got)
				}
				if bad < MaxReported {
					e := st.UnconvertedErrors[bad]
					if e.Line != line || e.Column != "V" || !strings.Contains(e.Reason, c.bad) {
						t.Errorf("%s %s %s: reported %v, want line %d and %q", ext, typ, c.json, e, line, c.bad)
					}
				}
				bad++
				continue
			}
			if !sameValue(got, c.want) {
				t.Errorf("%s %s %s: got %#v, want %#v", ext, typ, c.json, got, c.want)
			}
		}
		if st.Unconverted != int64(bad) {
			t.Errorf("%s %s: %d values did not convert, want %d: %v", ext, typ, st.Unconverted, bad, st.UnconvertedErrors)
		}
	}
}

// decimalOf parses a decimal that a test writes.
func decimalOf(s string) value.Decimal {
	d, ok := value.ParseDecimal(s)
	if !ok {
		panic("bad decimal " + s)
	}
	return d
}

func sameValue(a, b any) bool {
	if fa, ok := a.(float64); ok && math.IsNaN(fa) {
		fb, ok := b.(float64)
		return ok && math.IsNaN(fb)
	}
	return reflect.DeepEqual(a, b)
}

func TestConvertCSVSpecifics(t *testing.T) {
	tab := schema.NewTable("T", []schema.Column{
		{Name: "S", Type: schema.String}, {Name: "L", Type: schema.Long}, {Name: "D", Type: schema.Dynamic},
		{Name: "T", Type: schema.Datetime}, {Name: "B", Type: schema.Bool},
	})
	content := "\xef\xbb\xbfS,L,D,T,B\n" +
		",,,,\n" + // empty cells are null
		"\"multi\nline\",7,\"{\"\"a\"\": 1}\",2025-03-04T09:15:22.4411223Z,True\n" +
		"x,8,[1],2025-03-04 09:15:22,0\n" +
		"y,9,text,2025-03-04,false\n" +
		"z,10,123,2025-03-04,1\n"
	path := writeFile(t, t.TempDir(), "T.csv", []byte(content))
	d := open(t, nil, map[string][]string{"T": {path}}, Options{Strict: true})
	rows := readRows(t, d, tab, allCols(tab))
	want := [][]any{
		{"", nil, nil, nil, nil},
		{"multi\nline", int64(7), bag("a", int64(1)), value.DatetimeOf(time.Date(2025, 3, 4, 9, 15, 22, 441122300, time.UTC)), true},
		{"x", int64(8), []any{int64(1)}, value.DatetimeOf(time.Date(2025, 3, 4, 9, 15, 22, 0, time.UTC)), false},
		{"y", int64(9), "text", value.DatetimeOf(time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)), false},
		{"z", int64(10), int64(123), value.DatetimeOf(time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)), true},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n%#v\nwant\n%#v", rows, want)
	}
}

func TestLocaleTimestamps(t *testing.T) {
	tab := schema.NewTable("T", []schema.Column{{Name: "Timestamp", Type: schema.Datetime}, {Name: "N", Type: schema.Long}})
	content := "Timestamp,N\r\n" +
		"\"13/03/2024, 3:40:13.988 pm\",1\r\n" +
		"\"01/12/2024, 12:05:00.000 AM\",2\r\n" +
		"2024-03-13T15:40:13.988Z,3\r\n"
	path := writeFile(t, t.TempDir(), "T.csv", []byte(content))

	d := open(t, nil, map[string][]string{"T": {path}}, Options{})
	rows := readRows(t, d, tab, allCols(tab))
	if rows[0][0] != nil || rows[2][0] == nil {
		t.Errorf("without a time format: %v", rows)
	}
	st := d.Stats().Files[0]
	if st.Unconverted != 2 || st.UnconvertedErrors[0].Line != 2 ||
		!strings.Contains(st.UnconvertedErrors[0].Error(), `:2: column "Timestamp": cannot convert "13/03/2024, 3:40:13.988 pm" to datetime: not an ISO 8601 or RFC 822 timestamp; for a locale timestamp pass --time-format`) {
		t.Errorf("unconverted %v", st.UnconvertedErrors)
	}

	d = open(t, nil, map[string][]string{"T": {path}}, Options{TimeFormat: "dd/MM/yyyy, h:mm:ss.fff tt", Strict: true})
	rows = readRows(t, d, tab, allCols(tab))
	want := []value.Datetime{
		value.DatetimeOf(time.Date(2024, 3, 13, 15, 40, 13, 988e6, time.UTC)),
		value.DatetimeOf(time.Date(2024, 12, 1, 0, 5, 0, 0, time.UTC)),
		value.DatetimeOf(time.Date(2024, 3, 13, 15, 40, 13, 988e6, time.UTC)),
	}
	for i, w := range want {
		if rows[i][0] != w {
			t.Errorf("row %d: %v, want %v", i+1, rows[i][0], w)
		}
	}

	bad := writeFile(t, t.TempDir(), "T.csv", []byte("Timestamp,N\n\"13.03.2024 15:40\",1\n"))
	d = open(t, nil, map[string][]string{"T": {bad}}, Options{TimeFormat: "dd/MM/yyyy, h:mm:ss.fff tt", Strict: true})
	_, err := tryRows(d, tab, allCols(tab))
	if err == nil || !strings.Contains(err.Error(), `does not match --time-format "dd/MM/yyyy, h:mm:ss.fff tt"`) {
		t.Errorf("strict with a mismatching time format: err = %v", err)
	}
}

// TestStreamingRecordFill checks that TimeGenerated and TenantId come from
// a record's own time and tenantId when its row lacks them.
func TestStreamingRecordFill(t *testing.T) {
	tab := schema.NewTable("DeviceEvents", []schema.Column{
		{Name: "TimeGenerated", Type: schema.Datetime}, {Name: "TenantId", Type: schema.Guid}, {Name: "ReportId", Type: schema.Long},
	})
	content := `{"time": "2025-03-04T09:20:00.0000000Z", "tenantId": "00000000-0000-0000-0000-0000000000AA", "category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": 1}}
{"time": "2025-03-04T09:20:00.0000000Z", "tenantId": "x", "category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": 2, "TimeGenerated": "2025-01-01T00:00:00Z", "TenantId": "00000000-0000-0000-0000-0000000000bb"}}
`
	path := writeFile(t, t.TempDir(), "PT1H.json", []byte(content))
	d := open(t, []string{path}, nil, Options{Strict: true})
	rows := readRows(t, d, tab, allCols(tab))
	want := [][]any{
		{value.DatetimeOf(time.Date(2025, 3, 4, 9, 20, 0, 0, time.UTC)), "00000000-0000-0000-0000-0000000000aa", int64(1)},
		{value.DatetimeOf(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)), "00000000-0000-0000-0000-0000000000bb", int64(2)},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows %v, want %v", rows, want)
	}
}

// TestKeys checks how row keys are matched to columns: exactly, ignoring
// case, and as NAME_type; unknown keys are ignored.
func TestKeys(t *testing.T) {
	tab := schema.NewTable("T", []schema.Column{
		{Name: "DeviceName", Type: schema.String}, {Name: "ReportId", Type: schema.Long}, {Name: "devicename", Type: schema.String},
	})
	content := `{"DEVICENAME": "a", "reportid": 1, "Extra": {"x": 1}}
{"devicename": "b", "DeviceName": "c", "ReportId_string": "", "ReportId_long": 2}
{"ReportId": 3, "ReportId_long": 4, "Device\u004eame": "d"}
{"ReportId_long": 5, "ReportId_string": "6"}
`
	path := writeFile(t, t.TempDir(), "T.json", []byte(content))
	d := open(t, nil, map[string][]string{"T": {path}}, Options{Strict: true})
	rows := readRows(t, d, tab, allCols(tab))
	want := [][]any{
		{"a", int64(1), ""}, // no exact match: DEVICENAME folds to the first column
		{"c", int64(2), "b"},
		{"d", int64(3), ""},
		{"", int64(5), ""},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows %v, want %v", rows, want)
	}
}

// TestParseISOFast checks the fast datetime path against
// value.ParseDatetime on generated timestamps.
func TestParseISOFast(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		y, m, d := 1+rng.Intn(9999), 1+rng.Intn(13), 1+rng.Intn(32)
		s := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, rng.Intn(25), rng.Intn(61), rng.Intn(61))
		switch rng.Intn(4) {
		case 0:
			s += "Z"
		case 1:
			s += "." + fmt.Sprintf("%09d", rng.Intn(1e9))[:1+rng.Intn(9)] + "Z"
		case 2:
			s += fmt.Sprintf(".%07dZ", rng.Intn(1e7))
		default:
			s += "." + "Z"
		}
		want, wok := value.ParseDatetime(s)
		got, ok := parseISOFast([]byte(s))
		if ok && (!wok || got != want) {
			t.Fatalf("%s: fast path gives %v, %v; ParseDatetime %v, %v", s, got, ok, want, wok)
		}
		if !ok && wok && strings.HasSuffix(s, "Z") && !strings.HasSuffix(s, ".Z") {
			t.Fatalf("%s: fast path refuses a timestamp ParseDatetime reads", s)
		}
	}
}

func TestInterner(t *testing.T) {
	var in interner
	a := in.str([]byte("host-1"))
	b := in.str([]byte("host-2"))
	c := in.str([]byte("host-1"))
	if a != c || b != "host-2" || in.hits != 1 {
		t.Errorf("%q %q %q, hits %d", a, b, c, in.hits)
	}
	for i := 0; i < internProbe; i++ {
		in.str([]byte(fmt.Sprint("unique-", i)))
	}
	if !in.off {
		t.Error("interning stays on for unique values")
	}
	if got := in.str([]byte("unique-1")); got != "unique-1" {
		t.Errorf("%q after turning off", got)
	}
}
