package schema

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

// The Defender XDR catalog has one source of truth: the text files under
// defender/, one per product family, embedded in the binary and parsed once.
// Text rather than []Column literals because the catalog is some 2,000
// columns: a block per table reads like the docs page it was copied from,
// diffs line by line against a newer page, and needs no quoting of the
// descriptions. TestDefenderFiles parses every file and fails on any
// malformed line, so a bad edit cannot reach a build that passed its tests.
//
// The format, line by line:
//
//	# comment                       (blank lines are ignored too)
//	table  Name  one-line doc       a current advanced hunting table
//	legacy Name  one-line doc       a renamed or retired table
//	enrichment Name  one-line doc   the data of an enrichment function
//	                                (FileProfile), supplied by the user
//	  Column  type  one-line doc    a column, indented, in documented order
//
// Names are identifiers ([A-Za-z_][A-Za-z0-9_]*). A type is one of the KQL
// type names bool, int, long, real, decimal, string, datetime, timespan,
// guid or dynamic, spelled exactly so. Docs are optional free text.
//
// Current tables that lack any of the Sentinel common columns get them
// appended (see sentinelColumns); legacy and enrichment tables do not.

//go:embed defender/*.txt
var defenderFS embed.FS

// sentinelColumns are the columns that Microsoft Sentinel adds to every
// table it stores, including the Defender XDR tables it streams. A current
// table that documents one of them keeps its own position and type.
var sentinelColumns = []Column{
	{Name: "TimeGenerated", Type: Datetime, Doc: "Sentinel: date and time when the record was ingested"},
	{Name: "TenantId", Type: String, Doc: "Sentinel: identifier of the workspace's tenant"},
	{Name: "SourceSystem", Type: String, Doc: "Sentinel: type of agent the event was collected by"},
	{Name: "Type", Type: String, Doc: "Sentinel: name of the table"},
	{Name: "MachineGroup", Type: String, Doc: "Machine group of the device, used by role-based access control"},
}

// defenderTable is a table as declared in a defender/*.txt file.
type defenderTable struct {
	name   string
	doc    string
	legacy bool
	// enrichment marks the data of an enrichment function (FileProfile).
	enrichment bool
	cols       []Column
	pos        string // "file:line" of the table line
}

var defenderOnce = sync.OnceValues(func() (*Catalog, []defenderTable) {
	decls, err := parseDefenderFS(defenderFS)
	if err != nil {
		// The files are embedded and TestDefenderFiles parses them, so
		// this is reachable only by a build whose tests were not run.
		panic("schema: malformed Defender catalog: " + err.Error())
	}
	return buildDefender(decls), decls
})

// Defender returns the built-in catalog of Microsoft Defender XDR advanced
// hunting tables: every documented current table with its documented
// columns (plus the Sentinel common columns), and the legacy Microsoft
// Defender ATP and Microsoft Threat Protection table names that old public
// queries still use, with the columns documented at the time.
//
// The catalog is built on first use and shared: every call returns the same
// *Catalog, which is safe for concurrent use and must not be modified (use
// Catalog.With to extend it).
func Defender() *Catalog {
	c, _ := defenderOnce()
	return c
}

// DefenderTableNames returns the names of the tables in Defender, sorted.
// The caller owns the returned slice.
func DefenderTableNames() []string {
	return Defender().Names()
}

// buildDefender turns parsed declarations into a catalog, appending the
// Sentinel common columns to current tables that lack them.
func buildDefender(decls []defenderTable) *Catalog {
	tables := make([]*Table, 0, len(decls))
	for _, d := range decls {
		cols := d.cols
		if !d.legacy && !d.enrichment {
			cols = withSentinelColumns(cols)
		}
		t := NewTable(d.name, cols)
		t.Doc = d.doc
		tables = append(tables, t)
	}
	return NewCatalog(tables...)
}

// withSentinelColumns returns cols followed by those of sentinelColumns
// that cols does not name. It does not modify cols.
func withSentinelColumns(cols []Column) []Column {
	return withColumns(cols, sentinelColumns)
}

