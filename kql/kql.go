// Package kql is the one door into kqlhunt's KQL engine: compile a query
// against a catalog of table schemas, then run it over table data, alone
// or together with other queries in one pass over the data.
//
//	q, err := kql.Compile(text, kql.Defender(), kql.Options{})
//	results, err := q.Run(ctx, tables, now)
//
// Tables come from telemetry files (OpenData) or from memory
// (NewMemTables). Every type of the API is exported from this package, so
// that programs outside kqlhunt can use it; see the package example.
package kql

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/check"
	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Options configure compilation.
type Options struct {
	// Name is the file name shown in error positions ("" for none).
	Name string
	// Pos maps a byte offset of the query to the line and column shown
	// in errors, for queries embedded in other files (rule YAML).
	Pos func(off int) (line, col int)
	// SyntaxOnly stops after parsing: no names or types are checked and
	// the query cannot run.
	SyntaxOnly bool
	// NoOptimize skips plan rewrites (column pruning), for tests that
	// compare optimized and unoptimized runs.
	NoOptimize bool
	// NoPrefilter reads every record of the data, rather than skipping,
	// without decoding them, the records whose raw bytes show that they
	// cannot pass the filters on the tables (a prefilter: see
	// Query.Prefilters). Answers are the same either way; tests compare
	// them.
	NoPrefilter bool
	// Exclusions drop rows of the tables the query reads before any of
	// its operators sees them (see Exclusion); Result.Suppressed counts
	// them.
	Exclusions []Exclusion
	// MaxMemory bounds the memory of each run of the query, in bytes (0:
	// unlimited); a run that exceeds it fails with an error wrapping
	// ErrLimit.
	MaxMemory int64
}

// ErrLimit is wrapped by the error of a run that exceeded
// Options.MaxMemory; the message names the operator and the limit.
var ErrLimit = exec.ErrLimit

// Source is the text of a query with its name, and the mapping of its
// offsets to the lines and columns shown in messages.
type Source = syntax.Source

// Diagnostic is an error or a warning about a span of a query's text.
type Diagnostic = syntax.Diagnostic

// Diagnostics is a list of diagnostics; Format renders them with
// positions, source lines and carets.
type Diagnostics = syntax.Diagnostics

// Query is a compiled query. It is immutable and safe for concurrent
// runs.
type Query struct {
	// Source is the query's text.
	Source *Source
	ast    *syntax.Query
	plans  []plan.Node
	// Tables lists the catalog tables the query reads.
	Tables []string
	// Warnings are diagnostics that did not stop compilation.
	Warnings Diagnostics
	// deferred is set when some columns depend on the data, so that the
	// plans are made at run time against cat.
	deferred bool
	cat      *schema.Catalog
	optimize bool
	// prefilter derives the scans' raw-byte prefilters (optimize only).
	prefilter bool
	// exclusions are the query's exclusions, and excl their checked
	// predicates by table.
	exclusions []Exclusion
	excl       map[string][]check.Exclusion
	// reads are the predicates a row of a table must satisfy to be read
	// (WithLookback).
	reads map[string][]plan.Expr
	// limits bound each run (Options.MaxMemory).
	limits exec.Limits
}

// Error is a compilation failure: the diagnostics and the source they
// point into. Error() renders them with positions, source lines and
// carets.
type Error struct {
	Source *Source
	Diags  Diagnostics
}

func (e *Error) Error() string { return e.Diags.Format(e.Source) }

// Compile parses and checks text against cat. The error, when not nil,
// is an *Error holding every diagnostic.
func Compile(text string, cat *schema.Catalog, opts Options) (*Query, error) {
	return CompileContext(context.Background(), text, cat, opts)
}

// CompileContext is Compile that stops soon after ctx is done, returning
// ctx.Err(): a huge query's parse and check can take a while.
func CompileContext(ctx context.Context, text string, cat *schema.Catalog, opts Options) (*Query, error) {
	src := syntax.NewSource(opts.Name, text)
	src.Pos = opts.Pos
	ast, diags, err := syntax.ParseContext(ctx, text)
	q := &Query{Source: src, ast: ast, cat: cat, optimize: !opts.NoOptimize, prefilter: !opts.NoPrefilter, limits: exec.Limits{MaxMemory: opts.MaxMemory}}
	if err != nil {
		return q, err
	}
	if diags.HasErrors() {
		return q, &Error{Source: src, Diags: diags}
	}
	if opts.SyntaxOnly {
		q.Warnings = diags
		return q, nil
	}
	q.Warnings = diags
	q.exclusions = opts.Exclusions
	return q, q.plan(ctx)
}

