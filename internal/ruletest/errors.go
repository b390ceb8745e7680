package ruletest

import "github.com/kqlhunt/kqlhunt/internal/diag"

// The errors of package ruletest are diagnostics of package diag, as those
// of package rules are: a diag.Diagnostic at a line and column of the test
// file, and a diag.List of them, sorted by position, which FormatError
// renders for a terminal.

// NoRuleError is the error of LoadRule and FindRule when there is no rule
// to test: the rule file that a test file names cannot be read, or is not
// in the pack. The test file is wrong, not the rule. Err is at the test
// file's rule: value; errors.As reaches it.
type NoRuleError struct {
	Err diag.Diagnostic
}

// Error returns the message of e.Err.
func (e *NoRuleError) Error() string { return e.Err.Error() }

// Unwrap returns e.Err.
func (e *NoRuleError) Unwrap() error { return e.Err }

// FormatError renders err for a terminal as diag.FormatError does: each
// positioned message with its source line and a caret, at most
// diag.MaxShown, then "(and N more errors)". The result ends with a
// newline.
func FormatError(err error) string { return diag.FormatError(err) }
