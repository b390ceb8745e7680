package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
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
		// The summary says where the rule ran and what came back: the
		// rule's 4 rows, not a count of rows kqlhunt scanned.
		if !strings.Contains(errs, "ran on ClickHouse 18.16.1, which returned 4 rows in ") {
			t.Errorf("hunt --engine summary: %s", errs)
		}
	}

	// The seed rule with exclusions: they run on the server with the
	// rule, with the same findings and counts.
	sameWithExclusions(t, url, now)
	// The HTML report says where the rules ran.
	if code, page, errs := kqlhunt(t, "", "hunt", "--rules", "../../examples/rules/screenmeet_netconn.yaml", "--now", now, "--format", "html", "--engine", url); code != 0 || !strings.Contains(page, "rows returned by ClickHouse 18.16.1") {
		t.Errorf("hunt --engine --format html: exit %d (%s); the page does not say where the rule ran", code, errs)
	}

	// The same query, on both engines.
	query := `DeviceNetworkEvents | where RemoteUrl has "screenmeet.com" | summarize n=count(), earliest=min(Timestamp) by DeviceName | sort by n desc`
	_, want, _ := kqlhunt(t, "", "query", "--data", "../../examples/telemetry", query)
	code, got, errs := kqlhunt(t, "", "query", "--engine", url, query)
	if code != 0 || got != want {
		t.Errorf("query --engine: exit %d (%s):\n%s\nwant:\n%s", code, errs, got, want)
	}
	// A query that does not translate whole runs its scan on the server
	// and the rest here, with a warning, and gives the same rows.
	query = `DeviceNetworkEvents | where RemoteUrl has "screenmeet.com" | mv-expand x = pack_array(1, 2) | project DeviceName, x, Timestamp`
	_, want, _ = kqlhunt(t, "", "query", "--data", "../../examples/telemetry", query)
	code, got, errs = kqlhunt(t, "", "query", "--engine", url, query)
	if code != 0 || got != want || !strings.Contains(errs, "'mv-expand' at 1:62 runs in kqlhunt on the rows the server returned") {
		t.Errorf("a query that translates in part: exit %d (%s):\n%s\nwant:\n%s", code, errs, got, want)
	}

	// check --engine says how a query runs there, without running it.
	for _, c := range []struct{ query, want string }{
		{`DeviceNetworkEvents | where RemoteUrl has "screenmeet.com" | summarize n=count() by DeviceName`, "runs whole on ClickHouse 18.16"},
		{query, "runs in part on ClickHouse 18.16.1: 'mv-expand' at 1:62 runs in kqlhunt on the rows the server returned; 1 part pushed down"},
		{`DeviceProcessEvents | where FileName =~ "x.exe"`, "warning: the server has no rows of table DeviceProcessEvents"},
	} {
		code, got, errs := kqlhunt(t, "", "check", "--engine", url, c.query)
		if code != 0 || !strings.Contains(got, c.want) {
			t.Errorf("check --engine %s: exit %d (%s):\n%s\nwant %q", c.query, code, errs, got, c.want)
		}
	}

	// Detection tests on the server: the same report as embedded.
	sameTests(t, url, "../../examples/rules")

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

