package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// testCols has one column of every type.
var testCols = []schema.Column{
	{Name: "Flag", Type: schema.Bool},
	{Name: "Small", Type: schema.Int},
	{Name: "Count", Type: schema.Long},
	{Name: "Ratio", Type: schema.Real},
	{Name: "Amount", Type: schema.Decimal},
	{Name: "Text", Type: schema.String},
	{Name: "Time", Type: schema.Datetime},
	{Name: "Span", Type: schema.Timespan},
	{Name: "Id", Type: schema.Guid},
	{Name: "Extra", Type: schema.Dynamic},
}

func date(s string) value.Datetime {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return value.DatetimeOf(t)
}

func dec(s string) value.Decimal {
	d, ok := value.ParseDecimal(s)
	if !ok {
		panic(s)
	}
	return d
}

func bag(kv ...any) *value.Bag {
	b := &value.Bag{}
	for i := 0; i < len(kv); i += 2 {
		b.Set(kv[i].(string), kv[i+1])
	}
	return b
}

// testRows are the rows of testCols, in two batches.
var testRows = [][]any{
	{true, int64(1), int64(42), 1.5, dec("0.10"), "plain", date("2026-11-20T12:00:00Z"),
		value.Timespan(90 * value.Minute), "6f1c5a7e-1b2c-4d3e-8f90-0a1b2c3d4e5f",
		bag("a", int64(1), "b", []any{int64(1), "x"})},
	{nil, nil, nil, nil, nil, "", nil, nil, nil, nil},
	{false, int64(-7), int64(-9007199254740993), math.NaN(), dec("-79228162514264337593543950335"), "He said \"hi\", then\nleft",
		date("2026-11-20T12:00:00.1234567Z"),
		-value.Timespan(2*value.Day + 3*value.Hour + 4*value.Minute + 5*value.Second + 1),
		"00000000-0000-0000-0000-000000000000", []any{int64(1), "ü", nil, true}},
	{true, int64(0), int64(0), 1e21, dec("12345678901234567890.123456789"), "Grüße, 東京\ttab", date("0001-01-01T00:00:00Z"),
		value.Timespan(0), "", "text"},
}

func testBatches() []*value.Batch {
	types := make([]schema.Type, len(testCols))
	for i, c := range testCols {
		types[i] = c.Type
	}
	var out []*value.Batch
	for _, part := range [][][]any{testRows[:2], testRows[2:]} {
		b := value.NewBatch(types, len(part))
		for _, row := range part {
			for j, v := range row {
				b.Cols[j].Append(v)
			}
		}
		b.N = len(part)
		out = append(out, b)
	}
	return out
}

func writeResult(t *testing.T, f Format, cols []schema.Column, batches []*value.Batch) string {
	t.Helper()
	var buf bytes.Buffer
	w := NewResultWriter(&buf, f)
	if err := w.Begin(cols); err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		if err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestResultJSON(t *testing.T) {
	const want = `[
{"Flag":true,"Small":1,"Count":42,"Ratio":1.5,"Amount":"0.10","Text":"plain","Time":"2026-11-20T12:00:00.0000000Z","Span":"01:30:00","Id":"6f1c5a7e-1b2c-4d3e-8f90-0a1b2c3d4e5f","Extra":{"a":1,"b":[1,"x"]}},
{"Flag":null,"Small":null,"Count":null,"Ratio":null,"Amount":null,"Text":"","Time":null,"Span":null,"Id":null,"Extra":null},
{"Flag":false,"Small":-7,"Count":-9007199254740993,"Ratio":"NaN","Amount":"-79228162514264337593543950335","Text":"He said \"hi\", then\nleft","Time":"2026-11-20T12:00:00.1234567Z","Span":"-2.03:04:05.0000001","Id":"00000000-0000-0000-0000-000000000000","Extra":[1,"ü",null,true]},
{"Flag":true,"Small":0,"Count":0,"Ratio":1E+21,"Amount":"12345678901234567890.123456789","Text":"Grüße, 東京\ttab","Time":"0001-01-01T00:00:00.0000000Z","Span":"00:00:00","Id":"","Extra":"text"}
]
`
	got := writeResult(t, JSON, testCols, testBatches())
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("json (-want +got):\n%s", diff)
	}
	if !json.Valid([]byte(got)) {
		t.Error("json output is not valid JSON")
	}
}

