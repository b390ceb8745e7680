package kql_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/kqltest"
)

// referenceDir holds the documented examples of the KQL reference
// (learn.microsoft.com/kusto), one script per category, each eval citing
// its page and expecting the page's documented output.
const referenceDir = "testdata/reference"

// The evals of CATEGORY.test that do not pass are listed in
// CATEGORY.exceptions beside it, one a line: "LINE" (of the eval), a tab,
// the reason.

// referenceFloor is the pass rate, in percent, below which
// TestReferenceExamples fails: issue 12's 99% (781 of 788 pass, each
// failure listed with its reason).
const referenceFloor = 99.0

// TestReferenceExamples runs the reference's examples on the embedded
// engine and prints how many pass, per category. It fails on an eval that
// does not pass and is not listed in its category's .exceptions file with
// its reason, on a listed eval that passes, and below referenceFloor.
func TestReferenceExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(referenceDir, "*.test"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in %s: %v", referenceDir, err)
	}
	listed := map[string]string{}
	for _, f := range files {
		ex := strings.TrimSuffix(f, ".test") + ".exceptions"
		lines, err := readReferenceExceptions(ex)
		if err != nil {
			t.Fatal(err)
		}
		for line, reason := range lines {
			listed[filepath.Base(ex)+":"+line] = reason
		}
	}
	seen := map[string]bool{}
	total, passed := 0, 0
	var lines []string
	for _, f := range files {
		outcomes, err := kqltest.Evaluate(f, kqltest.Engines[0])
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		n, ok := 0, 0
		for _, o := range outcomes {
			key := fmt.Sprintf("%s:%d", strings.TrimSuffix(filepath.Base(f), ".test")+".exceptions", o.Line)
			seen[key] = true
			n++
			reason, isListed := listed[key]
			switch {
			case o.Failure == "":
				ok++
				if isListed {
					t.Errorf("%s: the eval at this line passes now; remove it (it was listed: %s)", key, reason)
				}
			case !isListed:
				t.Errorf("%s: the eval at this line does not pass and is not listed there with its reason:\n%s", key, o.Failure)
			}
		}
		total += n
		passed += ok
		lines = append(lines, fmt.Sprintf("  %-32s %4d of %4d pass", strings.TrimSuffix(filepath.Base(f), ".test"), ok, n))
	}
	for key := range listed {
		if !seen[key] {
			t.Errorf("%s: listed, but no eval starts at this line", key)
		}
	}
	sort.Strings(lines)
	pct := 100 * float64(passed) / float64(max(total, 1))
	fig := fmt.Sprintf("reference examples: %d of %d pass (%.1f%%)\n%s", passed, total, pct, strings.Join(lines, "\n"))
	fmt.Println(fig)
	t.Log(fig)
	if pct < referenceFloor {
		t.Errorf("reference examples: %.1f%% pass, below %.0f%%", pct, referenceFloor)
	}
}

// readReferenceExceptions reads "LINE<TAB>reason" lines; # starts a
// comment. A missing file lists nothing.
func readReferenceExceptions(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, reason, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s:%d: expected the eval's LINE, a tab and the reason", path, n)
		}
		out[key] = reason
	}
	return out, sc.Err()
}
