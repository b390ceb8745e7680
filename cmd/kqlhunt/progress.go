package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/kqlhunt/kqlhunt/internal/conformance"
)

// progressModes are the values of --progress.
var progressModes = []string{"auto", "always", "never"}

// progressInterval is how often the bar is redrawn.
const progressInterval = 150 * time.Millisecond

// startProgress shows on w a bar of the telemetry read so far: the bytes
// that read says the scans have read of the total it gives, with the rate
// and the time left. mode auto shows it only when w is a terminal. The returned
// function stops the bar and erases it, so that the lines written after
// it start clean; it must be called before anything else is written to w.
func startProgress(w io.Writer, mode string, read func() (done, total int64), what string) (stop func()) {
	if !showProgress(w, mode) {
		return func() {}
	}
	_, total := read()
	if total == 0 {
		return func() {}
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(progressInterval),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
	)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(progressInterval)
		defer tick.Stop()
		for {
			n, _ := read()
			bar.Set64(min(n, total)) // a file read twice counts twice
			select {
			case <-done:
				if n < total { // the last reads since the tick
					n, _ = read()
					bar.Set64(min(n, total))
				}
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		bar.Clear()
		fmt.Fprint(w, "\r")
	}
}

// showProgress reports whether mode asks for a bar on w.
func showProgress(w io.Writer, mode string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// countProgress shows a bar of the queries done per conformance mode, a
// new bar for each mode, on the same library as the hunt's bar.
type countProgress struct {
	w    io.Writer
	mu   sync.Mutex
	mode conformance.Mode
	bar  *progressbar.ProgressBar
}

func (p *countProgress) update(m conformance.Mode, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil || m != p.mode {
		if p.bar != nil {
			p.bar.Clear()
		}
		p.mode = m
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(string(m)),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(progressInterval),
			progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(true),
		)
	}
	p.bar.Set(done)
}

// clear erases the bar, so that the report starts on a clean line.
func (p *countProgress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Clear()
		fmt.Fprint(p.w, "\r")
	}
}
