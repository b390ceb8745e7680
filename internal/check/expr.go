package check

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/suggest"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// unknown stands for an expression that failed to check; its type is
// Unknown, which silences follow-on type errors.
func unknown(x syntax.Node) plan.Expr {
	return &plan.Const{T: schema.Unknown, Src: x.Span()}
}

// any checks x, which may be tabular or scalar, in the columns of r (nil
// outside an operator). Exactly one result is non-nil unless x failed.
func (c *checker) any(sc *scope, r *row, x syntax.Expr) (plan.Node, plan.Expr) {
	c.enter(x)
	defer c.leave()
	switch x := x.(type) {
	case *syntax.PipeExpr:
		return c.pipe(sc, x), nil
	case *syntax.DatatableExpr:
		return c.datatable(sc, x), nil
	case *syntax.OperatorExpr:
		return c.source(sc, x), nil
	case *syntax.ExternalDataExpr:
		return c.externalData(x), nil
	case *syntax.CommandExpr:
		c.errorf(x.Src, "%s", errCommand())
		return nil, nil
	case *syntax.MaterializeExpr:
		node := c.tabular(sc, x.X)
		if node == nil {
			return nil, nil
		}
		if c.open[node] {
			return node, nil
		}
		return &plan.Cache{Input: node, Cols: node.Schema()}, nil
	case *syntax.ToScalarExpr:
		if x.Table {
			return c.tabular(sc, x.X), nil
		}
		node, e := c.any(sc, nil, x.X)
		if node == nil && e != nil {
			// toscalar(expr) of a scalar computes it once for the whole
			// query (toscalar(new_guid()) is one guid in every row), as
			// the subquery print x = expr would.
			// https://learn.microsoft.com/kusto/query/toscalar-function
			if e.Type() == schema.Unknown {
				return nil, e
			}
			// A function body's toscalar() met again, through another
			// call of the function with the same arguments, is the same
			// value: the named-expressions page's let y = ()
			// {toscalar(rand(1000))}; print y, y prints one number twice.
			// https://learn.microsoft.com/kusto/query/named-expressions
			key := scalarOnceKey{x, plan.FormatExpr(e)}
			if once, ok := c.scalarOnce[key]; ok {
				return nil, once
			}
			node = &plan.Project{Input: &plan.Values{Rows: [][]plan.Expr{{}}},
				Cols: []schema.Column{{Name: "print_0", Type: e.Type()}}, Exprs: []plan.Expr{e}}
			once := c.subquery(node, false, x.Span())
			if c.scalarOnce == nil {
				c.scalarOnce = map[scalarOnceKey]plan.Expr{}
			}
			c.scalarOnce[key] = once
			return nil, once
		}
		if node == nil {
			return nil, nil
		}
		return nil, c.subquery(node, false, x.Span())
	case *syntax.ParenExpr:
		return c.any(sc, r, x.X)
	case *syntax.Ident:
		return c.ident(sc, r, x)
	case *syntax.CallExpr:
		return c.call(sc, r, x)
	}
	return nil, c.expr(sc, r, x)
}

// scalar checks a scalar expression.
func (c *checker) scalar(sc *scope, r *row, x syntax.Expr) plan.Expr {
	node, e := c.any(sc, r, x)
	if node != nil {
		c.errorf(x.Span(), "%s", errNotScalar("a table"))
		return unknown(x)
	}
	if e == nil {
		return unknown(x)
	}
	return e
}

// spacedDate matches a date written yyyy - MM - dd, spaces around the
// dashes; spacedDash is one of those dashes with its spaces.
var (
	spacedDate = regexp.MustCompile(`^[0-9]{4}\s*-\s*[0-9]{1,2}\s*-\s*[0-9]{1,2}(\s|$)`)
	spacedDash = regexp.MustCompile(`\s*-\s*`)
)

// scalarOnceKey identifies a toscalar() of a scalar: its syntax and the
// text of its checked argument.
type scalarOnceKey struct {
	x    *syntax.ToScalarExpr
	text string
}

