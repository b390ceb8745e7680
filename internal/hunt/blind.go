package hunt

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// blind says why a rule that ran and found nothing could not have found
// anything, from what the data's readers saw: its time window misses the
// time range of a table it reads, or a column it filters on is null in
// every row read. It returns "" when it cannot tell.
func blind(q *kql.Query, data kql.DataStats, now kql.Datetime) string {
	var why []string
	for _, w := range q.TimeWindows(now) {
		ts := data.Table(w.Table)
		if ts != nil && ts.Rows == 0 && ts.Pruned > 0 {
			why = append(why, fmt.Sprintf("its time window on %s.%s (%s) misses all %d %s of the data, which the files' time statistics ruled out unread; check --now",
				w.Table, w.Column, windowText(w), ts.Pruned, plural(ts.Pruned, "row", "rows")))
			continue
		}
		if ts == nil || !ts.HasTime || ts.Rows == 0 {
			continue
		}
		if (w.HasTo && w.To < ts.TimeMin) || (w.HasFrom && w.From > ts.TimeMax) {
			why = append(why, fmt.Sprintf("its time window on %s.%s (%s) misses the data, which spans %s to %s; give the time the data was recorded with --now %s",
				w.Table, w.Column, windowText(w), ts.TimeMin, ts.TimeMax, suggestNow(ts.TimeMax)))
		}
	}
	filtered := q.FilterColumns()
	tables := make([]string, 0, len(filtered))
	for t := range filtered {
		tables = append(tables, t)
	}
	slices.Sort(tables)
	for _, table := range tables {
		cols := filtered[table]
		ts := data.Table(table)
		if ts == nil || ts.Rows == 0 {
			continue
		}
		var empty []string
		for _, c := range cols {
			if n, decoded := ts.NonNull[c]; decoded && n == 0 {
				empty = append(empty, c)
			}
		}
		if len(empty) > 0 {
			why = append(why, fmt.Sprintf("%s %s null or empty in every %s row read (%d %s)",
				strings.Join(empty, ", "), plural(len(empty), "is", "are"), table, ts.Rows, plural(ts.Rows, "row", "rows")))
		}
	}
	return strings.Join(why, "; ")
}

// windowText writes a window as "from X to Y", with an open side left
// out.
func windowText(w kql.TimeWindow) string {
	switch {
	case w.HasFrom && w.HasTo:
		return fmt.Sprintf("%s to %s", w.From, w.To)
	case w.HasFrom:
		return fmt.Sprintf("from %s", w.From)
	}
	return fmt.Sprintf("until %s", w.To)
}

// suggestNow returns the --now that puts the data's last row in a
// window ending at now(): its time, rounded up to the minute.
func suggestNow(last kql.Datetime) string {
	t := last.Time().UTC()
	if r := t.Truncate(time.Minute); !r.Equal(t) {
		t = r.Add(time.Minute)
	}
	return t.Format(time.RFC3339)
}
