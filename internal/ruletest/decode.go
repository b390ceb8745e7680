package ruletest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/diag/yamlpos"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/suggest"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// decoder turns the YAML tree of one test file into a File, collecting
// errors.
type decoder struct {
	f      *File
	cat    *schema.Catalog
	data   dataFiles
	errs   diag.List
	budget int // of YAML nodes for values, see convert
}

func (d *decoder) errorAt(n *yaml.Node, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	d.errs = append(d.errs, d.f.yf.Errorf(line, col, format, args...))
}

// parse decodes the test file src, named name.
func parse(name string, src []byte, dir string, cat *schema.Catalog, data dataFiles) (f *File, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, diag.List{diag.NewFile(name, nil).Errorf(0, 0, "internal error decoding the test file: %v", p)}
		}
	}()
	// yamlpos.Parse finds where a YAML syntax error is and says it
	// plainly, as for rule files.
	yf, err := yamlpos.Parse(name, src)
	if err != nil {
		return nil, err
	}
	top := yf.Root
	if top == nil || top.Kind == 0 || isNull(top) {
		return nil, diag.List{yf.Errorf(1, 0, "empty test file, expected rule: and tests:")}
	}
	f = &File{Path: name, Now: DefaultNow, yf: yf, dir: dir, files: data}
	d := &decoder{f: f, cat: cat, data: data, budget: maxNodes}
	if top.Kind != yaml.MappingNode {
		d.errorAt(top, "expected a mapping with rule: and tests:, got %s", describe(top))
		return nil, d.errs
	}
	d.file(top)
	d.errs = d.errs.Sort(nil)
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	return f, nil
}