func TestResultJSONL(t *testing.T) {
	const want = `{"Flag":true,"Small":1,"Count":42,"Ratio":1.5,"Amount":"0.10","Text":"plain","Time":"2026-11-20T12:00:00.0000000Z","Span":"01:30:00","Id":"6f1c5a7e-1b2c-4d3e-8f90-0a1b2c3d4e5f","Extra":{"a":1,"b":[1,"x"]}}
{"Flag":null,"Small":null,"Count":null,"Ratio":null,"Amount":null,"Text":"","Time":null,"Span":null,"Id":null,"Extra":null}
{"Flag":false,"Small":-7,"Count":-9007199254740993,"Ratio":"NaN","Amount":"-79228162514264337593543950335","Text":"He said \"hi\", then\nleft","Time":"2026-11-20T12:00:00.1234567Z","Span":"-2.03:04:05.0000001","Id":"00000000-0000-0000-0000-000000000000","Extra":[1,"ü",null,true]}
{"Flag":true,"Small":0,"Count":0,"Ratio":1E+21,"Amount":"12345678901234567890.123456789","Text":"Grüße, 東京\ttab","Time":"0001-01-01T00:00:00.0000000Z","Span":"00:00:00","Id":"","Extra":"text"}
`
	got := writeResult(t, JSONL, testCols, testBatches())
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jsonl (-want +got):\n%s", diff)
	}
	for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("invalid JSON line %s", line)
		}
	}
}

func TestResultCSV(t *testing.T) {
	const want = "Flag,Small,Count,Ratio,Amount,Text,Time,Span,Id,Extra\n" +
		`true,1,42,1.5,0.10,plain,2026-11-20T12:00:00.0000000Z,01:30:00,6f1c5a7e-1b2c-4d3e-8f90-0a1b2c3d4e5f,"{""a"":1,""b"":[1,""x""]}"` + "\n" +
		",,,,,,,,,\n" +
		`false,-7,-9007199254740993,NaN,-79228162514264337593543950335,"He said ""hi"", then` + "\n" +
		`left",2026-11-20T12:00:00.1234567Z,-2.03:04:05.0000001,00000000-0000-0000-0000-000000000000,"[1,""ü"",null,true]"` + "\n" +
		"true,0,0,1E+21,12345678901234567890.123456789,\"Grüße, 東京\ttab\",0001-01-01T00:00:00.0000000Z,00:00:00,,\"\"\"text\"\"\"\n"
	got := writeResult(t, CSV, testCols, testBatches())
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("csv (-want +got):\n%s", diff)
	}
	// Reading it back gives the header and FormatText of every value.
	records, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantRecords := [][]string{{"Flag", "Small", "Count", "Ratio", "Amount", "Text", "Time", "Span", "Id", "Extra"}}
	for _, row := range testRows {
		var rec []string
		for j, v := range row {
			rec = append(rec, FormatText(testCols[j].Type, v))
		}
		wantRecords = append(wantRecords, rec)
	}
	if diff := cmp.Diff(wantRecords, records); diff != "" {
		t.Errorf("csv read back (-want +got):\n%s", diff)
	}
}

