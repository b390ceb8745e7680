package rules

import (
	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/diag/yamlpos"
	"github.com/kqlhunt/kqlhunt/internal/schema"

	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LoadFile reads the rule file at path and decodes it with Parse. An error
// reading the file is returned as it is (an *fs.PathError); every other
// error is an ErrorList.
func LoadFile(path string) (*Rule, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// Parse decodes the rule in src; file names it in the rule and in messages.
//
// A YAML syntax error gives a nil rule and an ErrorList with one error. A
// well-formed file whose fields are wrong (a missing query, a list where a
// string belongs, an unknown severity) gives the rule as far as it decoded
// and an ErrorList with one error per problem, sorted by position. Keys that
// Rule has no field for go to Extra.
//
// Parse is strict: it repairs nothing. ParseBytes and LoadAll repair the
// indentation defect of some catalogs, with a warning.
func Parse(file string, src []byte) (r *Rule, err error) {
	r, _, err = parseYAMLRule(file, src, false)
	return r, err
}

// maxRepairs bounds the repairs made to one file.
const maxRepairs = 20

// parseYAMLRule is Parse, and with repair set it mends the indentation
// defect that repairIndent describes, as often as the file has it,
// returning a warning for each repair. Positions in the rule and in every
// message are those of src as given.
func parseYAMLRule(file string, src []byte, repair bool) (r *Rule, warns ErrorList, err error) {
	defer func() {
		// yaml.v3 turns its own failures into errors, but a bug in it or
		// here must not take the caller down.
		if p := recover(); p != nil {
			r, err = nil, ErrorList{diag.NewFile(file, nil).Errorf(0, 0, "internal error decoding the rule: %v", p)}
		}
	}()
	raw := src
	shift := map[int]int{}
	df := diag.NewFile(file, raw)
	for {
		d := &decoder{file: file, src: src, starts: diag.LineStarts(src), raw: raw, shift: shift, df: df}
		docs, yerr := yamlpos.Decode(src)
		if yerr != nil {
			e := yamlpos.SyntaxError(diag.NewFile(d.file, d.src), yerr)
			if repair && len(warns) < maxRepairs {
				if fixed, w := d.repairIndent(e); fixed != nil {
					src = fixed
					warns = append(warns, w)
					continue
				}
			}
			d.place(&e)
			return nil, warns, ErrorList{e}
		}
		switch {
		case len(docs) == 0:
			d.errorAt(pos{}, "empty file, expected a rule mapping")
			return nil, warns, d.errs
		case len(docs) > 1:
			d.errorAt(nodePos(docs[1]), "expected one YAML document, got %d", len(docs))
		}
		r = d.rule(docs[0])
		if len(warns) > 0 {
			r.raw, r.shift = raw, shift
		}
		d.errs = d.errs.Sort(nil)
		return r, warns, d.errs.Err()
	}
}

// Load loads the YAML rules in paths, strictly (see Parse). A path may be a
// file, loaded whatever its name, or a directory, searched recursively for
// files named *.yaml or *.yml (in any case), but not the rule tests named
// *.test.yaml or *.test.yml, below directories whose names do not start
// with a dot. Files are loaded in the order of their sorted paths, each
// once. LoadAll loads Markdown and .kql files too, and repairs what it can.
//
// A file that does not load gives an error, and loading goes on with the
// next. Only rules that loaded without error are returned. A rule whose id
// (compared case-insensitively) was already loaded from an earlier file is
// an error, and the later rule is left out.
func Load(paths []string) ([]*Rule, []error) {
	files, _, errs := findFiles(paths, func(p string) bool {
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml":
			return !isTestFile(p) && !schema.IsSchemaFile(p)
		}
		return false
	})
	var rules []*Rule
	byID := map[string]*Rule{}
	for _, f := range files {
		r, err := LoadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		id := strings.ToLower(r.ID)
		if first, dup := byID[id]; dup {
			line, col, _ := r.KeyPosition("id")
			errs = append(errs, ErrorList{r.diagFile().Errorf(line, col, "duplicate rule id %q, already used by %s", r.ID, first.File)})
			continue
		}
		byID[id] = r
		rules = append(rules, r)
	}
	return rules, errs
}

// decoder turns the YAML tree of one file into a Rule, collecting errors.
type decoder struct {
	file   string
	src    []byte // the text decoded: raw, or raw as repaired
	starts []int
	errs   ErrorList
	// raw is the file as read, and shift the spaces that repairs put at
	// the start of lines of src (see repairIndent).
	raw   []byte
	shift map[int]int
	// df is the file as read, which diagnostics point into.
	df *diag.File
	// dataTypes collects the tables of requiredDataConnectors.
	dataTypes []namedPos
}

// errorAt records an error at p, a position in d.src. yaml.v3 places some
// nodes (an empty document's null) at the end of the stream, past the last
// line; such positions are moved back to the last line.
func (d *decoder) errorAt(p pos, format string, args ...any) {
	if p.line > len(d.starts) {
		p = pos{len(d.starts), 1}
	}
	e := Error{Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)}
	d.place(&e)
	d.errs = append(d.errs, e)
}

