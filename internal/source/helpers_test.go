package source

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

const screenmeetDir = "testdata/screenmeet"

// screenmeetTable builds the DeviceNetworkEvents schema from the Schema
// array of the sample API response, with column types as the API gives
// them; retype changes the type of named columns.
func screenmeetTable(t testing.TB, retype map[string]schema.Type) *schema.Table {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(screenmeetDir, "advancedhunting_api_response.json"))
	if err != nil {
		t.Fatal(err)
	}
	var api struct{ Schema []struct{ Name, Type string } }
	if err := json.Unmarshal(data, &api); err != nil {
		t.Fatal(err)
	}
	var cols []schema.Column
	for _, c := range api.Schema {
		typ, ok := schema.ParseType(c.Type)
		if !ok {
			t.Fatalf("unknown type %q of %s", c.Type, c.Name)
		}
		if r, ok := retype[c.Name]; ok {
			typ = r
		}
		cols = append(cols, schema.Column{Name: c.Name, Type: typ})
	}
	if len(cols) != 40 {
		t.Fatalf("sample schema has %d columns, want 40", len(cols))
	}
	return schema.NewTable("DeviceNetworkEvents", cols)
}

// allCols returns 0..len(t.Columns)-1.
func allCols(t *schema.Table) []int {
	cols := make([]int, len(t.Columns))
	for i := range cols {
		cols[i] = i
	}
	return cols
}

// colsOf returns the indexes of the named columns of t.
func colsOf(t testing.TB, tab *schema.Table, names ...string) []int {
	t.Helper()
	var cols []int
	for _, n := range names {
		i := tab.Lookup(n)
		if i < 0 {
			t.Fatalf("no column %q", n)
		}
		cols = append(cols, i)
	}
	return cols
}

// readRows scans tab in d and returns every row, checking the batches'
// shape. It fails the test on an error.
func readRows(t testing.TB, d *Dataset, tab *schema.Table, cols []int) [][]any {
	t.Helper()
	rows, err := tryRows(d, tab, cols)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// tryRows is readRows returning the scan's error.
func tryRows(d *Dataset, tab *schema.Table, cols []int) ([][]any, error) {
	s, err := d.Scan(tab, cols)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var rows [][]any
	for {
		b, err := s.Next(context.Background())
		if err != nil {
			return rows, err
		}
		if b == nil {
			return rows, nil
		}
		if err := checkBatch(b, tab, cols); err != nil {
			return rows, err
		}
		for i := 0; i < b.N; i++ {
			rows = append(rows, b.Row(i))
		}
	}
}

// checkBatch checks that b's columns have the asked types and b.N values.
func checkBatch(b *value.Batch, tab *schema.Table, cols []int) error {
	if len(b.Cols) != len(cols) {
		return errors.New("wrong number of columns")
	}
	if b.N == 0 {
		return errors.New("empty batch")
	}
	for i, c := range b.Cols {
		if c.Type != tab.Columns[cols[i]].Type {
			return errors.New("column " + tab.Columns[cols[i]].Name + " has type " + c.Type.String())
		}
		if c.Len() != b.N || c.Nulls != nil && len(c.Nulls) != b.N {
			return errors.New("column " + tab.Columns[cols[i]].Name + " has the wrong length")
		}
	}
	return nil
}

// writeFile writes content to dir/name, creating folders, and returns the
// path.
func writeFile(t testing.TB, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(screenmeetDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// open opens paths, failing the test on an error.
func open(t testing.TB, paths []string, tables map[string][]string, opts Options) *Dataset {
	t.Helper()
	d, err := Open(paths, tables, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// fileStats returns the stats of path for table, failing when there are
// none.
func fileStats(t testing.TB, d *Dataset, path, table string) FileStats {
	t.Helper()
	for _, f := range d.Stats().Files {
		if f.Path == path && f.Table == table {
			return f
		}
	}
	t.Fatalf("no stats for %s, table %s, in %+v", path, table, d.Stats().Files)
	return FileStats{}
}

// simpleTable is a small table for inline fixtures.
func simpleTable(name string) *schema.Table {
	return schema.NewTable(name, []schema.Column{
		{Name: "Timestamp", Type: schema.Datetime},
		{Name: "DeviceName", Type: schema.String},
		{Name: "RemotePort", Type: schema.Int},
		{Name: "ReportId", Type: schema.Long},
		{Name: "AdditionalFields", Type: schema.Dynamic},
	})
}
