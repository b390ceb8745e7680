// Package store is the durable store of kqlhunt serve: a write-ahead log
// of ingested batches, compacted into Parquet files by table and hour.
//
// Layout of the store's folder DIR:
//
//	DIR/wal/NNNNNNNNNNNNNNNN.wal    segments of the write-ahead log
//	DIR/wal/checkpoint.json          the last segment compacted, the
//	                                 idempotency keys, the rows per table
//	DIR/wal/compact/                 scratch of a compaction under way
//	DIR/data/<Table>/hour=YYYY-MM-DDTHH/seg-NNNNNNNNNNNNNNNN-K.parquet
//	                                 compacted rows, as convert writes them
//	DIR/data/<Table>/hour=none/...   rows without Timestamp or TimeGenerated
//
// Guarantees:
//
//   - Append returns only once the batch's record is written and fsynced
//     (and the segment's creation, by an fsync of its folder): an
//     acknowledged batch survives a crash. A batch is one record, so it is
//     all in or not at all, across tables.
//   - A batch whose idempotency key was accepted before is acknowledged
//     again with the counts of the first time (Duplicate set) and not
//     stored again. Keys are kept in the WAL until compacted, then in the
//     checkpoint: they survive restarts and compaction. The store keeps
//     the keys of the last KeyAge (7 days by default), at most KeyMax of
//     them (100,000), the oldest dropped first; a key retried after that
//     is stored again.
//   - At Open, a torn tail of the last segment (a record cut short, or
//     whose checksum fails with nothing after it: a write a crash
//     interrupted, never acknowledged) is cut and reported; damage with
//     data after it, or in a sealed segment, is a *CorruptError and the
//     store does not open.
//   - Compaction turns sealed segments, one at a time and in order, into
//     Parquet files named after the segment (so a redone compaction
//     writes the same names), fsyncs them and their folders, then writes
//     the checkpoint (a temporary file renamed over the old one, the
//     folder fsynced), then removes the segment. A crash before the
//     checkpoint leaves files of a segment still in the WAL: Open removes
//     them and compaction redoes them; a crash after it leaves a segment
//     already compacted: Open removes it. Rows are never lost nor
//     doubled.
//
// Rows are kept as the JSON objects they arrived as (a Defender streaming
// API record or a plain row) until compaction, which reads them with
// kqlhunt's own readers (kql.OpenData) as the table of the catalog they
// were accepted for, so that values convert exactly as `kqlhunt query`
// converts them.
package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/durable"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Options configure a store.
type Options struct {
	// Catalog holds the tables rows are typed by; kql.Builtin when nil.
	Catalog *kql.Catalog
	// SegmentBytes is the size past which a segment is sealed and a new
	// one started (16 MiB by default).
	SegmentBytes int64
	// KeyAge and KeyMax bound the idempotency keys remembered (7 days,
	// 100,000 by default).
	KeyAge time.Duration
	KeyMax int
	// Now is the time keys are stamped with; time.Now when nil.
	Now func() time.Time
	// Log receives what recovery found and what compaction could not read.
	Log io.Writer
	// Compacted, when set, is called after each segment's compaction is
	// committed, with the segment's number (see SegmentFiles). It must
	// not block.
	Compacted func(segment uint64)
	// FailPoint, when set, is called at each step of a compaction
	// ("parquet": the Parquet files written, "checkpoint": the checkpoint
	// written, "remove": the segment removed); an error stops the
	// compaction there, as a crash would. For tests.
	FailPoint func(step string) error
}

// RecordError is a record of a batch that was not accepted: its index in
// the batch (from 0) and why.
type RecordError struct {
	Record int    `json:"record"`
	Reason string `json:"reason"`
}

// Batch is what one ingestion stores: rows by table, each row one JSON
// object (a streaming API record or a plain row), and what the request
// answers.
type Batch struct {
	// Key is the idempotency key, or "".
	Key string
	// Tables maps table names of the catalog to their rows.
	Tables map[string][]json.RawMessage
	// Rejected and Errors are the records refused, kept to answer a
	// retry of the same key as the first time.
	Rejected int
	Errors   []RecordError
}

// Ack is the answer to an ingestion.
type Ack struct {
	Accepted  int           `json:"accepted"`
	Rejected  int           `json:"rejected"`
	Errors    []RecordError `json:"errors"`
	Duplicate bool          `json:"duplicate"`
}

