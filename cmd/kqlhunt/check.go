package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
	"github.com/kqlhunt/kqlhunt/internal/hunt"
	"github.com/kqlhunt/kqlhunt/kql"
)

func checkCommand(e *env) *cobra.Command {
	var file, engine, nowFlag string
	var syntaxOnly bool
	var cf catalogFlags
	cmd := &cobra.Command{
		Use:   "check [flags] [QUERY]",
		Short: "Parse and type-check a query without data",
		Long: `Parse and type-check a query against the built-in Defender XDR and Sentinel schema, without data.
Prints every diagnostic as LINE:COL: message with the source line; exits 0 when
the query is clean and 2 otherwise.

With --engine, it also says how the query runs on that ClickHouse server:
whole, or in part in kqlhunt (the construct that keeps it from running whole,
with its position), and which tables the server has no rows of; the server
checks every SELECT the query would send (with LIMIT 0, reading no rows), and
a SELECT it refuses is an error (exit 2).`,
		Example: `  kqlhunt check 'DeviceNetworkEvents | where AccountUpn has "x"'
  kqlhunt check --syntax-only -f hunt.kql
  kqlhunt check --engine clickhouse://localhost:9000/hunting -f hunt.kql`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			text, name, err := queryText(e, file, args)
			if err != nil {
				return err
			}
			cat, err := cf.catalog(nil)
			if err != nil {
				return err
			}
			q, err := kql.Compile(text, cat, kql.Options{Name: name, SyntaxOnly: syntaxOnly})
			if err != nil {
				var ce *kql.Error
				if errors.As(err, &ce) {
					fmt.Fprint(e.stdout, ce.Error())
					return fail(exitUsage, "")
				}
				return fail(exitUsage, "%v", err)
			}
			if len(q.Warnings) > 0 {
				fmt.Fprint(e.stdout, q.Warnings.Format(q.Source))
			}
			if engine != "" {
				if syntaxOnly {
					return fail(exitUsage, "--engine needs the query's types: it does not go with --syntax-only")
				}
				df := dataFlags{now: nowFlag}
				now, err := df.nowValue()
				if err != nil {
					return err
				}
				return checkServer(e, e.ctx, engine, cat, q, now)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "read the query from `FILE`")
	cmd.Flags().BoolVar(&syntaxOnly, "syntax-only", false, "only parse; do not resolve names and types")
	engineFlag(cmd, &engine, "also check how the query runs")
	cmd.Flags().StringVar(&nowFlag, "now", "", "the query's current time for --engine, `T` (RFC 3339); default: the current time")
	cf.register(cmd, true)
	return cmd
}

// checkServer prints how q runs on the server at url (check --engine).
func checkServer(e *env, ctx context.Context, url string, cat *kql.Catalog, q *kql.Query, now kql.Datetime) error {
	eng, err := serverEngine(url, nil)
	if err != nil {
		return err
	}
	if err := eng.Open(cat); err != nil {
		return fail(exitUsage, "--engine: %v", err)
	}
	for _, t := range hunt.MissingTables(eng, q.Tables) {
		fmt.Fprintf(e.stdout, "warning: the server has no rows of table %s; it reads as empty\n", t)
	}
	res, err := eng.Check(ctx, q, now)
	if err != nil {
		var nt *kql.NotTranslatedError
		if errors.As(err, &nt) {
			return fail(exitUsage, "%v", err)
		}
		return fail(exitUsage, "--engine: %v", err)
	}
	if res.Split == nil {
		fmt.Fprintf(e.stdout, "runs whole on ClickHouse %s: one SELECT, whose rows are the result\n", eng.Version)
		return nil
	}
	fmt.Fprintf(e.stdout, "runs in part on ClickHouse %s: %s; %d %s pushed down ('kqlhunt sql --split' prints them)\n",
		eng.Version, clickhouse.SplitWarning(res.Split), res.Parts, pluralInt(res.Parts, "part", "parts"))
	return nil
}
