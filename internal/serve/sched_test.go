package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/serve/alerts"
	"github.com/kqlhunt/kqlhunt/internal/serve/clock"
)

const seedRule = "../../examples/rules/screenmeet_netconn.yaml"

// webhook is a local alert receiver that refuses the first attempts of
// each alert, to exercise the retries, and counts what it took.
type webhook struct {
	mu       sync.Mutex
	refuse   int            // attempts refused per alert
	attempts map[string]int // alert id → attempts
	taken    map[string]int // alert id → deliveries accepted
	bodies   map[string]alerts.Record
}

func newWebhook(refuse int) *webhook {
	return &webhook{refuse: refuse, attempts: map[string]int{}, taken: map[string]int{}, bodies: map[string]alerts.Record{}}
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var a alerts.Record
	if err := json.NewDecoder(r.Body).Decode(&a); err != nil || a.ID == "" || r.Header.Get("Idempotency-Key") != a.ID {
		http.Error(w, "bad alert", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.attempts[a.ID]++
	if h.attempts[a.ID] <= h.refuse {
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	h.taken[a.ID]++
	h.bodies[a.ID] = a
}

// delivered returns the alerts taken, by id.
func (h *webhook) delivered() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for k, v := range h.taken {
		out[k] = v
	}
	return out
}

// waitFor waits until cond holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fastBackoff shortens the webhook's retry delays for a test.
func fastBackoff(t *testing.T) {
	old := webhookBackoff
	webhookBackoff = [2]time.Duration{5 * time.Millisecond, 20 * time.Millisecond}
	t.Cleanup(func() { webhookBackoff = old })
}

// testServer is a server on a test listener.
type testServer struct {
	t   *testing.T
	s   *Server
	srv *httptest.Server
}

func startServer(t *testing.T, opts Options) *testServer {
	t.Helper()
	s, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{t: t, s: s, srv: httptest.NewServer(s.Handler())}
	return ts
}

func (ts *testServer) close() {
	ts.srv.Close()
	if err := ts.s.Close(); err != nil {
		ts.t.Errorf("close: %v", err)
	}
}

// do sends a request and decodes the JSON answer into out (when not
// nil); it returns the status.
func (ts *testServer) do(method, path string, body any, out any) int {
	ts.t.Helper()
	code, data := apiDo(ts.t, ts.srv, method, path, body, "")
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			ts.t.Fatalf("%s %s: %d %s: %v", method, path, code, data, err)
		}
	}
	return code
}

func (ts *testServer) advance(d string) {
	ts.t.Helper()
	var out struct{ Now string }
	if st := ts.do("POST", "/api/admin/clock", map[string]string{"advance": d}, &out); st != 200 {
		ts.t.Fatalf("advancing the clock: status %d", st)
	}
}

func (ts *testServer) alerts(query string) []alerts.Alert {
	ts.t.Helper()
	var out struct{ Alerts []alerts.Alert }
	if st := ts.do("GET", "/api/alerts"+query, nil, &out); st != 200 {
		ts.t.Fatalf("GET /api/alerts%s: status %d", query, st)
	}
	return out.Alerts
}

// seedBatch is the seed rule's Event Hub message with the records' times
// (TimeGenerated) set to times.
func seedBatch(t *testing.T, times ...string) []byte {
	t.Helper()
	data, err := os.ReadFile("/work/shared/samples/screenmeet/streaming_eventhub_message.json")
	if err != nil {
		data, err = os.ReadFile("testdata/streaming_eventhub_message.json")
	}
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Records []map[string]any `json:"records"`
	}
	if err := json.Unmarshal(data, &msg); err != nil {
		t.Fatal(err)
	}
	if len(msg.Records) != len(times) {
		t.Fatalf("expected %d records in the sample, got %d", len(times), len(msg.Records))
	}
	for i := range msg.Records {
		msg.Records[i]["time"] = times[i]
	}
	out, _ := json.Marshal(msg)
	return out
}

// ingest posts a batch to /ingest, which answers once it is durable.
func (ts *testServer) ingest(batch []byte) {
	ts.t.Helper()
	var out struct{ Accepted, Rejected int }
	if st := ts.do("POST", "/ingest", batch, &out); st != http.StatusAccepted || out.Accepted != 2 || out.Rejected != 0 {
		ts.t.Fatalf("POST /ingest: expected 202 with 2 rows accepted, got %d %+v", st, out)
	}
}

