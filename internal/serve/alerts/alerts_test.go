package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// flaky is a sink that fails its first attempts at each alert.
type flaky struct {
	name  string
	fails int
	mu    sync.Mutex
	tries map[string]int
	got   []string
}

func (f *flaky) Name() string { return f.name }

func (f *flaky) Deliver(ctx context.Context, a *Record, line []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tries == nil {
		f.tries = map[string]int{}
	}
	f.tries[a.ID]++
	if f.tries[a.ID] <= f.fails {
		return errors.New("refused")
	}
	var r Record
	if err := json.Unmarshal(line, &r); err != nil || r.ID != a.ID {
		return fmt.Errorf("bad line %q", line)
	}
	f.got = append(f.got, a.ID)
	return nil
}

func (f *flaky) delivered() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.got...)
}

func wait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func rec(id string) *Record {
	return &Record{ID: id, Rule: "r", Entities: []Entity{{Type: "Host", Identifier: "HostName", Value: "h"}}, WindowEnd: time.Unix(0, 0).UTC()}
}

func TestRecordDeliverAndResume(t *testing.T) {
	dir := t.TempDir()
	sink := &flaky{name: "s", fails: 2}
	var errs int
	var mu sync.Mutex
	opts := Options{Sinks: []Sink{sink}, Backoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond,
		OnError: func(string, *Record, error) { mu.Lock(); errs++; mu.Unlock() }}
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	added, err := s.Record([]*Record{rec("a"), rec("b"), rec("a")})
	if err != nil || len(added) != 2 {
		t.Fatalf("expected 2 alerts added, got %d (%v)", len(added), err)
	}
	if added, _ := s.Record([]*Record{rec("b")}); len(added) != 0 {
		t.Errorf("expected an alert recorded again to be dropped")
	}
	wait(t, "2 deliveries", func() bool { return len(sink.delivered()) == 2 })
	wait(t, "the deliveries marked", func() bool { return s.Pending() == 0 })
	if got := s.List(nil, 0); len(got) != 2 || !got[0].Delivered || got[0].ID != "b" {
		t.Errorf("expected b then a, delivered, got %+v", got)
	}
	mu.Lock()
	if errs != 4 {
		t.Errorf("expected 4 failed attempts, got %d", errs)
	}
	mu.Unlock()
	s.Close()

	// Reopened: nothing is sent again; a new alert is. A sink added now
	// does not receive the history.
	sink2 := &flaky{name: "s"}
	late := &flaky{name: "late"}
	s, err = Open(dir, Options{Sinks: []Sink{sink2, late}, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.Has("a") || !s.Has("b") {
		t.Fatal("expected the alerts kept across a reopen")
	}
	s.Record([]*Record{rec("c")})
	wait(t, "c delivered", func() bool { return len(sink2.delivered()) == 1 && len(late.delivered()) == 1 })
	time.Sleep(20 * time.Millisecond)
	if got := sink2.delivered(); len(got) != 1 || got[0] != "c" {
		t.Errorf("expected only c delivered after the reopen, got %v", got)
	}
	if got := late.delivered(); len(got) != 1 || got[0] != "c" {
		t.Errorf("expected the late sink to receive only c, got %v", got)
	}
	if end, ok := s.LastAlerted("r", EntityKey([]Entity{{Type: "Host", Identifier: "HostName", Value: "H"}})); !ok || !end.Equal(time.Unix(0, 0)) {
		t.Errorf("expected LastAlerted to find the host's alerts, got %v %v", end, ok)
	}
}

func TestTornTailCut(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Record([]*Record{rec("a")})
	s.Close()
	f, _ := os.OpenFile(filepath.Join(dir, "alerts.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"id":"half`)
	f.Close()
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("expected a torn last line to be cut, got %v", err)
	}
	if _, err := s.Record([]*Record{rec("b")}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.List(nil, 0); len(got) != 2 {
		t.Errorf("expected a and b, got %d alerts", len(got))
	}
}

func TestFindingsBounded(t *testing.T) {
	dir := t.TempDir()
	f, err := OpenFindings(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(rule string, i int) *Finding {
		return &Finding{Rule: rule, Row: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)), Time: time.Unix(int64(i), 0).UTC()}
	}
	f.Add([]*Finding{mk("r", 1), mk("r", 2), mk("q", 1)})
	f.Add([]*Finding{mk("r", 3), mk("r", 4), mk("r", 2)})
	f, err = OpenFindings(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	got := f.List(func(x *Finding) bool { return x.Rule == "r" }, 0)
	var ns []string
	for _, x := range got {
		ns = append(ns, string(x.Row))
	}
	if fmt.Sprint(ns) != `[{"n":4} {"n":3} {"n":2}]` {
		t.Errorf("expected the latest 3 of r, once each, got %v", ns)
	}
	if got := f.List(nil, 2); len(got) != 2 {
		t.Errorf("expected the limit to hold, got %d", len(got))
	}
}
