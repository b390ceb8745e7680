package check

import "github.com/kqlhunt/kqlhunt/internal/syntax"

// bindArgs matches the arguments of a user function call to its
// parameters: an argument written name = value goes to the parameter of
// that name, any other to the parameter at its position, as in
// checkLength(len=3, input) of the assert() reference example. A slot is
// nil when no argument fills it; ok is false (and the error reported)
// when an argument fills a slot twice.
// https://learn.microsoft.com/kusto/query/functions/user-defined-functions
func (c *checker) bindArgs(params []*syntax.Param, args []syntax.Expr) ([]syntax.Expr, bool) {
	slots := make([]syntax.Expr, len(params))
	for i, a := range args {
		j, src := i, a
		if n, ok := a.(*syntax.NamedExpr); ok && len(n.Names) == 1 {
			for k, p := range params {
				if p.Name.Name == n.Names[0].Name {
					j, a = k, n.X
					break
				}
			}
		}
		if j >= len(slots) {
			continue // too many arguments: the caller reports it
		}
		if slots[j] != nil {
			c.errorf(src.Span(), "argument '%s' is given twice", params[j].Name.Name)
			return nil, false
		}
		slots[j] = a
	}
	return slots, true
}