// withColumns returns cols followed by those of extra that cols does not
// name, in extra's order. It does not modify cols.
func withColumns(cols, extra []Column) []Column {
	have := make(map[string]bool, len(cols))
	for _, c := range cols {
		have[c.Name] = true
	}
	out := append([]Column(nil), cols...)
	for _, c := range extra {
		if !have[c.Name] {
			out = append(out, c)
		}
	}
	return out
}

// parseDefenderFS parses every *.txt file under defender/ in fsys, in name
// order, and checks that table names are unique across files. It returns
// all errors found, joined.
func parseDefenderFS(fsys fs.FS) ([]defenderTable, error) {
	return parseTablesFS(fsys, "defender")
}

// parseTablesFS parses every *.txt file in the folder dir of fsys, in name
// order, and checks that table names are unique across files. It returns
// all errors found, joined.
func parseTablesFS(fsys fs.FS, dir string) ([]defenderTable, error) {
	files, err := fs.Glob(fsys, dir+"/*.txt")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no %s/*.txt files", dir)
	}
	sort.Strings(files)
	var (
		all  []defenderTable
		errs []error
		seen = map[string]string{}
	)
	for _, name := range files {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		tables, err := parseDefenderFile(name, src)
		if err != nil {
			errs = append(errs, err)
		}
		for _, t := range tables {
			if prev, dup := seen[t.name]; dup {
				errs = append(errs, fmt.Errorf("%s: duplicate table %q, first declared at %s", t.pos, t.name, prev))
				continue
			}
			seen[t.name] = t.pos
			all = append(all, t)
		}
	}
	return all, errors.Join(errs...)
}

// parseDefenderFile parses one table file; name is used in messages, which
// read "name:LINE: message". It returns the tables that parsed and all
// errors found, joined.
func parseDefenderFile(name string, src []byte) ([]defenderTable, error) {
	var (
		tables []defenderTable
		errs   []error
		cur    *defenderTable
		seen   map[string]bool // column names of cur
	)
	errorf := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...)))
	}
	finish := func() {
		if cur == nil {
			return
		}
		if len(cur.cols) == 0 {
			errs = append(errs, fmt.Errorf("%s: table %q has no columns", cur.pos, cur.name))
		} else {
			tables = append(tables, *cur)
		}
		cur = nil
	}
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimLeft(text, " \t")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indented := len(trimmed) < len(text)
		word, rest := cutField(trimmed)
		if !indented {
			finish()
			var legacy, enrichment bool
			switch word {
			case "table":
			case "legacy":
				legacy = true
			case "enrichment":
				enrichment = true
			default:
				errorf(n, `expected "table", "legacy" or "enrichment" at the start of an unindented line, got %q`, word)
				continue
			}
			tname, doc := cutField(rest)
			if !IsIdent(tname) {
				errorf(n, "expected a table name, got %q", tname)
				continue
			}
			cur = &defenderTable{name: tname, doc: doc, legacy: legacy, enrichment: enrichment, pos: fmt.Sprintf("%s:%d", name, n)}
			seen = map[string]bool{}
			continue
		}
		if cur == nil {
			errorf(n, "column %q outside a table", word)
			continue
		}
		if !IsIdent(word) {
			errorf(n, "expected a column name, got %q", word)
			continue
		}
		tword, doc := cutField(rest)
		typ, ok := KeywordType(tword)
		if !ok || typ.String() != tword {
			errorf(n, "expected a KQL type name (bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic) for column %q, got %q", word, tword)
			continue
		}
		if seen[word] {
			errorf(n, "duplicate column %q in table %q", word, cur.name)
			continue
		}
		seen[word] = true
		cur.cols = append(cur.cols, Column{Name: word, Type: typ, Doc: doc})
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", name, err))
	}
	finish()
	return tables, errors.Join(errs...)
}

// cutField splits s at its first run of spaces or tabs, returning the first
// field and the rest with surrounding blanks removed.
func cutField(s string) (field, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.Trim(s[i:], " \t")
}

// IsIdent reports whether s is a plain name: a non-empty identifier of
// ASCII letters, digits and underscores that does not start with a digit.
// Such names need no brackets in a query.
func IsIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
