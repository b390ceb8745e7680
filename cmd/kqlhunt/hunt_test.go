package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHuntHTML: the HTML report of a hunt holds what stderr says: the
// warnings about the data and about the exclusions, the rules not
// evaluated, and the suppressed counts.
func TestHuntHTML(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../examples/telemetry/DeviceNetworkEvents.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "DeviceNetworkEvents.jsonl"), append([]byte("{\"RemoteUrl\": \n"), src...), 0o644)
	code, out, errs := kqlhunt(t, "", "hunt", "--rules", "../../examples/rules", "--pack", "rmm", "--data", dir,
		"--now", "2025-03-05T00:00:00Z", "--exclusions", seedExclusions, "--format", "html")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"DeviceNetworkEvents.jsonl: skipped 1 malformed line",
		"together suppress all 2 of its matches",
		"Rules not evaluated",
		"no DeviceProcessEvents data",
		"Scheduled System Maintenance via ScreenMeet",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if !strings.HasPrefix(out, "<!DOCTYPE html>") {
		t.Errorf("not an HTML page: %.80q", out)
	}
}

// TestHuntProgress: --progress always draws a bar of the data read on
// stderr, up to 100%, and erases it before the summary; never draws none;
// an unknown mode is a usage error.
func TestHuntProgress(t *testing.T) {
	args := []string{"hunt", "--rules", "../../examples/rules", "--data", "../../examples/telemetry", "--now", "2025-03-05T00:00:00Z", "--format", "jsonl"}
	code, _, errs := kqlhunt(t, "", append(args, "--progress", "always")...)
	if code != 0 || !strings.Contains(errs, "1 rule 100% |") {
		t.Errorf("always: exit %d, stderr %q", code, errs)
	}
	if i := strings.LastIndex(errs, "\r"); i < 0 || !strings.HasPrefix(errs[i+1:], "kqlhunt: 1 rule run") {
		t.Errorf("the summary does not start after the erased bar: %q", errs)
	}
	code, _, errs = kqlhunt(t, "", append(args, "--progress", "never")...)
	if code != 0 || strings.Contains(errs, "%") {
		t.Errorf("never: exit %d, stderr %q", code, errs)
	}
	code, _, errs = kqlhunt(t, "", append(args, "--progress", "sometimes")...)
	if code != 2 || !strings.Contains(errs, `--progress: unknown mode "sometimes", expected auto, always, never`) {
		t.Errorf("unknown mode: exit %d, stderr %q", code, errs)
	}
}
