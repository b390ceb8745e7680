package plan

import "github.com/kqlhunt/kqlhunt/internal/schema"

// Exclude drops the rows of Input for which any of Preds is true, and
// counts, per exclusion, the rows it matched. Preds[i] is the predicate of
// the exclusion named Names[i], over Input's columns.
//
// The checker puts an Exclude directly above each Scan of a table that has
// exclusions (user tuning kept apart from the rules), so that every
// operator of the query, aggregations included, sees the table without
// the excluded rows. A predicate that is null for a row (as KQL makes
// most comparisons with a null) is not true, so it does not drop the row.
// A row that several predicates match is dropped once and counted for
// each of them.
type Exclude struct {
	Input Node
	Preds []Expr
	Names []string
}

func (n *Exclude) Schema() []schema.Column { return n.Input.Schema() }
func (n *Exclude) Inputs() []Node          { return []Node{n.Input} }
func (*Exclude) node()                     {}
