package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/kql"
)

func sqlCommand(e *env) *cobra.Command {
	var file, now string
	cmd := &cobra.Command{
		Use:   "sql [flags] [QUERY]",
		Short: "Print the ClickHouse SQL of a KQL query",
		Long: `Print the ClickHouse SQL SELECT that computes a KQL query's result over tables
stored as docs/clickhouse.md describes. The query comes from the argument, from
-f FILE, or from standard input. now() and ago() read --now (default: the
current time) as a constant. A query that uses a construct outside the
translated subset is refused with its position (exit code 2): the SQL never
approximates the embedded engine.`,
		Example: `  kqlhunt sql 'DeviceNetworkEvents | where RemoteUrl has "screenmeet.com" | summarize n=count() by DeviceName'
  kqlhunt sql --now 2026-11-20T00:00:00Z -f hunt.kql`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			text, name, err := queryText(e, file, args)
			if err != nil {
				return err
			}
			df := dataFlags{now: now}
			t, err := df.nowValue()
			if err != nil {
				return err
			}
			q, err := kql.CompileContext(e.ctx, text, kql.Defender(), kql.Options{Name: name})
			if err != nil {
				return compileError(err)
			}
			printWarnings(e, q)
			sql, err := q.SQL(t)
			if err != nil {
				var nt *kql.NotTranslatedError
				if errors.As(err, &nt) {
					return fail(exitUsage, "%s", nt.Error())
				}
				return fail(exitUsage, "%v", err)
			}
			fmt.Fprintln(e.stdout, sql)
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "read the query from `FILE`")
	cmd.Flags().StringVar(&now, "now", "", "the query's current time, `T` (RFC 3339); default: the current time")
	return cmd
}
