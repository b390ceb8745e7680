package ruletest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Options configure Run.
type Options struct {
	// Catalog types the rule's query; nil means the built-in Defender XDR
	// and Sentinel catalog, the one test inputs are typed with.
	Catalog *schema.Catalog
	// Match selects the tests to run by name; nil runs them all.
	Match func(name string) bool
	// Run, when not nil, runs the rule's query over a test's inputs in
	// place of the embedded engine (kqlhunt test --engine runs it on a
	// server) and returns a result per tabular statement.
	Run func(ctx context.Context, q *kql.Query, inputs []*Input, now kql.Datetime) ([]*kql.Result, error)
	// Watchlists give every test the rows of _GetWatchlist; their tables
	// must be in Catalog. A test's input of the watchlist's table
	// (_GetWatchlist('ALIAS')) replaces them.
	Watchlists []*kql.Watchlist
}

// Result is the outcome of one test.
type Result struct {
	// File is the test file's path; Line and Col the position of the
	// test's name in it.
	File      string
	Line, Col int
	Name      string
	// Rule is the path of the rule file under test.
	Rule string
	Pass bool
	// Err is set when the test could not run as written: the rule does
	// not load, compile or run, or an expected finding names a column the
	// rule does not output or a value that does not fit it. Diff says
	// the same.
	Err error
	// Expected is the number of expected findings; Findings holds those
	// the rule returned, sorted by their text.
	Expected int
	Findings []Finding
	// Diff tells what differed, for a failure: one or more lines, without
	// a final newline. It is empty when the test passed.
	Diff string
}

// Finding is one output row of the rule.
type Finding struct {
	Columns []schema.Column
	Row     []any
}

// String returns the finding as a YAML flow mapping of its columns in
// output order, values in JSON form, as an expect: item can be written:
// {DeviceName: "wks-1", Count: 1}.
func (f Finding) String() string {
	var b []byte
	b = append(b, '{')
	for i, c := range f.Columns {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendCell(b, c.Name, c.Type, f.Row[i])
	}
	return string(append(b, '}'))
}

// appendCell appends "name: value" to b.
func appendCell(b []byte, name string, t schema.Type, v any) []byte {
	b = appendKey(b, name)
	b = append(b, ": "...)
	return report.AppendJSONValue(b, t, v)
}

// appendKey appends a column name, quoted unless it is a plain identifier.
func appendKey(b []byte, name string) []byte {
	plain := name != ""
	for i, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return append(b, name...)
	}
	return value.AppendQuoted(b, name)
}

// selected returns the tests of f that opts selects.
func selected(f *File, opts Options) []*Test {
	var out []*Test
	for _, t := range f.Tests {
		if opts.Match == nil || opts.Match(t.Name) {
			out = append(out, t)
		}
	}
	return out
}

// Failed returns a failed Result for every test of f that opts selects,
// each with err as its error: for a rule file that does not load.
// rulePath names the rule file.
func Failed(f *File, rulePath string, err error, opts Options) []Result {
	msg := strings.TrimRight(rules.FormatError(err), "\n")
	var out []Result
	for _, t := range selected(f, opts) {
		out = append(out, Result{File: f.Path, Line: t.Line, Col: t.Col, Name: t.Name, Rule: rulePath,
			Expected: len(t.Expect), Err: err, Diff: "rule does not load:\n" + indent(msg)})
	}
	return out
}

// Run runs the tests of f that opts selects against rule r and returns
// their results in file order. A query that does not compile fails every
// test with the compiler's messages, positioned in the rule file. Run
// stops early when ctx is done: the tests left fail with ctx's error.
func Run(ctx context.Context, f *File, r *rules.Rule, opts Options) []Result {
	cat := opts.Catalog
	if cat == nil {
		cat = schema.Builtin()
	}
	tests := selected(f, opts)
	q, cerr := kql.Compile(r.Query, cat, kql.Options{Name: r.File, Pos: r.QueryPosition})
	out := make([]Result, 0, len(tests))
	for _, t := range tests {
		res := Result{File: f.Path, Line: t.Line, Col: t.Col, Name: t.Name, Rule: r.File, Expected: len(t.Expect)}
		if cerr != nil {
			res.Err = cerr
			res.Diff = "rule does not compile:\n" + indent(strings.TrimRight(cerr.Error(), "\n"))
			out = append(out, res)
			continue
		}
		runTest(ctx, f, t, q, opts, &res)
		out = append(out, res)
	}
	return out
}

