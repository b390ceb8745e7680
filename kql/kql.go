// Package kql is kqlhunt's entry point for running KQL: compile a query
// against a schema catalog, then run it over table data.
//
//	q, err := kql.Compile(text, schema.Defender(), kql.Options{})
//	results, err := q.Run(ctx, tables, now)
package kql

import (
	"context"
	"errors"
	"fmt"
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

// Query is a compiled query. It is immutable and safe for concurrent
// runs.
type Query struct {
	Source *syntax.Source
	AST    *syntax.Query
	plans  []plan.Node
	// Tables lists the catalog tables the query reads.
	Tables []string
	// Warnings are diagnostics that did not stop compilation.
	Warnings syntax.Diagnostics
	// deferred is set when some columns depend on the data, so that the
	// plans are made at run time against cat.
	deferred bool
	cat      *schema.Catalog
	optimize bool
	// excl holds the checked predicates of Options.Exclusions by table.
	excl map[string][]check.Exclusion
	// limits bound each run (Options.MaxMemory).
	limits exec.Limits
}

// Error is a compilation failure: the diagnostics and the source they
// point into. Error() renders them with positions, source lines and
// carets.
type Error struct {
	Source *syntax.Source
	Diags  syntax.Diagnostics
}

func (e *Error) Error() string { return e.Diags.Format(e.Source) }

// Compile parses and checks text against cat. The error, when not nil,
// is an *Error holding every diagnostic.
func Compile(text string, cat *schema.Catalog, opts Options) (*Query, error) {
	src := syntax.NewSource(opts.Name, text)
	src.Pos = opts.Pos
	ast, diags := syntax.Parse(text)
	q := &Query{Source: src, AST: ast, limits: exec.Limits{MaxMemory: opts.MaxMemory}}
	if diags.HasErrors() {
		return q, &Error{Source: src, Diags: diags}
	}
	if opts.SyntaxOnly {
		q.Warnings = diags
		return q, nil
	}
	excl, err := exclusions(opts.Exclusions, cat)
	if err != nil {
		return q, err
	}
	q.excl = excl
	res, cdiags := check.CheckOptions(ast, text, cat, check.Options{Exclusions: excl})
	diags = append(diags, cdiags...).Sort(src)
	q.Tables = res.Tables
	if diags.HasErrors() {
		return q, &Error{Source: src, Diags: diags}
	}
	q.Warnings = diags
	q.optimize = !opts.NoOptimize
	if len(res.Deferred) > 0 {
		// Some columns depend on the data (bag_unpack, pivot): the plans
		// are made when the query runs.
		q.cat = cat
		q.plans = res.Plans
		q.deferred = true
		return q, nil
	}
	q.plans = q.finish(res.Plans)
	if len(q.plans) == 0 {
		return q, &Error{Source: src, Diags: syntax.Diagnostics{{Span: syntax.Span{Start: len(text), End: len(text)},
			Severity: syntax.Error, Msg: "the query has no tabular statement to run"}}}
	}
	return q, nil
}

// finish applies the plan rewrites.
func (q *Query) finish(plans []plan.Node) []plan.Node {
	out := make([]plan.Node, len(plans))
	for i, p := range plans {
		if q.optimize {
			p = plan.Prune(p)
		}
		out[i] = p
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
		res, diags := check.CheckOptions(q.AST, q.Source.Text, q.cat, check.Options{Hints: hints, Exclusions: q.excl})
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

// Tables provides table data to a query run.
type Tables = exec.Source

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
func (q *Query) Open(ctx context.Context, tables Tables, now value.Datetime) (cursors []*Cursor, err error) {
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
func (q *Query) Run(ctx context.Context, tables Tables, now value.Datetime) ([]*Result, error) {
	cursors, err := q.Open(ctx, tables, now)
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