// TestScheduledAlertEndToEnd is the end-to-end test: the seed
// rule runs hourly over its windows on a manual clock; its alert reaches
// a local webhook (which refuses the first attempts) once per window,
// across a restart and after 5 h of downtime, and data timed after a
// window's end does not reach the window.
func TestScheduledAlertEndToEnd(t *testing.T) {
	fastBackoff(t)
	hook := newWebhook(2)
	recv := httptest.NewServer(hook)
	defer recv.Close()
	store := t.TempDir()
	start := time.Date(2025, 3, 4, 8, 30, 0, 0, time.UTC)
	clk := clock.NewManual(start)
	alertsFile := filepath.Join(t.TempDir(), "alerts.jsonl")
	opts := Options{Store: store, RulePaths: []string{seedRule}, Clock: clk,
		AlertsWebhook: recv.URL, AlertsFile: alertsFile}
	ts := startServer(t, opts)
	// The first window ends at the anchor, 08:30: no data, no alert.
	ts.advance("0s")
	if got := ts.alerts(""); len(got) != 0 {
		t.Fatalf("expected no alert before any data, got %d", len(got))
	}
	// Records received at 09:40 (ReportId 101, Timestamp 09:15) and 09:50
	// (ReportId 102, Timestamp 09:45).
	ts.ingest(seedBatch(t, "2025-03-04T09:40:00Z", "2025-03-04T09:50:00Z"))
	// The window ending 09:30 must not read them, though the first one's
	// Timestamp is in it: they arrived after its end.
	ts.advance("1h")
	if got := ts.alerts(""); len(got) != 0 {
		t.Fatalf("expected no alert for the window ending 09:30 (its rows arrived later), got %d", len(got))
	}
	// The window ending 10:30 reads both: one alert with two rows.
	ts.advance("1h")
	got := ts.alerts("")
	if len(got) != 1 {
		t.Fatalf("expected 1 alert after the window ending 10:30, got %d", len(got))
	}
	a := got[0]
	if a.Rule != "f413b02c-92da-4243-82e6-b9bbe8e89a35" || a.Severity != "Medium" || len(a.Rows) != 2 ||
		!a.WindowEnd.Equal(start.Add(2*time.Hour)) || !a.WindowStart.Equal(start.Add(2*time.Hour-5*24*time.Hour)) {
		t.Errorf("unexpected alert: rule %s severity %s, %d rows, window (%s, %s]", a.Rule, a.Severity, len(a.Rows), a.WindowStart, a.WindowEnd)
	}
	if !slices.Equal(a.Tactics, []string{"CommandAndControl"}) || !slices.Equal(a.Techniques, []string{"T1219"}) {
		t.Errorf("expected tactics [CommandAndControl] and techniques [T1219], got %v %v", a.Tactics, a.Techniques)
	}
	if !slices.ContainsFunc(a.Entities, func(e alerts.Entity) bool { return e.Type == "Host" && e.Value == "ws-0142.contoso.local" }) ||
		!slices.ContainsFunc(a.Entities, func(e alerts.Entity) bool { return e.Type == "URL" && e.Value == "api.screenmeet.com" }) {
		t.Errorf("expected the host and URL entities, got %v", a.Entities)
	}
	waitFor(t, "the webhook to take the alert", func() bool { return hook.delivered()[a.ID] == 1 })
	waitFor(t, "the alert to be marked delivered", func() bool { return ts.alerts("")[0].Delivered })
	if n := ts.s.metrics.Counter("kqlhunt_alert_delivery_errors_total", Labels{"sink", "webhook"}); n != 2 {
		t.Errorf("expected 2 delivery errors counted (the webhook refused twice), got %v", n)
	}
	if n := ts.s.metrics.Counter("kqlhunt_alerts_total", Labels{"rule", a.Rule, "severity", "Medium"}); n != 1 {
		t.Errorf("expected kqlhunt_alerts_total 1, got %v", n)
	}

	// A restart: nothing is sent again, no window runs again.
	ts.close()
	ts = startServer(t, opts)
	ts.advance("0s")
	time.Sleep(50 * time.Millisecond) // a resent alert would arrive by now
	if d := hook.delivered(); len(d) != 1 || d[a.ID] != 1 {
		t.Fatalf("expected the one alert delivered once after the restart, got %v", d)
	}
	// 5 h of downtime, then the clock jumps: five windows, five alerts
	// (the 5-day period still holds the rows), each delivered once.
	ts.close()
	clk.Advance(5 * time.Hour)
	ts = startServer(t, opts)
	ts.advance("0s")
	got = ts.alerts("")
	if len(got) != 6 {
		t.Fatalf("expected 6 alerts after 5 h of downtime, got %d", len(got))
	}
	for k, a := range got { // the latest first
		if want := start.Add(time.Duration(7-k) * time.Hour); !a.WindowEnd.Equal(want) {
			t.Errorf("alert %d: expected the window ending %s, got %s", k, want, a.WindowEnd)
		}
	}
	waitFor(t, "the webhook to take 6 alerts", func() bool { return len(hook.delivered()) == 6 })
	for id, n := range hook.delivered() {
		if n != 1 {
			t.Errorf("alert %s delivered %d times, expected once", id, n)
		}
	}
	// The file sink has each alert once too.
	waitFor(t, "the alerts file to hold 6 alerts", func() bool {
		b, _ := os.ReadFile(alertsFile)
		return bytes.Count(b, []byte("\n")) == 6
	})
	var rules struct{ Rules []apiRule }
	ts.do("GET", "/api/rules", nil, &rules)
	if len(rules.Rules) != 1 || rules.Rules[0].LastWindowEnd != "2025-03-04T15:30:00Z" || rules.Rules[0].NextRun != "2025-03-04T16:30:00Z" || !rules.Rules[0].Scheduled || !rules.Rules[0].Valid {
		t.Errorf("unexpected rule status: %+v", rules.Rules)
	}
	// A crash after the last two windows' alerts were recorded but before
	// the state said so: the windows run again and make the same alerts,
	// which are neither recorded nor sent twice.
	ts.close()
	statePath := filepath.Join(store, "sched", "state.json")
	state, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	back := bytes.Replace(state, []byte("2025-03-04T15:30:00Z"), []byte("2025-03-04T13:30:00Z"), 1)
	if bytes.Equal(back, state) {
		t.Fatalf("expected the state to hold the last window end, got %s", state)
	}
	os.WriteFile(statePath, back, 0o600)
	ts = startServer(t, opts)
	ts.advance("0s")
	if n := ts.s.metrics.Counter("kqlhunt_rule_runs_total", Labels{"rule", a.Rule, "outcome", "alert"}); n != 2 {
		t.Errorf("expected the two windows run again, got %v runs", n)
	}
	if got := ts.alerts(""); len(got) != 6 {
		t.Errorf("expected still 6 alerts after windows ran again, got %d", len(got))
	}
	time.Sleep(50 * time.Millisecond)
	for id, n := range hook.delivered() {
		if n != 1 {
			t.Errorf("alert %s delivered %d times after windows ran again, expected once", id, n)
		}
	}
	ts.close()
}