// walRecord is the payload of a WAL record.
type walRecord struct {
	Key      string                       `json:"key,omitempty"`
	Time     time.Time                    `json:"time"`
	Rejected int                          `json:"rejected,omitempty"`
	Errors   []RecordError                `json:"errors,omitempty"`
	Tables   map[string][]json.RawMessage `json:"tables"`
}

func (r *walRecord) accepted() int {
	n := 0
	for _, rows := range r.Tables {
		n += len(rows)
	}
	return n
}

// keyEntry is a remembered idempotency key.
type keyEntry struct {
	Key      string        `json:"key"`
	Time     time.Time     `json:"time"`
	Accepted int           `json:"accepted"`
	Rejected int           `json:"rejected,omitempty"`
	Errors   []RecordError `json:"errors,omitempty"`
}

// checkpoint is DIR/checkpoint.json.
type checkpoint struct {
	Version int `json:"version"`
	// Segment is the last segment compacted.
	Segment uint64           `json:"segment"`
	Rows    map[string]int64 `json:"rows"`
	Keys    []keyEntry       `json:"keys"`
}

// Store is an open store. It is safe for concurrent use.
type Store struct {
	dir  string
	opts Options
	cat  *kql.Catalog
	// names maps lowercased table names to the catalog's.
	names map[string]string

	// mu guards the log being written, the keys and the counts.
	mu        sync.Mutex
	cur       *os.File
	curN      uint64
	curSize   int64
	next      uint64
	sealed    []uint64
	keys      map[string]keyEntry
	compacted map[string]int64
	pending   map[string]int64
	broken    error
	// queue holds the batches waiting for the group write under way,
	// which writing says; idle is signalled when it ends. inflight maps
	// the keys of queued batches to them.
	queue    []*pendingWrite
	writing  bool
	idle     *sync.Cond
	inflight map[string]*pendingWrite

	// compactMu serialises compactions; dirty is set when one failed, so
	// that the next removes what it may have left.
	compactMu sync.Mutex
	ckpt      checkpoint
	committed atomic.Uint64 // ckpt.Segment, read without compactMu
	dirty     bool
	// wake starts a background compaction of the sealed segments; done
	// stops the goroutine that runs them, which closes stopped.
	wake    chan struct{}
	done    chan struct{}
	stopped chan struct{}
	// Truncated lists the torn tails cut at Open.
	Truncated []Truncation
}

