package serve

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
	"github.com/kqlhunt/kqlhunt/internal/clickhouse/chtest"
)

// TestIngestClickHouse: with --engine, the ingested rows reach ClickHouse
// once each, across a restart and a retried key, and paths waits for
// them.
func TestIngestClickHouse(t *testing.T) {
	url := chtest.Server(t, "kqlhunt_ingest")
	dir := t.TempDir()
	count := func() string {
		t.Helper()
		c, err := clickhouse.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		out, err := c.Query("SELECT count(), uniqExact(ReportId) FROM DeviceNetworkEvents", "TabSeparated")
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	s, h := newIngestServer(t, Options{Store: dir, Engine: url})
	body := rec("DeviceNetworkEvents", 1) + "\n" + rec("DeviceNetworkEvents", 2) + "\n"
	if code, a := post(t, h, "/ingest", "k1", body); code != 202 || a.Accepted != 2 {
		t.Fatalf("expected 2 accepted, got %d %+v", code, a)
	}
	if _, err := s.ingest.paths(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != "2\t2" {
		t.Fatalf("expected 2 rows in ClickHouse, got %q", got)
	}
	s.Close()
	// A crash after the load and before the marker was written: the
	// load ledger skips the files loaded.
	if err := os.Remove(filepath.Join(dir, "wal", "clickhouse.json")); err != nil {
		t.Fatal(err)
	}
	s, h = newIngestServer(t, Options{Store: dir, Engine: url})
	post(t, h, "/ingest", "k1", body) // a retry: stored once
	post(t, h, "/ingest", "k2", rec("DeviceNetworkEvents", 3)+"\n")
	if _, err := s.ingest.paths(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != "3\t3" {
		t.Fatalf("expected 3 distinct rows in ClickHouse once each, got %q", got)
	}
	// The same row again without a key, in another segment: stored
	// twice, as in the Parquet store, though its file's rows are those of
	// a file loaded before. It reaches ClickHouse within seconds, without
	// a query asking the store for its folders.
	post(t, h, "/ingest", "", rec("DeviceNetworkEvents", 3)+"\n")
	deadline := time.Now().Add(10 * time.Second)
	for got := count(); got != "4\t3"; got = count() {
		if time.Now().After(deadline) {
			t.Fatalf("expected 4 rows, 3 distinct, got %q", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
