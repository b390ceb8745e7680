package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/corpus"
	"github.com/kqlhunt/kqlhunt/internal/gen"
	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

func genCommand(e *env) *cobra.Command {
	var tables []string
	var rows int
	var seed uint64
	var now, out, corpusDir string
	var cf catalogFlags
	cmd := &cobra.Command{
		Use:   "gen --table NAME [--table NAME]... [flags]",
		Short: "Generate synthetic telemetry for tables",
		Long: `Generate plausible, typed rows for tables of the built-in schema (the Defender
XDR tables and the Sentinel Log Analytics tables, listed in docs/tables.md) and
write them as Advanced Hunting JSON lines, one file NAME.jsonl per table, which
'kqlhunt query --data DIR' reads back.

The rows are deterministic: the same table, --seed, --rows and --now give the
same file. Timestamps fall within the seven days before --now. The values are
meant to make queries run, not to make them match: see 'go doc
github.com/kqlhunt/kqlhunt/internal/gen' for what they look like.`,
		Example: `  kqlhunt gen --table DeviceProcessEvents --table DeviceNetworkEvents --now 2026-01-01T00:00:00Z --out data
  kqlhunt query --data data --now 2026-01-01T00:00:00Z 'DeviceProcessEvents | summarize count() by FileName'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(tables) == 0 {
				return fail(exitUsage, "gen: give at least one --table NAME")
			}
			if rows < 0 {
				return fail(exitUsage, "--rows: expected a count of 0 or more, got %d", rows)
			}
			at := kql.Now()
			if now != "" {
				var err error
				if at, err = kql.ParseNow(now); err != nil {
					return fail(exitUsage, "--now: %v", err)
				}
			}
			cat, err := cf.catalog(nil)
			if err != nil {
				return err
			}
			if corpusDir != "" {
				var err error
				if cat, err = (&corpus.Corpus{Dir: corpusDir}).Schemas(); err != nil {
					return fail(exitUsage, "--corpus: %v", err)
				}
				if len(cat.Names()) == 0 {
					return fail(exitUsage, "--corpus: no table schemas in %s", filepath.Join(corpusDir, "schemas"))
				}
			}
			var ts []*schema.Table
			seen := map[string]bool{}
			for _, name := range tables {
				t := cat.Table(name)
				if t == nil {
					return fail(exitUsage, "--table: unknown table '%s'", name)
				}
				if !seen[name] {
					seen[name] = true
					ts = append(ts, t)
				}
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return fail(exitUsage, "--out: %v", err)
			}
			opts := gen.Options{Seed: seed, Rows: rows, Now: at}
			for _, t := range ts {
				path := filepath.Join(out, t.Name+".jsonl")
				if err := writeTable(path, t, opts); err != nil {
					return fail(exitUsage, "%v", err)
				}
				fmt.Fprintf(e.stderr, "kqlhunt: wrote %s (%d %s)\n", path, rows, plural(int64(rows), "row", "rows"))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	cf.register(cmd, false)
	fl.StringArrayVar(&tables, "table", nil, "generate rows of table `NAME` (repeatable)")
	fl.IntVar(&rows, "rows", 1000, "rows per table")
	fl.Uint64Var(&seed, "seed", 1, "seed: another seed gives other, equally plausible rows")
	fl.StringVar(&now, "now", "", "the `TIME` the data ends at (RFC 3339); default: the current time")
	fl.StringVar(&out, "out", ".", "write NAME.jsonl files into `DIR`, created if missing")
	fl.StringVar(&corpusDir, "corpus", "", "use the table schemas of a conformance corpus, `DIR`/schemas/*.json, instead of the built-in catalog")
	return cmd
}

// writeTable writes the generated rows of t to path as JSON lines; for
// opts.Rows 0, an empty file (gen.Options would read 0 as its default).
func writeTable(path string, t *schema.Table, opts gen.Options) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	if opts.Rows == 0 {
		return nil
	}
	w := bufio.NewWriterSize(f, 1<<16)
	rw := report.NewResultWriter(w, report.JSONL)
	if err := rw.Begin(t.Columns); err != nil {
		return err
	}
	if err := gen.Generate(t, opts, rw.Write); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := rw.End(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