// TestHuntRMMPackOnClickHouse: the whole RMM pack over its example
// telemetry and generated rows gives the embedded engine's findings byte
// for byte on Debian's ClickHouse server, although 281 of its rules run
// in part in kqlhunt (the network rules' trim_end): one warning line says
// so, and only their candidate rows come back from the server.
func TestHuntRMMPackOnClickHouse(t *testing.T) {
	url := chtest.Server(t, "rmm")
	const now = "2026-01-01T00:00:00Z"
	data := loadRMMData(t, url, now, 3000)
	tableRows := serverRows(t, url, "DeviceNetworkEvents")
	// The pack's detection tests, each over its rows on the server.
	sameTests(t, url, "--pack", "rmm")
	for _, format := range []string{"jsonl"} {
		args := []string{"hunt", "--pack", "rmm", "--now", now, "--format", format}
		code, want, errs := kqlhunt(t, "", append(args, data...)...)
		if code != 0 {
			t.Fatalf("embedded hunt: exit %d: %s", code, errs)
		}
		code, got, errs := kqlhunt(t, "", append(args, "--engine", url)...)
		if code != 0 {
			t.Fatalf("hunt --engine: exit %d: %s", code, errs)
		}
		// The rules of a pack run concurrently in the embedded engine, so
		// their findings interleave in any order: each rule's findings,
		// in their order, are compared.
		if g, w := byRule(t, got), byRule(t, want); !reflect.DeepEqual(g, w) {
			t.Errorf("--format %s: findings on ClickHouse differ from the embedded engine's:\n%s\nwant:\n%s", format, got, want)
		}
		if format == "jsonl" {
			n := strings.Count(got, "\n")
			if n < 12 {
				t.Errorf("want at least the 12 planted findings, got %d:\n%s", n, got)
			}
			warn := regexp.MustCompile(`kqlhunt: warning: (\d+) of \d+ rules run in part in kqlhunt.*'trim_end' (\d+).*the server returned (\d+) rows in all`).FindStringSubmatch(errs)
			if warn == nil || strings.Count(errs, "run in part") != 1 {
				t.Fatalf("want one warning line for the pack, got:\n%s", errs)
			}
			t.Logf("RMM pack: %d findings, identical; %s rules split (%s at trim_end); the server returned %s rows; DeviceNetworkEvents holds (count, max row) %s",
				n, warn[1], warn[2], warn[3], tableRows)
		}
	}

	// The network rules on domains alone: only their candidate rows
	// (those their has_any filter keeps) come back from the server. (The
	// rules of tools without domains run whole on the server.)
	dir := t.TempDir()
	files, err := filepath.Glob("../../internal/packs/rmm/*_netconn.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no network rules: %v", err)
	}
	copied := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "RemoteUrl has_any") {
			continue
		}
		os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
		copied++
	}
	args := []string{"hunt", "--rules", dir, "--now", now, "--format", "jsonl"}
	_, want, _ := kqlhunt(t, "", append(args, data...)...)
	code, got, errs := kqlhunt(t, "", append(args, "--engine", url)...)
	warn := regexp.MustCompile(`(\d+) of (\d+) rules run in part.*the server returned (\d+) rows in all`).FindStringSubmatch(errs)
	if same := reflect.DeepEqual(byRule(t, got), byRule(t, want)); code != 0 || !same || warn == nil || warn[1] != warn[2] {
		t.Fatalf("network rules: exit %d, identical %v: %s", code, same, errs)
	}
	var rows, returned int
	fmt.Sscan(strings.Fields(tableRows)[0], &rows)
	fmt.Sscan(warn[3], &returned)
	if returned >= rows {
		t.Errorf("the network rules got %d rows from the server, more than DeviceNetworkEvents holds (%d)", returned, rows)
	}
	t.Logf("RMM network rules: %s rules, identical findings; the server returned %d rows, against %d × %d = %d for reading the table per rule",
		warn[1], returned, copied, rows, copied*rows)
}

// byRule returns the lines of jsonl findings by rule, in order.
func byRule(t *testing.T, jsonl string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		if line == "" {
			continue
		}
		var f struct {
			RuleID string `json:"rule_id"`
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil || f.RuleID == "" {
			t.Fatalf("not a finding: %q: %v", line, err)
		}
		out[f.RuleID] = append(out[f.RuleID], line)
	}
	return out
}

