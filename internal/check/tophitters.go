package check

import (
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// sampleDistinct checks sample-distinct N of X: at most N distinct values
// of X. Which values Kusto samples is not defined; these are the first N
// distinct ones.
// https://learn.microsoft.com/kusto/query/sample-distinct-operator
func (c *checker) sampleDistinct(sc *scope, in plan.Node, r *row, op *syntax.GenericOp) plan.Node {
	n, of, ok := genericCountOf(op)
	if !ok {
		c.errorf(op.Span(), "%s", errUnsupportedOperator(op.Name()))
		return nil
	}
	agg := c.summarize(sc, in, r, nil, []syntax.Expr{of})
	if agg == nil {
		return nil
	}
	return &plan.Limit{Input: agg, N: c.count(sc, r, n), Cols: agg.Schema()}
}

// topHitters checks top-hitters N of X [by S]: the N values of X that
// occur most (approximate_count_X) or whose S sums highest
// (approximate_sum_S). Kusto estimates the counts and sums; kqlhunt
// computes them exactly, which is what the estimate approximates.
// https://learn.microsoft.com/kusto/query/top-hitters-operator
func (c *checker) topHitters(sc *scope, in plan.Node, r *row, op *syntax.GenericOp) plan.Node {
	n, of, ok := genericCountOf(op)
	if !ok {
		c.errorf(op.Span(), "%s", errUnsupportedOperator(op.Name()))
		return nil
	}
	name := "approximate_count_" + hitterName(of)
	call := &syntax.CallExpr{Fun: &syntax.Ident{Name: "count", Src: of.Span()}, End: of.Span().End}
	if len(op.Parts) == 3 {
		by, isExpr := op.Parts[2].(syntax.Expr)
		if !isExpr {
			c.errorf(op.Span(), "%s", errUnsupportedOperator(op.Name()))
			return nil
		}
		name = "approximate_sum_" + hitterName(by)
		call = &syntax.CallExpr{Fun: &syntax.Ident{Name: "sum", Src: by.Span()}, Args: []syntax.Expr{by}, End: by.Span().End}
	}
	item := &syntax.NamedExpr{Names: []*syntax.Ident{{Name: name, Src: of.Span()}}, X: call}
	agg := c.summarize(sc, in, r, []syntax.Expr{item}, []syntax.Expr{of})
	if agg == nil {
		return nil
	}
	cols := agg.Schema()
	last := len(cols) - 1
	key := plan.SortKey{X: &plan.ColRef{Index: last, Name: cols[last].Name, T: cols[last].Type}, Desc: true}
	return &plan.TopN{Input: agg, N: c.count(sc, r, n), Keys: []plan.SortKey{key}, Cols: cols}
}

// genericCountOf returns the N and the X of "N of X".
func genericCountOf(op *syntax.GenericOp) (n, of syntax.Expr, ok bool) {
	if len(op.Parts) < 2 {
		return nil, nil, false
	}
	n, ok1 := op.Parts[0].(syntax.Expr)
	of, ok2 := op.Parts[1].(syntax.Expr)
	return n, of, ok1 && ok2 && n != nil && of != nil
}

// hitterName is the name top-hitters derives from an expression: a
// column's name, or the expression's text.
func hitterName(x syntax.Expr) string {
	if id, ok := x.(*syntax.Ident); ok {
		return id.Name
	}
	return syntax.Print(x)
}
