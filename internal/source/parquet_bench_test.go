package source

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

// BenchmarkScanParquet scans the rows of BenchmarkScanJSONLines written as
// Parquet (zstd, row groups of 64Ki rows), for the same columns: compare
// its ns/row with BenchmarkScanJSONLines'. The sub-benchmarks read the
// columns of the benchmark's workloads: the seed rule, dcount(RemoteUrl)
// by DeviceName, the sum by Protocol, arg_max(Timestamp, RemoteUrl) by
// DeviceId, a count and every column.
func BenchmarkScanParquet(b *testing.B) {
	dir := b.TempDir()
	jsonPath, rows := writeBenchLines(b, dir, 8<<20)
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
	batches = nil
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
