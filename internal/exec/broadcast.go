package exec

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Broadcast reads each table once for many queries: every query registers
// the scans its plans will make, Start opens one scan per table with the
// columns any of them needs, and each batch goes to every subscriber,
// which keeps the columns its own scan asked for.
//
// A query whose plans scan once gets a bounded queue, so that the reader
// waits for it and memory stays bounded; a query that scans several times
// (a join, a union, a subquery) may read its scans in any order, so its
// queues grow as needed rather than stall the reader. Scans a query makes
// beyond those its plans showed when registered (the subquery of mv-apply
// or partition, run per row) read the source directly.
//
// The batches queued for queries that scan several times count against
// Limits.MaxMemory, all tables and queries together: when a batch would
// exceed it, the reader waits for a consumer to take a batch, and when
// none does for stallTimeout (the queries are busy with their other
// scans), the subscription of the table whose queue holds the most (the
// query furthest behind) fails with a *LimitError; the other
// subscriptions go on. The batches are shared, so a batch queued for
// several queries counts for each.
//
// When the source takes prefilters (PrefilterSource), a table's reader
// skips the records that fail the or of its subscribers' prefilters
// (plan.Scan.Pre), and none when one of them has none: each query still
// applies its own filters, so its rows are the same. Likewise, when the
// source takes time windows (WindowSource), the reader reads the union of
// its subscribers' windows (plan.Scan.Windows with now() at Now), and
// every row when one of them has none. When the source also routes rows
// (RoutingSource), each subscriber gets only the rows whose records may
// satisfy its own prefilter: a rule of a pack does not evaluate its
// filters on the candidates of the others.
//
// A Broadcast is used for one run of the queries: Register them all, set
// Limits, then Start, then run each with Source(id).
type Broadcast struct {
	// Limits bound the queued batches; the zero value is unlimited.
	Limits Limits
	// Now is the queries' now(), for their scans' time windows; set it
	// before Register.
	Now    value.Datetime
	src    Source
	tables map[string]*broadcastTable
	byID   map[int]*querySource
}

// broadcastTable is one table's reader and subscribers.
type broadcastTable struct {
	table *schema.Table
	cols  []int // union of the columns the subscribers ask for, sorted
	subs  []*subscriber
	// pre is the or of the subscribers' prefilters, win the union of
	// their time windows, set by Start.
	pre *prefilter.Cond
	win *TimeWindow
}

// queueBound is how many batches a bounded subscriber may hold.
const queueBound = 4

// NewBroadcast returns a Broadcast reading from src.
func NewBroadcast(src Source) *Broadcast {
	return &Broadcast{src: src, tables: map[string]*broadcastTable{}, byID: map[int]*querySource{}}
}

// Register records the scans of one query's plans under id.
func (b *Broadcast) Register(id int, plans []plan.Node) {
	var scans []*plan.Scan
	for _, p := range plans {
		scans = append(scans, scansOf(p)...)
	}
	qs := &querySource{src: b.src, pending: map[string][]*subscriber{}}
	b.byID[id] = qs
	for _, s := range scans {
		t := b.tables[s.Table.Name]
		if t == nil {
			t = &broadcastTable{table: s.Table}
			b.tables[s.Table.Name] = t
		}
		sub := &subscriber{cols: s.Cols, bound: 0, table: s.Table.Name, pre: s.Pre, win: ScanTimeWindow(s, b.Now)}
		if len(scans) == 1 {
			sub.bound = queueBound
		}
		sub.cond = sync.NewCond(&sub.mu)
		t.subs = append(t.subs, sub)
		qs.pending[s.Table.Name] = append(qs.pending[s.Table.Name], sub)
	}
}

