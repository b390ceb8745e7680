package check

import (
	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// windowFuncs are the functions of the row order, with their argument
// counts (least, most) and result type (Unknown: the first argument's).
// https://learn.microsoft.com/kusto/query/window-functions
var windowFuncs = map[string]struct {
	min, max int
	result   schema.Type
}{
	"row_number":     {0, 2, schema.Long},
	"prev":           {1, 3, schema.Unknown},
	"next":           {1, 3, schema.Unknown},
	"row_cumsum":     {1, 2, schema.Unknown},
	"row_rank_dense": {1, 2, schema.Long},
	"row_rank_min":   {1, 2, schema.Long},
	// https://learn.microsoft.com/kusto/query/row-window-session-function
	"row_window_session": {3, 4, schema.Unknown},
}

// windowSink collects the window function calls of one operator; each
// becomes a column appended to its input, after the first base columns.
type windowSink struct {
	base  int
	calls []plan.WindowCall
}

// special checks the functions that read the row or the row order rather
// than values: column_ifexists, pack_all, bag_pack_columns and the window
// functions. ok is false for other functions.
func (c *checker) special(sc *scope, r *row, x *syntax.CallExpr) (e plan.Expr, ok bool) {
	name := x.Fun.Name
	switch name {
	case "column_ifexists", "columnifexists":
		return c.columnIfExists(sc, r, x), true
	case "pack_all":
		return c.packAll(sc, r, x), true
	case "bag_pack_columns":
		return c.packColumns(sc, r, x), true
	}
	w, isWindow := windowFuncs[name]
	if !isWindow {
		return nil, false
	}
	if len(x.Args) < w.min || len(x.Args) > w.max {
		c.errorf(x.Span(), "%s", errArityRange(name, w.min, w.max, len(x.Args)))
		return unknown(x), true
	}
	if c.win == nil {
		c.errorf(x.Fun.Src, "%s", errWindowContext(name))
		return unknown(x), true
	}
	call := plan.WindowCall{Name: name, T: w.result}
	for i, a := range x.Args {
		arg := c.scalar(sc, r, a)
		if arg.Type() == schema.Unknown {
			return unknown(x), true
		}
		isRestart := i == len(x.Args)-1 && i > 0 && (name == "row_number" || name == "row_cumsum" || name == "row_rank_dense" || name == "row_rank_min") ||
			name == "row_window_session" && i == 3
		switch {
		case name == "row_window_session" && i == 0:
			if arg.Type() != schema.Datetime {
				c.errorf(a.Span(), "%s", errType(name+"(): argument 1", "datetime", arg.Type()))
				return unknown(x), true
			}
		case name == "row_window_session" && (i == 1 || i == 2):
			if arg.Type() != schema.Timespan {
				c.errorf(a.Span(), "%s", errType(name+"(): argument "+string(rune('1'+i)), "timespan", arg.Type()))
				return unknown(x), true
			}
		case isRestart:
			if arg.Type() != schema.Bool {
				c.errorf(a.Span(), "%s", errType(name+"(): the restart argument", "bool", arg.Type()))
				return unknown(x), true
			}
		case (name == "prev" || name == "next") && i == 1, name == "row_number" && i == 0:
			if !arg.Type().IsInteger() {
				c.errorf(a.Span(), "%s", errType(name+"(): argument "+string(rune('1'+i)), "an integer", arg.Type()))
				return unknown(x), true
			}
		case name == "row_cumsum" && i == 0:
			if !arg.Type().IsNumeric() && arg.Type() != schema.Timespan {
				c.errorf(a.Span(), "%s", errType("row_cumsum(): the term", "a number", arg.Type()))
				return unknown(x), true
			}
		}
		call.Args = append(call.Args, arg)
	}
	if call.T == schema.Unknown {
		call.T = call.Args[0].Type()
		if name == "row_cumsum" && call.T == schema.Int {
			call.T = schema.Long
		}
	}
	if (name == "prev" || name == "next") && len(call.Args) == 3 && call.Args[2].Type() != call.T {
		// The default converts to the column's type as to*() would
		// (Kusto's analyzer accepts any scalar there).
		call.Args[2] = &plan.Cast{X: call.Args[2], T: call.T}
	}
	i := c.win.base + len(c.win.calls)
	c.win.calls = append(c.win.calls, call)
	return &plan.ColRef{Index: i, Name: name, T: call.T, Src: x.Span()}, true
}

// columnIfExists checks column_ifexists(Name, Default): the column Name
// when the row has it, else Default; its type is Default's.
// https://learn.microsoft.com/kusto/query/column-ifexists-function
func (c *checker) columnIfExists(sc *scope, r *row, x *syntax.CallExpr) plan.Expr {
	if len(x.Args) != 2 {
		c.errorf(x.Span(), "%s", errArity(x.Fun.Name, 2, len(x.Args)))
		return unknown(x)
	}
	nameExpr := c.scalar(sc, nil, x.Args[0])
	k, ok := nameExpr.(*plan.Const)
	name, isString := "", false
	if ok {
		name, isString = k.Value.(string)
	}
	if !isString {
		if nameExpr.Type() != schema.Unknown {
			c.errorf(x.Args[0].Span(), "%s", errNotConstant(x.Fun.Name+"(): the column name"))
		}
		return unknown(x)
	}
	def := c.scalar(sc, r, x.Args[1])
	if r != nil {
		if i, ok := r.index[name]; ok {
			var col plan.Expr = &plan.ColRef{Index: i, Name: name, T: r.cols[i].Type, Src: x.Args[0].Span()}
			if t := def.Type(); t != r.cols[i].Type && t != schema.Unknown && funcs.ConvertsTo(r.cols[i].Type, t) {
				col = &plan.Cast{X: col, T: t}
			}
			return col
		}
	}
	return def
}

// packAll checks pack_all([IgnoreNullEmpty]): a bag of the row's columns.
// https://learn.microsoft.com/kusto/query/pack-all-function
func (c *checker) packAll(sc *scope, r *row, x *syntax.CallExpr) plan.Expr {
	if len(x.Args) > 1 {
		c.errorf(x.Span(), "%s", errArityRange("pack_all", 0, 1, len(x.Args)))
		return unknown(x)
	}
	fn := funcs.Fn.BagPack
	if len(x.Args) == 1 {
		v := c.scalar(sc, nil, x.Args[0])
		k, isConst := v.(*plan.Const)
		if !isConst || v.Type() != schema.Bool {
			c.errorf(x.Args[0].Span(), "%s", errType("pack_all(): the argument", "a bool literal", v.Type()))
			return unknown(x)
		}
		if b, _ := k.Value.(bool); b {
			fn = funcs.Fn.PackNonEmpty
		}
	}
	if r == nil {
		c.errorf(x.Span(), "%s", errNoRow("pack_all"))
		return unknown(x)
	}
	var args []plan.Expr
	for i, col := range r.cols {
		if col.Type == schema.Unknown {
			continue
		}
		args = append(args, &plan.Const{Value: col.Name, T: schema.String, Src: x.Span()},
			&plan.ColRef{Index: i, Name: col.Name, T: col.Type, Src: x.Span()})
	}
	if len(args) == 0 {
		return &plan.Const{Value: nil, T: schema.Dynamic, Src: x.Span()}
	}
	return c.apply(fn, args, x.Span(), nil, "")
}

// packColumns checks bag_pack_columns(Column, ...): a bag of the named
// columns.
// https://learn.microsoft.com/kusto/query/bag-pack-columns-function
func (c *checker) packColumns(sc *scope, r *row, x *syntax.CallExpr) plan.Expr {
	var args []plan.Expr
	for _, a := range x.Args {
		id, ok := a.(*syntax.Ident)
		if !ok {
			c.errorf(a.Span(), "%s", errExpectedColumn("bag_pack_columns"))
			return unknown(x)
		}
		args = append(args, &plan.Const{Value: id.Name, T: schema.String, Src: id.Src}, c.scalar(sc, r, a))
	}
	if len(args) == 0 {
		c.errorf(x.Span(), "%s", errArityRange("bag_pack_columns", 1, 1<<20, 0))
		return unknown(x)
	}
	return c.apply(funcs.Fn.BagPack, args, x.Span(), nil, "")
}