// place turns e's position in d.src into one in the file as read, and
// points its excerpt at the file.
func (d *decoder) place(e *Error) {
	p := unshift(d.shift, pos{e.Line, e.Col})
	e.Line, e.Col = p.line, p.col
	e.File = d.df
}

// filePos turns a position in d.src into one in the file as read.
func (d *decoder) filePos(p pos) pos { return unshift(d.shift, p) }

func nodePos(n *yaml.Node) pos { return pos{n.Line, n.Column} }

// field decodes the value of one top-level key into r. key is the key
// node, for messages.
type field func(d *decoder, r *Rule, key, val *yaml.Node)

// fields holds the top-level keys that Rule has a field for.
var fields = map[string]field{
	"id":          func(d *decoder, r *Rule, k, v *yaml.Node) { r.ID = d.nonEmpty(k, v, d.text(k, v, true)) },
	"name":        func(d *decoder, r *Rule, k, v *yaml.Node) { r.Name = d.nonEmpty(k, v, d.str(k, v)) },
	"description": func(d *decoder, r *Rule, k, v *yaml.Node) { r.Description = d.str(k, v) },
	"severity": func(d *decoder, r *Rule, k, v *yaml.Node) {
		s := d.str(k, v)
		if s == "" {
			return
		}
		if r.Severity, _ = normalize(severities, s); r.Severity == "" {
			d.errorAt(nodePos(k), "unknown severity %q, expected Informational, Low, Medium or High", s)
		}
	},
	"requiredDataConnectors": func(d *decoder, r *Rule, k, v *yaml.Node) {
		r.RequiredDataConnectors = decodeList(d, k, v, d.dataConnector)
	},
	"queryFrequency": func(d *decoder, r *Rule, k, v *yaml.Node) { r.QueryFrequency = d.text(k, v, false) },
	"queryPeriod":    func(d *decoder, r *Rule, k, v *yaml.Node) { r.QueryPeriod = d.text(k, v, false) },
	"triggerOperator": func(d *decoder, r *Rule, k, v *yaml.Node) {
		s := d.str(k, v)
		if s == "" {
			return
		}
		if r.TriggerOperator, _ = normalize(triggerOperators, s); r.TriggerOperator == "" {
			d.errorAt(nodePos(k), "unknown trigger operator %q, expected gt, lt, eq or ne", s)
		}
	},
	"triggerThreshold": func(d *decoder, r *Rule, k, v *yaml.Node) {
		v = yamlpos.Resolve(v)
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			return
		}
		if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&r.TriggerThreshold) != nil {
			d.errorAt(nodePos(k), "%s: expected an integer, got %s", k.Value, yamlpos.Describe(v))
		}
	},
	"tactics":            func(d *decoder, r *Rule, k, v *yaml.Node) { r.Tactics = d.strList(k, v) },
	"relevantTechniques": func(d *decoder, r *Rule, k, v *yaml.Node) { r.RelevantTechniques = d.strList(k, v) },
	"query": func(d *decoder, r *Rule, k, v *yaml.Node) {
		if r.Query = d.nonEmpty(k, v, d.str(k, v)); r.Query == "" {
			return
		}
		r.query = yamlpos.Scalar(d.src, d.starts, v, k.Column-1)
	},
	"entityMappings": func(d *decoder, r *Rule, k, v *yaml.Node) {
		r.EntityMappings = decodeList(d, k, v, d.entityMapping)
	},
	"version": func(d *decoder, r *Rule, k, v *yaml.Node) { r.Version = d.text(k, v, true) },
	"kind":    func(d *decoder, r *Rule, k, v *yaml.Node) { r.Kind = d.str(k, v) },
}

