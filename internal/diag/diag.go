// Package diag is how every part of kqlhunt reports a problem with what it
// was given: a query, a rule file, an exclusions file, a detection test.
// It is the ground floor of the module and imports nothing of it.
//
// A Diagnostic is a message at a place. For query text the place is a
// Span of byte offsets into a Source; line and column are computed only
// when the diagnostic is printed. For a file read as YAML (or Markdown, or
// a .kql rule file) the place is a line and column in a File, as
// go.yaml.in/yaml/v3 reports them for its nodes. The same List, Sort and
// Format serve both, so every message kqlhunt prints reads the same way:
//
//	FILE:LINE:COL: message
//	    the source line
//	        ^
//
// with "warning: " before the message of a warning, and after the first
// MaxShown diagnostics a last line "(and N more errors)", as Go's own
// scanner does.
//
// Messages are lowercase, without a final period, quote the offending
// text and read "expected X, got Y" (see docs/architecture.md, "Errors").
package diag

import (
	"fmt"
	"strconv"
	"strings"
)

// Span is a half-open range [Start, End) of byte offsets into a text.
type Span struct {
	Start, End int
}

// Severity tells how bad a diagnostic is.
type Severity uint8

// Severities, most severe first.
const (
	// Error is a problem that stops what was asked: the query does not
	// compile, the rule does not load.
	Error Severity = iota
	// Warning is a problem that did not stop it, such as a repair made to
	// a rule file or an exclusion that suppresses everything.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is a message about a place in a query or a file.
//
// When File is nil, the diagnostic is about query text: Span holds byte
// offsets into the Source that the diagnostic is printed with (see
// List.Format), and Line and Col are unused. The parser and the checker
// make these; they do not know the query's name or where it sits.
//
// When File is not nil, the diagnostic is about that file at Line and
// Col, 1-based, Col counting characters as yaml.Node.Column does. Col is 0
// when only the line is known, and Line is 0 when the message is about the
// whole file (an I/O error, say). Span is unused. Rule, exclusions and
// test files make these from YAML nodes, which know their line and column
// but not their offset.
//
// A Diagnostic is comparable; two equal diagnostics are one problem
// reported twice.
type Diagnostic struct {
	Span     Span
	Severity Severity
	Msg      string

	File      *File
	Line, Col int
}

// Errorf returns an error diagnostic at line and col of file, the message
// formatted as by fmt.Sprintf.
func (f *File) Errorf(line, col int, format string, args ...any) Diagnostic {
	return f.At(Error, line, col, fmt.Sprintf(format, args...))
}

// Warnf returns a warning diagnostic at line and col of file.
func (f *File) Warnf(line, col int, format string, args ...any) Diagnostic {
	return f.At(Warning, line, col, fmt.Sprintf(format, args...))
}

// At returns a diagnostic of severity sev with message msg at line and
// col of f. A line past the end of the file (yaml.v3 places some nodes
// there) is moved back to the last line.
func (f *File) At(sev Severity, line, col int, msg string) Diagnostic {
	if n := f.Lines(); n > 0 && line > n {
		line, col = n, 1
	}
	return Diagnostic{Severity: sev, Msg: msg, File: f, Line: line, Col: col}
}

// Error returns the message with its position when d has a File, as
// "FILE:LINE:COL: message" with the parts that are unknown left out, and
// "warning: " before the message of a warning. A diagnostic about query
// text has no position without its Source: use Text or List.Format.
func (d Diagnostic) Error() string { return d.Text(nil) }

// Where returns the position of d as "FILE:LINE:COL", leaving out the
// parts that are unknown; "" when nothing is known. src is the query text
// a diagnostic without File points into, or nil.
func (d Diagnostic) Where(src *Source) string {
	name, line, col := d.position(src)
	var b strings.Builder
	b.WriteString(name)
	if line > 0 {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strconv.Itoa(line))
		if col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(col))
		}
	}
	return b.String()
}

// FileName returns the name of d's File, or "" when d has none.
func (d Diagnostic) FileName() string {
	if d.File == nil {
		return ""
	}
	return d.File.Name
}

// position returns the file name, line and column shown for d, 0 when
// unknown.
func (d Diagnostic) position(src *Source) (name string, line, col int) {
	switch {
	case d.File != nil:
		return d.File.Name, d.Line, d.Col
	case src != nil:
		line, col = src.Position(d.Span.Start)
		return src.Name, line, col
	}
	return "", 0, 0
}

// Text returns the first line Format prints for d: "WHERE: message", or
// "WHERE: warning: message" for a warning, without the position when it
// is unknown.
func (d Diagnostic) Text(src *Source) string {
	return d.text(src, false)
}

// Labeled returns d as Text does but with the severity always spelled
// out: "WHERE: error: message" or "WHERE: warning: message", for listings
// that mix the two.
func (d Diagnostic) Labeled(src *Source) string {
	return d.text(src, true)
}

func (d Diagnostic) text(src *Source, label bool) string {
	var b strings.Builder
	if w := d.Where(src); w != "" {
		b.WriteString(w)
		b.WriteString(": ")
	}
	if label || d.Severity != Error {
		b.WriteString(d.Severity.String())
		b.WriteString(": ")
	}
	b.WriteString(d.Msg)
	return b.String()
}

// Excerpt returns the source line d is about and, under it, a caret at
// d's column, both indented by four spaces, tabs shown as one space so
// that the caret lines up; without a column only the line. For a
// diagnostic about query text it is the query's own line (src may be nil:
// then there is no excerpt); for one about a file, the file's line. It is
// "" when the text is unknown or d has no line.
func (d Diagnostic) Excerpt(src *Source) string {
	if d.File != nil {
		return d.File.Excerpt(d.Line, d.Col)
	}
	if src == nil {
		return ""
	}
	_, col := src.LineCol(d.Span.Start)
	return excerpt(src.Line(d.Span.Start), col)
}

// maxExcerpt is the number of characters of a line an excerpt shows: a
// longer line (a generated query, a minified export) is cut to a window
// around the column, marked with "…" where it was cut.
const maxExcerpt = 120

// excerpt indents line and puts a caret under column col (1-based,
// characters); col <= 0 gives the line alone.
func excerpt(line string, col int) string {
	line = strings.ReplaceAll(line, "\t", " ")
	if r := []rune(line); len(r) > maxExcerpt {
		start := 0
		if col > maxExcerpt/2 {
			start = min(col-1-maxExcerpt/2, len(r)-maxExcerpt)
		}
		end := start + maxExcerpt
		line = string(r[start:end])
		if start > 0 {
			line = "…" + line
			col -= start - 1
		}
		if end < len(r) {
			line += "…"
		}
	}
	if col <= 0 {
		return "    " + line
	}
	return "    " + line + "\n    " + strings.Repeat(" ", col-1) + "^"
}