// tabular checks a tabular expression.
func (c *checker) tabular(sc *scope, x syntax.Expr) plan.Node {
	node, e := c.any(sc, nil, x)
	if node == nil && e != nil && e.Type() != schema.Unknown {
		c.errorf(x.Span(), "%s", errNotTabular())
	}
	return node
}

func (c *checker) ident(sc *scope, r *row, x *syntax.Ident) (plan.Node, plan.Expr) {
	if r != nil {
		if i, ok := r.index[x.Name]; ok {
			return nil, &plan.ColRef{Index: i, Name: x.Name, T: r.cols[i].Type, Src: x.Src}
		}
	}
	if b := sc.lookup(x.Name); b != nil {
		switch b.kind {
		case bindScalar:
			c.scalarUses++
			return nil, b.expr
		case bindTable:
			return b.node, nil
		case bindFunc:
			if b.view {
				return c.expand(sc, r, b, nil, x.Src)
			}
			c.errorf(x.Src, "function '%s' needs its arguments: %s(...)", x.Name, x.Name)
			return nil, nil
		}
	}
	if t := c.cat.Table(x.Name); t != nil {
		return c.scan(t, x.Src), nil
	}
	if r != nil && r.open {
		// A column the data may bring; its type is known once it is seen.
		i := len(r.cols)
		r.cols = append(r.cols, schema.Column{Name: x.Name, Type: schema.Unknown})
		r.index[x.Name] = i
		return nil, &plan.ColRef{Index: i, Name: x.Name, T: schema.Unknown, Src: x.Src}
	}
	if r != nil {
		if r.aggOnly != nil {
			if _, ok := r.aggOnly.index[x.Name]; ok {
				c.errorf(x.Src, "%s", errOutsideAggregate(x.Name))
				return nil, nil
			}
		}
		c.errorf(x.Src, "%s", errUnknownColumn(x.Name, suggest.Name(x.Name, append(r.names(), sc.all()...))))
		return nil, nil
	}
	candidates := sc.all()
	if c.cat != nil {
		candidates = append(candidates, c.cat.Names()...)
	}
	c.errorf(x.Src, "%s", errUnknownTable(x.Name, suggest.Name(x.Name, candidates)))
	return nil, nil
}

// scan reads all columns of t, without the rows its exclusions drop; the
// column-pruning rewrite narrows it.
func (c *checker) scan(t *schema.Table, sp syntax.Span) plan.Node {
	c.tables[t.Name] = true
	cols := make([]int, len(t.Columns))
	for i := range cols {
		cols[i] = i
	}
	return c.exclude(&plan.Scan{Table: t, Cols: cols, Src: sp})
}

func (c *checker) expr(sc *scope, r *row, x syntax.Expr) plan.Expr {
	switch x := x.(type) {
	case *syntax.Literal:
		return c.literal(x)
	case *syntax.DynamicLit:
		v, ok := c.dynamicValue(x.Value)
		if !ok {
			return unknown(x)
		}
		return &plan.Const{Value: v, T: schema.Dynamic, Src: x.Src}
	case *syntax.UnaryExpr:
		return c.unary(sc, r, x)
	case *syntax.BinaryExpr:
		return c.binary(sc, r, x)
	case *syntax.InExpr:
		return c.in(sc, r, x)
	case *syntax.BetweenExpr:
		return c.between(sc, r, x)
	case *syntax.MemberExpr:
		if x.Call != nil { // x.f(...), which only entity paths have
			c.errorf(x.Call.Span(), "%s", errMemberCall(x.Call.Fun.Name))
			return unknown(x)
		}
		base := c.scalar(sc, r, x.X)
		key := &plan.Const{Value: x.Name.Name, T: schema.String, Src: x.Name.Src}
		return c.access(base, key, x)
	case *syntax.IndexExpr:
		base := c.scalar(sc, r, x.X)
		idx := c.scalar(sc, r, x.Index)
		return c.access(base, idx, x)
	case *syntax.StarExpr:
		c.errorf(x.Src, "%s", errStar())
	case *syntax.NamedExpr:
		c.errorf(x.Span(), "unexpected assignment to '%s' here", x.Names[0].Name)
	case *syntax.FuncLit:
		c.errorf(x.Src, "a function literal can only be bound with let")
	case *syntax.BadExpr:
		// The parser reported it.
	default:
		c.errorf(x.Span(), "unexpected expression")
	}
	return unknown(x)
}

