package source

import (
	"context"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/prefilter"
)

// scanRows reads every row of a prefiltered scan.
func scanRows(t *testing.T, d *Dataset, pre *prefilter.Cond) ([][]any, error) {
	t.Helper()
	tab := simpleTable("T")
	s, err := d.ScanPrefiltered(tab, []int{0, 1}, pre)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var rows [][]any
	for {
		b, err := s.Next(context.Background())
		if err != nil || b == nil {
			return rows, err
		}
		for i := 0; i < b.N; i++ {
			rows = append(rows, b.Row(i))
		}
	}
}

// TestScanPrefiltered: lines that fail the prefilter are skipped and
// counted as Prefiltered; a pass that skipped lines leaves no column
// statistics and gives way to a later pass that read them all; a cut-off
// line is still reported; --strict decodes every line.
func TestScanPrefiltered(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "T.jsonl", []byte(`{"Timestamp":"2026-01-01T00:00:00Z","DeviceName":"ws-1"}
{"Timestamp":"2026-01-02T00:00:00Z","DeviceName":"HUNT-me"}
{"Timestamp":"2026-01-03T00:00:00Z","DeviceName":"ws-\u0048unt"}
{"DeviceName": ws-6}
{"Timestamp":"2026-01-04T00:00:00Z","DeviceName":
{"Timestamp":"2026-01-05T00:00:00Z","DeviceName":"ws-5"}
`))
	pre := prefilter.Term("hunt")
	d := open(t, []string{dir}, map[string][]string{"T": {path}}, Options{})
	rows, err := scanRows(t, d, pre)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][1] != "HUNT-me" || rows[1][1] != "ws-Hunt" {
		t.Fatalf("rows %v, want the two that hold hunt", rows)
	}
	fs := fileStats(t, d, path, "T")
	if fs.Prefiltered != 3 || fs.Rows != 2 || fs.Skipped != 1 || fs.HasTime || len(fs.NonNull) != 0 {
		t.Fatalf("stats after a prefiltered pass: %+v", fs)
	}
	if _, err := scanRows(t, d, nil); err != nil {
		t.Fatal(err)
	}
	fs = fileStats(t, d, path, "T")
	if fs.Prefiltered != 0 || fs.Rows != 4 || fs.Skipped != 2 || !fs.HasTime || fs.NonNull["DeviceName"] != 4 {
		t.Fatalf("stats after a full pass: %+v", fs)
	}
	if _, err := scanRows(t, d, pre); err != nil {
		t.Fatal(err)
	}
	if fs2 := fileStats(t, d, path, "T"); fs2.Rows != 4 || fs2.Prefiltered != 0 {
		t.Fatalf("a prefiltered pass replaced a full one: %+v", fs2)
	}

	strict := open(t, []string{dir}, map[string][]string{"T": {path}}, Options{Strict: true})
	_, err = scanRows(t, strict, pre)
	if de, ok := err.(*DataError); !ok || de.Line != 4 {
		t.Fatalf("--strict: got %v, want the error of line 4, which fails the prefilter", err)
	}
}
