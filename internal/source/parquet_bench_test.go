package source

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// BenchmarkScanParquet scans the rows of BenchmarkScanJSONLines written as
// Parquet (zstd, row groups of 64Ki rows), for the same columns: compare
// its ns/row with BenchmarkScanJSONLines'. The sub-benchmarks read the
// columns of the benchmark's workloads: the seed rule, dcount(RemoteUrl)
// by DeviceName, the sum by Protocol, arg_max(Timestamp, RemoteUrl) by
// DeviceId, a count and every column.
func BenchmarkScanParquet(b *testing.B) {
	path, rows, tab := writeBenchParquet(b, 8<<20)
	for _, bc := range []struct {
		name string
		cols []int
	}{
		{"rule", colsOf(b, tab, "Timestamp", "DeviceId", "DeviceName", "RemoteUrl", "InitiatingProcessVersionInfoCompanyName", "InitiatingProcessVersionInfoProductName", "ReportId")},
		{"strings", colsOf(b, tab, "DeviceName", "RemoteUrl")},
		{"ints", colsOf(b, tab, "RemotePort", "LocalPort", "Protocol")},
		{"argmax", colsOf(b, tab, "DeviceId", "Timestamp", "RemoteUrl")},
		{"count", nil},
		{"all", allCols(tab)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			d := open(b, []string{path}, nil, Options{})
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				countRows(b, d, tab, bc.cols, rows)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}

// writeBenchParquet writes size bytes of the rows of BenchmarkScanJSONLines as Parquet
// (zstd, row groups of 64Ki rows, dictionary-encoded text) and returns
// the file, its number of rows and its table.
func writeBenchParquet(b *testing.B, size int) (string, int, *schema.Table) {
	dir := b.TempDir()
	jsonPath, rows := writeBenchLines(b, dir, size)
	tab := screenmeetTable(b, nil)
	d := open(b, []string{jsonPath}, nil, Options{BatchSize: 8192})
	s, err := d.Scan(tab, allCols(tab))
	if err != nil {
		b.Fatal(err)
	}
	var batches []*value.Batch
	for {
		bt, err := s.Next(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if bt == nil {
			break
		}
		batches = append(batches, bt)
	}
	s.Close()
	path := filepath.Join(dir, "pq", "DeviceNetworkEvents.parquet")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := WriteParquet(f, tab, batches, ParquetOptions{}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path, rows, tab
}

// BenchmarkParquetPrefilter scans the seed rule's columns of 64 MiB of
// BenchmarkScanParquet's rows: whole ("none"), prefiltered by the seed
// rule's condition ("seed"), and routed for 200 queries of a has_any of
// three domains each, as the RMM pack's ("pack"). Compare the ns/row of
// seed and pack with none's.
func BenchmarkParquetPrefilter(b *testing.B) {
	path, rows, tab := writeBenchParquet(b, 64<<20)
	cols := colsOf(b, tab, "Timestamp", "DeviceId", "DeviceName", "RemoteUrl", "InitiatingProcessVersionInfoCompanyName", "InitiatingProcessVersionInfoProductName", "ReportId")
	seed := prefilter.And(prefilter.Term("screenmeet.com"), prefilter.Term("Projector Inc"), prefilter.Term("ScreenMeet"))
	var parts []*prefilter.Cond
	for i := range 200 {
		parts = append(parts, prefilter.Or(prefilter.Term(fmt.Sprintf("rmm%d.example", i)),
			prefilter.Term(fmt.Sprintf("relay-%d.tool.net", i)), prefilter.Term(fmt.Sprintf("agent%dsvc", i))))
	}
	parts[7] = prefilter.Term("screenmeet.com")
	for _, bc := range []struct {
		name string
		scan func(d *Dataset) (Scan, error)
	}{
		{"none", func(d *Dataset) (Scan, error) { return d.Scan(tab, cols) }},
		{"seed", func(d *Dataset) (Scan, error) { return d.ScanPrefiltered(tab, cols, seed) }},
		{"pack", func(d *Dataset) (Scan, error) { return d.ScanRouted(tab, cols, nil, parts) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			d := open(b, []string{path}, nil, Options{})
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s, err := bc.scan(d)
				if err != nil {
					b.Fatal(err)
				}
				drain(b, s)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}
