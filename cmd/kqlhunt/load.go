package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
	"github.com/kqlhunt/kqlhunt/internal/hunt"
)

func loadCommand(e *env) *cobra.Command {
	var df dataFlags
	var engine string
	var batch int
	cmd := &cobra.Command{
		Use:   "load --engine URL --data PATH... [flags]",
		Short: "Load telemetry into a ClickHouse server",
		Long: `Load telemetry into a ClickHouse server, for hunt --engine and query --engine.
Every input format that --data reads is loaded; the tables are created when
missing (MergeTree, ordered for hunting: see docs/clickhouse.md) and the rows
are inserted in batches, numbered in the order the embedded engine reads them.
Rows that the reader rejects are reported as FILE:LINE: reason (with --strict,
the first one stops the load, exit 3).

A load ledger on the server (table _kqlhunt_loads) records each file loaded,
by table, size and SHA-256 of its content: loading a file again skips it, so
rows are never doubled. Exit codes: 0 done; 2 usage or server error; 3 bad
data with --strict.`,
		Example: `  kqlhunt load --engine clickhouse://localhost:9000/hunting --data examples/telemetry
  kqlhunt load --engine clickhouse://user:secret@ch1:9000/hunting --table DeviceEvents=export/events.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if engine == "" {
				return fail(exitUsage, "load needs --engine clickhouse://host:port/database")
			}
			if len(df.data) == 0 && len(df.tables) == 0 {
				return fail(exitUsage, "nothing to load: give --data PATH or --table NAME=PATH")
			}
			cat, err := df.catalog.catalog(nil)
			if err != nil {
				return err
			}
			if err := df.checkTables(cat); err != nil {
				return err
			}
			c, err := serverConn(engine)
			if err != nil {
				return err
			}
			start := time.Now()
			loads, err := clickhouse.Load(e.ctx, c, cat, clickhouse.LoadOptions{Data: df.options(), BatchRows: batch, Log: e.stderr})
			var rows int64
			for _, l := range loads {
				hunt.ReportData(e.stderr, l.Stats)
				if !l.Skipped {
					rows += l.Rows
				}
			}
			if err != nil {
				return err
			}
			secs := time.Since(start).Seconds()
			fmt.Fprintf(e.stderr, "kqlhunt: loaded %d %s from %d %s in %.2fs (%.0f rows/s)\n", rows, plural(rows, "row", "rows"), len(loads), pluralInt(len(loads), "file", "files"), secs, float64(rows)/secs)
			return nil
		},
	}
	df.register(cmd)
	for _, name := range []string{"now", "prefilter", "externaldata", "watchlist"} {
		cmd.Flags().MarkHidden(name) // they do not bear on a load
	}
	engineFlag(cmd, &engine, "load")
	cmd.Flags().IntVar(&batch, "batch", 10000, "insert `N` rows per INSERT")
	return cmd
}
