package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/serve/store"
	"github.com/kqlhunt/kqlhunt/internal/source"
)

// ingestPart is ingestion and the store (package store): POST /ingest,
// the folder watcher, and the folders of ingested telemetry.
type ingestPart struct {
	s     *Server
	store *store.Store
	// ship sends the ingested rows to ClickHouse with --engine, or nil.
	ship *shipper
	// stop ends the watchers; wg waits for them.
	stop context.CancelFunc
	wg   sync.WaitGroup
}

// MaxRecordBytes bounds one record (a row or a streaming API record) of
// an ingested batch; a longer one is rejected.
const MaxRecordBytes = 1 << 20

// maxErrors bounds the rejected records an answer lists (rejected counts
// them all).
const maxErrors = 100

// The metrics of ingestion.
const (
	metricIngested = "kqlhunt_ingested_rows_total"
	metricRejected = "kqlhunt_rejected_rows_total"
)

func (p *ingestPart) open(ctx context.Context, s *Server) error {
	p.s = s
	opts := store.Options{
		Catalog: s.opts.Catalog,
		Now:     s.clock.Now,
		Log:     s.opts.Log,
	}
	if s.opts.Engine != "" {
		// A URL that is not ClickHouse's stops the server when it starts
		// (a server that does not answer yet does not: loads retry).
		sh, err := newShipper(p, s.opts.Engine)
		if err != nil {
			return err
		}
		p.ship, opts.Compacted = sh, sh.notify
	}
	st, err := store.Open(ctx, s.opts.Store, opts)
	if err != nil {
		return fmt.Errorf("--store %s: %w", s.opts.Store, err)
	}
	p.store = st
	wctx, cancel := context.WithCancel(context.Background())
	p.stop = cancel
	if p.ship != nil {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.ship.run(wctx)
		}()
	}
	for _, dir := range s.opts.Watch {
		w, err := newWatcher(p, dir)
		if err != nil {
			cancel()
			p.wg.Wait()
			st.Close()
			return err
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			w.run(wctx)
		}()
	}
	return nil
}

func (p *ingestPart) close() error {
	if p.store == nil {
		return nil
	}
	p.stop()
	p.wg.Wait()
	err := p.store.Close()
	if p.ship != nil {
		err = errors.Join(err, p.ship.conn.Close())
	}
	return err
}

func (p *ingestPart) routes() []route {
	return []route{{pattern: "POST /ingest", scope: ScopeIngest, body: p.s.opts.Limits.IngestBytes, handler: p.handleIngest}}
}

// paths returns the folders of ingested telemetry, with every row
// acknowledged so far readable in them: it compacts what the log holds
// first. With --engine, it also waits until those rows are in ClickHouse,
// so that a run on ClickHouse after it reads them too.
func (p *ingestPart) paths(ctx context.Context) ([]string, error) {
	if p.store == nil {
		return nil, nil
	}
	if err := p.store.Flush(ctx); err != nil {
		return nil, err
	}
	if p.ship != nil {
		if err := p.ship.wait(ctx); err != nil {
			return nil, err
		}
	}
	if !p.store.HasData() {
		return nil, nil
	}
	return []string{p.store.DataDir()}, nil
}

// rows returns the rows ingested per table, stored or still in the log.
func (p *ingestPart) rows() map[string]int64 {
	if p.store == nil {
		return nil
	}
	return p.store.Rows()
}

// handleIngest is POST /ingest[?table=NAME].
func (p *ingestPart) handleIngest(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	defer func() {
		p.s.metrics.Observe("kqlhunt_ingest_duration_seconds", "Time to read, parse and durably store an ingestion request.", nil, time.Since(start))
	}()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", tooBig.Limit))
			return
		}
		writeError(w, http.StatusBadRequest, fmt.Sprintf("reading the request body: %v", err))
		return
	}
	table := r.URL.Query().Get("table")
	if table != "" && p.store.Table(table) == "" {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("?table=%s: unknown table %q", table, table))
		return
	}
	if table != "" {
		table = p.store.Table(table)
	}
	b, rejects, err := parseRecords(body, table, p.store.Table)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	b.Key = r.Header.Get("Idempotency-Key")
	if len(b.Key) > 200 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("the Idempotency-Key header is %d bytes long, expected at most 200", len(b.Key)))
		return
	}
	ack, err := p.append(b, rejects)
	if err != nil {
		writeError(w, http.StatusInternalServerError, fmt.Sprintf("the batch was not stored: %v", err))
		return
	}
	if ack.Errors == nil {
		ack.Errors = []store.RecordError{}
	}
	writeJSON(w, http.StatusAccepted, ack)
}

