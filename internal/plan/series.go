package plan

import "github.com/kqlhunt/kqlhunt/internal/schema"

// MakeSeries is make-series: per group of By keys, each aggregation as a
// series (a dynamic array) over the bins of the axis.
//
// The input rows are grouped by the keys and the bin of Axis; Aggs are
// computed per group (a cell). Values then computes each series' element
// from a cell: expressions over the cell's row, which holds the keys, then
// one column per entry of Aggs. Bins without a cell get Defaults. The
// output columns are the keys, one dynamic array per value, and the axis
// as a dynamic array of bin starts.
//
// With From, bins start there (bin_at(axis, step, from)), else at the
// first bin that has data, aligned as bin(axis, step) aligns; they end
// before To, else after the last bin that has data. With InRange
// (in range(from, to, step)) bins align as bin() does and To is
// inclusive. Rows outside the range, or with a null axis, are left out of
// the series, but their keys still make a row. Every series of one result
// has the same bins.
//
// Without keys, the result has one row; for an empty input it has none
// unless NonEmpty (kind=nonempty) asks for a row of defaults.
// https://learn.microsoft.com/kusto/query/make-series-operator
type MakeSeries struct {
	Input Node
	Keys  []Expr
	Aggs  []*AggCall
	// Values are evaluated over a cell row: the keys, then the Aggs
	// outputs.
	Values []Expr
	// Defaults holds one constant per value, boxed as a dynamic value
	// (nil for null).
	Defaults []any
	Axis     Expr
	// From and To are constants of the axis type, or nil; Step is a
	// constant timespan for a datetime or timespan axis, else a number.
	From, To, Step Expr
	InRange        bool
	NonEmpty       bool
	Cols           []schema.Column
}

func (n *MakeSeries) Schema() []schema.Column { return n.Cols }
func (n *MakeSeries) Inputs() []Node          { return []Node{n.Input} }
func (*MakeSeries) node()                     {}
