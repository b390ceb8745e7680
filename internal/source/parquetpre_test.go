package source

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// pqPreRow is a row of a Parquet file written by another tool: Plain is
// text without a dictionary, Dict with one, Flag a boolean read as a
// string, Opt an optional text, Num an optional long.
type pqPreRow struct {
	Plain string  `parquet:"Plain"`
	Dict  string  `parquet:"Dict,dict"`
	Flag  bool    `parquet:"Flag"`
	Opt   *string `parquet:"Opt,optional"`
	Num   *int64  `parquet:"Num,optional"`
}

var pqPreValues = []string{"", "ws-1", "HUNT-me", "a.hunt.b", "Hu", "nt", "\u212aelvin", "ca\u017fe", "B-A", "x\x00hunt", "ünïcode"}

func pqPreTable() *schema.Table {
	return schema.NewTable("T", []schema.Column{
		{Name: "Plain", Type: schema.String},
		{Name: "Dict", Type: schema.String},
		{Name: "Flag", Type: schema.String},
		{Name: "Opt", Type: schema.String},
		{Name: "Num", Type: schema.Long},
		{Name: "Missing", Type: schema.String},
		{Name: "PlainDyn", Type: schema.Dynamic},
	})
}

// writePQPre writes n rows of pqPreRow over several row groups.
func writePQPre(t testing.TB, dir string, n int) {
	t.Helper()
	var rows []pqPreRow
	for i := range n {
		r := pqPreRow{
			Plain: pqPreValues[i%len(pqPreValues)],
			Dict:  pqPreValues[(i/3)%len(pqPreValues)],
			Flag:  i%7 == 0,
		}
		if i%6 != 0 {
			x := int64(i)
			r.Num = &x
		}
		if i%4 == 1 {
			s := pqPreValues[(i*5)%len(pqPreValues)]
			r.Opt = &s
		}
		rows = append(rows, r)
	}
	var buf bytes.Buffer
	// Small pages, written a row at a time, so that a column chunk holds
	// several pages and a batch step spans them.
	w := parquet.NewGenericWriter[pqPreRow](&buf, parquet.MaxRowsPerRowGroup(48), parquet.PageBufferSize(16))
	for i := range rows {
		if _, err := w.Write(rows[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "T.parquet"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pqPreHolds is the reference: whether the row's string values (outputs
// 0 to 3 and 5) may satisfy term, ignoring ASCII case; a value with a
// character that folds to an ASCII letter holds every term.
func pqPreHolds(row []any, term string) bool {
	for _, o := range []int{0, 1, 2, 3, 5} {
		s, _ := row[o].(string)
		if strings.Contains(strings.ToLower(s), term) {
			return true
		}
		if strings.ContainsAny(s, "\u212a\u017f\u0130\u0131") && strings.ContainsAny(term, "iks") {
			return true
		}
	}
	return false
}

func scanPQAll(t *testing.T, s Scan, err error) [][]any {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var rows [][]any
	for {
		b, err := s.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			return rows
		}
		for i := 0; i < b.N; i++ {
			rows = append(rows, b.Row(i))
		}
	}
}

// TestParquetPrefilter: a prefiltered scan of a Parquet file keeps, in
// order, exactly the rows whose string values hold the terms (plain and
// dictionary pages, a boolean read as text, nulls, empty strings, a
// missing column, the Kelvin sign and the long s), counts the others as
// Prefiltered, and a routed scan gives each row its parts; --strict reads
// every row.
func TestParquetPrefilter(t *testing.T) {
	dir := t.TempDir()
	const n = 200
	writePQPre(t, dir, n)
	tab := pqPreTable()
	cols := allCols(tab)
	full := readRows(t, open(t, []string{dir}, nil, Options{Known: []string{"T"}}), tab, cols)
	if len(full) != n {
		t.Fatalf("%d rows, want %d", len(full), n)
	}
	path := filepath.Join(dir, "T.parquet")
	for _, term := range []string{"hunt", "true", "ks", "e", "zzz", "a.h"} {
		d := open(t, []string{dir}, nil, Options{Known: []string{"T"}})
		s, err := d.ScanPrefiltered(tab, cols, prefilter.Term(term))
		got := scanPQAll(t, s, err)
		var want [][]any
		for _, r := range full {
			if pqPreHolds(r, term) {
				want = append(want, r)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("term %q: got %d rows\n%v\nwant %d\n%v", term, len(got), got, len(want), want)
		}
		if fs := fileStats(t, d, path, "T"); fs.Prefiltered != int64(n-len(want)) || fs.Rows != int64(len(want)) {
			t.Fatalf("term %q: stats %+v, want %d prefiltered", term, fs, n-len(want))
		}
	}

	// An and across columns, and a routed scan of three parts.
	and := prefilter.And(prefilter.Term("hunt"), prefilter.Term("b-a"))
	parts := []*prefilter.Cond{prefilter.Term("hunt"), prefilter.Term("true"), and}
	d := open(t, []string{dir}, nil, Options{Known: []string{"T"}})
	s, err := d.ScanRouted(tab, cols, nil, parts)
	got := scanPQAll(t, s, err)
	var want [][]any
	for _, r := range full {
		var bits int64
		if pqPreHolds(r, "hunt") {
			bits |= 1
		}
		if pqPreHolds(r, "true") {
			bits |= 2
		}
		if pqPreHolds(r, "hunt") && pqPreHolds(r, "b-a") {
			bits |= 4
		}
		if bits != 0 {
			want = append(want, append(append([]any{}, r...), bits))
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("routed: got %d rows\n%v\nwant %d\n%v", len(got), got, len(want), want)
	}
	if len(want) == n || len(want) == 0 {
		t.Fatalf("routed: %d of %d rows kept: the test does not exercise the prefilter", len(want), n)
	}

	strict := open(t, []string{dir}, nil, Options{Known: []string{"T"}, Strict: true})
	s, err = strict.ScanPrefiltered(tab, cols, prefilter.Term("zzz"))
	if got := scanPQAll(t, s, err); len(got) != n {
		t.Fatalf("--strict: %d rows, want %d", len(got), n)
	}
}
