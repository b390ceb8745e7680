package check

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// render records the chart the query asks for; the rows pass through.
// https://learn.microsoft.com/kusto/query/render-operator
func (c *checker) render(in plan.Node, op *syntax.RenderOp) plan.Node {
	n := &plan.Render{Input: in, Chart: op.Chart, Props: map[string]string{}, Cols: in.Schema()}
	for _, o := range append(append([]*syntax.Option(nil), op.Options...), op.Props...) {
		n.Props[strings.ToLower(o.Name.Name)] = optionText(o.Value)
	}
	return n
}
