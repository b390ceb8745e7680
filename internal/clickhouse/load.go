package clickhouse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/kqlhunt/kqlhunt/kql"
)

// LedgerTable is the table in which Load records the files it loaded.
const LedgerTable = "_kqlhunt_loads"

// LoadOptions say what Load loads.
type LoadOptions struct {
	// Data names the telemetry, as for the embedded engine.
	Data kql.DataOptions
	// BatchRows is the number of rows of one INSERT (default 10000).
	BatchRows int
	// Log receives a line per file loaded or skipped; nil for none.
	Log io.Writer
}

// FileLoad is what Load did with one file's rows of one table.
type FileLoad struct {
	Path  string
	Table string
	// Rows is the number of rows inserted, or found in the ledger when
	// Skipped.
	Rows int64
	// Skipped is true when the ledger says the file was loaded already.
	Skipped bool
	// Stats are what reading the file found (rows skipped as malformed,
	// values that did not convert), to report as the embedded engine does.
	Stats kql.DataStats
}

// Load creates the tables the data has and inserts its rows, file by
// file in the order the embedded engine reads them, numbering each
// table's rows in _kqlhunt_row after those already loaded. A file whose
// identity (table, size and SHA-256 of its content) is in the load ledger
// is skipped. A table whose row count differs from the ledger's (a load
// interrupted before it recorded its file) stops the load with an error
// rather than numbering rows twice. Load reports what it did for each
// file, including the files before an error.
func Load(ctx context.Context, c *Conn, cat *kql.Catalog, opts LoadOptions) ([]FileLoad, error) {
	if opts.BatchRows <= 0 {
		opts.BatchRows = 10000
	}
	c = c.WithContext(ctx)
	if err := c.CreateDatabase(); err != nil {
		return nil, err
	}
	if _, err := c.Query(ledgerDDL, ""); err != nil {
		return nil, err
	}
	all, err := kql.OpenData(opts.Data, cat)
	if err != nil {
		return nil, err
	}
	var done []FileLoad
	for _, f := range all.Stats().Files {
		fl, err := loadFile(ctx, c, cat, f.Path, f.Table, opts)
		if err != nil {
			return done, fmt.Errorf("%s: %w", f.Path, err)
		}
		done = append(done, fl)
		if opts.Log != nil {
			if fl.Skipped {
				fmt.Fprintf(opts.Log, "kqlhunt: %s: already loaded into %s (%d rows); skipped\n", f.Path, f.Table, fl.Rows)
			} else {
				fmt.Fprintf(opts.Log, "kqlhunt: %s: loaded %d rows into %s\n", f.Path, fl.Rows, f.Table)
			}
		}
	}
	return done, nil
}

const ledgerDDL = "CREATE TABLE IF NOT EXISTS " + LedgerTable + ` (
  table String,
  hash String,
  size Int64,
  path String,
  mtime Int64,
  first_row UInt64,
  rows UInt64,
  loaded_at DateTime
) ENGINE = MergeTree ORDER BY (table, hash)`

// identity returns the size, modification time (Unix ns) and SHA-256 of
// the file at path.
func identity(path string) (size, mtime int64, hash string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, 0, "", err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return 0, 0, "", err
	}
	return st.Size(), st.ModTime().UnixNano(), hex.EncodeToString(h.Sum(nil)), nil
}

