// Package clickhouse runs kqlhunt's queries on a ClickHouse server and
// loads telemetry into it. It is an engine of the product layer
// (hunt.Engine) and reaches the KQL engine only through package kql:
// queries are translated with kql.Query.SQLWith, and the rows are stored
// and read back with the mapping of docs/clickhouse.md.
//
// The server is reached through its HTTP interface with TabSeparated
// data, which ClickHouse has read and written the same way since 1.1, so
// that one client speaks to Debian's 18.16 and to current servers alike.
package clickhouse

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Runner runs one SQL statement and returns its output in the given
// ClickHouse output format ("" for statements without output). A *Conn
// is one, and so is an in-process chDB connection.
type Runner interface {
	Query(sql, format string) ([]byte, error)
}

// Conn is a connection to a ClickHouse server's HTTP interface. It is safe
// for concurrent use.
type Conn struct {
	base     string // http://host:port/
	database string
	user     string
	password string
	client   *http.Client
	ctx      context.Context
	// Cluster and Shards come from the URL's ?cluster=NAME&shards=...:
	// Load then stores each table on every shard and reads and writes it
	// through a Distributed table (docs/clickhouse.md, "A cluster").
	Cluster string
	Shards  []string // the shards' HTTP addresses, host:port
	// settings are sent with every query, as URL parameters.
	settings url.Values
	// MaxAnswer bounds the bytes of an answer that a query holds (the
	// rows are decoded from it); 0 is unlimited. A larger answer fails
	// with an error that wraps kql.ErrLimit, rather than growing memory
	// with the data.
	MaxAnswer int64
}

// ParseURL reads an engine URL, clickhouse://[user[:password]@]host:port/database,
// where port is the server's HTTP port (8123 by default), with the
// options ?cluster=NAME&shards=HOST:PORT,HOST:PORT (a cluster of the
// server's remote_servers, and the HTTP addresses of its shards, all of
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
		host += ":8123"
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("engine URL %q: no host", raw)
	}
	c := &Conn{
		base:     "http://" + host + "/",
		database: strings.Trim(u.Path, "/"),
		user:     "default",
		client:   &http.Client{Timeout: 0},
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
		return nil, fmt.Errorf("engine URL %q: the options cluster and shards go together: ?cluster=NAME&shards=HOST:PORT,HOST:PORT (the HTTP address of every shard)", raw)
	}
	if c.Cluster != "" {
		// An INSERT into a Distributed table returns once every shard
		// has its rows, so that a load is complete when it returns.
		c.settings = url.Values{"insert_distributed_sync": {"1"}}
	}
	return c, nil
}

// Shard returns a connection to the shard at the HTTP address addr, in
// the same database, as the same user.
func (c *Conn) Shard(addr string) *Conn {
	d := *c
	d.base = "http://" + addr + "/"
	d.Cluster, d.Shards = "", nil
	return &d
}

// Database returns the name of the database the connection uses.
func (c *Conn) Database() string { return c.database }

// WithContext returns a copy of c whose requests stop when ctx is done.
func (c *Conn) WithContext(ctx context.Context) *Conn {
	d := *c
	d.ctx = ctx
	return &d
}

// Query implements Runner: it sends sql to the server, in the
// connection's database, and returns the output in format.
func (c *Conn) Query(sql, format string) ([]byte, error) {
	return c.query(c.database, sql, format)
}

func (c *Conn) query(database, sql, format string) ([]byte, error) {
	params := url.Values{}
	for k, v := range c.settings {
		params[k] = v
	}
	if format != "" {
		// The HTTP interface's default format, not a FORMAT clause: an
		// INSERT's VALUES would read the clause as data.
		params.Set("default_format", format)
	}
	if database != "" {
		params.Set("database", database)
	}
	req, err := http.NewRequestWithContext(c.ctx, http.MethodPost, c.base+"?"+params.Encode(), strings.NewReader(sql))
	if err != nil {
		return nil, err
	}
	// The user in headers: 18.16 reads X-ClickHouse-User and -Key.
	req.Header.Set("X-ClickHouse-User", c.user)
	if c.password != "" {
		req.Header.Set("X-ClickHouse-Key", c.password)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: %v", err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if c.MaxAnswer > 0 {
		r = io.LimitReader(r, c.MaxAnswer+1)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: reading the answer: %v", err)
	}
	if c.MaxAnswer > 0 && int64(len(body)) > c.MaxAnswer {
		return nil, fmt.Errorf("clickhouse: the server's answer is larger than %d bytes (--max-memory); narrow the query: %w", c.MaxAnswer, kql.ErrLimit)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("clickhouse: %s", strings.TrimSpace(string(bytes.TrimSpace(body))))
	}
	return body, nil
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
	_, err := c.query("", "CREATE DATABASE IF NOT EXISTS `"+strings.ReplaceAll(c.database, "`", "\\`")+"`", "")
	return err
}

// Ping waits up to d for the server to answer.
func (c *Conn) Ping(d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		_, err := c.query("", "SELECT 1", "TabSeparated")
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