// Open opens the store in dir, creating it when missing, and recovers
// what a crash left: it cuts a torn tail of the log, removes the files of
// a compaction that did not finish and compacts the sealed segments.
func Open(ctx context.Context, dir string, opts Options) (*Store, error) {
	if opts.Catalog == nil {
		opts.Catalog = kql.Builtin()
	}
	if opts.SegmentBytes <= 0 {
		opts.SegmentBytes = 16 << 20
	}
	if opts.KeyAge <= 0 {
		opts.KeyAge = 7 * 24 * time.Hour
	}
	if opts.KeyMax <= 0 {
		opts.KeyMax = 100_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	s := &Store{dir: dir, opts: opts, cat: opts.Catalog, names: map[string]string{},
		keys: map[string]keyEntry{}, compacted: map[string]int64{}, pending: map[string]int64{},
		inflight: map[string]*pendingWrite{}}
	s.idle = sync.NewCond(&s.mu)
	for _, n := range s.cat.Names() {
		s.names[strings.ToLower(n)] = n
	}
	for _, d := range []string{dir, s.walDir(), s.dataDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := s.readCheckpoint(); err != nil {
		return nil, err
	}
	segs, err := listSegments(s.walDir())
	if err != nil {
		return nil, err
	}
	s.next = s.ckpt.Segment + 1
	for i, n := range segs {
		path := filepath.Join(s.walDir(), segmentName(n))
		if n <= s.ckpt.Segment {
			// Compacted before a crash stopped its removal.
			if err := os.Remove(path); err != nil {
				return nil, err
			}
			continue
		}
		trunc, err := readSegment(path, i == len(segs)-1, func(payload []byte) error {
			var r walRecord
			if err := json.Unmarshal(payload, &r); err != nil {
				return fmt.Errorf("undecodable batch: %v", err)
			}
			s.remember(&r)
			for t, rows := range r.Tables {
				s.pending[t] += int64(len(rows))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if trunc != nil {
			if err := truncateFile(path, trunc.Offset); err != nil {
				return nil, err
			}
			s.Truncated = append(s.Truncated, *trunc)
			fmt.Fprintf(opts.Log, "kqlhunt: store: %s\n", trunc)
		}
		s.sealed = append(s.sealed, n)
		s.next = max(s.next, n+1)
	}
	if err := durable.SyncDir(s.walDir()); err != nil {
		return nil, err
	}
	if err := s.removeLeftovers(); err != nil {
		return nil, err
	}
	if err := s.Flush(ctx); err != nil {
		return nil, err
	}
	s.wake, s.done, s.stopped = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
	go s.background(s.wake, s.done, s.stopped)
	return s, nil
}

// background compacts the sealed segments when a segment is sealed, so
// that the log does not grow without bound between queries.
func (s *Store) background(wake, done <-chan struct{}, stopped chan<- struct{}) {
	defer close(stopped)
	for {
		select {
		case <-done:
			return
		case <-wake:
		}
		s.compactMu.Lock()
		s.mu.Lock()
		todo := slices.Clone(s.sealed)
		s.mu.Unlock()
		for _, n := range todo {
			if err := s.compact(context.Background(), n); err != nil {
				fmt.Fprintf(s.opts.Log, "kqlhunt: store: compacting %s: %v (tried again at the next flush)\n", segmentName(n), err)
				break
			}
		}
		s.compactMu.Unlock()
	}
}

func (s *Store) walDir() string  { return filepath.Join(s.dir, "wal") }
func (s *Store) dataDir() string { return filepath.Join(s.dir, "data") }
func (s *Store) tmpDir() string  { return filepath.Join(s.dir, "wal", "compact") }
func (s *Store) ckptPath() string {
	return filepath.Join(s.dir, "wal", "checkpoint.json")
}

// DataDir is the folder of the compacted Parquet files.
func (s *Store) DataDir() string { return s.dataDir() }

func (s *Store) readCheckpoint() error {
	data, err := os.ReadFile(s.ckptPath())
	if errors.Is(err, os.ErrNotExist) {
		s.ckpt = checkpoint{Version: 1, Rows: map[string]int64{}}
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, &s.ckpt); err != nil {
		return fmt.Errorf("%s: %v", s.ckptPath(), err)
	}
	if s.ckpt.Rows == nil {
		s.ckpt.Rows = map[string]int64{}
	}
	for t, n := range s.ckpt.Rows {
		s.compacted[t] = n
	}
	s.committed.Store(s.ckpt.Segment)
	for _, k := range s.ckpt.Keys {
		s.keys[k.Key] = k
	}
	return nil
}

// remember records the key of a stored batch.
func (s *Store) remember(r *walRecord) {
	if r.Key == "" {
		return
	}
	s.keys[r.Key] = keyEntry{Key: r.Key, Time: r.Time, Accepted: r.accepted(), Rejected: r.Rejected, Errors: r.Errors}
}

// Table returns the catalog's name of table name (matched ignoring case),
// or "" when the catalog has no such table.
func (s *Store) Table(name string) string { return s.names[strings.ToLower(name)] }

// Append stores b durably and returns its acknowledgement: only once its
// record is fsynced, or at once when its key was accepted before. Batches
// appended at the same time share their writes and fsyncs (group
// commit); a batch whose key is being stored by another call waits for
// that call and is then a duplicate (or stored, if that call failed).
func (s *Store) Append(b *Batch) (Ack, error) {
	r := walRecord{Key: b.Key, Rejected: b.Rejected, Errors: b.Errors, Tables: map[string][]json.RawMessage{}}
	for t, rows := range b.Tables {
		name := s.Table(t)
		if name == "" {
			return Ack{}, fmt.Errorf("unknown table %q", t)
		}
		if len(rows) > 0 {
			r.Tables[name] = append(r.Tables[name], rows...)
		}
	}
	ack := Ack{Accepted: r.accepted(), Rejected: b.Rejected, Errors: b.Errors}
	if ack.Accepted == 0 && b.Key == "" {
		return ack, nil // nothing to store, nothing to remember
	}
	r.Time = s.opts.Now().UTC()
	payload, err := json.Marshal(&r)
	if err != nil {
		return Ack{}, err
	}
	s.mu.Lock()
	for {
		if s.broken != nil {
			s.mu.Unlock()
			return Ack{}, s.broken
		}
		if b.Key == "" {
			break
		}
		if k, ok := s.keys[b.Key]; ok {
			s.mu.Unlock()
			return Ack{Accepted: k.Accepted, Rejected: k.Rejected, Errors: k.Errors, Duplicate: true}, nil
		}
		other := s.inflight[b.Key]
		if other == nil {
			break
		}
		s.mu.Unlock()
		<-other.done
		s.mu.Lock()
	}
	pw := &pendingWrite{frame: appendFrame(nil, payload), rec: &r, done: make(chan struct{})}
	s.queue = append(s.queue, pw)
	if b.Key != "" {
		s.inflight[b.Key] = pw
	}
	if !s.writing {
		// This call leads: it writes what is queued, group by group,
		// until nothing is.
		s.writing = true
		for len(s.queue) > 0 {
			group := s.queue
			s.queue = nil
			s.mu.Unlock()
			err := s.writeGroup(group)
			s.mu.Lock()
			for _, g := range group {
				g.err = err
				if err == nil {
					s.remember(g.rec)
					for t, rows := range g.rec.Tables {
						s.pending[t] += int64(len(rows))
					}
				}
				if g.rec.Key != "" {
					delete(s.inflight, g.rec.Key)
				}
				close(g.done)
			}
			if err == nil && s.curSize >= s.opts.SegmentBytes {
				if err := s.seal(); err != nil && s.broken == nil {
					s.broken = fmt.Errorf("sealing a segment of the write-ahead log: %v; restart the server", err)
				}
			}
		}
		s.writing = false
		s.idle.Broadcast()
	}
	s.mu.Unlock()
	<-pw.done
	if pw.err != nil {
		return Ack{}, pw.err
	}
	return ack, nil
}

// pendingWrite is a batch queued for the next group write.
type pendingWrite struct {
	frame []byte
	rec   *walRecord
	done  chan struct{}
	err   error
}

// waitIdle waits until no group is being written; s.mu is held.
func (s *Store) waitIdle() {
	for s.writing {
		s.idle.Wait()
	}
}

// writeGroup appends the frames of group to the current segment (which
// it starts when there is none) and fsyncs it. It runs without s.mu, in
// the one call that leads (s.writing), which alone touches the segment
// being written.
func (s *Store) writeGroup(group []*pendingWrite) error {
	if s.cur == nil {
		n := s.next
		f, err := os.OpenFile(filepath.Join(s.walDir(), segmentName(n)), os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		if err := durable.SyncDir(s.walDir()); err != nil {
			f.Close()
			return err
		}
		s.cur, s.curN, s.curSize, s.next = f, n, 0, n+1
	}
	var buf []byte
	if len(group) == 1 {
		buf = group[0].frame
	} else {
		for _, g := range group {
			buf = append(buf, g.frame...)
		}
	}
	_, err := s.cur.Write(buf)
	if err == nil {
		err = s.cur.Sync()
	}
	if err != nil {
		// Cut what was written of the group, so that the segment ends on
		// a whole record; if that fails too, stop accepting batches.
		if terr := s.cur.Truncate(s.curSize); terr != nil {
			s.mu.Lock()
			s.broken = fmt.Errorf("the write-ahead log is damaged (%v after %v): restart the server", terr, err)
			s.mu.Unlock()
		}
		return err
	}
	s.curSize += int64(len(buf))
	return nil
}

// seal closes the current segment, to be compacted; s.mu is held.
func (s *Store) seal() error {
	if s.cur == nil {
		return nil
	}
	err := s.cur.Close()
	s.sealed = append(s.sealed, s.curN)
	s.cur = nil
	if s.wake != nil {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	return err
}

// Rows returns the rows stored per table, compacted or not.
func (s *Store) Rows() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int64{}
	for t, n := range s.compacted {
		out[t] += n
	}
	for t, n := range s.pending {
		out[t] += n
	}
	return out
}

// Close closes the log; what is not compacted stays in it, for the next
// Open.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.done != nil {
		close(s.done)
		s.done = nil
		s.mu.Unlock()
		<-s.stopped
		s.mu.Lock()
	}
	defer s.mu.Unlock()
	s.waitIdle()
	s.broken = errors.New("the store is closed")
	if s.cur == nil {
		return nil
	}
	err := s.cur.Close()
	s.cur = nil
	return err
}

// Flush compacts every batch acknowledged so far into Parquet files
// under DataDir: once it returns, kql.OpenData over DataDir reads them.
func (s *Store) Flush(ctx context.Context) error {
	s.compactMu.Lock()
	defer s.compactMu.Unlock()
	s.mu.Lock()
	s.waitIdle()
	var err error
	if s.cur != nil && s.curSize > 0 {
		err = s.seal()
	}
	todo := slices.Clone(s.sealed)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	for _, n := range todo {
		if err := s.compact(ctx, n); err != nil {
			return fmt.Errorf("compacting %s: %w", segmentName(n), err)
		}
	}
	return nil
}

func (s *Store) fail(step string) error {
	if s.opts.FailPoint != nil {
		return s.opts.FailPoint(step)
	}
	return nil
}

// segPrefix names the Parquet files of segment n.
func segPrefix(n uint64) string { return fmt.Sprintf("seg-%016d", n) }

// compact turns segment n into Parquet files, then records it in the
// checkpoint, then removes it. s.compactMu is held.
func (s *Store) compact(ctx context.Context, n uint64) error {
	path := filepath.Join(s.walDir(), segmentName(n))
	tables := map[string][]json.RawMessage{}
	var keys []keyEntry
	if _, err := readSegment(path, false, func(payload []byte) error {
		var r walRecord
		if err := json.Unmarshal(payload, &r); err != nil {
			return err
		}
		for t, rows := range r.Tables {
			tables[t] = append(tables[t], rows...)
		}
		if r.Key != "" {
			keys = append(keys, keyEntry{Key: r.Key, Time: r.Time, Accepted: r.accepted(), Rejected: r.Rejected, Errors: r.Errors})
		}
		return nil
	}); err != nil {
		return err
	}
	// Files a failed compaction of n left behind (those of a crash are
	// removed by Open).
	if s.dirty {
		if err := s.removeSegmentFiles(func(m uint64) bool { return m > s.ckpt.Segment }); err != nil {
			return err
		}
		s.dirty = false
	}
	s.dirty = true // until the checkpoint is written

	names := make([]string, 0, len(tables))
	for t := range tables {
		names = append(names, t)
	}
	slices.Sort(names)
	tmp := filepath.Join(s.tmpDir(), segPrefix(n))
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	written := map[string]int64{}
	dirs := map[string]bool{}
	for _, name := range names {
		rows, files, err := s.writeTable(ctx, n, name, tables[name], tmp)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		written[name] = rows
		for _, f := range files {
			// The file and its hour folder are synced; the folders
			// above it may be new.
			dirs[filepath.Dir(filepath.Dir(f))] = true
		}
	}
	if len(dirs) > 0 {
		dirs[s.dataDir()] = true
	}
	for d := range dirs {
		if err := durable.SyncDir(d); err != nil {
			return err
		}
	}
	if err := s.fail("parquet"); err != nil {
		return err
	}
	next := checkpoint{Version: 1, Segment: n, Rows: map[string]int64{}}
	for t, c := range s.ckpt.Rows {
		next.Rows[t] = c
	}
	for t, c := range written {
		next.Rows[t] += c
	}
	s.mu.Lock()
	for _, k := range keys {
		if _, ok := s.keys[k.Key]; !ok {
			s.keys[k.Key] = k
		}
	}
	s.pruneKeys()
	next.Keys = make([]keyEntry, 0, len(s.keys))
	for _, k := range s.keys {
		next.Keys = append(next.Keys, k)
	}
	s.mu.Unlock()
	slices.SortFunc(next.Keys, func(a, b keyEntry) int { return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.Key, b.Key)) })
	data, err := json.Marshal(&next)
	if err != nil {
		return err
	}
	if err := durable.WriteFile(s.ckptPath(), data); err != nil {
		return err
	}
	s.ckpt, s.dirty = next, false
	s.committed.Store(n)
	s.mu.Lock()
	for t, c := range written {
		s.compacted[t] += c
	}
	for t, rows := range tables {
		s.pending[t] -= int64(len(rows))
		if s.pending[t] <= 0 {
			delete(s.pending, t)
		}
	}
	s.sealed = slices.DeleteFunc(s.sealed, func(m uint64) bool { return m == n })
	s.mu.Unlock()
	if s.opts.Compacted != nil {
		s.opts.Compacted(n)
	}
	if err := s.fail("checkpoint"); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	if err := durable.SyncDir(s.walDir()); err != nil {
		return err
	}
	return s.fail("remove")
}

// pruneKeys drops the keys older than KeyAge and the oldest beyond
// KeyMax; s.mu is held.
func (s *Store) pruneKeys() {
	cutoff := s.opts.Now().Add(-s.opts.KeyAge)
	for k, e := range s.keys {
		if e.Time.Before(cutoff) {
			delete(s.keys, k)
		}
	}
	if len(s.keys) <= s.opts.KeyMax {
		return
	}
	all := make([]keyEntry, 0, len(s.keys))
	for _, e := range s.keys {
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b keyEntry) int { return a.Time.Compare(b.Time) })
	for _, e := range all[:len(all)-s.opts.KeyMax] {
		delete(s.keys, e.Key)
	}
}

// writeTable writes the rows of table name from segment n as Parquet
// files, through a JSON lines file read by kqlhunt's readers, and returns
// how many rows it wrote.
func (s *Store) writeTable(ctx context.Context, n uint64, name string, rows []json.RawMessage, tmp string) (int64, []string, error) {
	t := s.cat.Table(name)
	if t == nil {
		return 0, nil, fmt.Errorf("the log holds rows of table %s, which the catalog no longer has: give the --schema file that defined it", name)
	}
	file := filepath.Join(tmp, name+".json")
	var buf bytes.Buffer
	for _, r := range rows {
		buf.Write(r)
		buf.WriteByte('\n')
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		return 0, nil, err
	}
	d, err := kql.OpenData(kql.DataOptions{Tables: map[string][]string{name: {file}}, Threads: 1}, s.cat)
	if err != nil {
		return 0, nil, err
	}
	// The segment in the metadata makes files of different segments
	// differ even when their rows are the same (a loader's ledger that
	// knows files by their content counts both).
	w := source.NewDayWriter(t, s.dataDir(), 0, source.ParquetOptions{Metadata: map[string]string{"kqlhunt.segment": segPrefix(n)}})
	w.Hourly, w.Prefix, w.Sync = true, segPrefix(n), true
	if err := d.ReadTable(ctx, t, w.Add); err != nil {
		return 0, nil, err
	}
	if err := w.Close(); err != nil {
		return 0, nil, err
	}
	// What the readers could not take is said, as a hunt says it: rows
	// skipped, and values that do not convert to their column's type
	// (stored as null).
	if st := d.Stats(); w.Rows != int64(len(rows)) || st.Unconverted > 0 {
		fmt.Fprintf(s.opts.Log, "kqlhunt: store: %s of %s: %d rows of %d read back (%d skipped), %d values that do not convert to their column's type stored as null\n", name, segmentName(n), w.Rows, len(rows), st.Skipped, st.Unconverted)
	}
	return w.Rows, w.Files, nil
}

// removeLeftovers removes what an unfinished compaction left: Parquet
// files of segments after the checkpoint's, temporary files, scratch.
func (s *Store) removeLeftovers() error {
	if err := os.RemoveAll(s.tmpDir()); err != nil {
		return err
	}
	return s.removeSegmentFiles(func(m uint64) bool { return m > s.ckpt.Segment })
}

// removeSegmentFiles removes the Parquet files of the segments that
// match, and hidden temporary files, under DataDir.
func (s *Store) removeSegmentFiles(match func(uint64) bool) error {
	removed := false
	err := filepath.WalkDir(s.dataDir(), func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		name := e.Name()
		m, ok := segOfFile(name)
		if strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".tmp") || ok && match(m) {
			removed = true
			return os.Remove(path)
		}
		return nil
	})
	if err != nil || !removed {
		return err
	}
	return syncTree(s.dataDir())
}

