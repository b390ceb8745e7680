package check

import (
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// activityCounts checks evaluate activity_counts_metrics(IdColumn,
// TimelineColumn, Start, End, Step [, Dimension, ...]) and evaluate
// sliding_window_counts(IdColumn, TimelineColumn, Start, End,
// LookbackWindow, Bin [, Dimension, ...]). The output is the timeline
// column (each window's start), the dimensions, then count, dcount,
// new_dcount and aggregated_dcount, or Count and Dcount, as Microsoft's
// analyzer names them (the sliding_window_counts page's example shows
// "dcount", its analyzer and the queries that use it "Dcount"). kqlhunt
// runs datetime timelines; Start, End, Step and LookbackWindow must be
// constants, and Step a timespan or one of "week", "month" and "year"
// ("week" only for sliding_window_counts, whose lookback is counted in
// bins).
// https://learn.microsoft.com/kusto/query/activity-counts-metrics-plugin
// https://learn.microsoft.com/kusto/query/sliding-window-counts-plugin
func (c *checker) activityCounts(sc *scope, in plan.Node, r *row, call *syntax.CallExpr, sliding bool) plan.Node {
	name := call.Fun.Name
	fixed := 5
	if sliding {
		fixed = 6
	}
	if len(call.Args) < fixed {
		c.errorf(call.Span(), "%s", errArityRange(name, fixed, 1<<20, len(call.Args)))
		return nil
	}
	ok := true
	column := func(x syntax.Expr, what string) *plan.ColRef {
		e := c.scalar(sc, r, x)
		ref, isCol := e.(*plan.ColRef)
		switch {
		case e.Type() == schema.Unknown && isCol:
			// A column whose type the data tells (bag_unpack): the
			// plugin is checked again once the data is seen.
			return ref
		case e.Type() == schema.Unknown:
			ok = false // reported
			return nil
		case !isCol:
			c.errorf(x.Span(), "%s", errPluginColumn(name, what))
			ok = false
			return nil
		case e.Type() == schema.Dynamic:
			c.errorf(x.Span(), "%s", errType(name+"'s "+what, "a column of a type other than dynamic", e.Type()))
			ok = false
			return nil
		}
		return ref
	}
	constant := func(x syntax.Expr, what string, want ...schema.Type) plan.Expr {
		e := c.scalar(sc, r, x)
		if e.Type() == schema.Unknown {
			ok = false
			return nil
		}
		if !plan.IsConst(e) {
			c.errorf(x.Span(), "%s", errNotConstant(name+"'s "+what))
			ok = false
			return nil
		}
		for _, t := range want {
			if e.Type() == t {
				return e
			}
		}
		wants := want[0].String()
		if len(want) > 1 {
			wants += " or a string (\"week\", \"month\" or \"year\")"
		}
		c.errorf(x.Span(), "%s", errType(name+"'s "+what, wants, e.Type()))
		ok = false
		return nil
	}
	n := &plan.ActivityCounts{Input: in, Sliding: sliding}
	id := column(call.Args[0], "IdColumn")
	timeline := column(call.Args[1], "TimelineColumn")
	if timeline != nil && timeline.Type() != schema.Datetime && timeline.Type() != schema.Unknown {
		c.errorf(call.Args[1].Span(), "%s", errType(name+"'s TimelineColumn", "datetime (kqlhunt runs datetime timelines)", timeline.Type()))
		ok = false
	}
	n.Start = constant(call.Args[2], "Start", schema.Datetime)
	n.End = constant(call.Args[3], "End", schema.Datetime)
	stepArg := call.Args[4]
	if sliding {
		n.Lookback = constant(call.Args[4], "LookbackWindow", schema.Timespan)
		stepArg = call.Args[5]
	}
	what := "Step"
	if sliding {
		what = "Bin"
	}
	if step := constant(stepArg, what, schema.Timespan, schema.String); step != nil {
		if step.Type() == schema.Timespan {
			n.Step = step
		} else {
			var s string
			if k, isLiteral := step.(*plan.Const); isLiteral {
				s, _ = k.Value.(string)
			}
			switch {
			case s == "week", !sliding && (s == "month" || s == "year"):
				n.Calendar = s
			default:
				c.errorf(stepArg.Span(), "%s", errActivityCalendar(name, what, s, sliding))
				ok = false
			}
		}
	}
	for _, x := range call.Args[fixed:] {
		if d := column(x, "dimension"); d != nil {
			n.Dims = append(n.Dims, d)
		}
	}
	if !ok {
		return nil
	}
	n.ID, n.Time = id, timeline
	nm := c.newNamer()
	add := func(col string, t schema.Type) {
		n.Cols = append(n.Cols, schema.Column{Name: nm.unique(col), Type: t})
	}
	add(timeline.Name, schema.Datetime)
	for _, d := range n.Dims {
		ref := d.(*plan.ColRef)
		add(ref.Name, ref.Type())
	}
	counts := []string{"count", "dcount", "new_dcount", "aggregated_dcount"}
	if sliding {
		counts = []string{"Count", "Dcount"}
	}
	for _, col := range counts {
		add(col, schema.Long)
	}
	return n
}
