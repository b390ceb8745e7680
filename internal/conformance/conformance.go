// Package conformance measures kqlhunt against a conformance corpus: a
// folder of KQL queries with a manifest.csv giving, for each, the verdicts
// of Microsoft's parser and analyzer (see package corpus).
//
// Run measures three things, each a Result of agreed/total with the
// disagreeing files and kqlhunt's first message for each:
//
//   - parser: every query is parsed; kqlhunt's verdict (ok or error) must
//     equal reference_syntax.
//   - checker: every query with reference_semantic ok or fail is compiled
//     against the corpus's own schemas (schemas/*.json), as the reference
//     analyzer was; the verdicts must be equal.
//   - execution: every query with reference_semantic ok is compiled against
//     the corpus schemas and run, with now pinned, over rows that package
//     gen generates for the tables it reads (and for the columns of its
//     externaldata expressions, which cannot be downloaded here); it must
//     run to completion without error within the per-query timeout.
//
// Queries run concurrently on a bounded pool of workers. A query that
// panics or hangs does not stop the run: it counts as a failure with its
// message. Results are deterministic: disagreements are sorted by file and
// do not depend on scheduling.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/corpus"
	"github.com/kqlhunt/kqlhunt/internal/gen"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Mode is one of the things Run measures.
type Mode string

// The modes, in the order Run measures them.
const (
	Parser    Mode = "parser"
	Checker   Mode = "checker"
	Execution Mode = "execution"
)

// Modes lists every mode in order.
var Modes = []Mode{Parser, Checker, Execution}

// ParseMode returns the modes named by s: one mode's name, or "all".
func ParseMode(s string) ([]Mode, error) {
	if s == "all" {
		return Modes, nil
	}
	for _, m := range Modes {
		if string(m) == s {
			return []Mode{m}, nil
		}
	}
	return nil, fmt.Errorf("unknown mode %q, expected parser, checker, execution or all", s)
}

// Defaults for the zero fields of Options.
const (
	DefaultNow     = "2026-01-01T00:00:00Z"
	DefaultTimeout = 10 * time.Second
	DefaultSeed    = 1
)

// Options configure Run.
type Options struct {
	// Modes are the modes to measure, in any order; nil means all.
	Modes []Mode
	// Now is the instant now() and ago() read, and the end of the
	// generated data's time range; 0 means DefaultNow.
	Now value.Datetime
	// Timeout bounds the run of one query in execution mode; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// Workers is the number of queries run at once; 0 means GOMAXPROCS.
	Workers int
	// Rows is the number of rows generated per table; 0 means
	// gen.DefaultRows.
	Rows int
	// Seed is the generator's seed; 0 means DefaultSeed.
	Seed uint64
	// Catalog, when not nil, is the catalog the checker and execution
	// modes compile against, instead of the corpus's schemas.
	Catalog *schema.Catalog
	// Select, when not nil, chooses the queries the checker and execution
	// modes measure, instead of the reference's semantic verdicts: each
	// selected query is expected to pass the checker and to run. It is
	// how the Sentinel (non-Defender) queries, which the reference did not
	// check for want of their schemas, are measured against Catalog.
	Select func(e corpus.Entry) bool
	// Progress, when not nil, is called as queries finish, with the mode,
	// the number of its queries done and their total. Calls are
	// serialized.
	Progress func(m Mode, done, total int)
}

// Report is the outcome of Run.
type Report struct {
	// Corpus is the corpus folder.
	Corpus string `json:"corpus"`
	// Queries is the number of entries in the manifest.
	Queries int `json:"queries"`
	// Now, Seed, Rows and Timeout are the execution settings, so that a
	// failure can be reproduced with `kqlhunt gen` and `kqlhunt query`.
	Now     string    `json:"now"`
	Seed    uint64    `json:"seed"`
	Rows    int       `json:"rows"`
	Timeout string    `json:"timeout"`
	Results []*Result `json:"results"`
}

