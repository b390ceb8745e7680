package kql

import (
	"context"

	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// TimeWindow is a time range that a query reads of a table: a bound that
// a where right above the table's scan puts on its Timestamp or
// TimeGenerated column, as `Timestamp between (ago(5d) .. now())`.
type TimeWindow struct {
	Table, Column string
	// From and To bound the window; HasFrom and HasTo are false for an
	// open side.
	From, To       Datetime
	HasFrom, HasTo bool
}

// TimeWindows returns the time windows the query reads of its tables,
// with now() at now: one per table and column, the bounds of all its
// filters combined. Bounds that are not datetimes, or that need the data
// to compute, are left out. A query whose columns depend on the data has
// none.
func (q *Query) TimeWindows(now Datetime) []TimeWindow {
	if q.deferred {
		return nil
	}
	env := exec.NewEnv(nil, now)
	one := value.NewBatch(nil, 1)
	one.N = 1
	eval := func(e plan.Expr) (Datetime, bool) {
		if e == nil || e.Type() != schema.Datetime {
			return 0, false
		}
		col, err := env.Eval(context.Background(), e, one)
		if err != nil || col.IsNull(0) {
			return 0, false
		}
		d, ok := col.Get(0).(value.Datetime)
		return d, ok
	}
	var out []TimeWindow
	index := map[[2]string]int{}
	for _, tf := range plan.TimeFilters(q.plans) {
		key := [2]string{tf.Table, tf.Column}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, TimeWindow{Table: tf.Table, Column: tf.Column})
		}
		w := &out[i]
		if d, ok := eval(tf.Lo); ok && (!w.HasFrom || d > w.From) {
			w.From, w.HasFrom = d, true
		}
		if d, ok := eval(tf.Hi); ok && (!w.HasTo || d < w.To) {
			w.To, w.HasTo = d, true
		}
	}
	// A window with no bound is no window.
	kept := out[:0]
	for _, w := range out {
		if w.HasFrom || w.HasTo {
			kept = append(kept, w)
		}
	}
	return kept
}

// FilterColumns returns, by table, the columns that the query's filters
// read right where it reads the table: the columns a rule looks at.
func (q *Query) FilterColumns() map[string][]string {
	if q.deferred {
		return nil
	}
	return plan.FilterColumns(q.plans)
}