// each calls fn for every key and value of mapping n, reporting keys that
// are not scalars and duplicate keys.
func (d *decoder) each(n *yaml.Node, fn func(k, v *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := yamlpos.Resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorAt(k, "expected a key, got %s", describe(k))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.errorAt(k, "duplicate key %q, first given at line %d", k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		fn(k, v)
	}
}

// file decodes the top-level mapping.
func (d *decoder) file(top *yaml.Node) {
	var tests *yaml.Node
	var testsKey *yaml.Node
	hasRule := false
	d.each(top, func(k, v *yaml.Node) {
		switch k.Value {
		case "rule":
			hasRule = true
			v = yamlpos.Resolve(v)
			if v.Kind != yaml.ScalarNode || v.Tag != "!!str" || strings.TrimSpace(v.Value) == "" {
				d.errorAt(v, "rule: expected the rule's file name, got %s", describe(v))
				return
			}
			d.f.Rule, d.f.RuleLine, d.f.RuleCol = v.Value, v.Line, v.Column
		case "now":
			if now, ok := d.now(k, v); ok {
				d.f.Now = now
			}
		case "tests":
			tests, testsKey = yamlpos.Resolve(v), k
		default:
			d.errorAt(k, "unknown key %q, expected rule, now or tests", k.Value)
		}
	})
	if !hasRule {
		d.errorAt(top, "missing required key \"rule\": the rule file under test")
	}
	switch {
	case tests == nil:
		d.errorAt(top, "missing required key \"tests\"")
		return
	case tests.Kind != yaml.SequenceNode:
		d.errorAt(tests, "tests: expected a list of tests, got %s", describe(tests))
		return
	case len(tests.Content) == 0:
		d.errorAt(testsKey, "tests: the list is empty")
		return
	}
	names := map[string]int{}
	for _, n := range tests.Content {
		t := d.test(yamlpos.Resolve(n))
		if t == nil {
			continue
		}
		if line, dup := names[t.Name]; dup {
			d.errorAt(&yaml.Node{Line: t.Line, Column: t.Col}, "duplicate test name %q, first used at line %d", t.Name, line)
			continue
		}
		names[t.Name] = t.Line
		d.f.Tests = append(d.f.Tests, t)
	}
	// A test without its own now reads the file's, whichever key came
	// first.
	for _, t := range d.f.Tests {
		if !t.OwnNow {
			t.Now = d.f.Now
		}
	}
}

// now decodes a now: value.
func (d *decoder) now(k, v *yaml.Node) (value.Datetime, bool) {
	v = yamlpos.Resolve(v)
	if v.Kind == yaml.ScalarNode && (v.Tag == "!!timestamp" || v.Tag == "!!str") {
		if t, ok := parseDatetime(v.Value); ok {
			return t, true
		}
	}
	d.errorAt(v, "%s: expected a UTC instant such as 2025-03-05T00:00:00Z, got %s", k.Value, describe(v))
	return 0, false
}

// test decodes one item of tests; nil when it has no usable name.
func (d *decoder) test(n *yaml.Node) *Test {
	if n.Kind != yaml.MappingNode {
		d.errorAt(n, "tests: expected a test (a mapping with name, input and expect), got %s", describe(n))
		return nil
	}
	t := &Test{}
	var hasName, hasExpect bool
	d.each(n, func(k, v *yaml.Node) {
		switch k.Value {
		case "name":
			v = yamlpos.Resolve(v)
			if v.Kind != yaml.ScalarNode || isNull(v) || strings.TrimSpace(v.Value) == "" {
				d.errorAt(v, "name: expected the test's name, got %s", describe(v))
				return
			}
			hasName = true
			t.Name, t.Line, t.Col = v.Value, v.Line, v.Column
		case "now":
			if now, ok := d.now(k, v); ok {
				t.Now, t.OwnNow = now, true
			}
		case "input":
			t.Inputs = d.inputs(k, yamlpos.Resolve(v))
		case "expect":
			hasExpect = true
			t.Expect = d.expect(yamlpos.Resolve(v))
		default:
			d.errorAt(k, "unknown key %q, expected name, now, input or expect", k.Value)
		}
	})
	if !hasName {
		d.errorAt(n, "missing required key \"name\"")
		return nil
	}
	if !hasExpect {
		d.errorAt(&yaml.Node{Line: t.Line, Column: t.Col}, "test %q: missing required key \"expect\" (a list of findings, or none)", t.Name)
	}
	return t
}

// inputs decodes a test's input: a mapping from table names to rows.
func (d *decoder) inputs(k, n *yaml.Node) []*Input {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.errorAt(n, "input: expected a mapping from table names to rows, got %s", describe(n))
		return nil
	}
	var out []*Input
	d.each(n, func(k, v *yaml.Node) {
		t := d.cat.Table(k.Value)
		if t == nil {
			d.errorAt(k, "unknown table '%s'%s", k.Value, suggest.DidYouMean(suggest.Name(k.Value, d.cat.Names())))
			return
		}
		if in := d.input(t, k, yamlpos.Resolve(v)); in != nil {
			out = append(out, in)
		}
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Table.Name < out[j].Table.Name })
	return out
}

// input decodes the rows of table t: a list of rows, {file: PATH} or null.
func (d *decoder) input(t *schema.Table, k, v *yaml.Node) *Input {
	in := &Input{Table: t, Line: k.Line, Col: k.Column}
	types := make([]schema.Type, len(t.Columns))
	for i, c := range t.Columns {
		types[i] = c.Type
	}
	in.Rows = value.NewBatch(types, 0)
	switch {
	case isNull(v):
		return in
	case v.Kind == yaml.SequenceNode:
		in.Rows = value.NewBatch(types, len(v.Content))
		for _, row := range v.Content {
			d.row(t, in.Rows, yamlpos.Resolve(row))
		}
		return in
	case v.Kind == yaml.MappingNode:
		var file *yaml.Node
		d.each(v, func(fk, fv *yaml.Node) {
			if fk.Value != "file" {
				d.errorAt(fk, "%s: unknown key %q: expected a list of rows, or file: PATH", t.Name, fk.Value)
				return
			}
			file = yamlpos.Resolve(fv)
		})
		if file == nil {
			if len(v.Content) == 0 {
				d.errorAt(v, "%s: expected a list of rows, or file: PATH", t.Name)
			}
			return nil
		}
		if file.Kind != yaml.ScalarNode || file.Tag != "!!str" || strings.TrimSpace(file.Value) == "" {
			d.errorAt(file, "%s: file: expected a path relative to the test file, got %s", t.Name, describe(file))
			return nil
		}
		in.DataFile = file.Value
		b, err := d.readData(t, file.Value)
		if err != nil {
			d.errorAt(file, "%s: %v", t.Name, err)
			return nil
		}
		in.Rows = b
		return in
	}
	d.errorAt(v, "%s: expected a list of rows, or file: PATH, got %s", t.Name, describe(v))
	return nil
}

