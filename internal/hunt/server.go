package hunt

import (
	"io"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/kql"
)

// ServerConn returns the connection of an engine URL,
// clickhouse://[user[:password]@]host:port/database. The CLI's --engine
// and the server's share it.
func ServerConn(url string) (*clickhouse.Conn, error) {
	if !strings.HasPrefix(url, "clickhouse://") {
		return nil, usagef("--engine %q: expected clickhouse://[user[:password]@]host:port/database", url)
	}
	c, err := clickhouse.ParseURL(url)
	if err != nil {
		return nil, usagef("--engine: %v", err)
	}
	return c, nil
}

// ServerEngine returns the engine of an engine URL; warnings about the
// queries that run in part in kqlhunt go to warn. The server's answers
// stream (rows arrive block by block), so that memory does not grow with
// them.
func ServerEngine(url string, warn io.Writer) (*clickhouse.Engine, error) {
	c, err := ServerConn(url)
	if err != nil {
		return nil, err
	}
	return &clickhouse.Engine{Conn: c, Warn: warn}, nil
}

// Validate checks r against cat as `kqlhunt rules validate` does: its
// query compiles and the tables of its requiredDataConnectors exist. It
// returns whether r has no error, and every diagnostic as
// FILE:LINE:COL: message.
func Validate(r *rules.Rule, cat *kql.Catalog) (valid bool, diags []string) {
	_, ds := rules.Check(r, cat)
	for _, d := range ds {
		diags = append(diags, d.Labeled(nil))
	}
	return len(ds.Errors()) == 0, diags
}
