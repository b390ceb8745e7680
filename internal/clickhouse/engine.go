package clickhouse

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Engine runs queries on a ClickHouse server whose tables hold telemetry
// stored as docs/clickhouse.md describes (kqlhunt load writes them). It
// implements hunt.Engine. A query that does not translate fails with the
// translation's error (a *kql.NotTranslatedError): nothing runs in the
// embedded engine yet.
type Engine struct {
	// Conn reaches the server.
	Conn Runner
	// Version is the server's version, set by Open.
	Version string
	rows    map[string]int64 // the rows of each catalog table on the server
}

// Open reads the server's version and which tables of cat it holds, with
// how many rows.
func (e *Engine) Open(cat *kql.Catalog) error {
	v, err := Version(e.Conn)
	if err != nil {
		return err
	}
	e.Version = v
	out, err := e.Conn.Query("SELECT name FROM system.tables WHERE database = currentDatabase()", "TabSeparated")
	if err != nil {
		return err
	}
	e.rows = map[string]int64{}
	for _, name := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		t := cat.Table(name)
		if t == nil || t.Name != name {
			continue
		}
		n, err := countRows(e.Conn, name)
		if err != nil {
			return err
		}
		e.rows[strings.ToLower(name)] = n
	}
	return nil
}

// countRows returns the number of rows of table name.
func countRows(r Runner, name string) (int64, error) {
	out, err := r.Query("SELECT count() FROM "+kql.SQLIdent(name), "TabSeparated")
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
}

// HasTable implements hunt.Engine: the server has rows of table name.
func (e *Engine) HasTable(name string) bool { return e.rows[strings.ToLower(name)] > 0 }

// RunMany implements hunt.Engine: each query runs as one SELECT, in turn,
// and its rows go to emit as one batch.
func (e *Engine) RunMany(ctx context.Context, queries []*kql.Query, now kql.Datetime, emit kql.Emit) []kql.Outcome {
	outcomes := make([]kql.Outcome, len(queries))
	for i, q := range queries {
		if err := ctx.Err(); err != nil {
			outcomes[i].Err = err
			continue
		}
		cols, b, err := e.run(ctx, q, now)
		if err == nil {
			outcomes[i].Rows = int64(b.N)
			err = emit(i, 0, cols, b)
		}
		outcomes[i].Err = err
	}
	return outcomes
}

// Count implements hunt.Engine.
func (e *Engine) Count(ctx context.Context, q *kql.Query, now kql.Datetime) (int, error) {
	_, b, err := e.run(ctx, q, now)
	if err != nil {
		return 0, err
	}
	return b.N, nil
}

// Run runs q on the server and returns its columns and rows.
func (e *Engine) Run(ctx context.Context, q *kql.Query, now kql.Datetime) ([]kql.Column, *kql.Batch, error) {
	return e.run(ctx, q, now)
}

func (e *Engine) run(ctx context.Context, q *kql.Query, now kql.Datetime) ([]kql.Column, *kql.Batch, error) {
	sql, err := q.SQLWith(kql.SQLOptions{Now: now, Version: e.Version})
	if err != nil {
		return nil, nil, err
	}
	cols := q.SQLColumns()
	r := e.Conn
	if c, ok := r.(*Conn); ok {
		r = c.WithContext(ctx)
	}
	out, err := r.Query(sql, "TabSeparated")
	if err != nil {
		return nil, nil, err
	}
	b, err := kql.DecodeSQLRows(out, cols)
	if err != nil {
		return nil, nil, fmt.Errorf("clickhouse: reading the rows: %v", err)
	}
	return cols, b, nil
}
