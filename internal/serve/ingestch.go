package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
	"github.com/kqlhunt/kqlhunt/internal/durable"
	"github.com/kqlhunt/kqlhunt/kql"
)

// A shipper sends the ingested rows to ClickHouse (--engine): each
// segment's Parquet files, once compacted, are loaded with
// clickhouse.Load, in segment order. Load's ledger (_kqlhunt_loads, by
// file content) skips a file loaded before, and the last segment shipped
// is kept in DIR/wal/clickhouse.json (written by rename after the load),
// so that a restart neither loses a segment nor loads one twice. Loads
// that fail (ClickHouse down) are retried with backoff; a load
// interrupted half-way is reported by Load (a table holding more rows
// than its ledger accounts for) and needs the operator, as for
// `kqlhunt load`. Rows still in the log are compacted every flushEvery,
// so that they reach ClickHouse within seconds.
type shipper struct {
	p      *ingestPart
	conn   *clickhouse.Conn
	marker string

	mu      sync.Mutex
	shipped uint64
	// changed is closed and replaced whenever shipped moves.
	changed chan struct{}
	lastErr error
	wake    chan struct{}
}

type shipMarker struct {
	Segment uint64 `json:"segment"`
}

func newShipper(p *ingestPart, engine string) (*shipper, error) {
	conn, err := clickhouse.ParseURL(engine)
	if err != nil {
		return nil, fmt.Errorf("--engine: %w", err)
	}
	sh := &shipper{p: p, conn: conn, marker: filepath.Join(p.s.opts.Store, "wal", "clickhouse.json"),
		changed: make(chan struct{}), wake: make(chan struct{}, 1)}
	data, err := os.ReadFile(sh.marker)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		var m shipMarker
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("%s: %v", sh.marker, err)
		}
		sh.shipped = m.Segment
	}
	return sh, nil
}

// notify is the store's Compacted hook.
func (sh *shipper) notify(uint64) {
	select {
	case sh.wake <- struct{}{}:
	default:
	}
}

// flushEvery is how often rows still in the log are compacted, to be
// shipped, with --engine: the API and the scheduler query ClickHouse
// without asking the store for its folders.
const flushEvery = 2 * time.Second

func (sh *shipper) run(ctx context.Context) {
	backoff := time.Second
	for {
		if sh.p.store.Pending() {
			if err := sh.p.store.Flush(ctx); err != nil && ctx.Err() == nil {
				fmt.Fprintf(sh.p.s.opts.Log, "kqlhunt: store: %v\n", err)
			}
		}
		err := sh.shipAll(ctx)
		wait := flushEvery
		if err != nil {
			fmt.Fprintf(sh.p.s.opts.Log, "kqlhunt: clickhouse: %v (retried in %s)\n", err, backoff)
			wait, backoff = max(backoff, flushEvery), min(2*backoff, time.Minute)
		} else {
			backoff = time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-sh.wake:
		case <-time.After(wait):
		}
	}
}

// shipAll loads the segments compacted and not yet shipped.
func (sh *shipper) shipAll(ctx context.Context) error {
	target := sh.p.store.LastCompacted()
	for {
		sh.mu.Lock()
		n := sh.shipped + 1
		sh.mu.Unlock()
		if n > target {
			sh.setErr(nil)
			return nil
		}
		if err := sh.ship(ctx, n); err != nil {
			sh.setErr(err)
			return err
		}
	}
}

func (sh *shipper) setErr(err error) {
	sh.mu.Lock()
	sh.lastErr = err
	sh.mu.Unlock()
}

// ship loads segment n's files and records it shipped.
func (sh *shipper) ship(ctx context.Context, n uint64) error {
	files, err := sh.p.store.SegmentFiles(n)
	if err != nil {
		return err
	}
	if len(files) > 0 {
		if _, err := clickhouse.Load(ctx, sh.conn, sh.p.s.opts.Catalog, clickhouse.LoadOptions{Data: kql.DataOptions{Paths: files, Threads: 1}}); err != nil {
			return fmt.Errorf("loading segment %d: %w", n, err)
		}
	}
	data, _ := json.Marshal(shipMarker{Segment: n})
	if err := durable.WriteFile(sh.marker, data); err != nil {
		return err
	}
	sh.mu.Lock()
	sh.shipped = n
	close(sh.changed)
	sh.changed = make(chan struct{})
	sh.mu.Unlock()
	return nil
}

// wait returns once every segment compacted so far is in ClickHouse, or
// with the last load's error when shipping is failing.
func (sh *shipper) wait(ctx context.Context) error {
	target := sh.p.store.LastCompacted()
	sh.notify(target)
	for {
		sh.mu.Lock()
		done, ch, err := sh.shipped >= target, sh.changed, sh.lastErr
		sh.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return fmt.Errorf("the ingested rows are not all in ClickHouse yet: %w", err)
			}
			return ctx.Err()
		case <-ch:
		case <-time.After(100 * time.Millisecond):
			sh.mu.Lock()
			err = sh.lastErr
			sh.mu.Unlock()
			if err != nil {
				return fmt.Errorf("the ingested rows are not all in ClickHouse yet: %w", err)
			}
		}
	}
}
