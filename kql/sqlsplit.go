package kql

import (
	"context"
	"errors"
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/sqlgen"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// SQLRunner executes a ClickHouse SELECT and returns its rows, whose
// columns store cols as docs/clickhouse.md maps them (DecodeSQLRows reads
// the TabSeparated output, SQLRowDecoder a driver's values), in the order
// the SELECT gives them.
type SQLRunner func(ctx context.Context, sql string, cols []Column) (SQLRows, error)

// SQLRows are the rows of a SELECT as they arrive, batch by batch.
type SQLRows interface {
	// Next returns the next batch of rows, or nil after the last.
	Next() (*Batch, error)
	// Close releases the rows; the rows not read are dropped.
	Close() error
}

// SQLBatch returns the rows of b as SQLRows, for a runner that reads an
// answer whole.
func SQLBatch(b *Batch) SQLRows { return &oneBatch{b: b} }

type oneBatch struct{ b *Batch }

func (o *oneBatch) Next() (*Batch, error) {
	b := o.b
	o.b = nil
	return b, nil
}

func (o *oneBatch) Close() error { o.b = nil; return nil }

// SQLPart is a part of a query that runs on the server: a SELECT and the
// columns of its rows.
type SQLPart struct {
	SQL     string
	Columns []Column
	// Plan is the part's plan as text (one operator a line, inputs
	// below), for reviews and tests.
	Plan string
}

// SQLSplit says how a query that does not translate whole runs on a
// server: its Parts run there, and the rest of the query runs in the
// embedded engine over their rows (Query.RunSQLSplit).
type SQLSplit struct {
	// NotPushed is why the query does not translate whole: the construct
	// that runs in the embedded engine and its position.
	NotPushed *NotTranslatedError
	// Parts are the largest subtrees of the plan that read a table and
	// translate (a table's scan with the filters and projections above
	// it, at least), in the order of the plan. A table whose scan is in
	// no part is read whole (the columns the query needs) with ScanSQL's
	// SELECT. A query whose columns depend on the data (bag_unpack,
	// pivot) is split only when it runs, so it lists no part here.
	Parts []SQLPart
}

// SplitSQL returns how q runs on the server of opts when it does not
// translate whole; for a query that translates whole it returns nil, nil
// (Query.SQLWith has its SQL). An error other than a *NotTranslatedError
// of the whole query is returned as is.
func (q *Query) SplitSQL(opts SQLOptions) (*SQLSplit, error) {
	_, err := q.SQLWith(opts)
	if err == nil {
		return nil, nil
	}
	var nt *NotTranslatedError
	if !errors.As(err, &nt) {
		return nil, err
	}
	s := &SQLSplit{NotPushed: nt}
	if q.deferred {
		return s, nil
	}
	sp := &sqlgen.Splitter{Opts: sqlgen.Options{Now: opts.Now, Version: opts.Version}, Has: opts.Tables}
	for _, p := range q.plans {
		sp.Split(p)
	}
	for _, p := range sp.Parts {
		s.Parts = append(s.Parts, SQLPart{SQL: p.SQL, Columns: p.Cols, Plan: plan.Format(p.Node)})
	}
	return s, nil
}

// RunSQL runs q on the server that run executes SELECTs on: as one
// SELECT when it translates whole, else split (Query.RunSQLSplit, and
// split is then why q does not translate whole). Its rows stream to emit
// as RunMany's do, and the outcome counts them and what q's exclusions
// dropped, counted on the server too where they run there.
func (q *Query) RunSQL(ctx context.Context, opts SQLOptions, run SQLRunner, emit func(stmt int, cols []Column, b *Batch) error) (out Outcome, split *NotTranslatedError) {
	sql, counts, err := q.translate(opts)
	if errors.As(err, &split) {
		return q.RunSQLSplit(ctx, opts, run, emit), split
	}
	if err != nil {
		out.Err = err
		return out, nil
	}
	cols := q.SQLColumns()
	rows, err := run(ctx, sql, cols)
	if err != nil {
		out.Err = err
		return out, nil
	}
	// The rows stream to emit as they arrive.
	for err == nil {
		var b *Batch
		if b, err = rows.Next(); b == nil || err != nil {
			break
		}
		out.Rows += int64(b.N)
		err = emit(0, cols, b)
	}
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = runCounts(ctx, run, counts, &out)
	}
	out.Err = err
	return out, nil
}

// readAll returns the rows of a SELECT as one batch.
func readAll(ctx context.Context, run SQLRunner, sql string, cols []Column) (*Batch, error) {
	rows, err := run(ctx, sql, cols)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var batches []*Batch
	for {
		b, err := rows.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		batches = append(batches, b)
	}
	if len(batches) == 0 {
		return NewSQLRowDecoder(cols).Take(), nil
	}
	return ConcatBatches(cols, batches), nil
}

