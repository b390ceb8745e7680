package schema

import (
	"sort"
	"strings"
	"sync/atomic"

	"github.com/kqlhunt/kqlhunt/internal/diag"
)

// A Microsoft Sentinel workspace holds saved functions (parsers, helpers
// such as IsWorkingTime()) that queries call as if the query began with
// `let NAME = (PARAMS) { BODY };`: KQL user-defined functions
// (https://learn.microsoft.com/kusto/query/functions/user-defined-functions).
// A catalog carries such functions, declared in schema files, so that the
// checker binds them in a scope around the query's own.
//
// A function's text is parsed apart from any query (by a FuncParser: this
// package does not import the parser, whose tests import it), and its
// offsets are shifted (syntax.Shift) to a range of its own, at or above FuncBase, so
// that a diagnostic or a plan node that points into a function is told
// from one that points into the query by its offset alone: Catalog.FuncAt
// finds the function, and Func.Place the file, line and column.

// FuncBase is the lowest offset of a catalog function's text: offsets of
// query text are below it.
const FuncBase = 1 << 40

// funcSeq numbers the functions parsed, so that each gets its own range
// of offsets.
var funcSeq atomic.Int64

// Func is a function a catalog declares. It is immutable once made and
// safe for concurrent use.
type Func struct {
	// Name is the name queries call it by.
	Name string
	// Lit is the function, a *syntax.FuncLit: parameters and body,
	// offsets shifted to Base.
	Lit any
	// Base is the offset of the first byte of the function's text.
	Base int
	// Where names the file the function is declared in.
	Where string
	size  int
	place func(off int) (f *diag.File, line, col int)
}

// Holds reports whether off is an offset into f's text.
func (f *Func) Holds(off int) bool { return off >= f.Base && off <= f.Base+f.size }

// Place returns the file, line and column where the byte at offset off of
// f's text was written.
func (f *Func) Place(off int) (file *diag.File, line, col int) {
	return f.place(off - f.Base)
}

// Diagnostic returns d, a diagnostic about f's text, at the file, line and
// column where that text was written, its message prefixed with the
// function's name.
func (f *Func) Diagnostic(d diag.Diagnostic) diag.Diagnostic {
	if d.File != nil {
		return d
	}
	file, line, col := f.Place(d.Span.Start)
	msg := "in function '" + f.Name + "': " + d.Msg
	return file.At(d.Severity, line, col, msg)
}

// funcText is a function's text as parsed: `let NAME = (PARAMS) {\nBODY\n};`.
type funcText struct {
	text                 string
	params, paramsEnd    int // the PARAMS part
	body, bodyEnd        int // the BODY part
	paramsAt, bodyAt     func(off int) (line, col int)
	paramsFile, bodyFile *diag.File
	nameFile             *diag.File
	nameLine, nameCol    int
}

// newFuncText lays out the text of function name.
func newFuncText(name, params, body string) *funcText {
	var b strings.Builder
	b.WriteString("let " + name + " = (")
	t := &funcText{params: b.Len()}
	b.WriteString(params)
	t.paramsEnd = b.Len()
	b.WriteString(") {\n")
	t.body = b.Len()
	b.WriteString(body)
	t.bodyEnd = b.Len()
	b.WriteString("\n};")
	t.text = b.String()
	return t
}

// where maps an offset of the text to the file, line and column it was
// written at: the parameters' and the body's bytes to theirs, the rest to
// the function's name in the schema file.
func (t *funcText) where(off int) (*diag.File, int, int) {
	switch {
	case off >= t.params && off <= t.paramsEnd && t.paramsAt != nil:
		l, c := t.paramsAt(off - t.params)
		return t.paramsFile, l, c
	case off >= t.body && t.bodyAt != nil:
		// Past the body (the closing brace that the text adds): where
		// the body's text ends.
		end := len(strings.TrimRight(t.text[t.body:t.bodyEnd], " \t\r\n"))
		l, c := t.bodyAt(min(off-t.body, end))
		return t.bodyFile, l, c
	}
	return t.nameFile, t.nameLine, t.nameCol
}

// FuncParser parses text, `let NAME = (PARAMS) {\nBODY\n};`, and returns
// the function literal (a *syntax.FuncLit) with its offsets shifted by
// base, or nil when the text is not one let statement binding a function
// literal; errs are the syntax errors, at offsets of text.
type FuncParser func(text string, base int) (lit any, errs diag.List)

// parse parses t as function name, declared in where. The error is a
// diag.List of the syntax errors at their files' positions.
func (t *funcText) parse(name, where string, parse FuncParser) (*Func, error) {
	f := &Func{Name: name, Where: where, size: len(t.text), place: t.where}
	f.Base = int(funcSeq.Add(1)) * FuncBase
	lit, diags := parse(t.text, f.Base)
	var errs diag.List
	for _, d := range diags {
		if d.Severity == diag.Error {
			errs = append(errs, f.Diagnostic(diag.Diagnostic{Span: diag.Span{Start: d.Span.Start + f.Base, End: d.Span.End + f.Base}, Severity: d.Severity, Msg: d.Msg}))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if lit == nil {
		// The parameters or the body closed the text's brackets early.
		return nil, diag.List{t.nameFile.Errorf(t.nameLine, t.nameCol, "function '%s': expected parameters and a body that stand for `let %s = (PARAMS) { BODY }`", name, name)}
	}
	f.Lit = lit
	return f, nil
}

// Func returns the function named name, or nil.
func (c *Catalog) Func(name string) *Func {
	if c == nil {
		return nil
	}
	return c.funcs[name]
}

// Funcs returns the catalog's functions, sorted by name.
func (c *Catalog) Funcs() []*Func {
	if c == nil {
		return nil
	}
	out := make([]*Func, 0, len(c.funcs))
	for _, f := range c.funcs {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// FuncAt returns the function whose text holds offset off, or nil (for an
// offset into a query).
func (c *Catalog) FuncAt(off int) *Func {
	if c == nil || off < FuncBase {
		return nil
	}
	for _, f := range c.funcs {
		if f.Holds(off) {
			return f
		}
	}
	return nil
}

// WithFuncs returns a new catalog holding c's tables and functions and the
// given functions, which replace functions of the same name.
func (c *Catalog) WithFuncs(funcs ...*Func) *Catalog {
	n := c.With()
	for _, f := range funcs {
		n.funcs[f.Name] = f
	}
	return n
}
