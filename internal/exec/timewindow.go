package exec

import (
	"context"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// TimeWindow bounds the time column Column (Timestamp or TimeGenerated)
// of the rows a scan must yield: every row that the query's filters keep
// has a non-null Column in it. Both bounds are inclusive; HasFrom and
// HasTo are false for an open side.
type TimeWindow struct {
	Column         string
	From, To       value.Datetime
	HasFrom, HasTo bool
}

// WindowSource is a Source that can leave out rows outside a time window
// (Parquet row groups whose statistics rule them out). A windowed scan
// may still yield rows outside the window, never fewer rows inside it.
type WindowSource interface {
	Source
	// ScanWindow is Scan with the prefilter pre (nil reads every record,
	// as PrefilterSource) of the rows that may lie in win.
	ScanWindow(table *schema.Table, cols []int, pre *prefilter.Cond, win *TimeWindow) (Operator, error)
}

// ScanTimeWindow returns the window of the rows that scan n must yield,
// its Windows evaluated with now() at now and joined: the smallest range
// holding every path's. It is nil when a path is unbounded, when the
// paths bound different columns, or when the column is not a datetime.
func ScanTimeWindow(n *plan.Scan, now value.Datetime) *TimeWindow {
	if len(n.Windows) == 0 || n.Table == nil {
		return nil
	}
	col := n.Windows[0].Column
	isTime := false
	for _, c := range n.Table.Columns {
		if c.Name == col {
			isTime = c.Type == schema.Datetime
		}
	}
	if !isTime {
		return nil
	}
	env := NewEnv(nil, now)
	one := value.NewBatch(nil, 1)
	one.N = 1
	eval := func(e plan.Expr) (value.Datetime, bool) {
		if e == nil || e.Type() != schema.Datetime {
			return 0, false
		}
		c, err := env.Eval(context.Background(), e, one)
		if err != nil || c.Len() < 1 || c.IsNull(0) {
			return 0, false
		}
		d, ok := c.Get(0).(value.Datetime)
		return d, ok
	}
	var out *TimeWindow
	for _, w := range n.Windows {
		if w.Column != col {
			return nil
		}
		p := TimeWindow{Column: col}
		for _, e := range w.Lo {
			if d, ok := eval(e); ok && (!p.HasFrom || d > p.From) {
				p.From, p.HasFrom = d, true
			}
		}
		for _, e := range w.Hi {
			if d, ok := eval(e); ok && (!p.HasTo || d < p.To) {
				p.To, p.HasTo = d, true
			}
		}
		if out == nil {
			out = &p
			continue
		}
		out = out.union(&p)
	}
	if out == nil || !out.HasFrom && !out.HasTo {
		return nil
	}
	return out
}

// union returns the smallest window holding w and v, or nil for no
// bound: a nil window holds every row.
func (w *TimeWindow) union(v *TimeWindow) *TimeWindow {
	if w == nil || v == nil || w.Column != v.Column {
		return nil
	}
	u := TimeWindow{Column: w.Column}
	if w.HasFrom && v.HasFrom {
		u.From, u.HasFrom = min(w.From, v.From), true
	}
	if w.HasTo && v.HasTo {
		u.To, u.HasTo = max(w.To, v.To), true
	}
	if !u.HasFrom && !u.HasTo {
		return nil
	}
	return &u
}
