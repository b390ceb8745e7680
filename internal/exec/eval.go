package exec

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Eval evaluates e over the rows of b. The result has b.N rows, or is a
// Const column.
func (env *Env) Eval(e plan.Expr, b *value.Batch) (*value.Column, error) {
	switch e := e.(type) {
	case *plan.ColRef:
		return b.Cols[e.Index], nil
	case *plan.Const:
		if e.T == schema.Unknown {
			return nil, fmt.Errorf("internal error: evaluating an expression that failed to check")
		}
		return value.ConstColumn(e.T, e.Value), nil
	case *plan.Cast:
		arg, err := env.Eval(e.X, b)
		if err != nil {
			return nil, err
		}
		out := value.NewColumn(e.T, b.N)
		k := funcs.CastKernel(e.X.Type(), e.T)
		k(env.Funcs, []*value.Column{arg}, b.N, out)
		return out, nil
	case *plan.Call:
		args := make([]*value.Column, len(e.Args))
		for i, a := range e.Args {
			col, err := env.Eval(a, b)
			if err != nil {
				return nil, err
			}
			args[i] = col
		}
		out := value.NewColumn(e.T, b.N)
		if err := funcs.Eval(env.Funcs, e.Fn, e.Sig.Eval, args, b.N, out); err != nil {
			return nil, err
		}
		return out, nil
	case *plan.Subquery:
		return env.subquery(e)
	case *plan.Let:
		return env.let(e)
	}
	return nil, fmt.Errorf("internal error: cannot evaluate %T", e)
}

// let evaluates a Let's value once per run and caches it as a Const
// column: the value reads no row, so one row stands for all.
func (env *Env) let(e *plan.Let) (*value.Column, error) {
	if col, ok := env.lets[e]; ok {
		return col, nil
	}
	col, err := env.Eval(e.X, &value.Batch{N: 1})
	if err != nil {
		return nil, err
	}
	out := value.ConstColumn(e.X.Type(), col.Get(0))
	if env.lets == nil {
		env.lets = map[*plan.Let]*value.Column{}
	}
	env.lets[e] = out
	return out, nil
}

// subquery runs a Subquery's plan once and caches its value as a Const
// column.
func (env *Env) subquery(e *plan.Subquery) (*value.Column, error) {
	if col, ok := env.subqueries[e]; ok {
		return col, nil
	}
	op, err := Build(env, e.Node)
	if err != nil {
		return nil, err
	}
	batches, err := Drain(op)
	if err != nil {
		return nil, err
	}
	first := e.Node.Schema()[0].Type
	var col *value.Column
	if e.List {
		var list []any
		for _, b := range batches {
			for i := 0; i < b.N; i++ {
				if v := funcs.ToDynamic(first, b.Cols[0].Get(i)); v != nil {
					list = append(list, v)
				}
			}
		}
		if list == nil {
			list = []any{}
		}
		col = value.ConstColumn(schema.Dynamic, list)
	} else {
		var v any
		if len(batches) > 0 {
			v = batches[0].Cols[0].Get(0)
		}
		col = value.ConstColumn(e.T, v)
	}
	if env.subqueries == nil {
		env.subqueries = map[*plan.Subquery]*value.Column{}
	}
	env.subqueries[e] = col
	return col, nil
}
