package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ruleTree writes a folder of rules in every format: a YAML rule with
// jischell's indentation defect and a KQL error, a Markdown file with a
// good block and a prose block, a .kql file, and a file of another type.
func ruleTree(t *testing.T, withErrors bool) string {
	t.Helper()
	dir := t.TempDir()
	where := "RemotePort == 4444"
	if withErrors {
		where = "AccountUpn has 'x'"
	}
	files := map[string]string{
		"net.yaml": "id: 0b7f6b4e-1111-4222-8333-944445555666\n" +
			"name: Beacon port\n" +
			"severity: medium\n" +
			"requiredDataConnectors:\n" +
			"    - connectorId: MicrosoftThreatProtection\n" +
			"    dataTypes:\n" +
			"        - DeviceNetworkEvents\n" +
			"tactics: CommandAndControl\n" +
			"relevantTechniques: T1219, T1571\n" +
			"query: |\n" +
			"  DeviceNetworkEvents\n" +
			"  | where " + where + "\n",
		"hunts.md":  "# Hunts\n\n## Tools\n```\nDeviceProcessEvents\n| where FileName =~ 'x.exe'\n```\n\n## Later\n```\nNot written yet\n```\n",
		"files.kql": "DeviceFileEvents | take 10\n",
		"data.csv":  "a,b\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRulesValidate(t *testing.T) {
	dir := ruleTree(t, true)
	code, out, errs := kqlhunt(t, "", "rules", "validate", dir)
	if code != exitUsage {
		t.Errorf("exit %d, want 2", code)
	}
	want := filepath.Join(dir, "hunts.md") + ":10:1: warning: skipped code block: expected a KQL query, got \"Not written yet\"\n" +
		"    ```\n" +
		"    ^\n" +
		filepath.Join(dir, "net.yaml") + ":6:5: warning: dataTypes is indented like the list item it belongs to; read it as part of that item\n" +
		"        dataTypes:\n" +
		"        ^\n" +
		filepath.Join(dir, "net.yaml") + ":12:11: error: unknown column 'AccountUpn'; did you mean 'InitiatingProcessAccountUpn'?\n" +
		"      | where AccountUpn has 'x'\n" +
		"              ^\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	wantErr := "kqlhunt: 3 rules from 3 files, 1 with errors; 1 error, 2 warnings; 1 file repaired, 0 files refused, 1 block skipped, 1 other file ignored\n"
	if errs != wantErr {
		t.Errorf("stderr:\n%s\nwant:\n%s", errs, wantErr)
	}

	// Without errors, warnings leave the exit code 0; --brief drops the
	// source lines.
	dir = ruleTree(t, false)
	code, out, errs = kqlhunt(t, "", "rules", "validate", "--brief", dir)
	if code != exitOK {
		t.Errorf("exit %d, want 0; stderr:\n%s", code, errs)
	}
	want = filepath.Join(dir, "hunts.md") + ":10:1: warning: skipped code block: expected a KQL query, got \"Not written yet\"\n" +
		filepath.Join(dir, "net.yaml") + ":6:5: warning: dataTypes is indented like the list item it belongs to; read it as part of that item\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if !strings.Contains(errs, "0 with errors; 0 errors, 2 warnings") {
		t.Errorf("stderr: %s", errs)
	}
}

func TestRulesUsage(t *testing.T) {
	empty := t.TempDir()
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"rules"}, "rules: expected a subcommand, validate or list"},
		{[]string{"rules", "validate"}, "no rules: give a PATH or --pack NAME"},
		{[]string{"rules", "list"}, "no rules: give a PATH or --pack NAME"},
		{[]string{"rules", "validate", "--pack", "nope"}, `--pack nope: unknown pack "nope"`},
		{[]string{"rules", "validate", empty}, "no rule files (*.yaml, *.yml, *.md, *.kql) under " + empty},
		{[]string{"rules", "list", "--format", "csv", empty}, `--format: unknown format "csv", expected table or jsonl`},
		{[]string{"rules", "validate", filepath.Join(empty, "missing")}, ""},
	} {
		code, out, errs := kqlhunt(t, "", tt.args...)
		if code != exitUsage || !strings.Contains(errs+out, tt.msg) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", tt.args, code, out, errs, tt.msg)
		}
	}
	// A path that does not exist is an error about that path.
	missing := filepath.Join(empty, "missing")
	if _, out, _ := kqlhunt(t, "", "rules", "validate", missing); out != missing+": error: no such file or directory\n" {
		t.Errorf("missing path: %q", out)
	}
}

