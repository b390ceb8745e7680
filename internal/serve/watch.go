package serve

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/durable"
	"github.com/kqlhunt/kqlhunt/internal/source"
)

// A watcher ingests the export files that appear under a folder
// (--watch DIR), polling it: Azure Storage layouts of the streaming API
// (insights-logs-advancedhunting-<table>/.../y=/m=/d=/h=/m=/PT1H.json) and
// of Log Analytics data export, and any folder of JSON lines, Event Hub
// messages or gzipped JSON lines, nested at any depth (hidden files and
// folders are skipped).
//
// A file is ingested once its size and modification time are the same
// on two polls in a row (a file still being written waits). Its bytes
// ingested so far are kept in a ledger, DIR/watch/<folder>.json in the store
// (written by rename after the batch is stored), so that a restart
// ingests nothing twice. A file that grows later — an append blob such
// as PT1H.json, which the streaming API appends to through the hour — is
// ingested for its new part only, which must be whole JSON lines; a
// gzipped file is read once, decompressed as it is stored, in batches. A file that shrinks, or is rewritten
// with the same size but another time, is reported on the log and not
// ingested again. Each batch carries the idempotency key
// watch:PATH:FROM-TO, so a crash between storing a batch and writing the
// ledger does not store it twice either.
type watcher struct {
	p        *ingestPart
	dir      string
	ledger   string
	interval time.Duration
	// done are the files' bytes ingested (the ledger); seen what the
	// last poll saw of each file.
	done map[string]ledgerEntry
	seen map[string]fileState
	// reported holds files already reported, so they are reported once.
	reported map[string]bool
}

type ledgerEntry struct {
	Size    int64     `json:"size"`
	ModTime time.Time `json:"modTime"`
}

type fileState struct {
	size int64
	mod  time.Time
}

// maxWatchChunk bounds the bytes of a watched file stored as one batch.
var maxWatchChunk = 16 << 20

func newWatcher(p *ingestPart, dir string) (*watcher, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("--watch %s: expected a folder", dir)
	}
	w := &watcher{p: p, dir: abs, interval: p.s.opts.WatchInterval, done: map[string]ledgerEntry{},
		seen: map[string]fileState{}, reported: map[string]bool{}}
	if w.interval <= 0 {
		w.interval = 2 * time.Second
	}
	// One ledger per watched folder, named by its path.
	name := strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, abs), "_")
	if err := os.MkdirAll(filepath.Join(p.s.opts.Store, "watch"), 0o755); err != nil {
		return nil, err
	}
	w.ledger = filepath.Join(p.s.opts.Store, "watch", name+".json")
	data, err := os.ReadFile(w.ledger)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(data, &w.done); err != nil {
			return nil, fmt.Errorf("%s: %v", w.ledger, err)
		}
	}
	return w, nil
}

func (w *watcher) run(ctx context.Context) {
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		w.poll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (w *watcher) logf(format string, args ...any) {
	fmt.Fprintf(w.p.s.opts.Log, "kqlhunt: watch: "+format+"\n", args...)
}

// poll walks the folder once and ingests the files that are stable.
func (w *watcher) poll(ctx context.Context) {
	now := map[string]fileState{}
	filepath.WalkDir(w.dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if path != w.dir && strings.HasPrefix(e.Name(), ".") {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return nil
		}
		now[path] = fileState{info.Size(), info.ModTime()}
		return nil
	})
	for path, st := range now {
		if ctx.Err() != nil {
			return
		}
		prev, ok := w.seen[path]
		if !ok || prev != st {
			continue // new or still changing: wait for the next poll
		}
		if err := w.ingest(ctx, path, st); err != nil {
			w.logf("%s: %v (tried again at the next poll)", path, err)
		}
	}
	w.seen = now
}

