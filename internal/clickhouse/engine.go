package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Engine runs queries on a ClickHouse server whose tables hold telemetry
// stored as docs/clickhouse.md describes (kqlhunt load writes them). It
// implements hunt.Engine. A query that does not translate whole runs
// split: the parts that read a table and translate run on the server,
// the rest in kqlhunt over their rows (kql.Query.RunSQLSplit).
type Engine struct {
	// Conn reaches the server.
	Conn *Conn
	// Version is the server's version, set by Open.
	Version string
	// Warn, when not nil, receives a warning for each query that does not
	// translate whole and so runs in part in kqlhunt.
	Warn io.Writer
	// Parallel is the number of queries RunMany runs at once (default
	// DefaultParallel).
	Parallel int
	rows     map[string]int64 // the rows of each catalog table on the server
	returned atomic.Int64
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

// RunMany implements hunt.Engine: each query runs as one SELECT when it
// translates whole, else split (kql.Query.RunSQLSplit): its parts that
// read a table and translate run on the server and the rest in kqlhunt,
// with a warning to e.Warn. Up to Parallel queries run at once, each on a
// connection of its own (the server does the work; a pack of hundreds of
// rules waits on as many round trips). Their rows go to emit, never
// concurrently; batches of different queries interleave.
func (e *Engine) RunMany(ctx context.Context, queries []*kql.Query, now kql.Datetime, emit kql.Emit) []kql.Outcome {
	outcomes := make([]kql.Outcome, len(queries))
	// A pack gets one warning, not one per rule.
	warn := e.Warn
	if len(queries) > 1 {
		warn = nil
	}
	var mu sync.Mutex // emit
	splitAt := make([]*kql.NotTranslatedError, len(queries))
	before := e.Returned()
	workers := e.Parallel
	if workers <= 0 {
		workers = DefaultParallel
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(queries)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(queries); i = int(next.Add(1) - 1) {
				if err := ctx.Err(); err != nil {
					outcomes[i].Err = err
					continue
				}
				outcomes[i], splitAt[i] = e.stream(ctx, queries[i], now, warn, func(stmt int, cols []kql.Column, b *kql.Batch) error {
					mu.Lock()
					defer mu.Unlock()
					return emit(i, stmt, cols, b)
				})
			}
		}()
	}
	wg.Wait()
	var split []*kql.NotTranslatedError // in the order of the queries
	for _, nt := range splitAt {
		if nt != nil {
			split = append(split, nt)
		}
	}
	if e.Warn != nil && len(queries) > 1 && len(split) > 0 {
		fmt.Fprintf(e.Warn, "kqlhunt: warning: %s\n", packWarning(split, len(queries), e.Returned()-before))
	}
	return outcomes
}

// DefaultParallel is the number of queries RunMany runs at once when
// Engine.Parallel is not set.
const DefaultParallel = 4

