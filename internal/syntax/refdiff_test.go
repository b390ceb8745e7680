package syntax

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/corpus"
)

// The differential test runs Microsoft's parser (refcheck, in Node) and
// kqlhunt's on mutants of the corpus queries: tokens deleted, repeated,
// swapped, replaced, joined, cut off, or changed a byte at a time. It needs Node and refcheck's package, so it
// runs only when asked:
//
//	go test ./internal/syntax -run RefDiff -refdiff.n 20000 -refdiff.modules ~/.cache/kql-refcheck
//
// Every disagreement found is written to testdata/reference/{ok,error}/
// (named by a hash of the text) with -refdiff.save, where
// TestReferenceVerdicts keeps it fixed on every run.
var (
	refdiffN       = flag.Int("refdiff.n", 0, "number of mutants to compare with Microsoft's parser (0: skip)")
	refdiffSeed    = flag.Uint64("refdiff.seed", 1, "random seed for the mutants")
	refdiffModules = flag.String("refdiff.modules", os.Getenv("REFCHECK_MODULES"), "where @kusto/language-service-next is installed (see refcheck's README)")
	refdiffSave    = flag.Bool("refdiff.save", false, "save disagreements under testdata/reference")
	refdiffFile    = flag.String("refdiff.file", "", "compare these queries instead of mutants: a file of queries separated by lines of ----")
	refdiffKeep    = flag.Int("refdiff.keep", 0, "also save this many agreeing mutants under testdata/reference, as regression cases")
)

// TestReferenceVerdicts parses the texts under testdata/reference, each a
// case where Microsoft's parser was asked for its verdict (ok/ or error/),
// and checks that kqlhunt agrees.
func TestReferenceVerdicts(t *testing.T) {
	n := 0
	for _, want := range []string{"ok", "error"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "reference", want, "*.kql"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			n++
			if got := verdict(string(b)); got != want {
				t.Errorf("%s: Microsoft's parser says %s, kqlhunt says %s", f, want, describeVerdict(string(b)))
			}
		}
	}
	if n == 0 {
		t.Fatal("no reference cases under testdata/reference")
	}
}

func verdict(src string) string {
	if _, diags := Parse(src); diags.HasErrors() {
		return "error"
	}
	return "ok"
}

// describeVerdict is kqlhunt's verdict with its first error.
func describeVerdict(src string) string {
	_, diags := Parse(src)
	if !diags.HasErrors() {
		return "ok"
	}
	d := diags.Errors()[0]
	line, col := NewSource("", src).LineCol(d.Span.Start)
	return fmt.Sprintf("error %d:%d: %s", line, col, d.Msg)
}