// TestHuntOnClickHouseCluster: issue 10's "works on a Distributed table".
// The README's telemetry loaded into a cluster of two shards (two servers
// on loopback) spreads over both, and the seed rule hunted through the
// Distributed table, from either shard, gives the embedded engine's
// findings byte for byte, as a single server does (TestHuntOnClickHouse).
func TestHuntOnClickHouseCluster(t *testing.T) {
	url := chtest.Cluster(t, "hunting", "kqlhunt_test")
	c, err := clickhouse.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	const now = "2025-03-05T00:00:00Z"
	code, _, errs := kqlhunt(t, "", "load", "--engine", url, "--data", "../../examples/telemetry")
	if code != 0 || !strings.Contains(errs, "loaded 23 rows from 2 files") {
		t.Fatalf("load: exit %d: %s", code, errs)
	}
	if got := serverRows(t, url, "DeviceNetworkEvents"); got != "23\t22" {
		t.Fatalf("after the load, count and max row through the Distributed table: %q, want 23 and 22", got)
	}
	// Each shard holds a part of the rows, and the parts make the whole.
	var shardURLs []string
	total := 0
	for _, addr := range c.Shards {
		u := "clickhouse://" + addr + "/hunting"
		shardURLs = append(shardURLs, u)
		var n, max int
		fmt.Sscan(serverRows(t, u, "DeviceNetworkEvents"+clickhouse.LocalSuffix), &n, &max)
		if n == 0 || n == 23 {
			t.Errorf("shard %s holds %d of the 23 rows: the rows are not spread", addr, n)
		}
		total += n
		t.Logf("shard %s: %d rows", addr, n)
	}
	if total != 23 {
		t.Errorf("the shards hold %d rows in all, want 23", total)
	}
	for _, format := range []string{"jsonl", "table"} {
		args := []string{"hunt", "--rules", "../../examples/rules/screenmeet_netconn.yaml", "--now", now, "--format", format}
		code, want, errs := kqlhunt(t, "", append(args, "--data", "../../examples/telemetry")...)
		if code != 0 {
			t.Fatalf("embedded hunt: exit %d: %s", code, errs)
		}
		if format == "jsonl" && strings.Count(want, "\n") != 4 {
			t.Fatalf("want the seed rule's 4 findings, got:\n%s", want)
		}
		for _, u := range append([]string{url}, shardURLs...) {
			code, got, errs := kqlhunt(t, "", append(args, "--engine", u)...)
			if code != 0 || got != want {
				t.Errorf("--format %s, hunt --engine %s: exit %d (%s):\n%s\nwant:\n%s", format, u, code, errs, got, want)
			}
		}
	}
	// The seed rule with exclusions, through the Distributed table.
	sameWithExclusions(t, url, now)
	// The same query through the Distributed table.
	query := `DeviceNetworkEvents | where RemoteUrl has "screenmeet.com" | summarize n=count(), earliest=min(Timestamp) by DeviceName | sort by n desc`
	_, want, _ := kqlhunt(t, "", "query", "--data", "../../examples/telemetry", query)
	code, got, errs := kqlhunt(t, "", "query", "--engine", url, query)
	if code != 0 || got != want {
		t.Errorf("query --engine: exit %d (%s):\n%s\nwant:\n%s", code, errs, got, want)
	}
	// Loading again skips every file: the ledger is on the node connected to.
	code, _, errs = kqlhunt(t, "", "load", "--engine", url, "--data", "../../examples/telemetry")
	if code != 0 || strings.Count(errs, "already loaded") != 2 || !strings.Contains(errs, "loaded 0 rows") {
		t.Fatalf("second load: exit %d: %s", code, errs)
	}
	if got := serverRows(t, url, "DeviceNetworkEvents"); got != "23\t22" {
		t.Errorf("after loading again, count and max row: %q, want 23 and 22", got)
	}
}

// sameTests runs `kqlhunt test args...` embedded and on the server at url
// (each test's rows in a scratch database) and checks that the reports
// are the same and that the tests pass, and that no scratch database is
// left behind.
func sameTests(t *testing.T, url string, args ...string) {
	t.Helper()
	code, want, werrs := kqlhunt(t, "", append([]string{"test"}, args...)...)
	if code != 0 || !strings.Contains(want, "PASS") {
		t.Fatalf("embedded test %v: exit %d: %s\n%s", args, code, werrs, want)
	}
	code, got, errs := kqlhunt(t, "", append([]string{"test", "--engine", url}, args...)...)
	if code != 0 || got != want {
		t.Errorf("test --engine %s %v: exit %d (%s):\n%s\nwant:\n%s", url, args, code, errs, got, want)
	}
	if left := serverQuery(t, url, "SELECT count() FROM system.databases WHERE name LIKE 'kqlhunt_scratch%'"); left != "0" {
		t.Errorf("%s scratch databases left on the server", left)
	}
}

