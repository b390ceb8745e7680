package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
	"github.com/kqlhunt/kqlhunt/internal/hunt"
)

// engineFlag registers --engine on the subcommands that run on a server.
func engineFlag(cmd *cobra.Command, url *string, what string) {
	cmd.Flags().StringVar(url, "engine", "", what+" on the ClickHouse server at `URL`, clickhouse://[user[:password]@]host:port/database (port: the native protocol's, 9000 by default; see docs/clickhouse.md)")
}

// serverConn returns the connection of an --engine URL.
func serverConn(url string) (*clickhouse.Conn, error) {
	c, err := hunt.ServerConn(url)
	if err != nil {
		return nil, fail(exitUsage, "%v", err)
	}
	return c, nil
}

// serverEngine returns the engine of an --engine URL; warnings about the
// queries that run in part in kqlhunt go to warn (hunt.ServerEngine).
func serverEngine(url string, warn io.Writer) (*clickhouse.Engine, error) {
	e, err := hunt.ServerEngine(url, warn)
	if err != nil {
		return nil, fail(exitUsage, "%v", err)
	}
	return e, nil
}
