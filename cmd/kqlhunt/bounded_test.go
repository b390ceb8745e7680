package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// boundedCase is an input that once crashed kqlhunt or grew its memory
// without limit (issue 8), run as a user would: the binary, with its
// address space capped.
type boundedCase struct {
	name string
	args func(t *testing.T, dir string) []string
	// check looks at the exit code and the output.
	check func(t *testing.T, code int, stdout, stderr string)
}

// addressCap is the address space the binary gets. The Go runtime
// reserves address space well beyond what it uses (about 700 MiB before
// it allocates anything, and stacks for its threads), so the cap is
// generous; the peak resident memory is what rssBudget bounds. The old
// readers and executor went past it on every case here (4 to 23 GB). A
// crash for memory shows as a Go "fatal error" or "out of memory".
const addressCap = 3 << 30

// rssBudget is the peak resident memory allowed to each case: the
// --max-memory every case runs with.
const rssBudget = 512 << 20

// TestBoundedMemory runs the binary on each input of issue 8 that used to
// exhaust memory, under a capped address space, and checks that it gives
// the right answer or a clear message, never a crash, with its peak
// resident memory under rssBudget.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and generates large inputs: skipped with -short")
	}
	for _, tool := range []string{"prlimit", "/usr/bin/time"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := fmt.Sprintf("%s (util-linux's prlimit and GNU time, Debian packages util-linux and time) is needed to cap and measure memory: %v", tool, err)
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	bin := filepath.Join(t.TempDir(), "kqlhunt")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cases := []boundedCase{
		{
			// An Event Hub document of a few MB of gzip that inflates to
			// about 400 MB: it was read whole to detect its format.
			name: "gzip bomb",
			args: func(t *testing.T, dir string) []string {
				p := filepath.Join(dir, "PT1H.json.gz")
				writeGzip(t, p, func(w *bufio.Writer) {
					w.WriteString(`{"records":[`)
					for i := 0; i < 1_500_000; i++ {
						if i > 0 {
							w.WriteByte(',')
						}
						fmt.Fprintf(w, `{"time":"2026-11-20T10:00:00Z","category":"AdvancedHunting-DeviceProcessEvents","properties":{"DeviceName":"wks-%d","FileName":"cmd.exe","ProcessCommandLine":"%s"}}`, i%50, strings.Repeat("x", 150))
					}
					w.WriteString("]}\n")
				})
				return []string{"query", "--data", p, "DeviceProcessEvents | count"}
			},
			check: func(t *testing.T, code int, stdout, stderr string) {
				if code != 0 || !strings.Contains(stdout, "1500000") {
					t.Errorf("exit %d, want 0 and 1500000 rows:\n%s\n%s", code, stdout, stderr)
				}
			},
		},
		{
			// A CSV export with a stray quote: the rest of the file is one
			// field, which encoding/csv grew without limit.
			name: "csv stray quote",
			args: func(t *testing.T, dir string) []string {
				p := filepath.Join(dir, "DeviceNetworkEvents.csv")
				f, err := os.Create(p)
				if err != nil {
					t.Fatal(err)
				}
				w := bufio.NewWriter(f)
				w.WriteString("Timestamp,DeviceName,RemoteUrl\n2026-11-20T10:00:00Z,wks-1,\"a.example.com\n")
				line := "2026-11-20T10:00:00Z,wks-1," + strings.Repeat("b", 200) + ".example.com\n"
				for i := 0; i < 1_500_000; i++ {
					w.WriteString(line)
				}
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
				f.Close()
				return []string{"query", "--data", p, "DeviceNetworkEvents | count"}
			},
			check: func(t *testing.T, code int, stdout, stderr string) {
				if code != 0 || !strings.Contains(stderr, "DeviceNetworkEvents.csv:2") {
					t.Errorf("exit %d, want 0 and a message at line 2:\n%s\n%s", code, stdout, firstLines(stderr, 5))
				}
			},
		},
		{
			// A million-element array per row, expanded: the budget stops
			// it with its own exit code.
			name: "mv-expand",
			args: func(t *testing.T, dir string) []string {
				return []string{"query", "range i from 1 to 1000 step 1 | extend a = range(i, i + 999999, 1) | mv-expand a | count"}
			},
			check: func(t *testing.T, code int, stdout, stderr string) {
				if code != exitLimit || !strings.Contains(stderr, "memory limit of 341.3 MiB") || !strings.Contains(stderr, "of --max-memory") {
					t.Errorf("exit %d, want %d and the memory limit:\n%s\n%s", code, exitLimit, stdout, firstLines(stderr, 5))
				}
			},
		},
		{
			// Thirty doublings of a string through lets: 2^30 characters.
			name: "let strcat doubling",
			args: func(t *testing.T, dir string) []string {
				var b strings.Builder
				b.WriteString("let s0 = 'ab';\n")
				for i := 1; i <= 30; i++ {
					fmt.Fprintf(&b, "let s%d = strcat(s%d, s%d);\n", i, i-1, i-1)
				}
				b.WriteString("print n = strlen(s30)\n")
				return []string{"query", "--timeout", "120s", b.String()}
			},
			check: func(t *testing.T, code int, stdout, stderr string) {
				if code != exitLimit || !strings.Contains(stderr, "strcat") || !strings.Contains(stderr, "limit") {
					t.Errorf("exit %d, want %d naming strcat's limit:\n%s\n%s", code, exitLimit, stdout, firstLines(stderr, 5))
				}
			},
		},
		{
			// A million findings, streamed to the output as they come.
			name: "many findings",
			args: func(t *testing.T, dir string) []string {
				rule := filepath.Join(dir, "many.kql")
				if err := os.WriteFile(rule, []byte("range i from 1 to 1000000 step 1 | extend DeviceName = strcat('wks-', i % 100)\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return []string{"hunt", "--rules", rule, "--format", "jsonl", "--data", "../../examples/telemetry"}
			},
			check: func(t *testing.T, code int, stdout, stderr string) {
				if code != 0 || !strings.Contains(stderr, "1000000 findings") {
					t.Errorf("exit %d, want 0 and 1000000 findings:\n%s", code, firstLines(stderr, 5))
				}
			},
		},
		{
			// A 100,000-term expression and a 20,000-operator pipe compile
			// in linear time (100,000 terms took 46 s, 100,000 pipes 21 s).
			name: "long expression and pipe",
			args: func(t *testing.T, dir string) []string {
				q := "print x = 1" + strings.Repeat("+1", 100_000) + strings.Repeat(" | extend y = x", 20_000)
				p := filepath.Join(dir, "long.kql")
				if err := os.WriteFile(p, []byte(q), 0o644); err != nil {
					t.Fatal(err)
				}
				return []string{"query", "--timeout", "60s", "-f", p}
			},
			check: func(t *testing.T, code int, stdout, stderr string) {
				if code != 0 || !strings.Contains(stdout, "100001") {
					t.Errorf("exit %d, want 0 and x = 100001:\n%s\n%s", code, firstLines(stdout, 5), firstLines(stderr, 5))
				}
			},
		},
		{
			// Past the checker's depth bound, a positioned error with a
			// short excerpt, not a stack overflow.
			name: "too long an expression",
			args: func(t *testing.T, dir string) []string {
				q := "print x = 1" + strings.Repeat("+1", 160_000)
				p := filepath.Join(dir, "deep.kql")
				if err := os.WriteFile(p, []byte(q), 0o644); err != nil {
					t.Fatal(err)
				}
				return []string{"query", "--timeout", "60s", "-f", p}
			},
			check: func(t *testing.T, code int, stdout, stderr string) {
				if code != exitUsage || !strings.Contains(stderr, "deep.kql:1:") || !strings.Contains(stderr, "nested too deeply") || len(stderr) > 2000 {
					t.Errorf("exit %d, want %d and a short positioned error:\n%s", code, exitUsage, firstLines(stderr, 5))
				}
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// GNU time forks the child, whose peak RSS it reports: Go's
			// os/exec starts a child sharing this test's memory until it
			// execs, and Linux counts that memory in the child's own peak.
			args := append([]string{"-f", peakMarker + "%M", "prlimit", fmt.Sprintf("--as=%d", addressCap), bin}, c.args(t, t.TempDir())...)
			args = slices.Insert(args, 6, fmt.Sprintf("--max-memory=%d", rssBudget))
			cmd := exec.Command("/usr/bin/time", args...)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			if _, ok := err.(*exec.ExitError); err != nil && !ok {
				t.Fatal(err)
			}
			code := cmd.ProcessState.ExitCode()
			errText, rss := peakRSS(t, stderr.String())
			t.Logf("exit %d in %v, peak RSS %d MiB", code, time.Since(start).Round(time.Millisecond), rss>>20)
			if strings.Contains(errText, "fatal error") || strings.Contains(errText, "out of memory") {
				t.Fatalf("crashed:\n%s", firstLines(errText, 10))
			}
			if rss > rssBudget {
				t.Errorf("peak RSS %d MiB, over the %d MiB budget", rss>>20, rssBudget>>20)
			}
			c.check(t, code, stdout.String(), errText)
		})
	}
}

// peakMarker starts the line in which GNU time reports the peak RSS.
const peakMarker = "kqlhunt-test-peak-rss-kib="

// peakRSS splits GNU time's report off stderr and returns the rest and
// the peak RSS in bytes.
func peakRSS(t *testing.T, stderr string) (string, int64) {
	t.Helper()
	i := strings.LastIndex(stderr, peakMarker)
	if i < 0 {
		t.Fatalf("no peak RSS in stderr:\n%s", firstLines(stderr, 10))
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(stderr[i+len(peakMarker):]), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return stderr[:i], kib << 10
}

// writeGzip writes a gzip file whose content fill writes.
func writeGzip(t *testing.T, path string, fill func(w *bufio.Writer)) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewWriterLevel(f, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(gz, 1<<20)
	fill(w)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
}

// firstLines returns the first n lines of s.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