func loadFile(ctx context.Context, c *Conn, cat *kql.Catalog, path, table string, opts LoadOptions) (FileLoad, error) {
	fl := FileLoad{Path: path, Table: table}
	t := cat.Table(table)
	if t == nil {
		return fl, fmt.Errorf("unknown table '%s'", table)
	}
	size, mtime, hash, err := identity(path)
	if err != nil {
		return fl, err
	}
	out, err := c.Query("SELECT rows FROM "+LedgerTable+" WHERE table = "+kql.SQLString(t.Name)+" AND hash = "+kql.SQLString(hash)+" AND size = "+strconv.FormatInt(size, 10)+" LIMIT 1", "TabSeparated")
	if err != nil {
		return fl, err
	}
	if s := strings.TrimSpace(string(out)); s != "" {
		fl.Rows, _ = strconv.ParseInt(s, 10, 64)
		fl.Skipped = true
		return fl, nil
	}
	if err := createTable(c, t); err != nil {
		return fl, err
	}
	next, err := nextRow(c, t.Name)
	if err != nil {
		return fl, err
	}
	dopts := opts.Data
	dopts.Paths = nil
	dopts.Tables = map[string][]string{t.Name: {path}}
	d, err := kql.OpenData(dopts, cat)
	if err != nil {
		return fl, err
	}
	ins := newInserter(c, t, next, opts.BatchRows)
	defer ins.abort()
	err = d.ReadTable(ctx, t, ins.add)
	if err == nil {
		err = ins.flush()
	}
	row := ins.row
	fl.Stats = d.Stats()
	if err != nil {
		return fl, err
	}
	fl.Rows = int64(row - next)
	// INSERT … SELECT: the values are in the statement, no data block
	// follows it.
	_, err = c.Query("INSERT INTO "+LedgerTable+" SELECT "+strings.Join([]string{
		kql.SQLString(t.Name), kql.SQLString(hash), strconv.FormatInt(size, 10), kql.SQLString(path),
		strconv.FormatInt(mtime, 10), strconv.FormatUint(next, 10), strconv.FormatInt(fl.Rows, 10),
		"toDateTime(" + strconv.FormatInt(time.Now().Unix(), 10) + ")",
	}, ", "), "")
	return fl, err
}

// inserter inserts rows of table t in typed blocks of batchRows rows
// (the Go client's batches), numbering them in _kqlhunt_row from row on.
type inserter struct {
	c         *Conn
	t         *kql.Table
	sql       string
	batch     driver.Batch
	vals      []any
	pending   int
	batchRows int
	row       uint64
}

func newInserter(c *Conn, t *kql.Table, row uint64, batchRows int) *inserter {
	cols := make([]string, len(t.Columns)+1)
	for i, col := range t.Columns {
		cols[i] = kql.SQLIdent(col.Name)
	}
	cols[len(t.Columns)] = kql.SQLRowColumn
	// The columns named: 18.16 sends no column list for INSERT INTO T.
	return &inserter{c: c, t: t, row: row, batchRows: batchRows, vals: make([]any, len(cols)),
		sql: "INSERT INTO " + kql.SQLIdent(t.Name) + " (" + strings.Join(cols, ", ") + ")"}
}

