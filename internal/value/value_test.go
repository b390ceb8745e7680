package value

import (
	"math"
	"testing"
	"time"
)

// https://learn.microsoft.com/kusto/query/scalar-data-types/datetime
// lists the formats datetime() literals and todatetime() accept.
func TestParseDatetime(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) Datetime {
		return DatetimeOf(time.Date(y, mo, d, h, mi, s, ns, time.UTC))
	}
	for _, c := range []struct {
		in   string
		want Datetime
	}{
		// ISO 8601
		{"2014-05-25T08:20:03.123456Z", utc(2014, 5, 25, 8, 20, 3, 123456000)},
		{"2014-05-25T08:20:03.123456", utc(2014, 5, 25, 8, 20, 3, 123456000)},
		{"2014-05-25T08:20", utc(2014, 5, 25, 8, 20, 0, 0)},
		{"2014-11-08 15:55:55.123456Z", utc(2014, 11, 8, 15, 55, 55, 123456000)},
		{"2014-11-08 15:55:55", utc(2014, 11, 8, 15, 55, 55, 0)},
		{"2014-11-08 15:55", utc(2014, 11, 8, 15, 55, 0, 0)},
		{"2014-11-08", utc(2014, 11, 8, 0, 0, 0, 0)},
		{"2025-03-04T09:15:22.4411223Z", utc(2025, 3, 4, 9, 15, 22, 441122300)},
		{"2025-03-04T09:15:22.44112239Z", utc(2025, 3, 4, 9, 15, 22, 441122300)}, // finer than a tick: truncated
		{"2015-12-31 23:59:59.9", utc(2015, 12, 31, 23, 59, 59, 900000000)},
		{"2024-01-01T02:00:00+02:00", utc(2024, 1, 1, 0, 0, 0, 0)},
		{"2024-01-01T00:00:00-0130", utc(2024, 1, 1, 1, 30, 0, 0)},
		// RFC 822
		{"Sat, 8 Nov 14 15:05:02 GMT", utc(2014, 11, 8, 15, 5, 2, 0)},
		{"Sat, 8 Nov 14 15:05:02", utc(2014, 11, 8, 15, 5, 2, 0)},
		{"Sat, 8 Nov 14 15:05", utc(2014, 11, 8, 15, 5, 0, 0)},
		{"Sat, 8 Nov 14 15:05 GMT", utc(2014, 11, 8, 15, 5, 0, 0)},
		{"8 Nov 14 15:05:02 GMT", utc(2014, 11, 8, 15, 5, 2, 0)},
		{"8 Nov 14 15:05", utc(2014, 11, 8, 15, 5, 0, 0)},
		// RFC 850
		{"Saturday, 08-Nov-14 15:05:02 GMT", utc(2014, 11, 8, 15, 5, 2, 0)},
		{"Saturday, 08-Nov-14 15:05:02", utc(2014, 11, 8, 15, 5, 2, 0)},
		{"Saturday, 08-Nov-14 15:05", utc(2014, 11, 8, 15, 5, 0, 0)},
		{"08-Nov-14 15:05:02 GMT", utc(2014, 11, 8, 15, 5, 2, 0)},
		{"08-Nov-14 15:05", utc(2014, 11, 8, 15, 5, 0, 0)},
		// Sortable
		{"2014-11-08 15:05:25 GMT", utc(2014, 11, 8, 15, 5, 25, 0)},
		{"2014-11-08T15:05:25 GMT", utc(2014, 11, 8, 15, 5, 25, 0)},
		// The range ends
		{"0001-01-01", MinDatetime},
		{"9999-12-31T23:59:59.9999999Z", MaxDatetime},
	} {
		got, ok := ParseDatetime(c.in)
		if !ok || got != c.want {
			t.Errorf("ParseDatetime(%q) = %v, %v; want %v", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{"", "2023-02-30", "2023-13-01", "2023-01-01T25:00", "yesterday", "13/03/2024, 3:40:13.988 pm", "2023-01-01T00:00:00+25:00", "Sat, 8 Foo 14 15:05"} {
		if d, ok := ParseDatetime(bad); ok {
			t.Errorf("ParseDatetime(%q) = %v, want failure", bad, d)
		}
	}
}

func TestDatetimeString(t *testing.T) {
	for _, c := range []struct {
		d    Datetime
		want string
	}{
		{0, "1970-01-01T00:00:00.0000000Z"},
		{-1, "1969-12-31T23:59:59.9999999Z"},
		{MinDatetime, "0001-01-01T00:00:00.0000000Z"},
		{MaxDatetime, "9999-12-31T23:59:59.9999999Z"},
		{DatetimeOf(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)), "2026-11-20T12:00:00.0000000Z"},
	} {
		if got := c.d.String(); got != c.want {
			t.Errorf("%d.String() = %q, want %q", int64(c.d), got, c.want)
		}
		if back, ok := ParseDatetime(c.want); !ok || back != c.d {
			t.Errorf("round trip of %q = %d", c.want, int64(back))
		}
	}
	// A tick count of 31241376000000000 is 0100-01-01, per the datetime page.
	if got := DatetimeFromTicks(31241376000000000).String(); got != "0100-01-01T00:00:00.0000000Z" {
		t.Errorf("ticks: %s", got)
	}
}

// https://learn.microsoft.com/kusto/query/scalar-data-types/timespan
func TestTimespan(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Timespan
	}{
		{"2d", Timespan(2 * Day)}, {"1.5h", Timespan(90 * Minute)}, {"30m", Timespan(30 * Minute)},
		{"10s", Timespan(10 * Second)}, {"0.1s", Timespan(100 * Millisecond)}, {"100ms", Timespan(100 * Millisecond)},
		{"10microsecond", Timespan(10 * Microsecond)}, {"1tick", 1}, {"15 seconds", Timespan(15 * Second)},
		{"2", Timespan(2 * Day)}, {"0.12:34:56.7", Timespan(12*Hour + 34*Minute + 56*Second + 700*Millisecond)},
		{"12:34", Timespan(12*Hour + 34*Minute)}, {"-1.00:00:00", Timespan(-Day)}, {"00:00:00.0000001", 1},
		{"5min", Timespan(5 * Minute)},
	} {
		got, ok := ParseTimespan(c.in)
		if !ok || got != c.want {
			t.Errorf("ParseTimespan(%q) = %d, %v; want %d", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{"", "5w", "abc", "25:00:00", "1:60"} {
		if v, ok := ParseTimespan(bad); ok {
			t.Errorf("ParseTimespan(%q) = %v, want failure", bad, v)
		}
	}
	for _, c := range []struct {
		t    Timespan
		want string
	}{
		{0, "00:00:00"}, {Timespan(Day + 2*Hour + 3*Minute + 4*Second), "1.02:03:04"},
		{Timespan(500 * Millisecond), "00:00:00.5000000"}, {-Timespan(90 * Minute), "-01:30:00"}, {1, "00:00:00.0000001"},
	} {
		if got := c.t.String(); got != c.want {
			t.Errorf("%d.String() = %q, want %q", int64(c.t), got, c.want)
		}
	}
}

// TestParseGUID pins toguid()'s conversion as
// https://learn.microsoft.com/kusto/query/toguid-function states it: the
// first 32 hex digits, hyphens ignored where the 8-4-4-4-12 form puts
// them, the rest of the string ignored; anything else is null. The page's
// own examples are the first two cases.
func TestParseGUID(t *testing.T) {
	for in, want := range map[string]string{
		"0123456789abcdef0123456789abcdef":       "01234567-89ab-cdef-0123-456789abcdef",
		"0123456789ab-cdef-0123-456789abcdef":    "01234567-89ab-cdef-0123-456789abcdef",
		"74BE27DE-1E4E-49D9-B579-FE0B331D3642":   "74be27de-1e4e-49d9-b579-fe0b331d3642",
		"74be27de1e4e49d9b579fe0b331d3642":       "74be27de-1e4e-49d9-b579-fe0b331d3642",
		"74be27de-1e4e-49d9-b579-fe0b331d3642}":  "74be27de-1e4e-49d9-b579-fe0b331d3642",
		"74be27de-1e4e-49d9-b579-fe0b331d3642zz": "74be27de-1e4e-49d9-b579-fe0b331d3642",
	} {
		if got, ok := ParseGUID(in); !ok || got != want {
			t.Errorf("ParseGUID(%q) = %q, %v, want %q", in, got, ok, want)
		}
		if g, ok := ParseGUIDBytes([]byte(in)); !ok || string(g[:]) != want {
			t.Errorf("ParseGUIDBytes(%q) = %q, %v, want %q", in, g[:], ok, want)
		}
	}
	for _, bad := range []string{"", "a string that is not a guid", "74be27de-1e4e-49d9-b579",
		"zzbe27de-1e4e-49d9-b579-fe0b331d3642", "74be27de+1e4e-49d9-b579-fe0b331d3642",
		"{74be27de-1e4e-49d9-b579-fe0b331d3642}", "(74be27de-1e4e-49d9-b579-fe0b331d3642)",
		" 74be27de-1e4e-49d9-b579-fe0b331d3642", "74be-27de-1e4e-49d9-b579-fe0b331d3642",
		"74be27de--1e4e-49d9-b579-fe0b331d3642", "-74be27de1e4e49d9b579fe0b331d3642"} {
		if g, ok := ParseGUID(bad); ok {
			t.Errorf("ParseGUID(%q) = %q, want not a guid", bad, g)
		}
		if _, ok := ParseGUIDBytes([]byte(bad)); ok {
			t.Errorf("ParseGUIDBytes(%q) accepted", bad)
		}
	}
}

func TestAppendReal(t *testing.T) {
	for f, want := range map[float64]string{
		1: "1", 1.5: "1.5", 0.1: "0.1", 1e15: "1E+15", 123456789012345: "123456789012345", 1e-5: "1E-05", 1e-4: "0.0001", 2.5e-5: "2.5E-05",
		1.5e-7: "1.5E-07", -2.25: "-2.25", 0: "0",
	} {
		if got := string(AppendReal(nil, f, false)); got != want {
			t.Errorf("AppendReal(%v) = %q, want %q", f, got, want)
		}
	}
	if got := string(AppendReal(nil, math.NaN(), true)); got != `"NaN"` {
		t.Errorf("NaN = %s", got)
	}
}

// TestDynamicReals checks that a real inside a dynamic value keeps a
// decimal point when it is whole (Kusto writes 42.0, series_floor's
// [-2.0,1.0,2.0]), that JSON text keeps 42 a long and 42.0 a real, and
// that the key text of grouping and deduplication still takes 1 and 1.0
// for one number.
func TestDynamicReals(t *testing.T) {
	for _, tt := range []struct {
		in, json, key string
	}{
		{"42", "42", "42"},
		{"42.0", "42.0", "42"},
		{"-3.0", "-3.0", "-3"},
		{"0.0", "0.0", "0"},
		{"0.5", "0.5", "0.5"},
		{"1e-5", "1E-05", "1E-05"},
		{"1e20", "1E+20", "1E+20"},
		{"1e15", "1E+15", "1E+15"},
		{"123456789012345.0", "123456789012345.0", "123456789012345"},
		{"[1, 1.0, 2.50]", "[1,1.0,2.5]", "[1,1,2.5]"},
		{`{"a": 7.0, "b": [0.0]}`, `{"a":7.0,"b":[0.0]}`, `{"a":7,"b":[0]}`},
	} {
		v, err := ParseJSON([]byte(tt.in))
		if err != nil {
			t.Fatalf("ParseJSON(%s): %v", tt.in, err)
		}
		if got := string(AppendJSON(nil, v)); got != tt.json {
			t.Errorf("AppendJSON(%s) = %s, want %s", tt.in, got, tt.json)
		}
		if got := string(AppendKeyJSON(nil, v)); got != tt.key {
			t.Errorf("AppendKeyJSON(%s) = %s, want %s", tt.in, got, tt.key)
		}
	}
	if v, _ := ParseJSON([]byte("42.0")); v != 42.0 {
		t.Errorf("ParseJSON(42.0) = %T %v, want the real 42", v, v)
	}
	if v, _ := ParseJSON([]byte("42")); v != int64(42) {
		t.Errorf("ParseJSON(42) = %T %v, want the long 42", v, v)
	}
	if got := string(AppendJSON(nil, math.Inf(-1))); got != `"-Infinity"` {
		t.Errorf("-Infinity = %s", got)
	}
}

func TestJSON(t *testing.T) {
	v, err := ParseJSON([]byte(` {"a": [1, -2.5, "x\u00e9\ud83d\ude00", true, null, {"b": 12345678901234567890}], "c": {}} `))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"a":[1,-2.5,"xé😀",true,null,{"b":1.2345678901234567E+19}],"c":{}}`
	if got := string(AppendJSON(nil, v)); got != want {
		t.Errorf("round trip:\n got %s\nwant %s", got, want)
	}
	bag := v.(*Bag)
	if arr, _ := bag.Get("a"); arr.([]any)[0] != int64(1) {
		t.Errorf("integer member is %T", arr.([]any)[0])
	}
	for _, bad := range []string{"", "{", `{"a":}`, "[1,]", `{"a" 1}`, "tru", `"\x"`, "01", "[1] 2"} {
		if _, err := ParseJSON([]byte(bad)); err == nil {
			t.Errorf("ParseJSON(%q) accepted", bad)
		}
	}
	if got := DynamicString("x"); got != "x" {
		t.Errorf("DynamicString of a string = %q", got)
	}
	if got := string(AppendQuoted(nil, "a\"b\\\n\x01\xff")); got != `"a\"b\\\n\u0001`+"\ufffd"+`"` {
		t.Errorf("AppendQuoted = %s", got)
	}
}

func TestColumn(t *testing.T) {
	for _, typ := range []struct {
		name string
		vals []any
	}{
		{"long", []any{int64(1), nil, int64(3)}},
		{"string", []any{"a", nil, "c"}},
		{"dynamic", []any{[]any{int64(1)}, nil, "s"}},
		{"datetime", []any{Datetime(5), nil, Datetime(7)}},
	} {
		tt, _ := schemaType(typ.name)
		col := NewColumn(tt, 0)
		for _, v := range typ.vals {
			col.Append(v)
		}
		for i, v := range typ.vals {
			got := col.Get(i)
			if v == nil && typ.name == "string" {
				v = "" // strings are never null
			}
			if AppendJSON(nil, got) == nil || string(AppendJSON(nil, got)) != string(AppendJSON(nil, v)) {
				t.Errorf("%s[%d] = %v, want %v", typ.name, i, got, v)
			}
			if wantNull := v == nil; col.IsNull(i) != wantNull {
				t.Errorf("%s[%d] IsNull = %v", typ.name, i, col.IsNull(i))
			}
		}
		taken := col.Take([]int{2, 1})
		if taken.Len() != 2 || string(AppendJSON(nil, taken.Get(0))) != string(AppendJSON(nil, col.Get(2))) || taken.IsNull(1) != col.IsNull(1) {
			t.Errorf("%s: Take", typ.name)
		}
	}
}