func TestResultTable(t *testing.T) {
	const want = `Flag   Small              Count  Ratio                          Amount  Text                      Time                          Span                 Id                                    Extra
-----  -----  -----------------  -----  ------------------------------  ------------------------  ----------------------------  -------------------  ------------------------------------  -------------------
true       1                 42    1.5                            0.10  plain                     2026-11-20T12:00:00.0000000Z  01:30:00             6f1c5a7e-1b2c-4d3e-8f90-0a1b2c3d4e5f  {"a":1,"b":[1,"x"]}

false     -7  -9007199254740993    NaN  -79228162514264337593543950335  He said "hi", then\nleft  2026-11-20T12:00:00.1234567Z  -2.03:04:05.0000001  00000000-0000-0000-0000-000000000000  [1,"ü",null,true]
true       0                  0  1E+21  12345678901234567890.123456789  Grüße, 東京\ttab            0001-01-01T00:00:00.0000000Z  00:00:00                                                   "text"
(4 rows)
`
	got := writeResult(t, Table, testCols, testBatches())
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

func TestResultEmpty(t *testing.T) {
	tests := []struct {
		f    Format
		want string
	}{
		{JSON, "[]\n"},
		{JSONL, ""},
		{CSV, "Flag,Small,Count,Ratio,Amount,Text,Time,Span,Id,Extra\n"},
		{Table, "Flag  Small  Count  Ratio  Amount  Text  Time  Span  Id  Extra\n" +
			"----  -----  -----  -----  ------  ----  ----  ----  --  -----\n" +
			"(0 rows)\n"},
	}
	for _, tt := range tests {
		// No batches, and one batch of no rows.
		empty := value.NewBatch(make([]schema.Type, len(testCols)), 0)
		for _, batches := range [][]*value.Batch{nil, {empty}} {
			if got := writeResult(t, tt.f, testCols, batches); got != tt.want {
				t.Errorf("%s, %d batches: got\n%q\nwant\n%q", tt.f, len(batches), got, tt.want)
			}
		}
	}
}

// TestTableCells checks escaping, truncation at 80 runes, rune-counted
// padding, a Const column and the one-row footer.
func TestTableCells(t *testing.T) {
	long := strings.Repeat("é", 90)
	cols := []schema.Column{{Name: "S", Type: schema.String}, {Name: "K", Type: schema.Long}}
	b := &value.Batch{N: 1, Cols: []*value.Column{value.NewColumn(schema.String, 1), value.ConstColumn(schema.Long, int64(7))}}
	b.Cols[0].Append("a\tb\r\n\x00\x7f\xffz \\path")
	b2 := &value.Batch{N: 1, Cols: []*value.Column{value.NewColumn(schema.String, 1), value.ConstColumn(schema.Long, nil)}}
	b2.Cols[0].Append(long)
	want := "S" + strings.Repeat(" ", 79) + "  K\n" +
		strings.Repeat("-", 80) + "  -\n" +
		`a\tb\r\n\x00\x7f` + "\ufffdz \\path" + strings.Repeat(" ", 80-24) + "  7\n" +
		strings.Repeat("é", 79) + "…\n" +
		"(2 rows)\n"
	if got := writeResult(t, Table, cols, []*value.Batch{b, b2}); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	one := &value.Batch{N: 1, Cols: []*value.Column{value.ConstColumn(schema.String, "x"), value.ConstColumn(schema.Long, int64(1))}}
	if got, want := writeResult(t, Table, cols, []*value.Batch{one}), "S  K\n-  -\nx  1\n(1 row)\n"; got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if got := cellText(strings.Repeat("x", 80)); got != strings.Repeat("x", 80) {
		t.Errorf("80 runes were cut: %q", got)
	}
	if got := cellText(strings.Repeat("x", 81)); got != strings.Repeat("x", 79)+"…" {
		t.Errorf("81 runes: %q", got)
	}
}

// TestCSVOneEmptyColumn checks that a row of one empty cell is not written
// as an empty line, which CSV readers skip.
func TestCSVOneEmptyColumn(t *testing.T) {
	cols := []schema.Column{{Name: "Dev", Type: schema.String}}
	b := &value.Batch{N: 3, Cols: []*value.Column{value.NewColumn(schema.String, 3)}}
	for _, s := range []string{"a", "", "b"} {
		b.Cols[0].Append(s)
	}
	got := writeResult(t, CSV, cols, []*value.Batch{b})
	if want := "Dev\na\n\"\"\nb\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	records, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil || len(records) != 4 {
		t.Errorf("read back %q, %v", records, err)
	}
}

// TestCellFunctionsAgree keeps the column fast paths in step with the
// boxed functions.
func TestCellFunctionsAgree(t *testing.T) {
	for _, b := range testBatches() {
		for j, c := range b.Cols {
			for i := 0; i < b.N; i++ {
				v := c.Get(i)
				if got, want := string(appendCellJSON(nil, c, i)), string(AppendJSONValue(nil, c.Type, v)); got != want {
					t.Errorf("column %s row %d: appendCellJSON %s, AppendJSONValue %s", testCols[j].Name, i, got, want)
				}
				if got, want := string(appendCellText(nil, c, i)), FormatText(c.Type, v); got != want {
					t.Errorf("column %s row %d: appendCellText %q, FormatText %q", testCols[j].Name, i, got, want)
				}
			}
		}
	}
}

