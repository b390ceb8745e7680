package serve

import (
	"context"
	"fmt"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// defaultNow is the instant now() and ago() read in a query, and the end
// of a hunt, when the request does not say: Options.Now when given; the
// manual clock's instant under --clock; else the end of the --data
// telemetry when it lies in the past (an export is hunted as of the time
// it was taken, as `kqlhunt hunt --now` does, so that a rule's lookback
// sees it); else the wall clock. Scheduled rules always run on the clock.
func (s *Server) defaultNow() time.Time {
	switch {
	case !s.opts.Now.IsZero():
		return s.opts.Now
	case s.isManualClock():
		return s.clock.Now()
	case !s.dataEnd.IsZero() && s.dataEnd.Before(s.clock.Now()):
		return s.dataEnd
	}
	return s.clock.Now()
}

func (s *Server) isManualClock() bool {
	_, ok := s.clock.(interface{ Advance(time.Duration) error })
	return ok
}

// timeColumns are the columns that give a row's time, in the order they
// are looked for: Defender XDR's, then Log Analytics'.
var timeColumns = []string{"Timestamp", "TimeGenerated"}

// dataEnd returns the latest row time of the telemetry of paths (the
// zero time when no table with a time column has rows), reading it once
// through the kql door.
func dataEnd(ctx context.Context, paths []string, cat *kql.Catalog) (time.Time, error) {
	d, err := kql.OpenData(kql.DataOptions{Paths: paths}, cat)
	if err != nil {
		return time.Time{}, err
	}
	var queries []*kql.Query
	for _, name := range d.Tables() {
		t := cat.Table(name)
		if t == nil {
			continue
		}
		for _, col := range timeColumns {
			if i := t.Lookup(col); i >= 0 && t.Columns[i].Type.String() == "datetime" {
				q, err := kql.Compile(fmt.Sprintf("[%s] | summarize max(%s)", kql.QuoteString(name), col), cat, kql.Options{})
				if err != nil {
					return time.Time{}, fmt.Errorf("the latest time of %s: %v", name, err)
				}
				queries = append(queries, q)
				break
			}
		}
	}
	var end kql.Datetime
	found := false
	outs := kql.RunMany(ctx, queries, d, kql.Now(), func(query, stmt int, cols []kql.Column, b *kql.Batch) error {
		for i := 0; i < b.N; i++ {
			if v, ok := b.Cols[0].Get(i).(kql.Datetime); ok && (!found || v > end) {
				end, found = v, true
			}
		}
		return nil
	})
	for _, o := range outs {
		if o.Err != nil {
			return time.Time{}, o.Err
		}
	}
	if !found {
		return time.Time{}, nil
	}
	return end.Time(), nil
}
