package hunt

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/kql"
)

// memEngine is an Engine over rows held in memory: the product layer
// runs on any engine, not only on telemetry files.
type memEngine struct{ tables *kql.MemTables }

func (e *memEngine) Open(*kql.Catalog) error   { return nil }
func (e *memEngine) HasTable(name string) bool { return e.tables.Has(name) }
func (e *memEngine) RunMany(ctx context.Context, qs []*kql.Query, now kql.Datetime, emit kql.Emit) []kql.Outcome {
	return kql.RunMany(ctx, qs, e.tables, now, emit)
}
func (e *memEngine) Count(ctx context.Context, q *kql.Query, now kql.Datetime) (int, error) {
	res, err := q.Run(ctx, e.tables, now)
	n := 0
	for _, r := range res {
		n += r.Rows()
	}
	return n, err
}

// findings collects findings.
type findings struct{ got []*report.Finding }

func (f *findings) Write(x *report.Finding) error { c := *x; f.got = append(f.got, &c); return nil }
func (f *findings) End() error                    { return nil }

// TestRunOnAnotherEngine runs the seed rule through hunt.Run on an
// engine of rows in memory: the workflow (rules, not evaluated, findings,
// summary) does not depend on the embedded engine.
func TestRunOnAnotherEngine(t *testing.T) {
	cat := kql.Defender()
	tables := kql.NewMemTables()
	at := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	err := tables.AddRows(cat.Table("DeviceNetworkEvents"), []map[string]any{
		{"Timestamp": at, "DeviceId": "d1", "DeviceName": "ws-1", "RemoteUrl": "api.screenmeet.com", "ReportId": 7,
			"InitiatingProcessVersionInfoCompanyName": "Projector Inc", "InitiatingProcessVersionInfoProductName": "ScreenMeet"},
		{"Timestamp": at, "DeviceId": "d2", "DeviceName": "ws-2", "RemoteUrl": "example.com", "ReportId": 8},
	})
	if err != nil {
		t.Fatal(err)
	}
	var out findings
	var log bytes.Buffer
	res, err := Run(context.Background(), Config{
		RulePaths: []string{"../../examples/rules"},
		Packs:     []string{"rmm"},
		Engine:    &memEngine{tables},
		Now:       kql.DatetimeOf(at.Add(time.Hour)),
		Findings:  &out,
		Log:       &log,
	})
	if err != nil {
		t.Fatal(err)
	}
	seed := 0
	for _, f := range out.got {
		if f.RuleID == "f413b02c-92da-4243-82e6-b9bbe8e89a35" {
			seed++
		}
	}
	if seed != 1 || res.Stats.Findings < 1 || res.Stats.NotEvaluated == 0 {
		t.Errorf("seed findings %d, stats %+v\n%s", seed, res.Stats, log.String())
	}
	if !strings.Contains(log.String(), "not evaluated: ") || !strings.Contains(log.String(), "no DeviceProcessEvents data") {
		t.Errorf("the log does not say which rules had no data:\n%s", log.String())
	}
}

// TestWindowBoundsBothEnds runs a loaded rule set over windows: a row
// whose TimeGenerated is after the window's end is not read, even when
// the rule's own filter (on Timestamp) would take it, nor one before its
// start; the set is not changed by the runs.
func TestWindowBoundsBothEnds(t *testing.T) {
	cat := kql.Defender()
	tables := kql.NewMemTables()
	at := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	row := func(id, url string, generated time.Time) map[string]any {
		return map[string]any{"Timestamp": at, "TimeGenerated": generated, "DeviceId": id, "DeviceName": id, "RemoteUrl": url, "ReportId": 7,
			"InitiatingProcessVersionInfoCompanyName": "Projector Inc", "InitiatingProcessVersionInfoProductName": "ScreenMeet"}
	}
	if err := tables.AddRows(cat.Table("DeviceNetworkEvents"), []map[string]any{
		row("early", "a.screenmeet.com", at.Add(-2*time.Hour)),
		row("in", "b.screenmeet.com", at.Add(30*time.Minute)),
		row("late", "c.screenmeet.com", at.Add(2*time.Hour)),
	}); err != nil {
		t.Fatal(err)
	}
	set, err := LoadRules([]string{"../../examples/rules"}, []string{"rmm"})
	if err != nil {
		t.Fatal(err)
	}
	loaded := len(set.Loaded())
	if loaded < 2 {
		t.Fatalf("expected several example rules, got %d", loaded)
	}
	run := func(from, to time.Time) []string {
		var out findings
		_, err := Run(context.Background(), Config{Rules: set, Engine: &memEngine{tables}, Now: kql.DatetimeOf(to),
			Window: Window{From: kql.DatetimeOf(from), To: kql.DatetimeOf(to)}, Findings: &out, Log: io.Discard, Select: Selection{Rules: []string{"f413b02c*"}}})
		if err != nil {
			t.Fatal(err)
		}
		var devices []string
		for _, f := range out.got {
			devices = append(devices, f.Host())
		}
		return devices
	}
	if got := run(at.Add(-time.Hour), at.Add(time.Hour)); strings.Join(got, ",") != "in" {
		t.Errorf("expected only the row inside the window, got %v", got)
	}
	if got := run(at.Add(-3*time.Hour), at.Add(3*time.Hour)); len(got) != 3 {
		t.Errorf("expected the three rows in a wide window, got %v", got)
	}
	if n := len(set.Loaded()); n != loaded {
		t.Errorf("expected the rule set unchanged by Select, %d rules, got %d", loaded, n)
	}
}