// required lists the keys a rule must have, in the order they are reported.
var required = []string{"id", "name", "query"}

// rule decodes a document node.
func (d *decoder) rule(doc *yaml.Node) *Rule {
	r := &Rule{File: d.file, Format: YAML, src: d.src, starts: d.starts, keys: map[string]pos{}}
	defer func() { r.dataTypes = d.dataTypes }()
	top := doc
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = top.Content[0]
	}
	top = yamlpos.Resolve(top)
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		d.errorAt(pos{}, "empty document, expected a rule mapping")
		return r
	}
	if top.Kind != yaml.MappingNode {
		d.errorAt(nodePos(top), "expected a mapping of rule fields, got %s", yamlpos.Describe(top))
		return r
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorAt(nodePos(k), "expected a key, got %s", yamlpos.Describe(k))
			continue
		}
		if p, dup := r.keys[k.Value]; dup {
			d.errorAt(nodePos(k), "duplicate key %q, first given at line %d", k.Value, p.line)
			continue
		}
		r.keys[k.Value] = d.filePos(nodePos(k))
		if f := fields[k.Value]; f != nil {
			f(d, r, k, v)
			continue
		}
		var x any
		if err := v.Decode(&x); err != nil {
			x = v.Value
		}
		if r.Extra == nil {
			r.Extra = map[string]any{}
		}
		r.Extra[k.Value] = x
	}
	for _, name := range required {
		if _, ok := r.keys[name]; !ok {
			d.errorAt(nodePos(top), "missing required key %q", name)
		}
	}
	return r
}

// decodeList decodes v, the value of key k, as a list of items; null is an
// empty list. Items that item rejects are left out.
func decodeList[T any](d *decoder, k, v *yaml.Node, item func(k, n *yaml.Node) (T, bool)) []T {
	v = yamlpos.Resolve(v)
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
	case v.Kind == yaml.SequenceNode:
		var out []T
		for _, n := range v.Content {
			if x, ok := item(k, n); ok {
				out = append(out, x)
			}
		}
		return out
	default:
		d.errorAt(nodePos(k), "%s: expected a list, got %s", k.Value, yamlpos.Describe(v))
	}
	return nil
}

// mapping calls each for every key and value of n, an item of the list
// under key k. It reports whether n is a mapping.
func (d *decoder) mapping(k, n *yaml.Node, each func(key, val *yaml.Node)) bool {
	n = yamlpos.Resolve(n)
	if n.Kind != yaml.MappingNode {
		d.errorAt(nodePos(n), "%s: expected a mapping, got %s", k.Value, yamlpos.Describe(n))
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		each(n.Content[i], n.Content[i+1])
	}
	return true
}

// dataConnector decodes an item of requiredDataConnectors; other keys than
// connectorId and dataTypes are ignored, here and in the entity mappings.
func (d *decoder) dataConnector(k, n *yaml.Node) (c DataConnector, ok bool) {
	ok = d.mapping(k, n, func(key, val *yaml.Node) {
		switch key.Value {
		case "connectorId":
			c.ConnectorID = d.str(key, val)
		case "dataTypes":
			c.DataTypes = d.strList(key, val)
			d.dataTypes = append(d.dataTypes, d.names(val)...)
		}
	})
	return c, ok
}

