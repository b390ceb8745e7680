// Package kqltest runs .test scripts: tables loaded from KQL datatables,
// queries evaluated over them, and the expected rows or errors. Every
// engine runs the same scripts, so a difference between engines is a test
// failure.
//
// A script is a sequence of commands separated by blank lines:
//
//	# a comment
//	load DeviceNetworkEvents
//	  datatable(Timestamp:datetime, RemoteUrl:string) [
//	    datetime(2026-11-19T10:00:00Z), "api.screenmeet.com",
//	  ]
//
//	eval [ordered] [now=2026-11-20T00:00:00Z]
//	  DeviceNetworkEvents | where RemoteUrl has "screenmeet.com" | count
//	----
//	Count:long
//	1
//
//	eval
//	  DeviceNetworkEvents | where Nope == 1
//	----
//	expect error: 1:29: unknown column 'Nope'
//
// The query of load and eval is indented. Expected rows follow a header of
// name:type cells; cells are separated by two or more spaces. A null cell
// is written null; a string that is empty, is "null", or has leading,
// trailing or doubled spaces is written as a JSON string. Rows compare as
// a multiset unless the eval says ordered. "expect error:" matches the
// first compile error as LINE:COL: message; "expect run error:" matches a
// substring of the run-time error.
//
// "external FILE" loads the rows that externaldata() reads for a URL whose
// file name is FILE. A result that asks for a chart (render) shows a
// first line "render KIND" with its properties as name=value.
//
// A load of a Defender XDR table keeps the catalog's schema for queries;
// columns the datatable lacks read as null. Any other name becomes a new
// table with the datatable's columns.
package kqltest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	ksource "github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

// DefaultNow is the now() of scripts that do not set one.
const DefaultNow = "2026-11-20T12:00:00Z"

// Engine runs a compiled query of a script.
type Engine struct {
	Name string
	// Options adjust compilation (e.g. NoOptimize).
	Options kql.Options
}

// Engines lists the engines every script runs on.
var Engines = []Engine{
	{Name: "embedded"},
	{Name: "embedded-unoptimized", Options: kql.Options{NoOptimize: true}},
}

// Command is one load or eval of a script.
type Command struct {
	Line    int // 1-based line of the command word
	Kind    string
	Table   string // load
	Query   string
	Ordered bool
	Now     string
	// Expected output, as written.
	Want      []string
	WantLine  int // line of the first expected line
	WantError string
	WantRun   string
}

// Parse reads a script.
func Parse(path string) ([]*Command, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cmds []*Command
	var cur *Command
	inWant := false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), " \t\r")
		switch {
		case text == "":
			if cur != nil && inWant {
				cur, inWant = nil, false
			} else if cur != nil && (cur.Kind == "load" || cur.Kind == "external") && cur.Query != "" {
				cur = nil
			}
		case strings.HasPrefix(text, "#") && cur == nil:
		case cur != nil && !inWant && (text[0] == ' ' || text[0] == '\t'):
			cur.Query += strings.TrimPrefix(strings.TrimPrefix(text, "  "), "\t") + "\n"
		case cur != nil && cur.Kind == "eval" && text == "----":
			inWant = true
			cur.WantLine = line + 1
		case cur != nil && inWant:
			switch {
			case strings.HasPrefix(text, "expect error:"):
				cur.WantError = strings.TrimSpace(strings.TrimPrefix(text, "expect error:"))
			case strings.HasPrefix(text, "expect run error:"):
				cur.WantRun = strings.TrimSpace(strings.TrimPrefix(text, "expect run error:"))
			default:
				cur.Want = append(cur.Want, text)
			}
		default:
			words := strings.Fields(text)
			cur = &Command{Line: line, Kind: words[0], Now: DefaultNow}
			switch words[0] {
			case "load", "external":
				if len(words) != 2 {
					return nil, fmt.Errorf("%s:%d: expected '%s NAME'", path, line, words[0])
				}
				cur.Table = words[1]
			case "eval":
				for _, w := range words[1:] {
					switch {
					case w == "ordered":
						cur.Ordered = true
					case strings.HasPrefix(w, "now="):
						cur.Now = strings.TrimPrefix(w, "now=")
					default:
						return nil, fmt.Errorf("%s:%d: unknown eval option %q", path, line, w)
					}
				}
			default:
				return nil, fmt.Errorf("%s:%d: expected 'load', 'external' or 'eval', got %q", path, line, words[0])
			}
			cmds = append(cmds, cur)
			inWant = false
		}
	}
	for _, c := range cmds {
		if c.Query == "" {
			return nil, fmt.Errorf("%s:%d: %s has no query (indent it under the command)", path, c.Line, c.Kind)
		}
		if c.Kind == "eval" && c.Want == nil && c.WantError == "" && c.WantRun == "" && c.WantLine == 0 {
			return nil, fmt.Errorf("%s:%d: eval has no expectation (add ---- and the expected rows)", path, c.Line)
		}
	}
	return cmds, sc.Err()
}

