// Package exec runs logical plans over columnar batches. Each plan node
// becomes an Operator; operators pull batches from their inputs, so a
// scan streams and memory grows only where an operator must hold rows
// (aggregation keeps one state per group, sort keeps its input).
package exec

import (
	"context"
	"errors"
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Operator produces the rows of a plan node batch by batch. Next returns
// nil, nil when there are no more rows. Batches returned by Next are
// owned by the caller. Close releases the operator's inputs; it may be
// called before the rows are exhausted.
type Operator interface {
	Next() (*value.Batch, error)
	Close() error
}

// Source provides table data to scans.
type Source interface {
	// Scan returns an operator that yields the columns cols of table, in
	// that order and with the table's types.
	Scan(table *schema.Table, cols []int) (Operator, error)
}

// Env is what a query run needs besides its plan. An Env is used by one
// query run at a time.
type Env struct {
	Ctx    context.Context
	Source Source
	Funcs  *funcs.Context
	// subqueries caches the value of each Subquery expression.
	subqueries map[*plan.Subquery]*value.Column
	// lets caches the value of each Let expression.
	lets map[*plan.Let]*value.Column
	// params holds the rows each Param reads while an Apply runs its
	// subplan; caches the rows of each Cache.
	params map[*plan.Param][]*value.Batch
	caches map[*plan.Cache][]*value.Batch
	// Suppressed counts the rows that exclusions dropped (plan.Exclude);
	// nil until a plan with exclusions is built.
	Suppressed *Suppressed
}

// NewEnv returns an Env reading tables from src, with now as the query's
// current time.
func NewEnv(ctx context.Context, src Source, now value.Datetime) *Env {
	return &Env{Ctx: ctx, Source: src, Funcs: &funcs.Context{Now: now}}
}

// BatchSize is the number of rows operators aim to put in a batch.
const BatchSize = 1024

// ErrNoData is returned when a plan reads a table that the source has no
// data for and cannot provide as empty.
var ErrNoData = errors.New("no data")

// Build returns the operator tree of node.
func Build(env *Env, node plan.Node) (Operator, error) {
	switch n := node.(type) {
	case *plan.Scan:
		if env.Source == nil {
			return nil, fmt.Errorf("table '%s': %w", n.Table.Name, ErrNoData)
		}
		return env.Source.Scan(n.Table, n.Cols)
	case *plan.Values:
		return newValues(env, n)
	case *plan.Exclude:
		return buildExclude(env, n)
	case *plan.Filter:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			return &filter{env: env, in: in, pred: n.Pred}, nil
		})
	case *plan.Project:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			return &project{env: env, in: in, exprs: n.Exprs}, nil
		})
	case *plan.Aggregate:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			return newAggregate(env, in, n), nil
		})
	case *plan.Sort:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			return &sorter{env: env, in: in, keys: n.Keys, types: types(n.Input.Schema()), limit: -1}, nil
		})
	case *plan.TopN:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			limit, err := constInt(env, n.N)
			if err != nil {
				return nil, err
			}
			return &sorter{env: env, in: in, keys: n.Keys, types: types(n.Input.Schema()), limit: limit}, nil
		})
	case *plan.Limit:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			limit, err := constInt(env, n.N)
			if err != nil {
				return nil, err
			}
			return &limiter{in: in, left: limit}, nil
		})
	case *plan.MakeSeries:
		return buildMakeSeries(env, n)
	case *plan.Join:
		ins, err := buildAll(env, n.Left, n.Right)
		if err != nil {
			return nil, err
		}
		return newJoiner(env, n, ins[0], ins[1]), nil
	case *plan.External:
		return buildExternal(env, n)
	case *plan.Param:
		rows, ok := env.params[n]
		if !ok {
			return nil, fmt.Errorf("internal error: a subquery's table read outside its operator")
		}
		return &batchList{batches: append([]*value.Batch(nil), rows...)}, nil
	case *plan.Apply:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			a, err := newApplier(env, in, n)
			if err != nil {
				return nil, err
			}
			return a, nil
		})
	case *plan.Sample:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			return &sampler{env: env, in: in, n: n}, nil
		})
	case *plan.Cache:
		if rows, ok := env.caches[n]; ok {
			return &cache{batches: append([]*value.Batch(nil), rows...)}, nil
		}
		in, err := Build(env, n.Input)
		if err != nil {
			return nil, err
		}
		rows, err := Drain(in)
		if err != nil {
			return nil, err
		}
		if env.caches == nil {
			env.caches = map[*plan.Cache][]*value.Batch{}
		}
		env.caches[n] = rows
		return &cache{batches: append([]*value.Batch(nil), rows...)}, nil
	case *plan.TopNested:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			return &topNester{env: env, in: in, n: n}, nil
		})
	case *plan.Window:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			return &windower{env: env, in: in, n: n}, nil
		})
	case *plan.Rows:
		return &batchList{batches: append([]*value.Batch(nil), n.Batches...)}, nil
	case *plan.BagUnpack:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			return &bagUnpacker{env: env, in: in, n: n}, nil
		})
	case *plan.Pivot:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			return &pivoter{env: env, in: in, n: n}, nil
		})
	case *plan.Deferred:
		return nil, fmt.Errorf("internal error: a plan whose columns depend on the data was run before they were learned")
	case *plan.Render:
		return Build(env, n.Input)
	case *plan.Range:
		return newRanger(env, n)
	case *plan.Parse:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			return &parser{env: env, in: in, n: n}, nil
		})
	case *plan.MvExpand:
		return withInput(env, n.Input, func(in Operator) (Operator, error) {
			m, err := newMvExpander(env, in, n)
			if err != nil {
				return nil, err
			}
			return m, nil
		})
	case *plan.IPLookup:
		ins, err := buildAll(env, n.Left, n.Right)
		if err != nil {
			return nil, err
		}
		return &ipLookuper{env: env, n: n, left: ins[0], right: ins[1]}, nil
	case *plan.Union:
		parts, err := buildAll(env, n.Parts...)
		if err != nil {
			return nil, err
		}
		return &unioner{env: env, n: n, parts: parts}, nil
	}
	return nil, fmt.Errorf("internal error: no operator for %T", node)
}