// scansOf lists the scans a plan's Build makes: one per path to a Scan
// node, including the plans of subqueries in expressions, but not the
// subplans that Apply builds per row or partition.
func scansOf(n plan.Node) []*plan.Scan {
	var out []*plan.Scan
	var visit func(n plan.Node)
	visit = func(n plan.Node) {
		switch n := n.(type) {
		case *plan.Scan:
			out = append(out, n)
			return
		case *plan.Apply:
			visit(n.Input)
			return
		}
		for _, sub := range plan.Subplans(n) {
			visit(sub)
		}
		for _, in := range n.Inputs() {
			visit(in)
		}
	}
	visit(n)
	return out
}

// Source returns the Source that query id must run with: its scans read
// the broadcast.
func (b *Broadcast) Source(id int) Source { return b.byID[id] }

// Start starts one reader per registered table. Each reader stops at the
// end of its table, at its first error (which every subscriber then
// returns), or when ctx is done.
func (b *Broadcast) Start(ctx context.Context) {
	mem := newBudget(b.Limits)
	progress := make(chan struct{}, 1)
	names := make([]string, 0, len(b.tables))
	for n := range b.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t := b.tables[n]
		seen := map[int]bool{}
		for _, s := range t.subs {
			for _, c := range s.cols {
				seen[c] = true
			}
		}
		for c := range seen {
			t.cols = append(t.cols, c)
		}
		sort.Ints(t.cols)
		pres := make([]*prefilter.Cond, len(t.subs))
		for i, s := range t.subs {
			pres[i] = s.pre
		}
		t.pre = prefilter.Or(pres...)
		t.win = t.subs[0].win
		for _, s := range t.subs[1:] {
			t.win = t.win.union(s.win)
		}
		index := make(map[int]int, len(t.cols))
		for i, c := range t.cols {
			index[c] = i
		}
		for _, s := range t.subs {
			s.mem, s.progress = mem, progress
			s.pick = make([]int, len(s.cols))
			for i, c := range s.cols {
				s.pick[i] = index[c]
			}
		}
		go b.read(ctx, t, progress)
	}
}

// stallTimeout is how long a reader past the budget waits for a consumer
// to take a batch before it fails the query furthest behind.
const stallTimeout = 100 * time.Millisecond

func (b *Broadcast) read(ctx context.Context, t *broadcastTable, progress <-chan struct{}) {
	finish := func(err error) {
		for _, s := range t.subs {
			s.finish(err)
		}
	}
	var op Operator
	var err error
	rs, routed := b.src.(RoutingSource)
	routed = routed && t.pre != nil && len(t.subs) > 1
	if routed {
		parts := make([]*prefilter.Cond, len(t.subs))
		for i, s := range t.subs {
			parts[i] = s.pre
		}
		op, err = rs.ScanRouted(t.table, t.cols, parts, t.win)
	} else {
		op, err = scan(b.src, &plan.Scan{Table: t.table, Cols: t.cols, Pre: t.pre}, t.win)
	}
	if err != nil {
		finish(err)
		return
	}
	defer op.Close()
	var rows []int
	for {
		if err := ctx.Err(); err != nil {
			finish(err)
			return
		}
		batch, err := op.Next(ctx)
		if err != nil || batch == nil {
			finish(err)
			return
		}
		live := false
		size := int64(-1) // computed once, if an unbounded queue needs it
		for i, s := range t.subs {
			sb := batch
			if routed {
				var all bool
				rows, all = routedRows(batch, len(t.cols), i, rows[:0])
				if len(rows) == 0 {
					live = live || s.reading()
					continue
				}
				if !all {
					sb = batch.Take(rows)
				}
			}
			sz := size
			if s.bound == 0 && s.mem != nil && sz < 0 {
				sz = batchBytes(sb)
				if sb == batch {
					size = sz
				}
			}
			for {
				ok, over := s.push(sb, sz)
				if !over {
					live = live || ok
					break
				}
				// Past the budget: wait for a consumer to take a batch;
				// when none does for a while, the queries are reading
				// other scans first, and the one furthest behind fails.
				select {
				case <-progress:
					continue
				case <-ctx.Done():
					finish(ctx.Err())
					return
				case <-time.After(stallTimeout):
				}
				victim := t.largest()
				if victim == nil {
					victim = s
				}
				victim.fail(&LimitError{Op: "table '" + victim.table + "'", Limit: s.mem.max})
				if victim == s {
					break
				}
			}
		}
		if !live {
			finish(nil)
			return
		}
	}
}