func TestTriggerOperators(t *testing.T) {
	for _, c := range []struct {
		op        string
		threshold int
		n         int
		want      bool
	}{
		{"gt", 0, 1, true}, {"gt", 0, 0, false}, {"", 0, 1, true}, {"", 0, 0, false},
		{"lt", 3, 2, true}, {"lt", 3, 3, false},
		{"eq", 2, 2, true}, {"eq", 2, 3, false},
		{"ne", 2, 3, true}, {"ne", 2, 2, false},
		{"GT", 1, 2, true}, {"bogus", 0, 5, false},
	} {
		if got := triggered(c.op, c.threshold, c.n); got != c.want {
			t.Errorf("triggered(%q, %d, %d): expected %v, got %v", c.op, c.threshold, c.n, c.want, got)
		}
	}
}

// writeRule writes the seed rule to a folder with its lines edited by
// replace (old, new pairs).
func writeRule(t *testing.T, replace ...string) string {
	t.Helper()
	src, err := os.ReadFile(seedRule)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(replace...).Replace(string(src))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rule.yaml"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestTriggerThreshold runs the seed rule with a trigger that its two
// rows do not pass, then one they do.
func TestTriggerThreshold(t *testing.T) {
	for _, c := range []struct {
		trigger string
		want    int
	}{
		{"triggerOperator: gt\ntriggerThreshold: 2\n", 0},
		{"triggerOperator: eq\ntriggerThreshold: 2\n", 1},
		{"triggerOperator: lt\ntriggerThreshold: 2\n", 0},
		{"triggerOperator: ne\ntriggerThreshold: 1\n", 1},
	} {
		rules := writeRule(t, "triggerOperator: gt\ntriggerThreshold: 0\n", c.trigger)
		data := t.TempDir()
		os.WriteFile(filepath.Join(data, "b.json"), seedBatch(t, "2025-03-04T09:20:00Z", "2025-03-04T09:20:00Z"), 0o600)
		ts := startServer(t, Options{Store: t.TempDir(), Data: []string{data}, RulePaths: []string{rules},
			Clock: clock.NewManual(time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC))})
		ts.advance("0s")
		if got := ts.alerts(""); len(got) != c.want {
			t.Errorf("%q: expected %d alerts, got %d", c.trigger, c.want, len(got))
		}
		ts.close()
	}
}

