// Package alerts keeps what `kqlhunt serve` finds: the alerts of
// scheduled rules, recorded durably and delivered to sinks (a JSON lines
// file, standard output, a webhook) at least once each, and the findings
// of hunts, the latest few per rule.
//
// Alerts are appended to alerts.jsonl and synced before they count as
// recorded. Each sink has a goroutine that delivers the alerts it has not
// delivered, in order, retrying with exponential backoff; a delivery is
// appended to delivered.log and synced once the sink took it, so that
// after a restart the sinks resume with the undelivered alerts and do not
// send the delivered ones again. An alert that a sink took just before a
// crash, before the log recorded it, is sent again: delivery is at least
// once, and every alert carries its id (the webhook also sends it as the
// Idempotency-Key header) so that a receiver can drop a repeat.
package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Entity is an entity that an alert or a finding names (see
// report.Entity).
type Entity struct {
	Type       string `json:"type"`
	Identifier string `json:"identifier"`
	Value      string `json:"value"`
	Column     string `json:"column,omitempty"`
}

// Record is an alert as it is stored and sent to the sinks.
type Record struct {
	// ID is derived from the rule, the window's end and, for a rule that
	// makes an alert per result, the alert's entities: a window run
	// again makes the same ids.
	ID         string   `json:"id"`
	Rule       string   `json:"rule"`
	RuleName   string   `json:"ruleName"`
	Severity   string   `json:"severity"`
	Tactics    []string `json:"tactics"`
	Techniques []string `json:"techniques"`
	// WindowStart and WindowEnd are the window the rule read: rows after
	// WindowStart, up to WindowEnd included.
	WindowStart time.Time `json:"windowStart"`
	WindowEnd   time.Time `json:"windowEnd"`
	Entities    []Entity  `json:"entities"`
	// Rows are the rule's result rows, as JSON objects encoded as the
	// CLI's json format encodes values.
	Rows    []json.RawMessage `json:"rows"`
	Created time.Time         `json:"created"`
}

// Alert is an alert as the API shows it: the record, and whether every
// sink has delivered it.
type Alert struct {
	Record
	Delivered bool `json:"delivered"`
}

// Host returns the alert's hosts' names, for filters.
func (r *Record) Hosts() []string {
	var out []string
	for _, e := range r.Entities {
		if e.Type == "Host" {
			out = append(out, e.Value)
		}
	}
	return out
}

// Sink receives alerts. A sink receives the alerts recorded after it was
// first configured (the delivery log remembers when, by its name), not
// the history before it. Deliver returns nil once the alert is taken;
// an error is retried.
type Sink interface {
	// Name identifies the sink in the delivery log and in messages; it
	// must not change across restarts for the same destination.
	Name() string
	Deliver(ctx context.Context, a *Record, line []byte) error
}

// Options configure a Store.
type Options struct {
	// Sinks receive every alert.
	Sinks []Sink
	// Backoff is the first delay between two attempts of a failed
	// delivery (default 1 s); it doubles after each failure up to
	// MaxBackoff (default 5 min).
	Backoff, MaxBackoff time.Duration
	// OnError is called after each failed delivery attempt.
	OnError func(sink string, a *Record, err error)
	// OnDelivered is called after each delivery.
	OnDelivered func(sink string, a *Record)
}

// Store is the alerts of a server, in a folder. It is safe for
// concurrent use.
type Store struct {
	opts Options
	mu   sync.Mutex
	log  *os.File // alerts.jsonl
	dlog *os.File // delivered.log
	// alerts in the order recorded; byID indexes them.
	alerts []*Record
	byID   map[string]*Record
	// delivered holds sink name → alert ids delivered; start holds the
	// number of alerts recorded when each sink was first configured:
	// a sink receives only the alerts recorded after it.
	delivered map[string]map[string]bool
	start     map[string]int
	wake      []chan struct{} // one per sink
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

// Open opens (creating it) the alerts store in dir and starts the
// delivery to the sinks of what they have not delivered yet. Close stops
// it.
func Open(dir string, opts Options) (*Store, error) {
	if opts.Backoff <= 0 {
		opts.Backoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	s := &Store{opts: opts, byID: map[string]*Record{}, delivered: map[string]map[string]bool{}, start: map[string]int{}}
	f, lines, err := openLog(filepath.Join(dir, "alerts.jsonl"))
	if err != nil {
		return nil, err
	}
	s.log = f
	for i, l := range lines {
		var r Record
		if err := json.Unmarshal(l, &r); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s:%d: %v", f.Name(), i+1, err)
		}
		if s.byID[r.ID] == nil {
			s.alerts = append(s.alerts, &r)
			s.byID[r.ID] = &r
		}
	}
	d, dlines, err := openLog(filepath.Join(dir, "delivered.log"))
	if err != nil {
		f.Close()
		return nil, err
	}
	s.dlog = d
	for _, l := range dlines {
		sink, id, ok := strings.Cut(string(l), "\t")
		if !ok {
			continue
		}
		if n, ok := strings.CutPrefix(id, "@"); ok { // the sink's first appearance
			if i, err := strconv.Atoi(n); err == nil {
				if _, known := s.start[sink]; !known {
					s.start[sink] = i
				}
			}
			continue
		}
		if s.delivered[sink] == nil {
			s.delivered[sink] = map[string]bool{}
		}
		s.delivered[sink][id] = true
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	for _, sink := range opts.Sinks {
		if s.delivered[sink.Name()] == nil {
			s.delivered[sink.Name()] = map[string]bool{}
		}
		if _, known := s.start[sink.Name()]; !known {
			if err := appendSync(s.dlog, fmt.Appendf(nil, "%s\t@%d\n", sink.Name(), len(s.alerts))); err != nil {
				f.Close()
				d.Close()
				return nil, err
			}
			s.start[sink.Name()] = len(s.alerts)
		}
	}
	for _, sink := range opts.Sinks {
		w := make(chan struct{}, 1)
		w <- struct{}{}
		s.wake = append(s.wake, w)
		s.wg.Add(1)
		go s.deliver(ctx, sink, w)
	}
	return s, nil
}

// Close stops the deliveries and closes the store's files.
func (s *Store) Close() error {
	s.cancel()
	s.wg.Wait()
	return errors.Join(s.log.Close(), s.dlog.Close())
}

// Has reports whether an alert with id is recorded.
func (s *Store) Has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[id] != nil
}

// Record appends the alerts whose ids are new to the store, durably, and
// returns them; the sinks then deliver them.
func (s *Store) Record(rs []*Record) (added []*Record, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var buf bytes.Buffer
	seen := map[string]bool{}
	for _, r := range rs {
		if s.byID[r.ID] != nil || seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		b, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		buf.Write(b)
		buf.WriteByte('\n')
		added = append(added, r)
	}
	if len(added) == 0 {
		return nil, nil
	}
	if err := appendSync(s.log, buf.Bytes()); err != nil {
		return nil, fmt.Errorf("recording alerts: %w", err)
	}
	for _, r := range added {
		s.alerts = append(s.alerts, r)
		s.byID[r.ID] = r
	}
	for _, w := range s.wake {
		select {
		case w <- struct{}{}:
		default:
		}
	}
	return added, nil
}

// LastAlerted returns the end of the latest window in which rule raised
// an alert whose entity key (see EntityKey) is key.
func (s *Store) LastAlerted(rule, key string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var last time.Time
	found := false
	for _, r := range s.alerts {
		if r.Rule == rule && EntityKey(r.Entities) == key && (!found || r.WindowEnd.After(last)) {
			last, found = r.WindowEnd, true
		}
	}
	return last, found
}

// EntityKey is a text that is the same for two lists of the same
// entities, in any order: suppression compares alerts by it.
func EntityKey(es []Entity) string {
	keys := make([]string, 0, len(es))
	for _, e := range es {
		keys = append(keys, e.Type+"\x1f"+e.Identifier+"\x1f"+strings.ToLower(e.Value))
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	return strings.Join(keys, "\x1e")
}

// List returns the alerts that keep selects, the latest recorded first,
// at most limit of them (all when limit ≤ 0).
func (s *Store) List(keep func(*Record) bool, limit int) []Alert {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Alert
	for i := len(s.alerts) - 1; i >= 0; i-- {
		r := s.alerts[i]
		if keep != nil && !keep(r) {
			continue
		}
		out = append(out, Alert{Record: *r, Delivered: s.deliveredAll(i)})
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out
}

// deliveredAll reports whether every sink configured when the i-th
// alert was recorded has delivered it (false when there was none).
func (s *Store) deliveredAll(i int) bool {
	id, some := s.alerts[i].ID, false
	for _, sink := range s.opts.Sinks {
		if i < s.start[sink.Name()] {
			continue
		}
		some = true
		if !s.delivered[sink.Name()][id] {
			return false
		}
	}
	return some
}

// Pending returns the number of alerts that some sink has not delivered.
func (s *Store) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for i := range s.alerts {
		for _, sink := range s.opts.Sinks {
			if i >= s.start[sink.Name()] && !s.delivered[sink.Name()][s.alerts[i].ID] {
				n++
				break
			}
		}
	}
	return n
}

// next returns the first alert that sink has not delivered.
func (s *Store) next(sink string) *Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.alerts[s.start[sink]:] {
		if !s.delivered[sink][r.ID] {
			return r
		}
	}
	return nil
}

// markDelivered records durably that sink delivered r.
func (s *Store) markDelivered(sink string, r *Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := appendSync(s.dlog, []byte(sink+"\t"+r.ID+"\n")); err != nil {
		return err
	}
	s.delivered[sink][r.ID] = true
	return nil
}

// deliver sends sink the alerts it has not delivered, one at a time in
// the order recorded, until ctx is done.
func (s *Store) deliver(ctx context.Context, sink Sink, wake chan struct{}) {
	defer s.wg.Done()
	for {
		r := s.next(sink.Name())
		if r == nil {
			select {
			case <-ctx.Done():
				return
			case <-wake:
				continue
			}
		}
		line, err := json.Marshal(r)
		if err != nil { // cannot happen: it was marshalled to be recorded
			panic(err)
		}
		line = append(line, '\n')
		delay := s.opts.Backoff
		for {
			err := sink.Deliver(ctx, r, line)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return
			}
			if s.opts.OnError != nil {
				s.opts.OnError(sink.Name(), r, err)
			}
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			delay = min(2*delay, s.opts.MaxBackoff)
		}
		for {
			err := s.markDelivered(sink.Name(), r)
			if err == nil {
				break
			}
			if s.opts.OnError != nil {
				s.opts.OnError(sink.Name(), r, fmt.Errorf("recording the delivery: %w", err))
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(s.opts.Backoff):
			}
		}
		if s.opts.OnDelivered != nil {
			s.opts.OnDelivered(sink.Name(), r)
		}
	}
}

// FileSink appends each alert as a JSON line to a file and syncs it.
type FileSink struct{ Path string }

// Name implements Sink.
func (f FileSink) Name() string { return "file:" + f.Path }

// Deliver implements Sink.
func (f FileSink) Deliver(ctx context.Context, a *Record, line []byte) error {
	out, err := os.OpenFile(f.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = out.Write(line)
	if err == nil {
		err = out.Sync()
	}
	return errors.Join(err, out.Close())
}

// WriterSink writes each alert as a JSON line to W (standard output).
type WriterSink struct {
	Label string
	W     io.Writer
}

// Name implements Sink.
func (w WriterSink) Name() string { return w.Label }

// Deliver implements Sink.
func (w WriterSink) Deliver(ctx context.Context, a *Record, line []byte) error {
	_, err := w.W.Write(line)
	return err
}

// Webhook POSTs each alert as a JSON object to URL; a 2xx answer
// delivers it, anything else is retried. The alert's id goes in the
// Idempotency-Key header. Its name is "webhook" whatever the URL (which
// may hold a secret, and is kept out of logs): a new URL continues where
// the old one stopped.
type Webhook struct {
	URL    string
	Client *http.Client
}

// Name implements Sink.
func (h Webhook) Name() string { return "webhook" }

// Deliver implements Sink.
func (h Webhook) Deliver(ctx context.Context, a *Record, line []byte) error {
	c := h.Client
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(line))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", a.ID)
	resp, err := c.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return fmt.Errorf("posting to the webhook: %w", ue.Err) // without the URL
		}
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the webhook answered %s, expected a 2xx status", resp.Status)
	}
	return nil
}
