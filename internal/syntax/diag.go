package syntax

import "github.com/kqlhunt/kqlhunt/internal/diag"

// The diagnostics of the lexer and parser, and of the stages above them,
// are those of package diag; these names keep the call sites of the
// compiler short.

// Span is a half-open range [Start, End) of byte offsets into a query.
type Span = diag.Span

// Severity tells how bad a diagnostic is.
type Severity = diag.Severity

// Severities, most severe first.
const (
	Error   = diag.Error
	Warning = diag.Warning
)

// Diagnostic is a message about a span of a query.
type Diagnostic = diag.Diagnostic

// Diagnostics is a list of diagnostics, collected rather than stopping at
// the first; Sort and Format print them with positions and carets.
type Diagnostics = diag.List

// Source is the text of a query and where it came from, for printing
// positions.
type Source = diag.Source

// NewSource returns a Source for text named name.
func NewSource(name, text string) *Source { return diag.NewSource(name, text) }

// MaxShown is how many diagnostics Diagnostics.Format prints before
// summing up the rest as "(and N more errors)".
const MaxShown = diag.MaxShown
