package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
	"github.com/kqlhunt/kqlhunt/kql"
)

func sqlCommand(e *env) *cobra.Command {
	var file, now string
	var split bool
	var cf catalogFlags
	cmd := &cobra.Command{
		Use:   "sql [flags] [QUERY]",
		Short: "Print the ClickHouse SQL of a KQL query",
		Long: `Print the ClickHouse SQL SELECT that computes a KQL query's result over tables
stored as docs/clickhouse.md describes. The query comes from the argument, from
-f FILE, or from standard input. now() and ago() read --now (default: the
current time) as a constant. A query that uses a construct outside the
translated subset is refused with its position (exit code 2): the SQL never
approximates the embedded engine. With --split, such a query prints instead the
SELECTs of its parts that run on the server when it runs with --engine (its
scans with the filters and projections above them that translate, each with
its plan in comments); the rest runs in kqlhunt over their rows.`,
		Example: `  kqlhunt sql 'DeviceNetworkEvents | where RemoteUrl has "screenmeet.com" | summarize n=count() by DeviceName'
  kqlhunt sql --now 2026-11-20T00:00:00Z -f hunt.kql
  kqlhunt sql --split -f rule.kql`,
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
			cat, err := cf.catalog(nil)
			if err != nil {
				return err
			}
			q, err := kql.CompileContext(e.ctx, text, cat, kql.Options{Name: name})
			if err != nil {
				return compileError(err)
			}
			printWarnings(e, q)
			sql, err := q.SQL(t)
			if err != nil {
				var nt *kql.NotTranslatedError
				if errors.As(err, &nt) && split {
					return printSplit(e, q, t)
				}
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
	cf.register(cmd, false)
	cmd.Flags().BoolVar(&split, "split", false, "for a query that does not translate whole, print the SELECTs of the parts that run on the server")
	cmd.Flags().StringVar(&now, "now", "", "the query's current time, `T` (RFC 3339); default: the current time")
	return cmd
}

// printSplit prints the parts of q that run on the server, and on
// standard error what runs in kqlhunt.
func printSplit(e *env, q *kql.Query, now kql.Datetime) error {
	s, err := q.SplitSQL(kql.SQLOptions{Now: now})
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	fmt.Fprintf(e.stderr, "kqlhunt: warning: %s\n", clickhouse.SplitWarning(s.NotPushed))
	for i, p := range s.Parts {
		fmt.Fprintf(e.stdout, "-- part %d of %d:\n", i+1, len(s.Parts))
		for _, line := range strings.Split(strings.TrimRight(p.Plan, "\n"), "\n") {
			fmt.Fprintf(e.stdout, "--   %s\n", line)
		}
		fmt.Fprintf(e.stdout, "%s;\n", p.SQL)
	}
	if len(s.Parts) == 0 {
		fmt.Fprintln(e.stdout, "-- no part runs on the server but the reads of whole tables")
	}
	return nil
}
