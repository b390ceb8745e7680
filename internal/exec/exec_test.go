package exec

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

var testTable = schema.NewTable("T", []schema.Column{{Name: "s", Type: schema.String}})

// stringBatches returns n batches of size rows of testTable.
func stringBatches(n, size int) []*value.Batch {
	var out []*value.Batch
	for i := 0; i < n; i++ {
		b := value.NewBatch([]schema.Type{schema.String}, size)
		for r := 0; r < size; r++ {
			b.Cols[0].Append(strings.Repeat("x", 100))
		}
		b.N = size
		out = append(out, b)
	}
	return out
}

// closeCounter is a Source whose scans count their Close calls.
type closeCounter struct {
	mem    *MemSource
	closed int
	opened int
}

func (c *closeCounter) Scan(t *schema.Table, cols []int) (Operator, error) {
	op, err := c.mem.Scan(t, cols)
	if err != nil {
		return nil, err
	}
	c.opened++
	return &countClose{Operator: op, c: c}, nil
}

type countClose struct {
	Operator
	c *closeCounter
}

func (o *countClose) Close() error {
	o.c.closed++
	return o.Operator.Close()
}

// TestBuildClosesInputsOnFailure: when a node's input or constructor
// fails, the inputs already built are closed.
func TestBuildClosesInputsOnFailure(t *testing.T) {
	src := &closeCounter{mem: NewMemSource()}
	src.mem.Add(testTable, stringBatches(1, 3))
	env := NewEnv(src, 0)
	scan := &plan.Scan{Table: testTable, Cols: []int{0}}
	bad := &plan.Deferred{Input: scan, Cols: testTable.Columns}
	u := &plan.Union{Parts: []plan.Node{scan, bad}, Maps: [][]int{{0}, {0}}, Cols: testTable.Columns, SourceCol: -1}
	if _, err := Build(env, u); err == nil {
		t.Fatal("expected an error building a Deferred")
	}
	if src.opened != 2 || src.closed != 2 {
		t.Errorf("expected the 2 scans built to be closed, got %d opened, %d closed", src.opened, src.closed)
	}
}

// emptyBatches yields an empty batch between every two batches.
type emptyBatches struct {
	batches []*value.Batch
	closed  bool
}

func (e *emptyBatches) Next(context.Context) (*value.Batch, error) {
	if len(e.batches) == 0 {
		return nil, nil
	}
	b := e.batches[0]
	e.batches = e.batches[1:]
	return b, nil
}

func (e *emptyBatches) Close() error { e.closed = true; return nil }

