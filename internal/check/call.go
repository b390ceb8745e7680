package check

import (
	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/suggest"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// maxCallDepth bounds nested user-function expansion.
const maxCallDepth = 64

// typedArgs are the functions whose last argument may be typeof(T), by
// their number of arguments with it.
var typedArgs = map[string]int{"extract": 4, "extract_json": 3, "extractjson": 3, "percentile_tdigest": 3}

// scalarAggs are the names of both an aggregate and a scalar function:
// of one argument in summarize they are the aggregate, else the scalar
// function (merge_tdigest(a, b) merges two columns' digests).
// https://learn.microsoft.com/kusto/query/merge-tdigest-function
var scalarAggs = map[string]bool{"merge_tdigest": true, "tdigest_merge": true}

func (c *checker) call(sc *scope, r *row, x *syntax.CallExpr) (plan.Node, plan.Expr) {
	name := x.Fun.Name
	if b := sc.lookup(name); b != nil && b.kind == bindFunc {
		return c.expand(sc, r, b, x.Args, x.Span())
	}
	// extract(regex, group, source, typeof(T)) and extract_json(path,
	// json, typeof(T)) convert their result to T.
	// https://learn.microsoft.com/kusto/query/extract-function
	// https://learn.microsoft.com/kusto/query/extract-json-function
	if n, ok := typedArgs[name]; ok && len(x.Args) == n {
		if t, ok := typeofArg(x.Args[n-1]); ok {
			inner := &syntax.CallExpr{Fun: x.Fun, Args: x.Args[:n-1], End: x.End}
			_, e := c.call(sc, r, inner)
			if e == nil || e.Type() == schema.Unknown {
				return nil, e
			}
			return nil, &plan.Cast{X: e, T: t}
		}
	}
	// percentiles_array_tdigest(d, dynamic([...]), typeof(T)): the
	// percentiles keep the digest's type in the dynamic array (an int and
	// a long are both a long there), so the type literal is dropped.
	// Microsoft's analyzer declares no such argument; the page's example
	// has it, and Kusto runs it.
	// https://learn.microsoft.com/kusto/query/percentile-array-tdigest-function
	if name == "percentiles_array_tdigest" && len(x.Args) == 3 {
		if _, ok := typeofArg(x.Args[2]); ok {
			return c.call(sc, r, &syntax.CallExpr{Fun: x.Fun, Args: x.Args[:2], End: x.End})
		}
	}
	if name == "_GetWatchlist" {
		return c.watchlist(x), nil
	}
	if e, ok := c.special(sc, r, x); ok {
		return nil, e
	}
	// hll_merge outside summarize, or of two or more columns, is the
	// scalar function; of one column in summarize, the aggregate.
	// https://learn.microsoft.com/kusto/query/hll-merge-function
	if agg := funcs.LookupAgg(name); agg != nil && !((name == "hll_merge" || scalarAggs[name]) && (c.sink == nil || len(x.Args) > 1)) {
		if c.sink == nil {
			c.errorf(x.Fun.Src, "%s", errAggregateOutside(name))
			return nil, unknown(x)
		}
		return nil, c.sink.add(c, sc, agg, x)
	}
	fn := funcs.Lookup(name)
	if fn == nil || fn.Hidden {
		candidates := append(funcs.Names(), funcs.AggNames()...)
		for _, n := range sc.all() {
			if b := sc.lookup(n); b.kind == bindFunc {
				candidates = append(candidates, n)
			}
		}
		c.errorf(x.Fun.Src, "%s", errUnknownFunction(name, suggest.Name(name, candidates)))
		for _, a := range x.Args {
			c.any(sc, r, a) // report errors inside the arguments too
		}
		return nil, unknown(x)
	}
	var args []plan.Expr
	var spans []syntax.Span
	for _, a := range x.Args {
		if named, ok := a.(*syntax.NamedExpr); ok && len(named.Names) == 1 {
			// name = value passes the value; Kusto's analyzer accepts
			// any name there (iif(c, account = x, y)).
			a = named.X
		}
		if _, star := a.(*syntax.StarExpr); star && fn.StarArgs && r != nil && r.aggOnly == nil {
			// estimate_data_size(*): every column of the row.
			for j, col := range r.cols {
				args = append(args, &plan.ColRef{Index: j, Name: col.Name, T: col.Type, Src: a.Span()})
				spans = append(spans, a.Span())
			}
			continue
		}
		e := c.scalar(sc, r, a)
		if _, col := e.(*plan.ColRef); fn.StarArgs && !col && e.Type() != schema.Unknown {
			// Kusto's analyzer takes only column references there.
			c.errorf(a.Span(), "%s(): column name expected", fn.Name)
			return nil, unknown(x)
		}
		args = append(args, e)
		spans = append(spans, a.Span())
	}
	return nil, c.apply(fn, args, x.Span(), spans, "")
}

// expand inlines a call of a user function (or a reference to a view):
// parameters are bound to the arguments in a scope inside the function's
// declaring scope, then the body is checked there.
func (c *checker) expand(sc *scope, r *row, b *binding, args []syntax.Expr, sp syntax.Span) (plan.Node, plan.Expr) {
	return c.expandWith(sc, r, b, nil, args, sp)
}

// expandWith expands a call of a user function; when first is not nil, it
// is the first (tabular) argument, as invoke passes its input, and args
// are the others.
func (c *checker) expandWith(sc *scope, r *row, b *binding, first plan.Node, args []syntax.Expr, sp syntax.Span) (plan.Node, plan.Expr) {
	for _, n := range c.calls {
		if n == b.name {
			c.errorf(sp, "%s", errRecursion(b.name))
			return nil, nil
		}
	}
	if len(c.calls) >= maxCallDepth {
		c.errorf(sp, "function calls nested deeper than %d", maxCallDepth)
		return nil, nil
	}
	c.calls = append(c.calls, b.name)
	defer func() { c.calls = c.calls[:len(c.calls)-1] }()
	if b.ws != nil && c.site.fn == nil && sp.Start < schema.FuncBase {
		c.site = callSite{fn: b.ws, sp: sp}
		defer func() { c.site = callSite{} }()
	}

	params := b.fn.Params
	inner := &scope{parent: b.env, names: map[string]*binding{}}
	if first != nil {
		if len(params) == 0 || !params[0].Tabular {
			c.errorf(sp, "%s", errInvokeFirst(b.name))
			return nil, nil
		}
		inner.names[params[0].Name.Name] = &binding{kind: bindTable, node: first, name: params[0].Name.Name}
		params = params[1:]
	}
	required := 0
	for _, p := range params {
		if p.Default == nil {
			required++
		}
	}
	slots, ok := c.bindArgs(params, args)
	if !ok {
		return nil, nil
	}
	missing := false
	for i, p := range params {
		missing = missing || (slots[i] == nil && p.Default == nil)
	}
	if missing || len(args) > len(params) {
		if required == len(params) {
			c.errorf(sp, "%s", errArity(b.name, len(params), len(args)))
		} else {
			c.errorf(sp, "%s() expects %d to %d arguments, got %d", b.name, required, len(params), len(args))
		}
		return nil, nil
	}
	for i, p := range params {
		argScope, arg := sc, slots[i]
		if arg == nil {
			argScope, arg = b.env, p.Default
		}
		if p.Tabular {
			node := c.tabular(argScope, arg)
			if node == nil {
				return nil, nil
			}
			inner.names[p.Name.Name] = &binding{kind: bindTable, node: node, name: p.Name.Name}
			continue
		}
		e := c.scalar(argScope, r, arg)
		if want, ok := schema.KeywordType(p.Type.Name); ok && e.Type() != schema.Unknown && e.Type() != want {
			// Numbers convert to a parameter's numeric type either way, as
			// Kusto's analyzer accepts a long for an int parameter.
			if !funcs.ConvertsTo(e.Type(), want) && !(e.Type().IsNumeric() && want.IsNumeric()) {
				c.errorf(arg.Span(), "%s", errType("argument '"+p.Name.Name+"' of "+b.name+"()", want.String(), e.Type()))
			} else {
				e = &plan.Cast{X: e, T: want}
			}
		} else if !ok {
			c.errorf(p.Type.Src, "unknown type '%s'", p.Type.Name)
		}
		inner.names[p.Name.Name] = &binding{kind: bindScalar, expr: e, name: p.Name.Name}
	}
	body := b.fn.Body
	if len(body) == 0 {
		c.errorf(b.fn.Src, "function '%s' has an empty body", b.name)
		return nil, nil
	}
	for _, st := range body[:len(body)-1] {
		if let, ok := st.(*syntax.LetStmt); ok {
			c.let(inner, let)
		} else {
			c.errorf(st.Span(), "only let statements may precede the last statement of a function body")
		}
	}
	last, ok := body[len(body)-1].(*syntax.ExprStmt)
	if !ok {
		c.errorf(body[len(body)-1].Span(), "a function body must end with an expression")
		return nil, nil
	}
	return c.any(inner, nil, last.X)
}

// aggSink collects the aggregate calls of one summarize. Each call
// becomes an output of the Aggregate node; the expression that contained
// it reads that output as a column.
type aggSink struct {
	in    *row
	aggs  []*plan.AggCall
	outs  []schema.Column
	first int // output index of the first aggregate (after the keys)
	inAgg bool
}

// add checks an aggregate call and returns a reference to its output.
func (s *aggSink) add(c *checker, sc *scope, agg *funcs.Agg, x *syntax.CallExpr) plan.Expr {
	if s.inAgg {
		c.errorf(x.Fun.Src, "aggregate '%s' cannot be nested inside another aggregate", agg.Name)
		return unknown(x)
	}
	if parts := splitAgg(agg, x); len(parts) == 1 {
		agg, x = funcs.LookupAgg(agg.Split), parts[0] // percentiles(x, 50) is percentile(x, 50)
	}
	if agg.Multi && !singleOutput(x) || len(splitAgg(agg, x)) > 1 {
		c.errorf(x.Fun.Src, "%s() returns several columns and must stand alone in summarize", agg.Name)
		return unknown(x)
	}
	call := s.check(c, sc, agg, x, nil)
	if call == nil {
		return unknown(x)
	}
	idx := s.first + len(s.outs)
	s.aggs = append(s.aggs, call)
	s.outs = append(s.outs, schema.Column{Name: "", Type: call.T})
	return &plan.ColRef{Index: idx, Name: agg.Name, T: call.T, Src: x.Span()}
}

// singleOutput reports whether a call of a one-output-per-argument
// aggregate (take_any, arg_max) has a single output: one argument, not
// '*'.
func singleOutput(x *syntax.CallExpr) bool {
	if len(x.Args) != 1 {
		return false
	}
	_, star := x.Args[0].(*syntax.StarExpr)
	return !star
}

// splitAgg returns the calls of agg.Split that compute the outputs of a
// call of an aggregate with one output per trailing argument, one call
// per trailing argument: percentiles(x, 5, 95) is percentile(x, 5) and
// percentile(x, 95). It returns nil for other aggregates, and for calls
// without trailing arguments (an arity error for the aggregate itself).
func splitAgg(agg *funcs.Agg, x *syntax.CallExpr) []*syntax.CallExpr {
	if agg.Split == "" {
		return nil
	}
	part := funcs.LookupAgg(agg.Split)
	lead := len(part.Sigs[0].Params) - 1
	if len(x.Args) <= lead {
		return nil
	}
	var calls []*syntax.CallExpr
	for _, a := range x.Args[lead:] {
		args := append(append([]syntax.Expr(nil), x.Args[:lead]...), a)
		fun := &syntax.Ident{Name: part.Name, Src: x.Fun.Src}
		calls = append(calls, &syntax.CallExpr{Fun: fun, Args: args, End: x.End})
	}
	return calls
}

// check checks the arguments of an aggregate call in the input row. A '*'
// argument, where the aggregate takes one (count(*), arg_max(x, *),
// take_any(*)), expands to the input columns not named in exclude.
// Arguments declared constant (a percentile, a maximum size) must be.
func (s *aggSink) check(c *checker, sc *scope, agg *funcs.Agg, x *syntax.CallExpr, exclude map[string]bool) *plan.AggCall {
	s.inAgg = true
	saved := c.sink
	c.sink = nil
	defer func() { s.inAgg = false; c.sink = saved }()
	var args []plan.Expr
	var spans []syntax.Span
	for i, a := range x.Args {
		if named, ok := a.(*syntax.NamedExpr); ok && agg.Multi && len(named.Names) == 1 {
			// arg_max(t, Last = x) names the output; the name is read
			// by aggArgs.
			a = named.X
		}
		if _, star := a.(*syntax.StarExpr); star {
			switch {
			case agg.Name == "count" && len(x.Args) == 1:
				continue
			case agg.Star == funcs.StarAfterFirst && i > 0, agg.Star == funcs.StarAlone && len(x.Args) == 1:
				for j, col := range s.in.cols {
					if exclude[col.Name] {
						continue
					}
					args = append(args, &plan.ColRef{Index: j, Name: col.Name, T: col.Type, Src: a.Span()})
					spans = append(spans, a.Span())
				}
				continue
			}
			c.errorf(a.Span(), "%s", errStar())
			return nil
		}
		args = append(args, c.scalar(sc, s.in, a))
		spans = append(spans, a.Span())
	}
	types := make([]schema.Type, len(args))
	for i, a := range args {
		if a.Type() == schema.Unknown {
			// An argument that failed (reported already) or a column the
			// data will bring: the output is kept, of unknown type.
			return &plan.AggCall{Fn: agg, Args: args, T: schema.Unknown, Src: x.Span()}
		}
		types[i] = a.Type()
	}
	sig, casts, result, err := agg.Resolve(types)
	if err != nil {
		at := x.Span()
		if ae, ok := err.(*funcs.ArgError); ok && ae.Index < len(spans) {
			at = spans[ae.Index]
		}
		c.errorf(at, "%s", err.Error())
		return nil
	}
	for i, t := range casts {
		if t != schema.Unknown {
			args[i] = &plan.Cast{X: args[i], T: t}
		}
	}
	for i, a := range args {
		if prm := sig.Param(i); prm.Const && !plan.IsConst(a) {
			c.errorf(spans[i], "%s", errNotConstant(agg.Name+"(): argument '"+prm.Name+"'"))
			return nil
		}
	}
	return &plan.AggCall{Fn: agg, Sig: sig, Args: args, T: result, Src: x.Span()}
}

// typeofArg returns the type of a typeof(T) argument.
func typeofArg(x syntax.Expr) (schema.Type, bool) {
	t, ok := x.(*syntax.TypeofExpr)
	if !ok || t.Type == nil {
		return schema.Unknown, false
	}
	return schema.KeywordType(t.Type.Name)
}