// access reads a property (string key) or element (integer index) of a
// dynamic value.
func (c *checker) access(base, key plan.Expr, x syntax.Expr) plan.Expr {
	if base.Type() == schema.Unknown || key.Type() == schema.Unknown {
		return unknown(x)
	}
	if base.Type() != schema.Dynamic {
		c.errorf(x.Span(), "cannot access a member of a value of type %s; only dynamic values have members", base.Type())
		return unknown(x)
	}
	fn := funcs.Op.Member
	if key.Type().IsInteger() {
		fn = funcs.Op.Index
	}
	return c.apply(fn, []plan.Expr{base, key}, x.Span(), nil, "")
}

func (c *checker) literal(x *syntax.Literal) plan.Expr {
	k := func(t schema.Type, v any) plan.Expr { return &plan.Const{Value: v, T: t, Src: x.Src} }
	types := map[syntax.LitKind]schema.Type{
		syntax.LitString: schema.String, syntax.LitLong: schema.Long, syntax.LitInt: schema.Int,
		syntax.LitReal: schema.Real, syntax.LitDecimal: schema.Decimal, syntax.LitBool: schema.Bool,
		syntax.LitDatetime: schema.Datetime, syntax.LitTimespan: schema.Timespan, syntax.LitGuid: schema.Guid,
		syntax.LitNull: schema.Dynamic,
	}
	t := types[x.Kind]
	if x.Null || x.Kind == syntax.LitNull {
		return k(t, nil)
	}
	switch x.Kind {
	case syntax.LitString:
		return k(t, x.Text)
	case syntax.LitLong, syntax.LitInt:
		n, err := strconv.ParseInt(strings.TrimSpace(x.Text), 0, 64)
		if err != nil {
			if f, ferr := strconv.ParseFloat(x.Text, 64); ferr == nil && x.Kind == syntax.LitLong {
				return k(schema.Real, f)
			}
			c.errorf(x.Src, "%s", errBadLiteral(t.String(), x.Text))
			return unknown(x)
		}
		if x.Kind == syntax.LitInt && (n > math.MaxInt32 || n < math.MinInt32) {
			c.errorf(x.Src, "%s", errBadLiteral("int", x.Text))
		}
		return k(t, n)
	case syntax.LitDecimal:
		// decimal(1.5), decimal(1e5): held exactly, as .NET's decimal
		// (96-bit mantissa, scale 0 to 28).
		// https://learn.microsoft.com/kusto/query/scalar-data-types/decimal
		d, ok := value.ParseDecimal(strings.TrimSuffix(strings.TrimSpace(x.Text), "."))
		if !ok {
			c.errorf(x.Src, "%s", errBadLiteral(t.String(), x.Text))
			return unknown(x)
		}
		return k(t, d)
	case syntax.LitReal:
		text := strings.TrimSuffix(strings.TrimSpace(x.Text), ".")
		switch strings.ToLower(text) {
		case "nan":
			return k(t, math.NaN())
		case "+inf", "inf":
			return k(t, math.Inf(1))
		case "-inf":
			return k(t, math.Inf(-1))
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			c.errorf(x.Src, "%s", errBadLiteral(t.String(), x.Text))
			return unknown(x)
		}
		return k(t, f)
	case syntax.LitBool:
		switch strings.ToLower(strings.TrimSpace(x.Text)) {
		case "true", "1":
			return k(t, true)
		case "false", "0":
			return k(t, false)
		}
		c.errorf(x.Src, "%s", errBadLiteral("bool", x.Text))
		return unknown(x)
	case syntax.LitDatetime:
		text := unquote(strings.TrimSpace(x.Text))
		if text == "" {
			return c.apply(funcs.Fn.Now, nil, x.Src, nil, "")
		}
		d, ok := value.ParseDatetime(text)
		if !ok && spacedDate.MatchString(text) {
			// datetime(2017 - 08 - 01), as the sliding_window_counts page
			// writes it: .NET reads the date with spaces around the dashes.
			d, ok = value.ParseDatetime(spacedDash.ReplaceAllString(text, "-"))
		}
		if !ok && strings.Contains(text, ",") {
			d, ok = value.ParseDatetimeParts(text)
		}
		if tod, isTime := value.ParseTimeOfDay(text); !ok && isTime {
			// A time alone is that time today, as .NET reads it.
			today := c.apply(funcs.Fn.StartOfDay, []plan.Expr{c.apply(funcs.Fn.Now, nil, x.Src, nil, "")}, x.Src, nil, "")
			return c.apply(funcs.Op.Add, []plan.Expr{today, &plan.Const{Value: tod, T: schema.Timespan, Src: x.Src}}, x.Src, nil, "+")
		}
		if !ok {
			c.errorf(x.Src, "%s", errBadLiteral("datetime", x.Text))
			return unknown(x)
		}
		return k(t, d)
	case syntax.LitTimespan:
		text := unquote(strings.TrimSpace(x.Text))
		ts, ok := value.ParseTimespanLiteral(text)
		if !ok {
			ts, ok = value.ParseTimespan(text)
		}
		if !ok {
			c.errorf(x.Src, "%s", errBadLiteral("timespan", x.Text))
			return unknown(x)
		}
		return k(t, ts)
	case syntax.LitGuid:
		g, ok := value.ParseGUID(strings.TrimSpace(x.Text))
		if !ok {
			c.errorf(x.Src, "%s", errBadLiteral("guid", x.Text))
			return unknown(x)
		}
		return k(t, g)
	}
	return unknown(x)
}

