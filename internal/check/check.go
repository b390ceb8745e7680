// Package check resolves the names of a parsed KQL query against a schema
// catalog, types every expression, and builds the logical plan. Every
// message it can emit is declared in errors.go.
package check

import (
	"context"
	"fmt"
	"sort"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// Result is a checked query: one plan per tabular query statement (a
// query usually has one) and the tables it reads.
type Result struct {
	Plans []plan.Node
	// Tables lists the catalog tables the query reads, sorted.
	Tables []string
	// Deferred lists, innermost first, the operators whose columns depend
	// on the data. While it is not empty the plans cannot run: run the
	// first one's Input, give its rows to Learn, and check again with the
	// hint under its Key.
	Deferred []*plan.Deferred
}

// Check checks q against cat. It returns what it could build and every
// diagnostic, sorted; the result is only usable when no diagnostic is an
// error. A panic inside the checker is reported as an internal error.
func Check(q *syntax.Query, src string, cat *schema.Catalog) (res *Result, diags syntax.Diagnostics) {
	return CheckWith(q, src, cat, nil)
}

// CheckWith is Check with hints learned from the data (see
// Result.Deferred).
func CheckWith(q *syntax.Query, src string, cat *schema.Catalog, hints Hints) (res *Result, diags syntax.Diagnostics) {
	return CheckOptions(q, src, cat, Options{Hints: hints})
}

// CheckOptions is Check with options: hints learned from the data and
// exclusions (see Options).
func CheckOptions(q *syntax.Query, src string, cat *schema.Catalog, opts Options) (res *Result, diags syntax.Diagnostics) {
	res, diags, _ = CheckContext(context.Background(), q, src, cat, opts)
	return res, diags
}

// CheckContext is CheckOptions that stops when ctx is done: it looks at
// ctx every thousand expressions or so, and once it is done returns
// ctx.Err(), with a diagnostic and a result that must not be used. err is
// nil when the check was not cut short, whatever the diagnostics.
func CheckContext(ctx context.Context, q *syntax.Query, src string, cat *schema.Catalog, opts Options) (res *Result, diags syntax.Diagnostics, err error) {
	if ctx != nil {
		if err := ctx.Err(); err != nil {
			return &Result{}, nil, err
		}
	}
	c := &checker{cat: cat, tables: map[string]bool{}, hints: opts.Hints, open: map[plan.Node]bool{}, visits: map[syntax.Node]int{},
		exclusions: opts.Exclusions, reads: opts.Reads, ctx: ctx}
	res = &Result{}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				c.errorf(q.Src, "internal error: checker panic: %v", r)
			}
		}
		res.Tables = c.tableNames()
		res.Deferred = c.deferred
		diags = c.diags.Sort(syntax.NewSource("", src))
		if ctx != nil {
			err = ctx.Err()
		}
	}()
	sc := &scope{parent: workspace(cat), names: map[string]*binding{}}
	for _, st := range q.Stmts {
		switch st := st.(type) {
		case *syntax.LetStmt:
			c.let(sc, st)
		case *syntax.ExprStmt:
			node, _ := c.any(sc, nil, st.X)
			if node == nil {
				if !c.failed(st.X) {
					c.errorf(st.X.Span(), "%s", errNotTabular())
				}
				continue
			}
			res.Plans = append(res.Plans, node)
		case *syntax.SetStmt:
			c.set(sc, st)
		case *syntax.DeclareStmt:
			// Pattern, alias and restrict declarations have no effect on
			// local execution; query parameters take their defaults.
			if st.Kind == "query_parameters" {
				c.queryParameters(sc, st)
			}
		}
	}
	return res, c.diags, nil
}

// CheckExpr checks a scalar expression against the columns of one row,
// as used for filters that sit outside a query (rule exclusions).
func CheckExpr(x syntax.Expr, src string, cols []schema.Column) (e plan.Expr, diags syntax.Diagnostics) {
	c := &checker{tables: map[string]bool{}, open: map[plan.Node]bool{}, visits: map[syntax.Node]int{}}
	defer func() {
		if r := recover(); r != nil {
			c.errorf(x.Span(), "internal error: checker panic: %v", r)
		}
		diags = c.diags.Sort(syntax.NewSource("", src))
	}()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			e = unknown(x)
		}
	}()
	e = c.scalar(&scope{names: map[string]*binding{}}, newRow(cols), x)
	return e, c.diags
}