// entityMapping decodes an item of entityMappings.
func (d *decoder) entityMapping(k, n *yaml.Node) (m EntityMapping, ok bool) {
	ok = d.mapping(k, n, func(key, val *yaml.Node) {
		switch key.Value {
		case "entityType":
			m.EntityType = d.str(key, val)
		case "fieldMappings":
			m.FieldMappings = decodeList(d, key, val, d.fieldMapping)
		}
	})
	return m, ok
}

// fieldMapping decodes an item of fieldMappings.
func (d *decoder) fieldMapping(k, n *yaml.Node) (f FieldMapping, ok bool) {
	ok = d.mapping(k, n, func(key, val *yaml.Node) {
		switch key.Value {
		case "identifier":
			f.Identifier = d.str(key, val)
		case "columnName":
			f.ColumnName = d.str(key, val)
		}
	})
	return f, ok
}

// str returns the string value of key k; null is "". Anything but a string
// is an error.
func (d *decoder) str(k, v *yaml.Node) string {
	if s, ok := yamlpos.StringValue(v); ok {
		return s
	}
	if v = yamlpos.Resolve(v); v.Kind == yaml.ScalarNode {
		d.errorAt(nodePos(k), "%s: expected a string, got %s (quote it to make it a string)", k.Value, yamlpos.Describe(v))
	} else {
		d.errorAt(nodePos(k), "%s: expected a string, got %s", k.Value, yamlpos.Describe(v))
	}
	return ""
}

// nonEmpty returns s, the decoded value of key k, after reporting it when
// it is blank. A value of the wrong type has already been reported.
func (d *decoder) nonEmpty(k, v *yaml.Node, s string) string {
	if strings.TrimSpace(s) == "" {
		if _, ok := yamlpos.StringValue(v); ok {
			d.errorAt(nodePos(k), "%s is empty", k.Value)
		}
		return ""
	}
	return s
}

// text is str for fields where a number is plausible (id: 12345,
// version: 1.0): with anyScalar, any scalar gives its text as written.
func (d *decoder) text(k, v *yaml.Node, anyScalar bool) string {
	if r := yamlpos.Resolve(v); anyScalar && r.Kind == yaml.ScalarNode && r.Tag != "!!null" {
		return r.Value
	}
	return d.str(k, v)
}

// strList decodes a list of strings or one comma-separated string. Entries
// are trimmed; empty ones are dropped.
func (d *decoder) strList(k, v *yaml.Node) []string {
	v = yamlpos.Resolve(v)
	var out []string
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
	case v.Kind == yaml.ScalarNode && v.Tag == "!!str":
		for _, s := range strings.Split(v.Value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	case v.Kind == yaml.SequenceNode:
		for _, item := range v.Content {
			item = yamlpos.Resolve(item)
			if item.Kind != yaml.ScalarNode || item.Tag != "!!str" {
				d.errorAt(nodePos(item), "%s: expected a string, got %s", k.Value, yamlpos.Describe(item))
				continue
			}
			if s := strings.TrimSpace(item.Value); s != "" {
				out = append(out, s)
			}
		}
	default:
		d.errorAt(nodePos(k), "%s: expected a list of strings or a comma-separated string, got %s", k.Value, yamlpos.Describe(v))
	}
	return out
}

// names returns the strings of a list of strings or of one comma-separated
// string, as strList decodes them, each with its position in the file (the
// string's own, or the comma-separated string's).
func (d *decoder) names(v *yaml.Node) []namedPos {
	v = yamlpos.Resolve(v)
	var out []namedPos
	add := func(n *yaml.Node, s string) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, namedPos{s, d.filePos(nodePos(n))})
		}
	}
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!str":
		for _, s := range strings.Split(v.Value, ",") {
			add(v, s)
		}
	case v.Kind == yaml.SequenceNode:
		for _, item := range v.Content {
			if item = yamlpos.Resolve(item); item.Kind == yaml.ScalarNode && item.Tag == "!!str" {
				add(item, item.Value)
			}
		}
	}
	return out
}
