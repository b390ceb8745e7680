package check

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// rollingPercentile checks evaluate rolling_percentile(ValueColumn,
// Percentile, IndexColumn, BinSize, BinsPerWindow [, dim, ...]): for each
// bin of IndexColumn (and each combination of the dimensions), the
// percentile of ValueColumn over the window of BinsPerWindow bins that
// ends at the bin, inclusive. The output is IndexColumn (the bin), the
// dimensions, then rolling_<BinsPerWindow>_percentile_<ValueColumn>_<Percentile>.
// The bins run from the input's first to its last (the page's examples
// end at the last bin of the data, not BinsPerWindow-1 bins after it).
//
// The plugin is the query
//
//	where isnotnull(Index) | extend b = bin(Index, BinSize)
//	| as hint.materialized=true In
//	| mv-expand w = range(0, BinsPerWindow-1, 1) to typeof(long)
//	| extend Index = b + w * BinSize | where Index <= toscalar(In | summarize max(b))
//	| summarize Name = percentile(Value, Percentile) by Index, dims
//
// which every row enters once per window that holds it. The arguments
// are checked first, at their own positions, so that the query built
// here has no error of its own.
// https://learn.microsoft.com/kusto/query/rolling-percentile-plugin
func (c *checker) rollingPercentile(sc *scope, in plan.Node, r *row, call *syntax.CallExpr) plan.Node {
	const name = "rolling_percentile"
	if len(call.Args) < 5 {
		c.errorf(call.Span(), "%s", errArityRange(name, 5, 1<<20, len(call.Args)))
		return nil
	}
	ok := true
	column := func(x syntax.Expr, what string, types func(schema.Type) bool, want string) string {
		e := c.scalar(sc, r, x)
		ref, isCol := e.(*plan.ColRef)
		switch {
		case e.Type() == schema.Unknown:
			if isCol {
				c.errorf(x.Span(), "%s", errType(name+"'s "+what, want, e.Type()))
			}
			ok = false // else reported
			return ""
		case !isCol:
			c.errorf(x.Span(), "%s", errPluginColumn(name, what))
			ok = false
			return ""
		case !types(e.Type()):
			c.errorf(x.Span(), "%s", errType(name+"'s "+what, want, e.Type()))
			ok = false
			return ""
		}
		return ref.Name
	}
	constant := func(x syntax.Expr, what string, types func(schema.Type) bool, want string) plan.Expr {
		e := c.scalar(sc, r, x)
		switch {
		case e.Type() == schema.Unknown:
			ok = false // reported
			return nil
		case !plan.IsConst(e):
			c.errorf(x.Span(), "%s", errNotConstant(name+"'s "+what))
			ok = false
			return nil
		case !types(e.Type()):
			c.errorf(x.Span(), "%s", errType(name+"'s "+what, want, e.Type()))
			ok = false
			return nil
		}
		return e
	}
	numeric := func(t schema.Type) bool { return t.IsNumeric() }
	value := column(call.Args[0], "ValueColumn", func(t schema.Type) bool {
		return t.IsNumeric() || t == schema.Datetime || t == schema.Timespan
	}, "a number, datetime or timespan column")
	pct := constant(call.Args[1], "Percentile", numeric, "a number")
	index := column(call.Args[2], "IndexColumn", func(t schema.Type) bool {
		return t.IsNumeric() || t == schema.Datetime || t == schema.Timespan
	}, "a number, datetime or timespan column")
	indexType := schema.Unknown
	if index != "" {
		indexType = r.cols[r.index[index]].Type
	}
	bin := constant(call.Args[3], "BinSize", func(t schema.Type) bool {
		if indexType == schema.Datetime || indexType == schema.Timespan {
			return t == schema.Timespan
		}
		return t.IsNumeric()
	}, "a timespan for a datetime or timespan IndexColumn, else a number")
	bins := constant(call.Args[4], "BinsPerWindow", func(t schema.Type) bool { return t == schema.Int || t == schema.Long }, "an int")
	var dims []string
	for _, x := range call.Args[5:] {
		dims = append(dims, column(x, "dimension", func(t schema.Type) bool { return t != schema.Dynamic }, "a column of a type other than dynamic"))
	}
	if !ok {
		return nil
	}
	bv, _ := constValue(bins)
	n, isInt := bv.(int64)
	if k, isInt32 := bv.(int32); isInt32 {
		n, isInt = int64(k), true
	}
	if !isInt || n < 1 {
		c.errorf(call.Args[4].Span(), "%s's BinsPerWindow must be a positive int, got %v", name, bv)
		return nil
	}
	pctText := ""
	pv, _ := constValue(pct)
	switch p := pv.(type) {
	case int64:
		pctText = strconv.FormatInt(p, 10)
	case int32:
		pctText = strconv.FormatInt(int64(p), 10)
	case float64:
		pctText = strings.ReplaceAll(strconv.FormatFloat(p, 'f', -1, 64), ".", "_")
	}
	if pctText == "" || strings.HasPrefix(pctText, "-") {
		c.errorf(call.Args[1].Span(), "%s's Percentile must be a number from 0 to 100, got %v", name, pv)
		return nil
	}
	out := "rolling_" + strconv.FormatInt(n, 10) + "_percentile_" + value + "_" + pctText
	q := func(s string) string { return "['" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "']" }
	by := q(index)
	for _, d := range dims {
		by += ", " + q(d)
	}
	text := "where isnotnull(" + q(index) + ")" +
		" | extend __rp_b = bin(" + q(index) + ", __rp_bin)" +
		" | as hint.materialized=true __rp_in" +
		" | mv-expand __rp_w = range(0, __rp_n - 1, 1) to typeof(long)" +
		" | extend " + q(index) + " = __rp_b + __rp_w * __rp_bin" +
		" | where " + q(index) + " <= toscalar(__rp_in | summarize max(__rp_b))" +
		" | summarize " + q(out) + " = percentile(" + q(value) + ", __rp_pct) by " + by
	parsed, diags := syntax.Parse(text)
	if diags.HasErrors() || len(parsed.Stmts) != 1 {
		panic("internal error: the rolling_percentile query does not parse: " + diags.Error())
	}
	inner := &scope{parent: sc, names: map[string]*binding{
		"__rp_bin": {kind: bindScalar, expr: bin, name: "__rp_bin"},
		"__rp_n":   {kind: bindScalar, expr: &plan.Const{Value: n, T: schema.Long, Src: call.Args[4].Span()}, name: "__rp_n"},
		"__rp_pct": {kind: bindScalar, expr: pct, name: "__rp_pct"},
	}}
	before := len(c.diags)
	node := c.contextual(inner, in, parsed.Stmts[0].(*syntax.ExprStmt).X)
	if len(c.diags) > before {
		// The spans of the built query are offsets in its own text: put
		// whatever it reports at the call.
		for i := before; i < len(c.diags); i++ {
			c.diags[i].Span = call.Span()
		}
	}
	return node
}
