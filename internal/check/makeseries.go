package check

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// seriesAggs are the aggregations make-series supports, as its reference
// page lists them: those with one numeric result.
var seriesAggs = []string{"avg", "avgif", "count", "countif", "dcount", "dcountif", "max", "maxif",
	"min", "minif", "percentile", "stdev", "sum", "sumif", "take_any", "variance"}

func isSeriesAgg(name string) bool {
	for _, n := range seriesAggs {
		if n == name {
			return true
		}
	}
	return false
}

// makeSeries checks make-series. The result's columns are the by keys,
// one dynamic array per aggregation, then the axis as a dynamic array;
// their names follow summarize's rules, in that order.
// https://learn.microsoft.com/kusto/query/make-series-operator
func (c *checker) makeSeries(sc *scope, in plan.Node, r *row, op *syntax.MakeSeriesOp) plan.Node {
	ms := &plan.MakeSeries{Input: in}
	if kind := op.Option("kind"); kind != nil {
		switch text := strings.ToLower(optionText(kind)); text {
		case "nonempty":
			ms.NonEmpty = true
		default:
			c.errorf(kind.Span(), "%s", errSeriesKind(text))
		}
	}
	nm := c.newNamer()
	var keyCols []schema.Column
	for _, item := range op.By {
		names, x := named(item)
		e := c.scalar(sc, r, x)
		name := nm.name(names, x)
		if e.Type() == schema.Dynamic {
			c.errorf(x.Span(), "%s", errGroupByDynamic(name))
		}
		ms.Keys = append(ms.Keys, e)
		keyCols = append(keyCols, schema.Column{Name: name, Type: e.Type()})
	}
	ms.Cols = append(ms.Cols, keyCols...)

	// Aggregations: the sink collects the aggregate calls; each series
	// value is an expression over the cell row (keys, then aggregates).
	post := newRow(keyCols)
	post.aggOnly = r
	sink := &aggSink{in: r, first: len(ms.Keys)}
	for _, a := range op.Aggs {
		names, x := named(a.X)
		if len(names) > 1 {
			c.errorf(a.X.Span(), "only one name can be assigned to this expression")
		}
		before := len(sink.aggs)
		var e plan.Expr
		var name string
		if call, ok := x.(*syntax.CallExpr); ok && sc.lookup(call.Fun.Name) == nil && funcs.LookupAgg(call.Fun.Name) != nil {
			// A bare aggregation: named as summarize names it.
			fn := funcs.LookupAgg(call.Fun.Name)
			if !isSeriesAgg(fn.Name) {
				c.errorf(call.Fun.Src, "%s", errSeriesAggregate(fn.Name))
				continue
			}
			ac := sink.check(c, sc, fn, call, nil)
			if ac == nil {
				continue
			}
			if len(aggOutputTypes(ac)) != 1 {
				c.errorf(call.Span(), "%s", errSeriesAggregate(fn.Name))
				continue
			}
			e = &plan.ColRef{Index: sink.first + len(sink.outs), Name: fn.Name, T: ac.T, Src: call.Span()}
			sink.aggs = append(sink.aggs, ac)
			sink.outs = append(sink.outs, schema.Column{Type: ac.T})
			if auto := fn.OutputNames(aggArgs(call, ac)); len(names) == 0 && len(auto) > 0 && auto[0] != "" {
				name = nm.unique(auto[0])
			}
		} else {
			if id, ok := x.(*syntax.Ident); ok {
				if _, isKey := post.index[id.Name]; !isKey {
					if _, isInput := r.index[id.Name]; isInput {
						c.errorf(x.Span(), "%s", errSeriesNotAggregate(id.Name))
						continue
					}
				}
			}
			saved := c.sink
			c.sink = sink
			e = c.scalar(sc, post, x)
			c.sink = saved
			// A constant (other=-1) is a value every bin with rows
			// takes, as the make-series page shows; anything else
			// must aggregate.
			if len(sink.aggs) == before && e.Type() != schema.Unknown && !plan.IsConst(e) {
				c.errorf(x.Span(), "%s", errSeriesNotAggregate(syntax.Print(x)))
				continue
			}
			for _, ac := range sink.aggs[before:] {
				if !isSeriesAgg(ac.Fn.Name) {
					c.errorf(ac.Src, "%s", errSeriesAggregate(ac.Fn.Name))
				}
			}
		}
		switch {
		case len(names) > 0:
			name = nm.own(names[0].Name, names[0].Src)
		case name == "":
			name = nm.auto()
		}
		if t := e.Type(); t != schema.Unknown && !t.IsNumeric() && t != schema.Timespan && t != schema.Datetime {
			c.errorf(x.Span(), "%s", errType("a make-series aggregation", "a number, a timespan or a datetime", t))
		}
		ms.Values = append(ms.Values, e)
		ms.Defaults = append(ms.Defaults, c.seriesDefault(sc, r, a.Default, e.Type()))
		ms.Cols = append(ms.Cols, schema.Column{Name: name, Type: schema.Dynamic})
	}
	ms.Aggs = sink.aggs

	names, x := named(op.On)
	ms.Axis = c.scalar(sc, r, x)
	if ms.Axis.Type() == schema.Decimal {
		// The axis is a dynamic array, which holds no decimal: a decimal
		// axis is computed in reals.
		ms.Axis = &plan.Cast{X: ms.Axis, T: schema.Real}
	}
	axisName := nm.name(names, x)
	ms.Cols = append(ms.Cols, schema.Column{Name: axisName, Type: schema.Dynamic})
	c.seriesRange(sc, r, op, ms)
	return ms
}

