package kql

import (
	"fmt"
	"sort"

	"github.com/kqlhunt/kqlhunt/internal/check"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// Expr is a KQL scalar expression checked against one table's columns.
type Expr struct {
	table *Table
	text  string
	expr  plan.Expr
}

// Type returns the expression's KQL type.
func (e *Expr) Type() Type { return e.expr.Type() }

// Table returns the table whose columns the expression reads.
func (e *Expr) Table() *Table { return e.table }

// String returns the expression's text.
func (e *Expr) String() string { return e.text }

// ParseExpr parses text as a KQL scalar expression, without checking
// names or types. The error, when not nil, is an *Error whose spans are
// offsets of text.
func ParseExpr(text string) error {
	_, diags := syntax.ParseExpr(text)
	if diags.HasErrors() {
		return &Error{Source: syntax.NewSource("", text), Diags: diags.Sort(syntax.NewSource("", text))}
	}
	return nil
}

// CompileExpr parses and checks text, a KQL scalar expression over the
// columns of t. The error, when not nil, is an *Error whose spans are
// offsets of text.
func CompileExpr(text string, t *Table) (*Expr, error) {
	src := syntax.NewSource("", text)
	x, diags := syntax.ParseExpr(text)
	if diags.HasErrors() {
		return nil, &Error{Source: src, Diags: diags.Sort(src)}
	}
	e, cdiags := check.CheckExpr(x, text, t.Columns)
	if diags = append(diags, cdiags...); diags.HasErrors() {
		return nil, &Error{Source: src, Diags: diags.Sort(src)}
	}
	return &Expr{table: t, text: text, expr: e}, nil
}

// CompilePredicate is CompileExpr for an expression that must be a bool:
// the predicate of an exclusion.
func CompilePredicate(text string, t *Table) (*Expr, error) {
	pred, diags := check.ExclusionPred(text, t)
	if diags.HasErrors() {
		return nil, &Error{Source: syntax.NewSource("", text), Diags: diags}
	}
	return &Expr{table: t, text: text, expr: pred}, nil
}

// Exclusion is a named row filter kept apart from the query, as users tune
// hunting rules without editing them: wherever the query reads the table
// of one of Where's predicates, the rows for which it is true are dropped
// before any operator sees them, so that counts, sets and joins leave
// them out. A predicate that is null for a row (as KQL makes most
// comparisons with a null; but null != 1 is true) is not true, and keeps
// the row. Result.Suppressed counts the rows each exclusion dropped.
//
// internal/exclude loads exclusions from a YAML file and compiles their
// predicates with CompilePredicate.
type Exclusion struct {
	// Name identifies the exclusion in Result.Suppressed; the names of a
	// query's exclusions must differ.
	Name string
	// Where holds a predicate per table, from CompilePredicate; a table
	// without one is not filtered by this exclusion.
	Where []*Expr
}

// exclusions groups the predicates of ex by table.
func exclusions(ex []Exclusion) (map[string][]check.Exclusion, error) {
	if len(ex) == 0 {
		return nil, nil
	}
	out := map[string][]check.Exclusion{}
	seen := map[string]bool{}
	for _, e := range ex {
		if seen[e.Name] {
			return nil, fmt.Errorf("two exclusions are named %q", e.Name)
		}
		seen[e.Name] = true
		preds := append([]*Expr(nil), e.Where...)
		sort.SliceStable(preds, func(i, j int) bool { return preds[i].table.Name < preds[j].table.Name })
		for _, p := range preds {
			if p.expr.Type().String() != "bool" {
				return nil, fmt.Errorf("exclusion %q on %s: expected a bool predicate, got %s", e.Name, p.table.Name, p.expr.Type())
			}
			out[p.table.Name] = append(out[p.table.Name], check.Exclusion{Name: e.Name, Pred: p.expr})
		}
	}
	return out, nil
}

// QuoteString returns s as a KQL string literal, for writing queries:
// verbatim (@"...") when s holds backslashes, else double-quoted.
func QuoteString(s string) string { return syntax.QuoteString(s) }
