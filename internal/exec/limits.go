package exec

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Limits bound the resources of a query run.
//
// MaxMemory bounds the memory of a run, in bytes (0: unlimited). It is
// enforced two ways, both approximate:
//
//   - Accounting. The operators that hold rows count what they hold:
//     sort and top (which keeps O(N) rows), summarize and distinct (the
//     groups' keys, and the states that implement MemBytes() int64, see
//     sizer), join and lookup (the build side), ipv4_lookup, top-nested,
//     make-series (its cells, and its arrays before they are made),
//     pivot, materialize, the window functions' serialized input,
//     sample, partition, toscalar values, and the queues of a Broadcast.
//     Sizes are estimates of Go's representation (8 bytes per number, 16
//     per string or dynamic value plus its contents); a value that
//     several batches share counts once per batch.
//   - A heap backstop for what the accounting misses (make_list states
//     that do not say their size, an extend that builds large arrays).
//     Every operator's Next compares the Go heap with the heap when the
//     run began plus MaxMemory; so does Eval between chunks of rows when
//     a batch's values turn out large (see Env.Eval). The heap counts
//     garbage, so when it is over, a collection runs first (no sooner
//     than the live heap could have passed the budget) and only a live
//     heap still over fails the run, naming the operator that holds the
//     most. The heap is
//     the process's: runs in parallel (a hunt) count each other's growth,
//     so the backstop bounds their sum.
//
// Exceeding MaxMemory fails the run with a *LimitError naming the
// operator. exec does not call debug.SetMemoryLimit: that limit is the
// process's, not a run's, and it makes the collector work harder rather
// than stop a run.
type Limits struct {
	MaxMemory int64
}

// ErrLimit is wrapped by every *LimitError, and by funcs.LimitError: a
// query stopped by a resource limit.
var ErrLimit = funcs.ErrLimit

// LimitError is the error of a run that exceeded its Limits.
type LimitError struct {
	// Op is the operator that exceeded the limit, as the query names it
	// (sort, summarize, mv-expand, ...).
	Op string
	// Limit is the limit in bytes.
	Limit int64
}

func (e *LimitError) Error() string {
	op := e.Op
	if op == "" {
		op = "query"
	}
	return fmt.Sprintf("%s: memory limit of %s exceeded; raise --max-memory or narrow the query", op, FormatBytes(e.Limit))
}

// Unwrap returns ErrLimit.
func (e *LimitError) Unwrap() error { return ErrLimit }

// named gives a *LimitError in err the operator name op, unless it has
// one.
func named(err error, op string) error {
	var le *LimitError
	if errors.As(err, &le) && le.Op == "" {
		le.Op = op
	}
	return err
}

// FormatBytes renders a byte count as people write memory sizes: 512 MiB,
// 1.5 GiB, 4096 bytes.
func FormatBytes(n int64) string {
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	f := float64(n)
	u := -1
	for f >= 1024 && u < len(units)-1 {
		f /= 1024
		u++
	}
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d %s", int64(f), units[u])
	}
	return fmt.Sprintf("%.1f %s", f, units[u])
}

// budget is the memory budget of one run (or of one Broadcast). It is
// safe for concurrent use. A nil *budget is unlimited.
type budget struct {
	max  int64
	used atomic.Int64
	// base is the live heap when the budget was made.
	base int64
	// tripped is set once the heap backstop failed the run, so that
	// later checks fail at once.
	tripped atomic.Bool

	mu sync.Mutex
	// nextGC is the count of bytes allocated (allocated()) before which
	// the live heap cannot exceed the budget, so that a collection to find
	// out is not worth forcing.
	nextGC int64
	// top is the account holding the most, to name in the backstop's
	// errors: the operator that checks the heap is not the one that
	// holds it.
	top *account
}

func newBudget(l Limits) *budget {
	if l.MaxMemory <= 0 {
		return nil
	}
	m := &budget{max: l.MaxMemory}
	// The heap when the run begins holds garbage too, which makes the
	// backstop lenient by that much; a collection here would be exact,
	// but too costly for the many runs of a hunt.
	m.base = heapObjects()
	return m
}

