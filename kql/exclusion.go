package kql

import (
	"fmt"
	"sort"

	"github.com/kqlhunt/kqlhunt/internal/check"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// Exclusion is a named row filter kept apart from the query, as users tune
// hunting rules without editing them: wherever the query reads one of the
// tables in Where, the rows for which the table's predicate is true are
// dropped before any operator sees them, so that counts, sets and joins
// leave them out. A predicate that is null for a row (as KQL makes most
// comparisons with a null; but null != 1 is true) is not true, and keeps
// the row. Result.Suppressed counts the rows each exclusion dropped.
//
// internal/exclude loads exclusions from a YAML file and writes their
// predicates.
type Exclusion struct {
	// Name identifies the exclusion in Result.Suppressed; the names of a
	// query's exclusions must differ.
	Name string
	// Where holds, by table name, a KQL predicate over that table's
	// columns, such as `InitiatingProcessParentFileName =~ "schtasks.exe"`.
	// A table without an entry is not filtered by this exclusion.
	Where map[string]string
}

// exclusions checks the predicates of ex against the tables of cat. An
// error is an *Error about the predicate's text, named after the
// exclusion and the table.
func exclusions(ex []Exclusion, cat *schema.Catalog) (map[string][]check.Exclusion, error) {
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
		tables := make([]string, 0, len(e.Where))
		for t := range e.Where {
			tables = append(tables, t)
		}
		sort.Strings(tables)
		for _, name := range tables {
			t := cat.Table(name)
			if t == nil {
				return nil, fmt.Errorf("exclusion %q: unknown table '%s'", e.Name, name)
			}
			text := e.Where[name]
			pred, diags := check.ExclusionPred(text, t)
			if diags.HasErrors() {
				src := syntax.NewSource(fmt.Sprintf("exclusion %q on %s", e.Name, name), text)
				return nil, &Error{Source: src, Diags: diags}
			}
			out[name] = append(out[name], check.Exclusion{Name: e.Name, Pred: pred})
		}
	}
	return out, nil
}
