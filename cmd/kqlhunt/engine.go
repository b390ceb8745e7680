package main

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
)

// engineFlag registers --engine on the subcommands that run on a server.
func engineFlag(cmd *cobra.Command, url *string, what string) {
	cmd.Flags().StringVar(url, "engine", "", what+" on the ClickHouse server at `URL`, clickhouse://[user[:password]@]host:port/database (port: the HTTP interface's, 8123 by default; see docs/clickhouse.md)")
}

// serverConn returns the connection of an --engine URL.
func serverConn(url string) (*clickhouse.Conn, error) {
	if !strings.HasPrefix(url, "clickhouse://") {
		return nil, fail(exitUsage, "--engine %q: expected clickhouse://[user[:password]@]host:port/database", url)
	}
	c, err := clickhouse.ParseURL(url)
	if err != nil {
		return nil, fail(exitUsage, "--engine: %v", err)
	}
	return c, nil
}

// serverEngine returns the engine of an --engine URL, opened on the
// Defender catalog's tables; warnings about the queries that run in
// part in kqlhunt go to warn. An answer of the server is held whole while
// its rows are decoded: maxMemory (--max-memory, 0 for none) bounds it.
func serverEngine(url string, warn io.Writer, maxMemory int64) (*clickhouse.Engine, error) {
	c, err := serverConn(url)
	if err != nil {
		return nil, err
	}
	c.MaxAnswer = maxMemory
	return &clickhouse.Engine{Conn: c, Warn: warn}, nil
}