func TestValueEncoding(t *testing.T) {
	tests := []struct {
		t          schema.Type
		v          any
		json, text string
	}{
		{schema.String, nil, `""`, ""},
		{schema.Long, nil, "null", ""},
		{schema.Real, 0.0, "0", "0"},
		{schema.Real, 1.5e-7, "1.5E-07", "1.5E-07"},
		{schema.Real, math.NaN(), `"NaN"`, "NaN"},
		{schema.Datetime, date("2026-11-20T12:00:00Z"), `"2026-11-20T12:00:00.0000000Z"`, "2026-11-20T12:00:00.0000000Z"},
		{schema.Timespan, value.Timespan(36*value.Hour + 1), `"1.12:00:00.0000001"`, "1.12:00:00.0000001"},
		{schema.String, "line\nbreak \"q\" \u2028", "\"line\\nbreak \\\"q\\\" \u2028\"", "line\nbreak \"q\" \u2028"},
		{schema.Dynamic, "s", `"s"`, `"s"`},
		{schema.Dynamic, 2.5, "2.5", "2.5"},
		{schema.Dynamic, 42.0, "42.0", "42.0"}, // a real inside dynamic keeps its point
		{schema.Dynamic, []any{1.0, int64(1), 1e-5, 1e20}, "[1.0,1,1E-05,1E+20]", "[1.0,1,1E-05,1E+20]"},
		{schema.Dynamic, math.Inf(1), `"Infinity"`, `"Infinity"`},
		{schema.Dynamic, value.Datetime(0), `"1970-01-01T00:00:00.0000000Z"`, `"1970-01-01T00:00:00.0000000Z"`},
		{schema.Dynamic, bag("k", bag(), "e", []any{}), `{"k":{},"e":[]}`, `{"k":{},"e":[]}`},
		{schema.Dynamic, nil, "null", ""},
		{schema.Unknown, []any{int64(1)}, "[1]", "[1]"},
		{schema.Int, 5, `"5"`, "5"}, // an int breaks the boxing rules: kept as text
	}
	for _, tt := range tests {
		if got := string(AppendJSONValue([]byte("x"), tt.t, tt.v)); got != "x"+tt.json {
			t.Errorf("AppendJSONValue(%s, %#v) = %s, want x%s", tt.t, tt.v, got, tt.json)
		}
		if got := FormatText(tt.t, tt.v); got != tt.text {
			t.Errorf("FormatText(%s, %#v) = %q, want %q", tt.t, tt.v, got, tt.text)
		}
	}
}

// testFindings come from two rules with different columns; the second rule
// has no tactics.
func testFindings() []*Finding {
	netCols := []schema.Column{
		{Name: "DeviceName", Type: schema.String},
		{Name: "Count", Type: schema.Long},
		{Name: "FirstSeen", Type: schema.Datetime},
		{Name: "Report", Type: schema.Dynamic},
	}
	procCols := []schema.Column{
		{Name: "Timestamp", Type: schema.Datetime},
		{Name: "DeviceName", Type: schema.String},
		{Name: "ProcessCommandLine", Type: schema.String},
	}
	net := func(dev string, n int64, reports any) *Finding {
		return &Finding{RuleID: "f413b02c", RuleName: "ScreenMeet, network", Severity: "Medium",
			Tactics: []string{"CommandAndControl"}, Techniques: []string{"T1219"},
			Columns: netCols, Row: []any{dev, n, date("2026-11-19T10:00:00Z"), reports}}
	}
	fs := []*Finding{
		net("wks-1", 2, []any{int64(7), int64(8)}),
		{RuleID: "r2", RuleName: "Encoded PowerShell", Severity: "High",
			Columns: procCols, Row: []any{date("2026-11-19T10:05:00.5Z"), "wks-2", `powershell -enc "SQBFAFgA", then exit`}},
		net("wks-3", 10, nil),
	}
	// The first rule maps its host (and a URL its output lacks); the
	// second has no mappings, so its well-known columns give entities.
	netMappings := []EntityMapping{
		{Type: "Host", Fields: []EntityField{{Identifier: "HostName", Column: "DeviceName"}}},
		{Type: "URL", Fields: []EntityField{{Identifier: "Url", Column: "RemoteUrl"}}},
	}
	for _, f := range fs {
		if f.RuleID == "f413b02c" {
			f.Entities = Entities(netMappings, f.Columns, f.Row)
		} else {
			f.Entities = Entities(nil, f.Columns, f.Row)
		}
	}
	return fs
}