// unquote removes the quotes around a typed literal's text written as a
// string, as in datetime("2015-12-14").
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// dynamicValue builds the value of a dynamic literal's content.
func (c *checker) dynamicValue(x syntax.Expr) (any, bool) {
	switch x := x.(type) {
	case nil:
		return nil, true
	case *syntax.DynamicArray:
		arr := make([]any, 0, len(x.Elems))
		for _, e := range x.Elems {
			v, ok := c.dynamicValue(e)
			if !ok {
				return nil, false
			}
			arr = append(arr, v)
		}
		return arr, true
	case *syntax.DynamicBag:
		bag := &value.Bag{}
		for i, key := range x.Keys {
			v, ok := c.dynamicValue(x.Vals[i])
			if !ok {
				return nil, false
			}
			bag.Set(key.Text, v)
		}
		return bag, true
	case *syntax.DynamicLit:
		return c.dynamicValue(x.Value)
	case *syntax.UnaryExpr:
		v, ok := c.dynamicValue(x.X)
		if !ok || x.Op == "+" {
			return v, ok
		}
		switch n := v.(type) {
		case int64:
			return -n, true
		case float64:
			return -n, true
		case value.Timespan:
			return -n, true
		}
		c.errorf(x.Span(), "cannot negate this value in a dynamic literal")
		return nil, false
	case *syntax.Literal:
		e, ok := c.literal(x).(*plan.Const)
		if !ok || e.T == schema.Unknown {
			return nil, false
		}
		return funcs.ToDynamic(e.T, e.Value), true
	}
	c.errorf(x.Span(), "expected a constant in a dynamic literal")
	return nil, false
}

func (c *checker) unary(sc *scope, r *row, x *syntax.UnaryExpr) plan.Expr {
	arg := c.scalar(sc, r, x.X)
	if x.Op == "+" || arg.Type() == schema.Unknown {
		return arg
	}
	if k, ok := arg.(*plan.Const); ok && k.Value != nil {
		switch v := k.Value.(type) {
		case int64:
			return &plan.Const{Value: -v, T: k.T, Src: x.Span()}
		case float64:
			return &plan.Const{Value: -v, T: k.T, Src: x.Span()}
		case value.Timespan:
			return &plan.Const{Value: -v, T: k.T, Src: x.Span()}
		}
	}
	return c.apply(funcs.Op.Neg, []plan.Expr{arg}, x.Span(), []syntax.Span{x.X.Span()}, "-")
}

