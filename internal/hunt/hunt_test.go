package hunt

import (
	"bytes"
	"context"
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
