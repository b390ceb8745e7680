package check

import (
	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// assertCall checks assert(condition, message). Kusto evaluates it while
// analyzing the query, before constant folding and short-circuits, so its
// arguments must be constants there (literals, let constants, function
// parameters bound to constants) and a false condition fails the query
// even where no row would reach it. It is true otherwise.
// https://learn.microsoft.com/kusto/query/assert-function
func (c *checker) assertCall(sc *scope, r *row, x *syntax.CallExpr) plan.Expr {
	if len(x.Args) != 2 {
		c.errorf(x.Span(), "%s", errArity(x.Fun.Name, 2, len(x.Args)))
		return unknown(x)
	}
	cond := c.scalar(sc, r, x.Args[0])
	msg := c.scalar(sc, r, x.Args[1])
	if cond.Type() == schema.Unknown || msg.Type() == schema.Unknown {
		return unknown(x)
	}
	if cond.Type() != schema.Bool {
		c.errorf(x.Args[0].Span(), "%s", errType("assert(): the condition", "bool", cond.Type()))
		return unknown(x)
	}
	if msg.Type() != schema.String {
		c.errorf(x.Args[1].Span(), "%s", errType("assert(): the message", "string", msg.Type()))
		return unknown(x)
	}
	cv, ok1 := constValue(cond)
	mv, ok2 := constValue(msg)
	if !ok1 || !ok2 {
		c.errorf(x.Span(), "%s", errNotConstant("assert()'s arguments"))
		return unknown(x)
	}
	if b, _ := cv.(bool); !b {
		text, _ := mv.(string)
		c.errorf(x.Span(), "assert() has failed with message: '%s'", text)
		return unknown(x)
	}
	return &plan.Const{Value: true, T: schema.Bool, Src: x.Span()}
}

// constValue evaluates e when it is made of constants and pure function
// calls only; ok is false otherwise.
func constValue(e plan.Expr) (v any, ok bool) {
	switch e := e.(type) {
	case *plan.Const:
		return e.Value, true
	case *plan.Cast:
		x, ok := constValue(e.X)
		if !ok {
			return nil, false
		}
		if x == nil {
			return nil, true
		}
		return funcs.Convert(e.X.Type(), e.T, x)
	case *plan.Call:
		if !e.Fn.Pure || e.Sig == nil || e.Sig.Eval == nil {
			return nil, false
		}
		args := make([]*value.Column, len(e.Args))
		for i, a := range e.Args {
			av, ok := constValue(a)
			if !ok {
				return nil, false
			}
			args[i] = value.ConstColumn(a.Type(), av)
		}
		out := value.NewColumn(e.T, 1)
		if err := funcs.Eval(&funcs.Context{}, e.Fn, e.Sig.Eval, args, 1, out); err != nil {
			return nil, false
		}
		return out.Get(0), true
	}
	return nil, false
}