// routedRows appends to rows the rows of b, a batch of a routed scan
// whose bitmaps start at column words, that part i may keep; all reports
// that they are every row.
func routedRows(b *value.Batch, words, i int, rows []int) ([]int, bool) {
	c := b.Cols[words+i/64]
	bit := uint64(1) << (i % 64)
	if c.Const {
		if uint64(c.Ints[0])&bit == 0 {
			return rows, false
		}
		for r := range b.N {
			rows = append(rows, r)
		}
		return rows, true
	}
	for r, w := range c.Ints[:b.N] {
		if uint64(w)&bit != 0 {
			rows = append(rows, r)
		}
	}
	return rows, len(rows) == b.N
}

// reading reports whether the subscriber still takes batches.
func (s *subscriber) reading() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.closed && !s.done
}

// subscriber is one scan's queue of batches.
type subscriber struct {
	cols  []int // the table columns the scan asked for
	pre   *prefilter.Cond
	win   *TimeWindow // the scan's time window, nil for none
	pick  []int       // their positions in the broadcast batches
	bound int         // 0: unbounded
	table string      // the table's name, for messages
	// mem counts the batches of an unbounded queue (nil: unlimited);
	// progress is signalled when such a batch leaves the queue.
	mem      *budget
	progress chan<- struct{}

	mu      sync.Mutex
	cond    *sync.Cond
	queue   []queued
	held    int64 // bytes of the queue, counted in mem
	done    bool  // the reader finished, or the queue failed
	err     error // the reader's error, or the queue's
	closed  bool  // the consumer stopped reading
	claimed bool
}

// queued is a batch in a queue and the bytes it counts for.
type queued struct {
	b    *value.Batch
	size int64
}

// push queues a batch of size bytes, waiting while a bounded queue is
// full. It reports whether the subscriber still reads, and over when an
// unbounded queue would exceed the budget (the batch is then not queued).
func (s *subscriber) push(b *value.Batch, size int64) (live, over bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.bound > 0 && len(s.queue) >= s.bound && !s.closed {
		s.cond.Wait()
	}
	if s.closed || s.done {
		return false, false
	}
	q := queued{b: b}
	if s.bound == 0 && s.mem != nil {
		if err := s.mem.add(size); err != nil {
			s.mem.add(-size)
			return true, true
		}
		q.size = size
		s.held += size
	}
	s.queue = append(s.queue, q)
	s.cond.Broadcast()
	return true, false
}

// fail ends the subscription with err, dropping its queue.
func (s *subscriber) fail(err error) {
	s.mu.Lock()
	if !s.done {
		s.drop()
		s.done, s.err = true, err
	}
	s.cond.Broadcast()
	s.mu.Unlock()
}

// largest returns the live subscriber of t whose queue holds the most
// bytes, or nil when none holds any.
func (t *broadcastTable) largest() *subscriber {
	var best *subscriber
	var most int64
	for _, s := range t.subs {
		s.mu.Lock()
		if !s.done && !s.closed && s.held > most {
			best, most = s, s.held
		}
		s.mu.Unlock()
	}
	return best
}

// drop empties the queue and gives its bytes back; s.mu is held.
func (s *subscriber) drop() {
	s.queue = nil
	s.mem.add(-s.held)
	s.held = 0
}

func (s *subscriber) finish(err error) {
	s.mu.Lock()
	if !s.done {
		s.done, s.err = true, err
	}
	s.cond.Broadcast()
	s.mu.Unlock()
}

