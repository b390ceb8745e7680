package syntax

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir is the shared corpus of public KQL queries, present in the
// development workspace and in CI but not in a user's clone.
const corpusDir = "../../../shared/corpus/queries"

// seeds returns queries to start fuzzing from: the error files, the
// .test scripts' queries, and (when present) the shared corpus.
func seeds(t testing.TB) []string {
	var out []string
	files, _ := filepath.Glob("testdata/errors/*.kql")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		out = append(out, string(b))
	}
	scripts, _ := filepath.Glob("../../kql/testdata/*.test")
	for _, f := range scripts {
		b, _ := os.ReadFile(f)
		for _, block := range strings.Split(string(b), "\n\n") {
			out = append(out, block)
		}
	}
	filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".kql") {
			b, _ := os.ReadFile(p)
			out = append(out, string(b))
		}
		return nil
	})
	return out
}

// FuzzParse fails when the lexer or parser panics (a recovered panic is
// reported as an "internal error" diagnostic) or returns a nil tree, or
// when a diagnostic's span falls outside the text.
func FuzzParse(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		q, diags := Parse(src)
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
		_ = Print(q)
		diags.Format(NewSource("f", src))
	})
}
