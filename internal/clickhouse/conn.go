// Package clickhouse runs kqlhunt's queries on a ClickHouse server and
// loads telemetry into it. It is an engine of the product layer
// (hunt.Engine) and reaches the KQL engine only through package kql:
// queries are translated with kql.Query.SQLWith, and the rows are stored
// and read back with the mapping of docs/clickhouse.md.
//
// The server is reached with ClickHouse's maintained Go client,
// github.com/ClickHouse/clickhouse-go/v2, over the native protocol (TCP
// port 9000 by default), which Debian's 18.16 and current servers speak
// alike: rows come back typed and as they arrive, block by block, and
// loads insert typed blocks.
package clickhouse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/kqlhunt/kqlhunt/kql"
)

// DefaultPort is the port of the native protocol that an engine URL
// without one reaches.
const DefaultPort = "9000"

// Runner runs one SQL statement and returns its output in the given
// ClickHouse output format ("" for statements without output). A *Conn
// is one, and so is an in-process chDB connection.
type Runner interface {
	Query(sql, format string) ([]byte, error)
}

// Conn is a connection to a ClickHouse server. It is safe for concurrent
// use; its copies (WithContext) share the client, which Close closes.
type Conn struct {
	addr     string // host:port of the native protocol
	database string
	user     string
	password string
	ctx      context.Context
	// Cluster and Shards come from the URL's ?cluster=NAME&shards=...:
	// Load then stores each table on every shard and reads and writes it
	// through a Distributed table (docs/clickhouse.md, "A cluster").
	Cluster string
	Shards  []string // the shards' addresses, host:port
	client  *client
}

// client is the Go client's connection, opened on first use.
type client struct {
	once sync.Once
	conn driver.Conn
	err  error
	opts *ch.Options
}

func newClient(addr, database, user, password string, settings ch.Settings) *client {
	return &client{opts: &ch.Options{
		Addr:        []string{addr},
		Auth:        ch.Auth{Database: database, Username: user, Password: password},
		Settings:    settings,
		DialTimeout: 10 * time.Second,
	}}
}

func (c *client) get() (driver.Conn, error) {
	c.once.Do(func() {
		c.conn, c.err = ch.Open(c.opts)
		if c.err != nil {
			c.err = fmt.Errorf("clickhouse: %v", c.err)
		}
	})
	return c.conn, c.err
}

// ParseURL reads an engine URL, clickhouse://[user[:password]@]host:port/database,
// where port is the server's native protocol port (9000 by default), with
// the options ?cluster=NAME&shards=HOST:PORT,HOST:PORT (a cluster of the
// server's remote_servers, and the native addresses of its shards, all of
// them). It returns the connection, not yet used.
func ParseURL(raw string) (*Conn, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("engine URL: %v", err)
	}
	if u.Scheme != "clickhouse" {
		return nil, fmt.Errorf("engine URL %q: expected clickhouse://[user[:password]@]host:port/database", raw)
	}
	host := u.Host
	if u.Port() == "" {
		host += ":" + DefaultPort
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("engine URL %q: no host", raw)
	}
	c := &Conn{
		addr:     host,
		database: strings.Trim(u.Path, "/"),
		user:     "default",
		ctx:      context.Background(),
	}
	if c.database == "" {
		c.database = "default"
	}
	if strings.Contains(c.database, "/") {
		return nil, fmt.Errorf("engine URL %q: expected one database name after the host", raw)
	}
	if u.User != nil {
		c.user = u.User.Username()
		c.password, _ = u.User.Password()
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("engine URL %q: %v", raw, err)
	}
	for k := range q {
		if k != "cluster" && k != "shards" {
			return nil, fmt.Errorf("engine URL %q: unknown option %q (expected cluster and shards)", raw, k)
		}
	}
	c.Cluster = q.Get("cluster")
	for _, s := range strings.Split(q.Get("shards"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.Shards = append(c.Shards, s)
		}
	}
	if (c.Cluster == "") != (len(c.Shards) == 0) {
		return nil, fmt.Errorf("engine URL %q: the options cluster and shards go together: ?cluster=NAME&shards=HOST:PORT,HOST:PORT (the native address of every shard)", raw)
	}
	var settings ch.Settings
	if c.Cluster != "" {
		// An INSERT into a Distributed table returns once every shard
		// has its rows, so that a load is complete when it returns.
		settings = ch.Settings{"insert_distributed_sync": 1}
	}
	c.client = newClient(c.addr, c.database, c.user, c.password, settings)
	return c, nil
}

