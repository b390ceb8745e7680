package exec

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// activityCounter runs a plan.ActivityCounts (evaluate
// activity_counts_metrics and sliding_window_counts). It reads the whole
// input, keeping per combination of dimensions and window the row count
// and the set of distinct ids, then computes each output row from those
// cells. Distinct counts are exact: Kusto's are HyperLogLog estimates,
// which are exact for the small sets the reference pages show (and
// kqlhunt's dcount() is exact too).
// https://learn.microsoft.com/kusto/query/activity-counts-metrics-plugin
// https://learn.microsoft.com/kusto/query/sliding-window-counts-plugin
type activityCounter struct {
	env  *Env
	in   Operator
	n    *plan.ActivityCounts
	done bool
	acct account // the groups, the cells and their id sets
}

func newActivityCounter(env *Env, in Operator, n *plan.ActivityCounts) *activityCounter {
	return &activityCounter{env: env, in: in, n: n, acct: env.account(n)}
}

func (a *activityCounter) Close() error {
	a.acct.release()
	return a.in.Close()
}

// activityWindows numbers the windows: window 0 starts at the analysis
// start (for calendar windows, at the start of its week, month or year)
// and window k at the k-th step after it.
type activityWindows struct {
	calendar     string
	origin, step int64 // fixed windows (weeks too), in ticks
	month0       int64 // calendar months and years: the start's
}

// monthIndex returns the months since year 0 of t (years for "year").
func monthIndex(t time.Time, calendar string) int64 {
	if calendar == "year" {
		return int64(t.Year())
	}
	return int64(t.Year())*12 + int64(t.Month()) - 1
}

func newActivityWindows(start value.Datetime, step int64, calendar string) activityWindows {
	w := activityWindows{calendar: calendar, origin: int64(start), step: step}
	t := start.Time()
	switch calendar {
	case "week":
		// startofweek: the Sunday that begins start's week.
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		w.origin = int64(value.DatetimeOf(day.AddDate(0, 0, -int(day.Weekday()))))
		w.step = 7 * 24 * int64(time.Hour/100)
	case "month", "year":
		w.month0 = monthIndex(t, calendar)
	}
	return w
}

// index returns the number of the window that holds t.
func (w *activityWindows) index(t value.Datetime) int64 {
	switch w.calendar {
	case "month", "year":
		return monthIndex(t.Time(), w.calendar) - w.month0
	}
	return floorDiv(int64(t)-w.origin, w.step)
}

// start returns the start of window k.
func (w *activityWindows) start(k int64) value.Datetime {
	switch w.calendar {
	case "month":
		m := w.month0 + k
		return value.DatetimeOf(time.Date(int(floorDiv(m, 12)), time.Month(m-12*floorDiv(m, 12)+1), 1, 0, 0, 0, 0, time.UTC))
	case "year":
		return value.DatetimeOf(time.Date(int(w.month0+k), 1, 1, 0, 0, 0, 0, time.UTC))
	}
	return value.Datetime(w.origin + k*w.step)
}

// activityCell is what one window of one group holds.
type activityCell struct {
	count int64
	ids   map[string]struct{}
}

// constant evaluates a constant argument of the plugin.
func (a *activityCounter) constant(ctx context.Context, e plan.Expr, what string) (any, error) {
	col, err := a.env.Eval(ctx, e, &value.Batch{N: 1})
	if err != nil {
		return nil, err
	}
	v := col.Get(0)
	if v == nil {
		return nil, fmt.Errorf("%s: the %s is null", a.n.Plugin(), what)
	}
	return v, nil
}

