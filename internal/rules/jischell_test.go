package rules

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// sharedDir returns the path of rel inside ../shared, beside the module,
// which exists in the development workspace and in CI but not in a user's
// clone. When it is missing the test is skipped with a message saying so,
// except under CI=true, where it fails.
func sharedDir(tb testing.TB, rel string) string {
	tb.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", rel))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s not found (CI=true, so this is a failure): %v", p, err)
		}
		tb.Skipf("%s not found; skipping (set CI=true to fail instead): %v", p, err)
	}
	return p
}

// TestJischellCatalog loads every YAML and Markdown file of the jischell
// RMM catalog, checks every rule against the Defender catalog, and compares
// the diagnostics with testdata/jischell-diagnostics.txt: the catalog's
// known defects, and nothing else.
func TestJischellCatalog(t *testing.T) {
	root := sharedDir(t, "rmm/jischell")
	res, _ := LoadAll([]string{root})

	got := map[string]bool{}
	var all ErrorList
	all = append(all, res.Diags...)
	for _, r := range append(append([]*Rule{}, res.Rules...), res.Rejected...) {
		_, d := Check(r, schema.Defender())
		all = append(all, d...)
	}
	for _, e := range all {
		rel, err := filepath.Rel(root, e.File.Name)
		if err != nil {
			t.Fatal(err)
		}
		got[fmt.Sprintf("%s\t%s:%d:%d\t%s", e.Severity, filepath.ToSlash(rel), e.Line, e.Col, e.Msg)] = true
	}

	f, err := os.Open(filepath.Join("testdata", "jischell-diagnostics.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	matched := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 {
			t.Fatalf("jischell-diagnostics.txt:%d: expected SEVERITY<TAB>FILE:LINE:COL<TAB>MESSAGE, got %q", n, line)
		}
		want := parts[0] + "\t" + parts[1] + "\t" + parts[2]
		found := false
		for g := range got {
			if strings.HasPrefix(g, want) && !matched[g] {
				matched[g], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("jischell-diagnostics.txt:%d: not reported: %s", n, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for g := range got {
		if !matched[g] {
			t.Errorf("reported but not expected: %s", g)
		}
	}

	// The figures of ../shared/rmm/README.md.
	var yamlRules, mdRules, repaired, refused, skipped int
	for _, r := range res.Rules {
		switch r.Format {
		case YAML:
			yamlRules++
		case Markdown:
			mdRules++
		}
	}
	for _, f := range res.Files {
		if f.Repairs > 0 {
			repaired++
		}
		if f.Refused() {
			refused++
		}
		skipped += f.Skipped
	}
	if yamlRules != 168 || mdRules != 197 || len(res.Rejected) != 0 || repaired != 168 || refused != 0 || skipped != 8 {
		t.Errorf("loaded %d YAML and %d Markdown rules (%d rejected) from %d files, %d repaired, %d refused, %d blocks skipped; want 168 and 197 (0 rejected), 168 repaired, 0 refused, 8 skipped",
			yamlRules, mdRules, len(res.Rejected), len(res.Files), repaired, refused, skipped)
	}
}