// append stores b and counts its rows in the metrics (once: a duplicate
// is not counted again).
func (p *ingestPart) append(b *store.Batch, rejects []reject) (store.Ack, error) {
	ack, err := p.store.Append(b)
	if err != nil || ack.Duplicate {
		return ack, err
	}
	for t, rows := range b.Tables {
		p.s.metrics.Add(metricIngested, "Rows ingested and stored, by table.", Labels{"table", t}, float64(len(rows)))
	}
	for _, rj := range rejects {
		p.s.metrics.Add(metricRejected, "Records refused at ingestion, by table and reason.", Labels{"table", rj.table, "reason", rj.kind}, 1)
	}
	return ack, nil
}

// reject is a refused record, for the metrics: its table (or "unknown")
// and the kind of reason.
type reject struct {
	table, kind string
}

// parseRecords splits an ingestion body into records and routes each to
// its table. The body is a Defender streaming API Event Hub message
// {"records": [...]}, a JSON array of records or rows, or JSON lines, each a streaming API record (as
// Azure Storage holds them), a plain row, or itself an Event Hub message.
// A streaming record goes to the table its category names; a plain row
// to the table its Log Analytics Type names, else to table (?table=NAME,
// or the table a watched file's path names). Records that cannot be
// stored are listed in the batch's Errors, by their index from 0; a body
// in which no record is JSON is an error. lookup returns the catalog's
// name of a table, or "".
func parseRecords(body []byte, table string, lookup func(string) string) (*store.Batch, []reject, error) {
	b := &store.Batch{Tables: map[string][]json.RawMessage{}}
	var rejects []reject
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil, errors.New("the request body is empty: expected a streaming API message {\"records\": [...]} or JSON lines")
	}
	var lines [][]byte
	switch trimmed := bytes.TrimSpace(body); {
	case trimmed[0] == '[' && json.Valid(trimmed):
		// A JSON array of records or rows, as the readers take it.
		var elems []json.RawMessage
		if err := json.Unmarshal(trimmed, &elems); err != nil {
			return nil, nil, fmt.Errorf("malformed JSON array: %v", err)
		}
		lines = make([][]byte, len(elems))
		for i, e := range elems {
			lines[i] = e
		}
	case json.Valid(trimmed):
		lines = [][]byte{trimmed} // one document, maybe over many lines
	default:
		lines = bytes.Split(body, []byte("\n"))
	}
	index, parsed := 0, 0
	var firstErr error
	refuse := func(t, kind, reason string) {
		if t == "" {
			t = "unknown"
		}
		b.Rejected++
		rejects = append(rejects, reject{t, kind})
		if len(b.Errors) < maxErrors {
			b.Errors = append(b.Errors, store.RecordError{Record: index, Reason: reason})
		}
	}
	var add func(rec []byte, nested bool)
	add = func(rec []byte, nested bool) {
		message := false
		defer func() {
			if !message {
				index++
			}
		}()
		if len(rec) > MaxRecordBytes {
			refuse(table, "too_large", fmt.Sprintf("the record is %d bytes long, more than the limit of %d", len(rec), MaxRecordBytes))
			return
		}
		name, kind, err := source.ClassifyObject(rec)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("record %d: %v", index, err)
			}
			refuse(table, "malformed", "malformed record: "+err.Error())
			return
		}
		parsed++
		if kind == source.ObjectRow && !nested {
			var msg struct {
				Records json.RawMessage `json:"records"`
			}
			if json.Unmarshal(rec, &msg) == nil && len(msg.Records) > 0 && msg.Records[0] == '[' {
				var recs []json.RawMessage
				if err := json.Unmarshal(msg.Records, &recs); err != nil {
					refuse(table, "malformed", "malformed Event Hub message: "+err.Error())
					return
				}
				message = true // not a record: its records are
				for _, r := range recs {
					add(r, true)
				}
				return
			}
		}
		var target string
		switch {
		case kind == source.ObjectRecord:
			target = lookup(name)
			if target == "" {
				refuse("", "unknown_table", fmt.Sprintf("unknown table %q (from the record's category)", name))
				return
			}
		case name != "" && lookup(name) != "":
			target = lookup(name) // a Log Analytics row's Type
		case table != "":
			target = table
		default:
			refuse("", "no_table", "a row without a table: post rows with ?table=NAME, or streaming API records with their category")
			return
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, rec); err != nil {
			refuse(target, "malformed", "malformed record: "+err.Error())
			return
		}
		b.Tables[target] = append(b.Tables[target], compact.Bytes())
	}
	for _, line := range lines {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue // blank lines separate nothing
		}
		add(line, false)
	}
	if parsed == 0 {
		return nil, nil, fmt.Errorf("the body is neither a streaming API message {\"records\": [...]} nor JSON lines: %v", firstErr)
	}
	return b, rejects, nil
}
