package kqltest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

// SQLRunner runs one ClickHouse SQL statement and returns its output in
// the given ClickHouse output format. chdb.Conn is one.
type SQLRunner interface {
	Query(sql, format string) ([]byte, error)
}

// ClickHouseStats counts the evals of the scripts that ran on ClickHouse.
type ClickHouseStats struct {
	// Identical counts the evals whose query translated and whose rows
	// ClickHouse returned exactly as expected.
	Identical int
	// InPart counts the evals whose query did not translate whole, ran
	// split (its parts that read a table on ClickHouse, the rest in the
	// embedded engine over their rows) and gave exactly the expected rows.
	InPart int
	// Local counts the evals among InPart whose query reads no table, so
	// that no part of it ran on ClickHouse (datatable, print, range).
	Local int
	// Refused lists the evals that did not run on ClickHouse at all, one
	// line each: "path:line: reason".
	Refused []string
	// Skipped counts the evals that expect a compile or run error: they
	// test the front end or the embedded engine's run-time checks, not
	// the SQL.
	Skipped int
}

// RunClickHouse runs the script at path on ClickHouse through db: it
// creates the loaded tables with the storage mapping of kql.SQLColumnType,
// inserts the datatable rows, and runs the SQL of every eval whose query
// translates, comparing the rows as Run does (a difference fails t).
// The evals whose query does not translate are added to st.Refused.
func RunClickHouse(t *testing.T, path string, db SQLRunner, st *ClickHouseStats) {
	t.Helper()
	RunClickHouseVersion(t, path, db, "", st)
}

// RunClickHouseVersion is RunClickHouse on a server of the given version
// (SELECT version()): the SQL uses the forms that version has.
func RunClickHouseVersion(t *testing.T, path string, db SQLRunner, version string, st *ClickHouseStats) {
	t.Helper()
	cmds, err := Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	cat := schema.Defender()
	created := map[string]*schema.Table{}
	rows := map[string]*int{} // rows inserted so far, by table
	defer func() {
		for name := range created {
			if _, err := db.Query("DROP TABLE IF EXISTS "+kql.SQLIdent(name), "TSV"); err != nil {
				t.Errorf("%s: dropping %s: %v", path, name, err)
			}
		}
	}()
	hasExternal := false
	for _, c := range cmds {
		switch c.Kind {
		case "external":
			hasExternal = true
		case "load":
			tbl, batches, err := load(cat, c)
			if err != nil {
				t.Errorf("%s:%d: load %s: %v", path, c.Line, c.Table, err)
				continue
			}
			target := schema.Defender().Table(c.Table)
			if target == nil {
				target = tbl
				cat = cat.With(tbl)
			}
			if created[c.Table] == nil {
				if err := createTable(db, target); err != nil {
					t.Fatalf("%s:%d: %v", path, c.Line, err)
				}
				created[c.Table] = target
			}
			if rows[c.Table] == nil {
				rows[c.Table] = new(int)
			}
			if err := insertRows(db, target, tbl, batches, rows[c.Table]); err != nil {
				t.Fatalf("%s:%d: %v", path, c.Line, err)
			}
		case "eval":
			if c.WantError != "" || c.WantRun != "" {
				st.Skipped++
				continue
			}
			now, err := kql.ParseNow(c.Now)
			if err != nil {
				t.Errorf("%s:%d: %v", path, c.Line, err)
				continue
			}
			q, err := kql.Compile(c.Query, cat, kql.Options{})
			if err != nil {
				t.Errorf("%s:%d: %v", path, c.Line, err)
				continue
			}
			sql, err := q.SQLWith(kql.SQLOptions{Now: now, Version: version})
			if err == nil && hasExternal {
				err = errors.New("externaldata is not loaded into ClickHouse")
			}
			var nt *kql.NotTranslatedError
			if err != nil && !hasExternal && errors.As(err, &nt) {
				res, selects, err := runSplit(db, q, now, version, func(name string) bool { return created[name] != nil })
				if err != nil {
					st.Refused = append(st.Refused, fmt.Sprintf("%s:%d: split: %s", path, c.Line, strings.TrimPrefix(err.Error(), "sql: ")))
					continue
				}
				if compareSQL(t, path, c, renderChart(res, c.Ordered), "(split) not translated whole: "+nt.Error()) {
					st.InPart++
					if selects == 0 {
						st.Local++
					}
				}
				continue
			}
			if err != nil {
				st.Refused = append(st.Refused, fmt.Sprintf("%s:%d: %s", path, c.Line, strings.TrimPrefix(err.Error(), "sql: ")))
				continue
			}
			res, err := runSQL(db, sql, q.SQLColumns())
			if err != nil {
				t.Errorf("%s:%d: eval on ClickHouse\n%s\nSQL:\n%s\nerror: %v", path, c.Line, indent(c.Query), sql, err)
				continue
			}
			if compareSQL(t, path, c, Render(res, c.Ordered), sql) {
				st.Identical++
			}
		}
	}
}