// TestSuppressionPerEntity makes an alert per result and suppresses an
// entity's alerts for 2 h after one.
func TestSuppressionPerEntity(t *testing.T) {
	rules := writeRule(t, "kind: Scheduled\n", "kind: Scheduled\nsuppressionEnabled: true\nsuppressionDuration: PT2H\neventGroupingSettings:\n  aggregationKind: AlertPerResult\n")
	data := t.TempDir()
	os.WriteFile(filepath.Join(data, "b.json"), seedBatch(t, "2025-03-04T09:20:00Z", "2025-03-04T09:20:00Z"), 0o600)
	ts := startServer(t, Options{Store: t.TempDir(), Data: []string{data}, RulePaths: []string{rules},
		Clock: clock.NewManual(time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC))})
	defer ts.close()
	ts.advance("0s") // 10:00: two alerts, one per row
	if got := ts.alerts(""); len(got) != 2 || len(got[0].Rows) != 1 || len(got[1].Rows) != 1 || got[0].ID == got[1].ID {
		t.Fatalf("expected 2 alerts of one row each, got %d", len(got))
	}
	ts.advance("1h") // 11:00: within 2 h, suppressed
	if got := ts.alerts(""); len(got) != 2 {
		t.Fatalf("expected the alerts of 11:00 suppressed, got %d alerts", len(got))
	}
	if n := ts.s.metrics.Counter("kqlhunt_rule_runs_total", Labels{"rule", "f413b02c-92da-4243-82e6-b9bbe8e89a35", "outcome", "suppressed"}); n != 1 {
		t.Errorf("expected 1 suppressed run, got %v", n)
	}
	ts.advance("1h") // 12:00: 2 h after, raised again
	got := ts.alerts("")
	if len(got) != 4 {
		t.Fatalf("expected 4 alerts once the suppression ended, got %d", len(got))
	}
	if got := ts.alerts("?device=WS-0142.contoso.local&severity=medium&limit=3"); len(got) != 3 {
		t.Errorf("expected the filters to keep 3 alerts, got %d", len(got))
	}
	if got := ts.alerts("?from=2025-03-04T11:30:00Z"); len(got) != 2 {
		t.Errorf("expected 2 alerts from 11:30, got %d", len(got))
	}
	if got := ts.alerts("?device=other"); len(got) != 0 {
		t.Errorf("expected no alert for another device, got %d", len(got))
	}
}