// Shard returns a connection to the shard at the address addr, in the
// same database, as the same user. Close it after use.
func (c *Conn) Shard(addr string) *Conn {
	return c.at(addr, c.database)
}

// at returns a connection of its own to the server at addr, in database.
func (c *Conn) at(addr, database string) *Conn {
	d := *c
	d.addr, d.database = addr, database
	d.Cluster, d.Shards = "", nil
	d.client = newClient(addr, database, c.user, c.password, nil)
	return &d
}

// Close closes the connection (and its copies').
func (c *Conn) Close() error {
	if c.client.conn == nil {
		return nil
	}
	return c.client.conn.Close()
}

// Database returns the name of the database the connection uses.
func (c *Conn) Database() string { return c.database }

// WithContext returns a copy of c whose requests stop when ctx is done.
func (c *Conn) WithContext(ctx context.Context) *Conn {
	d := *c
	d.ctx = ctx
	return &d
}

// Exec runs a statement without output. An INSERT with its rows in the
// statement (VALUES) is refused: over the native protocol 18.16 waits
// for data blocks after it; Insert sends rows, INSERT … SELECT works.
func (c *Conn) Exec(sql string) error {
	if insertValues.MatchString(sql) {
		return fmt.Errorf("clickhouse: INSERT … VALUES is not sent over the native protocol; insert the rows with Insert or use INSERT … SELECT")
	}
	conn, err := c.client.get()
	if err != nil {
		return err
	}
	return serverError(conn.Exec(c.ctx, sql))
}

var insertValues = regexp.MustCompile(`(?is)^\s*INSERT\s.*?\)\s*VALUES\s*\(|^\s*INSERT\s+INTO\s+\S+\s+VALUES\s*\(`)

// Insert inserts rows into the columns cols of table, in one block: each
// row holds a value per column, of the Go type the column takes
// (kql.SQLInsertValue gives it for a stored KQL value).
func (c *Conn) Insert(table string, cols []string, rows [][]any) error {
	conn, err := c.client.get()
	if err != nil {
		return err
	}
	quoted := make([]string, len(cols))
	for i, col := range cols {
		quoted[i] = kql.SQLIdent(col)
	}
	// The columns named: 18.16 sends no column list for INSERT INTO T.
	b, err := conn.PrepareBatch(c.ctx, "INSERT INTO "+kql.SQLIdent(table)+" ("+strings.Join(quoted, ", ")+")")
	if err != nil {
		return serverError(err)
	}
	for _, row := range rows {
		if err := b.Append(row...); err != nil {
			b.Abort()
			return serverError(err)
		}
	}
	return serverError(b.Send())
}

// serverError says that err came from the server or the client.
func serverError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("clickhouse: %w", err)
}

// Select runs a SELECT whose columns store cols as docs/clickhouse.md
// maps them and returns its rows as they arrive, in batches of up to
// batchRows rows: its answer is never held whole. It is a kql.SQLRunner.
func (c *Conn) Select(ctx context.Context, sql string, cols []kql.Column) (kql.SQLRows, error) {
	conn, err := c.client.get()
	if err != nil {
		return nil, err
	}
	// Closing the rows before their end cancels the query, rather than
	// reading the rest of the answer.
	ctx, cancel := context.WithCancel(ctx)
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		cancel()
		return nil, serverError(err)
	}
	types := rows.ColumnTypes()
	if len(types) != len(cols) {
		cancel()
		rows.Close()
		return nil, fmt.Errorf("clickhouse: the SELECT returns %d columns, want %d", len(types), len(cols))
	}
	return &selectRows{rows: rows, cancel: cancel, dest: scanDest(rows), dec: kql.NewSQLRowDecoder(cols)}, nil
}

