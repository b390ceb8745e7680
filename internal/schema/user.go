package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/diag/yamlpos"
)

// A user schema file declares tables the built-in catalog lacks (custom
// log tables, *_CL), columns that known tables lack, and a workspace's
// saved functions (see userfuncs.go). It is YAML, or JSON (which YAML
// reads), with the keys tables and functions, one at least; tables maps
// each table name to its columns in order, each column name to a KQL type
// name:
//
//	tables:
//	  MyApp_CL:                   # a new table
//	    TimeGenerated: datetime
//	    Computer: string
//	    Level: int
//	  DeviceProcessEvents:        # a known table: columns appended
//	    CustomTag: string
//
// Names are identifiers ([A-Za-z_][A-Za-z0-9_]*); types are those ParseType
// knows (string, long, datetime, dynamic, ... and their synonyms). A column
// a table already has may be declared again with the same type; with
// another type it is an error. Every error is a diag.Diagnostic at the
// file's line and column.

// SchemaFileNames are the names of the schema file that a folder of rules
// may hold beside its rules: it declares the tables those rules read, and
// is not a rule.
var SchemaFileNames = []string{"kqlhunt-schema.yaml", "kqlhunt-schema.yml", "kqlhunt-schema.json"}

// IsSchemaFile reports whether path names a rule folder's schema file
// (SchemaFileNames, in any case).
func IsSchemaFile(path string) bool {
	base := strings.ToLower(filepath.Base(path))
	for _, n := range SchemaFileNames {
		if base == n {
			return true
		}
	}
	return false
}

// UserSchema is the tables and functions a schema file declares. It is
// immutable once parsed.
type UserSchema struct {
	file   *diag.File
	tables []userTable
	funcs  []*Func
}

// userTable is a table of a schema file, with the positions of its parts.
type userTable struct {
	name      string
	line, col int
	cols      []userColumn
}

type userColumn struct {
	Column
	line, col int
}

// ParseUserSchema parses the schema file name, whose content is src. The
// error is a diag.List of every problem found, at the file's positions.
// A file that declares functions is refused: see ParseUserSchemaWith.
func ParseUserSchema(name string, src []byte) (*UserSchema, error) {
	return ParseUserSchemaWith(name, src, ParseOptions{})
}

// ReadFunc reads the file that a function's `file:` key names, rel as
// written in the schema file. It returns the name to show in messages
// and the content.
type ReadFunc func(rel string) (name string, src []byte, err error)

// ParseOptions are how ParseUserSchemaWith reads functions.
type ParseOptions struct {
	// Parse parses the functions; without it, a functions section is an
	// error.
	Parse FuncParser
	// Read reads the files that functions name; without it, they are
	// read relative to the schema file's folder.
	Read ReadFunc
}

