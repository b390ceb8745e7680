package check

import (
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// makeSeries checks make-series.
// https://learn.microsoft.com/kusto/query/make-series-operator
func (c *checker) makeSeries(sc *scope, in plan.Node, r *row, op *syntax.MakeSeriesOp) plan.Node {
	c.errorf(op.Span(), "%s", errUnsupportedOperator(op.Name()))
	return nil
}
