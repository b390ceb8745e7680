package plan

import "github.com/kqlhunt/kqlhunt/internal/schema"

// ActivityCounts is evaluate activity_counts_metrics or evaluate
// sliding_window_counts: the input's rows binned by Time into windows of
// Step starting at Start (or calendar weeks, months or years when
// Calendar is set), up to the window that holds End, counted per window
// and combination of Dims. Start, End, Step and Lookback are constants.
// Cols are Time's column, the dimensions' columns, then the counts:
// count, dcount, new_dcount and aggregated_dcount for
// activity_counts_metrics; Count and Dcount over the Lookback windows
// ending at each window for sliding_window_counts.
// https://learn.microsoft.com/kusto/query/activity-counts-metrics-plugin
// https://learn.microsoft.com/kusto/query/sliding-window-counts-plugin
type ActivityCounts struct {
	Input Node
	// Sliding is true for sliding_window_counts.
	Sliding          bool
	ID, Time         Expr
	Start, End, Step Expr
	// Calendar is "week", "month" or "year" for calendar windows (Step is
	// then nil), else "".
	Calendar string
	Lookback Expr // sliding_window_counts only
	Dims     []Expr
	Cols     []schema.Column
}

func (n *ActivityCounts) Schema() []schema.Column { return n.Cols }
func (n *ActivityCounts) Inputs() []Node          { return []Node{n.Input} }
func (*ActivityCounts) node()                     {}

// Plugin returns the name of the plugin n runs.
func (n *ActivityCounts) Plugin() string {
	if n.Sliding {
		return "sliding_window_counts"
	}
	return "activity_counts_metrics"
}