// serverQuery returns the TabSeparated answer of sql on the server at url.
func serverQuery(t *testing.T, url, sql string) string {
	t.Helper()
	c, err := clickhouse.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Query(sql, "TabSeparated")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// sameWithExclusions hunts with the seed rule and two exclusions files
// (the example's, which suppresses every finding, and one that suppresses
// one device's) on the server at url and embedded, and checks that the
// findings and the counts of suppressed rows are the same, and that the
// exclusions ran on the server (no part of the rule ran in kqlhunt).
func sameWithExclusions(t *testing.T, url, now string) {
	t.Helper()
	partial := filepath.Join(t.TempDir(), "one-device.yaml")
	os.WriteFile(partial, []byte("exclusions:\n  - rule: f413b02c-92da-4243-82e6-b9bbe8e89a35\n    name: lab workstation\n    kql: DeviceName == \"ws-0142.contoso.local\"\n"), 0o644)
	suppressed := regexp.MustCompile(`(?m)^.*suppress.*$`)
	for file, findings := range map[string]int{"../../examples/exclusions/screenmeet.yaml": 0, partial: 2} {
		args := []string{"hunt", "--rules", "../../examples/rules/screenmeet_netconn.yaml", "--exclusions", file, "--now", now, "--format", "jsonl"}
		code, want, werrs := kqlhunt(t, "", append(args, "--data", "../../examples/telemetry")...)
		if code != 0 || strings.Count(want, "\n") != findings {
			t.Fatalf("embedded hunt with %s: exit %d, want %d findings: %s\n%s", file, code, findings, werrs, want)
		}
		code, got, errs := kqlhunt(t, "", append(args, "--engine", url)...)
		if code != 0 || got != want || strings.Contains(errs, "runs in kqlhunt") {
			t.Errorf("hunt --engine %s with %s: exit %d (%s):\n%s\nwant:\n%s", url, file, code, errs, got, want)
		}
		if w, g := suppressed.FindAllString(werrs, -1), suppressed.FindAllString(errs, -1); len(w) == 0 || strings.Join(g, "\n") != strings.Join(w, "\n") {
			t.Errorf("%s: exclusion counts on %s differ:\n%s\nwant:\n%s", file, url, strings.Join(g, "\n"), strings.Join(w, "\n"))
		}
	}
}

// loadRMMData generates rows of the RMM pack's three tables, loads them
// and the pack's example telemetry into the server at url, and returns the
// --data arguments that read the same files.
func loadRMMData(t *testing.T, url, now string, rows int) []string {
	t.Helper()
	gen := filepath.Join(t.TempDir(), "gen")
	code, _, errs := kqlhunt(t, "", "gen", "--table", "DeviceNetworkEvents", "--table", "DeviceProcessEvents",
		"--table", "DeviceFileCertificateInfo", "--rows", strconv.Itoa(rows), "--now", now, "--out", gen)
	if code != 0 {
		t.Fatalf("gen: exit %d: %s", code, errs)
	}
	data := []string{"--data", "../../examples/rmm", "--data", gen}
	code, _, errs = kqlhunt(t, "", append([]string{"load", "--engine", url}, data...)...)
	if code != 0 {
		t.Fatalf("load: exit %d: %s", code, errs)
	}
	return data
}

// TestHuntRMMPackOnClickHouseCluster: the whole RMM pack hunted through
// the Distributed tables of a two-shard cluster gives the embedded
// engine's findings, rule by rule, as on one server
// (TestHuntRMMPackOnClickHouse); fewer generated rows keep it short.
func TestHuntRMMPackOnClickHouseCluster(t *testing.T) {
	url := chtest.Cluster(t, "rmm", "kqlhunt_test")
	const now = "2026-01-01T00:00:00Z"
	data := loadRMMData(t, url, now, 500)
	args := []string{"hunt", "--pack", "rmm", "--now", now, "--format", "jsonl"}
	code, want, errs := kqlhunt(t, "", append(args, data...)...)
	if code != 0 {
		t.Fatalf("embedded hunt: exit %d: %s", code, errs)
	}
	code, got, errs := kqlhunt(t, "", append(args, "--engine", url)...)
	if code != 0 {
		t.Fatalf("hunt --engine: exit %d: %s", code, errs)
	}
	if g, w := byRule(t, got), byRule(t, want); !reflect.DeepEqual(g, w) {
		t.Errorf("findings on the cluster differ from the embedded engine's:\n%s\nwant:\n%s", got, want)
	}
	if n := strings.Count(got, "\n"); n < 12 {
		t.Errorf("want at least the 12 planted findings, got %d:\n%s", n, got)
	} else {
		t.Logf("RMM pack on two shards: %d findings, identical; DeviceNetworkEvents holds (count, max row) %s", n, serverRows(t, url, "DeviceNetworkEvents"))
	}
}
