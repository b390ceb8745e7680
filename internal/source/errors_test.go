package source

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// badDataCase is a file with one malformed line or record in the middle.
type badDataCase struct {
	name    string // file name, which names the table
	content string
	rows    []int64 // ReportIds read around the bad part
	line    int     // line reported
	col     int     // byte column reported, 0 when none
	reason  string  // regexp the reason must match
}

var badDataCases = []badDataCase{
	{
		name: "DeviceNetworkEvents.jsonl",
		content: `{"ReportId": 1, "DeviceName": "a"}
{"ReportId": 2, "DeviceName": "b"}
{"ReportId": 3, "DeviceName": "c" "x": 1}
{"ReportId": 4, "DeviceName": "d"}
`,
		rows: []int64{1, 2, 4}, line: 3, col: 35, reason: `invalid JSON: expected ',' or '}' in object, got "\\""`,
	},
	{
		name:    "DeviceNetworkEvents.jsonl",
		content: "{\"ReportId\": 1}\n[1, 2]\n{\"ReportId\": 2}\n",
		rows:    []int64{1, 2}, line: 2, col: 1, reason: `expected a JSON object, got "\["`,
	},
	{
		name:    "DeviceNetworkEvents.jsonl",
		content: "{\"ReportId\": 1}\n{\"ReportId\": 2} trailing\n{\"ReportId\": 3}",
		rows:    []int64{1, 3}, line: 2, col: 17, reason: `unexpected text after the object: "trailing"`,
	},
	{
		name:    "DeviceNetworkEvents.jsonl",
		content: "{\"ReportId\": 1}\n{\"ReportId\": 2, \"DeviceName\": \"unterminated}\n{\"ReportId\": 3}\n",
		rows:    []int64{1, 3}, line: 2, col: 31, reason: `unterminated string`,
	},
	{
		name: "DeviceNetworkEvents.csv",
		content: "ReportId,DeviceName,RemotePort\r\n" +
			"1,a,443\r\n" +
			"2,b\r\n" +
			"3,c,80\r\n",
		rows: []int64{1, 3}, line: 3, reason: `expected 3 fields as in the header, got 2`,
	},
	{
		name: "DeviceNetworkEvents.csv",
		content: "ReportId,DeviceName,RemotePort\n" +
			"1,a,443\n" +
			"2,b\"x,80\n" +
			"3,c,80\n",
		rows: []int64{1, 3}, line: 3, col: 4, reason: `bare " in non-quoted-field`,
	},
	{
		name: "PT1H.json",
		content: `{"time": "2025-03-04T09:20:00Z", "category": "AdvancedHunting-DeviceNetworkEvents", "properties": {"ReportId": 1}}
{"time": "2025-03-04T09:20:00Z", "category": "AdvancedHunting-DeviceNetworkEvents", "properties": {"ReportId": 2,}}
{"time": "2025-03-04T09:20:00Z", "category": "AdvancedHunting-DeviceNetworkEvents", "properties": {"ReportId": 3}}
`,
		rows: []int64{1, 3}, line: 2, col: 114, reason: `invalid JSON: expected a member name, got "}"`,
	},
	{
		name: "message.json",
		content: `{
  "records": [
    {"category": "AdvancedHunting-DeviceNetworkEvents", "properties": {"ReportId": 1}},
    {"category": "AdvancedHunting-DeviceNetworkEvents", "properties": {"ReportId": 2}},
    {"category": "AdvancedHunting-DeviceNetworkEvents", "properties": {"ReportId": 3 "DeviceName": "x"}},
    {"category": "AdvancedHunting-DeviceNetworkEvents", "properties": {"ReportId": 4}}
  ]
}
`,
		rows: []int64{1, 2}, line: 5, col: 86, reason: `invalid JSON: expected ',' or '}' in object, got "\\""; the rest of the document is skipped`,
	},
	{
		name: "DeviceNetworkEvents.json",
		content: `[
  {"ReportId": 1},
  "not a row",
  {"ReportId": 2}
]`,
		rows: []int64{1, 2}, line: 3, col: 3, reason: `expected a JSON object, got a string`,
	},
}

func TestBadDataIsSkipped(t *testing.T) {
	tab := simpleTable("DeviceNetworkEvents")
	rid := colsOf(t, tab, "ReportId")
	for i, tc := range badDataCases {
		t.Run(fmt.Sprintf("%d_%s", i, tc.name), func(t *testing.T) {
			dir := t.TempDir()
			path := writeFile(t, dir, tc.name, []byte(tc.content))
			d := open(t, []string{path}, map[string][]string(nil), Options{})
			if !d.HasTable("DeviceNetworkEvents") {
				t.Fatalf("no table DeviceNetworkEvents in %v", d.Tables())
			}
			rows := readRows(t, d, tab, rid)
			var ids []int64
			for _, r := range rows {
				ids = append(ids, r[0].(int64))
			}
			if fmt.Sprint(ids) != fmt.Sprint(tc.rows) {
				t.Errorf("rows %v, want %v", ids, tc.rows)
			}
			st := fileStats(t, d, path, "DeviceNetworkEvents")
			if st.Skipped != 1 || len(st.SkippedErrors) != 1 || st.Rows != int64(len(tc.rows)) {
				t.Fatalf("stats %+v", st)
			}
			checkDataError(t, st.SkippedErrors[0], path, tc)

			// Strict: the same problem stops the scan.
			d = open(t, []string{path}, nil, Options{Strict: true})
			_, err := tryRows(d, tab, rid)
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("strict: err = %v, want a *DataError", err)
			}
			checkDataError(t, de, path, tc)
		})
	}
}