// TestDrain: Drain leaves out empty batches, closes the operator, and
// stops at a cancelled context.
func TestDrain(t *testing.T) {
	full := stringBatches(2, 2)
	op := &emptyBatches{batches: []*value.Batch{full[0], {N: 0}, full[1], {N: 0}}}
	got, err := Drain(context.Background(), op)
	if err != nil || len(got) != 2 || got[0] != full[0] || got[1] != full[1] {
		t.Errorf("expected the 2 non-empty batches, got %d, %v", len(got), err)
	}
	if !op.closed {
		t.Error("expected Drain to close the operator")
	}
	mem := NewMemSource()
	mem.Add(testTable, stringBatches(3, 2))
	env := NewEnv(mem, 0)
	root, err := Build(env, &plan.Scan{Table: testTable, Cols: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Drain(ctx, root); !errors.Is(err, context.Canceled) {
		t.Errorf("expected context.Canceled, got %v", err)
	}
}

// TestBroadcastQueueLimit: a query that scans a table twice and reads
// one scan to the end first queues the other's batches; past the
// budget, that queue fails with the limit error while the scan being
// read goes on to the end.
func TestBroadcastQueueLimit(t *testing.T) {
	mem := NewMemSource()
	mem.Add(testTable, stringBatches(200, 100)) // about 2.3 MB
	scan := &plan.Scan{Table: testTable, Cols: []int{0}}
	u := &plan.Union{Parts: []plan.Node{scan, scan}, Maps: [][]int{{0}, {0}}, Cols: testTable.Columns, SourceCol: -1}
	for _, tc := range []struct {
		limit   int64
		wantErr bool
	}{{1 << 20, true}, {64 << 20, false}, {0, false}} {
		b := NewBroadcast(mem)
		b.Limits = Limits{MaxMemory: tc.limit}
		b.Register(0, []plan.Node{u})
		ctx, cancel := context.WithCancel(context.Background())
		b.Start(ctx)
		src := b.Source(0)
		first, err := src.Scan(testTable, []int{0})
		if err != nil {
			t.Fatal(err)
		}
		second, err := src.Scan(testTable, []int{0})
		if err != nil {
			t.Fatal(err)
		}
		rows := 0
		got, err := Drain(ctx, second)
		for _, g := range got {
			rows += g.N
		}
		if err != nil || rows != 20000 {
			t.Errorf("limit %d: expected the second scan to read 20000 rows, got %d, %v", tc.limit, rows, err)
		}
		got, err = Drain(ctx, first)
		var le *LimitError
		switch {
		case tc.wantErr && (!errors.As(err, &le) || le.Limit != tc.limit || le.Op != "table 'T'"):
			t.Errorf("limit %d: expected the first scan to fail with the limit error, got %v", tc.limit, err)
		case !tc.wantErr && err != nil:
			t.Errorf("limit %d: %v", tc.limit, err)
		case !tc.wantErr:
			rows = 0
			for _, g := range got {
				rows += g.N
			}
			if rows != 20000 {
				t.Errorf("limit %d: expected the first scan to read 20000 rows, got %d", tc.limit, rows)
			}
		}
		cancel()
	}
}

// TestFormatBytes pins the sizes the limit error shows.
func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{512: "512 bytes", 1 << 20: "1 MiB", 512 << 20: "512 MiB", 3 << 29: "1.5 GiB", 2 << 40: "2 TiB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d): expected %q, got %q", n, want, got)
		}
	}
	e := &LimitError{Op: "mv-expand", Limit: 512 << 20}
	if got, want := e.Error(), "mv-expand: memory limit of 512 MiB exceeded; raise --max-memory or narrow the query"; got != want {
		t.Errorf("expected %q, got %q", want, got)
	}
	if !errors.Is(e, ErrLimit) {
		t.Error("expected a LimitError to wrap ErrLimit")
	}
}

// bigState is an aggregate state that says it holds 1 KiB per row.
type bigState struct{ rows int64 }

func (s *bigState) Update(groups []int, args []*value.Column, n int) { s.rows += int64(n) }
func (s *bigState) Result(outs []*value.Column, ngroups int) {
	for g := 0; g < ngroups; g++ {
		outs[0].Append(s.rows)
	}
}
func (s *bigState) MemBytes() int64 { return s.rows << 10 }

// TestAggregateStateSize: summarize accounts for the states that say
// their size, and names itself when they exceed the budget.
func TestAggregateStateSize(t *testing.T) {
	mem := NewMemSource()
	mem.Add(testTable, stringBatches(10, 100))
	sig := &funcs.AggSig{New: func([]schema.Type) funcs.AggState { return &bigState{} }}
	agg := &plan.Aggregate{
		Input: &plan.Scan{Table: testTable, Cols: []int{0}},
		Aggs:  []*plan.AggCall{{Fn: &funcs.Agg{Name: "big"}, Sig: sig, T: schema.Long}},
		Cols:  []schema.Column{{Name: "n", Type: schema.Long}},
	}
	for _, tc := range []struct {
		limit   int64
		wantErr bool
	}{{512 << 10, true}, {4 << 20, false}} {
		env := NewEnv(mem, 0)
		env.Limits = Limits{MaxMemory: tc.limit}
		op, err := Build(env, agg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Drain(context.Background(), op)
		var le *LimitError
		switch {
		case tc.wantErr && (!errors.As(err, &le) || le.Op != "summarize"):
			t.Errorf("limit %d: expected the limit error of summarize, got %v", tc.limit, err)
		case !tc.wantErr && (err != nil || len(got) != 1 || got[0].Cols[0].Get(0) != int64(1000)):
			t.Errorf("limit %d: expected one row of 1000, got %v", tc.limit, err)
		}
		if used := env.mem.used.Load(); used != 0 {
			t.Errorf("limit %d: expected everything released after Close, %d bytes still held", tc.limit, used)
		}
	}
}
