// Package exclude keeps the tuning of hunting rules apart from the rules:
// an exclusions file names, per rule or for every rule, rows that are
// known to be benign, so that a rule can be updated without losing them.
//
//	exclusions:
//	  - rule: f413b02c-92da-4243-82e6-b9bbe8e89a35   # a rule id, a list of ids, or "*"
//	    name: Scheduled maintenance via ScreenMeet
//	    filter: process.parent.name == "Task Scheduler" OR process.command_line contains "maintenance"
//	  - rule: "*"
//	    name: Patch jobs
//	    kql: InitiatingProcessParentFileName =~ "schtasks.exe"
//
// An entry says which rows to drop either with filter, in a small syntax of
// ECS field names (process.name, destination.port, ...; see Fields and
// docs/exclusions.md) that maps to each Defender table's own columns, or
// with kql, a KQL predicate over the columns of the rule's tables. The
// rows are dropped where the rule reads its tables, before any of its
// operators (kql.Exclusion), so that counts and sets leave them out.
//
// Load reads a file; Set.Bind turns the entries of one rule into
// kql.Exclusion values for the tables the rule reads, which is when a
// field the table lacks is found; Set.Evaluate runs a rule with its
// exclusions and warns when they suppress every match the rule has.
// Messages are diag.Diagnostic values, at the file's line and column, inside
// the filter or KQL text included; diag.FormatError prints them.
package exclude

import (
	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/diag/yamlpos"

	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/suggest"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Set is a loaded exclusions file. It is only read after loading, and is
// safe for concurrent use.
type Set struct {
	// File is the file's name, as messages show it.
	File string
	// Entries are the file's exclusions, in file order.
	Entries []*Entry
	f       *yamlpos.File
}

// Entry is one exclusion of a file.
type Entry struct {
	// Rules lists the ids of the rules the entry applies to; "*" applies
	// to every rule.
	Rules []string
	// Name identifies the entry in counts and messages.
	Name string
	// Filter is the entry's filter, in the field syntax, or "".
	Filter string
	// KQL is the entry's KQL predicate, or "".
	KQL string
	// Tables, when not empty, limits the entry to those tables of a rule.
	Tables []string
	// Description is free text about the entry.
	Description string
	// Line and Col locate the entry in the file.
	Line, Col int

	filter   expr
	kqlOK    bool                          // KQL parses
	pos      func(off int) (line, col int) // offsets of Filter or KQL to file positions
	nameLine int
	nameCol  int
}

// Load reads the exclusions file at path; see Parse.
func Load(path string, cat *schema.Catalog) (*Set, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src, cat)
}

// Parse decodes the exclusions file src, named file in messages, whose
// tables: keys name tables of cat. It checks what does not depend on the
// rules: the file's structure, the filter syntax and field names, regular
// expressions, and the syntax of kql predicates. The error, when not nil,
// is a diag.List with every problem, sorted by position, and the
// Set is nil.
func Parse(file string, src []byte, cat *schema.Catalog) (*Set, error) {
	f, err := yamlpos.Parse(file, src)
	if err != nil {
		return nil, err
	}
	d := &decoder{f: f, cat: cat}
	s := &Set{File: file, f: f}
	s.Entries = d.file(f.Root)
	d.duplicates(s.Entries)
	if len(d.errs) > 0 {
		return nil, d.errs.Sort(nil)
	}
	return s, nil
}

// For returns the entries that apply to the rule with id ruleID (compared
// case-insensitively), in file order. A nil Set has none.
func (s *Set) For(ruleID string) []*Entry {
	if s == nil {
		return nil
	}
	var out []*Entry
	for _, e := range s.Entries {
		if e.appliesTo(ruleID) {
			out = append(out, e)
		}
	}
	return out
}

func (e *Entry) appliesTo(ruleID string) bool {
	for _, r := range e.Rules {
		if r == "*" || strings.EqualFold(r, ruleID) {
			return true
		}
	}
	return false
}

// decoder turns the YAML tree of an exclusions file into entries,
// collecting errors.
type decoder struct {
	f    *yamlpos.File
	cat  *schema.Catalog
	errs diag.List
}