func (a *activityCounter) Next(ctx context.Context) (*value.Batch, error) {
	if a.done {
		return nil, nil
	}
	a.done = true
	defer a.acct.release()
	n := a.n
	startV, err := a.constant(ctx, n.Start, "start")
	if err != nil {
		return nil, err
	}
	endV, err := a.constant(ctx, n.End, "end")
	if err != nil {
		return nil, err
	}
	start, end := startV.(value.Datetime), endV.(value.Datetime)
	var step int64
	if n.Calendar == "" {
		v, err := a.constant(ctx, n.Step, "step")
		if err != nil {
			return nil, err
		}
		if step = ticks(v); step <= 0 {
			return nil, fmt.Errorf("%s: the step must be positive, got %s", n.Plugin(), value.Timespan(step))
		}
	}
	w := newActivityWindows(start, step, n.Calendar)
	last := w.index(end)
	lookback := int64(1)
	if n.Sliding {
		v, err := a.constant(ctx, n.Lookback, "lookback window")
		if err != nil {
			return nil, err
		}
		// The lookback is rounded down to a whole number of bins.
		lookback = ticks(v) / w.step
	}

	groups := map[string]int{}
	keys := make([]*value.Column, len(n.Dims))
	for i, d := range n.Dims {
		keys[i] = value.NewColumn(d.Type(), 16)
	}
	type cellKey struct {
		group int
		k     int64
	}
	cells := map[cellKey]*activityCell{}
	var groupWindows [][]int64 // per group, its windows
	dimCols := make([]*value.Column, len(n.Dims))
	var key, id []byte
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := a.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		idCol, err := a.env.Eval(ctx, n.ID, b)
		if err != nil {
			return nil, err
		}
		timeCol, err := a.env.Eval(ctx, n.Time, b)
		if err != nil {
			return nil, err
		}
		for i, d := range n.Dims {
			if dimCols[i], err = a.env.Eval(ctx, d, b); err != nil {
				return nil, err
			}
		}
		grown := int64(0)
		for r := 0; r < b.N; r++ {
			tv, ok := timeCol.Get(r).(value.Datetime)
			if !ok {
				continue // a null time is in no window
			}
			k := w.index(tv)
			// A row counts in the windows k .. k+lookback-1 that lie
			// between the start's and the end's.
			if k > last || k+lookback-1 < 0 {
				continue
			}
			key = key[:0]
			for _, c := range dimCols {
				key = appendKey(key, c, r)
			}
			g, ok := groups[string(key)]
			if !ok {
				g = len(groupWindows)
				groups[string(key)] = g
				groupWindows = append(groupWindows, nil)
				for i, c := range dimCols {
					keys[i].AppendFrom(c, r)
					grown += rowBytes(c, r)
				}
				grown += entryBytes + sliceBytes + int64(len(key))
			}
			cell := cells[cellKey{g, k}]
			if cell == nil {
				cell = &activityCell{ids: map[string]struct{}{}}
				cells[cellKey{g, k}] = cell
				groupWindows[g] = append(groupWindows[g], k)
				grown += entryBytes + wordBytes + 2*wordBytes
			}
			cell.count++
			if !idCol.IsNull(r) {
				id = appendKey(id[:0], idCol, r)
				if _, seen := cell.ids[string(id)]; !seen {
					cell.ids[string(id)] = struct{}{}
					grown += entryBytes + int64(len(id))
				}
			}
		}
		if err := a.acct.grow(grown); err != nil {
			return nil, err
		}
	}

	out := &value.Batch{Cols: emptyColumns(n.Cols)}
	var rowGroups []int
	emit := func(g int, k int64, counts ...int64) {
		out.Cols[0].Append(w.start(k))
		for i, c := range counts {
			out.Cols[1+len(n.Dims)+i].Append(c)
		}
		rowGroups = append(rowGroups, g)
		out.N++
	}
	for g, ks := range groupWindows {
		slices.Sort(ks)
		if !n.Sliding {
			// activity_counts_metrics: each window against all the
			// windows before it.
			seen := map[string]struct{}{}
			for _, k := range ks {
				cell := cells[cellKey{g, k}]
				fresh := int64(0)
				for id := range cell.ids {
					if _, ok := seen[id]; !ok {
						seen[id] = struct{}{}
						fresh++
					}
				}
				if err := a.acct.grow(fresh * (entryBytes + boxBytes)); err != nil {
					return nil, err
				}
				emit(g, k, cell.count, int64(len(cell.ids)), fresh, int64(len(seen)))
			}
			continue
		}
		// sliding_window_counts: bin j counts the rows of bins
		// j-lookback+1 .. j. The ids in the window are a multiset, so
		// that a bin leaving takes away only what it brought.
		inWindow := map[string]int{}
		count := int64(0)
		next := 0 // the first bin of ks not yet added
		tail := 0 // the first bin of ks not yet removed
		for j := max(ks[0], 0); next < len(ks) || count > 0; j++ {
			if count == 0 && next < len(ks) && ks[next] > j {
				j = ks[next] // skip bins whose window is empty
			}
			if j > last {
				break
			}
			for next < len(ks) && ks[next] <= j {
				cell := cells[cellKey{g, ks[next]}]
				count += cell.count
				for id := range cell.ids {
					inWindow[id]++
				}
				next++
			}
			for tail < next && ks[tail] <= j-lookback {
				cell := cells[cellKey{g, ks[tail]}]
				count -= cell.count
				for id := range cell.ids {
					if inWindow[id]--; inWindow[id] == 0 {
						delete(inWindow, id)
					}
				}
				tail++
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if j >= 0 && count > 0 {
				emit(g, j, count, int64(len(inWindow)))
			}
		}
	}
	for i := range n.Dims {
		out.Cols[1+i] = keys[i].Take(rowGroups)
	}
	if err := a.acct.grow(batchBytes(out)); err != nil {
		return nil, err
	}
	return out, nil
}