// Run runs the script at path on engine e, reporting failures on t. With
// rewrite, it returns the script with its expectations replaced by what
// the engine produced.
func Run(t *testing.T, path string, e Engine, rewrite bool) string {
	t.Helper()
	got := map[*Command][]string{}
	cmds, err := runScript(t, path, e, func(c *Command, out []string) {
		got[c] = out
		if !rewrite {
			compare(t, path, c, out)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !rewrite {
		return ""
	}
	return rewriteScript(t, path, cmds, got)
}

// Outcome is the result of one eval of a script (Evaluate).
type Outcome struct {
	Line  int
	Query string
	// Failure says how the eval's result differed from its expectation;
	// "" when it passed.
	Failure string
}

// Evaluate runs the script at path on engine e and returns the outcome of
// each eval, in order; a failure to load the script's tables is an error.
func Evaluate(path string, e Engine) ([]Outcome, error) {
	var out []Outcome
	var loadErr recorder
	_, err := runScript(&loadErr, path, e, func(c *Command, got []string) {
		var r recorder
		compareTo(&r, path, c, got)
		out = append(out, Outcome{Line: c.Line, Query: c.Query, Failure: r.msg})
	})
	if err == nil && loadErr.msg != "" {
		err = errors.New(loadErr.msg)
	}
	return out, err
}

// runScript runs the commands of the script at path on engine e: each
// eval's rendered result goes to each; errors loading tables go to t.
func runScript(t reporter, path string, e Engine, each func(c *Command, got []string)) ([]*Command, error) {
	t.Helper()
	cmds, err := Parse(path)
	if err != nil {
		return nil, err
	}
	cat := schema.Defender()
	ext := &externals{files: map[string]*kql.Result{}}
	mem := kql.NewMemTables()
	mem.External = ext.read
	for _, c := range cmds {
		switch c.Kind {
		case "external":
			tbl, batches, err := load(cat, c)
			if err != nil {
				t.Errorf("%s:%d: external %s: %v", path, c.Line, c.Table, err)
				continue
			}
			ext.files[c.Table] = &kql.Result{Columns: tbl.Columns, Batches: batches}
		case "load":
			tbl, batches, err := load(cat, c)
			if err != nil {
				t.Errorf("%s:%d: load %s: %v", path, c.Line, c.Table, err)
				continue
			}
			if def := schema.Defender().Table(c.Table); def != nil {
				for _, col := range tbl.Columns {
					if j := def.Lookup(col.Name); j < 0 || def.Columns[j].Type != col.Type {
						t.Errorf("%s:%d: load %s: column %s:%s is not in the table's schema", path, c.Line, c.Table, col.Name, col.Type)
					}
				}
			} else {
				cat = cat.With(tbl)
			}
			mem.Add(tbl, batches...)
		case "eval":
			each(c, eval(cat, mem, c, e))
		}
	}
	return cmds, nil
}

func load(cat *schema.Catalog, c *Command) (*schema.Table, []*value.Batch, error) {
	q, err := kql.Compile(c.Query, cat, kql.Options{})
	if err != nil {
		return nil, nil, err
	}
	res, err := q.Run(context.Background(), kql.NewMemTables(), 0)
	if err != nil {
		return nil, nil, err
	}
	return schema.NewTable(c.Table, res[0].Columns), res[0].Batches, nil
}

// externals are the files a script's externaldata reads.
type externals struct {
	files map[string]*kql.Result
}

// read serves the rows loaded by "external FILE" for the URLs whose file
// name is FILE; the declared columns must match the loaded ones.
func (s *externals) read(url string, cols []schema.Column, _ map[string]string) ([]*value.Batch, error) {
	name := ksource.FileName(url)
	r, ok := s.files[name]
	if !ok {
		return nil, fmt.Errorf("no external %s for %s", name, url)
	}
	if len(r.Columns) != len(cols) {
		return nil, fmt.Errorf("external %s has %d columns, externaldata declares %d", name, len(r.Columns), len(cols))
	}
	for i, col := range cols {
		if r.Columns[i].Type != col.Type {
			return nil, fmt.Errorf("external %s: column %d is %s, externaldata declares %s", name, i+1, r.Columns[i].Type, col.Type)
		}
	}
	return r.Batches, nil
}

// eval runs c and renders its outcome as expectation lines.
func eval(cat *schema.Catalog, mem kql.Tables, c *Command, e Engine) []string {
	now, err := kql.ParseNow(c.Now)
	if err != nil {
		return []string{"expect run error: " + err.Error()}
	}
	q, err := kql.Compile(c.Query, cat, e.Options)
	if err != nil {
		if ce, ok := err.(*kql.Error); ok {
			d := ce.Diags.Errors()[0]
			line, col := ce.Source.Position(d.Span.Start)
			return []string{fmt.Sprintf("expect error: %d:%d: %s", line, col, d.Msg)}
		}
		return []string{"expect error: " + err.Error()}
	}
	res, err := q.Run(context.Background(), mem, now)
	if err != nil {
		return []string{"expect run error: " + err.Error()}
	}
	return renderChart(res[0], c.Ordered)
}

// Render formats a result as an aligned header and rows, sorted unless
// ordered.
func Render(r *kql.Result, ordered bool) []string {
	header := make([]string, len(r.Columns))
	for i, col := range r.Columns {
		header[i] = col.Name + ":" + col.Type.String()
	}
	var rows [][]string
	for _, b := range r.Batches {
		for i := 0; i < b.N; i++ {
			row := make([]string, len(r.Columns))
			for j, col := range r.Columns {
				row[j] = Cell(col.Type, b.Cols[j].Get(i))
			}
			rows = append(rows, row)
		}
	}
	if !ordered {
		sort.SliceStable(rows, func(a, b int) bool { return strings.Join(rows[a], "\x00") < strings.Join(rows[b], "\x00") })
	}
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for j, cell := range row {
			widths[j] = max(widths[j], len([]rune(cell)))
		}
	}
	format := func(row []string) string {
		var b strings.Builder
		for j, cell := range row {
			b.WriteString(cell)
			if j < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[j]-len([]rune(cell))+2))
			}
		}
		return strings.TrimRight(b.String(), " ")
	}
	out := []string{format(header)}
	for _, row := range rows {
		out = append(out, format(row))
	}
	return out
}