// seriesDefault checks the default= of an aggregation: a constant,
// converted to the aggregation's type where that widens it (0 for avg is
// 0.0), boxed as a dynamic value. It is 0 when not given.
func (c *checker) seriesDefault(sc *scope, r *row, x syntax.Expr, t schema.Type) any {
	if x == nil {
		if t == schema.Timespan {
			return funcs.ToDynamic(t, int64(0))
		}
		if t == schema.Real || t == schema.Decimal {
			return 0.0
		}
		return int64(0)
	}
	e := c.scalar(sc, r, x)
	k, ok := e.(*plan.Const)
	if !ok {
		if e.Type() != schema.Unknown {
			c.errorf(x.Span(), "%s", errNotConstant("the default value of a make-series aggregation"))
		}
		return nil
	}
	v := k.Value
	if v != nil && k.T != t && funcs.ConvertsTo(k.T, t) && t != schema.Unknown {
		if cv, ok := funcs.Convert(k.T, t, v); ok {
			return funcs.ToDynamic(t, cv)
		}
	}
	return funcs.ToDynamic(k.T, v)
}

// seriesRange checks the axis, the range and the step: from and to must
// have the axis type, the step must be a timespan for a datetime or
// timespan axis and a number for a numeric one, and all must be
// constants. A numeric range with a real anywhere is computed in reals.
func (c *checker) seriesRange(sc *scope, r *row, op *syntax.MakeSeriesOp, ms *plan.MakeSeries) {
	from, to, step := op.From, op.To, op.Step
	if op.HasRangeKeyword {
		ms.InRange = true
		if len(op.InRange) != 3 {
			at := op.On.Span()
			if k := len(op.InRange); k > 0 {
				at = syntax.Span{Start: op.InRange[0].Span().Start, End: op.InRange[k-1].Span().End}
			}
			c.errorf(at, "%s", errSeriesInRange(len(op.InRange)))
			return
		}
		from, to, step = op.InRange[0], op.InRange[1], op.InRange[2]
	}
	axisT := ms.Axis.Type()
	switch {
	case axisT == schema.Unknown:
	case axisT == schema.Datetime, axisT == schema.Timespan, axisT.IsNumeric():
	default:
		c.errorf(op.On.Span(), "%s", errType("the make-series axis", "a datetime, a timespan or a number", axisT))
		axisT = schema.Unknown
	}
	bound := func(x syntax.Expr, what string) plan.Expr {
		if x == nil {
			return nil
		}
		e := c.scalar(sc, r, x)
		t := e.Type()
		if t == schema.Unknown || axisT == schema.Unknown {
			return e
		}
		if !plan.IsConst(e) {
			c.errorf(x.Span(), "%s", errNotConstant(what))
		}
		if axisT.IsNumeric() && t.IsNumeric() || t == axisT {
			return e
		}
		if t == schema.Dynamic || funcs.ConvertsTo(t, axisT) {
			return &plan.Cast{X: e, T: axisT}
		}
		c.errorf(x.Span(), "%s", errType(what, "a "+axisT.String(), t))
		return e
	}
	ms.From = bound(from, "the start of the make-series range")
	ms.To = bound(to, "the end of the make-series range")
	if step == nil {
		return // the parser reported it
	}
	ms.Step = c.scalar(sc, r, step)
	st := ms.Step.Type()
	switch {
	case st == schema.Unknown || axisT == schema.Unknown:
	case !plan.IsConst(ms.Step):
		c.errorf(step.Span(), "%s", errNotConstant("the make-series step"))
	case axisT == schema.Datetime || axisT == schema.Timespan:
		if st != schema.Timespan {
			c.errorf(step.Span(), "%s", errType("the step of a "+axisT.String()+" make-series axis", "a timespan", st))
		}
	case !st.IsNumeric():
		c.errorf(step.Span(), "%s", errType("the step of a numeric make-series axis", "a number", st))
	}
	if !axisT.IsNumeric() {
		return
	}
	// Numeric axes: integers when every part is an integer, else reals.
	real := !axisT.IsInteger() || !st.IsInteger()
	for _, e := range []plan.Expr{ms.From, ms.To} {
		if e != nil && !e.Type().IsInteger() {
			real = true
		}
	}
	want := schema.Long
	if real {
		want = schema.Real
	}
	conv := func(e plan.Expr) plan.Expr {
		if e == nil || e.Type() == want || e.Type() == schema.Unknown {
			return e
		}
		return &plan.Cast{X: e, T: want}
	}
	ms.Axis, ms.From, ms.To, ms.Step = conv(ms.Axis), conv(ms.From), conv(ms.To), conv(ms.Step)
}
