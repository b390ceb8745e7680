package rules

import "github.com/kqlhunt/kqlhunt/internal/diag"

// Error is a message about a position in a rule file: a diag.Diagnostic
// whose File is the rule file, at 1-based Line and Col (Col counting
// Unicode characters, as go.yaml.in/yaml/v3 does for yaml.Node.Column).
// Col is 0 when only the line is known, and Line is 0 when the message is
// about the whole file. A diagnostic of Warning severity reports something
// that did not stop the rule from loading, such as a repair of the file or
// a skipped Markdown block.
type Error = diag.Diagnostic

// ErrorList is a list of errors about one or more rule files. LoadFile
// and Parse return their errors as an ErrorList sorted by position; use
// errors.As to reach the first Error.
type ErrorList = diag.List

// FormatError renders err for a terminal, as diag.FormatError does: each
// positioned message followed by its excerpt (source line and caret), at
// most diag.MaxShown messages and then "(and N more errors)".
func FormatError(err error) string { return diag.FormatError(err) }
