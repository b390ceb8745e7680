// Package sched runs scheduled rules over contiguous windows, as
// Microsoft Sentinel's scheduler does, and keeps their progress durably.
//
// A job (a rule with a queryFrequency) has an anchor, the instant the
// scheduler first saw it. Its run k ends at T_k = anchor + k·frequency
// (k = 0, 1, ...) and reads the rows of the window (T_k − period, T_k].
// The scheduler runs a window once the clock reaches its end; after the
// window's run has returned (its alerts recorded), the job's last
// window end is written to state.json (by rename, synced). After
// downtime the scheduler catches up window by window, oldest first, so
// no window is skipped; a window whose run returned but whose state was
// not written before a crash runs again, and the run must make that
// harmless (alert ids derived from the window).
//
// A run that fails is retried, with the same window, once the clock has
// moved on by a retry delay; the job's later windows wait for it, so that
// windows stay contiguous.
package sched

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/durable"
	"github.com/kqlhunt/kqlhunt/internal/serve/clock"
)

// Job is a scheduled rule.
type Job struct {
	// ID names the job (the rule's id).
	ID string
	// Frequency is the time between two runs; Period is the length of
	// the window each run reads.
	Frequency, Period time.Duration
}

// Window is the rows a run reads: those after Start, up to End included.
type Window struct{ Start, End time.Time }

// RunFunc runs job over w. It returns once what the run found is
// recorded durably; an error makes the scheduler retry the window.
type RunFunc func(ctx context.Context, job Job, w Window) error

// jobState is a job's progress, as state.json keeps it.
type jobState struct {
	// Anchor is the end of the job's first window.
	Anchor time.Time `json:"anchor"`
	// LastEnd is the end of the last window run, or zero.
	LastEnd time.Time `json:"lastWindowEnd,omitzero"`
	// retryAt is when a failed window is tried again (not kept).
	retryAt time.Time
	// lastErr is the failure of the last run, or nil.
	lastErr error
}

// stateFile is state.json.
type stateFile struct {
	Rules map[string]*jobState `json:"rules"`
}

// Options configure a Scheduler.
type Options struct {
	// Dir holds state.json.
	Dir string
	// Clock tells the time.
	Clock clock.Clock
	// Jobs are the scheduled rules.
	Jobs []Job
	// Run runs a job over a window.
	Run RunFunc
	// Retry is how long the clock must move on before a failed window
	// is tried again (default 1 min).
	Retry time.Duration
	// Log receives the scheduler's messages.
	Log io.Writer
}

// Scheduler runs jobs over their windows. Its methods are safe for
// concurrent use.
type Scheduler struct {
	opts  Options
	path  string
	mu    sync.Mutex
	state map[string]*jobState
	// settled is the clock's instant at the start of the last pass that
	// ran every window due; passed is closed and replaced after each
	// pass.
	settled time.Time
	passed  chan struct{}
	wake    chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
}

// New loads the state in opts.Dir (creating the folder) and anchors
// the jobs it does not know at the clock's instant. Start runs them.
func New(opts Options) (*Scheduler, error) {
	if opts.Retry <= 0 {
		opts.Retry = time.Minute
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, err
	}
	s := &Scheduler{opts: opts, path: filepath.Join(opts.Dir, "state.json"), state: map[string]*jobState{},
		passed: make(chan struct{}), wake: make(chan struct{}, 1)}
	data, err := os.ReadFile(s.path)
	switch {
	case err == nil:
		var st stateFile
		if err := json.Unmarshal(data, &st); err != nil {
			return nil, fmt.Errorf("%s: %v", s.path, err)
		}
		for id, js := range st.Rules {
			if js != nil {
				s.state[id] = js
			}
		}
	case !os.IsNotExist(err):
		return nil, err
	}
	now := opts.Clock.Now().UTC().Truncate(time.Second)
	changed := false
	for _, j := range opts.Jobs {
		if j.Frequency <= 0 || j.Period <= 0 {
			return nil, fmt.Errorf("job %q: frequency %v and period %v: expected positive durations", j.ID, j.Frequency, j.Period)
		}
		if s.state[j.ID] == nil {
			s.state[j.ID] = &jobState{Anchor: now}
			changed = true
		}
	}
	if changed {
		if err := s.save(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// save writes the state durably; s.mu is held.
func (s *Scheduler) save() error {
	data, err := json.MarshalIndent(stateFile{Rules: s.state}, "", "  ")
	if err != nil {
		return err
	}
	return durable.WriteFile(s.path, append(data, '\n'))
}

// nextEnd returns the end of the job's next window; s.mu is held.
func (s *Scheduler) nextEnd(j Job) time.Time {
	st := s.state[j.ID]
	if st.LastEnd.IsZero() {
		return st.Anchor
	}
	return st.LastEnd.Add(j.Frequency)
}

// Start runs the jobs in the background until Stop.
func (s *Scheduler) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	go s.loop(ctx)
}

// Stop stops the scheduler, cancelling a run under way (which then runs
// again after a restart), and waits for it to end.
func (s *Scheduler) Stop() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.done
}

// Wake makes the scheduler look at the clock now (after a manual clock
// moved, which also wakes it).
func (s *Scheduler) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Settle waits until the scheduler has run every window that ends at or
// before the clock's instant as Settle reads it (or failed it, to try it
// again later), or until ctx is done.
func (s *Scheduler) Settle(ctx context.Context) error {
	target := s.opts.Clock.Now()
	for {
		s.mu.Lock()
		ok, passed := !s.settled.Before(target), s.passed
		s.mu.Unlock()
		if ok {
			return nil
		}
		s.Wake()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-passed:
		}
	}
}

