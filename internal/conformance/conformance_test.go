package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/corpus"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

const fixture = "testdata/corpus"

func load(t *testing.T, dir string) *corpus.Corpus {
	t.Helper()
	c, err := corpus.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// verdicts returns a result's disagreements as "file: got" lines.
func verdicts(r *Result) []string {
	out := []string{}
	for _, d := range r.Disagreements {
		out = append(out, d.File+": "+d.Got)
	}
	return out
}

// TestFixture runs the three modes on the fixture corpus, whose manifest
// holds agreements and disagreements of each kind.
func TestFixture(t *testing.T) {
	var calls []string
	rep, err := Run(context.Background(), load(t, fixture), Options{
		Progress: func(m Mode, done, total int) { calls = append(calls, string(m)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[Mode]struct {
		total, agreed int
		bad           []string
	}{
		Parser:    {9, 8, []string{"queries/parser_disagree.kql: ok"}},
		Checker:   {6, 4, []string{"queries/checker_disagree_fail.kql: ok", "queries/checker_disagree_ok.kql: fail"}},
		Execution: {4, 3, []string{"queries/checker_disagree_ok.kql: compile error"}},
	}
	if len(rep.Results) != 3 {
		t.Fatalf("%d results, want 3", len(rep.Results))
	}
	for i, m := range Modes {
		r := rep.Results[i]
		w := want[m]
		if r.Mode != m || r.Total != w.total || r.Agreed != w.agreed {
			t.Errorf("result %d: %s %d/%d, want %s %d/%d", i, r.Mode, r.Agreed, r.Total, m, w.agreed, w.total)
		}
		if diff := cmp.Diff(w.bad, verdicts(r)); diff != "" {
			t.Errorf("%s disagreements (-want +got):\n%s", m, diff)
		}
	}
	// Messages carry kqlhunt's position and the reference's message.
	d := rep.Result(Checker).Disagreements
	if !strings.HasPrefix(d[1].Message, "3:29: ") || !strings.Contains(d[1].Message, "LocalPort") {
		t.Errorf("checker message %q, want 3:29: and the unknown column", d[1].Message)
	}
	if d[0].ReferenceMessage != "The function 'count' is not known, somehow" || d[0].Message != "" || d[0].Line != 9 {
		t.Errorf("checker disagreement %+v, want the reference message and manifest line 9", d[0])
	}
	if ex := rep.Result(Execution); ex.NonEmpty != 3 {
		t.Errorf("execution: %d queries returned rows, want 3", ex.NonEmpty)
	}
	if len(calls) != 9+6+4 {
		t.Errorf("progress called %d times, want once per query (19)", len(calls))
	}
	if rep.Now != "2026-01-01T00:00:00Z" || rep.Seed != DefaultSeed || rep.Rows != 100 || rep.Timeout != "10s" {
		t.Errorf("settings %q %d %d %q, want the defaults", rep.Now, rep.Seed, rep.Rows, rep.Timeout)
	}
}

// TestDeterministic checks that the report does not depend on the number
// of workers.
func TestDeterministic(t *testing.T) {
	c := load(t, fixture)
	var reports []string
	for _, w := range []int{1, 2, 8} {
		rep, err := Run(context.Background(), c, Options{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(rep)
		reports = append(reports, string(b))
	}
	if reports[0] != reports[1] || reports[0] != reports[2] {
		t.Errorf("reports differ with 1, 2 and 8 workers:\n%s\n%s\n%s", reports[0], reports[1], reports[2])
	}
}

// TestOneMode checks that Options.Modes selects modes.
func TestOneMode(t *testing.T) {
	rep, err := Run(context.Background(), load(t, fixture), Options{Modes: []Mode{Checker}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 1 || rep.Results[0].Mode != Checker || rep.Result(Parser) != nil {
		t.Errorf("results %+v, want the checker's only", rep.Results)
	}
	if _, err := Run(context.Background(), load(t, fixture), Options{Modes: []Mode{"speed"}}); err == nil {
		t.Error("an unknown mode is not an error")
	}
}

// TestFailures makes the run of each execution query panic, fail, hang or
// overrun its timeout, and checks that each is counted with its message
// and that the run goes on.
func TestFailures(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	behave := map[string]func(ctx context.Context) error{
		// Stops when told: a timeout.
		"DeviceProcessEvents": func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() },
		// Ignores its context: abandoned after the grace period.
		"DeviceNetworkEvents,DeviceProcessEvents": func(ctx context.Context) error { <-hang; return nil },
		// Panics.
		"DeviceNetworkEvents": func(ctx context.Context) error { panic("boom\nsecond line") },
	}
	rep, err := run(context.Background(), load(t, fixture), Options{Modes: []Mode{Execution}, Timeout: 20 * time.Millisecond}, func(r *runner) {
		r.grace = 50 * time.Millisecond
		r.runQuery = func(q *kql.Query, ctx context.Context, tables kql.Tables, now value.Datetime) ([]*kql.Result, error) {
			f := behave[strings.Join(q.Tables, ",")]
			if f == nil {
				return nil, errors.New("unexpected tables")
			}
			return nil, f(ctx)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Results[0]
	got := map[string]string{}
	for _, d := range r.Disagreements {
		got[d.File] = d.Got + ": " + d.Message
	}
	want := map[string]string{
		"queries/powershell.kql":          "timeout: did not finish within 20ms",
		"queries/join.kql":                "timeout: did not finish within 20ms, nor stop when told to",
		"queries/externaldata.kql":        "panic: boom …",
		"queries/checker_disagree_ok.kql": "compile error: 3:29: unknown column 'LocalPort'",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	if r.Agreed != 0 || r.Total != 4 {
		t.Errorf("%d/%d, want 0/4", r.Agreed, r.Total)
	}
}

// TestRunError checks that an error of the executor is a "run error" with
// its first line, and that kql.ErrInternal is a panic.
func TestRunError(t *testing.T) {
	rep, err := run(context.Background(), load(t, fixture), Options{Modes: []Mode{Execution}}, func(r *runner) {
		r.runQuery = func(q *kql.Query, ctx context.Context, tables kql.Tables, now value.Datetime) ([]*kql.Result, error) {
			if len(q.Tables) == 2 {
				return nil, errors.New("join: too many rows\nmore detail")
			}
			return nil, errors.Join(kql.ErrInternal, errors.New("nil map"))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	got := verdicts(rep.Results[0])
	want := []string{"queries/checker_disagree_ok.kql: compile error", "queries/externaldata.kql: panic", "queries/join.kql: run error", "queries/powershell.kql: panic"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if m := rep.Results[0].Disagreements[2].Message; m != "join: too many rows …" {
		t.Errorf("message %q, want the first line", m)
	}
}

// TestCanceled checks that a canceled run stops with the context's error.
func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, load(t, fixture), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

// TestMissingQuery checks that a manifest entry without its file is an
// error naming the manifest line.
func TestMissingQuery(t *testing.T) {
	dir := t.TempDir()
	manifest := "file,tables,defender,reference_syntax,reference_syntax_error,reference_semantic,reference_semantic_error\n" +
		"queries/a.kql,T,0,ok,,unchecked,\n"
	if err := os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), load(t, dir), Options{})
	if err == nil || !strings.Contains(err.Error(), "manifest.csv:2: ") {
		t.Errorf("error %v, want manifest.csv:2", err)
	}
}

func TestExceptions(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct{ text, want string }{
		{"# comment\n\nqueries/a.kql\n", ":3: expected FILE<TAB>REASON"},
		{"queries/a.kql\t  \n", ":1: expected FILE<TAB>REASON"},
		{"queries/a.kql\tone\nqueries/a.kql\ttwo\n", ":2: queries/a.kql is listed again (first at line 1)"},
	} {
		_, err := ReadExceptions(write("bad.txt", c.text))
		if err == nil || !strings.Contains(err.Error(), "bad.txt"+c.want) {
			t.Errorf("%q: error %v, want %q", c.text, err, c.want)
		}
	}
	if _, err := ReadExceptions(filepath.Join(dir, "none.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	ex, err := ReadExceptions(write("ok.txt", "# known\nqueries/checker_disagree_ok.kql\tLocalPort is not in the corpus schema\r\n"+
		"queries/powershell.kql\tfixed since\nqueries/truncated.kql\tnot a checker query\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), load(t, fixture), Options{Modes: []Mode{Checker}})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Results[0]
	unlisted := r.Apply(ex)
	if len(unlisted) != 1 || unlisted[0].File != "queries/checker_disagree_fail.kql" {
		t.Errorf("unlisted %+v, want checker_disagree_fail.kql", unlisted)
	}
	if r.Disagreements[1].Reason != "LocalPort is not in the corpus schema" {
		t.Errorf("reason %q", r.Disagreements[1].Reason)
	}
	if diff := cmp.Diff([]string{"queries/powershell.kql", "queries/truncated.kql"}, r.Stale); diff != "" {
		t.Errorf("stale (-want +got):\n%s", diff)
	}
	if s := r.StaleReason("queries/powershell.kql"); s != "agrees with the reference now" {
		t.Errorf("stale reason %q", s)
	}
	if s := r.StaleReason("queries/truncated.kql"); s != "is not one of the 6 queries of the checker mode" {
		t.Errorf("stale reason %q", s)
	}
}

func TestParseMode(t *testing.T) {
	for s, want := range map[string][]Mode{"all": Modes, "parser": {Parser}, "execution": {Execution}, "Parser": nil, "": nil} {
		got, err := ParseMode(s)
		if diff := cmp.Diff(want, got); diff != "" || (want == nil) != (err != nil) {
			t.Errorf("ParseMode(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
}

// TestWriteText compares the text form of a report built by hand with
// testdata/text.golden (go test -update rewrites it).
func TestWriteText(t *testing.T) {
	rep := &Report{Corpus: "corpus", Queries: 5, Now: DefaultNow, Seed: 1, Rows: 100, Timeout: "10s", Results: []*Result{
		{Mode: Parser, Total: 5, Agreed: 5, Disagreements: []Disagreement{}},
		{Mode: Checker, Total: 4, Agreed: 2, Disagreements: []Disagreement{
			{File: "q/a.kql", Line: 2, Reference: "ok", Got: "fail", Message: "1:5: unknown column 'X'", Reason: "X is Defender-only"},
			{File: "q/b.kql", Line: 3, Reference: "fail", ReferenceMessage: "The name 'y' does not refer to any known column", Got: "ok"},
		}, Stale: []string{"q/c.kql"}, checked: map[string]bool{"q/c.kql": true}},
		{Mode: Execution, Total: 3, Agreed: 1, NonEmpty: 1, Disagreements: []Disagreement{
			{File: "q/a.kql", Line: 2, Reference: "ok", Got: "compile error", Message: "1:5: unknown column 'X'"},
			{File: "q/d.kql", Line: 5, Reference: "ok", Got: "timeout", Message: "did not finish within 10s"},
		}},
	}}
	var b bytes.Buffer
	if err := WriteText(&b, rep); err != nil {
		t.Fatal(err)
	}
	golden := "testdata/text.golden"
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("text differs from %s (-want +got):\n%s", golden, diff)
	}
}

// TestSelectCatalog measures chosen queries against a given catalog: each
// selected query is expected to pass the checker and to run, whatever the
// reference's semantic verdict, and the catalog replaces the corpus's
// schemas: EmailEvents, which the fixture has no schema for, compiles, and
// so does checker_disagree_ok.kql, whose LocalPort the fixture's
// DeviceNetworkEvents lacks.
func TestSelectCatalog(t *testing.T) {
	rep, err := Run(context.Background(), load(t, fixture), Options{
		Modes:   []Mode{Checker, Execution},
		Catalog: kql.Builtin(),
		Select:  func(e corpus.Entry) bool { return e.Syntax == "ok" },
	})
	if err != nil {
		t.Fatal(err)
	}
	check, run := rep.Result(Checker), rep.Result(Execution)
	if check.Total != 7 || run.Total != 7 {
		t.Errorf("checker measured %d and execution %d queries, want the 7 with reference_syntax=ok", check.Total, run.Total)
	}
	want := []string{"queries/unknown_column.kql: fail"}
	if diff := cmp.Diff(want, verdicts(check)); diff != "" {
		t.Errorf("checker failures (-want +got):\n%s", diff)
	}
	for _, d := range check.Disagreements {
		if d.Reference != "ok" {
			t.Errorf("%s: expected verdict %q, want ok", d.File, d.Reference)
		}
	}
	want = []string{"queries/unknown_column.kql: compile error"}
	if diff := cmp.Diff(want, verdicts(run)); diff != "" {
		t.Errorf("execution failures (-want +got):\n%s", diff)
	}
}
