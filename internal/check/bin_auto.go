package check

import (
	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// set records the value of a set statement that the query reads; the
// other request options have no effect on local execution.
func (c *checker) set(sc *scope, st *syntax.SetStmt) {
	switch st.Name.Name {
	case "query_bin_auto_size", "query_bin_auto_at":
	default:
		return
	}
	if st.Value == nil {
		return
	}
	e := c.scalar(sc, nil, st.Value)
	if e.Type() == schema.Unknown {
		return
	}
	if !plan.IsConst(e) {
		c.errorf(st.Value.Span(), "%s", errNotConstant(st.Name.Name))
		return
	}
	if c.options == nil {
		c.options = map[string]plan.Expr{}
	}
	c.options[st.Name.Name] = e
}

// binAuto checks bin_auto(value): bin(value, query_bin_auto_size), or
// bin_at(value, query_bin_auto_size, query_bin_auto_at) when the query
// sets the fixed point; query_bin_auto_size must be set.
// https://learn.microsoft.com/kusto/query/bin-auto-function
func (c *checker) binAuto(sc *scope, r *row, x *syntax.CallExpr) plan.Expr {
	if len(x.Args) != 1 {
		c.errorf(x.Span(), "%s", errArity(x.Fun.Name, 1, len(x.Args)))
		return unknown(x)
	}
	v := c.scalar(sc, r, x.Args[0])
	size, ok := c.options["query_bin_auto_size"]
	if !ok {
		c.errorf(x.Span(), "bin_auto() needs the bin size: set query_bin_auto_size before the query")
		return unknown(x)
	}
	args := []plan.Expr{v, size}
	spans := []syntax.Span{x.Args[0].Span(), x.Span(), x.Span()}
	fn := funcs.Lookup("bin")
	if at, ok := c.options["query_bin_auto_at"]; ok {
		args = append(args, at)
		fn = funcs.Lookup("bin_at")
	}
	return c.apply(fn, args, x.Span(), spans[:len(args)], "")
}
