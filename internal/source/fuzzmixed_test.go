package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mixedSeeds are small files of streaming records of several tables:
// concatenated PT1H.json blobs and Event Hub messages, one or several per
// file, with the problems the readers must report rather than drop.
var mixedSeeds = []string{
	`{"time": "2025-03-04T09:20:00Z", "category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": 1}}
{"time": "2025-03-04T09:20:00Z", "category": "AdvancedHunting-EmailEvents", "properties": {"ReportId": 2}}
{"time": "2025-03-04T09:20:00Z", "category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": 3}}
`,
	`{"category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": 1}}
not json
{"category": "AdvancedHunting-devicEEvents", "properties": {"ReportId": 2, "DeviceName": "a"}}
{"category": "AdvancedHunting-Device\u0045vents", "properties": {"ReportId": 3}}
{"c\u0061tegory": "AdvancedHunting-AlertInfo", "properties": {"ReportId": 4}}
{"category": "AdvancedHunting-AlertInfo", "category": 5, "properties": {"ReportId": 5}}
`,
	`{"records": [{"category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": 1}},
 {"category": "AdvancedHunting-IdentityLogonEvents", "properties": {"ReportId": 2}}]}
{"records": [{"category": "AdvancedHunting-AlertEvidence", "properties": {"ReportId": 3}}]}`,
	`{"records": [{"category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": 1}}, 7, {"category": "AdvancedHunting-EmailEvents", "properties": {"ReportId": 2}}]}`,
	`[{"category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": 1}}, {"category": "AdvancedHunting-EmailEvents", "properties": {"ReportId": 2}}]`,
	`{"records": [{"category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": 1}}, {"category": "AdvancedHunting-EmailEvents", "properties": {"ReportId": 2`,
}

// FuzzMixedStreaming reads fuzzed files of streaming records of mixed
// tables and checks that nothing panics and that every record of every
// table is read or reported: every table the file names is listed, and a
// scan meets no record of a table that is not (FileStats.OtherTables);
// rows counted in Stats are those the scans gave; and where an independent
// decoder (encoding/json) reads a line of records, or a whole Event Hub
// message, each table has exactly the rows it finds.
func FuzzMixedStreaming(f *testing.F) {
	for _, s := range mixedSeeds {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "PT1H.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := Open([]string{path}, nil, Options{BatchSize: 3})
		if errors.Is(err, ErrPanic) {
			t.Fatal(err)
		}
		if err != nil {
			return // a file Open refuses is reported, whole
		}
		got := map[string]int{}
		for _, table := range d.Tables() {
			tab := simpleTable(table)
			rows, err := tryRows(d, tab, allCols(tab))
			if err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			got[strings.ToLower(table)] += len(rows)
		}
		st := d.Stats()
		var n int64
		format := FormatUnknown
		for _, fs := range st.Files {
			n += fs.Rows
			format = fs.Format
			if fs.OtherTables != 0 {
				t.Errorf("%s: a scan met %d records of tables not listed (%v) among %v", fs.Table, fs.OtherTables, fs.OtherTableNames, d.Tables())
			}
		}
		total := 0
		for _, k := range got {
			total += k
		}
		if n != int64(total) {
			t.Errorf("stats count %d rows, scans gave %d", n, total)
		}
		want, ok := oracleCounts(data, format)
		if !ok {
			return
		}
		for table, k := range want {
			if got[table] != k {
				t.Errorf("table %q: %d rows read, encoding/json finds %d (all %v, read %v)", table, got[table], k, want, got)
			}
		}
	})
}

// oracleCounts counts, with encoding/json, the streaming records per
// table (lowercased) that a reader must read: for streaming records in
// JSON lines, those of the lines that are valid JSON; for a document, all
// of them when it is one valid {"records": [...]} message. ok is false
// when it cannot tell.
func oracleCounts(data []byte, format Format) (map[string]int, bool) {
	counts := map[string]int{}
	count := func(raw []byte) {
		if !json.Valid(raw) {
			return
		}
		// encoding/json matches keys ignoring case; the readers do not.
		// Take the last "category" and "properties" spelled exactly.
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			return
		}
		var cat string
		if json.Unmarshal(m["category"], &cat) != nil || !bytes.HasPrefix(bytes.Trim(m["properties"], " \t\r\n"), []byte("{")) {
			return
		}
		counts[strings.ToLower(string(categoryTable([]byte(cat))))]++
	}
	switch format {
	case FormatStorage:
		for i, line := range bytes.Split(data, []byte("\n")) {
			if i == 0 {
				line = bytes.TrimPrefix(line, utf8BOM)
			}
			line = bytes.Trim(line, " \t\r\n") // JSON's white space
			if len(line) > 0 && line[0] == '{' {
				count(line)
			}
		}
		return counts, true
	case FormatEventHub:
		var msg map[string]json.RawMessage
		if !json.Valid(data) || json.Unmarshal(bytes.TrimPrefix(data, utf8BOM), &msg) != nil || len(msg) != 1 {
			return nil, false
		}
		var recs []json.RawMessage
		if json.Unmarshal(msg["records"], &recs) != nil {
			return nil, false
		}
		for _, r := range recs {
			if bytes.HasPrefix(bytes.Trim(r, " \t\r\n"), []byte("{")) {
				count(r)
			}
		}
		return counts, true
	}
	return nil, false
}
