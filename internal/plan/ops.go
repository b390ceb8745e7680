package plan

import (
	"regexp"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// External reads the files of an externaldata expression. The executor
// asks its source for each URL; offline, a URL maps to a local file.
// https://learn.microsoft.com/kusto/query/externaldata-operator
type External struct {
	URLs []string
	Cols []schema.Column
	// Props holds the with(...) properties by lower-case name (format,
	// ignorefirstrecord, ...).
	Props map[string]string
	Src   syntax.Span
}

// JoinKind is the flavor of a join.
type JoinKind uint8

// Join kinds.
// https://learn.microsoft.com/kusto/query/join-operator
const (
	JoinInnerUnique JoinKind = iota
	JoinInner
	JoinLeftOuter
	JoinRightOuter
	JoinFullOuter
	JoinLeftAnti
	JoinRightAnti
	JoinLeftSemi
	JoinRightSemi
)

var joinKindNames = [...]string{"innerunique", "inner", "leftouter", "rightouter", "fullouter", "leftanti", "rightanti", "leftsemi", "rightsemi"}

func (k JoinKind) String() string { return joinKindNames[k] }

// JoinCol is one output column of a join: column Index of the left or
// the right input.
type JoinCol struct {
	Right bool
	Index int
}

// Join matches the rows of Left and Right whose keys are equal (LeftKeys
// are evaluated on left rows, RightKeys on right rows; a null key matches
// nothing). Out says where each output column comes from; an unmatched
// side of an outer join reads as nulls. lookup is a Join too.
type Join struct {
	Left, Right         Node
	Kind                JoinKind
	LeftKeys, RightKeys []Expr
	Out                 []JoinCol
	Cols                []schema.Column
}

// Union concatenates its Parts. Maps[i][j] is the column of part i that
// output column j reads, or -1 for nulls; SourceCol, when not -1, is the
// output column that holds Names[i] for the rows of part i (withsource).
// https://learn.microsoft.com/kusto/query/union-operator
type Union struct {
	Parts     []Node
	Maps      [][]int
	Cols      []schema.Column
	SourceCol int
	Names     []string
}

// MvExpand turns each row into one row per element of its arrays (or per
// property of its bags); several arrays expand in parallel, the shorter
// padded with nulls.
// https://learn.microsoft.com/kusto/query/mv-expand-operator
type MvExpand struct {
	Input Node
	// Exprs are the arrays, evaluated on input rows; element i goes to
	// output column Targets[i], converted to Cols[Targets[i]].Type.
	Exprs   []Expr
	Targets []int
	// Keep[j] is the input column that output column j copies, or -1.
	Keep []int
	// BagArray expands a bag's properties as [key, value] arrays rather
	// than {key: value} bags (bagexpansion=array).
	BagArray bool
	// IndexCol is the output column of with_itemindex, or -1.
	IndexCol int
	// Limit caps the rows made from one input row; nil for no limit.
	Limit Expr
	Cols  []schema.Column
}

// Parse adds the captures of a regular expression over X as columns,
// converted to their types; parse-where (Where) drops the rows that do
// not match. A row that does not match, or (unless Relaxed) has a
// capture that does not convert, gets nulls.
// https://learn.microsoft.com/kusto/query/parse-operator
type Parse struct {
	Input Node
	X     Expr
	Re    *regexp.Regexp
	// Groups[k] is the capture group of parsed column k, which goes to
	// output column Targets[k].
	Groups  []int
	Targets []int
	// Keep[j] is the input column that output column j copies, or -1.
	Keep    []int
	Where   bool
	Relaxed bool
	Cols    []schema.Column
}

// Range yields one column of values From, From+Step, ... up to To.
// https://learn.microsoft.com/kusto/query/range-operator
type Range struct {
	From, To, Step Expr
	Cols           []schema.Column
}

// Render passes its input through and carries the chart that the query
// asked for, so that a caller can draw it.
// https://learn.microsoft.com/kusto/query/render-operator
type Render struct {
	Input Node
	Chart string
	Props map[string]string
	// Cols are Input's columns, recorded when the node is made so that
	// Schema is O(1) on a long chain of operators; nil asks Input.
	Cols []schema.Column
}

// Sample passes up to N rows chosen at random from its input (or, with
// Distinct, up to N distinct values of the column Distinct).
type Sample struct {
	Input    Node
	N        Expr
	Distinct Expr
	Cols     []schema.Column
}

// WindowCall is a function of the serialized row order, such as
// row_number() or prev(x).
type WindowCall struct {
	Name string
	Args []Expr
	T    schema.Type
}

// Window appends one column per call, computed over the rows in order.
// https://learn.microsoft.com/kusto/query/window-functions
type Window struct {
	Input Node
	Calls []WindowCall
	Cols  []schema.Column
}

// TopNestedLevel is one clause of top-nested: the top N values of Of by
// Agg, with an optional others row.
type TopNestedLevel struct {
	N      Expr // nil for all
	Of     Expr
	Agg    *AggCall
	Desc   bool
	Others Expr // nil for none
}

// TopNested is a hierarchical top: each level is grouped within the rows
// of the level above it. The output holds, per level, the Of value and
// the aggregate.
// https://learn.microsoft.com/kusto/query/top-nested-operator
type TopNested struct {
	Input  Node
	Levels []TopNestedLevel
	Cols   []schema.Column
}

// Cache runs its input once per query run and replays the rows to every
// reader (materialize()).
type Cache struct {
	Input Node
	// Cols are Input's columns, recorded when the node is made so that
	// Schema is O(1) on a long chain of operators; nil asks Input.
	Cols []schema.Column
}

// Param stands, inside the subplan of an Apply, for the table that the
// Apply supplies for each run of the subplan.
type Param struct {
	Cols []schema.Column
}

// ApplyKind tells what an Apply runs its subplan on.
type ApplyKind uint8

const (
	// ApplyRows runs the subplan once per input row, on the expansion of
	// the row's arrays (mv-apply); each output row is the input row's
	// kept columns followed by the subplan's.
	ApplyRows ApplyKind = iota
	// ApplyPartitions runs it once per distinct value of Key, on the rows
	// with that value (partition); the outputs are concatenated.
	ApplyPartitions
)

// Apply runs Sub, whose leaf Param reads a table made from the input.
type Apply struct {
	Input Node
	Kind  ApplyKind
	Param *Param
	Sub   Node
	// Expand expands one row, for ApplyRows; the Param table is its output
	// columns ParamCols.
	Expand    *MvExpand
	ParamCols []int
	// Keep are the input columns copied in front of the subplan's output
	// (ApplyRows).
	Keep []int
	// Key is the partition key (ApplyPartitions).
	Key  Expr
	Cols []schema.Column
}

// Deferred stands for a part of the plan whose columns depend on the
// data: bag_unpack and pivot make one column per distinct key or value.
// Such a plan cannot run; the caller runs Input, gives the rows to Learn,
// and checks the query again with what Learn found (see check.Hints).
type Deferred struct {
	Input Node
	// Key identifies the operator (its syntax node and the occurrence,
	// for a function expanded several times) in the hints.
	Key any
	// Cols are the columns known before the data is seen.
	Cols []schema.Column
	// Learn computes the hint from Input's rows; eval evaluates an
	// expression over a batch of them.
	Learn func(batches []*value.Batch, eval Evaluator) (any, error)
}

// IPLookup matches each left row's IPv4 address (LeftKey) against the
// IPv4 ranges of the right rows (RightKey, CIDR or single addresses),
// with the Extra column pairs equal too. Every match makes a row; with
// Unmatched, a left row without one is kept with nulls.
// https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin
// https://learn.microsoft.com/kusto/query/ipv6-lookup-plugin
type IPLookup struct {
	Left, Right       Node
	LeftKey, RightKey Expr
	ExtraLeft         []Expr
	ExtraRight        []Expr
	Unmatched         bool
	// V6 matches IPv6 ranges (ipv6_lookup); IPv4 addresses are their
	// IPv4-mapped IPv6 addresses.
	V6   bool
	Out  []JoinCol
	Cols []schema.Column
}

func (n *IPLookup) Schema() []schema.Column { return n.Cols }
func (n *IPLookup) Inputs() []Node          { return []Node{n.Left, n.Right} }
func (*IPLookup) node()                     {}

// Evaluator evaluates an expression over the rows of a batch.
type Evaluator func(e Expr, b *value.Batch) (*value.Column, error)

// Rows is a node over rows already computed, such as the rows a Deferred
// ran to learn its columns, so that they are not computed twice.
type Rows struct {
	Cols []schema.Column
	// Batches are read-only.
	Batches []*value.Batch
}

// BagUnpack turns the properties of a dynamic column's bags into columns:
// output column j copies input column Keep[j] when it is not -1, else
// reads property Slots[j] of X, converted to the column's type.
// https://learn.microsoft.com/kusto/query/bag-unpack-plugin
type BagUnpack struct {
	Input Node
	X     Expr
	Keep  []int
	Slots []string
	Cols  []schema.Column
}

// Pivot groups the input by Keys and makes one column per value of Of in
// Values, holding Agg over the rows of the group with that value (count
// when Agg is nil).
// https://learn.microsoft.com/kusto/query/pivot-plugin
type Pivot struct {
	Input  Node
	Of     Expr
	Keys   []Expr
	Agg    *AggCall
	Values []string
	Cols   []schema.Column
}

func (n *External) Schema() []schema.Column  { return n.Cols }
func (n *Join) Schema() []schema.Column      { return n.Cols }
func (n *Union) Schema() []schema.Column     { return n.Cols }
func (n *MvExpand) Schema() []schema.Column  { return n.Cols }
func (n *Parse) Schema() []schema.Column     { return n.Cols }
func (n *Range) Schema() []schema.Column     { return n.Cols }
func (n *Render) Schema() []schema.Column    { return passCols(n.Cols, n.Input) }
func (n *Sample) Schema() []schema.Column    { return n.Cols }
func (n *Window) Schema() []schema.Column    { return n.Cols }
func (n *TopNested) Schema() []schema.Column { return n.Cols }
func (n *Cache) Schema() []schema.Column     { return passCols(n.Cols, n.Input) }
func (n *Param) Schema() []schema.Column     { return n.Cols }
func (n *Apply) Schema() []schema.Column     { return n.Cols }
func (n *Deferred) Schema() []schema.Column  { return n.Cols }
func (n *BagUnpack) Schema() []schema.Column { return n.Cols }
func (n *Pivot) Schema() []schema.Column     { return n.Cols }
func (n *Rows) Schema() []schema.Column      { return n.Cols }

func (n *External) Inputs() []Node  { return nil }
func (n *Join) Inputs() []Node      { return []Node{n.Left, n.Right} }
func (n *Union) Inputs() []Node     { return n.Parts }
func (n *MvExpand) Inputs() []Node  { return []Node{n.Input} }
func (n *Parse) Inputs() []Node     { return []Node{n.Input} }
func (n *Range) Inputs() []Node     { return nil }
func (n *Render) Inputs() []Node    { return []Node{n.Input} }
func (n *Sample) Inputs() []Node    { return []Node{n.Input} }
func (n *Window) Inputs() []Node    { return []Node{n.Input} }
func (n *TopNested) Inputs() []Node { return []Node{n.Input} }
func (n *Cache) Inputs() []Node     { return []Node{n.Input} }
func (n *Param) Inputs() []Node     { return nil }
func (n *Apply) Inputs() []Node     { return []Node{n.Input, n.Sub} }
func (n *Deferred) Inputs() []Node  { return []Node{n.Input} }
func (n *Rows) Inputs() []Node      { return nil }
func (n *BagUnpack) Inputs() []Node { return []Node{n.Input} }
func (n *Pivot) Inputs() []Node     { return []Node{n.Input} }

func (*External) node()  {}
func (*Join) node()      {}
func (*Union) node()     {}
func (*MvExpand) node()  {}
func (*Parse) node()     {}
func (*Range) node()     {}
func (*Render) node()    {}
func (*Sample) node()    {}
func (*Window) node()    {}
func (*TopNested) node() {}
func (*Cache) node()     {}
func (*Param) node()     {}
func (*Apply) node()     {}
func (*Deferred) node()  {}
func (*Rows) node()      {}
func (*BagUnpack) node() {}
func (*Pivot) node()     {}
