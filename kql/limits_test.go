package kql_test

import (
	"context"
	"errors"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

// peakHeap runs f while sampling the Go heap every few milliseconds and
// returns the largest heap seen.
func peakHeap(f func()) int64 {
	var peak int64
	sample := func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(s)
		peak = max(peak, int64(s[0].Value.Uint64()))
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	sample()
	return peak
}

// runLimited compiles and runs query with MaxMemory maxMem and a timeout.
func runLimited(t *testing.T, query string, maxMem int64, timeout time.Duration) ([]*kql.Result, error) {
	t.Helper()
	q, err := kql.Compile(query, schema.Defender(), kql.Options{MaxMemory: maxMem})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return q.Run(ctx, kql.NewMemTables(), 0)
}

// count returns the single long of a count query's result.
func countOf(t *testing.T, res []*kql.Result) int64 {
	t.Helper()
	if len(res) != 1 || res[0].Rows() != 1 {
		t.Fatalf("expected one row, got %d results", len(res))
	}
	return res[0].Batches[0].Cols[0].Get(0).(int64)
}

// wantLimit checks that err is the limit error of op under limit.
func wantLimit(t *testing.T, err error, op, msg string) {
	t.Helper()
	if !errors.Is(err, kql.ErrLimit) {
		t.Fatalf("expected an error wrapping kql.ErrLimit, got %v", err)
	}
	var le *exec.LimitError
	if !errors.As(err, &le) || le.Op != op {
		t.Fatalf("expected a *exec.LimitError of %q, got %#v", op, err)
	}
	if err.Error() != msg {
		t.Errorf("expected message %q, got %q", msg, err.Error())
	}
}

const gib = 1 << 30

// TestMemoryLimitLargeArrays: an extend that makes an array of a million
// elements per row would need about 24 GB for 1000 rows; under a budget
// of 256 MiB the run fails with the limit error naming extend (which
// column pruning made a project of some of the columns), quickly
// and without the heap passing 1 GiB.
// https://learn.microsoft.com/kusto/query/range-function
func TestMemoryLimitLargeArrays(t *testing.T) {
	var err error
	start := time.Now()
	peak := peakHeap(func() {
		_, err = runLimited(t, "range i from 1 to 1000 step 1 | extend a=range(i, i+999999, 1) | mv-expand a | count", 256<<20, 30*time.Second)
	})
	wantLimit(t, err, "extend or project", "extend or project: memory limit of 256 MiB exceeded; raise --max-memory or narrow the query")
	if peak > gib {
		t.Errorf("the heap reached %d MiB, expected under 1 GiB", peak>>20)
	}
	t.Logf("failed after %v, heap peak %d MiB", time.Since(start), peak>>20)
}

// TestMemoryLimitMvExpandConstArray: one array of a million elements
// shared by 1000 rows expands to 10^9 rows. mv-expand streams them in
// bounded batches, so the run either counts them all, fails with the
// limit error, or (as here, bounded in time) runs out of time, and the
// heap stays far below 1 GiB in every case.
// https://learn.microsoft.com/kusto/query/mv-expand-operator
func TestMemoryLimitMvExpandConstArray(t *testing.T) {
	var res []*kql.Result
	var err error
	peak := peakHeap(func() {
		res, err = runLimited(t, "range i from 1 to 1000 step 1 | extend a=range(1,1000000,1) | mv-expand a | count", 256<<20, 1500*time.Millisecond)
	})
	switch {
	case err == nil:
		if n := countOf(t, res); n != 1_000_000_000 {
			t.Errorf("expected 1000000000 rows, got %d", n)
		}
	case errors.Is(err, kql.ErrLimit), errors.Is(err, context.DeadlineExceeded):
	default:
		t.Fatalf("expected a count, the limit error or the deadline, got %v", err)
	}
	if peak > gib {
		t.Errorf("the heap reached %d MiB, expected under 1 GiB", peak>>20)
	}
	// A smaller expansion completes with the right count.
	res, err = runLimited(t, "range i from 1 to 3 step 1 | extend a=range(1,1000000,1) | mv-expand a | count", 256<<20, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if n := countOf(t, res); n != 3_000_000 {
		t.Errorf("expected 3000000 rows, got %d", n)
	}
}

// TestMemoryLimitSort: sort holds its input, which it accounts for.
// https://learn.microsoft.com/kusto/query/sort-operator
func TestMemoryLimitSort(t *testing.T) {
	_, err := runLimited(t, `range i from 1 to 200000 step 1 | extend s=strcat("row-", tostring(i)) | sort by s desc`, 1<<20, 30*time.Second)
	wantLimit(t, err, "sort", "sort: memory limit of 1 MiB exceeded; raise --max-memory or narrow the query")
	// top keeps only its best rows, so the same budget is enough.
	res, err := runLimited(t, `range i from 1 to 200000 step 1 | extend s=strcat("row-", tostring(i)) | top 3 by i desc`, 1<<20, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Rows() != 3 || res[0].Batches[0].Cols[0].Get(0) != int64(200000) {
		t.Errorf("expected the rows 200000, 199999, 199998, got %d rows", res[0].Rows())
	}
}

// TestMemoryLimitSummarize: summarize holds one key per group.
// https://learn.microsoft.com/kusto/query/summarize-operator
func TestMemoryLimitSummarize(t *testing.T) {
	_, err := runLimited(t, `range i from 1 to 200000 step 1 | summarize n=count() by k=strcat("key-", tostring(i))`, 1<<20, 30*time.Second)
	wantLimit(t, err, "summarize", "summarize: memory limit of 1 MiB exceeded; raise --max-memory or narrow the query")
	_, err = runLimited(t, `range i from 1 to 200000 step 1 | distinct k=strcat("key-", tostring(i))`, 1<<20, 30*time.Second)
	if !errors.Is(err, kql.ErrLimit) {
		t.Errorf("distinct: expected the limit error, got %v", err)
	}
	// Few groups fit.
	res, err := runLimited(t, `range i from 1 to 200000 step 1 | summarize n=count() by k=i % 3`, 1<<20, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Rows() != 3 {
		t.Errorf("expected 3 groups, got %d", res[0].Rows())
	}
}

// TestMemoryLimitJoin: a join holds its right side.
// https://learn.microsoft.com/kusto/query/join-operator
func TestMemoryLimitJoin(t *testing.T) {
	_, err := runLimited(t, `range i from 1 to 10 step 1 | join kind=inner (range i from 1 to 200000 step 1 | extend s=strcat("row-", tostring(i))) on i | count`, 1<<20, 30*time.Second)
	wantLimit(t, err, "join", "join: memory limit of 1 MiB exceeded; raise --max-memory or narrow the query")
}

// TestMemoryLimitActivityCounts: activity_counts_metrics and
// sliding_window_counts hold one set of distinct ids per window.
// https://learn.microsoft.com/kusto/query/activity-counts-metrics-plugin
func TestMemoryLimitActivityCounts(t *testing.T) {
	const rows = `range i from 1 to 200000 step 1 | extend id=strcat("user-", tostring(i)), t=datetime(2026-01-01) + (i % 3) * 1d`
	_, err := runLimited(t, rows+` | evaluate activity_counts_metrics(id, t, datetime(2026-01-01), datetime(2026-01-03), 1d)`, 1<<20, 30*time.Second)
	wantLimit(t, err, "activity_counts_metrics", "activity_counts_metrics: memory limit of 1 MiB exceeded; raise --max-memory or narrow the query")
	_, err = runLimited(t, rows+` | evaluate sliding_window_counts(id, t, datetime(2026-01-01), datetime(2026-01-03), 2d, 1d)`, 1<<20, 30*time.Second)
	wantLimit(t, err, "sliding_window_counts", "sliding_window_counts: memory limit of 1 MiB exceeded; raise --max-memory or narrow the query")
	// Few distinct ids fit.
	res, err := runLimited(t, `range i from 1 to 200000 step 1 | extend id=i % 5, t=datetime(2026-01-01) + (i % 3) * 1d
		| evaluate activity_counts_metrics(id, t, datetime(2026-01-01), datetime(2026-01-03), 1d)`, 1<<20, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Rows() != 3 {
		t.Errorf("expected 3 windows, got %d", res[0].Rows())
	}
}

// TestNoLimit: without MaxMemory the same queries run.
func TestNoLimit(t *testing.T) {
	res, err := runLimited(t, `range i from 1 to 200000 step 1 | extend s=strcat("row-", tostring(i)) | sort by s desc | count`, 0, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if n := countOf(t, res); n != 200000 {
		t.Errorf("expected 200000 rows, got %d", n)
	}
}

// cursorBatches opens query and returns the size of each batch of its
// first result.
func cursorBatches(t *testing.T, query string) []int {
	t.Helper()
	q, err := kql.Compile(query, schema.Defender(), kql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := q.Open(context.Background(), kql.NewMemTables(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, c := range cs {
			c.Close()
		}
	}()
	var sizes []int
	for {
		b, err := cs[0].Next()
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			return sizes
		}
		sizes = append(sizes, b.N)
	}
}

// checkBatches checks that sizes add up to total, each at most
// exec.BatchSize.
func checkBatches(t *testing.T, what string, sizes []int, total int) {
	t.Helper()
	sum := 0
	for _, n := range sizes {
		if n > exec.BatchSize {
			t.Errorf("%s: a batch of %d rows, expected at most %d", what, n, exec.BatchSize)
		}
		sum += n
	}
	if sum != total {
		t.Errorf("%s: expected %d rows, got %d", what, total, sum)
	}
}

// TestBoundedBatches: mv-expand and join yield batches of at most
// BatchSize rows however many rows one input row makes, and mv-expand's
// limit bounds the rows of each input row.
// https://learn.microsoft.com/kusto/query/mv-expand-operator
// https://learn.microsoft.com/kusto/query/join-operator
func TestBoundedBatches(t *testing.T) {
	checkBatches(t, "mv-expand", cursorBatches(t, "print a=range(1, 5000, 1) | mv-expand a"), 5000)
	checkBatches(t, "mv-expand of several rows", cursorBatches(t, "range i from 1 to 3 step 1 | extend a=range(1, 3000, 1) | mv-expand a"), 9000)
	checkBatches(t, "mv-expand limit", cursorBatches(t, "print a=range(1, 5000, 1) | mv-expand a limit 10"), 10)
	checkBatches(t, "mv-expand limit per row", cursorBatches(t, "range i from 1 to 3 step 1 | extend a=range(1, 5, 1) | mv-expand a limit 2"), 6)
	checkBatches(t, "join", cursorBatches(t, "range i from 1 to 3000 step 1 | extend k=1 | join kind=inner (range j from 1 to 3 step 1 | extend k=1) on k"), 9000)
	checkBatches(t, "leftouter join", cursorBatches(t, "range i from 1 to 3000 step 1 | extend k=i % 2 | join kind=leftouter (range j from 1 to 3 step 1 | extend k=1) on k"), 1500*3+1500)
	checkBatches(t, "rightanti join", cursorBatches(t, "range i from 1 to 3 step 1 | extend k=-1 | join kind=rightanti (range j from 1 to 3000 step 1 | extend k=j) on k"), 3000)
	checkBatches(t, "sort", cursorBatches(t, "range i from 1 to 5000 step 1 | sort by i desc"), 5000)
}

// endless is a Source whose every table yields 1024-row batches forever.
type endless struct{}

func (endless) Scan(t *schema.Table, cols []int) (exec.Operator, error) {
	b := value.NewBatch(nil, 0)
	for _, c := range cols {
		b.Cols = append(b.Cols, value.ConstColumn(t.Columns[c].Type, nil))
	}
	b.N = exec.BatchSize
	return endlessScan{b}, nil
}

type endlessScan struct{ b *value.Batch }

func (s endlessScan) Next(context.Context) (*value.Batch, error) { return s.b, nil }
func (s endlessScan) Close() error                               { return nil }

// TestCancelStopsRun: a filter that drops every row of an endless table
// never returns a batch, yet a cancelled run stops within a second.
func TestCancelStopsRun(t *testing.T) {
	for _, query := range []string{
		`DeviceProcessEvents | where FileName == "never" | count`,
		`DeviceProcessEvents | where FileName == "never" | summarize count() by DeviceName`,
		`DeviceProcessEvents | where FileName == "never" | sort by Timestamp`,
		`DeviceProcessEvents | where FileName == "never" | join (DeviceProcessEvents) on DeviceId`,
	} {
		q, err := kql.Compile(query, schema.Defender(), kql.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		_, err = q.Run(ctx, kql.TablesOf(endless{}), 0)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: expected context.Canceled, got %v", query, err)
		}
		if el := time.Since(start); el > 3*time.Second {
			t.Errorf("%s: the run took %v, expected to stop within 3s of the cancellation at 50ms", query, el)
		}
		cancel()
	}
}
