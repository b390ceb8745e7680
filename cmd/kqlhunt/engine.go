package main

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
)

// engineFlag registers --engine on the subcommands that run on a server.
func engineFlag(cmd *cobra.Command, url *string, what string) {
	cmd.Flags().StringVar(url, "engine", "", what+" on the ClickHouse server at `URL`, clickhouse://[user[:password]@]host:port/database (port: the native protocol's, 9000 by default; see docs/clickhouse.md)")
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

// serverEngine returns the engine of an --engine URL; warnings about the
// queries that run in part in kqlhunt go to warn. The server's answers
// stream (rows arrive block by block), so that memory does not grow with
// them.
func serverEngine(url string, warn io.Writer) (*clickhouse.Engine, error) {
	c, err := serverConn(url)
	if err != nil {
		return nil, err
	}
	return &clickhouse.Engine{Conn: c, Warn: warn}, nil
}
