package source

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// writeCSVWithLongPart writes a CSV file of DeviceEvents rows 1..3 (lines
// 2-4), then on line 5 prefix followed by filler repeated up to size bytes,
// then rows 4 and 5, and returns its path.
func writeCSVWithLongPart(t *testing.T, prefix, filler string, size int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "DeviceEvents.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("ReportId,DeviceName\n1,a\n2,b\n3,c\n" + prefix)
	for n := 0; n < size; n += len(filler) {
		w.WriteString(filler)
	}
	w.WriteString("\n4,d\n5,e\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// TestCSVRecordCap checks that a CSV record longer than the cap (lowered
// here from MaxRecordSize to 1 MiB, on 8 MiB of input) is skipped and
// reported with its line, the rows around it read; that a stray quote,
// which makes the rest of the file one field, stops the file with the line
// where the field started; and that neither holds the long part in memory.
func TestCSVRecordCap(t *testing.T) {
	defer func(old int) { maxLine = old }(maxLine)
	maxLine = 1 << 20
	tab := simpleTable("DeviceEvents")
	cols := colsOf(t, tab, "ReportId")
	for _, c := range []struct {
		name, prefix, filler string
		ids                  []int64
		line                 int
		reason               string
	}{
		{"long line", "9,", strings.Repeat("x", 1<<10), []int64{1, 2, 3, 4, 5}, 5, "record longer than 1048576 bytes"},
		{"stray quote", "9,\"", "x,\n", []int64{1, 2, 3}, 5, "a quoted field starting on this line is longer than 1048576 bytes (a stray quote?); the rest of the file is skipped"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeCSVWithLongPart(t, c.prefix, c.filler, 8<<20)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			d := open(t, []string{path}, nil, Options{})
			rows := readRows(t, d, tab, cols)
			runtime.ReadMemStats(&after)
			var ids []int64
			for _, r := range rows {
				ids = append(ids, r[0].(int64))
			}
			if fmt.Sprint(ids) != fmt.Sprint(c.ids) {
				t.Errorf("ReportIds %v, want %v", ids, c.ids)
			}
			st := fileStats(t, d, path, "DeviceEvents")
			if st.Skipped != 1 || st.SkippedErrors[0].Line != c.line || st.SkippedErrors[0].Reason != c.reason {
				t.Errorf("skipped %d: %v", st.Skipped, st.SkippedErrors)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
			d = open(t, []string{path}, nil, Options{Strict: true})
			_, err := tryRows(d, tab, cols)
			var de *DataError
			if !errors.As(err, &de) || !strings.HasPrefix(err.Error(), fmt.Sprintf("%s:%d: ", path, c.line)) {
				t.Errorf("strict: err = %v", err)
			}
		})
	}
}

// TestExternalCSVRecordCap checks that externaldata's delimited reader
// has the same cap: a record over it is an error naming FILE:LINE, not
// gigabytes of memory, and a stray quote is read lazily, as Kusto does,
// up to the cap.
func TestExternalCSVRecordCap(t *testing.T) {
	defer func(old int) { maxLine = old }(maxLine)
	maxLine = 1 << 20
	cols := []schema.Column{{Name: "ReportId", Type: schema.Long}, {Name: "DeviceName", Type: schema.String}}
	for _, c := range []struct{ name, prefix, filler string }{
		{"long line", "9,", strings.Repeat("x", 1<<10)},
		{"stray quote", "9,\"", "x,\n"},
	} {
		path := writeCSVWithLongPart(t, c.prefix, c.filler, 4<<20)
		_, err := ReadExternalFile(path, cols, nil)
		if err == nil || !strings.HasPrefix(err.Error(), path+":5: ") || !strings.Contains(err.Error(), "longer than 1048576 bytes") {
			t.Errorf("%s: err = %v", c.name, err)
		}
		var de *DataError
		if errors.As(err, &de) {
			t.Errorf("%s: a *DataError would stop a hunt; externaldata fails its query only", c.name)
		}
	}
	// Under the cap, the lazy quotes of externaldata are kept.
	path := filepath.Join(t.TempDir(), "list.csv")
	os.WriteFile(path, []byte("1,a\"b\n2,\"c\"\"d\"\n3,\"e\"f\"\n"), 0o644)
	bs, err := ReadExternalFile(path, cols, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := 0; i < bs[0].N; i++ {
		got = append(got, fmt.Sprint(bs[0].Row(i)))
	}
	if want := []string{`[1 a"b]`, `[2 c"d]`, `[3 e"f]`}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows %q, want %q", got, want)
	}
}
