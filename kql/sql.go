package kql

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/kqlhunt/kqlhunt/internal/sqlgen"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// ErrNotTranslated is wrapped by the error of Query.SQL for a query that
// uses a construct the ClickHouse translation does not cover yet.
var ErrNotTranslated = sqlgen.ErrUnsupported

// NotTranslatedError says which construct of a query stopped its
// translation to ClickHouse SQL, and where it is.
type NotTranslatedError struct {
	Source *Source
	// Construct is the operator, function or type, as the query spells
	// it; Span points at it (zero when unknown).
	Construct string
	Span      syntax.Span
	// Why, when not empty, says what differs from the embedded engine.
	Why string
	// At, when not empty, is where the construct is when it is in the
	// body of a workspace function that a schema file declares rather
	// than in the query: "FILE:LINE:COL in function 'NAME'". Span then
	// points into the function's text, not the query's.
	At string
}

func (e *NotTranslatedError) Error() string {
	msg := fmt.Sprintf("'%s' is not translated to ClickHouse SQL yet", e.Construct)
	if e.At != "" {
		msg = fmt.Sprintf("'%s' at %s is not translated to ClickHouse SQL yet", e.Construct, e.At)
	} else if e.Span != (syntax.Span{}) || e.Construct != "" {
		line, col := e.Source.Position(e.Span.Start)
		msg = fmt.Sprintf("'%s' at %d:%d is not translated to ClickHouse SQL yet", e.Construct, line, col)
		if e.Source.Name != "" {
			msg = e.Source.Name + ": " + msg
		}
	}
	if e.Why != "" {
		msg += " (" + e.Why + ")"
	}
	return "sql: " + msg
}

func (e *NotTranslatedError) Unwrap() error { return ErrNotTranslated }

// SQL returns the ClickHouse SQL SELECT that computes q's result over
// tables stored as docs/clickhouse.md describes, with now as now(). The
// result columns are q's, in order, under their KQL names. A query
// outside the translated subset gets a *NotTranslatedError; SQL never
// approximates.
func (q *Query) SQL(now Datetime) (string, error) {
	return q.SQLWith(SQLOptions{Now: now})
}

// SQLOptions say for which server and when Query.SQLWith translates.
type SQLOptions struct {
	// Now is the query's now().
	Now Datetime
	// Version is the server's version, as SELECT version() gives it:
	// the translation refuses the forms an older server lacks. "" means a
	// current server.
	Version string
	// Tables, when not nil, reports whether the server holds a table:
	// Query.RunSQLSplit reads a table it lacks as empty, as the embedded
	// engine does, rather than asking the server for it.
	Tables func(name string) bool
}

// SQLWith is Query.SQL for the server of opts. The rows that q's
// exclusions drop are left out; Query.RunSQL also counts them.
func (q *Query) SQLWith(opts SQLOptions) (string, error) {
	sql, _, err := q.translate(opts)
	return sql, err
}

// translate returns q's SELECT and the SELECTs that count what its
// exclusions drop (sqlgen.Translate).
func (q *Query) translate(opts SQLOptions) (string, []sqlgen.Count, error) {
	if q.plans == nil {
		return "", nil, errNotCompiled
	}
	if q.deferred {
		return "", nil, &NotTranslatedError{Source: q.Source, Construct: "bag_unpack or pivot", Why: "columns that depend on the data"}
	}
	if len(q.plans) != 1 {
		return "", nil, &NotTranslatedError{Source: q.Source, Construct: "several tabular statements"}
	}
	if opts.Tables != nil {
		for _, t := range q.Tables {
			if !opts.Tables(t) {
				// Read as empty in kqlhunt, as the embedded engine reads a
				// table without data.
				return "", nil, &NotTranslatedError{Source: q.Source, Construct: t, Why: "a table the server does not have"}
			}
		}
	}
	sql, counts, err := sqlgen.Translate(q.plans[0], sqlgen.Options{Now: opts.Now, Version: opts.Version})
	var u *sqlgen.Unsupported
	if errors.As(err, &u) {
		e := &NotTranslatedError{Source: q.Source, Construct: u.Construct, Span: u.Span, Why: u.Why}
		if u.Operator {
			if op := enclosingOperator(q.ast, u.Span); op != nil {
				e.Construct, e.Span = op.Name(), op.Span()
			}
		}
		if f := q.cat.FuncAt(e.Span.Start); f != nil {
			file, line, col := f.Place(e.Span.Start)
			e.At = fmt.Sprintf("%s:%d:%d in function '%s'", file.Name, line, col, f.Name)
		}
		return "", nil, e
	}
	return sql, counts, err
}

// enclosingOperator returns the innermost query operator of the syntax
// tree whose span holds sp, or nil.
func enclosingOperator(root *syntax.Query, sp syntax.Span) syntax.Operator {
	if sp == (syntax.Span{}) {
		return nil
	}
	var best syntax.Operator
	opType := reflect.TypeFor[syntax.Operator]()
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Interface, reflect.Pointer:
			if v.IsNil() {
				return
			}
			if v.Type().Implements(opType) {
				op := v.Interface().(syntax.Operator)
				s := op.Span()
				if s.Start <= sp.Start && sp.End <= s.End && (best == nil || s.End-s.Start < best.Span().End-best.Span().Start) {
					best = op
				}
			}
			walk(v.Elem())
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(root))
	return best
}

// SQLColumns returns the columns of the result that q.SQL's SELECT
// returns, in order, so that a caller can convert the stored values back
// (docs/clickhouse.md); nil when q has no single tabular statement whose
// columns are known before the data is seen.
func (q *Query) SQLColumns() []Column {
	if q.deferred || len(q.plans) != 1 {
		return nil
	}
	return q.plans[0].Schema()
}

// SQLRowColumn is the column of every table stored for the SQL of
// Query.SQL that holds each row's position in the table (0, 1, ...), in
// the order the embedded engine would read the rows.
const SQLRowColumn = sqlgen.RowColumn

// SQLColumnType returns the ClickHouse type that stores a column of type
// t for the SQL of Query.SQL (docs/clickhouse.md), or "" for none.
func SQLColumnType(t Type) string { return sqlgen.ColumnType(t) }

// SQLIdent quotes a table or column name for ClickHouse SQL.
func SQLIdent(name string) string { return sqlgen.Ident(name) }

// SQLString quotes a string literal for ClickHouse SQL.
func SQLString(s string) string { return sqlgen.String(s) }
