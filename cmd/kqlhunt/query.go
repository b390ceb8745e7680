package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/hunt"
	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/kql"
)

func queryCommand(e *env) *cobra.Command {
	var df dataFlags
	var file, engine string
	outs := outputFlags{def: "table", exts: resultExts}
	cmd := &cobra.Command{
		Use:   "query [flags] [QUERY]",
		Short: "Run a KQL query over telemetry",
		Long: `Run a KQL query over telemetry. The query comes from the argument, from -f FILE,
or from standard input.`,
		Example: `  kqlhunt query --data examples/telemetry 'DeviceNetworkEvents | where RemoteUrl has "screenmeet.com" | take 5'
  kqlhunt query --data export.jsonl --now 2025-03-05T00:00:00Z --format jsonl -f hunt.kql`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			text, name, err := queryText(e, file, args)
			if err != nil {
				return err
			}
			specs, err := outs.resolve(func(s string) (string, error) {
				f, err := report.ParseFormat(s)
				return f.String(), err
			})
			if err != nil {
				return err
			}
			if len(specs) > 1 {
				return fail(exitUsage, "query writes one output: give one --format or -o")
			}
			f, _ := report.ParseFormat(specs[0].format)
			ws, closeOutput, err := openOutputs(e.stdout, specs)
			if err != nil {
				return err
			}
			defer closeOutput()
			e := &env{ctx: e.ctx, stdin: e.stdin, stdout: ws[0], stderr: e.stderr}
			now, err := df.nowValue()
			if err != nil {
				return err
			}
			cat, err := df.catalog.catalog(nil)
			if err != nil {
				return err
			}
			maxMemory, err := df.limits.memory()
			if err != nil {
				return err
			}
			ctx, cancel, err := df.limits.context(e.ctx)
			if err != nil {
				return err
			}
			defer cancel()
			q, err := kql.CompileContext(ctx, text, cat, kql.Options{Name: name, MaxMemory: maxMemory, NoPrefilter: !df.prefilter})
			if err != nil {
				if ctx.Err() != nil {
					return df.limits.outcome(ctx, err)
				}
				return compileError(err)
			}
			printWarnings(e, q)
			if engine != "" && len(df.catalog.loaded) > 0 {
				return fail(exitUsage, "--watchlist is read by the embedded engine; --engine runs the query on the server, which has no watchlists")
			}
			if engine != "" {
				if err := queryServer(e, ctx, engine, q, cat, now, f, &df); err != nil {
					return err
				}
				return closeError(closeOutput())
			}
			d, err := df.open(cat)
			if err != nil {
				return err
			}
			hunt.WarnEnrichment(e.stderr, d, q.Tables, map[string]bool{})
			for _, t := range hunt.MissingTables(d, q.Tables) {
				fmt.Fprintf(e.stderr, "kqlhunt: warning: no data for table %s; it reads as empty\n", t)
			}
			cursors, err := q.Open(ctx, d, now)
			if err != nil {
				return df.limits.outcome(ctx, err)
			}
			for i, c := range cursors {
				if i > 0 && f == report.Table {
					fmt.Fprintln(e.stdout)
				}
				if err := writeResult(c, report.NewResultWriter(e.stdout, f)); err != nil {
					for _, rest := range cursors[i+1:] {
						rest.Close()
					}
					hunt.ReportData(e.stderr, d.Stats())
					return df.limits.outcome(ctx, err)
				}
			}
			hunt.ReportData(e.stderr, d.Stats())
			return closeError(closeOutput())
		},
	}
	df.register(cmd)
	engineFlag(cmd, &engine, "run the query")
	cmd.Flags().StringVarP(&file, "file", "f", "", "read the query from `FILE`")
	outs.register(cmd, "output `FORMAT`: table, csv, json or jsonl")
	return cmd
}

// writeResult streams one result to w.
func writeResult(c *kql.Cursor, w report.ResultWriter) error {
	defer c.Close()
	if err := w.Begin(c.Columns); err != nil {
		return err
	}
	for {
		b, err := c.Next()
		if err != nil {
			return err
		}
		if b == nil {
			return w.End()
		}
		if err := w.Write(b); err != nil {
			return err
		}
	}
}

// queryText returns the query from -f FILE, the argument, or stdin, and
// the name to show in positions.
func queryText(e *env, file string, args []string) (string, string, error) {
	switch {
	case file != "" && len(args) > 0:
		return "", "", fail(exitUsage, "give the query as an argument or with -f, not both")
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", fail(exitUsage, "%v", err)
		}
		return string(b), file, nil
	case len(args) > 0:
		return args[0], "", nil
	}
	b, err := io.ReadAll(e.stdin)
	if err != nil {
		return "", "", fail(exitUsage, "reading the query from standard input: %v", err)
	}
	if len(b) == 0 {
		return "", "", fail(exitUsage, "no query: give it as an argument, with -f FILE, or on standard input")
	}
	return string(b), "<stdin>", nil
}

// compileError turns a compilation failure into exit code 2 with the
// rendered diagnostics.
func compileError(err error) error {
	var ce *kql.Error
	if errors.As(err, &ce) {
		return fail(exitUsage, "the query has errors:\n%s", ce.Error())
	}
	return fail(exitUsage, "%v", err)
}

// printWarnings prints a query's non-fatal diagnostics.
func printWarnings(e *env, q *kql.Query) {
	if len(q.Warnings) > 0 {
		fmt.Fprint(e.stderr, q.Warnings.Format(q.Source))
	}
}

// queryServer runs q on the ClickHouse server at url and writes its rows
// as the embedded engine's would be written.
func queryServer(e *env, ctx context.Context, url string, q *kql.Query, cat *kql.Catalog, now kql.Datetime, f report.Format, df *dataFlags) error {
	if len(df.data) > 0 || len(df.tables) > 0 {
		return fail(exitUsage, "--engine runs on the server's data: load --data into it with kqlhunt load, not with query")
	}
	eng, err := serverEngine(url, e.stderr)
	if err != nil {
		return err
	}
	if err := eng.Open(cat); err != nil {
		return err
	}
	for _, t := range hunt.MissingTables(eng, q.Tables) {
		fmt.Fprintf(e.stderr, "kqlhunt: warning: no data for table %s on the server; it reads as empty\n", t)
	}
	cols, b, err := eng.Run(ctx, q, now)
	var nt *kql.NotTranslatedError
	if errors.As(err, &nt) {
		return fail(exitUsage, "query: %v", err)
	}
	if err != nil {
		return df.limits.outcome(ctx, err)
	}
	w := report.NewResultWriter(e.stdout, f)
	if err := w.Begin(cols); err != nil {
		return err
	}
	if err := w.Write(b); err != nil {
		return err
	}
	return w.End()
}
