package rules

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Check compiles r's query against cat and returns the compiled query, or
// nil when it has errors, and every diagnostic about the rule's content,
// sorted by position in r.File:
//
//   - the errors and warnings of the KQL parser and checker, at the line
//     and column of the file where the query text has them;
//   - a warning for each table named by requiredDataConnectors' dataTypes
//     that cat does not have.
//
// A rule without a query (which loading has reported) is not compiled.
// Check is safe for concurrent use.
func Check(r *Rule, cat *schema.Catalog) (*kql.Query, ErrorList) {
	var out ErrorList
	for _, dt := range r.dataTypes {
		if cat.Table(dt.name) != nil {
			continue
		}
		msg := fmt.Sprintf("unknown table '%s' in dataTypes", dt.name)
		for _, n := range cat.Names() {
			if strings.EqualFold(n, dt.name) {
				msg += fmt.Sprintf("; did you mean '%s'?", n)
				break
			}
		}
		out = append(out, &Error{File: r.File, Line: dt.pos.line, Col: dt.pos.col, Msg: msg, Warning: true, src: r.Source()})
	}
	if strings.TrimSpace(r.Query) == "" {
		out.Sort()
		return nil, out
	}
	q, err := kql.Compile(r.Query, cat, kql.Options{Name: r.File, Pos: r.QueryPosition})
	var diags syntax.Diagnostics
	if err != nil {
		var ce *kql.Error
		if !errors.As(err, &ce) {
			out = append(out, r.QueryError(0, err.Error()))
			out.Sort()
			return nil, out
		}
		q, diags = nil, ce.Diags
	} else {
		diags = q.Warnings
	}
	for _, d := range diags {
		e := r.QueryError(d.Span.Start, d.Msg)
		e.Warning = d.Severity != syntax.Error
		out = append(out, e)
	}
	out.Sort()
	return q, out
}
