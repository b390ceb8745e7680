package kql

import (
	"context"
	"math/rand/v2"
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

// TestPrefilterDifferentialParquet is TestPrefilterDifferential over the
// generated rows converted to Parquet: a Parquet row is prefiltered by its
// decoded string values (mixed case, the Kelvin sign, the long s, dotted
// and dotless i, empty and null values, nested values re-serialized into
// string columns), alone and routed in one pass (RunMany), in files of
// several row groups.
func TestPrefilterDifferentialParquet(t *testing.T) {
	c := &chooser{rng: rand.New(rand.NewPCG(11, 5))}
	var skipped int64
	for range 60 {
		skipped += prefilterCase(t, c, t.TempDir(), 20, true)
	}
	if skipped == 0 {
		t.Fatal("the prefilters dropped no Parquet row: the test does not exercise them")
	}
	t.Logf("%d Parquet rows dropped by prefilters", skipped)
}