// Cell renders one value for a script: null for null, strings quoted when
// their text would be ambiguous.
func Cell(t schema.Type, v any) string {
	if v == nil && t != schema.String {
		return "null"
	}
	s := kql.ValueString(t, v)
	if t == schema.String && (s == "" || s == "null" || strings.TrimSpace(s) != s || strings.Contains(s, "  ") || strings.ContainsAny(s, "\n\t\"")) {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		return strings.TrimSuffix(b.String(), "\n")
	}
	return s
}

// splitCells splits an expectation line into cells.
func splitCells(line string) []string {
	var cells []string
	for _, f := range strings.Split(line, "  ") {
		if f = strings.TrimSpace(f); f != "" {
			cells = append(cells, f)
		}
	}
	return cells
}

// reporter is the part of testing.T that compare reports to.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

func compare(t *testing.T, path string, c *Command, got []string) {
	t.Helper()
	compareTo(t, path, c, got)
}

func compareTo(t reporter, path string, c *Command, got []string) {
	t.Helper()
	want := c.Want
	switch {
	case c.WantError != "":
		want = []string{"expect error: " + c.WantError}
	case c.WantRun != "":
		if len(got) == 1 && strings.HasPrefix(got[0], "expect run error: ") && strings.Contains(got[0], c.WantRun) {
			return
		}
		want = []string{"expect run error: " + c.WantRun}
	}
	norm := func(lines []string, sorted bool) []string {
		out := make([]string, len(lines))
		for i, l := range lines {
			out[i] = strings.Join(splitCells(l), "  ")
		}
		if sorted && len(out) > 1 {
			body := append([]string(nil), out[1:]...)
			sort.Strings(body)
			out = append(out[:1], body...)
		}
		return out
	}
	sorted := !c.Ordered && c.WantError == "" && c.WantRun == ""
	w, g := norm(want, sorted), norm(got, sorted)
	if strings.Join(w, "\n") == strings.Join(g, "\n") {
		return
	}
	t.Errorf("%s:%d: eval\n%s\nwant:\n  %s\ngot:\n  %s", path, c.Line, indent(c.Query), strings.Join(want, "\n  "), strings.Join(got, "\n  "))
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

// rewriteScript returns the script with each eval's expectation replaced.
func rewriteScript(t *testing.T, path string, cmds []*Command, got map[*Command][]string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []string
	i := 0
	for _, c := range cmds {
		if c.Kind != "eval" || c.WantLine == 0 {
			continue
		}
		start := c.WantLine - 1
		end := start
		for end < len(lines) && strings.TrimSpace(lines[end]) != "" {
			end++
		}
		out = append(out, lines[i:start]...)
		out = append(out, got[c]...)
		i = end
	}
	out = append(out, lines[i:]...)
	return strings.Join(out, "\n")
}

// Queries returns every query of the scripts, for seeding fuzzers.
func Queries(paths []string) []string {
	var qs []string
	for _, p := range paths {
		cmds, err := Parse(p)
		if err != nil {
			continue
		}
		for _, c := range cmds {
			qs = append(qs, c.Query)
		}
	}
	return qs
}
