package kql

import (
	"context"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// convertParquet converts the DeviceNetworkEvents rows of the data folder
// src to Parquet files (rowGroup rows per row group, dictionary-encoded
// text, as kqlhunt convert writes them) in a new folder, which it
// returns.
func convertParquet(t *testing.T, src string, cat *Catalog, rowGroup int) string {
	t.Helper()
	d, err := OpenData(DataOptions{Paths: []string{src}}, cat)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "parquet")
	w := source.NewDayWriter(cat.Table("DeviceNetworkEvents"), out, 5, source.ParquetOptions{RowGroupRows: int64(rowGroup)})
	if err := d.ReadTable(context.Background(), cat.Table("DeviceNetworkEvents"), w.Add); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// convertCSV writes the DeviceNetworkEvents rows of the data folder src
// as a CSV export (a header, a cell per column, empty for null) in a new
// folder, which it returns.
func convertCSV(t *testing.T, src string, cat *Catalog) string {
	t.Helper()
	d, err := OpenData(DataOptions{Paths: []string{src}}, cat)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "csv")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(out, "DeviceNetworkEvents.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f)
	tab := cat.Table("DeviceNetworkEvents")
	var header []string
	for _, c := range tab.Columns {
		header = append(header, c.Name)
	}
	if err := w.Write(header); err != nil {
		t.Fatal(err)
	}
	err = d.ReadTable(context.Background(), tab, func(b *Batch) error {
		for i := range b.N {
			rec := make([]string, len(tab.Columns))
			for j, v := range b.Row(i) {
				if v != nil {
					rec[j] = ValueString(tab.Columns[j].Type, v)
				}
			}
			if err := w.Write(rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPrefilterDifferentialFormats is TestPrefilterDifferential over the
// generated rows converted to Parquet (files of several row groups) and
// written as CSV: their rows are prefiltered by their decoded string
// values (mixed case, the Kelvin sign, the long s, dotted and dotless i,
// empty and null values, nested values re-serialized into string
// columns), alone and routed in one pass (RunMany).
func TestPrefilterDifferentialFormats(t *testing.T) {
	for i, format := range []string{"parquet", "csv"} {
		t.Run(format, func(t *testing.T) {
			c := &chooser{rng: rand.New(rand.NewPCG(11+uint64(i), 5+uint64(i)))}
			var skipped int64
			for range 60 {
				skipped += prefilterCase(t, c, t.TempDir(), 20, format)
			}
			if skipped == 0 {
				t.Fatalf("the prefilters dropped no %s row: the test does not exercise them", format)
			}
			t.Logf("%d %s rows dropped by prefilters", skipped, format)
		})
	}
}
