package clickhouse

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"

	"github.com/kqlhunt/kqlhunt/kql"
)

// TableRows are rows given for one table.
type TableRows struct {
	Table *kql.Table
	// Rows has Table's columns, in order.
	Rows *kql.Batch
}

// scratch numbers the scratch databases of this process.
var scratch atomic.Int64

// RunOnRows runs q on the server of c over the given rows and nothing
// else, as the embedded engine would run it over the same rows in
// memory: the rows go to tables of a scratch database of their own
// (Memory tables stored with the mapping of docs/clickhouse.md), q runs
// there as a hunt runs (whole, or split with a warning to warn when not
// nil), and the database is dropped. Detection tests run so on a server
// (kqlhunt test --engine). It returns one result per tabular statement.
func RunOnRows(ctx context.Context, c *Conn, cat *kql.Catalog, q *kql.Query, tables []TableRows, now kql.Datetime, warn func(string)) (results []*kql.Result, err error) {
	db := fmt.Sprintf("kqlhunt_scratch_%d_%d", os.Getpid(), scratch.Add(1))
	s := c.at(c.addr, db).WithContext(ctx)
	defer s.Close()
	if err := s.CreateDatabase(); err != nil {
		return nil, err
	}
	defer func() {
		// Dropped even when ctx is done.
		d := c.at(c.addr, "default")
		defer d.Close()
		if derr := d.Exec("DROP DATABASE IF EXISTS " + kql.SQLIdent(db)); derr != nil && err == nil {
			err = derr
		}
	}()
	for _, tr := range tables {
		ddl := "CREATE TABLE " + kql.SQLIdent(tr.Table.Name) + " (\n  " + strings.Join(columnsDDL(tr.Table), ",\n  ") + "\n) ENGINE = Memory"
		if err := s.Exec(ddl); err != nil {
			return nil, err
		}
		ins := newInserter(s, tr.Table, 0, 10000)
		err := ins.add(tr.Rows)
		if err == nil {
			err = ins.flush()
		}
		ins.abort()
		if err != nil {
			return nil, err
		}
	}
	// The columns do not depend on the rows: a run over none gives them,
	// also for a statement of which no row comes back.
	empty, err := q.Run(ctx, kql.NewMemTables(), now)
	if err != nil {
		return nil, err
	}
	for _, r := range empty {
		results = append(results, &kql.Result{Columns: r.Columns, Chart: r.Chart})
	}
	e := &Engine{Conn: s}
	if err := e.Open(cat); err != nil {
		return nil, err
	}
	out, split := e.stream(ctx, q, now, nil, func(stmt int, cols []kql.Column, b *kql.Batch) error {
		if stmt >= len(results) {
			return fmt.Errorf("internal error: statement %d of %d", stmt, len(results))
		}
		results[stmt].Columns = cols
		results[stmt].Batches = append(results[stmt].Batches, b)
		return nil
	})
	if out.Err != nil {
		return nil, out.Err
	}
	if split != nil && warn != nil {
		warn(SplitWarning(split))
	}
	return results, nil
}