func sampleInt(s metrics.Sample) int64 {
	if s.Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s.Value.Uint64())
}

// add adds n bytes (negative to release) to what the run holds and fails
// when that exceeds the budget.
func (m *budget) add(n int64) error {
	if m == nil {
		return nil
	}
	if m.used.Add(n) > m.max && n > 0 {
		return &LimitError{Limit: m.max}
	}
	return nil
}

// heapObjects returns the bytes of the heap's objects, live or not yet
// collected.
func heapObjects() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return sampleInt(s[0])
}

// check is the heap backstop: it fails when the live heap has grown by
// more than the budget since the budget was made. It costs a read of
// runtime/metrics (well under a microsecond) when the heap is under the
// budget.
func (m *budget) check() error {
	if m == nil {
		return nil
	}
	if m.tripped.Load() {
		return &LimitError{Limit: m.max}
	}
	if heapObjects()-m.base <= m.max {
		return nil
	}
	// The heap counts garbage: collect it and look again. After a
	// collection that found live bytes under the budget, the live heap
	// cannot pass the budget before that many bytes more are allocated,
	// so the next collection waits for them (and for at least a 16th of
	// the budget, so that collections stay rare near the limit).
	m.mu.Lock()
	defer m.mu.Unlock()
	if allocated() < m.nextGC {
		return nil
	}
	runtime.GC()
	live := heapObjects() - m.base
	if live <= m.max {
		m.nextGC = allocated() + max(m.max-live, m.max/16)
		return nil
	}
	m.tripped.Store(true)
	e := &LimitError{Limit: m.max}
	if m.top != nil && m.top.held >= m.max/4 {
		e.Op = m.top.name
	}
	return e
}

// account is one holder's share of a budget: what it added, so that it
// can give it back. An account of a nil budget counts nothing.
type account struct {
	mem  *budget
	name string // the holder, for messages
	held int64  // guarded by mem.mu
}

// account returns an account of env's budget for the operator of node.
func (env *Env) account(node plan.Node) account {
	return account{mem: env.mem, name: opName(node)}
}

// grow counts n more bytes held. It fails, naming the holder, when the
// budget is exceeded.
func (a *account) grow(n int64) error {
	m := a.mem
	if m == nil {
		return nil
	}
	m.mu.Lock()
	a.held += n
	if m.top == nil || a.held > m.top.held {
		m.top = a
	}
	m.mu.Unlock()
	if err := m.add(n); err != nil {
		return named(err, a.name)
	}
	return nil
}

// release gives back everything held.
func (a *account) release() {
	m := a.mem
	if m == nil {
		return
	}
	m.mu.Lock()
	held := a.held
	a.held = 0
	if m.top == a {
		m.top = nil
	}
	m.mu.Unlock()
	m.add(-held)
}

// sizer is implemented by aggregate states (funcs.AggState) that know
// their memory: MemBytes returns an estimate of the bytes the state holds,
// in O(1) (a counter kept by Update). Operators account for the growth of
// such states; the others are left to the heap backstop.
type sizer interface {
	MemBytes() int64
}

// stateGrowth returns how much the states that implement sizer grew since
// the sizes in last, which it updates.
func stateGrowth(states []funcs.AggState, last []int64) int64 {
	grown := int64(0)
	for i, st := range states {
		if sz, ok := st.(sizer); ok {
			n := sz.MemBytes()
			grown += n - last[i]
			last[i] = n
		}
	}
	return grown
}

// Sizes, as Go holds values: the estimates the accounting uses.
const (
	wordBytes  = 8
	boxBytes   = 16 // an interface or a string header
	sliceBytes = 24
	// entryBytes is the overhead of a hash table entry with its key.
	entryBytes = 48
)

// batchBytes estimates the memory of b's columns.
func batchBytes(b *value.Batch) int64 {
	n := int64(0)
	for _, c := range b.Cols {
		n += columnBytes(c, b.N)
	}
	return n
}