// WithExclusions returns q with the exclusions ex added to its own: the
// rows they match are dropped wherever q reads their tables. The query is
// not parsed again; q is unchanged.
func (q *Query) WithExclusions(ex []Exclusion) (*Query, error) {
	if q.plans == nil {
		return nil, errNotCompiled
	}
	c := q.clone()
	c.exclusions = append(append([]Exclusion(nil), q.exclusions...), ex...)
	if err := c.plan(context.Background()); err != nil {
		return nil, err
	}
	return c, nil
}

// WithLookback returns q reading only the rows whose TimeGenerated lies
// between from and to (inclusive), wherever it reads a table that has the
// column, as a Sentinel scheduled rule reads only the last queryPeriod of
// data. Rows outside are not read, and not counted as excluded. The query
// is not parsed again; q is unchanged.
// https://learn.microsoft.com/azure/sentinel/scheduled-rules-overview
func (q *Query) WithLookback(from, to Datetime) (*Query, error) {
	if q.plans == nil {
		return nil, errNotCompiled
	}
	c := q.clone()
	c.reads = map[string][]plan.Expr{}
	text := fmt.Sprintf("TimeGenerated between (datetime(%s) .. datetime(%s))", from, to)
	for _, name := range q.Tables {
		t := q.cat.Table(name)
		if t == nil || t.Lookup("TimeGenerated") < 0 {
			continue
		}
		pred, err := CompilePredicate(text, t)
		if err != nil {
			return nil, err
		}
		c.reads[name] = append(append([]plan.Expr(nil), q.reads[name]...), pred.expr)
	}
	if err := c.plan(context.Background()); err != nil {
		return nil, err
	}
	return c, nil
}

// clone returns a copy of q's compilation inputs, to plan again.
func (q *Query) clone() *Query {
	return &Query{Source: q.Source, ast: q.ast, cat: q.cat, optimize: q.optimize, prefilter: q.prefilter, Warnings: q.Warnings,
		exclusions: q.exclusions, reads: q.reads, limits: q.limits}
}

// plan checks the parsed query with its exclusions and read filters and
// makes its plans.
func (q *Query) plan(ctx context.Context) error {
	excl, err := exclusions(q.exclusions)
	if err != nil {
		return err
	}
	q.excl = excl
	src := q.Source
	res, cdiags, err := check.CheckContext(ctx, q.ast, src.Text, q.cat, check.Options{Exclusions: excl, Reads: q.reads})
	if err != nil {
		return err
	}
	diags := append(append(syntax.Diagnostics(nil), q.Warnings...), cdiags...).Sort(src)
	q.Tables = res.Tables
	if diags.HasErrors() {
		return &Error{Source: src, Diags: diags}
	}
	q.Warnings = diags
	if len(res.Deferred) > 0 {
		// Some columns depend on the data (bag_unpack, pivot): the plans
		// are made when the query runs.
		q.plans = res.Plans
		q.deferred = true
		return nil
	}
	q.plans = q.finish(res.Plans)
	if len(q.plans) == 0 {
		return &Error{Source: src, Diags: syntax.Diagnostics{{Span: syntax.Span{Start: len(src.Text), End: len(src.Text)},
			Severity: syntax.Error, Msg: "the query has no tabular statement to run"}}}
	}
	return nil
}

// finish applies the plan rewrites: column pruning, then the raw-byte
// prefilters of the pruned scans, which belong to this query alone.
func (q *Query) finish(plans []plan.Node) []plan.Node {
	out := make([]plan.Node, len(plans))
	for i, p := range plans {
		if q.optimize {
			p = plan.Prune(p)
		}
		out[i] = p
	}
	if q.optimize && q.prefilter {
		plan.Prefilters(out)
	}
	if q.optimize {
		plan.ScanWindows(out)
	}
	return out
}

// Prefilters describes, by table, the conditions on the raw bytes of a
// record under which the query's scans read it (terms looked for ASCII
// case-insensitively, under and and or), for plan dumps and tests; a
// table read without a prefilter is absent. Several scans of one table
// are joined by " | ".
func (q *Query) Prefilters() map[string]string {
	out := map[string]string{}
	seen := map[plan.Node]bool{}
	var visit func(n plan.Node)
	visit = func(n plan.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if s, ok := n.(*plan.Scan); ok && s.Pre != nil {
			if prev, ok := out[s.Table.Name]; ok {
				out[s.Table.Name] = prev + " | " + s.Pre.String()
			} else {
				out[s.Table.Name] = s.Pre.String()
			}
		}
		for _, sub := range plan.Subplans(n) {
			visit(sub)
		}
		for _, in := range n.Inputs() {
			visit(in)
		}
	}
	if !q.deferred {
		for _, p := range q.plans {
			visit(p)
		}
	}
	return out
}

