package source

import (
	"bufio"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// writeBenchLines writes JSON lines of DeviceNetworkEvents rows shaped like
// the ScreenMeet sample, with varying values, until the file reaches size
// bytes, and returns its path and row count.
func writeBenchLines(b *testing.B, dir string, size int) (string, int) {
	path := filepath.Join(dir, "DeviceNetworkEvents.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewSource(1))
	actions := []string{"ConnectionSuccess", "ConnectionFailed", "InboundConnectionAccepted", "DnsConnectionInspected"}
	written, n := 0, 0
	for written < size {
		dev := rng.Intn(50)
		k, _ := fmt.Fprintf(w, `{"Timestamp":"2025-03-04T%02d:%02d:%02d.%07dZ","DeviceId":"%040x","DeviceName":"ws-%04d.contoso.local",`+
			`"ActionType":"%s","RemoteIP":"203.0.%d.%d","RemotePort":%d,"RemoteUrl":"host%d.example.com","LocalIP":"10.20.14.%d",`+
			`"LocalPort":%d,"Protocol":"Tcp","LocalIPType":"Private","RemoteIPType":"Public",`+
			`"InitiatingProcessSHA1":"%040x","InitiatingProcessSHA256":null,"InitiatingProcessMD5":"%032x",`+
			`"InitiatingProcessFileName":"proc%d.exe","InitiatingProcessFileSize":%d,"InitiatingProcessVersionInfoCompanyName":"Company %d",`+
			`"InitiatingProcessVersionInfoProductName":"Product %d","InitiatingProcessVersionInfoProductVersion":"1.0.%d.0",`+
			`"InitiatingProcessVersionInfoInternalFileName":"proc%d.exe","InitiatingProcessVersionInfoOriginalFileName":"proc%d.exe",`+
			`"InitiatingProcessVersionInfoFileDescription":"Process %d","InitiatingProcessId":%d,`+
			`"InitiatingProcessCommandLine":"\"proc%d.exe\" --session %d","InitiatingProcessCreationTime":"2025-03-04T09:00:01.1234567Z",`+
			`"InitiatingProcessFolderPath":"c:\\program files\\app%d\\proc%d.exe","InitiatingProcessParentFileName":"explorer.exe",`+
			`"InitiatingProcessParentId":%d,"InitiatingProcessParentCreationTime":"2025-03-04T08:00:00.0000000Z",`+
			`"InitiatingProcessAccountDomain":"contoso","InitiatingProcessAccountName":"user%d",`+
			`"InitiatingProcessAccountSid":"S-1-5-21-1111111111-2222222222-3333333333-%d","InitiatingProcessAccountUpn":"user%d@contoso.com",`+
			`"InitiatingProcessAccountObjectId":null,"InitiatingProcessIntegrityLevel":"Medium",`+
			`"InitiatingProcessTokenElevation":"TokenElevationTypeDefault","ReportId":%d,"AppGuardContainerId":"",`+
			`"AdditionalFields":null,"MachineGroup":null}`+"\n",
			rng.Intn(24), rng.Intn(60), rng.Intn(60), rng.Intn(1e7), dev, dev,
			actions[rng.Intn(len(actions))], rng.Intn(256), rng.Intn(256), []int{443, 80, 53}[rng.Intn(3)], rng.Intn(1000), dev,
			49152+rng.Intn(16000), rng.Intn(20), rng.Intn(20), rng.Intn(20), rng.Intn(1<<20),
			rng.Intn(20), rng.Intn(20), rng.Intn(20), rng.Intn(20), rng.Intn(20), rng.Intn(20), rng.Intn(1<<16),
			rng.Intn(20), rng.Intn(1000), rng.Intn(20), rng.Intn(20), rng.Intn(1<<16), dev, 1000+dev, dev, n)
		written += k
		n++
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path, n
}

// BenchmarkScanJSONLines scans about 8 MB of JSON lines of
// DeviceNetworkEvents for a typical rule's columns and for all of them.
func BenchmarkScanJSONLines(b *testing.B) {
	path, rows := writeBenchLines(b, b.TempDir(), 8<<20)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	tab := screenmeetTable(b, nil)
	for _, bc := range []struct {
		name string
		cols []int
	}{
		{"rule", colsOf(b, tab, "Timestamp", "DeviceId", "DeviceName", "RemoteUrl", "InitiatingProcessVersionInfoCompanyName", "InitiatingProcessVersionInfoProductName", "ReportId")},
		{"count", nil},
		{"all", allCols(tab)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			d := open(b, []string{path}, nil, Options{})
			b.SetBytes(info.Size())
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				countRows(b, d, tab, bc.cols, rows)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}

// BenchmarkScanThreads scans about 32 MB of JSON lines for a typical
// rule's columns on 1 and 2 threads: compare the two (benchstat) for the
// speedup of parallel decoding.
func BenchmarkScanThreads(b *testing.B) {
	path, rows := writeBenchLines(b, b.TempDir(), 32<<20)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	tab := screenmeetTable(b, nil)
	cols := colsOf(b, tab, "Timestamp", "DeviceId", "DeviceName", "RemoteUrl", "InitiatingProcessVersionInfoCompanyName", "InitiatingProcessVersionInfoProductName", "ReportId")
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			d := open(b, []string{path}, nil, Options{Threads: threads})
			b.SetBytes(info.Size())
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				countRows(b, d, tab, cols, rows)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
		})
	}
}

// countRows scans the columns cols of table tab in d to the end and fails
// unless it gives want rows.
func countRows(b *testing.B, d *Dataset, tab *schema.Table, cols []int, want int) {
	s, err := d.Scan(tab, cols)
	if err != nil {
		b.Fatal(err)
	}
	if n := drain(b, s); n != want {
		b.Fatalf("%d rows, want %d", n, want)
	}
}

// drain reads s to its end, closes it and returns how many rows it gave.
func drain(b *testing.B, s Scan) int {
	defer s.Close()
	n := 0
	for {
		bt, err := s.Next(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if bt == nil {
			return n
		}
		n += bt.N
	}
}
