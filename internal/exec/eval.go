package exec

import (
	"context"
	"fmt"
	"runtime/metrics"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Eval evaluates e over the rows of b. The result has b.N rows, or is a
// Const column. ctx bounds the subqueries that e runs.
//
// Under a memory budget, a batch whose values turn out large is evaluated
// in chunks of rows, with the context and the heap checked between
// chunks: a function may make a value of a million elements for each row
// (range, repeat), so one call over a whole batch could allocate far more
// than the budget before any operator looks. To tell, the first probeRows
// rows are evaluated alone and the bytes allocated measured; the whole
// batch is then evaluated in one call when that extrapolates to less
// than a chunk's worth.
func (env *Env) Eval(ctx context.Context, e plan.Expr, b *value.Batch) (*value.Column, error) {
	if env.mem == nil || b.N <= probeRows || !hasCall(e) {
		return env.eval(ctx, e, b)
	}
	return env.evalChunked(ctx, e, b)
}

// probeRows is how many rows Eval measures under a memory budget.
const probeRows = 4

// hasCall tells whether e calls a function (anything else allocates
// little per row).
func hasCall(e plan.Expr) bool {
	found := false
	plan.Walk(e, func(x plan.Expr) bool {
		switch x.(type) {
		case *plan.Call, *plan.Subquery:
			found = true
		}
		return !found
	})
	return found
}

// allocated returns the bytes the process has allocated so far.
func allocated() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return sampleInt(s[0])
}

// chunkBytes is the allocation that Eval lets a chunk of rows make
// between checks: an eighth of the budget, within [1 MiB, 64 MiB].
func (m *budget) chunkBytes() int64 {
	return min(max(m.max/8, 1<<20), 64<<20)
}

func (env *Env) evalChunked(ctx context.Context, e plan.Expr, b *value.Batch) (*value.Column, error) {
	var idx []int
	rows := func(from, to int) *value.Batch {
		idx = idx[:0]
		for i := from; i < to; i++ {
			idx = append(idx, i)
		}
		return b.Take(idx)
	}
	start := allocated()
	first, err := env.eval(ctx, e, rows(0, probeRows))
	if err != nil {
		return nil, err
	}
	perRow := max((allocated()-start)/probeRows, 1)
	chunk := env.mem.chunkBytes()
	if perRow*int64(b.N) <= chunk {
		return env.eval(ctx, e, b)
	}
	if err := env.mem.check(); err != nil {
		return nil, err
	}
	out := value.NewColumn(first.Type, b.N)
	out.AppendColumn(first, probeRows)
	step := int(max(chunk/perRow, 1))
	for at := probeRows; at < b.N; at += step {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		end := min(at+step, b.N)
		col, err := env.eval(ctx, e, rows(at, end))
		if err != nil {
			return nil, err
		}
		out.AppendColumn(col, end-at)
		if err := env.mem.check(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// eval evaluates e over the rows of b in one go.
func (env *Env) eval(ctx context.Context, e plan.Expr, b *value.Batch) (*value.Column, error) {
	switch e := e.(type) {
	case *plan.ColRef:
		return b.Cols[e.Index], nil
	case *plan.Const:
		if e.T == schema.Unknown {
			return nil, fmt.Errorf("internal error: evaluating an expression that failed to check")
		}
		return value.ConstColumn(e.T, e.Value), nil
	case *plan.Cast:
		arg, err := env.eval(ctx, e.X, b)
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
			col, err := env.eval(ctx, a, b)
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
		return env.subquery(ctx, e)
	case *plan.Let:
		return env.let(ctx, e)
	}
	return nil, fmt.Errorf("internal error: cannot evaluate %T", e)
}

// let evaluates a Let's value once per run and caches it as a Const
// column: the value reads no row, so one row stands for all.
func (env *Env) let(ctx context.Context, e *plan.Let) (*value.Column, error) {
	if col, ok := env.lets[e]; ok {
		return col, nil
	}
	col, err := env.Eval(ctx, e.X, &value.Batch{N: 1})
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
func (env *Env) subquery(ctx context.Context, e *plan.Subquery) (*value.Column, error) {
	if col, ok := env.subqueries[e]; ok {
		return col, nil
	}
	op, err := Build(env, e.Node)
	if err != nil {
		return nil, err
	}
	acct := account{mem: env.mem, name: "toscalar"}
	batches, err := drain(ctx, op, &acct)
	acct.release()
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
	if err := env.held.grow(columnBytes(col, 1)); err != nil {
		return nil, err
	}
	if env.subqueries == nil {
		env.subqueries = map[*plan.Subquery]*value.Column{}
	}
	env.subqueries[e] = col
	return col, nil
}
