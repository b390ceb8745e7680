package check

import (
	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// rangeOp checks range Col from A to B step S: constant bounds (or
// toscalar() subqueries) of one
// numeric, datetime or timespan type, and a step that adds to them.
// https://learn.microsoft.com/kusto/query/range-operator
func (c *checker) rangeOp(sc *scope, op *syntax.RangeOp) plan.Node {
	from := c.scalar(sc, nil, op.From)
	to := c.scalar(sc, nil, op.To)
	step := c.scalar(sc, nil, op.Step)
	for _, e := range []struct {
		x syntax.Expr
		e plan.Expr
	}{{op.From, from}, {op.To, to}, {op.Step, step}} {
		// toscalar() is a constant here, as in Kusto (the toscalar()
		// reference example's range z from Start to End step Step).
		if e.e.Type() != schema.Unknown && !plan.RowFree(e.e) {
			c.errorf(e.x.Span(), "%s", errNotConstant("a range bound"))
		}
	}
	ft, tt, st := from.Type(), to.Type(), step.Type()
	if ft == schema.Unknown || tt == schema.Unknown || st == schema.Unknown {
		return nil
	}
	var t schema.Type
	switch {
	case ft.IsNumeric() && tt.IsNumeric() && st.IsNumeric():
		t = funcs.Promote([]schema.Type{ft, tt, st})
		if t == schema.Decimal {
			t = schema.Real
		}
	case ft == schema.Datetime && tt == schema.Datetime && st == schema.Timespan,
		ft == schema.Timespan && tt == schema.Timespan && st == schema.Timespan:
		t = ft
	default:
		c.errorf(op.Span(), "%s", errRangeTypes(ft, tt, st))
		return nil
	}
	cast := func(e plan.Expr) plan.Expr {
		if e.Type() != t && e.Type() != schema.Timespan {
			return &plan.Cast{X: e, T: t}
		}
		return e
	}
	return &plan.Range{From: cast(from), To: cast(to), Step: cast(step),
		Cols: []schema.Column{{Name: op.Col.Name, Type: t}}}
}
