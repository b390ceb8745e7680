package kql

import (
	"context"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Outcome is the outcome of one query of RunMany.
type Outcome struct {
	Results []*Result
	Err     error
}

// RunMany runs queries over tables in one pass: each table is scanned
// once, whatever the number of queries that read it, and every batch is
// shared by them; the queries run concurrently. The outcome of queries[i]
// is outcomes[i]. A query whose columns depend on the data (bag_unpack,
// pivot) and the per-row subqueries of mv-apply and partition read their
// tables again from tables.
func RunMany(ctx context.Context, queries []*Query, tables Tables, now value.Datetime) []Outcome {
	outcomes := make([]Outcome, len(queries))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b := exec.NewBroadcast(tables)
	for i, q := range queries {
		if q.plans != nil {
			b.Register(i, q.plans)
			// The shared queues are bounded by the largest budget.
			b.Limits.MaxMemory = max(b.Limits.MaxMemory, q.limits.MaxMemory)
		}
	}
	b.Start(ctx)
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
			outcomes[i].Results, outcomes[i].Err = q.Run(ctx, b.Source(i), now)
		}(i, q)
	}
	wg.Wait()
	return outcomes
}
