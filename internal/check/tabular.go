package check

import (
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/suggest"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

func (c *checker) pipe(sc *scope, x *syntax.PipeExpr) plan.Node {
	in := c.tabular(sc, x.Source)
	if in == nil {
		return nil
	}
	r := newRow(in.Schema())
	r.open = c.open[in]
	// The operator's columns count as work: a plan carries them all at
	// each operator, so that a chain of extends, each adding a column,
	// makes a plan that grows with the square of its length.
	c.work(x, len(r.cols))
	n := c.pipeOp(sc, in, r, x)
	if n != nil && r.open && keepsColumns(x.Op) {
		c.open[n] = true
	}
	return n
}

// windowed checks an operator with window functions allowed in its
// expressions; when it uses some, a Window node computes them below it.
func (c *checker) windowed(in plan.Node, r *row, check func() plan.Node) plan.Node {
	saved := c.win
	base := len(r.cols)
	c.win = &windowSink{base: base}
	n := check()
	calls := c.win.calls
	c.win = saved
	if len(calls) == 0 || n == nil {
		return n
	}
	w := &plan.Window{Input: in, Calls: calls, Cols: append([]schema.Column(nil), r.cols[:base]...)}
	for _, call := range calls {
		w.Cols = append(w.Cols, schema.Column{Name: call.Name, Type: call.T})
	}
	switch n := n.(type) {
	case *plan.Filter:
		n.Input, n.Cols = w, w.Cols
	case *plan.Project:
		n.Input = w
	}
	return n
}

// keepsColumns reports whether op passes on its input's columns (so that
// an input whose columns depend on the data makes an output that does
// too), as opposed to naming every output column (project, summarize).
func keepsColumns(op syntax.Operator) bool {
	switch op := op.(type) {
	case *syntax.ProjectOp:
		return op.Word != "project"
	case *syntax.SummarizeOp, *syntax.CountOp, *syntax.DistinctOp, *syntax.MakeSeriesOp, *syntax.TopNestedOp, *syntax.GetSchemaOp:
		return false
	}
	return true
}

// pipeOp checks the operator of a pipe over its checked input.
func (c *checker) pipeOp(sc *scope, in plan.Node, r *row, x *syntax.PipeExpr) plan.Node {
	switch op := x.Op.(type) {
	case *syntax.WhereOp:
		return c.windowed(in, r, func() plan.Node {
			pred := c.scalar(sc, r, op.Pred)
			if t := pred.Type(); t != schema.Bool && t != schema.Unknown {
				c.errorf(op.Pred.Span(), "%s", errType("the predicate of 'where'", "bool", t))
			}
			return &plan.Filter{Input: in, Pred: pred, Cols: in.Schema()}
		})
	case *syntax.SummarizeOp:
		return c.summarize(sc, in, r, op.Aggs, op.By)
	case *syntax.ProjectOp:
		switch op.Word {
		case "project":
			return c.windowed(in, r, func() plan.Node { return c.project(sc, in, r, op) })
		case "extend", "serialize":
			return c.windowed(in, r, func() plan.Node { return c.extend(sc, in, r, op) })
		case "project-rename":
			return c.rename(in, r, op)
		case "project-by-names":
			return c.projectByNames(sc, in, r, op)
		default:
			return c.projectNames(in, r, op)
		}
	case *syntax.TakeOp:
		if op.Word == "sample" {
			return &plan.Sample{Input: in, N: c.count(sc, r, op.Count), Cols: r.cols}
		}
		return &plan.Limit{Input: in, N: c.count(sc, r, op.Count), Cols: in.Schema()}
	case *syntax.SortOp:
		return &plan.Sort{Input: in, Keys: c.sortKeys(sc, r, op.Keys), Cols: in.Schema()}
	case *syntax.TopOp:
		return &plan.TopN{Input: in, N: c.count(sc, r, op.Count), Keys: c.sortKeys(sc, r, op.Keys), Cols: in.Schema()}
	case *syntax.CountOp:
		count := funcs.Count
		return &plan.Aggregate{Input: in,
			Aggs: []*plan.AggCall{{Fn: count, Sig: count.Sigs[0], T: schema.Long, Src: op.Span()}},
			Cols: []schema.Column{{Name: "Count", Type: schema.Long}}}
	case *syntax.DistinctOp:
		if len(op.Cols) == 1 {
			if _, ok := op.Cols[0].(*syntax.StarExpr); ok {
				keys := make([]syntax.Expr, len(r.cols))
				for i, col := range r.cols {
					keys[i] = &syntax.Ident{Name: col.Name, Src: op.Cols[0].Span()}
				}
				return c.summarize(sc, in, r, nil, keys)
			}
		}
		return c.summarize(sc, in, r, nil, op.Cols)
	case *syntax.MakeSeriesOp:
		return c.makeSeries(sc, in, r, op)
	case *syntax.JoinOp:
		return c.join(sc, in, r, op)
	case *syntax.UnionOp:
		return c.union(sc, in, op)
	case *syntax.RenderOp:
		return c.render(in, op)
	case *syntax.MvExpandOp:
		return c.mvExpand(sc, in, r, op)
	case *syntax.ParseOp:
		return c.parse(sc, in, r, op)
	case *syntax.InvokeOp:
		return c.invoke(sc, in, r, op)
	case *syntax.EvaluateOp:
		return c.evaluate(sc, in, r, op)
	case *syntax.MvApplyOp:
		return c.mvApply(sc, in, r, op)
	case *syntax.PartitionOp:
		return c.partition(sc, in, r, op)
	case *syntax.AsOp:
		return c.as(sc, in, op)
	case *syntax.GetSchemaOp:
		return getSchema(r)
	case *syntax.SearchOp:
		return c.search(sc, in, op)
	case *syntax.TopNestedOp:
		return c.topNested(sc, in, r, op)
	case *syntax.ParseKvOp:
		return c.parseKv(sc, in, r, op)
	case *syntax.GenericOp:
		switch op.Name() {
		case "sample-distinct":
			return c.sampleDistinct(sc, in, r, op)
		case "top-hitters":
			return c.topHitters(sc, in, r, op)
		}
	}
	c.errorf(x.Op.Span(), "%s", errUnsupportedOperator(x.Op.Name()))
	return nil
}

// count checks the row count of take and top: a constant integer.
func (c *checker) count(sc *scope, r *row, x syntax.Expr) plan.Expr {
	e := c.scalar(sc, r, x)
	if t := e.Type(); t != schema.Unknown && !t.IsInteger() {
		c.errorf(x.Span(), "%s", errType("the row count", "an integer", t))
		return unknown(x)
	}
	if !plan.IsConst(e) {
		c.errorf(x.Span(), "%s", errNotConstant("the row count"))
	}
	return e
}

func (c *checker) sortKeys(sc *scope, r *row, keys []*syntax.SortKey) []plan.SortKey {
	out := make([]plan.SortKey, len(keys))
	for i, k := range keys {
		out[i] = plan.SortKey{X: c.scalar(sc, r, k.X), Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	return out
}

// named splits an item of project/extend/summarize into its explicit
// names (nil when none) and expression.
func named(x syntax.Expr) ([]*syntax.Ident, syntax.Expr) {
	if n, ok := x.(*syntax.NamedExpr); ok {
		return n.Names, n.X
	}
	return nil, x
}

func (c *checker) project(sc *scope, in plan.Node, r *row, op *syntax.ProjectOp) plan.Node {
	nm := c.newNamer()
	p := &plan.Project{Input: in}
	for i, item := range op.Cols {
		names, x := named(item)
		if exprs, tnames, ok := c.tuple(sc, r, names, x); ok {
			for k, e := range exprs {
				name := tnames[k]
				if k < len(names) {
					name = nm.own(name, names[k].Src)
				} else {
					name = nm.unique(name)
				}
				p.Exprs = append(p.Exprs, e)
				p.Cols = append(p.Cols, schema.Column{Name: name, Type: e.Type()})
			}
			continue
		}
		e := c.scalar(sc, r, x)
		if len(names) > 1 {
			c.errorf(item.Span(), "only one name can be assigned to this expression")
		}
		var name string
		if op.Word == "print" && len(names) == 0 {
			// print names unnamed columns by position: print_0, print_1, ...
			// https://learn.microsoft.com/kusto/query/print-operator
			name = nm.unique("print_" + strconv.Itoa(i))
		} else {
			name = nm.name(names, x)
		}
		p.Exprs = append(p.Exprs, e)
		p.Cols = append(p.Cols, schema.Column{Name: name, Type: e.Type()})
	}
	return p
}

// extend adds columns to the input's; an explicitly named column that
// exists already is replaced in place.
func (c *checker) extend(sc *scope, in plan.Node, r *row, op *syntax.ProjectOp) plan.Node {
	p := &plan.Project{Input: in}
	nm := c.newNamer()
	for i, col := range r.cols {
		p.Exprs = append(p.Exprs, &plan.ColRef{Index: i, Name: col.Name, T: col.Type})
		p.Cols = append(p.Cols, col)
		nm.reserve(col.Name)
	}
	// put replaces the column called name in place, or adds it.
	put := func(name string, e plan.Expr) {
		for j, col := range p.Cols {
			if col.Name == name {
				p.Exprs[j], p.Cols[j] = e, schema.Column{Name: name, Type: e.Type()}
				return
			}
		}
		nm.reserve(name)
		p.Exprs = append(p.Exprs, e)
		p.Cols = append(p.Cols, schema.Column{Name: name, Type: e.Type()})
	}
	for _, item := range op.Cols {
		names, x := named(item)
		if exprs, tnames, ok := c.tuple(sc, r, names, x); ok {
			for k, e := range exprs {
				put(tnames[k], e)
			}
			continue
		}
		e := c.scalar(sc, r, x)
		if len(names) > 1 {
			c.errorf(item.Span(), "only one name can be assigned to this expression")
		}
		name, o := exprName(x)
		if len(names) > 0 {
			name, o = names[0].Name, ownName
		}
		if o != noName {
			// A named column that exists is replaced in place, whether the
			// name is written (x = ...) or derived (tostring(x)).
			put(name, e)
			continue
		}
		name = nm.auto()
		p.Exprs = append(p.Exprs, e)
		p.Cols = append(p.Cols, schema.Column{Name: name, Type: e.Type()})
	}
	return p
}

// tuple checks a call of a function with several outputs (series_stats,
// series_decompose_anomalies, ...) written as (a, b, ...) = f(x) or
// unnamed: one column per output, named by the names given, in order,
// else as Kusto names them (series_stats_x_min). ok is false for other
// expressions, and for such a call with one name, which takes the first
// output as the function alone does.
// https://learn.microsoft.com/kusto/query/series-decompose-anomalies-function
func (c *checker) tuple(sc *scope, r *row, names []*syntax.Ident, x syntax.Expr) ([]plan.Expr, []string, bool) {
	call, ok := x.(*syntax.CallExpr)
	if !ok || len(names) == 1 || sc.lookup(call.Fun.Name) != nil {
		return nil, nil, false
	}
	if exprs, out, ok := c.sortTuple(sc, r, names, call); ok {
		return exprs, out, true
	}
	t := funcs.LookupTuple(call.Fun.Name)
	if t == nil {
		return nil, nil, false
	}
	args := make([]plan.Expr, len(call.Args))
	spans := make([]syntax.Span, len(call.Args))
	for i, a := range call.Args {
		args[i] = c.scalar(sc, r, a)
		spans[i] = a.Span()
	}
	all := c.apply(t.Func, args, call.Span(), spans, "")
	if len(names) > len(t.Outputs) {
		c.errorf(names[len(t.Outputs)].Src, "%s", errTupleNames(call.Fun.Name, len(t.Outputs)))
	}
	arg := ""
	if len(call.Args) > 0 {
		arg, _ = exprName(call.Args[0])
	}
	var exprs []plan.Expr
	var out []string
	for i, o := range t.Outputs {
		var e plan.Expr = unknown(call)
		if all.Type() != schema.Unknown {
			e = c.apply(funcs.Op.Index, []plan.Expr{all, &plan.Const{Value: int64(i), T: schema.Long, Src: call.Span()}}, call.Span(), nil, "")
			if o.Type != schema.Dynamic {
				e = &plan.Cast{X: e, T: o.Type}
			}
		}
		name := funcs.TupleColumnName(call.Fun.Name, arg, o.Suffix)
		if i < len(names) {
			name = names[i].Name
		}
		exprs = append(exprs, e)
		out = append(out, name)
	}
	return exprs, out, true
}

// matchNames returns the indexes of the columns that pattern names, in
// column order; a pattern may hold '*' wildcards.
func matchNames(cols []schema.Column, pattern string) []int {
	var out []int
	for i, col := range cols {
		if ok, _ := path.Match(pattern, col.Name); ok || col.Name == pattern {
			out = append(out, i)
		}
	}
	return out
}

// projectNames implements project-away, project-keep and project-reorder.
func (c *checker) projectNames(in plan.Node, r *row, op *syntax.ProjectOp) plan.Node {
	selected := map[int]bool{}
	var order []int
	for i, item := range op.Cols {
		id, ok := item.(*syntax.Ident)
		if !ok {
			c.errorf(item.Span(), "expected a column name, got an expression")
			continue
		}
		idx := matchNames(r.cols, id.Name)
		if len(idx) == 0 && !strings.Contains(id.Name, "*") && !r.open {
			c.errorf(id.Src, "%s", errUnknownColumn(id.Name, suggest.Name(id.Name, r.names())))
			continue
		}
		if op.Word == "project-reorder" && !strings.Contains(id.Name, "*") && len(idx) == 1 && selected[idx[0]] {
			c.errorf(id.Src, "%s", errDuplicateColumn(id.Name))
			continue
		}
		if op.Word == "project-reorder" && i < len(op.Order) && op.Order[i] != "" {
			sortByName(r.cols, idx, strings.HasSuffix(op.Order[i], "desc"))
		}
		for _, j := range idx {
			if !selected[j] {
				selected[j] = true
				order = append(order, j)
			}
		}
	}
	var keep []int
	switch op.Word {
	case "project-away":
		for i := range r.cols {
			if !selected[i] {
				keep = append(keep, i)
			}
		}
	case "project-keep":
		for i := range r.cols {
			if selected[i] {
				keep = append(keep, i)
			}
		}
	default: // project-reorder
		keep = order
		for i := range r.cols {
			if !selected[i] {
				keep = append(keep, i)
			}
		}
	}
	p := &plan.Project{Input: in}
	for _, i := range keep {
		col := r.cols[i]
		p.Exprs = append(p.Exprs, &plan.ColRef{Index: i, Name: col.Name, T: col.Type, Src: op.Kw})
		p.Cols = append(p.Cols, col)
	}
	if len(p.Cols) == 0 {
		c.errorf(op.Span(), "%s", errNoColumns(op.Word))
	}
	return p
}

// sortByName orders the column indexes idx by column name, ascending or
// descending.
func sortByName(cols []schema.Column, idx []int, desc bool) {
	sort.SliceStable(idx, func(a, b int) bool {
		if desc {
			return cols[idx[a]].Name > cols[idx[b]].Name
		}
		return cols[idx[a]].Name < cols[idx[b]].Name
	})
}

// rename implements project-rename New = Old, ...
func (c *checker) rename(in plan.Node, r *row, op *syntax.ProjectOp) plan.Node {
	names := make([]string, len(r.cols))
	for i, col := range r.cols {
		names[i] = col.Name
	}
	for _, item := range op.Cols {
		n, ok := item.(*syntax.NamedExpr)
		old, isIdent := n.X.(*syntax.Ident)
		if !ok || !isIdent || len(n.Names) != 1 {
			c.errorf(item.Span(), "expected NewName = ExistingColumn")
			continue
		}
		i, found := r.index[old.Name]
		if !found {
			c.errorf(old.Src, "%s", errUnknownColumn(old.Name, suggest.Name(old.Name, r.names())))
			continue
		}
		names[i] = n.Names[0].Name
	}
	p := &plan.Project{Input: in}
	for i, col := range r.cols {
		p.Exprs = append(p.Exprs, &plan.ColRef{Index: i, Name: col.Name, T: col.Type})
		p.Cols = append(p.Cols, schema.Column{Name: names[i], Type: col.Type})
	}
	return p
}

// summarize builds an Aggregate: the keys, then one output per
// aggregation. Aggregations wrapped in expressions (sum(x) / count())
// become hidden outputs read by a Project on top.
// https://learn.microsoft.com/kusto/query/summarize-operator
func (c *checker) summarize(sc *scope, in plan.Node, r *row, items, by []syntax.Expr) plan.Node {
	nm := c.newNamer()
	agg := &plan.Aggregate{Input: in}
	// byCols are the input columns grouped by as they are (by x, by k = x),
	// which '*' in arg_max(x, *) and take_any(*) leaves out, as Kusto's
	// analyzer does.
	byCols := map[string]bool{}
	for _, item := range by {
		names, x := named(item)
		e := c.scalar(sc, r, x)
		name := nm.name(names, x)
		if e.Type() == schema.Dynamic {
			c.errorf(x.Span(), "%s", errGroupByDynamic(name))
		}
		if ref, ok := e.(*plan.ColRef); ok {
			byCols[ref.Name] = true
		}
		agg.Keys = append(agg.Keys, e)
		agg.Cols = append(agg.Cols, schema.Column{Name: name, Type: e.Type()})
	}
	post := newRow(agg.Cols)
	post.aggOnly = r
	sink := &aggSink{in: r, first: len(agg.Keys)}
	type output struct {
		name string
		expr plan.Expr // nil for a bare aggregate's own output
	}
	var outs []output
	complex := false
	for _, item := range items {
		names, x := named(item)
		if call, ok := x.(*syntax.CallExpr); ok && sc.lookup(call.Fun.Name) == nil {
			if fn := funcs.LookupAgg(call.Fun.Name); fn != nil {
				// An aggregate with one output per trailing argument
				// (percentiles) runs as one call per output, once the whole
				// call checks.
				calls := []*syntax.CallExpr{call}
				if parts := splitAgg(fn, call); parts != nil {
					if sink.check(c, sc, fn, call, nil) == nil {
						continue
					}
					fn, calls = funcs.LookupAgg(fn.Split), parts
				}
				k := 0 // outputs so far, for the names written (a, b) = ...
				for _, call := range calls {
					exclude := map[string]bool{}
					for col := range byCols {
						exclude[col] = true
					}
					if fn.Star == funcs.StarAfterFirst {
						// '*' leaves out the columns named by the other
						// arguments too.
						for _, a := range call.Args {
							if id, ok := a.(*syntax.Ident); ok {
								exclude[id.Name] = true
							}
						}
					}
					ac := sink.check(c, sc, fn, call, exclude)
					if ac == nil {
						break
					}
					sink.aggs = append(sink.aggs, ac)
					auto := fn.OutputNames(aggArgs(call, ac))
					for j, t := range aggOutputTypes(ac) {
						var name string
						switch {
						case k < len(names):
							name = nm.own(names[k].Name, names[k].Src)
						case j < len(auto) && auto[j] != "":
							name = nm.unique(auto[j])
						default:
							name = nm.auto()
						}
						k++
						sink.outs = append(sink.outs, schema.Column{Name: name, Type: t})
						outs = append(outs, output{name: name})
					}
				}
				continue
			}
		}
		if len(names) > 1 {
			c.errorf(item.Span(), "only one name can be assigned to this expression")
		}
		if id, ok := x.(*syntax.Ident); ok {
			if _, isKey := post.index[id.Name]; !isKey {
				if _, isInput := r.index[id.Name]; isInput {
					c.errorf(x.Span(), "%s", errNotAggregate(id.Name))
					continue
				}
			}
		}
		before := len(sink.aggs)
		saved := c.sink
		c.sink = sink
		e := c.scalar(sc, post, x)
		c.sink = saved
		if len(sink.aggs) == before && e.Type() != schema.Unknown {
			c.errorf(x.Span(), "%s", errNotAggregate(syntax.Print(x)))
		}
		var name string
		if _, id := x.(*syntax.Ident); len(names) > 0 {
			name = nm.own(names[0].Name, names[0].Src)
		} else if id {
			name = nm.auto()
		} else {
			// Derived as for other columns: tostring(count()) would be
			// count_, once exprName names aggregate calls.
			name = nm.name(nil, x)
		}
		outs = append(outs, output{name: name, expr: e})
		complex = true
	}
	agg.Aggs = sink.aggs
	if !complex {
		agg.Cols = append(agg.Cols, sink.outs...)
		return agg
	}
	// Hidden names for the aggregate outputs; the Project names the result.
	for i, col := range sink.outs {
		if col.Name == "" {
			col.Name = "$agg" + strconv.Itoa(i)
		}
		agg.Cols = append(agg.Cols, col)
	}
	p := &plan.Project{Input: agg}
	for i := range agg.Keys {
		col := agg.Cols[i]
		p.Exprs = append(p.Exprs, &plan.ColRef{Index: i, Name: col.Name, T: col.Type})
		p.Cols = append(p.Cols, col)
	}
	for _, o := range outs {
		if o.expr == nil {
			// A bare aggregate: find its output column by name.
			for j := len(agg.Keys); j < len(agg.Cols); j++ {
				if agg.Cols[j].Name == o.name {
					p.Exprs = append(p.Exprs, &plan.ColRef{Index: j, Name: o.name, T: agg.Cols[j].Type})
					p.Cols = append(p.Cols, agg.Cols[j])
					break
				}
			}
			continue
		}
		p.Exprs = append(p.Exprs, o.expr)
		p.Cols = append(p.Cols, schema.Column{Name: o.name, Type: o.expr.Type()})
	}
	return p
}

// aggOutputTypes returns the types of an aggregate call's outputs: its
// result type, then, for aggregates with one output per argument
// (arg_max, take_any), the types of the other arguments.
func aggOutputTypes(ac *plan.AggCall) []schema.Type {
	out := []schema.Type{ac.T}
	if ac.Fn.Multi {
		for _, a := range ac.Args[1:] {
			out = append(out, a.Type())
		}
	}
	return out
}

// aggArgs describes the arguments of a checked aggregate call for naming
// its outputs, with '*' expanded into the columns it stands for.
func aggArgs(call *syntax.CallExpr, ac *plan.AggCall) []funcs.AggArg {
	stars := 0
	for _, a := range call.Args {
		if _, ok := a.(*syntax.StarExpr); ok {
			stars++
		}
	}
	perStar := 0
	if stars > 0 {
		perStar = (len(ac.Args) - (len(call.Args) - stars)) / stars
	}
	var out []funcs.AggArg
	j := 0 // index in ac.Args
	for i, a := range call.Args {
		if _, ok := a.(*syntax.StarExpr); ok {
			for n := 0; n < perStar && j < len(ac.Args); n++ {
				arg := funcs.AggArg{Column: true, Star: true, Index: i}
				if ref, ok := ac.Args[j].(*plan.ColRef); ok {
					arg.Name = ref.Name
				}
				out = append(out, arg)
				j++
			}
			continue
		}
		if j >= len(ac.Args) {
			break
		}
		arg := funcs.AggArg{Index: i}
		if named, ok := a.(*syntax.NamedExpr); ok && ac.Fn.Multi && len(named.Names) == 1 {
			// An output named in the call: arg_max(t, Last = x).
			arg.Name = named.Names[0].Name
			out = append(out, arg)
			j++
			continue
		}
		arg.Name, _ = exprName(a)
		_, arg.Column = a.(*syntax.Ident)
		if _, lit := a.(*syntax.Literal); lit {
			e := ac.Args[j]
			if cast, ok := e.(*plan.Cast); ok {
				e = cast.X
			}
			if k, ok := e.(*plan.Const); ok {
				arg.Literal = funcs.LiteralName(k.Value)
			}
		}
		out = append(out, arg)
		j++
	}
	return out
}

// datatable builds a literal table, converting each value to its column
// type.
func (c *checker) datatable(sc *scope, x *syntax.DatatableExpr) plan.Node {
	v := &plan.Values{}
	v.Cols = c.columnDecls(x.Columns)
	if len(v.Cols) == 0 {
		return v
	}
	if len(x.Values)%len(v.Cols) != 0 {
		c.errorf(x.Span(), "datatable has %d values, not a multiple of its %d columns", len(x.Values), len(v.Cols))
	}
	for i := 0; i+len(v.Cols) <= len(x.Values); i += len(v.Cols) {
		rowVals := make([]plan.Expr, len(v.Cols))
		for j, col := range v.Cols {
			vx := x.Values[i+j]
			e := c.scalar(sc, nil, vx)
			if col.Type == schema.Decimal {
				// datatable(d:decimal) [12345678901234567890.5]: the
				// number's own digits, not a real's.
				if d, ok := decimalLiteral(vx); ok {
					e = &plan.Const{Value: d, T: schema.Decimal, Src: vx.Span()}
				}
			}
			if !plan.IsConst(e) {
				c.errorf(vx.Span(), "%s", errNotConstant("a datatable value"))
			}
			if e.Type() != col.Type && e.Type() != schema.Unknown && col.Type != schema.Unknown {
				numeric := e.Type().IsNumeric() && col.Type.IsNumeric() // datatable(v:int)[1]
				if !numeric && !funcs.ConvertsTo(e.Type(), col.Type) && !isNullConst(e) && col.Type != schema.Dynamic {
					c.errorf(vx.Span(), "%s", errType("the value for column '"+col.Name+"'", col.Type.String(), e.Type()))
				}
				e = &plan.Cast{X: e, T: col.Type}
			}
			rowVals[j] = e
		}
		v.Rows = append(v.Rows, rowVals)
	}
	return v
}

// decimalLiteral reads a number literal, or a negated one, as a decimal.
func decimalLiteral(x syntax.Expr) (value.Decimal, bool) {
	neg := false
	if u, ok := x.(*syntax.UnaryExpr); ok && (u.Op == "-" || u.Op == "+") {
		neg, x = u.Op == "-", u.X
	}
	lit, ok := x.(*syntax.Literal)
	if !ok || lit.Null || (lit.Kind != syntax.LitLong && lit.Kind != syntax.LitReal) {
		return value.Decimal{}, false
	}
	text := strings.TrimSpace(lit.Text)
	if strings.HasPrefix(strings.ToLower(text), "0x") {
		return value.Decimal{}, false
	}
	d, ok := value.ParseDecimal(text)
	if neg {
		d = d.Neg()
	}
	return d, ok
}

func isNullConst(e plan.Expr) bool {
	k, ok := e.(*plan.Const)
	return ok && k.Value == nil
}

// source checks an operator that starts a query (print, union, range,
// ...).
func (c *checker) source(sc *scope, x *syntax.OperatorExpr) plan.Node {
	switch op := x.Op.(type) {
	case *syntax.PrintOp:
		return c.print(sc, op)
	case *syntax.UnionOp:
		return c.union(sc, nil, op)
	case *syntax.RangeOp:
		return c.rangeOp(sc, op)
	case *syntax.SearchOp:
		return c.search(sc, nil, op)
	}
	if c.implicit != nil {
		// The first operator of a contextual subquery (mv-apply,
		// partition) reads the table the enclosing operator supplies.
		in := c.implicit
		r := newRow(in.Schema())
		return c.pipeOp(sc, in, r, &syntax.PipeExpr{Op: x.Op})
	}
	c.errorf(x.Op.Span(), "%s", errUnsupportedOperator(x.Op.Name()))
	return nil
}

// print builds a one-row table of its expressions: a Project over an
// empty one-row table.
// https://learn.microsoft.com/kusto/query/print-operator
func (c *checker) print(sc *scope, op *syntax.PrintOp) plan.Node {
	one := &plan.Values{Rows: [][]plan.Expr{{}}}
	return c.project(sc, one, newRow(nil), &syntax.ProjectOp{OpBase: op.OpBase, Cols: op.Cols})
}
