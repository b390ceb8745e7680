package exec

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/plan"
)

// buildMakeSeries returns the operator of a make-series.
func buildMakeSeries(env *Env, n *plan.MakeSeries) (Operator, error) {
	return nil, fmt.Errorf("internal error: make-series is not implemented")
}
