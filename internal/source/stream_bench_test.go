package source

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// writeBenchRecords writes the rows of writeBenchLines as streaming API
// records (PT1H.json), one per line, and returns the paths of both files
// and the row count.
func writeBenchRecords(b *testing.B, dir string, size int) (lines, records string, rows int) {
	lines, rows = writeBenchLines(b, dir, size)
	data, err := os.ReadFile(lines)
	if err != nil {
		b.Fatal(err)
	}
	records = filepath.Join(dir, "PT1H.json")
	f, err := os.Create(records)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\n"))
		if len(line) == 0 {
			continue
		}
		w.WriteString(`{"time":"2025-03-04T09:20:00.1234567Z","tenantId":"00000000-0000-0000-0000-000000000000","operationName":"Publish","category":"AdvancedHunting-DeviceNetworkEvents","properties":`)
		w.Write(line)
		w.WriteString("}\n")
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return lines, records, rows
}

// BenchmarkStreamingDecode scans the same 8 MB of DeviceNetworkEvents rows
// as JSON lines and as streaming API records, for a typical rule's
// columns, once the dataset is indexed: the decoding kernels of the two
// formats, which should cost about the same per row (compare the
// sub-benchmarks' ns/row).
func BenchmarkStreamingDecode(b *testing.B) {
	lines, records, rows := writeBenchRecords(b, b.TempDir(), 8<<20)
	tab := screenmeetTable(b, nil)
	cols := colsOf(b, tab, "Timestamp", "DeviceId", "DeviceName", "RemoteUrl", "InitiatingProcessVersionInfoCompanyName", "InitiatingProcessVersionInfoProductName", "ReportId")
	for _, bc := range []struct{ name, path string }{{"lines", lines}, {"records", records}} {
		b.Run(bc.name, func(b *testing.B) {
			info, err := os.Stat(bc.path)
			if err != nil {
				b.Fatal(err)
			}
			d := open(b, []string{bc.path}, map[string][]string{}, Options{Threads: 1})
			d.Index()
			b.SetBytes(info.Size())
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				countRows(b, d, tab, cols, rows)
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
			// The allocations are per batch and per distinct string, not
			// per row: well under one a row.
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*rows), "allocs/row")
		})
	}
}

// BenchmarkStreamingIndex opens and indexes 8 MB of streaming API records:
// the pass that lists the tables of a file of records before its scans.
func BenchmarkStreamingIndex(b *testing.B) {
	_, records, rows := writeBenchRecords(b, b.TempDir(), 8<<20)
	info, err := os.Stat(records)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := open(b, []string{records}, nil, Options{Threads: 1})
		if !d.HasTable("DeviceNetworkEvents") {
			b.Fatal("DeviceNetworkEvents not listed")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}