// maxDeferred bounds the operators whose columns a run learns from the
// data.
const maxDeferred = 64

// resolve makes the plans of a query whose columns depend on the data:
// it runs the input of each such operator, innermost first, learns the
// columns from its rows, and checks the query again with what it learned.
// The rows are kept, so each input runs once.
func (q *Query) resolve(ctx context.Context, env *exec.Env) ([]plan.Node, error) {
	hints := check.Hints{}
	for range maxDeferred {
		res, diags, err := check.CheckContext(ctx, q.ast, q.Source.Text, q.cat, check.Options{Hints: hints, Exclusions: q.excl, Reads: q.reads})
		if err != nil {
			return nil, err
		}
		if diags.HasErrors() {
			return nil, &Error{Source: q.Source, Diags: diags.Sort(q.Source)}
		}
		if len(res.Deferred) == 0 {
			return q.finish(res.Plans), nil
		}
		d := res.Deferred[0]
		op, err := exec.Build(env, plan.Prune(d.Input))
		if err != nil {
			return nil, err
		}
		batches, err := exec.Drain(ctx, op)
		if err != nil {
			return nil, err
		}
		hint, err := d.Learn(batches, func(e plan.Expr, b *value.Batch) (*value.Column, error) {
			return env.Eval(ctx, e, b)
		})
		if err != nil {
			return nil, err
		}
		hints[d.Key] = hint
	}
	return nil, fmt.Errorf("the query has more than %d operators whose columns depend on the data", maxDeferred)
}

// Result is the output of one tabular statement: its columns and rows.
type Result struct {
	Columns []schema.Column
	Batches []*value.Batch
	// Chart is the chart the statement asked for with render, or nil.
	Chart *Chart
	// Suppressed counts, by exclusion name, the rows of the query's
	// tables that Options.Exclusions dropped during the run: every
	// exclusion that applies to a table the query read is present, with 0
	// when it matched nothing, and a row that several exclusions match
	// counts for each. The counts are those of the whole run, so every
	// Result of one Run holds the same map. Nil without exclusions.
	Suppressed map[string]int64
	// SuppressedRows is the number of rows that Options.Exclusions
	// dropped during the run, each counted once however many exclusions
	// matched it.
	SuppressedRows int64
}

// Chart is a render request: the chart kind (timechart, barchart, ...)
// and its with(...) properties by lower-case name. kqlhunt does not draw
// charts; it passes the request on with the rows.
// https://learn.microsoft.com/kusto/query/render-operator
type Chart struct {
	Kind  string
	Props map[string]string
}

// chartOf returns the chart that a plan's last operator asks for.
func chartOf(p plan.Node) *Chart {
	if r, ok := p.(*plan.Render); ok {
		return &Chart{Kind: r.Chart, Props: r.Props}
	}
	return nil
}

// Rows returns the number of rows.
func (r *Result) Rows() int {
	n := 0
	for _, b := range r.Batches {
		n += b.N
	}
	return n
}

// Cursor streams the rows of one result.
type Cursor struct {
	Columns []schema.Column
	// Chart is the chart the statement asked for with render, or nil.
	Chart *Chart
	op    exec.Operator
	env   *exec.Env
	// ctx is the context of the run, which Open was given.
	ctx context.Context
}

// Suppressed returns the rows that Options.Exclusions dropped so far in
// the run that c belongs to, as Result.Suppressed counts them; the counts
// are final once every cursor of the run is drained.
func (c *Cursor) Suppressed() map[string]int64 { return c.env.Suppressed.Counts() }

// SuppressedRows returns the rows that Options.Exclusions dropped so far
// in the run that c belongs to, each counted once (Result.SuppressedRows).
func (c *Cursor) SuppressedRows() int64 { return c.env.Suppressed.Dropped() }

// Next returns the next batch, or nil at the end.
func (c *Cursor) Next() (b *value.Batch, err error) {
	defer recoverInternal(&err)
	return c.op.Next(c.ctx)
}

// errNotCompiled is the error of running a query that failed to compile.
var errNotCompiled = errors.New("the query did not compile")

