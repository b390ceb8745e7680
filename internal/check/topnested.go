package check

import (
	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// topNested checks top-nested [N] of Expr [with others = V] by
// Aggregation [asc|desc], ...: per level, the Expr column and the
// aggregate (named aggregated_Expr unless named).
// https://learn.microsoft.com/kusto/query/top-nested-operator
func (c *checker) topNested(sc *scope, in plan.Node, r *row, op *syntax.TopNestedOp) plan.Node {
	n := &plan.TopNested{Input: in}
	nm := c.newNamer()
	for _, cl := range op.Clauses {
		lvl := plan.TopNestedLevel{Desc: true}
		if cl.Count != nil {
			lvl.N = c.count(sc, r, cl.Count)
		}
		names, x := named(cl.Of)
		lvl.Of = c.scalar(sc, r, x)
		ofName := nm.name(names, x)
		if cl.Others != nil {
			lvl.Others = c.scalar(sc, nil, cl.Others)
			if t := lvl.Others.Type(); t != lvl.Of.Type() && t != schema.Unknown && lvl.Of.Type() != schema.Unknown {
				if !funcs.ConvertsTo(t, lvl.Of.Type()) {
					c.errorf(cl.Others.Span(), "%s", errType("the others value", lvl.Of.Type().String(), t))
					return nil
				}
				lvl.Others = &plan.Cast{X: lvl.Others, T: lvl.Of.Type()}
			}
		}
		aggNames, ax := named(cl.By.X)
		call, ok := ax.(*syntax.CallExpr)
		var agg *funcs.Agg
		if ok {
			agg = funcs.LookupAgg(call.Fun.Name)
		}
		if agg == nil {
			c.errorf(ax.Span(), "%s", errNotAggregate(syntax.Print(ax)))
			return nil
		}
		sink := &aggSink{in: r}
		ac := sink.check(c, sc, agg, call, map[string]bool{})
		if ac == nil {
			return nil
		}
		lvl.Agg = ac
		if cl.By.ExplicitOrder {
			lvl.Desc = cl.By.Desc
		}
		aggName := "aggregated_" + ofName
		if len(aggNames) > 0 {
			aggName = aggNames[0].Name
		}
		n.Levels = append(n.Levels, lvl)
		n.Cols = append(n.Cols, schema.Column{Name: ofName, Type: lvl.Of.Type()},
			schema.Column{Name: nm.unique(aggName), Type: ac.T})
	}
	return n
}
