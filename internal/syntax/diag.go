package syntax

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Span is a half-open range [Start, End) of byte offsets into a query.
type Span struct {
	Start, End int
}

// Severity tells how bad a diagnostic is.
type Severity uint8

// Severities, most severe first.
const (
	Error Severity = iota
	Warning
	Info
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// Diagnostic is a message about a span of a query.
type Diagnostic struct {
	Span     Span
	Severity Severity
	Msg      string
}

func (d Diagnostic) Error() string { return d.Msg }

// Diagnostics is a list of diagnostics, the way every stage of kqlhunt
// reports problems with a query: collected rather than stopping at the
// first.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns the diagnostics of Error severity.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders the diagnostics by position, then severity, and drops
// repeats: a second error on the same line as an earlier error, and
// identical messages at the same place.
func (ds Diagnostics) Sort(src *Source) Diagnostics {
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].Span.Start != ds[j].Span.Start {
			return ds[i].Span.Start < ds[j].Span.Start
		}
		return ds[i].Severity < ds[j].Severity
	})
	out := ds[:0]
	lastErrLine := -1
	for i, d := range ds {
		if i > 0 && d == ds[i-1] {
			continue
		}
		if d.Severity == Error && src != nil {
			line, _ := src.LineCol(d.Span.Start)
			if line == lastErrLine {
				continue
			}
			lastErrLine = line
		}
		out = append(out, d)
	}
	return out
}

// Source is the text of a query and where it came from, for printing
// positions. Lines and columns are 1-based; columns count characters.
type Source struct {
	// Name is the file name shown before positions; empty for none.
	Name string
	Text string
	// Pos, when set, maps a byte offset of Text to the line and column
	// shown to the user, e.g. positions in the YAML file a query sits in.
	Pos       func(off int) (line, col int)
	lineStart []int
}

// NewSource returns a Source for text named name.
func NewSource(name, text string) *Source {
	return &Source{Name: name, Text: text}
}

// LineCol returns the 1-based line and column of byte offset off in the
// query text itself, ignoring Pos.
func (s *Source) LineCol(off int) (line, col int) {
	if s.lineStart == nil {
		s.lineStart = append(s.lineStart, 0)
		for i := 0; i < len(s.Text); i++ {
			if s.Text[i] == '\n' {
				s.lineStart = append(s.lineStart, i+1)
			}
		}
	}
	off = max(0, min(off, len(s.Text)))
	i := sort.Search(len(s.lineStart), func(i int) bool { return s.lineStart[i] > off }) - 1
	return i + 1, utf8.RuneCountInString(s.Text[s.lineStart[i]:off]) + 1
}

// Position returns the line and column shown to the user for offset off.
func (s *Source) Position(off int) (line, col int) {
	if s.Pos != nil {
		return s.Pos(off)
	}
	return s.LineCol(off)
}

// Line returns the text of the query line holding offset off, without its
// line ending.
func (s *Source) Line(off int) string {
	line, _ := s.LineCol(off)
	start := s.lineStart[line-1]
	end := strings.IndexByte(s.Text[start:], '\n')
	if end < 0 {
		end = len(s.Text)
	} else {
		end += start
	}
	return strings.TrimRight(s.Text[start:end], "\r")
}

// MaxShown is how many diagnostics Format prints before summarizing the
// rest as "(and N more errors)".
const MaxShown = 10

// Format renders diagnostics for a terminal: each as
// "NAME:LINE:COL: severity: message" (the name and "error: " prefix only
// when set), then the query line and a caret under the column. After
// MaxShown, it adds "(and N more)".
func (ds Diagnostics) Format(src *Source) string {
	var b strings.Builder
	for i, d := range ds {
		if i == MaxShown {
			fmt.Fprintf(&b, "(and %d more)\n", len(ds)-MaxShown)
			break
		}
		b.WriteString(FormatOne(src, d))
	}
	return b.String()
}

// FormatOne renders one diagnostic as Format does.
func FormatOne(src *Source, d Diagnostic) string {
	var b strings.Builder
	line, col := src.Position(d.Span.Start)
	if src.Name != "" {
		fmt.Fprintf(&b, "%s:", src.Name)
	}
	fmt.Fprintf(&b, "%d:%d: ", line, col)
	if d.Severity != Error {
		fmt.Fprintf(&b, "%s: ", d.Severity)
	}
	b.WriteString(d.Msg)
	b.WriteByte('\n')
	text := src.Line(d.Span.Start)
	_, qcol := src.LineCol(d.Span.Start)
	b.WriteString("    ")
	b.WriteString(strings.ReplaceAll(text, "\t", " "))
	b.WriteString("\n    ")
	b.WriteString(strings.Repeat(" ", qcol-1))
	b.WriteString("^\n")
	return b.String()
}