// Next implements Operator.
func (s *subscriber) Next(ctx context.Context) (*value.Batch, error) {
	s.mu.Lock()
	if len(s.queue) == 0 && !s.done && !s.closed {
		// Wake up when ctx is done, as when a batch comes.
		stop := context.AfterFunc(ctx, func() {
			s.mu.Lock()
			s.cond.Broadcast()
			s.mu.Unlock()
		})
		defer stop()
	}
	for len(s.queue) == 0 && !s.done && !s.closed && ctx.Err() == nil {
		s.cond.Wait()
	}
	if err := ctx.Err(); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if len(s.queue) == 0 {
		err := s.err
		s.mu.Unlock()
		return nil, err
	}
	q := s.queue[0]
	s.queue[0] = queued{}
	s.queue = s.queue[1:]
	if q.size > 0 {
		s.held -= q.size
		s.mem.add(-q.size)
		select {
		case s.progress <- struct{}{}:
		default:
		}
	}
	s.cond.Broadcast()
	s.mu.Unlock()
	b := q.b
	out := &value.Batch{N: b.N, Cols: make([]*value.Column, len(s.pick))}
	for i, j := range s.pick {
		out.Cols[i] = b.Cols[j]
	}
	return out, nil
}

// Close implements Operator: the reader stops sending to it.
func (s *subscriber) Close() error {
	s.mu.Lock()
	s.closed = true
	s.drop()
	s.cond.Broadcast()
	s.mu.Unlock()
	return nil
}

// querySource is one query's Source: its scans take the subscriptions
// registered for it, table by table; any further scan reads the source.
type querySource struct {
	src     Source
	mu      sync.Mutex
	pending map[string][]*subscriber
}

// Scan implements Source.
func (q *querySource) Scan(t *schema.Table, cols []int) (Operator, error) {
	if op := q.claim(t, cols); op != nil {
		return op, nil
	}
	return q.src.Scan(t, cols)
}

// claim takes a registered subscription of t with columns cols, or
// returns nil.
func (q *querySource) claim(t *schema.Table, cols []int) Operator {
	q.mu.Lock()
	defer q.mu.Unlock()
	subs := q.pending[t.Name]
	for i, s := range subs {
		if !s.claimed && sameInts(s.cols, cols) {
			s.claimed = true
			q.pending[t.Name] = append(subs[:i:i], subs[i+1:]...)
			return s
		}
	}
	return nil
}

// ScanPrefiltered implements PrefilterSource: a registered scan takes its
// subscription, whose reader's prefilter is the or of its subscribers',
// so it lets through at least what pre does; any further scan reads the
// source with pre.
func (q *querySource) ScanPrefiltered(t *schema.Table, cols []int, pre *prefilter.Cond) (Operator, error) {
	if op := q.claim(t, cols); op != nil {
		return op, nil
	}
	return scan(q.src, &plan.Scan{Table: t, Cols: cols, Pre: pre}, nil)
}

// ScanWindow implements WindowSource: a registered scan takes its
// subscription, whose reader reads at least the rows in win; any further
// scan reads the source with pre and win.
func (q *querySource) ScanWindow(t *schema.Table, cols []int, pre *prefilter.Cond, win *TimeWindow) (Operator, error) {
	if op := q.claim(t, cols); op != nil {
		return op, nil
	}
	return scan(q.src, &plan.Scan{Table: t, Cols: cols, Pre: pre}, win)
}

// External passes externaldata through to the source, when it reads it.
func (q *querySource) External(url string, cols []schema.Column, props map[string]string) ([]*value.Batch, error) {
	if ext, ok := q.src.(ExternalSource); ok {
		return ext.External(url, cols, props)
	}
	return nil, ErrExternal
}

// Release closes the subscriptions the query did not use (a materialized
// plan shared by several paths is built once), so that the readers do not
// keep them.
func (b *Broadcast) Release(id int) {
	q := b.byID[id]
	q.mu.Lock()
	defer q.mu.Unlock()
	for name, subs := range q.pending {
		for _, s := range subs {
			s.Close()
		}
		delete(q.pending, name)
	}
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
