package source

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// record returns a streaming API record of table with ReportId id, as
// Azure writes them, padded to about pad bytes.
func record(table string, id, pad int) string {
	return fmt.Sprintf(`{"time": "2025-03-04T09:20:00Z", "tenantId": "t", "operationName": "Publish", "category": "AdvancedHunting-%s", "properties": {"ReportId": %d, "DeviceName": "%s"}}`,
		table, id, strings.Repeat("d", pad))
}

// TestMixedStreamingFiles checks that every record of a file of streaming
// records reaches its table, whatever the mix and wherever a table
// starts: concatenated PT1H.json blobs, where a table's first record is
// far past the start, and Event Hub messages, one or several in a file,
// plain or gzip.
func TestMixedStreamingFiles(t *testing.T) {
	dir := t.TempDir()
	// Blob 1: 400 DeviceNetworkEvents records of ~300 bytes (120 KB), then
	// blob 2: DeviceProcessEvents and EmailEvents interleaved.
	var lines strings.Builder
	want := map[string][]int64{}
	add := func(table string, id int) string {
		want[table] = append(want[table], int64(id))
		return record(table, id, 200)
	}
	for i := 0; i < 400; i++ {
		lines.WriteString(add("DeviceNetworkEvents", i) + "\n")
	}
	for i := 400; i < 420; i++ {
		table := "DeviceProcessEvents"
		if i%3 == 0 {
			table = "EmailEvents"
		}
		lines.WriteString(add(table, i) + "\n")
	}
	var hub strings.Builder
	hub.WriteString(`{"records": [`)
	for i := 0; i < 400; i++ {
		if i > 0 {
			hub.WriteString(",\n")
		}
		table := "DeviceNetworkEvents"
		if i >= 390 {
			table = "IdentityLogonEvents"
		}
		hub.WriteString(add(table, 1000+i))
	}
	hub.WriteString("]}\n")
	hub.WriteString(`{"records": [` + add("AlertInfo", 2000) + "]}\n") // a second message in the same file
	files := []string{
		writeFile(t, dir, "a/PT1H.json", []byte(lines.String())),
		writeFile(t, dir, "b/message.json.gz", gzipBytes(t, []byte(hub.String()))),
	}
	for _, strict := range []bool{false, true} {
		d := open(t, []string{dir}, nil, Options{Strict: strict, BatchSize: 7})
		var tables []string
		for table := range want {
			tables = append(tables, table)
		}
		if got := d.Tables(); !sameSet(got, tables) {
			t.Fatalf("tables %v, want %v", got, tables)
		}
		for table, ids := range want {
			tab := simpleTable(table)
			rows := readRows(t, d, tab, colsOf(t, tab, "ReportId"))
			var got []int64
			for _, r := range rows {
				got = append(got, r[0].(int64))
			}
			if !reflect.DeepEqual(got, ids) {
				t.Errorf("%s: ReportIds %v, want %v", table, got, ids)
			}
		}
		st := d.Stats()
		if st.Skipped != 0 || len(st.Ignored) != 0 {
			t.Errorf("skipped %d, ignored %v", st.Skipped, st.Ignored)
		}
		for _, f := range st.Files {
			if f.OtherTables != 0 || !f.Complete {
				t.Errorf("%s %s: %+v", f.Path, f.Table, f)
			}
		}
	}
	_ = files
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

// TestBigEventHubStreams reads an Event Hub message of gzip that inflates
// to 96 MB with bounded memory: Open reads a prefix, and the index pass
// and the scan read one record at a time. Before, the document was read
// whole, twice.
func TestBigEventHubStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 96 MB through gzip")
	}
	const size = 96 << 20
	path := filepath.Join(t.TempDir(), "message.json.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	bw := bufio.NewWriter(zw)
	bw.WriteString(`{"records": [`)
	n, written, late := 0, 0, 0
	for written < size {
		if n > 0 {
			bw.WriteString(",\n")
		}
		table := "DeviceNetworkEvents"
		if written > size/2 && n%2 == 0 {
			table, late = "DeviceProcessEvents", late+1 // a table that starts half-way
		}
		k, _ := bw.WriteString(record(table, n, 300))
		written += k + 2
		n++
	}
	bw.WriteString("]}")
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	f.Close()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := open(t, []string{path}, nil, Options{})
	if !d.HasTable("DeviceProcessEvents") {
		t.Fatalf("tables %v", d.Tables())
	}
	tab := simpleTable("DeviceProcessEvents")
	s, err := d.Scan(tab, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for {
		b, err := s.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			break
		}
		rows += b.N
	}
	s.Close()
	runtime.ReadMemStats(&after)
	if rows != late {
		t.Errorf("%d DeviceProcessEvents rows, want %d", rows, late)
	}
	t.Logf("allocated %d KB", (after.TotalAlloc-before.TotalAlloc)>>10)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("reading a %d MB document allocated %d MB", size>>20, alloc>>20)
	}
}

var _ = io.EOF

// TestLongFirstRecord checks that a file of streaming records whose first
// record is longer than what Open looks at is still told a file of
// streaming records, rather than rows whose table the file name does not
// tell.
func TestLongFirstRecord(t *testing.T) {
	content := record("DeviceEvents", 1, 2*sniffSize) + "\n" + record("EmailEvents", 2, 10) + "\n"
	path := writeFile(t, t.TempDir(), "PT1H.json", []byte(content))
	d := open(t, []string{path}, nil, Options{Strict: true})
	if got := d.Tables(); !reflect.DeepEqual(got, []string{"DeviceEvents", "EmailEvents"}) {
		t.Errorf("tables %v", got)
	}
	for _, table := range []string{"DeviceEvents", "EmailEvents"} {
		if rows := readRows(t, d, simpleTable(table), nil); len(rows) != 1 {
			t.Errorf("%s: %d rows", table, len(rows))
		}
	}
}
