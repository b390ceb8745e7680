package check

import (
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// dcountIntersect checks evaluate dcount_intersect(hll_1, ..., hll_n):
// the input's columns, then s0 ... s(n-1), where s_i counts the values
// in all of hll_1 ... hll_(i+1). hll() values are exact in kqlhunt, so
// the counts are too (Kusto's estimate them).
// https://learn.microsoft.com/kusto/query/dcount-intersect-plugin
func (c *checker) dcountIntersect(sc *scope, in plan.Node, r *row, call *syntax.CallExpr) plan.Node {
	if len(call.Args) < 2 || len(call.Args) > 16 {
		c.errorf(call.Span(), "dcount_intersect() expects 2 to 16 arguments, got %d", len(call.Args))
		return nil
	}
	var args []plan.Expr
	for _, a := range call.Args {
		e := c.scalar(sc, r, a)
		if t := e.Type(); t != schema.Dynamic && t != schema.Unknown {
			c.errorf(a.Span(), "%s", errType("an argument of dcount_intersect()", "an hll() value (dynamic)", t))
			return nil
		}
		args = append(args, e)
	}
	p := &plan.Project{Input: in}
	for i, col := range r.cols {
		p.Exprs = append(p.Exprs, &plan.ColRef{Index: i, Name: col.Name, T: col.Type, Src: call.Span()})
		p.Cols = append(p.Cols, col)
	}
	for k := range args {
		upto := k + 1
		fn := &funcs.Func{Name: "dcount_intersect", Pure: true}
		params := make([]funcs.Param, upto)
		for i := range params {
			params[i] = funcs.Param{Name: "hll", Types: funcs.Of(schema.Dynamic)}
		}
		fn.Sigs = []*funcs.Sig{{Params: params, Result: funcs.Returns(schema.Long),
			Eval: func(_ *funcs.Context, cols []*value.Column, n int, out *value.Column) {
				allConst := true
				for _, col := range cols {
					allConst = allConst && col.Const
				}
				if allConst {
					out.Const, n = true, 1
				}
				for row := 0; row < n; row++ {
					out.Append(intersectCount(cols, row))
				}
			}}}
		name := "s" + strconv.Itoa(k)
		p.Exprs = append(p.Exprs, &plan.Call{Fn: fn, Sig: fn.Sigs[0], Args: args[:upto], T: schema.Long, Src: call.Span()})
		p.Cols = append(p.Cols, schema.Column{Name: name, Type: schema.Long})
	}
	return p
}

// intersectCount counts the hashes every column's hll value holds at row.
func intersectCount(cols []*value.Column, row int) any {
	var common map[uint64]bool
	for _, col := range cols {
		hashes, ok := funcs.HllHashes(col.Get(row))
		if !ok {
			return nil
		}
		next := map[uint64]bool{}
		for _, h := range hashes {
			if common == nil || common[h] {
				next[h] = true
			}
		}
		common = next
	}
	return int64(len(common))
}
