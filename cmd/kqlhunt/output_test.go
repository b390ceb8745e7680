package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestOutputResolve(t *testing.T) {
	parse := func(s string) (string, error) { return findingFormat(s) }
	for _, c := range []struct {
		args []string
		want string // format=path,...; "" path is stdout
		err  string
	}{
		{nil, "table=", ""},
		{[]string{"--format", "jsonl"}, "jsonl=", ""},
		{[]string{"-o", "r.html", "-o", "f.csv"}, "html=r.html,csv=f.csv", ""},
		{[]string{"--format", "html", "-o", "report.html", "--format", "csv", "-o", "findings.csv"}, "html=report.html,csv=findings.csv", ""},
		{[]string{"--format", "csv", "-o", "x.txt"}, "csv=x.txt", ""},
		{[]string{"-o", "r.html", "--format", "jsonl"}, "html=r.html,jsonl=", ""},
		{[]string{"--format", "jsonl", "--format", "csv", "-o", "t.csv"}, "jsonl=,csv=t.csv", ""},
		{[]string{"--format", "JSON", "-o", "-"}, "json=", ""},
		{[]string{"-o", "x.data"}, "", `the extension ".data" names no format`},
		{[]string{"-o", "-"}, "", "give its --format before it"},
		{[]string{"--format", "csv", "--format", "json"}, "", "two outputs to standard output"},
		{[]string{"--format", "xml"}, "", `unknown format "xml"`},
		{[]string{"-o", "a.csv", "--format", "json", "-o", "a.csv"}, "", "given twice"},
	} {
		o := outputFlags{def: "table", exts: findingExts}
		cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
		o.register(cmd, "format")
		cmd.SetArgs(c.args)
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		specs, err := o.resolve(parse)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: error %v, want %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", c.args, err)
			continue
		}
		var got []string
		for _, s := range specs {
			got = append(got, s.format+"="+s.path)
		}
		if strings.Join(got, ",") != c.want {
			t.Errorf("%v: %s, want %s", c.args, strings.Join(got, ","), c.want)
		}
	}
}

// TestHuntSeveralOutputs writes an HTML report, a CSV timeline and JSON
// lines in one hunt, and checks each holds the four findings.
func TestHuntSeveralOutputs(t *testing.T) {
	dir := t.TempDir()
	html, timeline, lines := filepath.Join(dir, "r.html"), filepath.Join(dir, "t.csv"), filepath.Join(dir, "f.out")
	code, stdout, stderr := kqlhunt(t, "", "hunt", "--rules", "../../examples/rules", "--data", "../../examples/telemetry",
		"--now", "2025-03-05T00:00:00Z", "-o", html, "--output", timeline, "--format", "jsonl", "-o", lines)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	page, _ := os.ReadFile(html)
	if !strings.HasPrefix(string(page), "<!DOCTYPE html>") || !strings.Contains(string(page), "ws-0210.contoso.local") {
		t.Errorf("r.html is not the report: %.200s", page)
	}
	// The report records the command line, the inputs and the version.
	for _, want := range []string{"<dt>Command</dt><dd class=\"mono\">kqlhunt hunt --rules ../../examples/rules --data ../../examples/telemetry",
		"<dt>Data</dt><dd class=\"mono\">../../examples/telemetry</dd>", "<dt>Rules</dt><dd class=\"mono\">../../examples/rules</dd>",
		" · kqlhunt " + version()} {
		if !strings.Contains(string(page), want) {
			t.Errorf("r.html lacks %q", want)
		}
	}
	f, _ := os.Open(timeline)
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) != 5 || recs[0][0] != "Timestamp" {
		t.Errorf("t.csv: %d records, %v", len(recs), err)
	}
	jl, _ := os.ReadFile(lines)
	if n := strings.Count(string(jl), "\n"); n != 4 {
		t.Errorf("f.out: %d lines, want 4", n)
	}

	// A file that cannot be created is a usage error before the hunt.
	code, _, stderr = kqlhunt(t, "", "hunt", "--rules", "../../examples/rules", "--data", "../../examples/telemetry",
		"-o", filepath.Join(dir, "no", "such", "dir", "r.html"))
	if code != exitUsage || !strings.Contains(stderr, "--output") {
		t.Errorf("unwritable output: exit %d, %s", code, stderr)
	}
}

func TestQueryOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rows.jsonl")
	code, stdout, stderr := kqlhunt(t, "", "query", "-o", out, "print a=1")
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != "{\"a\":1}\n" {
		t.Errorf("rows.jsonl = %q", b)
	}
	if code, _, stderr := kqlhunt(t, "", "query", "-o", out, "--format", "csv", "print a=1"); code != exitUsage || !strings.Contains(stderr, "one output") {
		t.Errorf("two outputs: exit %d, %s", code, stderr)
	}
}

func TestRuleSelection(t *testing.T) {
	code, out, stderr := kqlhunt(t, "", "rules", "list", "--pack", "rmm", "--rule", "*screenmeet*", "--format", "jsonl")
	if code != 0 || strings.Count(out, "\n") != 3 {
		t.Errorf("rules list --rule: exit %d, %d lines, %s", code, strings.Count(out, "\n"), stderr)
	}
	code, out, stderr = kqlhunt(t, "", "hunt", "--pack", "rmm", "--data", "../../examples/rmm", "--rule", "*screenmeet*",
		"--technique", "T1219", "--format", "jsonl")
	if code != 0 || strings.Count(out, "\n") != 5 || !strings.Contains(stderr, "609 rules not selected by --rule \"*screenmeet*\" --technique T1219") {
		t.Errorf("hunt --rule: exit %d, %d findings, %s", code, strings.Count(out, "\n"), stderr)
	}
	code, _, stderr = kqlhunt(t, "", "hunt", "--pack", "rmm", "--data", "../../examples/rmm", "--min-severity", "critical")
	if code != exitUsage || !strings.Contains(stderr, "--min-severity") {
		t.Errorf("bad severity: exit %d, %s", code, stderr)
	}
	code, _, stderr = kqlhunt(t, "", "hunt", "--pack", "rmm", "--data", "../../examples/rmm", "--tactic", "Impact")
	if code != exitUsage || !strings.Contains(stderr, "no rule matches --tactic \"Impact\" (612 rules loaded)") {
		t.Errorf("nothing selected: exit %d, %s", code, stderr)
	}
	code, out, _ = kqlhunt(t, "", "test", "--pack", "rmm", "--rule", "*screenmeet*")
	if code != 0 || !strings.Contains(out, "6 passed, 0 failed") {
		t.Errorf("test --rule: exit %d, %s", code, out)
	}
}
