package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
	"github.com/kqlhunt/kqlhunt/internal/clickhouse/chtest"
)

// serverRows returns the rows of table on the server at url.
func serverRows(t *testing.T, url, table string) string {
	t.Helper()
	c, err := clickhouse.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Query("SELECT count(), max(_kqlhunt_row) FROM "+table, "TabSeparated")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// TestHuntOnClickHouse is the user story of issue 10 on Debian's
// ClickHouse server: load the README's telemetry, hunt with the seed rule
// on the server, and get the embedded engine's findings byte for byte;
// loading again adds nothing; a bad line is reported as FILE:LINE.
func TestHuntOnClickHouse(t *testing.T) {
	url := chtest.Server(t, "hunting")
	const now = "2025-03-05T00:00:00Z"
	code, _, errs := kqlhunt(t, "", "load", "--engine", url, "--data", "../../examples/telemetry")
	if code != 0 || !strings.Contains(errs, "loaded 23 rows from 2 files") {
		t.Fatalf("load: exit %d: %s", code, errs)
	}
	if got := serverRows(t, url, "DeviceNetworkEvents"); got != "23\t22" {
		t.Fatalf("after the load, count and max row: %q, want 23 and 22", got)
	}
	for _, format := range []string{"jsonl", "table", "csv"} {
		args := []string{"hunt", "--rules", "../../examples/rules/screenmeet_netconn.yaml", "--now", now, "--format", format}
		code, want, errs := kqlhunt(t, "", append(args, "--data", "../../examples/telemetry")...)
		if code != 0 {
			t.Fatalf("embedded hunt: exit %d: %s", code, errs)
		}
		code, got, errs := kqlhunt(t, "", append(args, "--engine", url)...)
		if code != 0 {
			t.Fatalf("hunt --engine: exit %d: %s", code, errs)
		}
		if got != want {
			t.Errorf("--format %s: findings on ClickHouse differ from the embedded engine's:\n%s\nwant:\n%s", format, got, want)
		}
		if format == "jsonl" && strings.Count(got, "\n") != 4 {
			t.Errorf("want the seed rule's 4 findings, got:\n%s", got)
		}
	}

	// The same query, on both engines.
	query := `DeviceNetworkEvents | where RemoteUrl has "screenmeet.com" | summarize n=count(), earliest=min(Timestamp) by DeviceName | sort by n desc`
	_, want, _ := kqlhunt(t, "", "query", "--data", "../../examples/telemetry", query)
	code, got, errs := kqlhunt(t, "", "query", "--engine", url, query)
	if code != 0 || got != want {
		t.Errorf("query --engine: exit %d (%s):\n%s\nwant:\n%s", code, errs, got, want)
	}
	code, _, errs = kqlhunt(t, "", "query", "--engine", url, "DeviceNetworkEvents | mv-expand x = pack_array(1, 2)")
	if code != 2 || !strings.Contains(errs, "'mv-expand' at 1:23 is not translated") {
		t.Errorf("an untranslated query: exit %d: %s", code, errs)
	}

	// Loading again skips every file.
	code, _, errs = kqlhunt(t, "", "load", "--engine", url, "--data", "../../examples/telemetry")
	if code != 0 || strings.Count(errs, "already loaded") != 2 || !strings.Contains(errs, "loaded 0 rows") {
		t.Fatalf("second load: exit %d: %s", code, errs)
	}
	if got := serverRows(t, url, "DeviceNetworkEvents"); got != "23\t22" {
		t.Errorf("after loading again, count and max row: %q, want 23 and 22", got)
	}

	// A bad line is reported with its file and line; the other rows load,
	// numbered after those already there.
	dir := t.TempDir()
	path := filepath.Join(dir, "DeviceNetworkEvents.jsonl")
	good := `{"Timestamp": "2025-03-04T09:00:00Z", "DeviceName": "x", "RemoteUrl": "a.example"}` + "\n"
	os.WriteFile(path, []byte(good+`{"Timestamp": "2025-03-04T09:00:00Z", "RemoteUrl": `+"\n"+good), 0o644)
	code, _, errs = kqlhunt(t, "", "load", "--engine", url, "--data", dir)
	if code != 0 || !strings.Contains(errs, path+":2:") || !strings.Contains(errs, "loaded 2 rows") {
		t.Errorf("a bad line: exit %d: %s", code, errs)
	}
	if got := serverRows(t, url, "DeviceNetworkEvents"); got != "25\t24" {
		t.Errorf("after the file with a bad line, count and max row: %q, want 25 and 24", got)
	}
	code, _, errs = kqlhunt(t, "", "load", "--strict", "--engine", url, "--data", dir)
	if code != 0 || !strings.Contains(errs, "already loaded") {
		t.Errorf("a file loaded already is skipped before it is read: exit %d: %s", code, errs)
	}
}