// add adds the rows of b, whose columns are t's.
func (ins *inserter) add(b *kql.Batch) error {
	for i := 0; i < b.N; i++ {
		if ins.batch == nil {
			conn, err := ins.c.client.get()
			if err != nil {
				return err
			}
			if ins.batch, err = conn.PrepareBatch(ins.c.ctx, ins.sql); err != nil {
				return serverError(err)
			}
		}
		for j, col := range ins.t.Columns {
			ins.vals[j] = kql.SQLInsertValue(col.Type, b.Cols[j].Get(i))
		}
		ins.vals[len(ins.t.Columns)] = ins.row
		if err := ins.batch.Append(ins.vals...); err != nil {
			return serverError(err)
		}
		ins.row++
		ins.pending++
		if ins.pending >= ins.batchRows {
			if err := ins.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flush sends the rows added since the last block.
func (ins *inserter) flush() error {
	if ins.batch == nil {
		return nil
	}
	err := ins.batch.Send()
	ins.batch, ins.pending = nil, 0
	return serverError(err)
}

// abort drops the rows not sent.
func (ins *inserter) abort() {
	if ins.batch != nil {
		ins.batch.Abort()
		ins.batch = nil
	}
}

// nextRow returns the _kqlhunt_row of the next row of table name: the
// rows the ledger accounts for, after checking that the table holds
// exactly those.
func nextRow(c *Conn, name string) (uint64, error) {
	out, err := c.Query("SELECT toUInt64(sum(rows)) FROM "+LedgerTable+" WHERE table = "+kql.SQLString(name), "TabSeparated")
	if err != nil {
		return 0, err
	}
	ledger, err := strconv.ParseUint(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		return 0, err
	}
	n, err := countRows(c, name)
	if err != nil {
		return 0, err
	}
	if uint64(n) != ledger {
		return 0, fmt.Errorf("table %s holds %d rows but the load ledger (%s) accounts for %d: a load was interrupted or rows were added by other means; delete the rows with %s >= %d (ALTER TABLE %s DELETE WHERE %s >= %d) and load again",
			name, n, LedgerTable, ledger, kql.SQLRowColumn, ledger, kql.SQLIdent(name), kql.SQLRowColumn, ledger)
	}
	return ledger, nil
}

// TableDDL returns the CREATE TABLE IF NOT EXISTS statement of table t,
// stored as docs/clickhouse.md maps it: a MergeTree ordered by the
// table's time (Timestamp, or TimeGenerated), its DeviceId when it has
// one, and _kqlhunt_row.
func TableDDL(t *kql.Table) string { return tableDDL(t, t.Name) }

// LocalSuffix ends the name of a table's local MergeTree table on each
// shard of a cluster; the table's own name is its Distributed table.
const LocalSuffix = "_kqlhunt_local"

// DistributedDDL returns the CREATE TABLE IF NOT EXISTS statement of the
// Distributed table of t over cluster's shards' local tables (TableDDL's
// table named t.Name+LocalSuffix) in database, its rows sent to the
// shards by _kqlhunt_row: consecutive rows to different shards.
func DistributedDDL(t *kql.Table, cluster, database string) string {
	local := t.Name + LocalSuffix
	return "CREATE TABLE IF NOT EXISTS " + kql.SQLIdent(t.Name) + " (\n  " + strings.Join(columnsDDL(t), ",\n  ") +
		"\n) ENGINE = Distributed(" + kql.SQLString(cluster) + ", " + kql.SQLString(database) + ", " + kql.SQLString(local) + ", " + kql.SQLRowColumn + ")"
}

// createTable creates table t on the server, or, on a cluster, its local
// table and its Distributed table on every shard (each shard can then be
// hunted on), one shard after the other: 18.16's ON CLUSTER needs
// ZooKeeper.
func createTable(c *Conn, t *kql.Table) error {
	if c.Cluster == "" {
		_, err := c.Query(TableDDL(t), "")
		return err
	}
	for _, addr := range c.Shards {
		if err := createOnShard(c, t, addr); err != nil {
			return fmt.Errorf("shard %s: %w", addr, err)
		}
	}
	// The node connected to may be no shard.
	_, err := c.Query(DistributedDDL(t, c.Cluster, c.Database()), "")
	return err
}

// createOnShard creates the local table of t and its Distributed table
// on the shard at addr.
func createOnShard(c *Conn, t *kql.Table, addr string) error {
	s := c.Shard(addr)
	defer s.Close()
	if err := s.CreateDatabase(); err != nil {
		return err
	}
	if err := s.Exec(tableDDL(t, t.Name+LocalSuffix)); err != nil {
		return err
	}
	return s.Exec(DistributedDDL(t, c.Cluster, c.Database()))
}

func tableDDL(t *kql.Table, stored string) string {
	cols := columnsDDL(t)
	var key []string
	for _, name := range []string{"Timestamp", "TimeGenerated"} {
		if i := t.Lookup(name); i >= 0 && t.Columns[i].Type.String() == "datetime" {
			// A sorting key holds no Nullable column: nulls sort as 0.
			key = append(key, "ifNull("+kql.SQLIdent(name)+", toInt64(0))")
			break
		}
	}
	if i := t.Lookup("DeviceId"); i >= 0 && t.Columns[i].Type.String() == "string" {
		key = append(key, kql.SQLIdent("DeviceId"))
	}
	key = append(key, kql.SQLRowColumn)
	return "CREATE TABLE IF NOT EXISTS " + kql.SQLIdent(stored) + " (\n  " + strings.Join(cols, ",\n  ") + "\n) ENGINE = MergeTree ORDER BY (" + strings.Join(key, ", ") + ")"
}

// columnsDDL returns the column definitions of t's stored table.
func columnsDDL(t *kql.Table) []string {
	cols := make([]string, 0, len(t.Columns)+1)
	for _, c := range t.Columns {
		cols = append(cols, kql.SQLIdent(c.Name)+" "+kql.SQLColumnType(c.Type))
	}
	return append(cols, kql.SQLRowColumn+" UInt64")
}
