package source

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestFormatFromContent stores each sample format under a misleading name
// (and gzip-compressed under another) and checks it is still read.
func TestFormatFromContent(t *testing.T) {
	tab := screenmeetTable(t, nil)
	cols := colsOf(t, tab, "ReportId", "Timestamp", "RemoteUrl")
	misleading := map[Format]string{
		FormatAPI:      "DeviceNetworkEvents.csv",
		FormatCSV:      "DeviceNetworkEvents.json",
		FormatStorage:  "DeviceNetworkEvents.csv.gz",
		FormatEventHub: "DeviceNetworkEvents.jsonl",
	}
	for _, f := range screenmeetFiles {
		data := readSample(t, f.name)
		for _, gz := range []bool{false, true} {
			name := misleading[f.format]
			content := data
			if gz {
				name = strings.TrimSuffix(name, ".gz") + ".txt" // gzip whatever the name
				content = gzipBytes(t, data)
			}
			path := writeFile(t, t.TempDir(), name, content)
			d := open(t, []string{path}, nil, Options{Strict: true})
			rows := readRows(t, d, tab, cols)
			if len(rows) != f.rows {
				t.Errorf("%s as %s: %d rows, want %d", f.name, name, len(rows), f.rows)
			}
			st := fileStats(t, d, path, "DeviceNetworkEvents")
			if st.Format != f.format || st.Compressed != gz || st.Bytes != int64(len(data)) {
				t.Errorf("%s as %s: format %v, compressed %v, bytes %d; want %v, %v, %d", f.name, name, st.Format, st.Compressed, st.Bytes, f.format, gz, len(data))
			}
		}
	}
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		content string
		format  Format
		tables  []string
		rows    bool
	}{
		{`{"a": 1}` + "\n" + `{"a": 2}`, FormatJSONLines, nil, true},
		{"\xef\xbb\xbf" + `{"a": 1}`, FormatJSONLines, nil, true},
		{`{"a": 1`, FormatJSONLines, nil, true},
		{"{\n  \"a\": 1\n}\n", FormatJSONDoc, nil, true},
		{`[{"a": 1}]`, FormatJSONDoc, nil, true},
		{`[{"category": "AdvancedHunting-DeviceEvents", "properties": {}}]`, FormatJSONDoc, []string{"DeviceEvents"}, false},
		{`{"Stats": {}, "Schema": [], "Results": []}`, FormatAPI, nil, true},
		{`{"results": [{"a": 1}]}`, FormatAPI, nil, true},
		{`{"records": [{"category": "AdvancedHunting-DeviceEvents", "properties": {}}, {"category": "AdvancedHunting-EmailEvents", "properties": {}}]}`,
			FormatEventHub, []string{"DeviceEvents", "EmailEvents"}, false},
		{`{"category": "AdvancedHunting-AlertInfo", "properties": {}}` + "\n" + `{"category": "AdvancedHunting-AlertEvidence", "properties": {}}`,
			FormatStorage, []string{"AlertInfo", "AlertEvidence"}, false},
		{"Timestamp,DeviceName\r\n2025-01-01T00:00:00Z,a\r\n", FormatCSV, nil, true},
		{"\xef\xbb\xbfTimestamp,\"DeviceName\"\n", FormatCSV, nil, true},
		{"# Readme\n", FormatUnknown, nil, false},
		{"Just some text, and more\n", FormatUnknown, nil, false},
		{"PK\x03\x04rest", FormatUnknown, nil, false},
	} {
		path := writeFile(t, t.TempDir(), "f", []byte(tc.content))
		s, _, err := sniff(path)
		if err != nil {
			t.Fatal(err)
		}
		if s.format != tc.format || !reflect.DeepEqual(s.tables, tc.tables) || s.rows != tc.rows {
			t.Errorf("%q: sniffed %+v, want format %v, tables %v, rows %v", tc.content, s, tc.format, tc.tables, tc.rows)
		}
		if tc.format == FormatUnknown && s.reason == "" {
			t.Errorf("%q: no reason for an unknown format", tc.content)
		}
	}
}

