package check

import (
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// projectByNames checks project-by-names: the columns named by constant
// strings or dynamic arrays of strings (which may hold '*' wildcards), in
// the order named; names that match no column are ignored.
// https://learn.microsoft.com/kusto/query/project-by-names-operator
func (c *checker) projectByNames(sc *scope, in plan.Node, r *row, op *syntax.ProjectOp) plan.Node {
	selected := map[int]bool{}
	p := &plan.Project{Input: in}
	for _, item := range op.Cols {
		e := c.scalar(sc, r, item)
		if e.Type() == schema.Unknown {
			continue
		}
		k, ok := e.(*plan.Const)
		if !ok || (e.Type() != schema.String && e.Type() != schema.Dynamic) {
			c.errorf(item.Span(), "%s", errNotConstant("a column name of project-by-names (a string or an array of strings)"))
			continue
		}
		var names []string
		switch v := k.Value.(type) {
		case string:
			names = append(names, v)
		case []any:
			for _, x := range v {
				if s, isStr := x.(string); isStr {
					names = append(names, s)
				}
			}
		}
		for _, name := range names {
			// A name that matches no column is ignored, as the page
			// says (and its last example shows) and Microsoft's analyzer
			// accepts.
			for _, i := range matchNames(r.cols, name) {
				if selected[i] {
					continue
				}
				selected[i] = true
				col := r.cols[i]
				p.Exprs = append(p.Exprs, &plan.ColRef{Index: i, Name: col.Name, T: col.Type, Src: op.Kw})
				p.Cols = append(p.Cols, col)
			}
		}
	}
	if len(p.Cols) == 0 {
		c.errorf(op.Span(), "%s", errNoColumns(op.Word))
	}
	return p
}
