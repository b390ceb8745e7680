package check

import (
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// sortTuple checks array_sort_asc or array_sort_desc of several arrays
// written unnamed or with one name per array: it gives one column per
// array, each sorted as the first one, named by the names given, else
// after its argument (array1 gives array1_sorted) or, for an argument
// without a name, by its position (array0_sorted), as Microsoft's analyzer
// names them. ok is false for other calls, for one array (a plain
// scalar) and for a single name, which keeps the scalar form.
// https://learn.microsoft.com/kusto/query/array-sort-asc-function
func (c *checker) sortTuple(sc *scope, r *row, names []*syntax.Ident, call *syntax.CallExpr) ([]plan.Expr, []string, bool) {
	if call.Fun.Name != "array_sort_asc" && call.Fun.Name != "array_sort_desc" || len(names) == 1 {
		return nil, nil, false
	}
	arrays := len(call.Args)
	if arrays > 0 {
		// A last constant true or false says where nulls go.
		if lit, ok := call.Args[arrays-1].(*syntax.Literal); ok && lit.Kind == syntax.LitBool {
			arrays--
		}
	}
	if arrays < 2 || (len(names) != 0 && len(names) != arrays) {
		return nil, nil, false
	}
	args := make([]plan.Expr, len(call.Args))
	spans := make([]syntax.Span, len(call.Args))
	for i, a := range call.Args {
		args[i] = c.scalar(sc, r, a)
		spans[i] = a.Span()
	}
	fn := funcs.Lookup(call.Fun.Name)
	all := c.apply(fn, args, call.Span(), spans, "")
	var exprs []plan.Expr
	var out []string
	for i := range arrays {
		var e plan.Expr = unknown(call)
		if all.Type() != schema.Unknown {
			e = c.apply(funcs.Op.Index, []plan.Expr{all, &plan.Const{Value: int64(i), T: schema.Long, Src: call.Span()}}, call.Span(), nil, "")
		}
		name, o := exprName(call.Args[i])
		switch {
		case i < len(names):
			name = names[i].Name
		case o == noName:
			name = "array" + strconv.Itoa(i) + "_sorted"
		default:
			name += "_sorted"
		}
		exprs = append(exprs, e)
		out = append(out, name)
	}
	return exprs, out, true
}
