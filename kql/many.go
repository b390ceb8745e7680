package kql

import (
	"context"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/plan"
)

// Outcome is the outcome of one query of RunMany.
type Outcome struct {
	// Err is the error that stopped the query, or nil.
	Err error
	// Rows counts the rows the query's statements returned.
	Rows int64
	// Suppressed and SuppressedRows count what the query's exclusions
	// dropped, as Result.Suppressed and Result.SuppressedRows do.
	Suppressed     map[string]int64
	SuppressedRows int64
}

// Emit receives a batch of rows of statement stmt of queries[query] as
// RunMany produces it, with the statement's columns. RunMany never calls
// it concurrently; a query's batches arrive in the order of its
// statements and rows, and batches of different queries interleave. An
// error stops that query, and becomes its Outcome.Err.
type Emit func(query, stmt int, cols []Column, b *Batch) error

// RunMany runs queries over tables in one pass: each table is scanned
// once, whatever the number of queries that read it, and every batch is
// shared by them; the queries run concurrently, and their rows stream to
// emit as they are produced, so that memory does not grow with the
// output. The outcome of queries[i] is outcomes[i]. A query whose columns
// depend on the data (bag_unpack, pivot) and the per-row subqueries of
// mv-apply and partition read their tables again from tables.
func RunMany(ctx context.Context, queries []*Query, tables Tables, now Datetime, emit Emit) []Outcome {
	outcomes := make([]Outcome, len(queries))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b := exec.NewBroadcast(engineOf(tables))
	b.Now = now
	for i, q := range queries {
		if q.plans != nil {
			b.Register(i, q.plans)
			// The shared queues are bounded by the largest budget.
			b.Limits.MaxMemory = max(b.Limits.MaxMemory, q.limits.MaxMemory)
		}
	}
	b.Start(ctx)
	var mu sync.Mutex // serializes emit
	var wg sync.WaitGroup
	for i, q := range queries {
		if q.plans == nil {
			outcomes[i].Err = errNotCompiled
			continue
		}
		wg.Add(1)
		go func(i int, q *Query) {
			defer wg.Done()
			defer b.Release(i)
			outcomes[i] = q.stream(ctx, b.Source(i), now, func(stmt int, cols []Column, batch *Batch) error {
				mu.Lock()
				defer mu.Unlock()
				return emit(i, stmt, cols, batch)
			})
		}(i, q)
	}
	wg.Wait()
	return outcomes
}

// stream runs q, handing every non-empty batch to emit.
func (q *Query) stream(ctx context.Context, tables exec.Source, now Datetime, emit func(stmt int, cols []Column, b *Batch) error) (out Outcome) {
	return q.streamWith(ctx, tables, now, nil, emit)
}

// streamWith is stream with openWith's rewrite.
func (q *Query) streamWith(ctx context.Context, tables exec.Source, now Datetime, rewrite func([]plan.Node) []plan.Node, emit func(stmt int, cols []Column, b *Batch) error) (out Outcome) {
	cursors, err := q.openWith(ctx, tables, now, rewrite)
	if err != nil {
		out.Err = err
		return out
	}
	defer func() {
		for _, c := range cursors {
			c.Close()
		}
	}()
	for stmt, c := range cursors {
		for {
			batch, err := c.Next()
			if err != nil {
				out.Err = err
				return out
			}
			if batch == nil {
				break
			}
			if batch.N == 0 {
				continue
			}
			out.Rows += int64(batch.N)
			if err := emit(stmt, c.Columns, batch); err != nil {
				out.Err = err
				return out
			}
		}
	}
	if len(cursors) > 0 {
		out.Suppressed, out.SuppressedRows = cursors[0].Suppressed(), cursors[0].SuppressedRows()
	}
	return out
}
