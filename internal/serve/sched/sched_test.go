package sched

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/serve/clock"
)

// recorder is a RunFunc that records the windows it ran and can fail.
type recorder struct {
	mu   sync.Mutex
	runs map[string][]Window
	fail map[time.Time]int // window end → failures left
}

func (r *recorder) run(ctx context.Context, j Job, w Window) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail[w.End] > 0 {
		r.fail[w.End]--
		return errors.New("boom")
	}
	if r.runs == nil {
		r.runs = map[string][]Window{}
	}
	r.runs[j.ID] = append(r.runs[j.ID], w)
	return nil
}

func (r *recorder) windows(id string) []Window {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Window(nil), r.runs[id]...)
}

func settle(t *testing.T, s *Scheduler) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Settle(ctx); err != nil {
		t.Fatalf("settle: %v", err)
	}
}

// checkContiguous checks that ws are the windows anchor + k·freq for
// k = 0..n-1, each of length period.
func checkContiguous(t *testing.T, ws []Window, anchor time.Time, freq, period time.Duration, n int) {
	t.Helper()
	if len(ws) != n {
		t.Fatalf("expected %d windows, got %d: %v", n, len(ws), ws)
	}
	for k, w := range ws {
		end := anchor.Add(time.Duration(k) * freq)
		if !w.End.Equal(end) || !w.Start.Equal(end.Add(-period)) {
			t.Errorf("window %d: expected (%s, %s], got (%s, %s]", k, end.Add(-period), end, w.Start, w.End)
		}
	}
}

func TestWindowsContiguousAcrossDowntimeAndRestart(t *testing.T) {
	start := time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)
	clk := clock.NewManual(start)
	dir := t.TempDir()
	rec := &recorder{}
	jobs := []Job{{ID: "hourly", Frequency: time.Hour, Period: 2 * time.Hour}, {ID: "quarter", Frequency: 15 * time.Minute, Period: 15 * time.Minute}}
	open := func() *Scheduler {
		s, err := New(Options{Dir: dir, Clock: clk, Jobs: jobs, Run: rec.run})
		if err != nil {
			t.Fatal(err)
		}
		s.Start()
		return s
	}
	s := open()
	settle(t, s)
	checkContiguous(t, rec.windows("hourly"), start, time.Hour, 2*time.Hour, 1) // the first run is at the anchor
	// Ten minutes: nothing new is due.
	clk.Advance(10 * time.Minute)
	settle(t, s)
	checkContiguous(t, rec.windows("hourly"), start, time.Hour, 2*time.Hour, 1)
	// Downtime: the clock jumps 5 h at once; five windows run, in order.
	clk.Advance(4*time.Hour + 50*time.Minute)
	settle(t, s)
	checkContiguous(t, rec.windows("hourly"), start, time.Hour, 2*time.Hour, 6)
	checkContiguous(t, rec.windows("quarter"), start, 15*time.Minute, 15*time.Minute, 21)
	st, _ := s.Status("hourly")
	if want := start.Add(5 * time.Hour); !st.LastEnd.Equal(want) || !st.Next.Equal(want.Add(time.Hour)) {
		t.Errorf("status: expected last %s next %s, got %s %s", want, want.Add(time.Hour), st.LastEnd, st.Next)
	}
	// A restart, with 3 h of downtime: the windows resume where they
	// stopped, none run twice.
	s.Stop()
	clk.Advance(3 * time.Hour)
	s = open()
	settle(t, s)
	checkContiguous(t, rec.windows("hourly"), start, time.Hour, 2*time.Hour, 9)
	checkContiguous(t, rec.windows("quarter"), start, 15*time.Minute, 15*time.Minute, 33)
	s.Stop()
}

func TestFailedWindowIsRetriedBeforeTheNext(t *testing.T) {
	start := time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)
	clk := clock.NewManual(start)
	rec := &recorder{fail: map[time.Time]int{start.Add(time.Hour): 2}}
	s, err := New(Options{Dir: t.TempDir(), Clock: clk, Jobs: []Job{{ID: "r", Frequency: time.Hour, Period: time.Hour}}, Run: rec.run, Retry: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop()
	clk.Advance(3 * time.Hour) // windows end 1 h (fails), 2 h, 3 h wait
	settle(t, s)
	if got := len(rec.windows("r")); got != 1 {
		t.Fatalf("expected the windows after the failed one to wait, got %d windows run", got)
	}
	if st, _ := s.Status("r"); st.Err == nil {
		t.Errorf("expected the status to hold the failure")
	}
	clk.Advance(10 * time.Minute) // second failure
	settle(t, s)
	clk.Advance(10 * time.Minute) // succeeds, and the rest catch up
	settle(t, s)
	checkContiguous(t, rec.windows("r"), start, time.Hour, time.Hour, 4)
}

func TestBadJob(t *testing.T) {
	_, err := New(Options{Dir: t.TempDir(), Clock: clock.NewManual(time.Now()), Jobs: []Job{{ID: "r", Frequency: 0, Period: time.Hour}}})
	if err == nil {
		t.Fatal("expected an error for a zero frequency")
	}
}