const rowLine = `{"ReportId": 7, "DeviceName": "a"}` + "\n"

func TestTableDetection(t *testing.T) {
	record := func(table string) string {
		return `{"time": "2025-03-04T09:20:00Z", "category": "AdvancedHunting-` + table + `", "properties": {"ReportId": 7}}` + "\n"
	}
	for _, tc := range []struct {
		name    string
		files   map[string]string // relative path → content
		forced  map[string][]string
		tables  []string
		message string // Open's error, when one is expected
	}{
		{name: "category", files: map[string]string{"x/PT1H.json": record("DeviceEvents")}, tables: []string{"DeviceEvents"}},
		{name: "category wins over folder", files: map[string]string{"DeviceFileEvents/a.json": record("DeviceEvents")}, tables: []string{"DeviceEvents"}},
		{name: "file name", files: map[string]string{"devicenetworkevents.json": rowLine}, tables: []string{"DeviceNetworkEvents"}},
		{name: "file name with suffixes", files: map[string]string{"DeviceNetworkEvents.json.gz": rowLine, "DeviceEvents-2025-03-04.csv": "ReportId\n7\n"},
			tables: []string{"DeviceEvents", "DeviceNetworkEvents"}},
		{name: "folder", files: map[string]string{"DeviceNetworkEvents/part-0001.json": rowLine}, tables: []string{"DeviceNetworkEvents"}},
		{name: "far folder", files: map[string]string{"EmailEvents/2025/03/04/rows.json": rowLine}, tables: []string{"EmailEvents"}},
		{name: "container", files: map[string]string{"insights-logs-advancedhunting-deviceprocessevents/y=2025/m=03/d=04/h=09/m=00/PT1H.json": rowLine},
			tables: []string{"DeviceProcessEvents"}},
		{name: "unknown container table", files: map[string]string{"insights-logs-advancedhunting-newtable/PT1H.json": rowLine}, tables: []string{"newtable"}},
		{name: "--table", files: map[string]string{"export.json": rowLine}, forced: map[string][]string{"MyTable": {"export.json"}}, tables: []string{"MyTable"}},
		{name: "--table wins", files: map[string]string{"DeviceEvents.json": record("DeviceFileEvents")},
			forced: map[string][]string{"IdentityLogonEvents": {"DeviceEvents.json"}}, tables: []string{"IdentityLogonEvents"}},
		{name: "--table folder", files: map[string]string{"x/a.json": rowLine, "x/b.csv": "ReportId\n8\n"},
			forced: map[string][]string{"T": {"x"}}, tables: []string{"T"}},
		{name: "unknown", files: map[string]string{"data/export.json": rowLine},
			message: `cannot tell the table of DIR/data/export.json (JSON lines): name the file or a folder above it after the table, as in DeviceNetworkEvents.json, or pass --table NAME=DIR/data/export.json`},
		{name: "unknown csv", files: map[string]string{"export.csv": "A,B\n1,2\n", "DeviceEvents.json": rowLine}, message: `cannot tell the table of DIR/export.csv (CSV)`},
		{name: "hidden files", files: map[string]string{"DeviceEvents.json": rowLine, ".hidden.json": rowLine, ".git/x.json": rowLine},
			tables: []string{"DeviceEvents"}},
		{name: "not telemetry", files: map[string]string{"DeviceEvents.json": rowLine, "notes.md": "# notes\n", "empty.json": ""},
			tables: []string{"DeviceEvents"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for p, c := range tc.files {
				content := []byte(c)
				if strings.HasSuffix(p, ".gz") {
					content = gzipBytes(t, content)
				}
				writeFile(t, dir, p, content)
			}
			forced := map[string][]string{}
			for n, ps := range tc.forced {
				for _, p := range ps {
					forced[n] = append(forced[n], filepath.Join(dir, p))
				}
			}
			d, err := Open([]string{dir}, forced, Options{})
			if tc.message != "" {
				want := strings.ReplaceAll(tc.message, "DIR", dir)
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("err = %v, want %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Tables(); !reflect.DeepEqual(got, tc.tables) {
				t.Errorf("tables %v, want %v", got, tc.tables)
			}
			for _, name := range tc.tables {
				if !d.HasTable(strings.ToUpper(name)) {
					t.Errorf("HasTable(%q) is false", strings.ToUpper(name))
				}
				// A scan by any spelling of the name reads the rows.
				tab := simpleTable(strings.ToLower(name))
				if rows := readRows(t, d, tab, colsOf(t, tab, "ReportId")); len(rows) == 0 {
					t.Errorf("no rows for %s", name)
				}
			}
			if d.HasTable("NoSuchTable") {
				t.Error("HasTable(NoSuchTable) is true")
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notes := writeFile(t, dir, "notes.md", []byte("# notes\n"))
	if _, err := Open([]string{notes}, nil, Options{}); err == nil || !strings.Contains(err.Error(), notes+": not telemetry") {
		t.Errorf("a named file that is not telemetry: err = %v", err)
	}
	if _, err := Open([]string{filepath.Join(dir, "missing")}, nil, Options{}); !os.IsNotExist(err) {
		t.Errorf("a missing path: err = %v", err)
	}
	if _, err := Open(nil, nil, Options{TimeFormat: "dd/MM/yyyy 'unterminated"}); err == nil || !strings.Contains(err.Error(), "unterminated quoted text") {
		t.Errorf("a bad time format: err = %v", err)
	}
	a := writeFile(t, dir, "a.json", []byte(rowLine))
	if _, err := Open(nil, map[string][]string{"A": {a}, "B": {a}}, Options{}); err == nil || !strings.Contains(err.Error(), "given to --table as both A and B") {
		t.Errorf("a file given to two tables: err = %v", err)
	}
	var many []string
	for _, n := range []string{"1", "2", "3", "4", "5", "6", "7"} {
		many = append(many, writeFile(t, dir, "many/"+n+".json", []byte(rowLine)))
	}
	_, err := Open([]string{filepath.Join(dir, "many")}, nil, Options{})
	if err == nil || strings.Count(err.Error(), "cannot tell the table") != MaxReported || !strings.HasSuffix(err.Error(), "(and 2 more files)") {
		t.Errorf("many files without a table: err = %v", err)
	}
	// A file named both by --table and by a path is read once.
	d := open(t, []string{filepath.Join(dir, "many")}, map[string][]string{"DeviceEvents": {filepath.Join(dir, "many")}}, Options{})
	tab := simpleTable("DeviceEvents")
	if rows := readRows(t, d, tab, nil); len(rows) != len(many) {
		t.Errorf("%d rows, want %d", len(rows), len(many))
	}
}

func TestKnownTables(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "SigninLogs.json", []byte(rowLine))
	if _, err := Open([]string{path}, nil, Options{}); err == nil {
		t.Error("SigninLogs is not a Defender table, yet its file was read")
	}
	d := open(t, []string{path}, nil, Options{Known: []string{"SigninLogs", "AuditLogs"}})
	if got := d.Tables(); !reflect.DeepEqual(got, []string{"SigninLogs"}) {
		t.Errorf("tables %v", got)
	}
}

// TestMixedTables reads an Event Hub message holding two tables, and a
// Storage file whose later records are of a table Open did not see.
func TestMixedTables(t *testing.T) {
	dir := t.TempDir()
	msg := writeFile(t, dir, "hub/message.json", []byte(`{"records": [
		{"category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": 1}},
		{"category": "AdvancedHunting-EmailEvents", "properties": {"ReportId": 2}},
		{"category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": 3}}
	]}`))
	d := open(t, []string{msg}, nil, Options{})
	if got := d.Tables(); !reflect.DeepEqual(got, []string{"DeviceEvents", "EmailEvents"}) {
		t.Errorf("tables %v", got)
	}
	for table, want := range map[string]int{"DeviceEvents": 2, "EmailEvents": 1, "deviceevents": 2} {
		tab := simpleTable(table)
		if rows := readRows(t, d, tab, colsOf(t, tab, "ReportId")); len(rows) != want {
			t.Errorf("%s: %d rows, want %d", table, len(rows), want)
		}
	}
	if st := fileStats(t, d, msg, "EmailEvents"); st.Rows != 1 || st.OtherTables != 0 {
		t.Errorf("stats %+v", st)
	}

	var b strings.Builder
	b.WriteString(`{"category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": 1}}` + "\n")
	b.WriteString(strings.Repeat(" ", sniffSize) + "\n")
	b.WriteString(`{"category": "AdvancedHunting-EmailEvents", "properties": {"ReportId": 2}}` + "\n")
	late := writeFile(t, dir, "late/PT1H.json", []byte(b.String()))
	d = open(t, []string{late}, nil, Options{})
	if got := d.Tables(); !reflect.DeepEqual(got, []string{"DeviceEvents", "EmailEvents"}) {
		t.Errorf("a table whose records start after 64 KiB is not listed: %v", got)
	}
	for table, want := range map[string]int{"DeviceEvents": 1, "EmailEvents": 1} {
		tab := simpleTable(table)
		if rows := readRows(t, d, tab, colsOf(t, tab, "ReportId")); len(rows) != want {
			t.Errorf("%s: %d rows, want %d", table, len(rows), want)
		}
		if st := fileStats(t, d, late, table); st.OtherTables != 0 || st.Rows != int64(want) {
			t.Errorf("%s: stats %+v", table, st)
		}
	}
}

// TestStatsCountOnce scans a table twice and stops a third scan early.
func TestStatsCountOnce(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 100; i++ {
		b.WriteString(rowLine)
	}
	path := writeFile(t, t.TempDir(), "DeviceEvents.json", []byte(b.String()))
	d := open(t, []string{path}, nil, Options{BatchSize: 10})
	tab := simpleTable("DeviceEvents")
	s, err := d.Scan(tab, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bt, err := s.Next(context.Background()); err != nil || bt.N != 10 {
		t.Fatalf("first batch: %v, %v", bt, err)
	}
	s.Close()
	if st := d.Stats().Files[0]; st.Complete || !st.Scanned || st.Rows != 10 {
		t.Errorf("after a partial scan: %+v", st)
	}
	readRows(t, d, tab, nil)
	readRows(t, d, tab, nil)
	s, _ = d.Scan(tab, nil)
	s.Next(context.Background())
	s.Close()
	if st := d.Stats(); st.Rows != 100 || !st.Files[0].Complete || st.Files[0].Bytes != int64(b.Len()) {
		t.Errorf("after full scans: %+v", st)
	}
}

func TestScanErrors(t *testing.T) {
	path := writeFile(t, t.TempDir(), "DeviceEvents.json", []byte(rowLine))
	d := open(t, []string{path}, nil, Options{})
	tab := simpleTable("DeviceEvents")
	if _, err := d.Scan(tab, []int{5}); err == nil {
		t.Error("no error for a column index out of range")
	}
	// A column asked twice, and a table without data.
	rows := readRows(t, d, tab, []int{3, 1, 3})
	if len(rows) != 1 || rows[0][0] != int64(7) || rows[0][2] != int64(7) || rows[0][1] != "a" {
		t.Errorf("rows %v", rows)
	}
	if rows := readRows(t, d, simpleTable("EmailEvents"), []int{0}); len(rows) != 0 {
		t.Errorf("rows of a table without data: %v", rows)
	}
}

// TestConcurrentScans runs scans of one dataset at once; run with -race.
func TestConcurrentScans(t *testing.T) {
	tab := screenmeetTable(t, nil)
	d := open(t, []string{filepath.Join("..", "..", "examples", "formats")}, nil, Options{BatchSize: 2})
	done := make(chan int)
	for i := 0; i < 4; i++ {
		go func() {
			rows, err := tryRows(d, tab, allCols(tab))
			if err != nil {
				t.Error(err)
			}
			d.Stats()
			done <- len(rows)
		}()
	}
	for i := 0; i < 4; i++ {
		if n := <-done; n != 17 {
			t.Errorf("%d rows, want 17", n)
		}
	}
}