type checker struct {
	cat    *schema.Catalog
	diags  syntax.Diagnostics
	tables map[string]bool
	// calls tracks user functions being expanded, to refuse recursion.
	calls []string
	// sink collects aggregate calls while a summarize is checked.
	sink *aggSink
	// bad records expressions already reported, so that an error does
	// not cascade into "expected X" errors about the same text.
	bad map[syntax.Span]bool
	// hints are what the data told of operators whose columns depend on
	// it; deferred collects the operators still waiting for it; open
	// marks the nodes whose columns are not all known yet; visits counts
	// the checks of each such operator, for their keys.
	// implicit is the table that the first operator of a contextual
	// subquery reads (mv-apply, partition).
	implicit plan.Node
	// scalarOnce holds the toscalar() of a scalar already checked, by its
	// syntax and its checked form: a function body's toscalar(rand()) is
	// one value however often the function is called.
	scalarOnce map[scalarOnceKey]plan.Expr
	// win collects the window function calls of the operator being
	// checked (nil where they are not allowed).
	win      *windowSink
	hints    Hints
	deferred []*plan.Deferred
	open     map[plan.Node]bool
	visits   map[syntax.Node]int
	// asNames holds the name 'as' gave a node, which union's
	// withsource= shows for it.
	asNames map[plan.Node]string
	// exclusions are applied where their table is read (see scan).
	exclusions map[string][]Exclusion
	// options are the values of the set statements that the query reads
	// (query_bin_auto_size, query_bin_auto_at), by name.
	options map[string]plan.Expr
	reads   map[string][]plan.Expr
	// depth is the nesting of the expression being checked and steps the
	// expressions checked so far (see enter); ctx, when not nil, stops
	// the check when it is done.
	depth, steps int
	ctx          context.Context
	nextCtx      int // the step at which to look at ctx next
	// scalarUses counts the uses of let-bound scalars (see let).
	scalarUses int
	// site is the outermost call, in the query's text, of a workspace
	// function being expanded (none when fn is nil); sites are the calls
	// already reported for errors inside the functions they call.
	site  callSite
	sites map[syntax.Span]bool
}

// callSite is a call of a workspace function in the query's text.
type callSite struct {
	fn *schema.Func
	sp syntax.Span
}

// The checker's bounds. Nesting in the text is bounded by the parser
// (syntax.MaxNesting), but a chain of operators (1 + 1 + ..., a pipeline)
// is a tree as deep as it is long, which the checker, the plan rewrites and
// the executor walk by recursion: maxDepth keeps their stacks in the tens
// of megabytes. maxSteps bounds the work of expanding user functions,
// which may call each other in a tree that grows exponentially, and the
// size of the plan, whose operators carry all their columns (see pipe).
const (
	maxDepth = 150_000
	maxSteps = 2_000_000
	// ctxEvery is how many expressions the checker checks between two
	// looks at its context.
	ctxEvery = 1024
)

// bailout unwinds the checker when a bound is reached or its context is
// done; the reason is already reported.
type bailout struct{}

// enter is called on the way into each expression, and leave on the way
// out.
func (c *checker) enter(x syntax.Node) {
	c.depth++
	c.steps++
	switch {
	case c.depth > maxDepth:
		c.errorf(x.Span(), "%s", errTooDeep(maxDepth))
		panic(bailout{})
	case c.steps > maxSteps:
		c.errorf(x.Span(), "%s", errTooMuchWork(maxSteps))
		panic(bailout{})
	case c.ctx != nil && c.steps >= c.nextCtx:
		c.nextCtx = c.steps + ctxEvery
		if err := c.ctx.Err(); err != nil {
			c.errorf(x.Span(), "%s", errStopped(err))
			panic(bailout{})
		}
	}
}

func (c *checker) leave() { c.depth-- }

// work counts n more steps of work on x towards maxSteps.
func (c *checker) work(x syntax.Node, n int) {
	c.steps += n
	if c.steps > maxSteps {
		c.errorf(x.Span(), "%s", errTooMuchWork(maxSteps))
		panic(bailout{})
	}
}

// Hints hold, by plan.Deferred key, what the data told of the operators
// whose columns depend on it (bag_unpack and pivot without an output
// schema).
type Hints map[any]any

// deferKey identifies one check of an operator.
type deferKey struct {
	op syntax.Node
	n  int
}

// nextKey returns the key of this check of op.
func (c *checker) nextKey(op syntax.Node) deferKey {
	k := deferKey{op, c.visits[op]}
	c.visits[op]++
	return k
}