func TestRulesList(t *testing.T) {
	dir := ruleTree(t, true)
	code, out, errs := kqlhunt(t, "", "rules", "list", dir)
	if code != exitOK {
		t.Errorf("exit %d; stderr:\n%s", code, errs)
	}
	if errs != "kqlhunt: 2 warnings; 'kqlhunt rules validate' shows them\n" {
		t.Errorf("stderr: %q", errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("table:\n%s", out)
	}
	fields := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	hunts := "Hunts - Tools"
	want := []string{
		"ID NAME SEVERITY TACTICS TECHNIQUES TABLES FILE",
		"* files - - - DeviceFileEvents " + filepath.Join(dir, "files.kql") + ":1",
		"* " + hunts + " - - - DeviceProcessEvents " + filepath.Join(dir, "hunts.md") + ":5",
		"0b7f6b4e-1111-4222-8333-944445555666 Beacon port Medium CommandAndControl T1219,T1571 DeviceNetworkEvents " + filepath.Join(dir, "net.yaml") + ":11",
	}
	for i, l := range lines {
		got := fields(l)
		if strings.HasPrefix(want[i], "* ") { // a derived id
			id, rest, _ := strings.Cut(got, " ")
			if len(id) != 36 || rest != want[i][2:] {
				t.Errorf("line %d: %q, want an id and %q", i+1, got, want[i][2:])
			}
			continue
		}
		if got != want[i] {
			t.Errorf("line %d: %q, want %q", i+1, got, want[i])
		}
	}

	code, out, _ = kqlhunt(t, "", "rules", "list", "--format", "jsonl", filepath.Join(dir, "net.yaml"))
	if code != exitOK {
		t.Errorf("jsonl: exit %d", code)
	}
	var e listEntry
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if e.ID != "0b7f6b4e-1111-4222-8333-944445555666" || e.Name != "Beacon port" || e.Severity != "Medium" ||
		strings.Join(e.Tactics, ",") != "CommandAndControl" || strings.Join(e.Techniques, ",") != "T1219,T1571" ||
		strings.Join(e.Tables, ",") != "DeviceNetworkEvents" || e.Line != 11 || e.Format != "yaml" {
		t.Errorf("jsonl entry: %+v", e)
	}
	// Markdown rules have no tactics: the arrays are empty, not null.
	_, out, _ = kqlhunt(t, "", "rules", "list", "--format", "jsonl", filepath.Join(dir, "hunts.md"))
	if !strings.Contains(out, `"tactics":[],"techniques":[]`) {
		t.Errorf("jsonl: %s", out)
	}
}

// TestRulesListErrors lists what loaded and exits 2 when a file did not.
func TestRulesListErrors(t *testing.T) {
	dir := ruleTree(t, false)
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("id: x\nname: n\nseverity: Severe\nquery: T\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := kqlhunt(t, "", "rules", "list", dir)
	if code != exitUsage || strings.Count(out, "\n") != 4 {
		t.Errorf("exit %d, stdout:\n%s", code, out)
	}
	want := filepath.Join(dir, "bad.yaml") + ":3:1: error: unknown severity \"Severe\", expected Informational, Low, Medium or High\n"
	if !strings.HasPrefix(errs, want) || !strings.Contains(errs, "kqlhunt: 1 error while loading; the rules they are about are not listed") {
		t.Errorf("stderr:\n%s", errs)
	}
}

// TestRulesValidateJischell validates the jischell RMM catalog, whose
// diagnostics internal/rules checks one by one.
func TestRulesValidateJischell(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "rmm", "jischell"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(root); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (CI=true, so this is a failure): %v", root, err)
		}
		t.Skipf("%s not found; skipping (set CI=true to fail instead): %v", root, err)
	}
	code, out, errs := kqlhunt(t, "", "rules", "validate", "--brief", root)
	if code != exitUsage {
		t.Errorf("exit %d, want 2", code)
	}
	want := "kqlhunt: 365 rules from 322 files, 134 with errors; 136 errors, 176 warnings; 168 files repaired, 0 files refused, 8 blocks skipped, 2 other files ignored\n"
	if errs != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errs, want)
	}
	if n := strings.Count(out, ": error: "); n != 136 {
		t.Errorf("%d error lines, want 136", n)
	}
}
