package sqlgen

import (
	"fmt"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// Part is a subtree of a plan that runs on the server: SQL computes its
// rows, in the order the embedded engine would produce them, with the
// columns Cols (the subtree's schema) stored as the storage mapping says.
// In the split plan, a Scan of Table (a table of no catalog, whose
// columns are Cols) stands for it.
type Part struct {
	SQL   string
	Cols  []schema.Column
	Table *schema.Table
	// Node is the subtree of the original plan.
	Node plan.Node
	// Counts count what the exclusions inside the part drop (Translate).
	Counts []Count
}

// PartTablePrefix begins the names of the tables that stand for parts.
const PartTablePrefix = "_kqlhunt_part_"

// Splitter pushes down the translatable parts of plans that do not
// translate whole. One Splitter splits the plans of one query, so that a
// subtree that several statements share becomes one part.
type Splitter struct {
	Opts Options
	// Has, when not nil, reports whether the server holds a table: a
	// subtree that reads a table it lacks is not pushed down.
	Has   func(table string) bool
	Parts []Part
	memo  map[plan.Node]plan.Node
}

// Split returns n with every largest subtree that reads a table (through
// its inputs, not through a subquery) and translates replaced by a Scan
// of its part's table, and records the parts in s.Parts. The rest of the
// plan is unchanged: its other scans (those of a subquery, or under an
// operator that does not translate and is not directly above them) still
// read the catalog's tables, which ScanSQL serves. Row order is kept: a
// part's SQL orders its rows as the embedded engine would.
func (s *Splitter) Split(n plan.Node) plan.Node {
	if s.memo == nil {
		s.memo = map[plan.Node]plan.Node{}
	}
	return s.split(n)
}

func (s *Splitter) split(n plan.Node) plan.Node {
	if out, ok := s.memo[n]; ok {
		return out
	}
	out := s.splitNode(n)
	s.memo[n] = out
	return out
}

func (s *Splitter) splitNode(n plan.Node) plan.Node {
	// A part needs a column (a SELECT lists one at least); a scan of no
	// column is read with ScanSQL's.
	if len(n.Schema()) > 0 && s.readsTable(n) {
		if scan := s.push(n); scan != nil {
			return scan
		}
		if f, ok := n.(*plan.Filter); ok {
			// The conjuncts of the predicate that translate run on the
			// server, and the whole predicate again here: a row that fails
			// one conjunct fails the predicate (false and null are not
			// true), so the server drops only rows the filter drops.
			var in plan.Node = f.Input
			for _, c := range conjuncts(f.Pred) {
				try := &plan.Filter{Input: in, Pred: c, Cols: f.Cols}
				if _, _, err := Translate(try, s.Opts); err == nil {
					in = try
				}
			}
			if in != f.Input {
				if scan := s.push(in); scan != nil {
					c := *f
					c.Input = scan
					return &c
				}
			}
		}
	}
	ins := n.Inputs()
	if len(ins) == 0 {
		return n
	}
	if a, ok := n.(*plan.Apply); ok {
		// The subplan reads the rows of each input row (a Param): only
		// the input is split.
		in := s.split(a.Input)
		if in == a.Input {
			return n
		}
		c := *a
		c.Input = in
		return &c
	}
	news := make([]plan.Node, len(ins))
	changed := false
	for i, in := range ins {
		news[i] = s.split(in)
		changed = changed || news[i] != in
	}
	if !changed {
		return n
	}
	if out := withInputs(n, news); out != nil {
		return out
	}
	return n
}

// push makes n a part when it translates, and returns the scan that
// stands for it; nil when n does not translate.
func (s *Splitter) push(n plan.Node) plan.Node {
	sql, counts, err := Translate(n, s.Opts)
	if err != nil {
		return nil
	}
	cols := n.Schema()
	t := &schema.Table{Name: fmt.Sprintf("%s%d", PartTablePrefix, len(s.Parts)), Columns: cols}
	s.Parts = append(s.Parts, Part{SQL: sql, Cols: cols, Table: t, Node: n, Counts: counts})
	idx := make([]int, len(cols))
	for i := range idx {
		idx[i] = i
	}
	return &plan.Scan{Table: t, Cols: idx, Src: nodeSpan(n)}
}

// conjuncts returns the operands of the ands at the top of e, in order.
func conjuncts(e plan.Expr) []plan.Expr {
	if c, ok := e.(*plan.Call); ok && c.Fn.Name == "and" && len(c.Args) == 2 {
		return append(conjuncts(c.Args[0]), conjuncts(c.Args[1])...)
	}
	return []plan.Expr{e}
}

// readsTable reports whether n reads a catalog table through its inputs,
// and only tables that the server holds.
func (s *Splitter) readsTable(n plan.Node) bool {
	reads, lacks := false, false
	var walk func(n plan.Node)
	walk = func(n plan.Node) {
		if sc, ok := n.(*plan.Scan); ok {
			reads = true
			lacks = lacks || s.Has != nil && !s.Has(sc.Table.Name)
		}
		for _, in := range n.Inputs() {
			walk(in)
		}
	}
	walk(n)
	return reads && !lacks
}

// withInputs returns a copy of n that reads ins (one per n.Inputs()), or
// nil for a node it does not know.
func withInputs(n plan.Node, ins []plan.Node) plan.Node {
	switch n := n.(type) {
	case *plan.Filter:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.Project:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.Aggregate:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.Sort:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.Limit:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.TopN:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.Exclude:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.MakeSeries:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.MvExpand:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.Parse:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.Render:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.Sample:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.Window:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.TopNested:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.ActivityCounts:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.Cache:
		c := *n
		c.Input = ins[0]
		return &c
	case *plan.Join:
		c := *n
		c.Left, c.Right = ins[0], ins[1]
		return &c
	case *plan.IPLookup:
		c := *n
		c.Left, c.Right = ins[0], ins[1]
		return &c
	case *plan.Union:
		c := *n
		c.Parts = ins
		return &c
	}
	return nil
}

// ScanSQL returns the SELECT that reads columns cols of table t on the
// server, in the order of its rows, for a scan that runs in the embedded
// engine. Unlike Translate it reads every mapped type, guid included.
func ScanSQL(t *schema.Table, cols []int) (string, error) {
	if t.Lookup(RowColumn) >= 0 {
		return "", &Unsupported{Construct: RowColumn, Why: "table " + t.Name + " has a column of that name, which the storage mapping keeps for row positions"}
	}
	items := make([]string, len(cols))
	for j, c := range cols {
		col := t.Columns[c]
		if ColumnType(col.Type) == "" {
			return "", &Unsupported{Construct: col.Type.String(), Why: "column " + col.Name + " of table " + t.Name}
		}
		items[j] = Ident(col.Name)
	}
	if len(items) == 0 {
		// A scan that needs no column still needs its rows.
		items = append(items, "1")
	}
	return "SELECT " + strings.Join(items, ", ") + "\nFROM " + Ident(t.Name) + "\nORDER BY " + RowColumn, nil
}