// compareSQL is compare with the SQL shown on a difference; it reports
// whether the rows are identical.
func compareSQL(t *testing.T, path string, c *Command, got []string, sql string) bool {
	t.Helper()
	sub := &recorder{}
	compareTo(sub, path, c, got)
	if sub.msg != "" {
		t.Errorf("%s\nSQL:\n%s", sub.msg, sql)
		return false
	}
	return true
}

type recorder struct{ msg string }

func (r *recorder) Errorf(format string, args ...any) { r.msg = fmt.Sprintf(format, args...) }
func (r *recorder) Helper()                           {}

func createTable(db SQLRunner, t *schema.Table) error {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		ct := kql.SQLColumnType(c.Type)
		if ct == "" {
			return fmt.Errorf("column %s of %s has type %s, which has no ClickHouse storage", c.Name, t.Name, c.Type)
		}
		cols[i] = kql.SQLIdent(c.Name) + " " + ct
	}
	cols = append(cols, kql.SQLRowColumn+" UInt64")
	ddl := "CREATE TABLE " + kql.SQLIdent(t.Name) + " (" + strings.Join(cols, ", ") + ") ENGINE = Memory"
	if _, err := db.Query("DROP TABLE IF EXISTS "+kql.SQLIdent(t.Name), "TSV"); err != nil {
		return err
	}
	_, err := db.Query(ddl, "TSV")
	return err
}

// insertRows inserts the rows of batches (with the columns of src) into
// the table t; t's columns that src lacks get null (strings: ""), and
// the row column numbers the rows from *next on.
func insertRows(db SQLRunner, t, src *schema.Table, batches []*value.Batch, next *int) error {
	if ins, ok := db.(inserter); ok {
		return insertTyped(ins, t, src, batches, next)
	}
	var rows []string
	for _, b := range batches {
		for i := 0; i < b.N; i++ {
			cells := make([]string, len(t.Columns), len(t.Columns)+1)
			for j, col := range t.Columns {
				k := src.Lookup(col.Name)
				if k < 0 {
					cells[j] = "NULL"
					if col.Type == schema.String || col.Type == schema.Dynamic {
						cells[j] = "''"
					}
					continue
				}
				cells[j] = kql.SQLLiteral(col.Type, b.Cols[k].Get(i))
			}
			cells = append(cells, strconv.Itoa(*next))
			*next++
			rows = append(rows, "("+strings.Join(cells, ", ")+")")
		}
	}
	if len(rows) == 0 {
		return nil
	}
	_, err := db.Query("INSERT INTO "+kql.SQLIdent(t.Name)+" VALUES "+strings.Join(rows, ", "), "TSV")
	return err
}

// inserter is a connection that inserts typed rows (a server reached
// with the native protocol, which takes no INSERT … VALUES).
type inserter interface {
	Insert(table string, cols []string, rows [][]any) error
}