func (c *checker) binary(sc *scope, r *row, x *syntax.BinaryExpr) plan.Expr {
	if _, star := x.X.(*syntax.StarExpr); star {
		return c.anyColumn(sc, r, x)
	}
	if x.Op == ":" {
		// Column:"term" in search is Column has "term".
		x = &syntax.BinaryExpr{Op: "has", OpPos: x.OpPos, X: x.X, Y: x.Y, Src: x.Src}
	}
	a := c.scalar(sc, r, x.X)
	b := c.scalar(sc, r, x.Y)
	fn := funcs.Operator(x.Op)
	if fn == nil {
		c.errorf(x.OpPos, "operator '%s' is not supported", x.Op)
		return unknown(x)
	}
	return c.apply(fn, []plan.Expr{a, b}, x.Span(), []syntax.Span{x.X.Span(), x.Y.Span()}, x.Op)
}

// anyColumn checks * op "term": whether any column of the row, as text,
// satisfies the string operator (where * has "x", and search's terms).
// https://learn.microsoft.com/kusto/query/search-operator
func (c *checker) anyColumn(sc *scope, r *row, x *syntax.BinaryExpr) plan.Expr {
	fn := funcs.Operator(x.Op)
	if fn == nil || x.Op == ":" {
		fn = funcs.Op.Has
	}
	term := c.scalar(sc, r, x.Y)
	if r == nil || term.Type() == schema.Unknown {
		return unknown(x)
	}
	var any plan.Expr
	for i, col := range r.cols {
		if col.Type == schema.Unknown {
			continue
		}
		var e plan.Expr = &plan.ColRef{Index: i, Name: col.Name, T: col.Type, Src: x.X.Span()}
		if col.Type != schema.String {
			e = c.apply(funcs.Fn.ToString, []plan.Expr{e}, x.X.Span(), nil, "")
		}
		test := c.apply(fn, []plan.Expr{e, term}, x.Span(), []syntax.Span{x.X.Span(), x.Y.Span()}, x.Op)
		if test.Type() == schema.Unknown {
			return test
		}
		if any == nil {
			any = test
		} else {
			any = c.apply(funcs.Op.Or, []plan.Expr{any, test}, x.Span(), nil, "or")
		}
	}
	if any == nil {
		return &plan.Const{Value: false, T: schema.Bool, Src: x.Span()}
	}
	return any
}

func (c *checker) in(sc *scope, r *row, x *syntax.InExpr) plan.Expr {
	args := []plan.Expr{c.scalar(sc, r, x.X)}
	spans := []syntax.Span{x.X.Span()}
	for _, item := range x.List {
		node, e := c.any(sc, r, item)
		switch {
		case node != nil:
			e = c.subquery(node, true, item.Span())
		case e == nil:
			e = unknown(item)
		}
		args = append(args, e)
		spans = append(spans, item.Span())
	}
	return c.apply(funcs.Operator(x.Op), args, x.Span(), spans, x.Op)
}

// subquery turns a table into a scalar: its first column as a list, or
// its first value.
func (c *checker) subquery(node plan.Node, list bool, sp syntax.Span) plan.Expr {
	cols := node.Schema()
	if len(cols) == 0 {
		c.errorf(sp, "the table has no columns")
		return &plan.Const{T: schema.Unknown, Src: sp}
	}
	t := cols[0].Type
	if list {
		t = schema.Dynamic
	}
	return &plan.Subquery{Node: node, List: list, T: t, Src: sp}
}

