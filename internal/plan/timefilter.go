package plan

import (
	"slices"

	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// TimeFilter is a bound that a query puts on a table's time column right
// where it reads the table: `Timestamp > ago(1d)` or `TimeGenerated
// between (start .. end)` in a where directly above the scan. Lo and Hi
// are row-independent expressions (now(), ago(), literals, lets), nil
// when that side is open. A hunt compares them with the time range of the
// data to tell why a rule found nothing.
type TimeFilter struct {
	Table, Column string
	Lo, Hi        Expr
	Src           syntax.Span
}

// timeColumns are the columns that filters bound a table's time by.
var timeColumns = map[string]bool{"Timestamp": true, "TimeGenerated": true}

// TimeFilters returns the time bounds that the filters directly above
// each table scan of roots put on the table's time columns, a bound per
// comparison, in plan order.
func TimeFilters(roots []Node) []TimeFilter {
	var out []TimeFilter
	filtersOnScans(roots, func(f *Filter, scan *Scan) {
		for _, c := range conjuncts(f.Pred, nil) {
			if tf, ok := timeBound(c); ok {
				tf.Table = scan.Table.Name
				out = append(out, tf)
			}
		}
	})
	return out
}

// FilterColumns returns, by table, the columns that the filters directly
// above the table's scans in roots read, each once, in plan order.
func FilterColumns(roots []Node) map[string][]string {
	out := map[string][]string{}
	filtersOnScans(roots, func(f *Filter, scan *Scan) {
		name := scan.Table.Name
		Walk(f.Pred, func(x Expr) bool {
			if c, ok := x.(*ColRef); ok && !slices.Contains(out[name], c.Name) {
				out[name] = append(out[name], c.Name)
			}
			return true
		})
	})
	return out
}

// filtersOnScans calls fn for every filter of roots that reads a table
// scan through filters and exclusions only, each node once (plans are
// DAGs), in plan order.
func filtersOnScans(roots []Node, fn func(f *Filter, scan *Scan)) {
	seen := map[Node]bool{}
	var visit func(n Node)
	visit = func(n Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if f, ok := n.(*Filter); ok {
			if scan := scanBelow(f.Input); scan != nil {
				fn(f, scan)
			}
		}
		for _, in := range n.Inputs() {
			visit(in)
		}
	}
	for _, r := range roots {
		visit(r)
	}
}

// scanBelow returns the scan that n reads through filters and exclusions
// only, or nil.
func scanBelow(n Node) *Scan {
	for {
		switch x := n.(type) {
		case *Scan:
			return x
		case *Filter:
			n = x.Input
		case *Exclude:
			n = x.Input
		default:
			return nil
		}
	}
}

// conjuncts appends the operands of e's and-chain to out.
func conjuncts(e Expr, out []Expr) []Expr {
	if c, ok := e.(*Call); ok && c.Fn.Name == "and" && len(c.Args) == 2 {
		return conjuncts(c.Args[1], conjuncts(c.Args[0], out))
	}
	return append(out, e)
}

// timeBound reads a comparison of a time column with a row-independent
// expression.
func timeBound(e Expr) (TimeFilter, bool) {
	c, ok := e.(*Call)
	if !ok || len(c.Args) != 2 {
		return TimeFilter{}, false
	}
	lower := map[string]bool{">": true, ">=": true}
	upper := map[string]bool{"<": true, "<=": true}
	if !lower[c.Fn.Name] && !upper[c.Fn.Name] {
		return TimeFilter{}, false
	}
	col, other, colLeft := timeColumn(c.Args[0]), c.Args[1], true
	if col == nil {
		col, other, colLeft = timeColumn(c.Args[1]), c.Args[0], false
	}
	if col == nil || !rowIndependent(other) {
		return TimeFilter{}, false
	}
	tf := TimeFilter{Column: col.Name, Src: c.Src}
	if lower[c.Fn.Name] == colLeft {
		tf.Lo = other
	} else {
		tf.Hi = other
	}
	return tf, true
}

// timeColumn returns e when it reads a time column.
func timeColumn(e Expr) *ColRef {
	if c, ok := e.(*ColRef); ok && timeColumns[c.Name] {
		return c
	}
	return nil
}

// rowIndependent reports whether e reads no column and no subquery: one
// value for every row of a run.
func rowIndependent(e Expr) bool {
	ok := true
	Walk(e, func(x Expr) bool {
		switch x.(type) {
		case *ColRef, *Subquery:
			ok = false
		}
		return ok
	})
	return ok
}

// ScanWindow is what the filters on one path into a scan require of the
// rows' time column Column: a row passes them only when its value is not
// null, at least every Lo and at most every Hi (row-independent datetime
// expressions; a strict comparison gives a bound too, a looser one).
type ScanWindow struct {
	Column string
	Lo, Hi []Expr
}

// ScanWindows sets Windows on every Scan of roots: one per path by which
// the plan reads the scan, the bounds that the filters directly above it
// on that path put on one time column. A path without such a bound makes
// the scan's Windows nil: every row is read. As for Prefilters, only the
// filters below an exclusion count (it counts the rows it drops), and the
// scans must belong to the caller (fresh from Prune).
func ScanWindows(roots []Node) {
	paths := map[*Scan][]ScanWindow{}
	open := map[*Scan]bool{}
	order := scanPaths(roots, func(s *Scan, preds []Expr) {
		if w, ok := pathWindow(preds); ok {
			paths[s] = append(paths[s], w)
		} else {
			open[s] = true
		}
	})
	for _, s := range order {
		s.Windows = nil
		if !open[s] {
			s.Windows = paths[s]
		}
	}
}

// pathWindow returns the bounds that the conjuncts of preds put on one
// time column (the first one bounded), and whether there is any.
func pathWindow(preds []Expr) (ScanWindow, bool) {
	var w ScanWindow
	for _, p := range preds {
		for _, c := range conjuncts(p, nil) {
			tf, ok := timeBound(c)
			if !ok || w.Column != "" && tf.Column != w.Column {
				continue
			}
			w.Column = tf.Column
			if tf.Lo != nil {
				w.Lo = append(w.Lo, tf.Lo)
			}
			if tf.Hi != nil {
				w.Hi = append(w.Hi, tf.Hi)
			}
		}
	}
	return w, w.Column != ""
}