// TestFindingsAndHunt checks the hunt on start, POST /api/hunt and the
// findings' filters.
func TestFindingsAndHunt(t *testing.T) {
	ts := startServer(t, Options{Store: t.TempDir(), Data: []string{"../../examples/telemetry"}, RulePaths: []string{"../../examples/rules"},
		Clock: clock.NewManual(time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC))})
	defer ts.close()
	<-ts.s.sched.hunting
	var fs struct{ Findings []alerts.Finding }
	if st := ts.do("GET", "/api/findings", nil, &fs); st != 200 || len(fs.Findings) == 0 {
		t.Fatalf("expected the findings of the hunt on start, got status %d and %d findings", st, len(fs.Findings))
	}
	f := fs.Findings[0]
	if f.Rule == "" || f.Device == "" || f.Time.IsZero() || len(f.Row) == 0 || len(f.Entities) == 0 {
		t.Errorf("finding lacks fields: %+v", f)
	}
	ts.do("GET", "/api/findings?rule="+f.Rule+"&device="+f.Device, nil, &fs)
	for _, x := range fs.Findings {
		if x.Rule != f.Rule || !strings.EqualFold(x.Device, f.Device) {
			t.Errorf("filter rule=%s device=%s kept %s %s", f.Rule, f.Device, x.Rule, x.Device)
		}
	}
	n := len(fs.Findings)
	// A hunt over a range before the data finds nothing; over the data,
	// the same findings, recorded once.
	var hr struct {
		Findings  []alerts.Finding
		Rules     int
		Errors    []string
		Truncated bool
	}
	if st := ts.do("POST", "/api/hunt", map[string]any{"rules": []string{f.Rule}, "from": "2020-01-01T00:00:00Z", "to": "2020-01-02T00:00:00Z"}, &hr); st != 200 || len(hr.Findings) != 0 || hr.Rules != 1 {
		t.Errorf("hunt before the data: status %d, %d findings, %d rules", st, len(hr.Findings), hr.Rules)
	}
	if st := ts.do("POST", "/api/hunt", map[string]any{"rules": []string{f.Rule}}, &hr); st != 200 || len(hr.Findings) == 0 || hr.Truncated {
		t.Errorf("hunt over the data: status %d, %d findings, truncated %v", st, len(hr.Findings), hr.Truncated)
	}
	ts.s.opts.Limits.QueryRows = 1
	if st := ts.do("POST", "/api/hunt", map[string]any{}, &hr); st != 200 || len(hr.Findings) != 1 || !hr.Truncated {
		t.Errorf("hunt with a row limit of 1: status %d, %d findings, truncated %v", st, len(hr.Findings), hr.Truncated)
	}
	ts.s.opts.Limits.QueryRows = 500_000
	ts.do("GET", "/api/findings?rule="+f.Rule+"&device="+f.Device, nil, &fs)
	if len(fs.Findings) != n {
		t.Errorf("expected a finding found again to be kept once: %d findings, then %d", n, len(fs.Findings))
	}
	var rules struct{ Rules []apiRule }
	ts.do("GET", "/api/rules", nil, &rules)
	for _, r := range rules.Rules {
		if r.ID == f.Rule && (r.Suppressed == nil || !r.Valid) {
			t.Errorf("expected rule %s valid with a suppression count after its run, got %+v", r.ID, r)
		}
	}
}

// TestBadRequests checks that malformed inputs get a 4xx with a message.
func TestBadRequests(t *testing.T) {
	ts := startServer(t, Options{Store: t.TempDir(), RulePaths: []string{seedRule}, Clock: clock.NewManual(time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC))})
	defer ts.close()
	for _, c := range []struct {
		method, path string
		body         any
		status       int
		msg          string
	}{
		{"GET", "/api/alerts?severity=urgent", nil, 400, `severity "urgent"`},
		{"GET", "/api/alerts?limit=0", nil, 400, `limit "0"`},
		{"GET", "/api/findings?limit=x", nil, 400, `limit "x"`},
		{"GET", "/api/findings?from=yesterday", nil, 400, `from "yesterday"`},
		{"GET", "/api/findings?colour=red", nil, 400, `unknown filter "colour"`},
		{"GET", "/api/alerts?from=2025-03-05T00:00:00Z&to=2025-03-04T00:00:00Z", nil, 400, "is after"},
		{"POST", "/api/hunt", map[string]any{"rules": []string{"nope"}}, 400, `unknown rule "nope"`},
		{"POST", "/api/hunt", map[string]any{"from": "soon"}, 400, `"from" "soon"`},
		{"POST", "/api/hunt", `{"rulez": []}`, 400, "malformed request body"},
		{"POST", "/api/admin/clock", map[string]string{"advance": "-1h"}, 400, "cannot move the clock back"},
		{"POST", "/api/admin/clock", map[string]string{"advance": "soon"}, 400, `"advance" "soon"`},
		{"POST", "/api/admin/clock", map[string]string{}, 400, "expected one of"},
		{"POST", "/api/admin/clock", map[string]string{"set": "2020-01-01T00:00:00Z"}, 400, "cannot move the clock back"},
	} {
		var out struct{ Error string }
		if st := ts.do(c.method, c.path, c.body, &out); st != c.status || !strings.Contains(out.Error, c.msg) {
			t.Errorf("%s %s: expected %d %q, got %d %q", c.method, c.path, c.status, c.msg, st, out.Error)
		}
	}
	// The clock did not move.
	if got := ts.s.clock.Now(); !got.Equal(time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("the clock moved to %s", got)
	}
	var out struct{ Now string }
	if st := ts.do("POST", "/api/admin/clock", map[string]string{"set": "2025-03-05T02:00:00Z"}, &out); st != 200 || out.Now != "2025-03-05T02:00:00Z" {
		t.Errorf("set: expected 200 2025-03-05T02:00:00Z, got %d %q", st, out.Now)
	}
	// Without a manual clock, 409.
	real := startServer(t, Options{Store: t.TempDir()})
	defer real.close()
	var e struct{ Error string }
	if st := real.do("POST", "/api/admin/clock", map[string]string{"advance": "1h"}, &e); st != 409 || !strings.Contains(e.Error, "--clock") {
		t.Errorf("expected 409 without a manual clock, got %d %q", st, e.Error)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"1h": time.Hour, "5d": 120 * time.Hour, "PT5H": 5 * time.Hour, "P1D": 24 * time.Hour,
		"PT30M": 30 * time.Minute, "P1DT2H": 26 * time.Hour, "00:30:00": 30 * time.Minute} {
		if got, ok := parseDuration(in); !ok || got != want {
			t.Errorf("parseDuration(%q): expected %v, got %v %v", in, want, got, ok)
		}
	}
	for _, in := range []string{"P", "PT", "soon", ""} {
		if _, ok := parseDuration(in); ok {
			t.Errorf("parseDuration(%q): expected an error", in)
		}
	}
}