// columnBytes estimates the memory of n rows of c (one value when c is
// Const).
func columnBytes(c *value.Column, n int) int64 {
	if c.Const {
		return boxBytes + rowBytes(c, 0)
	}
	size := int64(len(c.Nulls))
	switch value.Storage(c.Type) {
	case value.StoreBool:
		return size + int64(len(c.Bools))
	case value.StoreInt:
		return size + wordBytes*int64(len(c.Ints))
	case value.StoreReal:
		return size + wordBytes*int64(len(c.Reals))
	case value.StoreString:
		size += boxBytes * int64(len(c.Strs))
		for _, s := range c.Strs {
			size += int64(len(s))
		}
		return size
	}
	size += boxBytes * int64(len(c.Dyns))
	for _, v := range c.Dyns {
		size += dynBytes(v)
	}
	return size
}

// rowBytes estimates the memory of row i of c, beyond its slot.
func rowBytes(c *value.Column, i int) int64 {
	i = c.Row(i)
	switch value.Storage(c.Type) {
	case value.StoreString:
		return boxBytes + int64(len(c.Strs[i]))
	case value.StoreAny:
		return boxBytes + dynBytes(c.Dyns[i])
	}
	return wordBytes
}

// dynBytes estimates the memory a dynamic value points to.
func dynBytes(v any) int64 {
	switch v := v.(type) {
	case string:
		return int64(len(v))
	case []any:
		n := int64(sliceBytes + boxBytes*len(v))
		for _, e := range v {
			n += dynBytes(e)
		}
		return n
	case *value.Bag:
		n := int64(2*sliceBytes + 2*boxBytes*len(v.Keys))
		for i, k := range v.Keys {
			n += int64(len(k)) + dynBytes(v.Vals[i])
		}
		return n
	case nil, bool:
		return 0
	}
	return wordBytes
}

// opName is how a query names the operator of node, for messages.
func opName(node plan.Node) string {
	switch n := node.(type) {
	case *plan.Scan:
		return "table '" + n.Table.Name + "'"
	case *plan.Values:
		return "datatable"
	case *plan.Exclude:
		return "exclusions"
	case *plan.Filter:
		return "where"
	case *plan.Project:
		// The rewrites may have pruned what told extend from project.
		switch {
		case isExtend(n):
			return "extend"
		case !computes(n):
			return "project"
		}
		return "extend or project"
	case *plan.Aggregate:
		return "summarize"
	case *plan.Sort:
		return "sort"
	case *plan.TopN:
		return "top"
	case *plan.Limit:
		return "take"
	case *plan.MakeSeries:
		return "make-series"
	case *plan.Join:
		return "join"
	case *plan.External:
		return "externaldata"
	case *plan.Apply:
		if n.Kind == plan.ApplyPartitions {
			return "partition"
		}
		return "mv-apply"
	case *plan.Sample:
		return "sample"
	case *plan.TopNested:
		return "top-nested"
	case *plan.Window:
		return "serialize"
	case *plan.BagUnpack:
		return "bag_unpack"
	case *plan.Pivot:
		return "pivot"
	case *plan.Range:
		return "range"
	case *plan.Parse:
		return "parse"
	case *plan.MvExpand:
		return "mv-expand"
	case *plan.IPLookup:
		return "ipv4_lookup"
	case *plan.ActivityCounts:
		return n.Plugin()
	case *plan.Union:
		return "union"
	case *plan.Cache:
		return "materialize"
	}
	return "query"
}

// computes tells whether a Project computes a column, rather than only
// choosing columns.
func computes(p *plan.Project) bool {
	for _, e := range p.Exprs {
		if _, ok := e.(*plan.ColRef); !ok {
			return true
		}
	}
	return false
}

// isExtend tells whether a Project keeps every input column in place and
// adds columns, as extend does.
func isExtend(p *plan.Project) bool {
	in := p.Input.Schema()
	if len(p.Exprs) <= len(in) {
		return false
	}
	for i := range in {
		if r, ok := p.Exprs[i].(*plan.ColRef); !ok || r.Index != i {
			return false
		}
	}
	return true
}
