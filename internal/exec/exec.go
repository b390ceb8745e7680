// Package exec runs logical plans over columnar batches. Each plan node
// becomes an Operator; operators pull batches from their inputs, so a
// scan streams and memory grows only where an operator must hold rows
// (aggregation keeps one state per group, sort keeps its input).
//
// Batches are read-only. A batch that Next returns may be held by several
// consumers at once (a Broadcast hands one batch to every query that reads
// the table, a cached result is replayed to each of its readers, a filter
// passes its input batch on when every row matches), so no one may modify
// a batch or its columns after returning it; an operator that needs other
// rows or columns makes new ones (value.Batch.Take, new columns).
//
// The context of a run flows through Next; operators do not keep it. Each
// operator checks ctx.Err() on every Next and, where it loops over many
// input batches or rows without returning, inside that loop, so that a
// cancelled run stops within a fraction of a second.
//
// Memory is bounded by Env.Limits (see Limits): operators that hold rows
// account for them, and a backstop watches the Go heap for what the
// accounting misses. Both fail the run with a *LimitError.
package exec

import (
	"context"
	"errors"
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Operator produces the rows of a plan node batch by batch.
type Operator interface {
	// Next returns the next batch, or nil, nil when there are no more
	// rows. The batch is read-only and may be shared by several
	// consumers: neither the caller nor the operator may modify it. Next
	// returns ctx.Err() soon after ctx is done; the operator does not keep
	// ctx beyond the call.
	Next(ctx context.Context) (*value.Batch, error)
	// Close releases the operator's inputs and the rows it holds. It may
	// be called before the rows are exhausted, and is called once.
	Close() error
}

// Source provides table data to scans.
type Source interface {
	// Scan returns an operator that yields the columns cols of table, in
	// that order and with the table's types.
	Scan(table *schema.Table, cols []int) (Operator, error)
}

// PrefilterSource is a Source that can skip, without decoding them, the
// records whose raw bytes fail a prefilter (plan.Scan.Pre). A scan with
// a prefilter may still yield rows that fail it, never fewer rows that
// pass the filters above it.
type PrefilterSource interface {
	Source
	// ScanPrefiltered is Scan of the records that may satisfy pre; a
	// nil pre reads every record.
	ScanPrefiltered(table *schema.Table, cols []int, pre *prefilter.Cond) (Operator, error)
}

// RoutingSource is a PrefilterSource that also tells, for each row, which
// of several prefilters (one per query reading the table in one pass) its
// record may satisfy, so that each query gets only its candidate rows.
type RoutingSource interface {
	PrefilterSource
	// ScanRouted is ScanPrefiltered with the or of parts (and the time
	// window win, nil for none, as WindowSource takes it), whose batches
	// hold, after the columns cols, RouteWords(len(parts)) long columns:
	// per row, a bitmap of the parts that its record may satisfy. A clear
	// bit is a promise that no value of the record passes the filters
	// that part was derived from. A nil part is TRUE.
	ScanRouted(table *schema.Table, cols []int, parts []*prefilter.Cond, win *TimeWindow) (Operator, error)
}

// RouteWords is the number of 64-bit words of a bitmap of n parts.
func RouteWords(n int) int { return (n + 63) / 64 }

// scan opens a scan of n on src, with its prefilter when src takes one
// and its time window win (nil for none) when src takes one.
func scan(src Source, n *plan.Scan, win *TimeWindow) (Operator, error) {
	if ws, ok := src.(WindowSource); ok && win != nil {
		return ws.ScanWindow(n.Table, n.Cols, n.Pre, win)
	}
	if ps, ok := src.(PrefilterSource); ok && n.Pre != nil {
		return ps.ScanPrefiltered(n.Table, n.Cols, n.Pre)
	}
	return src.Scan(n.Table, n.Cols)
}

// Env is what a query run needs besides its plan and its context. An Env
// is used by one query run at a time, from one goroutine.
type Env struct {
	Source Source
	Funcs  *funcs.Context
	// Limits bound the resources of the run. Set them before the first
	// Build; the zero value is unlimited.
	Limits Limits
	// mem is the run's memory budget, made from Limits by the first
	// Build; nil when unlimited.
	mem     *budget
	memInit bool
	// subqueries caches the value of each Subquery expression.
	subqueries map[*plan.Subquery]*value.Column
	// lets caches the value of each Let expression.
	lets map[*plan.Let]*value.Column
	// params holds the rows each Param reads while an Apply runs its
	// subplan; caches holds the shared state of each Cache.
	params map[*plan.Param][]*value.Batch
	caches map[*plan.Cache]*cacheState
	// held accounts for what the Env itself keeps for the run (subquery
	// values).
	held account
	// Suppressed counts the rows that exclusions dropped (plan.Exclude);
	// nil until a plan with exclusions is built.
	Suppressed *Suppressed
}

// NewEnv returns an Env reading tables from src, with now as the query's
// current time.
func NewEnv(src Source, now value.Datetime) *Env {
	return &Env{Source: src, Funcs: &funcs.Context{Now: now}}
}

// BatchSize is the number of rows operators aim to put in a batch.
const BatchSize = 1024

// ErrNoData is returned when a plan reads a table that the source has no
// data for and cannot provide as empty.
var ErrNoData = errors.New("no data")

// Build returns the operator tree of node: it builds the inputs of each
// node first, then the node's operator over them. Build does no work
// beyond making operators (a literal table's rows or a take's count are
// evaluated by the first Next), except that externaldata reads its
// files.
func Build(env *Env, node plan.Node) (Operator, error) {
	if !env.memInit {
		env.memInit = true
		env.mem = newBudget(env.Limits)
		env.held = account{mem: env.mem, name: "query"}
	}
	switch n := node.(type) {
	case *plan.Cache:
		// Every path to a Cache shares one run of its input.
		return env.buildCache(n)
	case *plan.Render:
		return Build(env, n.Input)
	}
	inputs := node.Inputs()
	if a, ok := node.(*plan.Apply); ok {
		inputs = []plan.Node{a.Input} // the operator builds Sub per row or partition
	}
	ins := make([]Operator, 0, len(inputs))
	for _, in := range inputs {
		op, err := Build(env, in)
		if err != nil {
			closeAll(ins)
			return nil, err
		}
		ins = append(ins, op)
	}
	op, err := newOperator(env, node, ins)
	if err != nil {
		closeAll(ins)
		return nil, err
	}
	return &guard{op: op, mem: env.mem, name: opName(node)}, nil
}

// newOperator returns the operator of node over its built inputs, one per
// node.Inputs() (Apply: its Input only).
func newOperator(env *Env, node plan.Node, ins []Operator) (Operator, error) {
	switch n := node.(type) {
	case *plan.Scan:
		if env.Source == nil {
			return nil, fmt.Errorf("table '%s': %w", n.Table.Name, ErrNoData)
		}
		return scan(env.Source, n, ScanTimeWindow(n, env.Funcs.Now))
	case *plan.Values:
		return &values{env: env, n: n}, nil
	case *plan.Exclude:
		return newExcluder(env, n, ins[0]), nil
	case *plan.Filter:
		return &filter{env: env, in: ins[0], pred: n.Pred}, nil
	case *plan.Project:
		return &project{env: env, in: ins[0], exprs: n.Exprs}, nil
	case *plan.Aggregate:
		return newAggregate(env, ins[0], n), nil
	case *plan.Sort:
		return newSorter(env, ins[0], n, n.Keys, nil), nil
	case *plan.TopN:
		return newSorter(env, ins[0], n, n.Keys, n.N), nil
	case *plan.Limit:
		return &limiter{env: env, in: ins[0], n: n.N}, nil
	case *plan.MakeSeries:
		return newMakeSeries(env, ins[0], n), nil
	case *plan.Join:
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
		return newApplier(env, ins[0], n), nil
	case *plan.Sample:
		return newSampler(env, ins[0], n), nil
	case *plan.TopNested:
		return newTopNester(env, ins[0], n), nil
	case *plan.Window:
		return newWindower(env, ins[0], n), nil
	case *plan.Rows:
		return &batchList{batches: append([]*value.Batch(nil), n.Batches...)}, nil
	case *plan.BagUnpack:
		return &bagUnpacker{env: env, in: ins[0], n: n}, nil
	case *plan.Pivot:
		return newPivoter(env, ins[0], n), nil
	case *plan.ActivityCounts:
		return newActivityCounter(env, ins[0], n), nil
	case *plan.Deferred:
		return nil, fmt.Errorf("internal error: a plan whose columns depend on the data was run before they were learned")
	case *plan.Range:
		return &ranger{env: env, n: n}, nil
	case *plan.Parse:
		return &parser{env: env, in: ins[0], n: n}, nil
	case *plan.MvExpand:
		return newMvExpander(env, ins[0], n), nil
	case *plan.IPLookup:
		return newIPLookuper(env, n, ins[0], ins[1]), nil
	case *plan.Union:
		return &unioner{n: n, parts: ins}, nil
	}
	return nil, fmt.Errorf("internal error: no operator for %T", node)
}

// closeAll closes ops, returning the first error.
func closeAll(ops []Operator) error {
	var err error
	for _, op := range ops {
		if op == nil {
			continue
		}
		if e := op.Close(); err == nil {
			err = e
		}
	}
	return err
}

// guard wraps every operator that Build makes: each Next first checks the
// context and the heap backstop of the memory budget, and a *LimitError
// coming out of the operator is given the operator's name.
type guard struct {
	op   Operator
	mem  *budget
	name string
}

func (g *guard) Next(ctx context.Context) (*value.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := g.mem.check(); err != nil {
		return nil, named(err, g.name)
	}
	b, err := g.op.Next(ctx)
	if err != nil {
		return nil, named(err, g.name)
	}
	return b, nil
}

func (g *guard) Close() error { return g.op.Close() }

func types(cols []schema.Column) []schema.Type {
	ts := make([]schema.Type, len(cols))
	for i, c := range cols {
		ts[i] = c.Type
	}
	return ts
}

// constInt evaluates a constant integer expression (a row count).
func constInt(ctx context.Context, env *Env, e plan.Expr) (int64, error) {
	col, err := env.Eval(ctx, e, &value.Batch{N: 1})
	if err != nil {
		return 0, err
	}
	v, ok := col.Get(0).(int64)
	if !ok {
		return 0, fmt.Errorf("the row count is null")
	}
	return max(v, 0), nil
}

// Drain reads every batch of op, leaving out empty ones, and closes op.
// On an error it returns the batches read so far with the error.
func Drain(ctx context.Context, op Operator) ([]*value.Batch, error) {
	return drain(ctx, op, nil)
}

// drain is Drain accounting each batch kept to acct (when not nil).
func drain(ctx context.Context, op Operator, acct *account) ([]*value.Batch, error) {
	defer op.Close()
	var out []*value.Batch
	for {
		b, err := op.Next(ctx)
		if err != nil {
			return out, err
		}
		if b == nil {
			return out, nil
		}
		if b.N == 0 {
			continue
		}
		if acct != nil {
			if err := acct.grow(batchBytes(b)); err != nil {
				return out, err
			}
		}
		out = append(out, b)
	}
}
