package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestTerminalOptions(t *testing.T) {
	t.Setenv("COLUMNS", "")
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	for _, c := range []struct {
		tty     bool
		cols    int
		mode    string
		env     map[string]string
		width   int
		colored bool
	}{
		{false, 0, "auto", nil, 0, false}, // a pipe: no width, no colour
		{false, 0, "auto", map[string]string{"COLUMNS": "90"}, 90, false},
		{false, 0, "auto", map[string]string{"COLUMNS": "wide"}, 0, false},
		{false, 0, "always", nil, 0, true},
		{true, 132, "auto", nil, 132, true},
		{true, 132, "auto", map[string]string{"COLUMNS": "90"}, 132, true}, // the terminal knows best
		{true, 0, "auto", map[string]string{"COLUMNS": "90"}, 90, true},
		{true, 132, "auto", map[string]string{"NO_COLOR": "1"}, 132, false},
		{true, 132, "auto", map[string]string{"TERM": "dumb"}, 132, false},
		{true, 132, "never", nil, 132, false},
		{true, 132, "always", map[string]string{"NO_COLOR": "1"}, 132, true}, // a flag overrides NO_COLOR
	} {
		for k, v := range c.env {
			t.Setenv(k, v)
		}
		got := terminalOptions(c.tty, c.cols, c.mode)
		if got.Width != c.width || got.Color != c.colored {
			t.Errorf("tty %v cols %d %s %v: %+v", c.tty, c.cols, c.mode, c.env, got)
		}
		t.Setenv("COLUMNS", "")
		t.Setenv("NO_COLOR", "")
		t.Setenv("TERM", "xterm-256color")
	}
	if opts := tableOptions(&bytes.Buffer{}, "auto"); opts.Color || opts.Width != 0 {
		t.Errorf("a buffer is not a terminal: %+v", opts)
	}
}

// TestHuntTableNotATerminal checks that the hunt's table written to a pipe
// has no escape codes and whole lines, and that --color always and
// COLUMNS change that.
func TestHuntTableNotATerminal(t *testing.T) {
	args := []string{"hunt", "--pack", "rmm", "--data", "../../examples/rmm", "--rule", "*screenmeet*", "--rule", "*anydesk*"}
	code, out, stderr := kqlhunt(t, "", args...)
	if code != 0 || strings.Contains(out, "\x1b") {
		t.Fatalf("exit %d, escape codes in %q, %s", code, out, stderr)
	}
	if !strings.Contains(out, "Medium  RMM tool - ScreenMeet - Network connection (") || !strings.Contains(out, "findings of") {
		t.Errorf("no per-rule groups:\n%s", out)
	}
	code, out, _ = kqlhunt(t, "", append(args, "--color", "always")...)
	if code != 0 || !strings.Contains(out, "\x1b[33mMedium\x1b[0m") {
		t.Errorf("--color always: no colour in\n%s", out)
	}
	t.Setenv("COLUMNS", "60")
	_, out, _ = kqlhunt(t, "", args...)
	for _, l := range strings.Split(out, "\n") {
		if n := len([]rune(l)); n > 60 {
			t.Errorf("COLUMNS=60: line of %d runes: %s", n, l)
		}
	}
	if code, _, stderr := kqlhunt(t, "", append(args, "--color", "sometimes")...); code != exitUsage || !strings.Contains(stderr, "--color") {
		t.Errorf("--color sometimes: exit %d, %s", code, stderr)
	}
}

func TestHuntQuiet(t *testing.T) {
	code, out, stderr := kqlhunt(t, "", "hunt", "-q", "--pack", "rmm", "--data", "../../examples/rmm", "--format", "jsonl")
	if code != 0 || stderr != "" || strings.Count(out, "\n") == 0 {
		t.Errorf("-q: exit %d, %d findings, stderr %q", code, strings.Count(out, "\n"), stderr)
	}
}

func TestTestQuiet(t *testing.T) {
	code, out, stderr := kqlhunt(t, "", "test", "-q", "--pack", "rmm", "--rule", "*screenmeet*")
	if code != 0 || out != "" || stderr != "" {
		t.Errorf("test -q: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}