// Status is what the scheduler knows of a job.
type Status struct {
	// LastEnd is the end of the last window run (zero before the first).
	LastEnd time.Time
	// Next is the end of the next window, when the job runs next.
	Next time.Time
	// Err is the failure of the job's last run, or nil.
	Err error
}

// Status returns the status of the job id, and false for an unknown job.
func (s *Scheduler) Status(id string) (Status, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.opts.Jobs, func(j Job) bool { return j.ID == id })
	if i < 0 {
		return Status{}, false
	}
	st := s.state[id]
	return Status{LastEnd: st.LastEnd, Next: s.nextEnd(s.opts.Jobs[i]), Err: st.lastErr}, true
}

func (s *Scheduler) loop(ctx context.Context) {
	defer close(s.done)
	for {
		now := s.opts.Clock.Now()
		for ctx.Err() == nil {
			j, w, ok := s.due(now)
			if !ok {
				break
			}
			s.runOne(ctx, j, w, now)
		}
		if ctx.Err() != nil {
			return
		}
		s.mu.Lock()
		s.settled = now
		close(s.passed)
		s.passed = make(chan struct{})
		next, any := s.nextWake()
		s.mu.Unlock()
		var at <-chan time.Time
		release := func() {}
		if any {
			at, release = s.opts.Clock.At(next)
		}
		select {
		case <-ctx.Done():
			release()
			return
		case <-at:
		case <-s.wake:
		}
		release()
	}
}

// due returns the window, among the jobs that are not waiting for a
// retry, that ends first and not after now.
func (s *Scheduler) due(now time.Time) (Job, Window, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var best Job
	var end time.Time
	found := false
	for _, j := range s.opts.Jobs {
		st := s.state[j.ID]
		if !st.retryAt.IsZero() && now.Before(st.retryAt) {
			continue
		}
		e := s.nextEnd(j)
		if e.After(now) {
			continue
		}
		if !found || e.Before(end) {
			best, end, found = j, e, true
		}
	}
	return best, Window{Start: end.Add(-best.Period), End: end}, found
}

// nextWake returns the earliest instant at which a window falls due or
// a retry is allowed; s.mu is held.
func (s *Scheduler) nextWake() (time.Time, bool) {
	var next time.Time
	found := false
	for _, j := range s.opts.Jobs {
		st := s.state[j.ID]
		t := s.nextEnd(j)
		if st.retryAt.After(t) {
			t = st.retryAt
		}
		if !found || t.Before(next) {
			next, found = t, true
		}
	}
	return next, found
}

// runOne runs j over w and records the progress.
func (s *Scheduler) runOne(ctx context.Context, j Job, w Window, now time.Time) {
	err := s.opts.Run(ctx, j, w)
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state[j.ID]
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		st.lastErr, st.retryAt = err, now.Add(s.opts.Retry)
		fmt.Fprintf(s.opts.Log, "kqlhunt: rule %s, window ending %s: %v (tried again in %v)\n", j.ID, w.End.Format(time.RFC3339), err, s.opts.Retry)
		return
	}
	prev := *st
	st.LastEnd, st.retryAt, st.lastErr = w.End, time.Time{}, nil
	if err := s.save(); err != nil {
		*st = prev
		st.lastErr, st.retryAt = err, now.Add(s.opts.Retry)
		fmt.Fprintf(s.opts.Log, "kqlhunt: saving the scheduler's state: %v (window ending %s of rule %s run again in %v)\n", err, w.End.Format(time.RFC3339), j.ID, s.opts.Retry)
	}
}
