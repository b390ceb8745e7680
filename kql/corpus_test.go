package kql

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/corpus"
)

// semanticExceptions lists the corpus queries whose checker verdict
// differs from Microsoft's analyzer, each with the reason.
const semanticExceptions = "testdata/semantic-exceptions.txt"

// TestCorpusSemantic checks every corpus query that Microsoft's analyzer
// judged (reference_semantic ok or fail) against the corpus schemas, as
// the reference did, and compares the verdicts. It prints the agreement;
// it fails when the agreement is below 99%, when a disagreement is not
// listed in semanticExceptions with its reason, or when a listed query
// now agrees.
func TestCorpusSemantic(t *testing.T) {
	c, err := corpus.Load(corpus.Shared(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := c.Schemas()
	if err != nil {
		t.Fatal(err)
	}
	listed := readExceptions(t, semanticExceptions)
	total, agreed := 0, 0
	var unlisted []string
	for _, e := range c.Entries {
		if e.Semantic != "ok" && e.Semantic != "fail" {
			continue
		}
		src, err := c.Read(e)
		if err != nil {
			t.Fatal(err)
		}
		total++
		_, cerr := Compile(src, cat, Options{})
		got := "ok"
		msg := ""
		if cerr != nil {
			got = "fail"
			var ce *Error
			if errors.As(cerr, &ce) {
				d := ce.Diags.Errors()[0]
				line, col := ce.Source.LineCol(d.Span.Start)
				msg = fmt.Sprintf("%d:%d: %s", line, col, d.Msg)
			} else {
				msg = cerr.Error()
			}
		}
		if got == e.Semantic {
			agreed++
			if _, ok := listed[e.File]; ok {
				t.Errorf("%s: agrees with the reference now; remove it from %s", e.File, semanticExceptions)
			}
			continue
		}
		if _, ok := listed[e.File]; !ok {
			ref := e.SemanticErr
			unlisted = append(unlisted, fmt.Sprintf("%s: reference %s (%s), kqlhunt %s %s", e.File, e.Semantic, ref, got, msg))
		}
	}
	pct := 100 * float64(agreed) / float64(total)
	t.Logf("checker agreement with Microsoft's analyzer: %d/%d (%.2f%%)", agreed, total, pct)
	fmt.Printf("checker agreement with Microsoft's analyzer: %d/%d (%.2f%%)\n", agreed, total, pct)
	sort.Strings(unlisted)
	if len(unlisted) > 0 {
		t.Errorf("%d disagreements not listed in %s:\n%s", len(unlisted), semanticExceptions, strings.Join(unlisted, "\n"))
	}
	if pct < 99 {
		t.Errorf("agreement %.2f%% is below 99%%", pct)
	}
}

// readExceptions reads a file of "corpus-file<TAB>reason" lines; blank
// lines and lines starting with # are comments. Every entry needs a
// reason.
func readExceptions(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return out
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		file, reason, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(reason) == "" {
			t.Fatalf("%s:%d: want FILE<TAB>REASON", path, n)
		}
		out[file] = reason
	}
	return out
}
