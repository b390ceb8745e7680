package check

import (
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// Options configure CheckOptions.
type Options struct {
	// Hints are what the data told of the operators whose columns depend
	// on it (see Result.Deferred).
	Hints Hints
	// Exclusions holds, by table name, the exclusions that drop rows of
	// the table wherever the query reads it, before any operator sees
	// them (see plan.Exclude). Their predicates come from ExclusionPred.
	Exclusions map[string][]Exclusion
	// Reads holds, by table name, predicates over the table's columns
	// that a row must satisfy to be read at all, wherever the query reads
	// the table: a scheduled rule's lookback. They come from
	// ExclusionPred and go below the exclusions.
	Reads map[string][]plan.Expr
}

// Exclusion is a named predicate over the columns of one table, in the
// table's order: the rows it is true for are dropped where the table is
// read.
type Exclusion struct {
	Name string
	Pred plan.Expr
}

// ExclusionPred checks text, a KQL scalar expression, as the predicate of
// an exclusion over the columns of t. The diagnostics' spans are offsets
// of text; the predicate is usable only when none is an error.
func ExclusionPred(text string, t *schema.Table) (plan.Expr, syntax.Diagnostics) {
	x, diags := syntax.ParseExpr(text)
	if diags.HasErrors() {
		return nil, diags
	}
	pred, cdiags := CheckExpr(x, text, t.Columns)
	diags = append(diags, cdiags...)
	if !diags.HasErrors() {
		if ty := pred.Type(); ty != schema.Bool {
			diags = append(diags, syntax.Diagnostic{Span: x.Span(), Severity: syntax.Error,
				Msg: errType("the predicate of an exclusion", "bool", ty)})
		}
	}
	return pred, diags.Sort(syntax.NewSource("", text))
}

// exclude puts the read filters and exclusions of s's table above s. Their predicates read
// the table's columns in order, which are s's columns before pruning.
func (c *checker) exclude(s *plan.Scan) plan.Node {
	var in plan.Node = s
	for _, pred := range c.reads[s.Table.Name] {
		in = &plan.Filter{Input: in, Pred: pred}
	}
	ex := c.exclusions[s.Table.Name]
	if len(ex) == 0 {
		return in
	}
	n := &plan.Exclude{Input: in}
	for _, e := range ex {
		n.Preds = append(n.Preds, e.Pred)
		n.Names = append(n.Names, e.Name)
	}
	return n
}
