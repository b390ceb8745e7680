package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const seedExclusions = "../../examples/exclusions/screenmeet.yaml"

// TestHuntSeedExclusions: the seed rule with the seed's five exclusions
// reports no finding, the warning that they suppress all of its matches,
// and what each exclusion removed.
func TestHuntSeedExclusions(t *testing.T) {
	code, out, errs := kqlhunt(t, "", "hunt", "--rules", "../../examples/rules", "--data", "../../examples/telemetry",
		"--now", "2025-03-05T00:00:00Z", "--exclusions", seedExclusions, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.TrimSpace(out) != "" {
		t.Errorf("findings with the exclusions:\n%s", out)
	}
	for _, want := range []string{
		seedExclusions + ": warning: the 5 exclusions of rule f413b02c-92da-4243-82e6-b9bbe8e89a35 together suppress all 4 of its matches\n",
		seedExclusions + ":17:5: warning: exclusion \"Scheduled System Maintenance via ScreenMeet\" on its own suppresses all 4 matches",
		"finds nothing with its exclusions, but 4 findings without them",
		"kqlhunt: 1 rule run, 0 with findings (0 findings)",
		"kqlhunt: 23 rows suppressed by 5 exclusions, 4 findings removed\n",
		`kqlhunt: exclusion "Scheduled System Maintenance via ScreenMeet" removed 23 rows, 4 findings from Remote Management and Monitoring tool - ScreenMeet - Network Connection (f413b02c-92da-4243-82e6-b9bbe8e89a35)` + "\n",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}

// TestHuntExclusionsWithoutNameClause: with the process.name clause
// removed, the rule finds exactly the rows that the remaining clauses
// (parent process, command-line keyword) do not exclude, and the counts
// and sets of each group leave the excluded rows out.
func TestHuntExclusionsWithoutNameClause(t *testing.T) {
	src, err := os.ReadFile(seedExclusions)
	if err != nil {
		t.Fatal(err)
	}
	clause := `process.name != "ScreenMeet.exe" OR `
	if n := strings.Count(string(src), clause); n != 5 {
		t.Fatalf("the seed exclusions have the process.name clause %d times, want 5", n)
	}
	dir := t.TempDir()
	excl := filepath.Join(t.TempDir(), "exclusions.yaml")
	os.WriteFile(excl, []byte(strings.ReplaceAll(string(src), clause, "")), 0o644)
	// The agent as ScreenMeet.exe on three devices; the rows that a
	// remaining clause excludes are marked.
	rows := []struct {
		device, parent, cmd string
		report              int
		excluded            bool
	}{
		{"ws-a", "explorer.exe", `"ScreenMeet.exe" --session 1`, 1, false},
		{"ws-a", "Task Scheduler", `"ScreenMeet.exe" --session 1`, 2, true},
		{"ws-a", "explorer.exe", `"ScreenMeet.exe" --session 2`, 3, false},
		{"ws-b", "MSTSC.EXE", `"ScreenMeet.exe"`, 4, true},
		{"ws-b", "services.exe", `"ScreenMeet.exe" /Patch`, 5, true},
		{"ws-b", "services.exe", `"ScreenMeet.exe" --session 3`, 6, false},
		{"ws-c", "snmp.exe", `"ScreenMeet.exe"`, 7, true},
		{"ws-c", "explorer.exe", `"ScreenMeet.exe" --mode Remote Desktop`, 8, true},
		{"ws-c", "explorer.exe", `"ScreenMeet.exe" --tech-SUPPORT`, 9, true},
		{"ws-c", "Remote Desktop Connection", `"ScreenMeet.exe"`, 10, true},
		{"ws-c", "explorer.exe", `"ScreenMeet.exe" --monitoring`, 11, true},
		{"ws-d", "explorer.exe", `"ScreenMeet.exe" --maintenance-window`, 12, true},
	}
	var data strings.Builder
	want := map[string][]int{}
	for i, r := range rows {
		fmt.Fprintf(&data, `{"Timestamp": "2025-03-04T10:%02d:00Z", "DeviceId": "id-%s", "DeviceName": %q, "RemoteUrl": "api.screenmeet.com", `+
			`"InitiatingProcessVersionInfoCompanyName": "Projector Inc", "InitiatingProcessVersionInfoProductName": "ScreenMeet", `+
			`"InitiatingProcessFileName": "ScreenMeet.exe", "InitiatingProcessParentFileName": %q, "InitiatingProcessCommandLine": %q, "ReportId": %d}`+"\n",
			i, r.device, r.device, r.parent, r.cmd, r.report)
		if !r.excluded {
			want[r.device] = append(want[r.device], r.report)
		}
	}
	os.WriteFile(filepath.Join(dir, "DeviceNetworkEvents.jsonl"), []byte(data.String()), 0o644)
	code, out, errs := kqlhunt(t, "", "hunt", "--rules", "../../examples/rules", "--data", dir,
		"--now", "2025-03-05T00:00:00Z", "--exclusions", excl, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got := map[string][]int{}
	for _, g := range parseGroups(t, out, true) {
		if int(g.Count) != len(g.Report) {
			t.Errorf("%s: Count %d but %d reports", g.DeviceName, g.Count, len(g.Report))
		}
		for _, id := range g.Report {
			got[g.DeviceName] = append(got[g.DeviceName], int(id))
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings by device: got %v, want %v\n%s", got, want, errs)
	}
	if strings.Contains(errs, "warning") {
		t.Errorf("a warning, though the rule still finds rows:\n%s", errs)
	}
	// The findings the exclusions removed: without them the rule finds
	// ws-a, ws-b, ws-c and ws-d; with them ws-a and ws-b.
	if !strings.Contains(errs, "kqlhunt: 9 rows suppressed by 5 exclusions, 2 findings removed\n") {
		t.Errorf("stderr lacks the suppressed total:\n%s", errs)
	}
}

// TestHuntExclusionErrors: an exclusions file that names a field the
// rule's table lacks stops the hunt before any rule runs, with the
// position of the field; a broken file too.
func TestHuntExclusionErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("exclusions:\n  - rule: \"*\"\n    name: typo\n    filter: process.nmae == \"x\"\n"), 0o644)
	code, out, errs := kqlhunt(t, "", "hunt", "--rules", "../../examples/rules", "--data", "../../examples/telemetry",
		"--now", "2025-03-05T00:00:00Z", "--exclusions", bad)
	if code != 2 || !strings.Contains(errs, bad+":4:13:") || !strings.Contains(errs, "process.name") || out != "" {
		t.Errorf("unknown field: exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
	// A field that DeviceNetworkEvents has no column for is an error of
	// the rules that read it, which do not run.
	file := filepath.Join(dir, "file.yaml")
	os.WriteFile(file, []byte("exclusions:\n  - rule: \"*\"\n    name: by hash\n    filter: file.name == \"x.exe\"\n"), 0o644)
	code, out, errs = kqlhunt(t, "", "hunt", "--rules", "../../examples/rules", "--data", "../../examples/telemetry",
		"--now", "2025-03-05T00:00:00Z", "--exclusions", file, "--format", "jsonl")
	if code != 2 || !strings.Contains(errs, file+":4:13:") || strings.TrimSpace(out) != "" || !strings.Contains(errs, "1 failed") {
		t.Errorf("field without a column: exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
}

// TestHuntStarExclusions: exclusions for every rule ("*") over the RMM
// pack report one line for the exclusion that removed rows, with the
// findings it removed, and one line for the others, not a line per rule.
// An exclusions file among the rules is recognised and not loaded as a
// rule.
func TestHuntStarExclusions(t *testing.T) {
	dir := t.TempDir()
	excl := filepath.Join(dir, "tuning.yaml")
	os.WriteFile(excl, []byte(`exclusions:
  - rule: "*"
    name: jump host
    kql: DeviceName =~ "ws-0142.contoso.local"
  - rule: "*"
    name: nothing
    kql: DeviceName == "no-such-host"
  - rule: ["*"]
    name: nothing either
    filter: host.name == "no-such-host"
`), 0o644)
	code, out, errs := kqlhunt(t, "", "hunt", "--pack", "rmm", "--data", "../../examples/rmm", "--exclusions", excl, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"kqlhunt: 612 rules run, 6 with findings (10 findings)",
		"kqlhunt: 4926 rows suppressed by 1 exclusion, 5 findings removed\n",
		`kqlhunt: exclusion "jump host" removed 4926 rows, 5 findings from 612 rules: RMM tool - ScreenMeet - Network connection (11 rows, 3 findings), RMM tool - ScreenMeet - Process (7 rows, 1 finding), RMM tool - ScreenMeet - File signature (5 rows, 1 finding), `,
		"kqlhunt: 2 other exclusions removed nothing\n",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if n := strings.Count(errs, "\n"); n > 20 {
		t.Errorf("%d lines on stderr:\n%s", n, errs)
	}
	if n := strings.Count(out, "\n"); n != 10 {
		t.Errorf("%d findings, want 10", n)
	}

	// The same file in a folder of rules is not a rule.
	rules := t.TempDir()
	src, _ := os.ReadFile("../../examples/rules/screenmeet_netconn.yaml")
	os.WriteFile(filepath.Join(rules, "screenmeet_netconn.yaml"), src, 0o644)
	os.WriteFile(filepath.Join(rules, "tuning.yaml"), []byte("exclusions:\n  - rule: \"*\"\n    name: x\n    kql: DeviceName == \"x\"\n"), 0o644)
	code, _, errs = kqlhunt(t, "", "hunt", "--rules", rules, "--data", "../../examples/telemetry", "--now", "2025-03-05T00:00:00Z", "--format", "jsonl")
	if code != 0 || !strings.Contains(errs, "tuning.yaml is an exclusions file, not a rule: not applied (apply it with --exclusions ") ||
		!strings.Contains(errs, "1 rule run, 1 with findings (4 findings), 0 not evaluated, 0 failed") {
		t.Errorf("exclusions file among the rules: exit %d\n%s", code, errs)
	}
	code, _, errs = kqlhunt(t, "", "rules", "validate", rules)
	if code != 0 || !strings.Contains(errs, "1 exclusions file not read as rules") {
		t.Errorf("rules validate: exit %d\n%s", code, errs)
	}
}