// ParseUserSchemaWith is ParseUserSchema with the functions section
// read as opts say.
func ParseUserSchemaWith(name string, src []byte, opts ParseOptions) (*UserSchema, error) {
	if opts.Read == nil {
		dir := filepath.Dir(name)
		opts.Read = func(rel string) (string, []byte, error) {
			p := rel
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, filepath.FromSlash(rel))
			}
			b, err := os.ReadFile(p)
			return p, b, err
		}
	}
	yf, err := yamlpos.Parse(name, src)
	if err != nil {
		return nil, err // a diag.List with the syntax error at its position
	}
	f := yf.File
	u := &UserSchema{file: f}
	var errs diag.List
	root := yf.Root
	if root == nil {
		return nil, diag.List{f.Errorf(0, 0, "empty schema file: expected a mapping with a 'tables' or 'functions' key")}
	}
	if root.Kind != yaml.MappingNode {
		return nil, diag.List{f.Errorf(root.Line, root.Column, "expected a mapping with a 'tables' or 'functions' key, got %s", kindOf(root))}
	}
	var tables, funcs *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], yamlpos.Resolve(root.Content[i+1])
		switch k.Value {
		case "tables":
			tables = v
		case "functions":
			funcs = v
		default:
			errs = append(errs, f.Errorf(k.Line, k.Column, "unknown key '%s' in a schema file; expected 'tables' or 'functions'", k.Value))
		}
	}
	if tables == nil && funcs == nil {
		errs = append(errs, f.Errorf(root.Line, root.Column, "missing key 'tables' or 'functions'"))
		return nil, errs
	}
	if funcs != nil {
		errs = append(errs, u.parseFuncs(yf, funcs, opts)...)
	}
	if tables == nil {
		if len(errs) > 0 {
			return nil, errs
		}
		return u, nil
	}
	if tables.Kind != yaml.MappingNode {
		errs = append(errs, f.Errorf(tables.Line, tables.Column, "expected a mapping of table names to columns, got %s", kindOf(tables)))
		return nil, errs
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(tables.Content); i += 2 {
		k, v := tables.Content[i], yamlpos.Resolve(tables.Content[i+1])
		if !IsIdent(k.Value) {
			errs = append(errs, f.Errorf(k.Line, k.Column, "expected a table name, got %q", k.Value))
			continue
		}
		if seen[k.Value] {
			errs = append(errs, f.Errorf(k.Line, k.Column, "table '%s' is declared twice", k.Value))
			continue
		}
		seen[k.Value] = true
		t := userTable{name: k.Value, line: k.Line, col: k.Column}
		if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
			errs = append(errs, f.Errorf(v.Line, v.Column, "expected the columns of table '%s', a mapping of column names to types, got %s", k.Value, kindOf(v)))
			continue
		}
		cols := map[string]bool{}
		for j := 0; j+1 < len(v.Content); j += 2 {
			ck, cv := v.Content[j], yamlpos.Resolve(v.Content[j+1])
			switch {
			case !IsIdent(ck.Value):
				errs = append(errs, f.Errorf(ck.Line, ck.Column, "expected a column name, got %q", ck.Value))
				continue
			case cols[ck.Value]:
				errs = append(errs, f.Errorf(ck.Line, ck.Column, "column '%s' of table '%s' is declared twice", ck.Value, k.Value))
				continue
			case cv.Kind != yaml.ScalarNode:
				errs = append(errs, f.Errorf(cv.Line, cv.Column, "expected the type of column '%s', got %s", ck.Value, kindOf(cv)))
				continue
			}
			typ, ok := ParseType(cv.Value)
			if !ok {
				errs = append(errs, f.Errorf(cv.Line, cv.Column, "unknown type %q for column '%s'; expected bool, int, long, real, decimal, string, datetime, timespan, guid or dynamic", cv.Value, ck.Value))
				continue
			}
			cols[ck.Value] = true
			t.cols = append(t.cols, userColumn{Column: Column{Name: ck.Value, Type: typ, Doc: "declared in " + name}, line: ck.Line, col: ck.Column})
		}
		u.tables = append(u.tables, t)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return u, nil
}

// kindOf names what a YAML node holds, for messages.
func kindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

// Funcs returns the names of the functions u declares, in file order.
func (u *UserSchema) Funcs() []string {
	names := make([]string, len(u.funcs))
	for i, f := range u.funcs {
		names[i] = f.Name
	}
	return names
}

// Tables returns the names of the tables u declares, in file order.
func (u *UserSchema) Tables() []string {
	names := make([]string, len(u.tables))
	for i, t := range u.tables {
		names[i] = t.name
	}
	return names
}

// Extend returns base with u's declarations: new tables added, the new
// columns of known tables appended to them, and u's functions, which
// replace functions of the same name. base is not modified. A column
// that a table has with another type is an error (a diag.List) at the
// column's position in the file.
func (u *UserSchema) Extend(base *Catalog) (*Catalog, error) {
	var errs diag.List
	var out []*Table
	for _, ut := range u.tables {
		var cols []Column
		var doc string
		old := base.Table(ut.name)
		if old != nil {
			cols = append(cols, old.Columns...)
			doc = old.Doc
		} else {
			doc = "declared in " + u.file.Name
		}
		for _, c := range ut.cols {
			if old != nil {
				if i := old.Lookup(c.Name); i >= 0 {
					if have := old.Columns[i].Type; have != c.Type {
						errs = append(errs, u.file.Errorf(c.line, c.col, "column '%s' of table '%s' is %s, not %s", c.Name, ut.name, have, c.Type))
					}
					continue
				}
			}
			cols = append(cols, c.Column)
		}
		t := NewTable(ut.name, cols)
		t.Doc = doc
		out = append(out, t)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return base.With(out...).WithFuncs(u.funcs...), nil
}
