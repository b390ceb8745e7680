package schema

import (
	"sort"
	"strings"
)

// Column is a named, typed column of a table or of a query result.
type Column struct {
	Name string
	Type Type
	// Doc is a one-line description, empty when none is known.
	Doc string
}

// Table is the schema of a table: its name and ordered columns. A Table is
// immutable once built and safe for concurrent use.
type Table struct {
	Name    string
	Columns []Column
	// Doc is a one-line description of the table.
	Doc   string
	index map[string]int
}

// NewTable returns a table with the given columns. Column names must be
// unique; a later duplicate is dropped.
func NewTable(name string, cols []Column) *Table {
	t := &Table{Name: name, index: make(map[string]int, len(cols))}
	for _, c := range cols {
		if _, dup := t.index[c.Name]; dup {
			continue
		}
		t.index[c.Name] = len(t.Columns)
		t.Columns = append(t.Columns, c)
	}
	return t
}

// Lookup returns the index of the column named name (case-sensitive, as
// KQL column names are), or -1.
func (t *Table) Lookup(name string) int {
	if i, ok := t.index[name]; ok {
		return i
	}
	return -1
}

// LookupFold returns the index of the column whose name equals name
// case-insensitively, preferring an exact match, or -1. Readers use it to
// match keys of exported data, whose case is not guaranteed.
func (t *Table) LookupFold(name string) int {
	if i := t.Lookup(name); i >= 0 {
		return i
	}
	for i, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return i
		}
	}
	return -1
}

// Names returns the column names in order.
func (t *Table) Names() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// Catalog is a set of tables, looked up by exact (case-sensitive) name.
// A Catalog is safe for concurrent reads once built.
type Catalog struct {
	tables map[string]*Table
	// funcs are the workspace functions the catalog declares (see Func).
	funcs map[string]*Func
}

// NewCatalog returns a catalog holding tables. A later table with the same
// name replaces an earlier one.
func NewCatalog(tables ...*Table) *Catalog {
	c := &Catalog{tables: make(map[string]*Table, len(tables)), funcs: map[string]*Func{}}
	for _, t := range tables {
		c.tables[t.Name] = t
	}
	return c
}

// Table returns the table named name, or nil.
func (c *Catalog) Table(name string) *Table {
	if c == nil {
		return nil
	}
	return c.tables[name]
}

// With returns a new catalog holding c's tables and functions and the
// given tables, which replace tables of the same name.
func (c *Catalog) With(tables ...*Table) *Catalog {
	n := &Catalog{tables: make(map[string]*Table, len(c.tables)+len(tables)), funcs: make(map[string]*Func, len(c.funcs))}
	for k, v := range c.tables {
		n.tables[k] = v
	}
	for k, v := range c.funcs {
		n.funcs[k] = v
	}
	for _, t := range tables {
		n.tables[t.Name] = t
	}
	return n
}

// Names returns the table names, sorted.
func (c *Catalog) Names() []string {
	names := make([]string, 0, len(c.tables))
	for n := range c.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