func (d *decoder) errorAt(line, col int, msg string) {
	d.errs = append(d.errs, d.f.Errorf(line, col, "%s", msg))
}

func (d *decoder) errorNode(n *yaml.Node, msg string) { d.errorAt(n.Line, n.Column, msg) }

// file decodes the top-level mapping.
func (d *decoder) file(root *yaml.Node) []*Entry {
	if root == nil || root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		d.errorAt(1, 1, errTopLevel("an empty file"))
		return nil
	}
	if root.Kind != yaml.MappingNode {
		d.errorNode(root, errTopLevel(yamlpos.Describe(root)))
		return nil
	}
	var entries []*Entry
	found := false
	d.keys(root, "the file", []string{"exclusions"}, func(k, v *yaml.Node) {
		found = true
		v = resolve(v)
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		case v.Kind == yaml.SequenceNode:
			for _, item := range v.Content {
				if e := d.entry(resolve(item)); e != nil {
					entries = append(entries, e)
				}
			}
		default:
			d.errorNode(k, "exclusions: expected a list, got "+yamlpos.Describe(v))
		}
	})
	if !found {
		d.errorNode(root, errMissing("exclusions"))
	}
	return entries
}

// keys calls each for the keys and values of mapping n, reporting
// duplicate keys and keys not in known.
func (d *decoder) keys(n *yaml.Node, where string, known []string, each func(k, v *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorNode(k, errExpected("a key", yamlpos.Describe(k)))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.errorNode(k, errDuplicateKey(k.Value, line))
			continue
		}
		seen[k.Value] = k.Line
		if !slices.Contains(known, k.Value) {
			d.errorNode(k, errUnknownKey(k.Value, where, known))
			continue
		}
		each(k, v)
	}
}

// entryKeys are the keys of an exclusion.
var entryKeys = []string{"rule", "name", "filter", "kql", "tables", "description"}

// entry decodes an item of the exclusions list; nil when it is not a
// mapping.
func (d *decoder) entry(n *yaml.Node) *Entry {
	if n.Kind != yaml.MappingNode {
		d.errorNode(n, "exclusions: expected a mapping, got "+yamlpos.Describe(n))
		return nil
	}
	e := &Entry{Line: n.Line, Col: n.Column}
	given := map[string]*yaml.Node{}
	var predKey, predVal *yaml.Node
	d.keys(n, "an exclusion", entryKeys, func(k, v *yaml.Node) {
		given[k.Value] = k
		switch k.Value {
		case "rule":
			e.Rules, _ = d.strings(k, v, true)
		case "name":
			e.Name = d.nonEmpty(k, v)
			e.nameLine, e.nameCol = v.Line, v.Column
		case "filter":
			e.Filter = d.nonEmpty(k, v)
			predKey, predVal = k, v
		case "kql":
			e.KQL = d.nonEmpty(k, v)
			predKey, predVal = k, v
		case "tables":
			var nodes []*yaml.Node
			e.Tables, nodes = d.strings(k, v, false)
			for i, t := range e.Tables {
				if d.cat != nil && d.cat.Table(t) == nil {
					d.errorNode(nodes[i], errUnknownTable(t, suggest.Name(t, d.cat.Names())))
				}
			}
		case "description":
			e.Description = d.str(k, v)
		}
	})
	for _, key := range []string{"rule", "name"} {
		if given[key] == nil {
			d.errorNode(n, errMissing(key))
		}
	}
	switch {
	case given["filter"] != nil && given["kql"] != nil:
		d.errorNode(given["kql"], errFilterAndKQL())
	case given["filter"] == nil && given["kql"] == nil:
		d.errorNode(n, errNoPredicate())
	case e.Filter != "":
		e.pos = d.f.ScalarPosition(predKey, predVal)
		d.parseFilter(e)
	case e.KQL != "":
		e.pos = d.f.ScalarPosition(predKey, predVal)
		d.parseKQL(e)
	}
	return e
}