// scanDest returns a value to scan each column of rows into, of the type
// the client gives the column.
func scanDest(rows driver.Rows) []any {
	types := rows.ColumnTypes()
	dest := make([]any, len(types))
	for i, t := range types {
		dest[i] = reflect.New(t.ScanType()).Interface()
	}
	return dest
}

// batchRows is the number of rows of a batch of Select.
const batchRows = 8192

// selectRows reads a SELECT's rows into batches.
type selectRows struct {
	rows   driver.Rows
	cancel context.CancelFunc
	dest   []any
	dec    *kql.SQLRowDecoder
	done   bool
}

func (r *selectRows) Next() (*kql.Batch, error) {
	for !r.done && r.dec.Len() < batchRows {
		if !r.rows.Next() {
			r.done = true
			if err := r.rows.Err(); err != nil {
				return nil, serverError(err)
			}
			break
		}
		if err := r.rows.Scan(r.dest...); err != nil {
			return nil, serverError(err)
		}
		if err := r.dec.Add(r.dest); err != nil {
			return nil, fmt.Errorf("clickhouse: reading the rows: %v", err)
		}
	}
	if r.dec.Len() == 0 {
		return nil, nil
	}
	return r.dec.Take(), nil
}

func (r *selectRows) Close() error {
	if !r.done {
		r.cancel()
		r.rows.Close()
		return nil
	}
	r.cancel()
	return serverError(r.rows.Close())
}

// Query implements Runner: it runs sql in the connection's database and
// returns its rows in format, which must be "" (no output) or
// TabSeparated, written from the typed values (for small answers: the
// engine reads rows with Select).
func (c *Conn) Query(sql, format string) ([]byte, error) {
	if format == "" || !returnsRows(sql) {
		return nil, c.Exec(sql)
	}
	if format != "TabSeparated" && format != "TSV" {
		return nil, fmt.Errorf("clickhouse: format %s is not read (TabSeparated only)", format)
	}
	conn, err := c.client.get()
	if err != nil {
		return nil, err
	}
	rows, err := conn.Query(c.ctx, sql)
	if err != nil {
		return nil, serverError(err)
	}
	defer rows.Close()
	dest := scanDest(rows)
	var out bytes.Buffer
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, serverError(err)
		}
		for i, d := range dest {
			if i > 0 {
				out.WriteByte('\t')
			}
			out.WriteString(tsvField(reflect.ValueOf(d).Elem()))
		}
		out.WriteByte('\n')
	}
	return out.Bytes(), serverError(rows.Err())
}

// returnsRows reports whether the statement sql returns rows: a SELECT
// (or WITH … SELECT), SHOW, DESCRIBE or EXISTS.
func returnsRows(sql string) bool {
	word := strings.ToUpper(strings.TrimLeft(sql, " \t\r\n("))
	for _, w := range []string{"SELECT", "WITH", "SHOW", "DESC", "EXISTS"} {
		if strings.HasPrefix(word, w) {
			return true
		}
	}
	return false
}

// tsvField writes a scanned value as TabSeparated writes it.
func tsvField(v reflect.Value) string {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return `\N`
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Bool:
		if v.Bool() {
			return "1"
		}
		return "0"
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			return "nan"
		case math.IsInf(f, 1):
			return "inf"
		case math.IsInf(f, -1):
			return "-inf"
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	case reflect.String:
		return strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`).Replace(v.String())
	}
	return fmt.Sprint(v.Interface())
}

// Version returns the server's version, as SELECT version() gives it.
func Version(r Runner) (string, error) {
	out, err := r.Query("SELECT version()", "TabSeparated")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// CreateDatabase creates the connection's database when it does not exist.
func (c *Conn) CreateDatabase() error {
	// The connection's own database may not exist yet: the statement
	// goes through a connection to the default database.
	d := c.at(c.addr, "default")
	defer d.Close()
	return d.WithContext(c.ctx).Exec("CREATE DATABASE IF NOT EXISTS " + kql.SQLIdent(c.database))
}

// Ping waits up to d for the server to answer.
func (c *Conn) Ping(d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		// A connection of its own: a failed dial is not kept.
		p := c.at(c.addr, "default")
		_, err := p.WithContext(c.ctx).Query("SELECT 1", "TabSeparated")
		p.Close()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