// TestRulesShowExclusionsAndBlindness checks that GET /api/rules tells
// what the exclusions removed in a rule's last run, and why a run on a
// clock far past the data found nothing.
func TestRulesShowExclusionsAndBlindness(t *testing.T) {
	excl := filepath.Join(t.TempDir(), "exclusions.yaml")
	os.WriteFile(excl, []byte("exclusions:\n  - rule: f413b02c-92da-4243-82e6-b9bbe8e89a35\n    name: the join page\n    kql: RemoteUrl has \"join\"\n"), 0o600)
	data := t.TempDir()
	os.WriteFile(filepath.Join(data, "b.json"), seedBatch(t, "2025-03-04T09:20:00Z", "2025-03-04T09:20:00Z"), 0o600)
	rules := writeRule(t, "queryFrequency: 1h\n", "") // a hunting query: only the hunt on start runs it
	for _, c := range []struct {
		clock    time.Time
		findings int
		blind    bool
	}{
		{time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC), 1, false},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 0, true},
	} {
		ts := startServer(t, Options{Store: t.TempDir(), Data: []string{data}, RulePaths: []string{rules}, Exclusions: excl, Clock: clock.NewManual(c.clock)})
		<-ts.s.sched.hunting
		var list struct{ Rules []apiRule }
		ts.do("GET", "/api/rules", nil, &list)
		if len(list.Rules) != 1 || list.Rules[0].Scheduled {
			t.Fatalf("expected 1 rule, not scheduled, got %+v", list.Rules)
		}
		r := list.Rules[0]
		if r.Findings == nil || *r.Findings != c.findings || (r.Blind != "") != c.blind {
			t.Errorf("clock %s: expected %d findings, blind %v; got %+v", c.clock, c.findings, c.blind, r)
		}
		if !c.blind && (r.Suppressed == nil || *r.Suppressed != 1 || len(r.Exclusions) != 1 || r.Exclusions[0].Name != "the join page" || r.Exclusions[0].Rows != 1) {
			t.Errorf("expected the exclusion to have removed 1 row, got %+v", r)
		}
		ts.close()
	}
}

// TestRuleSettingsDiagnostics checks that malformed grouping and
// suppression settings are reported, not ignored.
func TestRuleSettingsDiagnostics(t *testing.T) {
	rules := writeRule(t, "kind: Scheduled\n", "kind: Scheduled\nsuppressionEnabled: yes please\neventGroupingSettings:\n  aggregationKind: Sometimes\n")
	ts := startServer(t, Options{Store: t.TempDir(), RulePaths: []string{rules}, Clock: clock.NewManual(time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC))})
	defer ts.close()
	var list struct{ Rules []apiRule }
	ts.do("GET", "/api/rules", nil, &list)
	text := strings.Join(list.Rules[0].Diagnostics, "\n")
	if !strings.Contains(text, `aggregationKind "Sometimes"`) || !strings.Contains(text, "suppressionEnabled: expected true or false") {
		t.Errorf("expected diagnostics about the grouping and the suppression, got %q", text)
	}
}
