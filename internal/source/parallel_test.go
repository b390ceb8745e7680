package source

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// genLines writes n random lines of JSON lines: rows (or, with records,
// streaming records of DeviceNetworkEvents and DeviceEvents) of random
// lengths, with malformed lines, blank lines, values that do not convert,
// CRLF ends and, when long, a line past maxLine and one just under it.
func genLines(rng *rand.Rand, n int, records, long bool) []byte {
	var b strings.Builder
	if rng.Intn(2) == 0 {
		b.WriteString("\xef\xbb\xbf")
	}
	eol := func() {
		if rng.Intn(4) == 0 {
			b.WriteString("\r\n")
		} else {
			b.WriteString("\n")
		}
	}
	for i := range n {
		port := fmt.Sprint(rng.Intn(65536))
		if rng.Intn(20) == 0 {
			port = `"port"` // does not convert
		}
		row := fmt.Sprintf(`{"Timestamp":"2025-03-04T%02d:%02d:00Z","DeviceName":"%s","RemotePort":%s,"ReportId":%d,"AdditionalFields":{"k":%d}}`,
			rng.Intn(24), rng.Intn(60), strings.Repeat("d", rng.Intn(300)), port, i, rng.Intn(5))
		if records {
			table := "DeviceNetworkEvents"
			if rng.Intn(3) == 0 {
				table = "DeviceEvents"
			}
			row = fmt.Sprintf(`{"time":"2025-03-04T09:20:00Z","category":"AdvancedHunting-%s","properties":%s}`, table, row)
		}
		k := rng.Intn(30)
		if records && i == 0 {
			k = 29 // a record first, which tells the format
		}
		switch {
		case k == 0:
			b.WriteString("not json")
		case k == 1:
			b.WriteString(`{"DeviceName": "cut`)
		case k == 2:
			b.WriteString("  ")
		case k == 3:
			b.WriteString(row + ` trailing`)
		case long && i == n/3:
			b.WriteString(`{"DeviceName":"` + strings.Repeat("x", 300<<10) + `"}`)
		case long && i == n/2:
			b.WriteString(`{"ReportId":-1,"DeviceName":"` + strings.Repeat("y", 270<<10) + `"}`)
		default:
			b.WriteString(row)
		}
		if i < n-1 || rng.Intn(2) == 0 {
			eol()
		}
	}
	return []byte(b.String())
}

// scanAll reads every row of tab with cols, and the dataset's stats.
func scanAll(t *testing.T, paths []string, tab *schema.Table, cols []int, opts Options) ([][]any, Stats) {
	t.Helper()
	d := open(t, paths, nil, opts)
	rows, err := tryRows(d, tab, cols)
	if err != nil {
		t.Fatal(err)
	}
	return rows, d.Stats()
}

// TestParallelSameAsSequential checks that a scan on several threads
// gives exactly the rows, their order, the stats and the positions of
// problems of the sequential scan, over files cut into many chunks: plain
// rows and streaming records of two tables, gzip, CRLF, malformed lines,
// lines past the size limit, several files in a row.
func TestParallelSameAsSequential(t *testing.T) {
	defer func(c, m int) { chunkSize, maxLine = c, m }(chunkSize, maxLine)
	maxLine = 290 << 10
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(9))
	var paths []string
	for i, f := range []struct {
		records, gz, long bool
		n                 int
	}{
		{false, false, false, 3000},
		{true, false, false, 3000},
		{false, true, false, 2000},
		{true, true, true, 2000},
		{false, false, true, 3000},
		{false, false, false, 3},
	} {
		data := genLines(rng, f.n, f.records, f.long)
		name := fmt.Sprintf("d%d/DeviceNetworkEvents.json", i)
		if f.records {
			name = fmt.Sprintf("d%d/PT1H.json", i)
		}
		if f.gz {
			data = gzipBytes(t, data)
			name += ".gz"
		}
		paths = append(paths, writeFile(t, dir, name, data))
	}
	// A gzip file cut short: the rows before the damage, and the line
	// where it is.
	full := gzipBytes(t, genLines(rng, 2000, false, false))
	paths = append(paths, writeFile(t, dir, "cut/DeviceNetworkEvents.json.gz", full[:len(full)*2/3]))

	for _, table := range []string{"DeviceNetworkEvents", "DeviceEvents"} {
		tab := simpleTable(table)
		for _, cols := range [][]int{allCols(tab), {1, 3, 1}, nil} {
			for _, batch := range []int{0, 7} {
				chunkSize = 4 << 20
				want, wantStats := scanAll(t, paths, tab, cols, Options{Threads: 1, BatchSize: batch})
				if len(want) < 100 || wantStats.Skipped == 0 || wantStats.Unconverted == 0 && len(cols) == 5 {
					t.Fatalf("%s: the fixture is too tame: %d rows, %d skipped, %d unconverted", table, len(want), wantStats.Skipped, wantStats.Unconverted)
				}
				for _, chunk := range []int{1, 200, 5000, 64 << 10, 1 << 20} {
					chunkSize = chunk
					for _, threads := range []int{1, 2, 4, 8} {
						got, gotStats := scanAll(t, paths, tab, cols, Options{Threads: threads, BatchSize: batch})
						what := fmt.Sprintf("%s cols %v batch %d chunk %d threads %d", table, cols, batch, chunk, threads)
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("%s: %d rows differ from the sequential scan's %d", what, len(got), len(want))
						}
						if !reflect.DeepEqual(gotStats, wantStats) {
							t.Fatalf("%s: stats differ:\n%+v\nwant\n%+v", what, gotStats, wantStats)
						}
					}
				}
			}
		}
	}
}