func TestRefDiff(t *testing.T) {
	if *refdiffN == 0 && *refdiffFile == "" {
		t.Skip("differential test against Microsoft's parser not requested (-refdiff.n)")
	}
	refcheck := filepath.Join(corpus.Shared(t, "tools"), "refcheck", "refcheck.js")
	c, err := corpus.Load(corpus.Shared(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, e := range c.Entries {
		if src, err := c.Read(e); err == nil && len(src) < 4000 {
			texts = append(texts, src)
		}
	}
	vocab := vocabulary(texts)
	rng := rand.New(rand.NewPCG(*refdiffSeed, 7))
	dir := t.TempDir()
	mutants := map[string]string{} // file name -> text
	var given []string
	if *refdiffFile != "" {
		b, err := os.ReadFile(*refdiffFile)
		if err != nil {
			t.Fatal(err)
		}
		given = strings.Split(string(b), "\n----\n")
		*refdiffN = len(given)
	}
	for i := 0; len(mutants) < *refdiffN && i < 10**refdiffN; i++ {
		var m string
		if given != nil {
			m = given[i]
		} else {
			m = texts[rng.IntN(len(texts))]
			for range 1 + rng.IntN(3) {
				m = mutate(rng, m, vocab)
			}
		}
		name := fmt.Sprintf("m%06d.kql", len(mutants))
		mutants[name] = m
		if err := os.WriteFile(filepath.Join(dir, name), []byte(m), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{refcheck, "--json"}
	if *refdiffModules != "" {
		args = append(args, "--modules", *refdiffModules)
	}
	cmd := exec.Command("node", append(args, dir)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil && stdout.Len() == 0 {
		t.Fatalf("refcheck: %v\n%s", err, stderr.String())
	}
	var disagree []string
	agreed, total, kept := 0, 0, 0
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		var r struct {
			File   string
			Syntax string
			Diags  []struct {
				Message string
				Line    int
				Column  int
			} `json:"syntax_diagnostics"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("refcheck output: %v", err)
		}
		src, ok := mutants[filepath.Base(r.File)]
		if !ok {
			t.Fatalf("refcheck reported unknown file %s", r.File)
		}
		total++
		if verdict(src) == r.Syntax {
			agreed++
			if kept < *refdiffKeep && len(src) < 1500 {
				kept++
				saveReference(t, r.Syntax, src)
			}
			continue
		}
		why := ""
		if len(r.Diags) > 0 {
			why = fmt.Sprintf(" (%d:%d: %s)", r.Diags[0].Line, r.Diags[0].Column, r.Diags[0].Message)
		}
		disagree = append(disagree, fmt.Sprintf("reference %s%s, kqlhunt %s:\n%s\n", r.Syntax, why, describeVerdict(src), src))
		if *refdiffSave {
			saveReference(t, r.Syntax, src)
		}
	}
	t.Logf("agreement with Microsoft's parser on %d mutants: %d", total, agreed)
	if total != len(mutants) {
		t.Errorf("refcheck judged %d of %d mutants", total, len(mutants))
	}
	sort.Strings(disagree)
	for i, d := range disagree {
		if i == 30 {
			t.Errorf("... and %d more", len(disagree)-30)
			break
		}
		t.Error(d)
	}
}

// saveReference writes src as a regression case with Microsoft's verdict.
func saveReference(t *testing.T, verdict, src string) {
	save := filepath.Join("testdata", "reference", verdict, fmt.Sprintf("%016x.kql", hash(src)))
	if err := os.WriteFile(save, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func hash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// vocabulary is every distinct token text of the texts, the material that
// mutants are made of.
func vocabulary(texts []string) []string {
	seen := map[string]bool{}
	for _, src := range texts {
		toks, _ := Lex(src)
		for _, t := range toks {
			if t.Kind != EOF && len(t.Text) < 40 {
				seen[t.Text] = true
			}
		}
	}
	for kw := range fixedTokens {
		seen[kw] = true
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// mutate makes a small token-level change to src, keeping the rest of the
// text (comments and spacing) as it was.
func mutate(rng *rand.Rand, src string, vocab []string) string {
	toks, _ := Lex(src)
	toks = toks[:len(toks)-1] // EOF
	if len(toks) == 0 {
		return src
	}
	i := rng.IntN(len(toks))
	t := toks[i]
	word := vocab[rng.IntN(len(vocab))]
	switch rng.IntN(8) {
	case 6: // change one byte of the token, stressing the lexer
		j := t.Span.Start + rng.IntN(t.Span.End-t.Span.Start)
		const chars = "`'\"@$#.:;-!~=<>|()[]{}*/ \n0aZ_h"
		return src[:j] + string(chars[rng.IntN(len(chars))]) + src[j+1:]
	case 7: // join the token to the next
		if i+1 < len(toks) {
			return src[:t.Span.End] + src[toks[i+1].Span.Start:]
		}
		return src
	case 0: // delete
		return src[:t.Span.Start] + src[t.Span.End:]
	case 1: // repeat
		return src[:t.Span.End] + " " + src[t.Span.Start:]
	case 2: // swap with the next token
		if i+1 < len(toks) {
			u := toks[i+1]
			return src[:t.Span.Start] + src[u.Span.Start:u.Span.End] + src[t.Span.End:u.Span.Start] + src[t.Span.Start:t.Span.End] + src[u.Span.End:]
		}
		return src[:t.Span.Start]
	case 3: // replace
		return src[:t.Span.Start] + word + src[t.Span.End:]
	case 4: // insert
		return src[:t.Span.Start] + word + " " + src[t.Span.Start:]
	default: // cut off
		return strings.TrimRight(src[:t.Span.End], " ")
	}
}