// ingest stores what is new in the file at path, if anything.
func (w *watcher) ingest(ctx context.Context, path string, st fileState) error {
	d, ok := w.done[path]
	switch {
	case ok && st.size == d.Size && st.mod.Equal(d.ModTime):
		return nil
	case ok && st.size <= d.Size:
		if !w.reported[path] {
			w.reported[path] = true
			w.logf("%s: the file was rewritten or cut (%d bytes, was %d) after it was ingested; it is not ingested again", path, st.size, d.Size)
		}
		return nil
	}
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		if ok {
			if !w.reported[path] {
				w.reported[path] = true
				w.logf("%s: the gzipped file grew after it was ingested; it is not ingested again", path)
			}
			return nil
		}
		return w.ingestGzip(ctx, path, st)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	from := d.Size
	end, err := w.ingestLines(ctx, path, "", io.NewSectionReader(f, from, st.size-from), from, func(to int64) error {
		return w.record(path, fileState{to, st.mod})
	})
	switch {
	case errors.Is(err, errLongLine):
		return w.record(path, st)
	case err != nil:
		return err
	case end < st.size:
		// Cut since it was seen: the next poll sees it anew.
		return fmt.Errorf("the file is shorter than %d bytes now", st.size)
	}
	return nil
}

// ingestGzip stores the lines of a gzipped file, decompressed as they
// are read (its offsets and keys count decompressed bytes), and records
// the file once it is read to its end or found damaged.
func (w *watcher) ingestGzip(ctx context.Context, path string, st fileState) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err == nil {
		var end int64
		end, err = w.ingestLines(ctx, path, "gz:", zr, 0, func(int64) error { return nil })
		if err != nil && !errors.Is(err, errLongLine) && ctx.Err() == nil {
			w.logf("%s: %v; not ingested past byte %d of its content", path, err, end)
		}
	} else {
		w.logf("%s: %v; not ingested", path, err)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return w.record(path, st)
}

// errLongLine stops a file at a line longer than maxWatchChunk, which has
// been reported.
var errLongLine = errors.New("a line is too long")

// ingestLines stores the lines r holds, in batches of at most
// maxWatchChunk bytes that end after a whole line (the last may end
// without its newline), and calls done with the offset after each batch.
// from is the offset of r's first byte in the file (in a gzipped file's
// content, with tag "gz:"); it returns the offset where reading ended.
func (w *watcher) ingestLines(ctx context.Context, path, tag string, r io.Reader, from int64, done func(to int64) error) (int64, error) {
	buf := make([]byte, maxWatchChunk)
	held := 0
	for {
		if err := ctx.Err(); err != nil {
			return from, err
		}
		k, err := io.ReadFull(r, buf[held:])
		held += k
		eof := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !eof {
			return from, err
		}
		chunk := buf[:held]
		if !eof {
			cut := bytes.LastIndexByte(chunk, '\n')
			if cut < 0 {
				w.logf("%s: a line at byte %d is longer than %d bytes; the rest of the file is not ingested", path, from, maxWatchChunk)
				return from, errLongLine
			}
			chunk = chunk[:cut+1]
		}
		if len(chunk) > 0 {
			to := from + int64(len(chunk))
			if err := w.store(path, tag, chunk, from, to); err != nil {
				return from, err
			}
			if err := done(to); err != nil {
				return from, err
			}
			from = to
		}
		if eof {
			return from, nil
		}
		held = copy(buf, buf[len(chunk):held])
	}
}

// store ingests data, bytes from..to of path (of its content, tag "gz:",
// for a gzipped file).
func (w *watcher) store(path, tag string, data []byte, from, to int64) error {
	table := source.TableFromPath(path, w.p.s.opts.Catalog.Names())
	b, rejects, err := parseRecords(data, table, w.p.store.Table)
	if err != nil {
		w.logf("%s: bytes %d to %d: %v; not ingested", path, from, to, err)
		return nil
	}
	b.Key = fmt.Sprintf("watch:%s:%s%d-%d", path, tag, from, to)
	ack, err := w.p.append(b, rejects)
	if err != nil {
		return err
	}
	for _, e := range ack.Errors {
		w.logf("%s: record %d (from byte %d): %s", path, e.Record, from, e.Reason)
	}
	if more := ack.Rejected - len(ack.Errors); more > 0 {
		w.logf("%s: %d more records from byte %d rejected", path, more, from)
	}
	return nil
}

// record writes the ledger with path ingested up to st.size.
func (w *watcher) record(path string, st fileState) error {
	w.done[path] = ledgerEntry{Size: st.size, ModTime: st.mod}
	data, err := json.Marshal(w.done)
	if err != nil {
		return err
	}
	return durable.WriteFile(w.ledger, data)
}