// runTest runs one test and fills res.
func runTest(ctx context.Context, f *File, t *Test, q *kql.Query, opts Options, res *Result) {
	defer func() {
		if p := recover(); p != nil {
			res.Pass = false
			res.Err = fmt.Errorf("%w: %v", kql.ErrInternal, p)
			res.Diff = "internal error running the test: " + fmt.Sprint(p)
		}
	}()
	if err := ctx.Err(); err != nil {
		res.Err, res.Diff = err, "not run: "+err.Error()
		return
	}
	var results []*kql.Result
	var err error
	if opts.Run != nil {
		results, err = opts.Run(ctx, q, t.Inputs, t.Now)
	} else {
		mem := kql.NewMemTables()
		for _, w := range opts.Watchlists {
			mem.Add(w.Table, w.Rows())
		}
		for _, in := range t.Inputs {
			mem.Add(in.Table, in.Rows)
		}
		mem.External = externalFiles{f.data()}.read
		results, err = q.Run(ctx, mem, t.Now)
	}
	if err != nil {
		res.Err, res.Diff = err, "rule failed: "+err.Error()
		return
	}
	var found []Finding
	var cols []schema.Column
	for _, r := range results {
		cols = append(cols, r.Columns...)
		for _, b := range r.Batches {
			for i := 0; i < b.N; i++ {
				found = append(found, Finding{Columns: r.Columns, Row: b.Row(i)})
			}
		}
	}
	texts := make([]string, len(found))
	for i := range found {
		texts[i] = found[i].String()
	}
	sort.Sort(byText{found, texts})
	res.Findings = found
	c := compare(f, t, cols, found, texts)
	res.Pass, res.Diff = c.pass, c.diff
	if c.errs != nil {
		res.Err = c.errs
	}
}

// byText sorts findings by their text, for an order that does not depend
// on the engine.
type byText struct {
	f []Finding
	t []string
}

func (s byText) Len() int           { return len(s.f) }
func (s byText) Less(i, j int) bool { return s.t[i] < s.t[j] }
func (s byText) Swap(i, j int) {
	s.f[i], s.f[j] = s.f[j], s.f[i]
	s.t[i], s.t[j] = s.t[j], s.t[i]
}

// externalFiles serves the externaldata URLs of a test from files next to
// the test file.
type externalFiles struct{ data dataFiles }

// read reads the rows of an externaldata URL from the file named like the
// URL's last path segment, next to the test file.
func (s externalFiles) read(url string, cols []kql.Column, props map[string]string) ([]*kql.Batch, error) {
	name := kql.ExternalFileName(url)
	if s.data == nil || name == "" || name == "." || name == "/" {
		return nil, fmt.Errorf("%w %s", kql.ErrNoExternalFile, url)
	}
	p, release, err := s.data.open(name)
	if err != nil {
		if errors.Is(err, errNoData) {
			return nil, fmt.Errorf("%w %s", kql.ErrNoExternalFile, url)
		}
		return nil, fmt.Errorf("%w %s: expected a copy of it next to the test file, named %s", kql.ErrNoExternalFile, url, name)
	}
	defer release()
	return kql.ReadExternalFile(p, cols, props)
}

// errNoData is the error of a File that cannot open data files.
var errNoData = errors.New("no data files")

// data returns what opens f's data files.
func (f *File) data() dataFiles {
	if f.files == nil {
		return noData{}
	}
	return f.files
}

type noData struct{}

func (noData) open(string) (string, func(), error) { return "", nil, errNoData }

// indent indents every line of s by four spaces.
func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