// ErrInternal is wrapped by the error of a query run that hit a bug in
// kqlhunt (a recovered panic), as opposed to a problem with the query or
// the data.
var ErrInternal = errors.New("internal error")

// recoverInternal turns a panic into an error wrapping ErrInternal, so
// that no panic crosses the package boundary.
func recoverInternal(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", ErrInternal, r)
	}
}

// Close releases the cursor's inputs.
func (c *Cursor) Close() error { return c.op.Close() }

// Open starts the query's statements and returns a cursor per result.
// now is the instant now() and ago() read, the same for the whole run.
func (q *Query) Open(ctx context.Context, tables Tables, now Datetime) (cursors []*Cursor, err error) {
	return q.open(ctx, engineOf(tables), now)
}

// open is Open over the executor's view of the tables.
func (q *Query) open(ctx context.Context, tables exec.Source, now value.Datetime) (cursors []*Cursor, err error) {
	return q.openWith(ctx, tables, now, nil)
}

// openWith is open that runs rewrite(plans) instead of the plans, when
// rewrite is not nil: the plans as made for the run (a query whose
// columns depend on the data has them only then).
func (q *Query) openWith(ctx context.Context, tables exec.Source, now value.Datetime, rewrite func([]plan.Node) []plan.Node) (cursors []*Cursor, err error) {
	defer recoverInternal(&err)
	if q.plans == nil {
		return nil, errNotCompiled
	}
	env := exec.NewEnv(tables, now)
	env.Limits = q.limits
	plans := q.plans
	if q.deferred {
		if plans, err = q.resolve(ctx, env); err != nil {
			return nil, err
		}
	}
	if rewrite != nil {
		plans = rewrite(plans)
	}
	for _, p := range plans {
		op, err := exec.Build(env, p)
		if err != nil {
			for _, c := range cursors {
				c.Close()
			}
			return nil, err
		}
		cursors = append(cursors, &Cursor{Columns: p.Schema(), Chart: chartOf(p), op: op, env: env, ctx: ctx})
	}
	return cursors, nil
}

// Run runs the query to completion and returns its results.
func (q *Query) Run(ctx context.Context, tables Tables, now Datetime) ([]*Result, error) {
	return q.run(ctx, engineOf(tables), now)
}

// run is Run over the executor's view of the tables.
func (q *Query) run(ctx context.Context, tables exec.Source, now value.Datetime) ([]*Result, error) {
	cursors, err := q.open(ctx, tables, now)
	if err != nil {
		return nil, err
	}
	var results []*Result
	for i, c := range cursors {
		batches, err := c.drain()
		if err != nil {
			for _, rest := range cursors[i+1:] {
				rest.Close()
			}
			return nil, err
		}
		results = append(results, &Result{Columns: c.Columns, Batches: batches, Chart: c.Chart})
	}
	if len(cursors) > 0 {
		counts, dropped := cursors[0].Suppressed(), cursors[0].SuppressedRows()
		for _, r := range results {
			r.Suppressed, r.SuppressedRows = counts, dropped
		}
	}
	return results, nil
}

// drain reads every batch of c and closes it.
func (c *Cursor) drain() (b []*value.Batch, err error) {
	defer recoverInternal(&err)
	return exec.Drain(c.ctx, c.op)
}

// All returns the result's rows in order, each as a slice of values in
// column order: see Row for their Go types.
func (r *Result) All() iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		for _, b := range r.Batches {
			for i := 0; i < b.N; i++ {
				if !yield(b.Row(i)) {
					return
				}
			}
		}
	}
}

// Now returns the current time as a Datetime, for callers that do not
// pin it.
func Now() value.Datetime { return value.DatetimeOf(time.Now()) }

// ParseNow parses a --now value: RFC 3339 or any KQL datetime format.
func ParseNow(s string) (value.Datetime, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return value.DatetimeOf(t), nil
	}
	if d, ok := value.ParseDatetime(s); ok {
		return d, nil
	}
	return 0, fmt.Errorf("invalid time %q: expected RFC 3339, such as 2026-11-20T12:00:00Z", s)
}

// Charts returns the chart each tabular statement of q asks for with
// render, in order, nil for a statement without render: what the
// cursors' Chart will be, for callers that run q elsewhere (on a
// server).
func (q *Query) Charts() []*Chart {
	out := make([]*Chart, len(q.plans))
	for i, p := range q.plans {
		out[i] = chartOf(p)
	}
	return out
}
