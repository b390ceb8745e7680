package check

import (
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/suggest"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// evaluate checks the plugins kqlhunt runs.
// https://learn.microsoft.com/kusto/query/evaluate-operator
func (c *checker) evaluate(sc *scope, in plan.Node, r *row, op *syntax.EvaluateOp) plan.Node {
	call, ok := op.Call.(*syntax.CallExpr)
	if !ok {
		return nil // reported by the parser
	}
	switch call.Fun.Name {
	case "bag_unpack":
		return c.bagUnpack(sc, in, r, op, call)
	case "pivot":
		return c.pivot(sc, in, r, op, call)
	case "ipv4_lookup":
		return c.ipLookup(sc, in, r, call, false)
	case "ipv6_lookup":
		return c.ipLookup(sc, in, r, call, true)
	case "dcount_intersect":
		return c.dcountIntersect(sc, in, r, call)
	case "activity_counts_metrics":
		return c.activityCounts(sc, in, r, call, false)
	case "sliding_window_counts":
		return c.activityCounts(sc, in, r, call, true)
	case "rolling_percentile":
		return c.rollingPercentile(sc, in, r, call)
	}
	c.errorf(call.Fun.Src, "%s", errUnsupportedPlugin(call.Fun.Name))
	return nil
}

// unpackHint is what the rows told of a bag_unpack: its property names
// and their types, and the rows themselves.
type unpackHint struct {
	slots   []string
	types   []schema.Type
	batches []*value.Batch
}

// bagUnpack checks evaluate bag_unpack(Column [, Prefix [, ColumnsConflict
// [, IgnoredProperties]]]) [: (Schema)]: the input's columns but Column,
// then one column per property of Column's bags, named Prefix + property
// and typed by the property's values (dynamic when they differ), in
// order of name. Without a schema the columns are known only from the
// data, so the plan is deferred.
// https://learn.microsoft.com/kusto/query/bag-unpack-plugin
func (c *checker) bagUnpack(sc *scope, in plan.Node, r *row, op *syntax.EvaluateOp, call *syntax.CallExpr) plan.Node {
	if len(call.Args) < 1 || len(call.Args) > 4 {
		c.errorf(call.Span(), "bag_unpack() expects 1 to 4 arguments, got %d", len(call.Args))
		return nil
	}
	x := c.scalar(sc, r, call.Args[0])
	source := -1
	if ref, ok := x.(*plan.ColRef); ok {
		source = ref.Index
	}
	switch t := x.Type(); t {
	case schema.Dynamic, schema.Unknown:
	case schema.String:
		// A column of JSON text, as AdditionalFields is in some
		// exports, unpacks as parsed JSON, which Kusto's analyzer allows.
		x = c.apply(funcs.Fn.ParseJSON, []plan.Expr{x}, call.Args[0].Span(), nil, "")
	default:
		c.errorf(call.Args[0].Span(), "%s", errType("the column to unpack", "dynamic", t))
		return nil
	}
	prefix, conflict := "", "error"
	ignored := map[string]bool{}
	for i, a := range call.Args[1:] {
		// Arguments may be named: columnsConflict='replace_source'.
		if named, ok := a.(*syntax.NamedExpr); ok {
			switch strings.ToLower(named.Names[0].Name) {
			case "outputcolumnprefix":
				i = 0
			case "columnsconflict":
				i = 1
			case "ignoredproperties":
				i = 2
			default:
				c.errorf(named.Names[0].Src, "%s", errUnknownArgument("bag_unpack", named.Names[0].Name))
				return nil
			}
			a = named.X
		}
		e := c.scalar(sc, nil, a)
		if !plan.IsConst(e) || e.Type() == schema.Unknown {
			if e.Type() != schema.Unknown {
				c.errorf(a.Span(), "%s", errNotConstant("a bag_unpack argument"))
			}
			return nil
		}
		k, _ := e.(*plan.Const)
		switch i {
		case 0:
			prefix, _ = k.Value.(string)
		case 1:
			conflict, _ = k.Value.(string)
			if conflict != "error" && conflict != "replace_source" && conflict != "keep_source" {
				c.errorf(a.Span(), "%s", errColumnsConflict(conflict))
				return nil
			}
		case 2:
			if arr, ok := k.Value.([]any); ok {
				for _, v := range arr {
					if s, ok := v.(string); ok {
						ignored[s] = true
					}
				}
			}
		}
	}
	// The input's columns but the unpacked one.
	n := &plan.BagUnpack{Input: in, X: x}
	for i, col := range r.cols {
		if i == source || col.Type == schema.Unknown && c.open[in] {
			continue
		}
		n.Keep = append(n.Keep, i)
		n.Slots = append(n.Slots, "")
		n.Cols = append(n.Cols, col)
	}
	if op.Schema != nil {
		declared := c.columnDecls(op.Schema)
		if !op.SchemaStar {
			n.Keep, n.Slots, n.Cols = nil, nil, nil
		}
		for _, col := range declared {
			slot := strings.TrimPrefix(col.Name, prefix)
			c.addUnpacked(n, slot, col, conflict, op)
		}
		return n
	}
	key := c.nextKey(op)
	hint, learned := c.hints[key].(*unpackHint)
	if !learned {
		d := &plan.Deferred{Input: in, Key: key, Cols: n.Cols,
			Learn: func(batches []*value.Batch, eval plan.Evaluator) (any, error) {
				return learnSlots(batches, x, eval, ignored)
			}}
		c.deferred = append(c.deferred, d)
		c.open[d] = true
		return d
	}
	n.Input = &plan.Rows{Cols: in.Schema(), Batches: hint.batches}
	for i, slot := range hint.slots {
		c.addUnpacked(n, slot, schema.Column{Name: prefix + slot, Type: hint.types[i]}, conflict, op)
	}
	return n
}

// addUnpacked adds the column of one property, resolving a clash with an
// input column as columnsConflict says.
func (c *checker) addUnpacked(n *plan.BagUnpack, slot string, col schema.Column, conflict string, op *syntax.EvaluateOp) {
	for j, have := range n.Cols {
		if have.Name != col.Name {
			continue
		}
		switch conflict {
		case "keep_source":
			return
		case "replace_source":
			n.Keep[j], n.Slots[j], n.Cols[j] = -1, slot, col
			return
		}
		c.errorf(op.Call.Span(), "%s", errUnpackConflict(col.Name))
		return
	}
	n.Keep = append(n.Keep, -1)
	n.Slots = append(n.Slots, slot)
	n.Cols = append(n.Cols, col)
}

// learnSlots finds the properties of the bags x holds, with the type of
// their values: a JSON integer is long, a number real, a string string,
// a boolean bool, and anything else, or a mix, dynamic. Nulls do not
// count.
func learnSlots(batches []*value.Batch, x plan.Expr, eval plan.Evaluator, ignored map[string]bool) (*unpackHint, error) {
	h := &unpackHint{batches: batches}
	types := map[string]schema.Type{}
	for _, b := range batches {
		col, err := eval(x, b)
		if err != nil {
			return nil, err
		}
		for i := 0; i < b.N; i++ {
			bag, ok := col.Get(i).(*value.Bag)
			if !ok {
				continue
			}
			for k, key := range bag.Keys {
				if ignored[key] {
					continue
				}
				t := jsonType(bag.Vals[k])
				have, seen := types[key]
				switch {
				case !seen:
					types[key] = t
				case t == schema.Unknown || have == t:
				case have == schema.Unknown:
					types[key] = t
				default:
					types[key] = schema.Dynamic
				}
			}
		}
	}
	for k := range types {
		h.slots = append(h.slots, k)
	}
	sort.Strings(h.slots)
	for _, k := range h.slots {
		t := types[k]
		if t == schema.Unknown {
			t = schema.Dynamic // only nulls
		}
		h.types = append(h.types, t)
	}
	return h, nil
}

// jsonType returns the type of a JSON value's column (Unknown for null).
func jsonType(v any) schema.Type {
	switch v := v.(type) {
	case nil:
		return schema.Unknown
	case string:
		return schema.String
	case bool:
		return schema.Bool
	case int64:
		return schema.Long
	case float64:
		_ = v
		return schema.Real
	}
	return schema.Dynamic
}

// pivotHint is what the rows told of a pivot: the distinct values of the
// pivot column, as column names, and the rows themselves.
type pivotHint struct {
	values  []string
	batches []*value.Batch
}

// pivot checks evaluate pivot(PivotColumn [, Aggregation(Column)] [,
// Column1, ...]): the group columns (by default every column but the
// pivot column and the aggregated one), then one column per distinct
// value of the pivot column holding the aggregation (count() by
// default) over the group's rows with that value.
// https://learn.microsoft.com/kusto/query/pivot-plugin
func (c *checker) pivot(sc *scope, in plan.Node, r *row, op *syntax.EvaluateOp, call *syntax.CallExpr) plan.Node {
	if len(call.Args) < 1 {
		c.errorf(call.Span(), "pivot() expects a pivot column")
		return nil
	}
	of := c.scalar(sc, r, call.Args[0])
	ofRef, isCol := of.(*plan.ColRef)
	if !isCol {
		if of.Type() != schema.Unknown {
			c.errorf(call.Args[0].Span(), "%s", errPivotColumn())
		}
		return nil
	}
	n := &plan.Pivot{Input: in, Of: of}
	aggType := schema.Long
	used := map[int]bool{ofRef.Index: true}
	rest := call.Args[1:]
	if len(rest) > 0 {
		if ac, ok := rest[0].(*syntax.CallExpr); ok && funcs.LookupAgg(ac.Fun.Name) != nil {
			sink := &aggSink{in: r}
			agg := sink.check(c, sc, funcs.LookupAgg(ac.Fun.Name), ac, map[string]bool{})
			if agg == nil {
				return nil
			}
			n.Agg = agg
			aggType = agg.T
			for _, a := range agg.Args {
				if ref, ok := a.(*plan.ColRef); ok {
					used[ref.Index] = true
				}
			}
			rest = rest[1:]
		}
	}
	var keyCols []schema.Column
	if len(rest) == 0 {
		for i, col := range r.cols {
			if !used[i] && !(col.Type == schema.Unknown && c.open[in]) {
				n.Keys = append(n.Keys, &plan.ColRef{Index: i, Name: col.Name, T: col.Type})
				keyCols = append(keyCols, col)
			}
		}
	}
	for _, a := range rest {
		e := c.scalar(sc, r, a)
		name, _ := exprName(a)
		n.Keys = append(n.Keys, e)
		keyCols = append(keyCols, schema.Column{Name: name, Type: e.Type()})
	}
	if op.Schema != nil {
		n.Cols = c.columnDecls(op.Schema)
		for _, col := range n.Cols[min(len(keyCols), len(n.Cols)):] {
			n.Values = append(n.Values, col.Name)
		}
		return n
	}
	key := c.nextKey(op)
	hint, learned := c.hints[key].(*pivotHint)
	if !learned {
		d := &plan.Deferred{Input: in, Key: key, Cols: keyCols,
			Learn: func(batches []*value.Batch, _ plan.Evaluator) (any, error) {
				return learnPivotValues(batches, ofRef.Index, ofRef.T), nil
			}}
		c.deferred = append(c.deferred, d)
		c.open[d] = true
		return d
	}
	n.Input = &plan.Rows{Cols: in.Schema(), Batches: hint.batches}
	n.Values = hint.values
	n.Cols = append(n.Cols, keyCols...)
	nm := c.newNamer()
	for _, col := range keyCols {
		nm.reserve(col.Name)
	}
	for _, v := range hint.values {
		n.Cols = append(n.Cols, schema.Column{Name: nm.unique(v), Type: aggType})
	}
	return n
}

// learnPivotValues returns the distinct values of column of, as text,
// in order of first appearance.
func learnPivotValues(batches []*value.Batch, of int, t schema.Type) *pivotHint {
	h := &pivotHint{batches: batches}
	seen := map[string]bool{}
	for _, b := range batches {
		col := b.Cols[of]
		for i := 0; i < b.N; i++ {
			s := funcs.ToString(t, col.Get(i))
			if !seen[s] {
				seen[s] = true
				h.values = append(h.values, s)
			}
		}
	}
	return h
}

// ipLookup checks evaluate ipv4_lookup(LookupTable, SourceIPv4Key,
// IPv4LookupKey [, ExtraKey, ...] [, return_unmatched]): the input's rows
// joined with the lookup rows whose IPv4 range holds the source address
// (and whose extra key columns are equal), the lookup table's columns
// after the input's, but for the extra keys, which the input's stand for
// (as the page's last example shows them); and evaluate
// ipv6_lookup(LookupTable, SourceIPv6Key, IPv6LookupKey
// [, return_unmatched]), the same over IPv6 ranges (an IPv4 address is
// its IPv4-mapped IPv6 address), whose output puts the lookup table's
// columns first, as the page's examples show.
// https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin
// https://learn.microsoft.com/kusto/query/ipv6-lookup-plugin
func (c *checker) ipLookup(sc *scope, in plan.Node, r *row, call *syntax.CallExpr, v6 bool) plan.Node {
	name := call.Fun.Name
	maxArgs := 1 << 20
	if v6 {
		maxArgs = 4
	}
	if len(call.Args) < 3 || len(call.Args) > maxArgs {
		c.errorf(call.Span(), "%s", errArityRange(name, 3, maxArgs, len(call.Args)))
		return nil
	}
	right := c.tabular(sc, call.Args[0])
	if right == nil {
		return nil
	}
	rr := newRow(right.Schema())
	n := &plan.IPLookup{Left: in, Right: right, V6: v6}
	column := func(x syntax.Expr, row *row, side string) (plan.Expr, bool) {
		id, ok := x.(*syntax.Ident)
		if !ok {
			c.errorf(x.Span(), "%s", errExpectedColumn(name))
			return nil, false
		}
		i, ok := row.index[id.Name]
		if !ok {
			c.errorf(id.Src, "%s", errJoinColumn(side, id.Name, suggest.Name(id.Name, row.names())))
			return nil, false
		}
		return &plan.ColRef{Index: i, Name: id.Name, T: row.cols[i].Type, Src: id.Src}, true
	}
	var ok bool
	if n.LeftKey, ok = column(call.Args[1], r, "left"); !ok {
		return nil
	}
	if n.RightKey, ok = column(call.Args[2], rr, "right"); !ok {
		return nil
	}
	extra := call.Args[3:]
	if len(extra) > 0 {
		last := extra[len(extra)-1]
		if named, ok := last.(*syntax.NamedExpr); ok && len(named.Names) == 1 && named.Names[0].Name == "return_unmatched" {
			last = named.X
		}
		if _, isName := last.(*syntax.Ident); isName {
			// An extra key column, not the flag.
		} else if e := c.scalar(sc, nil, last); e.Type() == schema.Bool {
			k, isConst := e.(*plan.Const)
			if !isConst {
				c.errorf(extra[len(extra)-1].Span(), "%s", errNotConstant("return_unmatched"))
				return nil
			}
			n.Unmatched, _ = k.Value.(bool)
			extra = extra[:len(extra)-1]
		}
	}
	for _, x := range extra {
		l, ok1 := column(x, r, "left")
		rk, ok2 := column(x, rr, "right")
		if !ok1 || !ok2 {
			return nil
		}
		n.ExtraLeft = append(n.ExtraLeft, l)
		n.ExtraRight = append(n.ExtraRight, rk)
	}
	extraRight := map[int]bool{}
	for _, e := range n.ExtraRight {
		extraRight[e.(*plan.ColRef).Index] = true
	}
	nm := c.newNamer()
	left := func() {
		for i, col := range r.cols {
			n.Out = append(n.Out, plan.JoinCol{Index: i})
			n.Cols = append(n.Cols, schema.Column{Name: nm.unique(col.Name), Type: col.Type})
		}
	}
	if !v6 {
		left()
	}
	for i, col := range rr.cols {
		if extraRight[i] {
			continue
		}
		n.Out = append(n.Out, plan.JoinCol{Right: true, Index: i})
		n.Cols = append(n.Cols, schema.Column{Name: nm.unique(col.Name), Type: col.Type})
	}
	if v6 {
		left()
	}
	return n
}
