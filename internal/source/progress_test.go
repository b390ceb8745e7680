package source

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

// TestProgress: Progress counts the bytes scans read from disk (gzip
// files by their compressed size) against the size of the files of the
// tables asked for.
func TestProgress(t *testing.T) {
	dir := t.TempDir()
	lines := strings.Repeat(rowLine, 200)
	plain := writeFile(t, dir, "DeviceEvents.json", []byte(lines))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(lines))
	zw.Close()
	writeFile(t, dir, "DeviceProcessEvents.json.gz", gz.Bytes())
	d := open(t, []string{dir}, nil, Options{BatchSize: 16})
	if read, total := d.Progress([]string{"deviceevents"}); read != 0 || total != int64(len(lines)) {
		t.Errorf("before scanning %s: read %d, total %d, want 0, %d", plain, read, total, len(lines))
	}
	all := []string{"DeviceEvents", "DeviceProcessEvents"}
	if _, total := d.Progress(all); total != int64(len(lines)+gz.Len()) {
		t.Errorf("total %d, want %d", total, len(lines)+gz.Len())
	}
	readRows(t, d, simpleTable("DeviceEvents"), nil)
	if read, _ := d.Progress(all); read != int64(len(lines)) {
		t.Errorf("after the plain file: read %d, want %d", read, len(lines))
	}
	readRows(t, d, simpleTable("DeviceProcessEvents"), nil)
	if read, total := d.Progress(all); read != total {
		t.Errorf("after both files: read %d of %d", read, total)
	}
}