// segOfFile returns the segment whose compaction wrote the file name,
// seg-N-K.parquet.
func segOfFile(name string) (uint64, bool) {
	rest, ok := strings.CutPrefix(name, "seg-")
	if !ok || !strings.HasSuffix(name, ".parquet") {
		return 0, false
	}
	num, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(num, 10, 64)
	return n, err == nil
}

// syncTree fsyncs dir and the folders under it.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
		if err != nil || !e.IsDir() {
			return err
		}
		return durable.SyncDir(path)
	})
}

// Pending tells whether rows acknowledged are not compacted yet.
func (s *Store) Pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waitIdle()
	return s.cur != nil && s.curSize > 0 || len(s.sealed) > 0
}

// LastCompacted returns the number of the last segment compacted, 0 for
// none: the Parquet files of every segment up to it are committed.
func (s *Store) LastCompacted() uint64 { return s.committed.Load() }

// SegmentFiles returns the Parquet files that the compaction of segment
// n wrote (none for a segment that does not exist or held no rows).
func (s *Store) SegmentFiles(n uint64) ([]string, error) {
	return filepath.Glob(filepath.Join(s.dataDir(), "*", "*", segPrefix(n)+"-*.parquet"))
}

// HasData tells whether DataDir holds compacted rows.
func (s *Store) HasData() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.compacted {
		if n > 0 {
			return true
		}
	}
	return false
}
