package plan

import "github.com/kqlhunt/kqlhunt/internal/schema"

// MakeSeries is make-series: per group of By keys, each aggregation as a
// series (a dynamic array) over the bins of the axis.
type MakeSeries struct {
	Input Node
	Cols  []schema.Column
}

func (n *MakeSeries) Schema() []schema.Column { return n.Cols }
func (n *MakeSeries) Inputs() []Node          { return []Node{n.Input} }
func (*MakeSeries) node()                     {}