// Result returns the result of mode m, or nil when it was not measured.
func (r *Report) Result(m Mode) *Result {
	for _, res := range r.Results {
		if res.Mode == m {
			return res
		}
	}
	return nil
}

// Result is the measure of one mode.
type Result struct {
	Mode Mode `json:"mode"`
	// Total counts the queries the mode applies to, Agreed those where
	// kqlhunt agrees with the reference (in execution mode: those that
	// ran to completion).
	Total  int `json:"total"`
	Agreed int `json:"agreed"`
	// NonEmpty counts, in execution mode, the completed queries that
	// returned at least one row.
	NonEmpty int `json:"non_empty,omitempty"`
	// Disagreements lists the other queries, sorted by file.
	Disagreements []Disagreement `json:"disagreements"`
	// Stale lists the files of an exceptions file (see Apply) that do not
	// disagree, sorted.
	Stale []string `json:"stale_exceptions,omitempty"`

	checked map[string]bool // the files the mode applies to
}

// Percent returns Agreed as a percentage of Total (100 for no queries).
func (r *Result) Percent() float64 {
	if r.Total == 0 {
		return 100
	}
	return 100 * float64(r.Agreed) / float64(r.Total)
}

// Disagreement is a query on which kqlhunt and the reference differ.
type Disagreement struct {
	// File is the query's path relative to the corpus; Line its line in
	// manifest.csv.
	File string `json:"file"`
	Line int    `json:"manifest_line"`
	// Reference is the reference verdict and ReferenceMessage its first
	// message, if any.
	Reference        string `json:"reference"`
	ReferenceMessage string `json:"reference_message,omitempty"`
	// Got is kqlhunt's verdict: in parser mode "ok" or "error", in checker
	// mode "ok" or "fail", in execution mode "compile error", "run
	// error", "timeout" or "panic".
	Got string `json:"kqlhunt"`
	// Message is kqlhunt's first message, on one line, positions as
	// LINE:COL.
	Message string `json:"message,omitempty"`
	// Reason is the reason an exceptions file gives for the
	// disagreement; empty when it is not listed.
	Reason string `json:"listed_reason,omitempty"`
}

// entryText is a manifest entry and its query.
type entryText struct {
	corpus.Entry
	text string
}

// Run measures the modes of opts on corpus c. It fails when a query file
// or the schemas cannot be read, and when ctx is done; a query that kqlhunt
// gets wrong, rejects, fails on, panics on or hangs on is a disagreement,
// never an error.
func Run(ctx context.Context, c *corpus.Corpus, opts Options) (*Report, error) {
	return run(ctx, c, opts, nil)
}