// row decodes one input row into b, which holds every column of t.
func (d *decoder) row(t *schema.Table, b *value.Batch, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		d.errorAt(n, "%s: expected a row (a mapping from column names to values), got %s", t.Name, describe(n))
		return
	}
	vals := make([]any, len(t.Columns))
	ok := true
	d.each(n, func(k, v *yaml.Node) {
		i := t.Lookup(k.Value)
		if i < 0 {
			d.errorAt(k, "unknown column '%s' in table %s%s", k.Value, t.Name, suggest.DidYouMean(suggest.Name(k.Value, t.Names())))
			ok = false
			return
		}
		x, why := convert(v, t.Columns[i].Type, &d.budget)
		if why != "" {
			d.errorAt(yamlpos.Resolve(v), "%s: %s", k.Value, why)
			ok = false
			return
		}
		vals[i] = x
	})
	if !ok {
		return
	}
	for i, c := range b.Cols {
		c.Append(vals[i])
	}
	b.N++
}

// readData reads the rows of table t from the data file rel.
func (d *decoder) readData(t *schema.Table, rel string) (*value.Batch, error) {
	p, release, err := d.data.open(rel)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			msg := pe.Err.Error()
			if errors.Is(err, fs.ErrNotExist) {
				msg = "no such file"
			}
			return nil, fmt.Errorf("cannot read %s: %s", rel, msg)
		}
		return nil, err
	}
	defer release()
	b, err := readRows(t, p, d.cat)
	if err != nil {
		// Name the file as the test file does, not by a temporary copy.
		msg := strings.ReplaceAll(err.Error(), p, rel)
		return nil, fmt.Errorf("%s", msg)
	}
	return b, nil
}

// readRows reads every row of the file or folder at p as rows of table t,
// failing at the first malformed line or value that does not convert.
func readRows(t *schema.Table, p string, cat *schema.Catalog) (*value.Batch, error) {
	ds, err := source.Open(nil, map[string][]string{t.Name: {p}}, source.Options{Strict: true, Known: cat.Names()})
	if err != nil {
		return nil, err
	}
	cols := make([]int, len(t.Columns))
	types := make([]schema.Type, len(t.Columns))
	for i, c := range t.Columns {
		cols[i], types[i] = i, c.Type
	}
	sc, err := ds.Scan(t, cols)
	if err != nil {
		return nil, err
	}
	defer sc.Close()
	var bs []*value.Batch
	for {
		b, err := sc.Next(context.Background())
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		bs = append(bs, b)
	}
	return value.Concat(types, bs), nil
}

// expect decodes expect: none or a list of expected findings.
func (d *decoder) expect(n *yaml.Node) []*Expectation {
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!str" && n.Value == "none":
		return nil
	case n.Kind != yaml.SequenceNode:
		d.errorAt(n, "expect: expected none or a list of findings, got %s", describe(n))
		return nil
	}
	out := make([]*Expectation, 0, len(n.Content))
	for _, item := range n.Content {
		item = yamlpos.Resolve(item)
		if item.Kind != yaml.MappingNode {
			d.errorAt(item, "expect: expected a finding (a mapping from output columns to values), got %s", describe(item))
			continue
		}
		e := &Expectation{Line: item.Line, Col: item.Column}
		d.each(item, func(k, v *yaml.Node) {
			e.Cols = append(e.Cols, ExpectedColumn{Name: k.Value, Line: k.Line, Col: k.Column, node: v})
		})
		out = append(out, e)
	}
	return out
}