// TestParallelRandomLines compares parallel and sequential scans over
// files of random line lengths, cut at random chunk sizes.
func TestParallelRandomLines(t *testing.T) {
	defer func(c int) { chunkSize = c }(chunkSize)
	dir := t.TempDir()
	tab := simpleTable("DeviceNetworkEvents")
	for seed := range int64(20) {
		rng := rand.New(rand.NewSource(seed))
		path := writeFile(t, dir, fmt.Sprintf("s%d/DeviceNetworkEvents.json", seed), genLines(rng, 1+rng.Intn(400), rng.Intn(2) == 0, false))
		chunkSize = 4 << 20
		want, wantStats := scanAll(t, []string{path}, tab, allCols(tab), Options{Threads: 1, BatchSize: 1 + rng.Intn(50)})
		chunkSize = 1 + rng.Intn(3000)
		threads := 2 + rng.Intn(6)
		got, gotStats := scanAll(t, []string{path}, tab, allCols(tab), Options{Threads: threads, BatchSize: 1 + rng.Intn(50)})
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotStats, wantStats) {
			t.Fatalf("seed %d, chunk %d, threads %d: the parallel scan differs from the sequential one", seed, chunkSize, threads)
		}
	}
}

// TestParallelEarlyStop checks that a parallel scan closed after its first
// batch (take 10) stops reading the file, and that one whose context is
// done returns the context's error.
func TestParallelEarlyStop(t *testing.T) {
	defer func(c int) { chunkSize = c }(chunkSize)
	chunkSize = 8 << 10
	dir := t.TempDir()
	path := writeFile(t, dir, "DeviceNetworkEvents.json", genLines(rand.New(rand.NewSource(1)), 40000, false, false))
	tab := simpleTable("DeviceNetworkEvents")
	d := open(t, []string{path}, nil, Options{Threads: 4})
	s, err := d.Scan(tab, allCols(tab))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := s.Next(context.Background()); err != nil || b == nil {
		t.Fatalf("first batch: %v, %v", b, err)
	}
	s.Close()
	fs := fileStats(t, d, path, "DeviceNetworkEvents")
	if fs.Complete || fs.Bytes >= fs.Size/2 {
		t.Errorf("a scan closed after one batch read %d of %d bytes (complete %v)", fs.Bytes, fs.Size, fs.Complete)
	}

	s, err = d.Scan(tab, allCols(tab))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := s.Next(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := s.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: %v, want context.Canceled", err)
	}
}

// TestParallelStrictIsSequential checks that under Strict a scan stops at
// the first problem, as the sequential one does, whatever Threads says.
func TestParallelStrictIsSequential(t *testing.T) {
	defer func(c int) { chunkSize = c }(chunkSize)
	chunkSize = 100
	dir := t.TempDir()
	path := writeFile(t, dir, "DeviceNetworkEvents.json", genLines(rand.New(rand.NewSource(3)), 300, false, false))
	tab := simpleTable("DeviceNetworkEvents")
	_, err1 := tryRows(open(t, []string{path}, nil, Options{Threads: 1, Strict: true}), tab, allCols(tab))
	_, err4 := tryRows(open(t, []string{path}, nil, Options{Threads: 4, Strict: true}), tab, allCols(tab))
	if err1 == nil || err4 == nil || err1.Error() != err4.Error() {
		t.Errorf("strict: %v with 1 thread, %v with 4", err1, err4)
	}
}

