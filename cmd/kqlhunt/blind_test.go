package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHuntSaysWhyNothingWasFound: a rule that ran and found nothing is
// reported with the reason when the hunt can tell, never as a bare
// "0 findings": its time window misses the data (the README's example
// without --now), or a column it filters on is empty in every row read.
func TestHuntSaysWhyNothingWasFound(t *testing.T) {
	code, out, errs := kqlhunt(t, "", "hunt", "--rules", "../../examples/rules", "--data", "../../examples/telemetry",
		"--now", "2026-12-01T00:00:00Z", "--format", "jsonl")
	if code != 0 || out != "" {
		t.Fatalf("exit %d, output %q: %s", code, out, errs)
	}
	for _, want := range []string{
		"found nothing: Remote Management and Monitoring tool - ScreenMeet - Network Connection (f413b02c-92da-4243-82e6-b9bbe8e89a35)",
		"its time window on DeviceNetworkEvents.Timestamp (2026-11-26T00:00:00.0000000Z to 2026-12-01T00:00:00.0000000Z) misses the data, which spans 2025-03-04T08:01:11.1000000Z to 2025-03-04T10:30:00.0000000Z",
		"--now 2025-03-04T10:30:00Z",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}

	dir := t.TempDir()
	rule := filepath.Join(dir, "signer.kql")
	if err := os.WriteFile(rule, []byte("DeviceNetworkEvents | where InitiatingProcessSHA256 == 'abc' and RemotePort == 443\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, errs = kqlhunt(t, "", "hunt", "--rules", rule, "--data", "../../examples/telemetry", "--format", "jsonl")
	if want := "InitiatingProcessSHA256 is null or empty in every DeviceNetworkEvents row read (23 rows)"; !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errs)
	}
	// With findings, no reason is given.
	_, _, errs = kqlhunt(t, "", "hunt", "--rules", "../../examples/rules", "--data", "../../examples/telemetry",
		"--now", "2025-03-05T00:00:00Z", "--format", "jsonl")
	if strings.Contains(errs, "found nothing") {
		t.Errorf("a rule with findings is said to find nothing:\n%s", errs)
	}
}

// TestHuntQueryPeriod: a rule's queryPeriod is not applied by default, and
// the summary says so; --query-period makes the rule read only that
// period before --now, as Sentinel's scheduler runs it.
// https://learn.microsoft.com/azure/sentinel/scheduled-rules-overview
func TestHuntQueryPeriod(t *testing.T) {
	dir := t.TempDir()
	rule := filepath.Join(dir, "rule.yaml")
	if err := os.WriteFile(rule, []byte(`id: 44444444-4444-4444-4444-444444444444
name: Any ScreenMeet connection
queryPeriod: 1h
query: |
  DeviceNetworkEvents | where RemoteUrl has 'screenmeet.com'
`), 0o644); err != nil {
		t.Fatal(err)
	}
	// The data runs from 08:01 to 10:30 on 2025-03-04; four rows name
	// screenmeet.com, from 09:15 to 10:20.
	args := []string{"hunt", "--rules", rule, "--data", "../../examples/telemetry", "--now", "2025-03-04T12:00:00Z", "--format", "jsonl"}
	code, out, errs := kqlhunt(t, "", args...)
	if code != 0 || strings.Count(out, "\n") == 0 {
		t.Fatalf("without --query-period: exit %d, %q: %s", code, out, errs)
	}
	if want := "1 rule has a queryPeriod, not applied: every rule read all the data"; !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errs)
	}
	code, out, errs = kqlhunt(t, "", append(args, "--query-period")...)
	if code != 0 || out != "" {
		t.Fatalf("with --query-period, 1h before 12:00: exit %d, %q: %s", code, out, errs)
	}
	if want := "its time window on DeviceNetworkEvents.TimeGenerated (2025-03-04T11:00:00.0000000Z to 2025-03-04T12:00:00.0000000Z) misses the data"; !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errs)
	}
	// An hour that holds one of the rows: 10:00 to 11:00 holds 10:14 and 10:20.
	_, out, errs = kqlhunt(t, "", "hunt", "--rules", rule, "--data", "../../examples/telemetry", "--now", "2025-03-04T11:00:00Z", "--format", "jsonl", "--query-period")
	if n := strings.Count(out, "\n"); n == 0 || strings.Contains(out, "09:15") {
		t.Errorf("with --query-period, 10:00 to 11:00: %d findings:\n%s\n%s", n, out, errs)
	}
}

// TestHuntMixedStreamingFile: a streaming-API file whose records of a
// second table start far past its first 64 KiB (concatenated PT1H.json
// blobs) has that table's data: a rule on it runs and finds its row, and
// is not reported "not evaluated".
func TestHuntMixedStreamingFile(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, `{"time":"2025-03-04T10:00:00Z","category":"AdvancedHunting-DeviceNetworkEvents","properties":{"DeviceName":"wks-%d","RemoteUrl":"example.com","RemotePort":443}}`+"\n", i)
	}
	b.WriteString(`{"time":"2025-03-04T10:05:00Z","category":"AdvancedHunting-DeviceProcessEvents","properties":{"DeviceName":"wks-9","FileName":"ScreenMeetSupport.exe"}}` + "\n")
	if b.Len() < 200<<10 {
		t.Fatalf("the file is only %d bytes", b.Len())
	}
	if err := os.WriteFile(filepath.Join(dir, "PT1H.json"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	rule := filepath.Join(dir, "rules", "proc.kql")
	os.MkdirAll(filepath.Dir(rule), 0o755)
	if err := os.WriteFile(rule, []byte("DeviceProcessEvents | where FileName =~ 'screenmeetsupport.exe'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := kqlhunt(t, "", "hunt", "--rules", rule, "--data", filepath.Join(dir, "PT1H.json"), "--format", "jsonl", "--strict")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "wks-9") || strings.Contains(errs, "not evaluated:") {
		t.Errorf("exit %d, findings:\n%s\nstderr:\n%s", code, out, errs)
	}
}
