package kql_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/conformance"
	"github.com/kqlhunt/kqlhunt/internal/corpus"
)

// The tests below measure kqlhunt on the shared corpus (../shared/corpus)
// with package conformance, as `kqlhunt conformance` does, and print each
// figure. Outside CI they skip when the corpus is missing; under CI=true
// they fail.

const (
	// semanticExceptions lists the corpus queries whose checker verdict
	// differs from Microsoft's analyzer, each with the reason.
	semanticExceptions = "testdata/semantic-exceptions.txt"
	// executionExceptions lists the reference_semantic=ok queries that do
	// not run to completion on generated rows, each with the reason.
	executionExceptions = "testdata/execution-exceptions.txt"
)

// sharedResults caches the measures of the shared corpus per mode, so that
// each mode runs once however many tests read it.
var sharedResults struct {
	sync.Mutex
	m map[conformance.Mode]*conformance.Result
}

// measure returns the result of mode m on the shared corpus.
func measure(t *testing.T, m conformance.Mode) *conformance.Result {
	t.Helper()
	dir := corpus.Shared(t, "")
	sharedResults.Lock()
	defer sharedResults.Unlock()
	if r := sharedResults.m[m]; r != nil {
		return r
	}
	c, err := corpus.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := conformance.Run(context.Background(), c, conformance.Options{Modes: []conformance.Mode{m}})
	if err != nil {
		t.Fatal(err)
	}
	if sharedResults.m == nil {
		sharedResults.m = map[conformance.Mode]*conformance.Result{}
	}
	r := rep.Result(m)
	sharedResults.m[m] = r
	fmt.Println(r.Figure())
	t.Log(r.Figure())
	return r
}

// TestCorpusParser prints the parser's agreement with Microsoft's parser,
// and fails on any disagreement (as internal/syntax's TestCorpusAgreement
// does, which has the details).
func TestCorpusParser(t *testing.T) {
	r := measure(t, conformance.Parser)
	for _, d := range r.Disagreements {
		t.Error(d.String())
	}
}

// TestCorpusSemantic checks every corpus query that Microsoft's analyzer
// judged (reference_semantic ok or fail) against the corpus schemas, as
// the reference did, and compares the verdicts. It prints the agreement;
// it fails when the agreement is below 99%, when a disagreement is not
// listed in semanticExceptions with its reason, or when a listed query
// now agrees.
func TestCorpusSemantic(t *testing.T) {
	r := measure(t, conformance.Checker)
	checkExceptions(t, r, semanticExceptions, 99)
}

// TestCorpusExecution runs every reference_semantic=ok query of the
// corpus over generated rows of the tables it reads, with now pinned. It
// prints how many run to completion; it fails when fewer than 98% do,
// when a failure is not listed in executionExceptions with its reason, or
// when a listed query now runs.
func TestCorpusExecution(t *testing.T) {
	r := measure(t, conformance.Execution)
	checkExceptions(t, r, executionExceptions, 98)
}

// checkExceptions fails t when r's agreement is below minPct, when a
// disagreement is not listed in the exceptions file at path, or when a
// listed file does not disagree. A missing file lists nothing.
func checkExceptions(t *testing.T, r *conformance.Result, path string, minPct float64) {
	t.Helper()
	ex, err := conformance.ReadExceptions(path)
	if errors.Is(err, os.ErrNotExist) {
		ex = &conformance.Exceptions{Path: path}
	} else if err != nil {
		t.Fatal(err)
	}
	unlisted := r.Apply(ex)
	for _, f := range r.Stale {
		t.Errorf("%s: %s; remove it from %s", f, r.StaleReason(f), path)
	}
	if len(unlisted) > 0 {
		lines := make([]string, len(unlisted))
		for i := range unlisted {
			lines[i] = unlisted[i].String()
		}
		t.Errorf("%d %s not listed in %s:\n%s", len(unlisted), noun(r), path, strings.Join(lines, "\n"))
	}
	if pct := r.Percent(); pct < minPct {
		t.Errorf("%s agreement %.2f%% is below %g%%", r.Mode, pct, minPct)
	}
}

func noun(r *conformance.Result) string {
	if r.Mode == conformance.Execution {
		return "failures"
	}
	return "disagreements"
}