// errorIn records an error at offset off of e's filter or KQL text.
func (d *decoder) errorIn(e *Entry, off int, msg string) {
	line, col := e.pos(off)
	d.errorAt(line, col, msg)
}

// parseFilter parses e.Filter and checks its field names and regular
// expressions.
func (d *decoder) parseFilter(e *Entry) {
	x, err := parseFilter(e.Filter)
	if err != nil {
		d.errorIn(e, err.at, err.msg)
		return
	}
	ok := true
	walk(x, func(c *compare) {
		if fieldsByName[c.field] == nil {
			ok = false
			d.errorIn(e, c.at, errUnknownField(e.Filter[c.at:c.end], suggest.Name(c.field, fieldNames())))
		}
		if c.op != "matches" {
			return
		}
		v := &c.vals[0]
		if v.kind != litString {
			return // reported when bound
		}
		re, rerr := regexp.Compile("(?i)" + v.text)
		if rerr != nil {
			ok = false
			d.errorIn(e, v.at, errRegex(rerr))
			return
		}
		v.re = re
	})
	if ok {
		e.filter = x
	}
}

// parseKQL parses e.KQL; its names and types are checked when bound to a
// rule's tables.
func (d *decoder) parseKQL(e *Entry) {
	err := kql.ParseExpr(e.KQL)
	if err == nil {
		e.kqlOK = true
		return
	}
	for _, dg := range compileErrors(err) {
		d.errorIn(e, dg.Span.Start, dg.Msg)
	}
}

// duplicates reports entries that share a name and a rule ("*" shares
// every rule), whose counts could not be told apart.
func (d *decoder) duplicates(entries []*Entry) {
	for i, e := range entries {
		for _, prev := range entries[:i] {
			if e.Name != "" && e.Name == prev.Name && overlap(e.Rules, prev.Rules) {
				d.errorAt(e.nameLine, e.nameCol, errDuplicateName(e.Name, prev.nameLine))
				break
			}
		}
	}
}

// overlap reports whether two rule lists share a rule.
func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == "*" || y == "*" || strings.EqualFold(x, y) {
				return true
			}
		}
	}
	return false
}

// str returns the string value of key k; null is "".
func (d *decoder) str(k, v *yaml.Node) string {
	s, ok := yamlpos.StringValue(v)
	if !ok {
		d.errorNode(k, errExpectedString(k.Value, yamlpos.Describe(v)))
	}
	return s
}

// nonEmpty is str for keys whose value must not be blank.
func (d *decoder) nonEmpty(k, v *yaml.Node) string {
	s := d.str(k, v)
	if strings.TrimSpace(s) == "" {
		if _, ok := yamlpos.StringValue(v); ok {
			d.errorNode(k, errEmptyValue(k.Value))
		}
		return ""
	}
	return s
}

// strings decodes a string or a list of strings, each trimmed and not
// empty, and returns the nodes they come from. With anyScalar, numbers
// and other scalars give their text (rule ids may be numbers).
func (d *decoder) strings(k, v *yaml.Node, anyScalar bool) ([]string, []*yaml.Node) {
	v = resolve(v)
	var items []*yaml.Node
	switch v.Kind {
	case yaml.ScalarNode:
		items = []*yaml.Node{v}
	case yaml.SequenceNode:
		items = v.Content
	default:
		d.errorNode(k, errExpectedList(k.Value, yamlpos.Describe(v)))
		return nil, nil
	}
	var out []string
	var nodes []*yaml.Node
	for _, it := range items {
		it = resolve(it)
		if it.Kind != yaml.ScalarNode || it.Tag == "!!null" || (!anyScalar && it.Tag != "!!str") {
			d.errorNode(it, errExpectedList(k.Value, yamlpos.Describe(it)))
			continue
		}
		s := strings.TrimSpace(it.Value)
		if s == "" {
			d.errorNode(it, errEmptyValue(k.Value))
			continue
		}
		out = append(out, s)
		nodes = append(nodes, it)
	}
	if len(out) == 0 && len(items) == 0 {
		d.errorNode(k, errEmptyValue(k.Value))
	}
	return out, nodes
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}