func (c *checker) errorf(sp syntax.Span, format string, args ...any) {
	if c.bad == nil {
		c.bad = map[syntax.Span]bool{}
	}
	c.bad[sp] = true
	c.report(syntax.Diagnostic{Span: sp, Severity: syntax.Error, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) warnf(sp syntax.Span, format string, args ...any) {
	c.report(syntax.Diagnostic{Span: sp, Severity: syntax.Warning, Msg: fmt.Sprintf(format, args...)})
}

// report adds d to the diagnostics. A diagnostic about the text of a
// workspace function (see workspace) is placed in the file the function
// was declared in, and the call in the query that led to it gets an error
// too, once.
func (c *checker) report(d syntax.Diagnostic) {
	fn := c.cat.FuncAt(d.Span.Start)
	if fn == nil {
		c.diags = append(c.diags, d)
		return
	}
	c.diags = append(c.diags, fn.Diagnostic(d))
	if d.Severity != syntax.Error || c.site.fn == nil {
		return
	}
	if c.sites == nil {
		c.sites = map[syntax.Span]bool{}
	}
	if !c.sites[c.site.sp] {
		c.sites[c.site.sp] = true
		c.diags = append(c.diags, syntax.Diagnostic{Span: c.site.sp, Severity: syntax.Error, Msg: errInWorkspaceFunc(c.site.fn.Name, c.site.fn.Where)})
		// The call failed: no "expected X" errors about it.
		c.bad[c.site.sp] = true
	}
}

// workspace returns the scope of the functions cat declares, around the
// query's own scope: they see each other, not the query's names, which
// shadow them. nil when cat declares none.
func workspace(cat *schema.Catalog) *scope {
	fs := cat.Funcs()
	if len(fs) == 0 {
		return nil
	}
	ws := &scope{names: make(map[string]*binding, len(fs))}
	for _, f := range fs {
		lit, ok := f.Lit.(*syntax.FuncLit)
		if !ok {
			continue
		}
		ws.names[f.Name] = &binding{kind: bindFunc, fn: lit, env: ws, name: f.Name, view: len(lit.Params) == 0, ws: f}
	}
	return ws
}

// failed reports whether an error was already reported inside x.
func (c *checker) failed(x syntax.Node) bool {
	sp := x.Span()
	for b := range c.bad {
		if b.Start >= sp.Start && b.End <= sp.End {
			return true
		}
	}
	return false
}

func (c *checker) tableNames() []string {
	names := make([]string, 0, len(c.tables))
	for n := range c.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// bindKind tells what a let-bound name stands for.
type bindKind uint8

const (
	bindScalar bindKind = iota
	bindTable
	bindFunc
)

type binding struct {
	kind bindKind
	expr plan.Expr
	node plan.Node
	fn   *syntax.FuncLit
	env  *scope // where a function was declared
	view bool   // a function that may be referenced without parentheses
	name string
	ws   *schema.Func // a workspace function: the catalog's declaration
}

// scope maps let-bound names to what they stand for. Inner scopes (a
// function body) see the outer ones.
type scope struct {
	parent *scope
	names  map[string]*binding
}

func (s *scope) lookup(name string) *binding {
	for ; s != nil; s = s.parent {
		if b, ok := s.names[name]; ok {
			return b
		}
	}
	return nil
}

// views returns the names of the functions declared with the view
// keyword, outermost scope first and in the order of their declaration.
func (s *scope) views() []string {
	var out []string
	for ; s != nil; s = s.parent {
		var here []*binding
		for _, b := range s.names {
			if b.kind == bindFunc && b.fn != nil && b.fn.View && b.ws == nil {
				here = append(here, b)
			}
		}
		sort.Slice(here, func(i, j int) bool { return here[i].fn.Src.Start < here[j].fn.Src.Start })
		names := make([]string, len(here))
		for i, b := range here {
			names[i] = b.name
		}
		out = append(names, out...)
	}
	return out
}

func (s *scope) all() []string {
	var names []string
	for ; s != nil; s = s.parent {
		for n := range s.names {
			names = append(names, n)
		}
	}
	return names
}

// row is the set of columns that expressions of one operator can see.
type row struct {
	cols  []schema.Column
	index map[string]int
	// open is set when the row's columns depend on the data (after
	// bag_unpack or pivot): a name it lacks is taken for a column of
	// unknown type, as Kusto's analyzer does, until the data is seen.
	open bool
	// aggOnly, in the expressions of summarize, holds the input columns,
	// which may be read only inside an aggregation.
	aggOnly *row
}

func newRow(cols []schema.Column) *row {
	r := &row{cols: cols, index: make(map[string]int, len(cols))}
	for i, col := range cols {
		if _, dup := r.index[col.Name]; !dup {
			r.index[col.Name] = i
		}
	}
	return r
}

func (r *row) names() []string {
	if r == nil {
		return nil
	}
	out := make([]string, len(r.cols))
	for i, col := range r.cols {
		out[i] = col.Name
	}
	return out
}

func (c *checker) let(sc *scope, st *syntax.LetStmt) {
	name := st.Name.Name
	if _, dup := sc.names[name]; dup {
		c.errorf(st.Name.Src, "%s", errRedeclared(name))
	}
	switch v := st.Value.(type) {
	case *syntax.FuncLit:
		sc.names[name] = &binding{kind: bindFunc, fn: v, env: sc, name: name, view: len(v.Params) == 0}
		return
	}
	uses := c.scalarUses
	node, expr := c.any(sc, nil, st.Value)
	switch {
	case node != nil:
		sc.names[name] = &binding{kind: bindTable, node: node, name: name}
	case expr != nil:
		if _, isConst := expr.(*plan.Const); c.scalarUses > uses && !isConst && plan.RowFree(expr) {
			// A value built from other let-bound values is shared by
			// every use and computed once (see plan.Let).
			expr = &plan.Let{Name: name, X: expr, Src: st.Name.Src}
		}
		sc.names[name] = &binding{kind: bindScalar, expr: expr, name: name}
	default:
		// Reported already; bind an unknown scalar so that uses of the
		// name do not add "unknown name" errors.
		sc.names[name] = &binding{kind: bindScalar, expr: &plan.Const{T: schema.Unknown, Src: st.Value.Span()}, name: name}
	}
}