// insertTyped is insertRows through an inserter.
func insertTyped(ins inserter, t, src *schema.Table, batches []*value.Batch, next *int) error {
	names := make([]string, 0, len(t.Columns)+1)
	for _, c := range t.Columns {
		names = append(names, c.Name)
	}
	names = append(names, kql.SQLRowColumn)
	var rows [][]any
	for _, b := range batches {
		for i := 0; i < b.N; i++ {
			row := make([]any, 0, len(names))
			for _, col := range t.Columns {
				var v any
				if k := src.Lookup(col.Name); k >= 0 {
					v = b.Cols[k].Get(i)
				}
				row = append(row, kql.SQLInsertValue(col.Type, v))
			}
			rows = append(rows, append(row, uint64(*next)))
			*next++
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return ins.Insert(t.Name, names, rows)
}

// runSQL runs sql and converts its rows back to KQL values of cols, read
// in TabSeparated as every ClickHouse version writes it.
func runSQL(db SQLRunner, sql string, cols []schema.Column) (*kql.Result, error) {
	out, err := db.Query(sql, "TabSeparated")
	if err != nil {
		return nil, err
	}
	b, err := kql.DecodeSQLRows(out, cols)
	if err != nil {
		return nil, err
	}
	return &kql.Result{Columns: cols, Batches: []*value.Batch{b}}, nil
}

// runSplit runs q split (kql.Query.RunSQLSplit) with its parts on db and
// returns its first statement's result, as eval does, and the number of
// SELECTs that ran on db.
func runSplit(db SQLRunner, q *kql.Query, now kql.Datetime, version string, has func(string) bool) (*kql.Result, int, error) {
	// The columns and the chart do not depend on the rows: a run over no
	// rows gives them (and the columns when no row comes back).
	empty, err := q.Run(context.Background(), kql.NewMemTables(), now)
	if err != nil {
		return nil, 0, err
	}
	selects := 0
	res := &kql.Result{Columns: empty[0].Columns, Chart: empty[0].Chart}
	tsv := ClickHouseRunner(db)
	run := func(ctx context.Context, sql string, cols []kql.Column) (kql.SQLRows, error) {
		selects++
		return tsv(ctx, sql, cols)
	}
	out := q.RunSQLSplit(context.Background(), kql.SQLOptions{Now: now, Version: version, Tables: has}, run, func(stmt int, cols []kql.Column, b *kql.Batch) error {
		if stmt == 0 {
			res.Columns = cols
			res.Batches = append(res.Batches, b)
		}
		return nil
	})
	return res, selects, out.Err
}

// renderChart is Render with the chart line that eval puts first (every
// engine's runner renders so).
func renderChart(res *kql.Result, ordered bool) []string {
	out := Render(res, ordered)
	if ch := res.Chart; ch != nil {
		line := "render " + ch.Kind
		names := make([]string, 0, len(ch.Props))
		for k := range ch.Props {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			line += " " + k + "=" + ch.Props[k]
		}
		out = append([]string{line}, out...)
	}
	return out
}

// LoadClickHouse creates table t on db with the storage mapping of
// kql.SQLColumnType (replacing a table of that name) and inserts the rows
// of batches, whose columns are t's, numbered from 0.
func LoadClickHouse(db SQLRunner, t *schema.Table, batches []*value.Batch) error {
	if err := createTable(db, t); err != nil {
		return err
	}
	next := 0
	return insertRows(db, t, t, batches, &next)
}

// ClickHouseRunner returns a kql.SQLRunner that runs SELECTs on db and
// reads their TabSeparated rows.
func ClickHouseRunner(db SQLRunner) kql.SQLRunner {
	return func(_ context.Context, sql string, cols []kql.Column) (kql.SQLRows, error) {
		out, err := db.Query(sql, "TabSeparated")
		if err != nil {
			return nil, fmt.Errorf("%v\nSQL:\n%s", err, sql)
		}
		b, err := kql.DecodeSQLRows(out, cols)
		if err != nil {
			return nil, err
		}
		return kql.SQLBatch(b), nil
	}
}