func writeFindings(t *testing.T, f Format, fs []*Finding) string {
	t.Helper()
	var buf bytes.Buffer
	w := NewFindingWriter(&buf, f)
	for _, x := range fs {
		if err := w.Write(x); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestFindings(t *testing.T) {
	jsonl := `{"rule_id":"f413b02c","rule_name":"ScreenMeet, network","severity":"Medium","tactics":["CommandAndControl"],"techniques":["T1219"],"row":{"DeviceName":"wks-1","Count":2,"FirstSeen":"2026-11-19T10:00:00.0000000Z","Report":[7,8]},"entities":[{"type":"Host","identifier":"HostName","value":"wks-1","column":"DeviceName"}]}
{"rule_id":"r2","rule_name":"Encoded PowerShell","severity":"High","tactics":[],"techniques":[],"row":{"Timestamp":"2026-11-19T10:05:00.5000000Z","DeviceName":"wks-2","ProcessCommandLine":"powershell -enc \"SQBFAFgA\", then exit"},"entities":[{"type":"Host","identifier":"HostName","value":"wks-2","column":"DeviceName"},{"type":"Process","identifier":"CommandLine","value":"powershell -enc \"SQBFAFgA\", then exit","column":"ProcessCommandLine"}]}
{"rule_id":"f413b02c","rule_name":"ScreenMeet, network","severity":"Medium","tactics":["CommandAndControl"],"techniques":["T1219"],"row":{"DeviceName":"wks-3","Count":10,"FirstSeen":"2026-11-19T10:00:00.0000000Z","Report":null},"entities":[{"type":"Host","identifier":"HostName","value":"wks-3","column":"DeviceName"}]}
`
	tests := []struct {
		f    Format
		want string
	}{
		{JSONL, jsonl},
		{JSON, "[\n" + strings.ReplaceAll(strings.TrimSuffix(jsonl, "\n"), "}]}\n", "}]},\n") + "\n]\n"},
		// The timeline is sorted by time; wks-3 comes before wks-2.
		{CSV, "Timestamp,RuleId,RuleName,Severity,Tactics,Techniques,Host,Account,Entities,Details\n" +
			`2026-11-19T10:00:00.0000000Z,f413b02c,"ScreenMeet, network",Medium,CommandAndControl,T1219,wks-1,,Host.HostName=wks-1,"DeviceName=wks-1 | Count=2 | FirstSeen=2026-11-19T10:00:00.0000000Z | Report=[7,8]"` + "\n" +
			`2026-11-19T10:00:00.0000000Z,f413b02c,"ScreenMeet, network",Medium,CommandAndControl,T1219,wks-3,,Host.HostName=wks-3,DeviceName=wks-3 | Count=10 | FirstSeen=2026-11-19T10:00:00.0000000Z | Report=` + "\n" +
			`2026-11-19T10:05:00.5000000Z,r2,Encoded PowerShell,High,,,wks-2,,"Host.HostName=wks-2 | Process.CommandLine=powershell -enc ""SQBFAFgA"", then exit","Timestamp=2026-11-19T10:05:00.5000000Z | DeviceName=wks-2 | ProcessCommandLine=powershell -enc ""SQBFAFgA"", then exit"` + "\n"},
		// Grouped per rule, the most severe first, each with its own columns.
		{Table, `High  Encoded PowerShell (r2) · 1 finding
Timestamp                     DeviceName  ProcessCommandLine
----------------------------  ----------  -------------------------------------
2026-11-19T10:05:00.5000000Z  wks-2       powershell -enc "SQBFAFgA", then exit

Medium  ScreenMeet, network (f413b02c) · CommandAndControl · T1219 · 2 findings
DeviceName  Count  FirstSeen                     Report
----------  -----  ----------------------------  ------
wks-1           2  2026-11-19T10:00:00.0000000Z  [7,8]
wks-3          10  2026-11-19T10:00:00.0000000Z

(3 findings of 2 rules)
`},
	}
	for _, tt := range tests {
		got := writeFindings(t, tt.f, testFindings())
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.f, diff)
		}
		if tt.f == JSON && !json.Valid([]byte(got)) {
			t.Errorf("json findings are not valid JSON")
		}
		if tt.f == JSONL {
			for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
				if !json.Valid([]byte(line)) {
					t.Errorf("invalid JSON line %s", line)
				}
			}
		}
	}
}