// TestParallelLineLimit checks lines around the size limit, with and
// without a final '\n', cut into chunks of several sizes: the parallel
// scan skips exactly the lines the sequential one does.
func TestParallelLineLimit(t *testing.T) {
	defer func(c, m int) { chunkSize, maxLine = c, m }(chunkSize, maxLine)
	maxLine = 300 << 10
	dir := t.TempDir()
	row := func(size int) string {
		pre := `{"ReportId":1,"DeviceName":"`
		return pre + strings.Repeat("x", size-len(pre)-2) + `"}`
	}
	tab := simpleTable("DeviceNetworkEvents")
	for i, last := range []int{maxLine - 1, maxLine, maxLine + 1} {
		var b strings.Builder
		for _, n := range []int{maxLine - 2, maxLine - 1, maxLine, maxLine + 1, 100} {
			b.WriteString(row(n) + "\n")
		}
		b.WriteString(row(last))
		path := writeFile(t, dir, fmt.Sprintf("l%d/DeviceNetworkEvents.json", i), []byte(b.String()))
		chunkSize = 4 << 20
		want, wantStats := scanAll(t, []string{path}, tab, []int{3}, Options{Threads: 1})
		if wantStats.Skipped == 0 {
			t.Fatalf("no line skipped: the fixture misses the limit")
		}
		for _, chunk := range []int{1000, 64 << 10, maxLine, 1 << 20} {
			chunkSize = chunk
			got, gotStats := scanAll(t, []string{path}, tab, []int{3}, Options{Threads: 2})
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotStats, wantStats) {
				t.Errorf("last line %d, chunk %d: %d rows, %d skipped; want %d, %d", last, chunk, len(got), gotStats.Skipped, len(want), wantStats.Skipped)
			}
		}
	}
}

// TestParallelPrefiltered checks that a prefiltered scan on several
// threads gives the rows and counts of the sequential prefiltered scan:
// each worker tests lines with a matcher of its own.
func TestParallelPrefiltered(t *testing.T) {
	defer func(c int) { chunkSize = c }(chunkSize)
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(4))
	paths := []string{
		writeFile(t, dir, "a/DeviceNetworkEvents.json", genLines(rng, 3000, false, false)),
		writeFile(t, dir, "b/PT1H.json", genLines(rng, 3000, true, false)),
	}
	tab := simpleTable("DeviceNetworkEvents")
	pre := prefilter.Term(strings.Repeat("d", 250))
	scan := func(threads int) ([][]any, Stats) {
		d := open(t, paths, nil, Options{Threads: threads})
		s, err := d.ScanPrefiltered(tab, allCols(tab), pre)
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
				break
			}
			for i := 0; i < b.N; i++ {
				rows = append(rows, b.Row(i))
			}
		}
		return rows, d.Stats()
	}
	chunkSize = 4 << 20
	want, wantStats := scan(1)
	if wantStats.Prefiltered == 0 || len(want) == 0 {
		t.Fatalf("the fixture is too tame: %d rows, %d prefiltered", len(want), wantStats.Prefiltered)
	}
	for _, chunk := range []int{300, 64 << 10} {
		chunkSize = chunk
		for _, threads := range []int{2, 4} {
			got, gotStats := scan(threads)
			if !reflect.DeepEqual(got, want) || gotStats.Prefiltered != wantStats.Prefiltered || gotStats.Rows != wantStats.Rows {
				t.Errorf("chunk %d threads %d: %d rows, %d prefiltered; want %d and %d", chunk, threads,
					len(got), gotStats.Prefiltered, len(want), wantStats.Prefiltered)
			}
		}
	}
}

// TestMappedFileCutShort checks that a file cut short while a parallel
// scan reads it through a memory mapping (where reading past the new end
// is a fault, not a read error) ends the scan with a data error naming the
// file, not a crash of the process.
func TestMappedFileCutShort(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("files are mapped on Linux only")
	}
	defer func(c int) { chunkSize = c }(chunkSize)
	chunkSize = 8 << 10
	dir := t.TempDir()
	path := writeFile(t, dir, "DeviceNetworkEvents.json", genLines(rand.New(rand.NewSource(1)), 40000, false, false))
	tab := simpleTable("DeviceNetworkEvents")
	d := open(t, []string{path}, nil, Options{Threads: 2})
	s, err := d.Scan(tab, allCols(tab))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if b, err := s.Next(context.Background()); err != nil || b == nil {
		t.Fatalf("first batch: %v, %v", b, err)
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	for {
		b, err := s.Next(context.Background())
		if err != nil {
			var de *DataError
			if !errors.As(err, &de) || de.File != path || !strings.Contains(err.Error(), "changed while it was read") {
				t.Fatalf("error %v, want a DataError of %s saying it changed", err, path)
			}
			return
		}
		if b == nil {
			t.Fatal("the scan of a file cut short to nothing while it was read ended without an error")
		}
	}
}
