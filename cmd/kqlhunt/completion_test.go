package main

import (
	"strings"
	"testing"
)

// complete asks kqlhunt's completion for the last of args, as the shell
// scripts do (cobra's hidden __complete command), and returns the
// candidates and the directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	code, out, stderr := kqlhunt(t, "", append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %v: exit %d, %s", args, code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[:len(lines)-1], lines[len(lines)-1]
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, _ := kqlhunt(t, "", "completion", shell)
		if code != 0 || !strings.Contains(out, "kqlhunt") || len(out) < 1000 {
			t.Errorf("completion %s: exit %d, %d bytes", shell, code, len(out))
		}
	}
	for _, c := range []struct {
		args []string
		want []string
		not  string
	}{
		{[]string{"hunt", "--format", ""}, []string{"table", "csv", "json", "jsonl", "html"}, ""},
		{[]string{"hunt", "--format", "j"}, []string{"json", "jsonl"}, "table"},
		{[]string{"query", "--format", ""}, []string{"table", "jsonl"}, "html"},
		{[]string{"test", "--format", ""}, []string{"text", "jsonl", "junit"}, ""},
		{[]string{"rules", "list", "--format", ""}, []string{"table", "jsonl"}, "csv"},
		{[]string{"hunt", "--pack", ""}, []string{"rmm"}, ""},
		{[]string{"test", "--pack", ""}, []string{"rmm"}, ""},
		{[]string{"hunt", "--table", "DeviceNet"}, []string{"DeviceNetworkEvents=", "DeviceNetworkInfo="}, "DeviceProcessEvents"},
		{[]string{"gen", "--table", "DeviceFileC"}, []string{"DeviceFileCertificateInfo"}, "="},
		{[]string{"hunt", "--min-severity", ""}, []string{"informational", "low", "medium", "high"}, ""},
		{[]string{"hunt", "--tactic", "Com"}, []string{"CommandAndControl"}, ""},
		{[]string{"hunt", "--color", ""}, []string{"auto", "always", "never"}, ""},
		{[]string{"convert", "--codec", ""}, []string{"zstd", "snappy"}, ""},
	} {
		got, directive := complete(t, c.args...)
		joined := "\n" + strings.Join(got, "\n") + "\n"
		for _, w := range c.want {
			if !strings.Contains(joined, "\n"+w+"\n") {
				t.Errorf("%v: %q missing from %v", c.args, w, got)
			}
		}
		if c.not != "" && strings.Contains(joined, c.not) {
			t.Errorf("%v: %q in %v", c.args, c.not, got)
		}
		if !strings.HasPrefix(directive, ":") {
			t.Errorf("%v: no directive line: %q", c.args, directive)
		}
	}
	// After NAME=, the path is the shell's to complete.
	if got, directive := complete(t, "hunt", "--table", "DeviceNetworkEvents="); len(got) != 0 || directive != ":0" {
		t.Errorf("--table NAME=: %v %s", got, directive)
	}
}