func TestFindingsEmpty(t *testing.T) {
	tests := []struct {
		f    Format
		want string
	}{
		{JSON, "[]\n"},
		{JSONL, ""},
		{CSV, "Timestamp,RuleId,RuleName,Severity,Tactics,Techniques,Host,Account,Entities,Details\n"},
		{Table, "(0 findings)\n"},
	}
	for _, tt := range tests {
		if got := writeFindings(t, tt.f, nil); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{Table, CSV, JSON, JSONL, HTML} {
		for _, s := range []string{f.String(), strings.ToUpper(f.String())} {
			if f != HTML {
				if got, err := ParseFormat(s); err != nil || got != f {
					t.Errorf("ParseFormat(%q) = %v, %v", s, got, err)
				}
			}
			if got, err := ParseFindingFormat(s); err != nil || got != f {
				t.Errorf("ParseFindingFormat(%q) = %v, %v", s, got, err)
			}
		}
	}
	for _, s := range []string{"xml", "html"} { // html reports findings, not results
		_, err := ParseFormat(s)
		if want := `unknown format "` + s + `", expected table, csv, json or jsonl`; err == nil || err.Error() != want {
			t.Errorf("ParseFormat(%s) error = %v", s, err)
		}
	}
	_, err := ParseFindingFormat("xml")
	if err == nil || err.Error() != `unknown format "xml", expected table, csv, json, jsonl or html` {
		t.Errorf("ParseFindingFormat(xml) error = %v", err)
	}
}

// failWriter fails every write.
type failWriter struct{ n int }

var errDisk = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) { w.n++; return 0, errDisk }

func TestErrors(t *testing.T) {
	for _, f := range []Format{Table, CSV, JSON, JSONL, HTML} {
		w := NewResultWriter(&bytes.Buffer{}, f)
		if err := w.Write(testBatches()[0]); err == nil || err.Error() != "report: write before begin" {
			t.Errorf("%s: write before begin: %v", f, err)
		}
		w.Begin(testCols[:2])
		if err := w.Write(testBatches()[0]); err == nil || err.Error() != "report: batch has 10 columns, expected 2" {
			t.Errorf("%s: wrong batch: %v", f, err)
		}
		if err := w.End(); err != nil {
			t.Errorf("%s: end: %v", f, err)
		}
		if err := w.Write(testBatches()[0]); err == nil {
			t.Errorf("%s: write after end: no error", f)
		}

		// The first failure of the io.Writer is returned from then on.
		fw := &failWriter{}
		w = NewResultWriter(fw, f)
		err := w.Begin(testCols)
		if err == nil {
			err = w.Write(testBatches()[0])
		}
		if err == nil {
			err = w.End()
		}
		if !errors.Is(err, errDisk) {
			t.Errorf("%s: failing writer: %v", f, err)
		}
		if err := w.End(); !errors.Is(err, errDisk) {
			t.Errorf("%s: second end: %v", f, err)
		}

		fwr := NewFindingWriter(&bytes.Buffer{}, f)
		bad := &Finding{RuleID: "r", Columns: testCols[:2], Row: []any{true}}
		if err := fwr.Write(bad); err == nil || err.Error() != `report: finding of rule "r" has 1 values for 2 columns` {
			t.Errorf("%s: bad finding: %v", f, err)
		}
		fwr = NewFindingWriter(&failWriter{}, f)
		fwr.Write(testFindings()[0])
		if err := fwr.End(); !errors.Is(err, errDisk) {
			t.Errorf("%s: failing finding writer: %v", f, err)
		}
	}
}