// withInput builds input, then the operator that newOp makes over it,
// closing the input when newOp fails.
func withInput(env *Env, input plan.Node, newOp func(in Operator) (Operator, error)) (Operator, error) {
	in, err := Build(env, input)
	if err != nil {
		return nil, err
	}
	op, err := newOp(in)
	if err != nil {
		in.Close()
		return nil, err
	}
	return op, nil
}

// buildAll builds the operators of nodes, closing them all if one fails.
func buildAll(env *Env, nodes ...plan.Node) ([]Operator, error) {
	ops := make([]Operator, 0, len(nodes))
	for _, n := range nodes {
		op, err := Build(env, n)
		if err != nil {
			for _, o := range ops {
				o.Close()
			}
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func types(cols []schema.Column) []schema.Type {
	ts := make([]schema.Type, len(cols))
	for i, c := range cols {
		ts[i] = c.Type
	}
	return ts
}

// constInt evaluates a constant integer expression (a row count).
func constInt(env *Env, e plan.Expr) (int64, error) {
	col, err := env.Eval(e, &value.Batch{N: 1})
	if err != nil {
		return 0, err
	}
	v, ok := col.Get(0).(int64)
	if !ok {
		return 0, fmt.Errorf("the row count is null")
	}
	return max(v, 0), nil
}

// Drain reads every batch of op and closes it.
func Drain(op Operator) ([]*value.Batch, error) {
	defer op.Close()
	var out []*value.Batch
	for {
		b, err := op.Next()
		if err != nil {
			return out, err
		}
		if b == nil {
			return out, nil
		}
		if b.N > 0 {
			out = append(out, b)
		}
	}
}

// checkCtx returns the context's error, if it is done.
func (env *Env) checkCtx() error {
	if env.Ctx == nil {
		return nil
	}
	return env.Ctx.Err()
}
