package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// longQuery runs for minutes unless stopped.
const longQuery = `range i from 1 to 100000000000 step 1 | where i % 7 == 100 | count`

// TestTimeout checks that --timeout stops a run with its own exit code
// and a message naming the limit.
func TestTimeout(t *testing.T) {
	start := time.Now()
	code, _, errs := kqlhunt(t, "", "query", "--timeout", "300ms", longQuery)
	if code != exitLimit || !strings.Contains(errs, "time limit of 300ms was reached (--timeout)") {
		t.Errorf("exit %d, stderr %q; want %d and the time limit", code, errs, exitLimit)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to stop", d)
	}
	if code, _, errs := kqlhunt(t, "", "query", "--timeout", "-1s", "print 1"); code != exitUsage || !strings.Contains(errs, "--timeout") {
		t.Errorf("--timeout -1s: exit %d, %q", code, errs)
	}
}

// TestParseSize checks the forms --max-memory takes.
func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"512MiB", 512 << 20}, {"4GB", 4e9}, {"1.5GiB", 3 << 29}, {"1000", 1000}, {"50%", 500}, {"100B", 100},
	}
	for _, tt := range tests {
		if got, err := parseSize(tt.in, 1000); err != nil || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "x", "-1GB", "0", "150%", "12 parsecs"} {
		if _, err := parseSize(bad, 1000); err == nil {
			t.Errorf("parseSize(%q): no error", bad)
		}
	}
}

// TestInterrupt runs the binary, sends it SIGINT while a query runs and
// expects it to stop within a second with exit code 130.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary: skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "kqlhunt")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	rule := filepath.Join(t.TempDir(), "long.kql")
	if err := os.WriteFile(rule, []byte(longQuery+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"query", longQuery},
		{"hunt", "--rules", rule, "--data", "../../examples/telemetry"},
	} {
		cmd := exec.Command(bin, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond)
		sent := time.Now()
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			t.Fatalf("%v: still running 5s after SIGINT", args)
		}
		if d := time.Since(sent); d > time.Second {
			t.Errorf("%v: took %v to stop after SIGINT", args, d)
		}
		if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", args, code, exitInterrupted, stderr.String())
		}
	}
}
