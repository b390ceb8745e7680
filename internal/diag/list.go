package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// List is a list of diagnostics, the way every stage of kqlhunt reports
// problems: collected rather than stopping at the first. A List of one or
// more diagnostics is an error (see Err).
type List []Diagnostic

// HasErrors reports whether any diagnostic of l is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns the diagnostics of l that are errors.
func (l List) Errors() List { return l.filter(Error) }

// Warnings returns the diagnostics of l that are warnings.
func (l List) Warnings() List { return l.filter(Warning) }

func (l List) filter(sev Severity) List {
	var out List
	for _, d := range l {
		if d.Severity == sev {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders l by file name, then position, then severity, keeping the
// order of diagnostics that tie, and drops repeats: a diagnostic equal to
// the one before it (one problem reached twice, through two YAML aliases
// say), and an error in query text on the same line as an earlier error,
// which is most often a consequence of the first (as go/parser drops them).
// Errors about a file are kept however many share a line: each is a field
// of its own, such as two required keys missing from one mapping. src is
// the query
// text that diagnostics without a File point into, or nil. Sort works in
// place and returns the shortened list.
func (l List) Sort(src *Source) List {
	type key struct {
		name      string
		line, off int // off: the byte offset in a query, or the column in a file
	}
	keys := make([]key, len(l))
	for i, d := range l {
		switch {
		case d.File != nil:
			keys[i] = key{d.File.Name, d.Line, d.Col}
		case src != nil:
			line, _ := src.Position(d.Span.Start)
			keys[i] = key{src.Name, line, d.Span.Start}
		default:
			keys[i] = key{"", 0, d.Span.Start}
		}
	}
	idx := make([]int, len(l))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ka, kb := keys[idx[a]], keys[idx[b]]
		if ka.name != kb.name {
			return ka.name < kb.name
		}
		if ka.line != kb.line {
			return ka.line < kb.line
		}
		if ka.off != kb.off {
			return ka.off < kb.off
		}
		return l[idx[a]].Severity < l[idx[b]].Severity
	})
	sorted := make(List, len(l))
	sortedKeys := make([]key, len(l))
	for i, j := range idx {
		sorted[i], sortedKeys[i] = l[j], keys[j]
	}
	out := l[:0]
	lastErr := -1 // index in sorted of the last query error kept
	for i, d := range sorted {
		if i > 0 && d == sorted[i-1] {
			continue
		}
		if d.Severity == Error && d.File == nil {
			k := sortedKeys[i]
			if lastErr >= 0 && k.line > 0 && k.name == sortedKeys[lastErr].name && k.line == sortedKeys[lastErr].line {
				continue
			}
			lastErr = i
		}
		out = append(out, d)
	}
	return out
}

// Err returns l as an error, or nil when l is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Error returns the first diagnostic's Error followed by "(and N more
// errors)" when there are more, as go/scanner does.
func (l List) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0].Error(), len(l)-1)
}

// Unwrap returns the diagnostics of l, so that errors.Is and errors.As
// look into them.
func (l List) Unwrap() []error {
	errs := make([]error, len(l))
	for i, d := range l {
		errs[i] = d
	}
	return errs
}

// MaxShown is how many diagnostics Format prints before summing up the
// rest in one line.
const MaxShown = 10

// Format renders l for a terminal: each diagnostic as its Text, then its
// Excerpt (the source line and a caret), each on its own lines. After
// MaxShown diagnostics it prints "(and N more errors)" instead of the
// rest ("warnings" when the rest are warnings, both counts when they are
// mixed). src is the query text that diagnostics without a File point
// into, or nil. The result ends with a newline unless l is empty.
func (l List) Format(src *Source) string {
	var b strings.Builder
	for i, d := range l {
		if i == MaxShown {
			b.WriteString(more(l[i:]))
			break
		}
		b.WriteString(d.Text(src))
		b.WriteByte('\n')
		if x := d.Excerpt(src); x != "" {
			b.WriteString(x)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// more sums up the diagnostics rest that Format leaves out.
func more(rest List) string {
	warns := len(rest.Warnings())
	errs := len(rest) - warns
	switch {
	case warns == 0:
		return fmt.Sprintf("(and %d more errors)\n", errs)
	case errs == 0:
		return fmt.Sprintf("(and %d more warnings)\n", warns)
	}
	return fmt.Sprintf("(and %d more errors, %d more warnings)\n", errs, warns)
}

// FormatError renders err for a terminal: a List or a Diagnostic (found
// with errors.As) as List.Format prints it with no query source, and any
// other error as its message. The result ends with a newline.
func FormatError(err error) string {
	var list List
	var one Diagnostic
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = List{one}
	default:
		s := err.Error()
		if !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		return s
	}
	return list.Format(nil)
}