// runCounts runs the SELECTs that count what exclusions drop and adds
// their counts to out.
func runCounts(ctx context.Context, run SQLRunner, counts []sqlgen.Count, out *Outcome) error {
	for _, c := range counts {
		cols := make([]Column, len(c.Names)+1)
		for i := range cols {
			cols[i] = Column{Name: fmt.Sprintf("n%d", i), Type: schema.Long}
		}
		b, err := readAll(ctx, run, c.SQL, cols)
		if err != nil {
			return err
		}
		if b.N != 1 {
			return fmt.Errorf("sql: an exclusion count returned %d rows, not 1", b.N)
		}
		if out.Suppressed == nil {
			out.Suppressed = map[string]int64{}
		}
		for i, name := range c.Names {
			n, _ := b.Cols[i].Get(0).(int64)
			out.Suppressed[name] += n
		}
		n, _ := b.Cols[len(c.Names)].Get(0).(int64)
		out.SuppressedRows += n
	}
	return nil
}

// RunSQLSplit runs q with the tables on a ClickHouse server that run
// executes SELECTs on: the largest parts of each statement's plan that
// read a table and translate run there (SplitSQL), each once, and the
// rest of the plan runs in the embedded engine over the rows they return,
// which come in the embedded engine's order, so that the result is the
// embedded engine's exactly. A table read by no part is read whole (the
// columns the query needs, in the order of its rows). The rows of each
// statement stream to emit as RunMany's do; the outcome counts them, and
// what q's exclusions dropped (on the server for those inside a part).
func (q *Query) RunSQLSplit(ctx context.Context, opts SQLOptions, run SQLRunner, emit func(stmt int, cols []Column, b *Batch) error) Outcome {
	src := &serverSource{ctx: ctx, run: run, has: opts.Tables, parts: map[*schema.Table]*sqlgen.Part{}}
	sp := &sqlgen.Splitter{Opts: sqlgen.Options{Now: opts.Now, Version: opts.Version}, Has: opts.Tables}
	rewrite := func(plans []plan.Node) []plan.Node {
		out := make([]plan.Node, len(plans))
		for i, p := range plans {
			out[i] = sp.Split(p)
		}
		for i := range sp.Parts {
			src.parts[sp.Parts[i].Table] = &sp.Parts[i]
		}
		return out
	}
	out := q.streamWith(ctx, src, opts.Now, rewrite, emit)
	if out.Err == nil {
		// The exclusions inside the parts ran on the server, each part
		// once: their counts come from there.
		for _, p := range sp.Parts {
			if out.Err = runCounts(ctx, run, p.Counts, &out); out.Err != nil {
				break
			}
		}
	}
	return out
}

// serverSource serves the scans of a split plan from the server: a part's
// table by the part's SELECT, a catalog table by ScanSQL's.
type serverSource struct {
	ctx   context.Context
	run   SQLRunner
	has   func(string) bool
	parts map[*schema.Table]*sqlgen.Part
}

func (s *serverSource) Scan(t *schema.Table, cols []int) (exec.Operator, error) {
	var sql string
	var types []schema.Column
	if p, ok := s.parts[t]; ok {
		if !identity(cols, len(p.Cols)) {
			// A part's table is read whole by the plan made for it;
			// another choice of columns would be a bug of the split.
			return nil, fmt.Errorf("internal error: a part's table read as columns %v", cols)
		}
		sql, types = p.SQL, p.Cols
	} else if s.has != nil && !s.has(t.Name) {
		return exec.NewMemSource().Scan(t, cols)
	} else {
		var err error
		if sql, err = sqlgen.ScanSQL(t, cols); err != nil {
			return nil, fmt.Errorf("sql: reading table '%s' from the server: %w", t.Name, err)
		}
		types = make([]schema.Column, len(cols))
		for i, c := range cols {
			types[i] = t.Columns[c]
		}
	}
	rows, err := s.run(s.ctx, sql, types)
	if err != nil {
		return nil, err
	}
	return &rowsOp{rows: rows}, nil
}

func identity(cols []int, n int) bool {
	if len(cols) != n {
		return false
	}
	for i, c := range cols {
		if c != i {
			return false
		}
	}
	return true
}

// rowsOp yields the rows of a SELECT as they arrive.
type rowsOp struct{ rows SQLRows }

func (o *rowsOp) Next(ctx context.Context) (*value.Batch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return o.rows.Next()
}

func (o *rowsOp) Close() error { return o.rows.Close() }

// ConcatBatches returns the rows of batches, whose columns are cols, as
// one batch.
func ConcatBatches(cols []Column, batches []*Batch) *Batch {
	if len(batches) == 1 {
		return batches[0]
	}
	types := make([]Type, len(cols))
	for j, c := range cols {
		types[j] = c.Type
	}
	return value.Concat(types, batches)
}
