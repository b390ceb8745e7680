package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestThreadsSameResults runs queries whose answers depend on row order
// over a generated file of several chunks, with bad lines, at --threads 1
// and 3: the outputs, and the warnings with their positions, are the same.
func TestThreadsSameResults(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := kqlhunt(t, "", "gen", "--table", "DeviceNetworkEvents", "--rows", "4000", "--seed", "7", "--now", genNow, "--out", dir)
	if code != 0 {
		t.Fatalf("gen: exit %d:\n%s", code, stderr)
	}
	path := filepath.Join(dir, "DeviceNetworkEvents.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	for _, i := range []int{5, 1999, 3001} {
		lines[i] = "not json\n"
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"DeviceNetworkEvents | serialize n = row_number() | where RemotePort == 443 | take 2500 | project n, ReportId, RemoteUrl",
		"DeviceNetworkEvents | summarize c = count(), d = dcount(RemoteUrl) by DeviceName | order by DeviceName asc",
	} {
		var outs, errs [2]string
		for i, threads := range []string{"1", "3"} {
			code, outs[i], errs[i] = kqlhunt(t, "", "query", "--data", dir, "--now", genNow, "--format", "csv", "--threads", threads, q)
			if code != 0 {
				t.Fatalf("--threads %s: exit %d:\n%s", threads, code, errs[i])
			}
		}
		if outs[0] != outs[1] || errs[0] != errs[1] {
			t.Errorf("%s: --threads 1 and 3 differ:\n%s\n%s", q, errs[0], errs[1])
		}
		if !strings.Contains(errs[0], "DeviceNetworkEvents.jsonl:2000:") || strings.Count(outs[0], "\n") < 5 {
			t.Errorf("%s: expected rows and a warning at line 2000, got %d lines and:\n%s", q, strings.Count(outs[0], "\n"), errs[0])
		}
	}
	code, _, stderr = kqlhunt(t, "", "query", "--data", dir, "--threads", "-1", "DeviceNetworkEvents | count")
	if code != exitUsage || !strings.Contains(stderr, "--threads: expected a number of threads") {
		t.Errorf("--threads -1: exit %d, %s", code, stderr)
	}
}
