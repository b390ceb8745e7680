package check

import (
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// columnNamesOf checks column_names_of(T): the names of the columns of
// the tabular expression T, as a constant dynamic array. T is not run.
// https://learn.microsoft.com/kusto/query/column-names-of-function
func (c *checker) columnNamesOf(sc *scope, x *syntax.CallExpr) plan.Expr {
	if len(x.Args) != 1 {
		c.errorf(x.Span(), "%s", errArity(x.Fun.Name, 1, len(x.Args)))
		return unknown(x)
	}
	node := c.tabular(sc, x.Args[0])
	if node == nil {
		return unknown(x)
	}
	names := []any{}
	for _, col := range node.Schema() {
		names = append(names, col.Name)
	}
	return &plan.Const{Value: names, T: schema.Dynamic, Src: x.Span()}
}
