package rules

import (
	"github.com/kqlhunt/kqlhunt/internal/diag"

	"errors"
	"fmt"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
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
	file := r.diagFile()
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
		out = append(out, file.Warnf(dt.pos.line, dt.pos.col, "%s", msg))
	}
	if strings.TrimSpace(r.Query) == "" {
		return nil, out.Sort(nil)
	}
	q, err := kql.Compile(r.Query, cat, kql.Options{Name: r.File, Pos: r.QueryPosition})
	var diags kql.Diagnostics
	if err != nil {
		var ce *kql.Error
		if !errors.As(err, &ce) {
			out = append(out, r.queryError(file, 0, diag.Error, err.Error()))
			return nil, out.Sort(nil)
		}
		q, diags = nil, ce.Diags
	} else {
		diags = q.Warnings
	}
	for _, d := range diags {
		if d.File != nil {
			// About the text of a workspace function the schema declares,
			// placed in its own file already.
			out = append(out, d)
			continue
		}
		out = append(out, r.queryError(file, d.Span.Start, d.Severity, d.Msg))
	}
	return q, out.Sort(nil)
}