// packWarning says how many of n queries ran in part in kqlhunt, and
// which constructs kept them from running whole on the server, most
// frequent first; returned is the number of rows the server returned for
// the n queries.
func packWarning(split []*kql.NotTranslatedError, n int, returned int64) string {
	count := map[string]int{}
	for _, nt := range split {
		count[nt.Construct]++
	}
	names := make([]string, 0, len(count))
	for c := range count {
		names = append(names, c)
	}
	sort.Slice(names, func(i, j int) bool {
		if count[names[i]] != count[names[j]] {
			return count[names[i]] > count[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, c := range names {
		parts[i] = fmt.Sprintf("'%s' %d", c, count[c])
	}
	return fmt.Sprintf("%d of %d rules run in part in kqlhunt, on the rows the server returned for them (%s; e.g. %s); the server returned %d rows in all; 'kqlhunt sql --split' shows what a rule pushes down",
		len(split), n, strings.Join(parts, ", "), SplitWarning(split[0]), returned)
}

// Count implements hunt.Engine.
func (e *Engine) Count(ctx context.Context, q *kql.Query, now kql.Datetime) (int, error) {
	out, _ := e.stream(ctx, q, now, nil, func(int, []kql.Column, *kql.Batch) error { return nil })
	return int(out.Rows), out.Err
}

// Run runs q on the server (split as RunMany does) and returns its
// columns and rows. A query of several tabular statements that does not
// translate whole is refused.
func (e *Engine) Run(ctx context.Context, q *kql.Query, now kql.Datetime) ([]kql.Column, *kql.Batch, error) {
	var cols []kql.Column
	var batches []*kql.Batch
	out, _ := e.stream(ctx, q, now, e.Warn, func(stmt int, c []kql.Column, b *kql.Batch) error {
		if stmt > 0 {
			return fmt.Errorf("clickhouse: a query of several tabular statements runs on a server only when it translates whole")
		}
		cols = c
		batches = append(batches, b)
		return nil
	})
	if out.Err != nil {
		return nil, nil, out.Err
	}
	if cols == nil {
		cols = q.SQLColumns()
	}
	return cols, kql.ConcatBatches(cols, batches), nil
}

// stream runs q and hands its rows to emit: one SELECT when q translates
// whole, else q split between the server and kqlhunt, with a warning to
// warn when it is not nil; split is then why q does not translate whole.
func (e *Engine) stream(ctx context.Context, q *kql.Query, now kql.Datetime, warn io.Writer, emit func(stmt int, cols []kql.Column, b *kql.Batch) error) (out kql.Outcome, split *kql.NotTranslatedError) {
	opts := kql.SQLOptions{Now: now, Version: e.Version, Tables: func(name string) bool {
		_, ok := e.rows[strings.ToLower(name)]
		return ok
	}}
	out, split = q.RunSQL(ctx, opts, e.runSQL, emit)
	if split != nil && warn != nil {
		fmt.Fprintf(warn, "kqlhunt: warning: %s\n", SplitWarning(split))
	}
	return out, split
}

// SplitWarning says that the construct of nt, and what follows it, runs
// in kqlhunt rather than on the server.
func SplitWarning(nt *kql.NotTranslatedError) string {
	msg := fmt.Sprintf("'%s'", nt.Construct)
	if nt.At != "" {
		msg = fmt.Sprintf("'%s' at %s", nt.Construct, nt.At)
	} else if nt.Source != nil {
		line, col := nt.Source.Position(nt.Span.Start)
		msg = fmt.Sprintf("'%s' at %d:%d", nt.Construct, line, col)
		if nt.Source.Name != "" {
			msg = nt.Source.Name + ": " + msg
		}
	}
	msg += " runs in kqlhunt on the rows the server returned"
	if nt.Why != "" {
		msg += " (" + nt.Why + ")"
	}
	return msg
}

// runSQL runs one SELECT and returns its rows, decoded as cols, as they
// arrive (a kql.SQLRunner).
func (e *Engine) runSQL(ctx context.Context, sql string, cols []kql.Column) (kql.SQLRows, error) {
	rows, err := e.Conn.Select(ctx, sql, cols)
	if err != nil {
		return nil, err
	}
	return &countedRows{SQLRows: rows, n: &e.returned}, nil
}

// countedRows counts the rows read into n.
type countedRows struct {
	kql.SQLRows
	n *atomic.Int64
}

func (r *countedRows) Next() (*kql.Batch, error) {
	b, err := r.SQLRows.Next()
	if b != nil {
		r.n.Add(int64(b.N))
	}
	return b, err
}

// Server names the server (hunt's summary says so) and counts the rows it
// has returned to e so far.
func (e *Engine) Server() (name string, returned int64) {
	return "ClickHouse " + e.Version, e.Returned()
}

// Returned counts the rows that the server has returned to e so far.
func (e *Engine) Returned() int64 { return e.returned.Load() }

// Check says how q would run on the server, without reading its rows:
// whole, or split (the construct that keeps it from running whole, and
// the parts pushed down). The server checks every SELECT that would run
// (each is sent with LIMIT 0), so that a form it does not accept is an
// error here rather than in a hunt.
func (e *Engine) Check(ctx context.Context, q *kql.Query, now kql.Datetime) (CheckResult, error) {
	var res CheckResult
	opts := kql.SQLOptions{Now: now, Version: e.Version, Tables: func(name string) bool {
		_, ok := e.rows[strings.ToLower(name)]
		return ok
	}}
	var sqls []string
	sql, err := q.SQLWith(opts)
	if errors.As(err, &res.Split) {
		s, err := q.SplitSQL(opts)
		if err != nil {
			return res, err
		}
		for _, p := range s.Parts {
			sqls = append(sqls, p.SQL)
		}
		res.Parts = len(s.Parts)
	} else if err != nil {
		return res, err
	} else {
		sqls = []string{sql}
	}
	for _, s := range sqls {
		if err := e.Conn.WithContext(ctx).Exec("SELECT *\nFROM (\n" + s + "\n)\nLIMIT 0"); err != nil {
			return res, fmt.Errorf("the server refuses the SQL of the query: %w", err)
		}
	}
	return res, nil
}

// CheckResult is how a query would run on a server (Engine.Check).
type CheckResult struct {
	// Split is nil when the query runs whole on the server; else why it
	// runs in part in kqlhunt.
	Split *kql.NotTranslatedError
	// Parts counts the parts of a split query that run on the server.
	Parts int
}