func checkDataError(t *testing.T, e *DataError, path string, tc badDataCase) {
	t.Helper()
	if e.File != path || e.Line != tc.line || e.Col != tc.col || e.Column != "" {
		t.Errorf("error at %s:%d:%d (column %q), want %s:%d:%d: %v", e.File, e.Line, e.Col, e.Column, path, tc.line, tc.col, e)
	}
	if !regexp.MustCompile(tc.reason).MatchString(e.Reason) {
		t.Errorf("reason %q does not match %q", e.Reason, tc.reason)
	}
	prefix := fmt.Sprintf("%s:%d:", path, tc.line)
	if !strings.HasPrefix(e.Error(), prefix) {
		t.Errorf("message %q does not start with %q", e.Error(), prefix)
	}
}

func TestSkippedAreCappedPerFile(t *testing.T) {
	var b bytes.Buffer
	for i := 1; i <= 20; i++ {
		if i%2 == 0 {
			fmt.Fprintf(&b, "{\"ReportId\": %d\n", i) // unterminated
		} else {
			fmt.Fprintf(&b, "{\"ReportId\": %d}\n", i)
		}
	}
	path := writeFile(t, t.TempDir(), "DeviceNetworkEvents.json", b.Bytes())
	tab := simpleTable("DeviceNetworkEvents")
	d := open(t, []string{path}, nil, Options{})
	if n := len(readRows(t, d, tab, colsOf(t, tab, "ReportId"))); n != 10 {
		t.Errorf("%d rows, want 10", n)
	}
	st := d.Stats()
	if st.Skipped != 10 || len(st.Files[0].SkippedErrors) != MaxReported || st.Files[0].SkippedErrors[4].Line != 10 {
		t.Errorf("skipped %d, first %v", st.Skipped, st.Files[0].SkippedErrors)
	}
}

func TestLongLine(t *testing.T) {
	defer func(old int) { maxLine = old }(maxLine)
	maxLine = 1000
	long := `{"ReportId": 2, "DeviceName": "` + strings.Repeat("x", 3*bufferSize) + `"}`
	content := "{\"ReportId\": 1}\n" + long + "\n{\"ReportId\": 3, \"DeviceName\": \"" + strings.Repeat("y", 900) + "\"}\n"
	path := writeFile(t, t.TempDir(), "DeviceNetworkEvents.jsonl", []byte(content))
	tab := simpleTable("DeviceNetworkEvents")
	d := open(t, []string{path}, nil, Options{})
	rows := readRows(t, d, tab, colsOf(t, tab, "ReportId", "DeviceName"))
	if len(rows) != 2 || rows[1][0] != int64(3) || len(rows[1][1].(string)) != 900 {
		t.Fatalf("rows %d", len(rows))
	}
	st := d.Stats().Files[0]
	if st.Skipped != 1 || st.SkippedErrors[0].Line != 2 || !strings.Contains(st.SkippedErrors[0].Reason, "longer than 1000 bytes") {
		t.Errorf("skipped %v", st.SkippedErrors)
	}

	// Lines longer than the read buffer but under the limit are read.
	maxLine = 64 << 20
	d = open(t, []string{path}, nil, Options{})
	rows = readRows(t, d, tab, colsOf(t, tab, "ReportId", "DeviceName"))
	if len(rows) != 3 || len(rows[1][1].(string)) != 3*bufferSize {
		t.Fatalf("rows %d", len(rows))
	}
}

func TestTruncatedGzip(t *testing.T) {
	var b bytes.Buffer
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "{\"ReportId\": %d, \"DeviceName\": \"host-%d\"}\n", i, i*7919%1000)
	}
	gz := gzipBytes(t, b.Bytes())
	path := writeFile(t, t.TempDir(), "DeviceNetworkEvents.json.gz", gz[:len(gz)/2])
	tab := simpleTable("DeviceNetworkEvents")
	d := open(t, []string{path}, nil, Options{})
	rows := readRows(t, d, tab, colsOf(t, tab, "ReportId"))
	if len(rows) == 0 || len(rows) >= 5000 {
		t.Errorf("%d rows from half a gzip file", len(rows))
	}
	st := d.Stats().Files[0]
	if st.Skipped != 1 || !strings.Contains(st.SkippedErrors[0].Reason, "the rest of the file is skipped") {
		t.Errorf("skipped %v", st.SkippedErrors)
	}
	d = open(t, []string{path}, nil, Options{Strict: true})
	if _, err := tryRows(d, tab, colsOf(t, tab, "ReportId")); err == nil {
		t.Error("strict: no error for a truncated gzip file")
	}
}

func TestDataErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		e    DataError
		want string
	}{
		{DataError{File: "a.json", Line: 3, Col: 7, Reason: "bad"}, "a.json:3:7: bad"},
		{DataError{File: "a.json", Line: 3, Column: "RemotePort", Reason: "bad"}, `a.json:3: column "RemotePort": bad`},
		{DataError{File: "a.json", Reason: "empty file"}, "a.json: empty file"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
	_ = filepath.Join
}
