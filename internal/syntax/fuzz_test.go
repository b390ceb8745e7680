package syntax_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/kqltest"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// corpusDir is the shared corpus of public KQL queries, present in the
// development workspace and in CI but not in a user's clone.
const corpusDir = "../../../shared/corpus/queries"

// seeds returns queries to start fuzzing from: the error files, the
// queries of the .test scripts (their loads and evals, read with the
// scripts' own parser) and, when present, the shared corpus.
func seeds(t testing.TB) []string {
	var out []string
	files, _ := filepath.Glob("testdata/errors/*.kql")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		out = append(out, string(b))
	}
	out = append(out, scriptQueries(t, "../../kql/testdata/*.test")...)
	filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".kql") {
			b, _ := os.ReadFile(p)
			out = append(out, string(b))
		}
		return nil
	})
	return out
}

// scriptQueries returns the queries of the .test scripts that match glob.
func scriptQueries(t testing.TB, glob string) []string {
	scripts, _ := filepath.Glob(glob)
	if len(scripts) == 0 {
		t.Fatalf("no scripts match %s", glob)
	}
	var out []string
	for _, s := range scripts {
		cmds, err := kqltest.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			out = append(out, c.Query)
		}
	}
	return out
}

// TestSeeds checks that the fuzz seeds are queries, not script blocks
// with their headers and expected rows.
func TestSeeds(t *testing.T) {
	qs := scriptQueries(t, "../../kql/testdata/*.test")
	if len(qs) < 100 {
		t.Fatalf("%d queries in the scripts", len(qs))
	}
	for _, q := range qs {
		if strings.HasPrefix(q, "eval") || strings.HasPrefix(q, "load") || strings.Contains(q, "\n----\n") {
			t.Fatalf("seed is a script block: %.60q", q)
		}
	}
}

// FuzzParse fails when the lexer or parser panics (a recovered panic is
// reported as an "internal error" diagnostic) or returns a nil tree, when
// a diagnostic's span falls outside the text, or when parsing and printing
// take seconds (what the fuzzer makes is small: only superlinear work
// takes that long).
func FuzzParse(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 10*time.Second && len(src) < 100_000 {
				t.Fatalf("%d bytes took %v", len(src), d)
			}
		}()
		q, diags := syntax.Parse(src)
		if q == nil {
			t.Fatal("nil tree")
		}
		for _, d := range diags {
			if strings.Contains(d.Msg, "internal error") {
				t.Fatalf("%s", d.Msg)
			}
			if d.Span.Start < 0 || d.Span.End > len(src) || d.Span.Start > d.Span.End {
				t.Fatalf("span %v outside text of length %d: %s", d.Span, len(src), d.Msg)
			}
		}
		_ = syntax.Print(q)
		diags.Format(syntax.NewSource("f", src))
	})
}