// between rewrites X between (Lo .. Hi) as Lo <= X and X <= Hi. When X is
// a datetime and Hi a timespan, the range is Lo .. Lo+Hi.
// https://learn.microsoft.com/kusto/query/between-operator
func (c *checker) between(sc *scope, r *row, x *syntax.BetweenExpr) plan.Expr {
	v := c.scalar(sc, r, x.X)
	lo := c.scalar(sc, r, x.Lo)
	hi := c.scalar(sc, r, x.Hi)
	if v.Type() == schema.Datetime && hi.Type() == schema.Timespan {
		hi = c.apply(funcs.Op.Add, []plan.Expr{lo, hi}, x.Hi.Span(), nil, "+")
	}
	sp := x.Span()
	if x.Not {
		below := c.apply(funcs.Op.Lt, []plan.Expr{v, lo}, sp, []syntax.Span{x.X.Span(), x.Lo.Span()}, "!between")
		above := c.apply(funcs.Op.Gt, []plan.Expr{v, hi}, sp, []syntax.Span{x.X.Span(), x.Hi.Span()}, "!between")
		return c.apply(funcs.Op.Or, []plan.Expr{below, above}, sp, nil, "or")
	}
	low := c.apply(funcs.Op.Ge, []plan.Expr{v, lo}, sp, []syntax.Span{x.X.Span(), x.Lo.Span()}, "between")
	high := c.apply(funcs.Op.Le, []plan.Expr{v, hi}, sp, []syntax.Span{x.X.Span(), x.Hi.Span()}, "between")
	return c.apply(funcs.Op.And, []plan.Expr{low, high}, sp, nil, "and")
}

// apply resolves a call of fn and returns it with the implicit
// conversions it needs. op names the operator for operand errors ("" for
// a function call); spans are the arguments' spans, for positioning
// errors (optional).
func (c *checker) apply(fn *funcs.Func, args []plan.Expr, sp syntax.Span, spans []syntax.Span, op string) plan.Expr {
	types := make([]schema.Type, len(args))
	for i, a := range args {
		if a.Type() == schema.Unknown {
			return &plan.Const{T: schema.Unknown, Src: sp}
		}
		types[i] = a.Type()
	}
	res, err := fn.Resolve(types)
	if err != nil {
		switch {
		case op != "" && len(args) == 2:
			c.errorf(sp, "%s", errOperands(op, types[0], types[1]))
		case op != "":
			c.errorf(sp, "operator '%s' is not defined for %s", op, typeNames(types))
		default:
			at := sp
			if ae, ok := err.(*funcs.ArgError); ok && ae.Index < len(spans) {
				at = spans[ae.Index]
			}
			c.errorf(at, "%s", err.Error())
		}
		return &plan.Const{T: schema.Unknown, Src: sp}
	}
	c.checkSameTypes(fn.Name, res.Sig, types, sp, spans)
	out := make([]plan.Expr, len(args))
	copy(out, args)
	for i, t := range res.Casts {
		if t != schema.Unknown {
			out[i] = &plan.Cast{X: out[i], T: t}
		}
	}
	if res.Sig.ValueArg != nil && res.Result != schema.Unknown {
		for i := range out {
			if res.Sig.ValueArg(i, len(out)) && out[i].Type() != res.Result {
				out[i] = &plan.Cast{X: out[i], T: res.Result}
			}
		}
	}
	for i, a := range out {
		prm := res.Sig.Params[min(i, len(res.Sig.Params)-1)]
		at := sp
		if i < len(spans) {
			at = spans[i]
		}
		if prm.Const && !plan.IsConst(a) {
			c.errorf(at, "%s", errNotConstant(fn.Name+"(): argument '"+prm.Name+"'"))
		}
		if k, ok := a.(*plan.Const); ok && prm.Check != nil {
			if err := prm.Check(k.Value); err != nil {
				c.errorf(at, "%s(): %v", fn.Name, err)
			}
		}
		if k, ok := a.(*plan.Const); ok && prm.Regex {
			if pattern, ok := k.Value.(string); ok {
				if _, err := funcs.CompileRegex(pattern); err != nil {
					c.errorf(at, "%s", errRegex(fn.Name, err))
				}
			}
		}
	}
	if fn.Name == "case" {
		for i := 0; i+1 < len(out)-1; i += 2 {
			if types[i] != schema.Bool {
				at := sp
				if i < len(spans) {
					at = spans[i]
				}
				c.errorf(at, "%s", errCasePredicate(i, types[i]))
			}
		}
	}
	return &plan.Call{Fn: fn, Sig: res.Sig, Args: out, T: res.Result, Src: sp}
}

func typeNames(ts []schema.Type) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, ", ")
}
