// Package clock gives the server its time: the wall clock, or a manual
// clock that tests (and `kqlhunt serve --clock`) move forward by hand, so
// that hours of scheduled rules run in seconds.
package clock

import (
	"fmt"
	"sync"
	"time"
)

// Clock tells the time and wakes a waiter when a given instant is reached.
type Clock interface {
	// Now is the current instant.
	Now() time.Time
	// At returns a channel that receives the time once the clock reaches
	// t (at once when t is not after Now), and a function that releases
	// the wait when it is no longer needed.
	At(t time.Time) (<-chan time.Time, func())
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// At waits on a timer.
func (Real) At(t time.Time) (<-chan time.Time, func()) {
	tm := time.NewTimer(time.Until(t))
	return tm.C, func() { tm.Stop() }
}

// Manual is a clock that moves only when told to.
type Manual struct {
	mu      sync.Mutex
	now     time.Time
	waiters map[*waiter]bool
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// NewManual returns a manual clock that reads start.
func NewManual(start time.Time) *Manual {
	return &Manual{now: start, waiters: map[*waiter]bool{}}
}

// Now returns the clock's instant.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// At returns a channel that receives once the clock is moved to t or
// past it.
func (m *Manual) At(t time.Time) (<-chan time.Time, func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w := &waiter{at: t, ch: make(chan time.Time, 1)}
	if !t.After(m.now) {
		w.ch <- m.now
		return w.ch, func() {}
	}
	m.waiters[w] = true
	return w.ch, func() {
		m.mu.Lock()
		delete(m.waiters, w)
		m.mu.Unlock()
	}
}

// Advance moves the clock forward by d.
func (m *Manual) Advance(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("cannot move the clock back by %v", -d)
	}
	m.mu.Lock()
	t := m.now.Add(d)
	m.mu.Unlock()
	return m.Set(t)
}

// Set moves the clock to t, which must not be before its instant, and
// wakes the waiters whose instant is reached.
func (m *Manual) Set(t time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t.Before(m.now) {
		return fmt.Errorf("cannot move the clock back from %s to %s", m.now.Format(time.RFC3339), t.Format(time.RFC3339))
	}
	m.now = t
	for w := range m.waiters {
		if !w.at.After(t) {
			w.ch <- t
			delete(m.waiters, w)
		}
	}
	return nil
}