// run is Run; tests pass a hook that adjusts the runner before the modes
// run.
func run(ctx context.Context, c *corpus.Corpus, opts Options, hook func(*runner)) (*Report, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	manifest := filepath.Join(c.Dir, "manifest.csv")
	entries := make([]entryText, len(c.Entries))
	for i, e := range c.Entries {
		text, err := c.Read(e)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", manifest, e.Line, err)
		}
		entries[i] = entryText{e, text}
	}
	cat := opts.Catalog
	if cat == nil && (want(opts.Modes, Checker) || want(opts.Modes, Execution)) {
		if cat, err = c.Schemas(); err != nil {
			return nil, err
		}
	}
	rep := &Report{
		Corpus:  c.Dir,
		Queries: len(entries),
		Now:     opts.Now.Time().Format(time.RFC3339Nano),
		Seed:    opts.Seed,
		Rows:    opts.Rows,
		Timeout: opts.Timeout.String(),
	}
	r := &runner{opts: opts, cat: cat, runQuery: (*kql.Query).Run, grace: stopGrace}
	if hook != nil {
		hook(r)
	}
	for _, m := range Modes {
		if !want(opts.Modes, m) {
			continue
		}
		res, err := r.run(ctx, m, entries)
		if err != nil {
			return nil, err
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

func (o Options) withDefaults() (Options, error) {
	if o.Modes == nil {
		o.Modes = Modes
	}
	for _, m := range o.Modes {
		if !want(Modes, m) {
			return o, fmt.Errorf("unknown mode %q", m)
		}
	}
	if o.Now == 0 {
		o.Now, _ = kql.ParseNow(DefaultNow)
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Rows <= 0 {
		o.Rows = gen.DefaultRows
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	return o, nil
}

func want(ms []Mode, m Mode) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// runner holds what the modes share.
type runner struct {
	opts Options
	cat  *schema.Catalog
	// runQuery runs a compiled query; tests replace it to make queries
	// fail, panic or hang.
	runQuery func(q *kql.Query, ctx context.Context, tables kql.Tables, now value.Datetime) ([]*kql.Result, error)
	// grace is how long execute waits past the timeout for a query that
	// does not stop when its context is done, before it gives up on it.
	grace time.Duration
}

// outcome is kqlhunt's verdict on one query.
type outcome struct {
	got, msg string
	nonEmpty bool
}

// run measures mode m on the entries it applies to.
func (r *runner) run(ctx context.Context, m Mode, all []entryText) (*Result, error) {
	var entries []entryText
	var ref func(e *entryText) (verdict, msg string)
	var check func(ctx context.Context, e *entryText) outcome
	switch m {
	case Parser:
		entries = all
		ref = func(e *entryText) (string, string) { return e.Syntax, e.SyntaxErr }
		check = r.parse
	case Checker:
		for _, e := range all {
			if r.opts.Select != nil && r.opts.Select(e.Entry) || r.opts.Select == nil && (e.Semantic == "ok" || e.Semantic == "fail") {
				entries = append(entries, e)
			}
		}
		ref = func(e *entryText) (string, string) { return e.Semantic, e.SemanticErr }
		if r.opts.Select != nil {
			ref = func(e *entryText) (string, string) { return "ok", "" }
		}
		check = r.check
	case Execution:
		for _, e := range all {
			if r.opts.Select != nil && r.opts.Select(e.Entry) || r.opts.Select == nil && e.Semantic == "ok" {
				entries = append(entries, e)
			}
		}
		ref = func(e *entryText) (string, string) { return "ok", "" }
		check = r.execute
	}
	outs := make([]outcome, len(entries))
	var mu sync.Mutex
	done := 0
	err := parallel(ctx, len(entries), r.opts.Workers, func(i int) {
		outs[i] = guard(func() outcome { return check(ctx, &entries[i]) })
		if r.opts.Progress != nil {
			mu.Lock()
			done++
			r.opts.Progress(m, done, len(entries))
			mu.Unlock()
		}
	})
	if err != nil {
		return nil, err
	}
	res := &Result{Mode: m, Total: len(entries), Disagreements: []Disagreement{}, checked: map[string]bool{}}
	for i, e := range entries {
		res.checked[e.File] = true
		o := outs[i]
		verdict, refMsg := ref(&e)
		if o.got == verdict {
			res.Agreed++
			if o.nonEmpty {
				res.NonEmpty++
			}
			continue
		}
		res.Disagreements = append(res.Disagreements, Disagreement{
			File: e.File, Line: e.Line, Reference: verdict, ReferenceMessage: refMsg, Got: o.got, Message: o.msg,
		})
	}
	sort.SliceStable(res.Disagreements, func(i, j int) bool { return res.Disagreements[i].File < res.Disagreements[j].File })
	return res, nil
}

// parallel calls fn(i) for every i below n on at most workers goroutines,
// and returns ctx's error if it is done before all calls are made.
func parallel(ctx context.Context, n, workers int, fn func(i int)) error {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	var err error
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	return err
}

// guard calls fn and turns a panic into a "panic" outcome, so that one
// query cannot stop the run.
func guard(fn func() outcome) (o outcome) {
	defer func() {
		if p := recover(); p != nil {
			o = outcome{got: "panic", msg: oneLine(fmt.Sprint(p))}
		}
	}()
	return fn()
}

// parse is the parser mode's verdict: "ok" or "error".
func (r *runner) parse(_ context.Context, e *entryText) outcome {
	_, err := kql.Compile(e.text, nil, kql.Options{SyntaxOnly: true})
	if err != nil {
		return outcome{got: "error", msg: firstMessage(err)}
	}
	return outcome{got: "ok"}
}

// check is the checker mode's verdict: "ok" or "fail".
func (r *runner) check(_ context.Context, e *entryText) outcome {
	_, err := kql.Compile(e.text, r.cat, kql.Options{})
	if err != nil {
		return outcome{got: "fail", msg: firstMessage(err)}
	}
	return outcome{got: "ok"}
}

// stopGrace is the default of runner.grace.
const stopGrace = 2 * time.Second

// execute is the execution mode's verdict: "ok" when the query compiles
// and runs to completion over generated rows, else "compile error", "run
// error", "timeout" or "panic".
func (r *runner) execute(ctx context.Context, e *entryText) outcome {
	q, err := kql.Compile(e.text, r.cat, kql.Options{})
	if err != nil {
		return outcome{got: "compile error", msg: firstMessage(err)}
	}
	g := gen.Options{Seed: r.opts.Seed, Rows: r.opts.Rows, Now: r.opts.Now}
	src := kql.NewMemTables()
	src.External = func(url string, cols []schema.Column, _ map[string]string) ([]*value.Batch, error) {
		// Rows of cols, generated as for a table named after url, so that
		// each URL has its own rows: the corpus runs offline, and the
		// columns an externaldata expression declares are a schema like
		// any other.
		return gen.Table(schema.NewTable(url, cols), g), nil
	}
	for _, name := range q.Tables {
		t := r.cat.Table(name)
		if t == nil {
			return outcome{got: "run error", msg: fmt.Sprintf("the query reads table '%s', which the corpus has no schema for", name)}
		}
		src.Add(t, gen.Table(t, g)...)
	}
	qctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	done := make(chan outcome, 1)
	go func() {
		done <- guard(func() outcome {
			results, err := r.runQuery(q, qctx, src, r.opts.Now)
			switch {
			case errors.Is(err, context.DeadlineExceeded) || err != nil && qctx.Err() != nil && ctx.Err() == nil:
				return outcome{got: "timeout", msg: fmt.Sprintf("did not finish within %v", r.opts.Timeout)}
			case errors.Is(err, kql.ErrInternal):
				return outcome{got: "panic", msg: oneLine(err.Error())}
			case err != nil:
				return outcome{got: "run error", msg: oneLine(err.Error())}
			}
			o := outcome{got: "ok"}
			for _, res := range results {
				if res.Rows() > 0 {
					o.nonEmpty = true
				}
			}
			return o
		})
	}()
	t := time.NewTimer(r.opts.Timeout + r.grace)
	defer t.Stop()
	select {
	case o := <-done:
		return o
	case <-t.C:
		// The query ignores its context; leave it behind.
		return outcome{got: "timeout", msg: fmt.Sprintf("did not finish within %v, nor stop when told to", r.opts.Timeout)}
	}
}

// firstMessage returns the first error of a compilation failure as
// "LINE:COL: message", or the error's first line.
func firstMessage(err error) string {
	var ce *kql.Error
	if errors.As(err, &ce) {
		if ds := ce.Diags.Errors(); len(ds) > 0 {
			line, col := ce.Source.LineCol(ds[0].Span.Start)
			return oneLine(fmt.Sprintf("%d:%d: %s", line, col, ds[0].Msg))
		}
	}
	return oneLine(err.Error())
}

// oneLine returns the first line of s, noting that more followed.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i]) + " …"
	}
	return s
}
