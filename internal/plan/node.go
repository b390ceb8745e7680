package plan

import (
	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// Node is a relational plan node: it produces rows with the columns of
// Schema. The interface is sealed.
type Node interface {
	Schema() []schema.Column
	// Inputs returns the nodes this one reads.
	Inputs() []Node
	node()
}

// Scan reads a table of the data. Cols lists the table columns that the
// rest of the plan needs, in output order; the rewrite that prunes
// columns narrows it, and readers decode only those.
type Scan struct {
	Table *schema.Table
	Cols  []int
	// Src is the table reference in the query, for messages.
	Src syntax.Span
	// Pre is a condition that the raw bytes of every record this scan
	// must yield satisfy (see Prefilters); nil (TRUE) reads every record.
	// A source may skip the records that fail it without decoding them,
	// or ignore it.
	Pre *prefilter.Cond
	// Windows are the bounds on the table's time column that the filters
	// directly above the scan put on the rows, one per path by which the
	// plan reads it (see ScanWindows): a source may leave out the rows
	// outside all of them. Nil reads every row.
	Windows []ScanWindow
}

// Values is a literal table (datatable, print): rows of constant
// expressions, already converted to the column types.
type Values struct {
	Cols []schema.Column
	Rows [][]Expr
}

// Filter keeps the rows for which Pred is true.
type Filter struct {
	Input Node
	Pred  Expr
	// Cols are Input's columns, recorded when the node is made so that
	// Schema is O(1) on a long chain of operators; nil asks Input.
	Cols []schema.Column
}

// Project computes one output column per expression.
type Project struct {
	Input Node
	Cols  []schema.Column
	Exprs []Expr
}

// Aggregate groups rows by Keys and computes Aggs per group. Its output
// columns are the keys, then the aggregates (Cols describes them all).
// Without keys it yields exactly one row, even for empty input.
type Aggregate struct {
	Input Node
	Keys  []Expr
	Aggs  []*AggCall
	Cols  []schema.Column
}

// SortKey is one key of a sort.
type SortKey struct {
	X          Expr
	Desc       bool
	NullsFirst bool
}

// Sort orders rows by Keys, stably.
type Sort struct {
	Input Node
	Keys  []SortKey
	// Cols are Input's columns, recorded when the node is made so that
	// Schema is O(1) on a long chain of operators; nil asks Input.
	Cols []schema.Column
}

// Limit passes the first N rows; N is a constant expression.
type Limit struct {
	Input Node
	N     Expr
	// Cols are Input's columns, recorded when the node is made so that
	// Schema is O(1) on a long chain of operators; nil asks Input.
	Cols []schema.Column
}

// TopN passes the first N rows in the order of Keys; N is a constant
// expression.
type TopN struct {
	Input Node
	N     Expr
	Keys  []SortKey
	// Cols are Input's columns, recorded when the node is made so that
	// Schema is O(1) on a long chain of operators; nil asks Input.
	Cols []schema.Column
}

// Schema implementations.

func (n *Scan) Schema() []schema.Column {
	cols := make([]schema.Column, len(n.Cols))
	for i, c := range n.Cols {
		cols[i] = n.Table.Columns[c]
	}
	return cols
}
func (n *Values) Schema() []schema.Column    { return n.Cols }
func (n *Filter) Schema() []schema.Column    { return passCols(n.Cols, n.Input) }
func (n *Project) Schema() []schema.Column   { return n.Cols }
func (n *Aggregate) Schema() []schema.Column { return n.Cols }
func (n *Sort) Schema() []schema.Column      { return passCols(n.Cols, n.Input) }
func (n *Limit) Schema() []schema.Column     { return passCols(n.Cols, n.Input) }
func (n *TopN) Schema() []schema.Column      { return passCols(n.Cols, n.Input) }

func (n *Scan) Inputs() []Node      { return nil }
func (n *Values) Inputs() []Node    { return nil }
func (n *Filter) Inputs() []Node    { return []Node{n.Input} }
func (n *Project) Inputs() []Node   { return []Node{n.Input} }
func (n *Aggregate) Inputs() []Node { return []Node{n.Input} }
func (n *Sort) Inputs() []Node      { return []Node{n.Input} }
func (n *Limit) Inputs() []Node     { return []Node{n.Input} }
func (n *TopN) Inputs() []Node      { return []Node{n.Input} }

func (*Scan) node()      {}
func (*Values) node()    {}
func (*Filter) node()    {}
func (*Project) node()   {}
func (*Aggregate) node() {}
func (*Sort) node()      {}
func (*Limit) node()     {}
func (*TopN) node()      {}

// passCols returns the columns of a node that passes its input's columns
// on: those it recorded, or else its input's.
func passCols(cols []schema.Column, in Node) []schema.Column {
	if cols != nil {
		return cols
	}
	return in.Schema()
}
