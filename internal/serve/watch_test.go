package serve

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log written by the watcher's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitRows waits until the store holds want rows of table.
func waitRows(t *testing.T, s *Server, table string, want int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.ingest.store.Rows()[table] != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s: expected %d rows ingested, got %d", table, want, s.ingest.store.Rows()[table])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWatch(t *testing.T) {
	watch, store := t.TempDir(), t.TempDir()
	// The streaming API's Storage layout.
	blob := filepath.Join(watch, "insights-logs-advancedhunting-devicenetworkevents", "resourceId=", "tenants", "t1",
		"y=2025", "m=03", "d=04", "h=10", "m=00", "PT1H.json")
	os.MkdirAll(filepath.Dir(blob), 0o755)
	writeFile(t, blob, rec("DeviceNetworkEvents", 1)+"\n"+rec("DeviceNetworkEvents", 2)+"\n")
	// Plain rows whose file names their table, and a gzipped file.
	writeFile(t, filepath.Join(watch, "DeviceProcessEvents.jsonl"), `{"Timestamp":"2025-03-04T10:00:00Z","ReportId":10}`+"\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(rec("DeviceEvents", 20) + "\n"))
	zw.Close()
	os.MkdirAll(filepath.Join(watch, "nested"), 0o755)
	os.WriteFile(filepath.Join(watch, "nested", "events.json.gz"), gz.Bytes(), 0o644)
	// Hidden files are not telemetry.
	writeFile(t, filepath.Join(watch, ".partial"), rec("DeviceNetworkEvents", 99)+"\n")
	log := &syncBuffer{}
	opts := Options{Store: store, Watch: []string{watch}, WatchInterval: 20 * time.Millisecond, Log: log}
	s, _ := newIngestServer(t, opts)
	waitRows(t, s, "DeviceNetworkEvents", 2)
	waitRows(t, s, "DeviceProcessEvents", 1)
	waitRows(t, s, "DeviceEvents", 1)

	// An append blob grows: its new part only is ingested.
	f, _ := os.OpenFile(blob, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(rec("DeviceNetworkEvents", 3) + "\n")
	f.Close()
	waitRows(t, s, "DeviceNetworkEvents", 3)
	if got := ids(t, s, "DeviceNetworkEvents"); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Fatalf("expected ReportIds [1 2 3], got %v", got)
	}
	s.Close()

	// A restart ingests nothing again; a file that appears meanwhile is
	// ingested.
	writeFile(t, filepath.Join(watch, "DeviceProcessEvents-2.jsonl"), `{"Timestamp":"2025-03-04T10:00:00Z","ReportId":11}`+"\n")
	s, _ = newIngestServer(t, opts)
	waitRows(t, s, "DeviceProcessEvents", 2)
	time.Sleep(100 * time.Millisecond) // several polls
	if got := ids(t, s, "DeviceNetworkEvents"); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Fatalf("after restart: expected ReportIds [1 2 3] once, got %v", got)
	}
	if got := ids(t, s, "DeviceEvents"); !slices.Equal(got, []int64{20}) {
		t.Fatalf("after restart: expected the gzipped file's row once, got %v", got)
	}

	// A file rewritten shorter is reported, not ingested again.
	writeFile(t, blob, rec("DeviceNetworkEvents", 4)+"\n")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(log.String(), "rewritten or cut") {
		if time.Now().After(deadline) {
			t.Fatalf("expected the rewritten file reported, got log %q", log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := s.ingest.store.Rows()["DeviceNetworkEvents"]; got != 3 {
		t.Fatalf("expected 3 rows still, got %d", got)
	}
}

// TestWatchWaitsForStableFiles: a file that changes between two polls is
// not read until it stops changing.
func TestWatchWaitsForStableFiles(t *testing.T) {
	watch := t.TempDir()
	s, _ := newIngestServer(t, Options{Store: t.TempDir()})
	w, err := newWatcher(&s.ingest, watch)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(watch, "DeviceEvents.jsonl")
	writeFile(t, path, `{"ReportId":1}`+"\n")
	ctx := t.Context()
	w.poll(ctx) // first sight
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"ReportId":2}` + "\n")
	f.Close()
	w.poll(ctx) // changed since: waits
	if n := s.ingest.store.Rows()["DeviceEvents"]; n != 0 {
		t.Fatalf("expected a changing file not read, got %d rows", n)
	}
	w.poll(ctx) // stable: read
	if n := s.ingest.store.Rows()["DeviceEvents"]; n != 2 {
		t.Fatalf("expected 2 rows once the file is stable, got %d", n)
	}
}

// TestWatchChunks checks that files larger than a batch, plain and
// gzipped, are stored in batches of whole lines, every row once, without
// holding a gzipped file's content whole.
func TestWatchChunks(t *testing.T) {
	defer func(n int) { maxWatchChunk = n }(maxWatchChunk)
	maxWatchChunk = 300 // a few records a batch
	watch, store := t.TempDir(), t.TempDir()
	var plain, content strings.Builder
	for i := 1; i <= 40; i++ {
		plain.WriteString(rec("DeviceNetworkEvents", i) + "\n")
		content.WriteString(rec("DeviceEvents", 100+i) + "\n")
	}
	writeFile(t, filepath.Join(watch, "network.json"), plain.String())
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(content.String()))
	zw.Close()
	os.WriteFile(filepath.Join(watch, "events.json.gz"), gz.Bytes(), 0o644)
	log := &syncBuffer{}
	s, _ := newIngestServer(t, Options{Store: store, Watch: []string{watch}, WatchInterval: 20 * time.Millisecond, Log: log})
	waitRows(t, s, "DeviceNetworkEvents", 40)
	waitRows(t, s, "DeviceEvents", 40)
	time.Sleep(100 * time.Millisecond) // several polls
	for table, first := range map[string]int64{"DeviceNetworkEvents": 1, "DeviceEvents": 101} {
		got := ids(t, s, table)
		if len(got) != 40 || got[0] != first || got[39] != first+39 {
			t.Errorf("%s: expected ReportIds %d to %d once each, got %v (log %q)", table, first, first+39, got, log.String())
		}
	}
}
