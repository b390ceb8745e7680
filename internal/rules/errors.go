package rules

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Error is a message about a position in a rule file. Line and Col are
// 1-based; Col counts Unicode characters, as go.yaml.in/yaml/v3 does for
// yaml.Node.Column. Col is 0 when only the line is known, and Line is 0 when
// the message is about the whole file.
//
// An Error with Warning set reports something that did not stop the rule
// from loading, such as a repair of the file or a skipped Markdown block.
type Error struct {
	File    string
	Line    int
	Col     int
	Msg     string
	Warning bool

	src []byte // the file's text, for Excerpt; nil when unknown
}

// Error returns the message as FILE:LINE:COL: message, leaving out the
// parts that are unknown; a warning reads FILE:LINE:COL: warning: message.
func (e *Error) Error() string {
	if e.Warning {
		return e.Diagnostic()
	}
	return e.prefix() + e.Msg
}

// Diagnostic returns the message with its severity always spelled out, as
// FILE:LINE:COL: error: message or FILE:LINE:COL: warning: message.
func (e *Error) Diagnostic() string {
	return e.prefix() + e.Severity() + ": " + e.Msg
}

// Severity returns "error" or "warning".
func (e *Error) Severity() string {
	if e.Warning {
		return "warning"
	}
	return "error"
}

// prefix returns "FILE:LINE:COL: ", leaving out the parts that are
// unknown.
func (e *Error) prefix() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		if b.Len() > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Col))
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	return b.String()
}

// Excerpt returns the source line that e is about and, under it, a caret
// at e's column (see the package function Excerpt). It returns "" when the
// source is unknown or e has no line.
func (e *Error) Excerpt() string {
	return Excerpt(e.src, e.Line, e.Col)
}

// ErrorList is a list of errors about one or more rule files. LoadFile and
// Parse return their errors as an ErrorList sorted by position; use
// errors.As to reach the first *Error.
type ErrorList []*Error

// Error returns the first message followed by "(and N more errors)" when
// there are more, as go/scanner does.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Unwrap returns the errors of l, so that errors.Is and errors.As look
// into them.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Sort sorts l by file, line and column, keeping the order of errors at
// the same position.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// RemoveMultiples sorts l as Sort does and then removes each error that
// repeats the one before it, position and message alike, as one problem
// reached through two YAML aliases does.
func (l *ErrorList) RemoveMultiples() {
	l.Sort()
	out := (*l)[:0]
	for _, e := range *l {
		if len(out) > 0 && e.Error() == out[len(out)-1].Error() {
			continue
		}
		out = append(out, e)
	}
	*l = out
}

// Err returns l as an error, or nil when l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Errors returns the entries of l that are errors, not warnings.
func (l ErrorList) Errors() ErrorList {
	var out ErrorList
	for _, e := range l {
		if !e.Warning {
			out = append(out, e)
		}
	}
	return out
}

// Warnings returns the entries of l that are warnings.
func (l ErrorList) Warnings() ErrorList {
	var out ErrorList
	for _, e := range l {
		if e.Warning {
			out = append(out, e)
		}
	}
	return out
}

// maxShown is how many errors FormatError prints before summing up the rest.
const maxShown = 10

// FormatError renders err for a terminal: each positioned message on its
// own line followed by its excerpt (source line and caret), at most ten
// messages and then "(and N more errors)". Errors that are not an *Error or
// an ErrorList print as err.Error(). The result ends with a newline.
func FormatError(err error) string {
	var list ErrorList
	var one *Error
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = ErrorList{one}
	default:
		return err.Error() + "\n"
	}
	var b strings.Builder
	for i, e := range list {
		if i == maxShown {
			fmt.Fprintf(&b, "(and %d more errors)\n", len(list)-maxShown)
			break
		}
		b.WriteString(e.Error())
		b.WriteByte('\n')
		if x := e.Excerpt(); x != "" {
			b.WriteString(x)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Excerpt returns line number line (1-based) of src, then a newline and a
// caret under column col (1-based, counted in characters), both indented by
// four spaces as the KQL diagnostics printer (syntax.FormatOne) does, with
// tabs shown as one space so that the caret lines up. Without a column
// (col <= 0) only the source line is returned; for a line out of range, "".
// Line breaks are those of YAML: LF, CRLF, CR, NEL, LS and PS.
func Excerpt(src []byte, line, col int) string {
	starts := lineStarts(src)
	if line < 1 || line > len(starts) {
		return ""
	}
	start := starts[line-1]
	text := strings.ReplaceAll(string(src[start:lineEnd(src, start)]), "\t", " ")
	if col <= 0 {
		return "    " + text
	}
	return "    " + text + "\n    " + strings.Repeat(" ", col-1) + "^"
}
