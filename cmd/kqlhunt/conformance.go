package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/conformance"
	"github.com/kqlhunt/kqlhunt/internal/corpus"
	"github.com/kqlhunt/kqlhunt/internal/gen"
	"github.com/kqlhunt/kqlhunt/kql"
)

func conformanceCommand(e *env) *cobra.Command {
	var mode, now, format string
	var exceptions []string
	var timeout time.Duration
	var minPct float64
	var rows, workers int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "conformance [flags] DIR",
		Short: "Measure kqlhunt against a conformance corpus",
		Long: `Measure kqlhunt against a conformance corpus: a folder of KQL queries with a
manifest.csv giving the verdicts of Microsoft's parser and analyzer (the format
of the shared corpus), and the table schemas in schemas/*.json.

For each mode it prints agreed/total and every disagreeing file with kqlhunt's
first message:

  parser     every query parses, or fails to parse, as reference_syntax says
  checker    queries with reference_semantic ok or fail compile against the
             corpus schemas, or fail to, as the reference analyzer did
  execution  queries with reference_semantic ok run to completion over rows
             that 'kqlhunt gen' would generate for their tables (same --seed,
             --rows and --now), within --timeout each

--exceptions FILE names the known disagreements, one FILE<TAB>REASON line per
query; they are shown with their reason, and listed files that agree now are
shown as stale. Give MODE=FILE to apply a file to one mode; a plain FILE needs
a single --mode.

Exit codes: 0 measured; 1 a mode's agreement is below --min; 2 usage error or
unreadable corpus.`,
		Example: `  kqlhunt conformance ../shared/corpus
  kqlhunt conformance --mode checker --exceptions kql/testdata/semantic-exceptions.txt ../shared/corpus
  kqlhunt conformance --exceptions execution=kql/testdata/execution-exceptions.txt --min 98 --format json ../shared/corpus`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			modes, err := conformance.ParseMode(mode)
			if err != nil {
				return fail(exitUsage, "--mode: %v", err)
			}
			if format != "text" && format != "json" {
				return fail(exitUsage, "--format: unknown format %q, expected text or json", format)
			}
			opts := conformance.Options{Modes: modes, Timeout: timeout, Workers: workers, Rows: rows, Seed: seed}
			if now == "" {
				now = conformance.DefaultNow
			}
			if opts.Now, err = kql.ParseNow(now); err != nil {
				return fail(exitUsage, "--now: %v", err)
			}
			if timeout <= 0 {
				return fail(exitUsage, "--timeout: expected a positive duration, got %v", timeout)
			}
			if rows <= 0 || seed == 0 {
				return fail(exitUsage, "--rows and --seed: expected positive numbers")
			}
			exc, err := readExceptionFlags(exceptions, modes)
			if err != nil {
				return err
			}
			c, err := corpus.Load(args[0])
			if err != nil {
				return fail(exitUsage, "%v", err)
			}
			if showProgress(e.stderr, "auto") {
				p := &countProgress{w: e.stderr}
				opts.Progress = p.update
				defer p.clear()
			}
			rep, err := conformance.Run(e.ctx, c, opts)
			if err != nil {
				if e.ctx.Err() != nil {
					return err // interrupted
				}
				return fail(exitUsage, "%v", err)
			}
			for _, r := range rep.Results {
				if ex := exc[r.Mode]; ex != nil {
					r.Apply(ex)
				}
			}
			if format == "json" {
				b, err := json.MarshalIndent(rep, "", "  ")
				if err != nil {
					return err
				}
				if _, err := e.stdout.Write(append(b, '\n')); err != nil {
					return err
				}
			} else if err := conformance.WriteText(e.stdout, rep); err != nil {
				return err
			}
			if minPct > 0 {
				var below []string
				for _, r := range rep.Results {
					if r.Percent() < minPct {
						below = append(below, fmt.Sprintf("%s %.2f%%", r.Mode, r.Percent()))
					}
				}
				if len(below) > 0 {
					return fail(exitFindings, "below --min %g%%: %s", minPct, strings.Join(below, ", "))
				}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&mode, "mode", "all", "what to measure: parser, checker, execution or all")
	fl.StringVar(&now, "now", "", "the `TIME` that now() and ago() read and generated data ends at (RFC 3339); default "+conformance.DefaultNow)
	fl.DurationVar(&timeout, "timeout", conformance.DefaultTimeout, "time limit of one query in execution mode")
	fl.StringVar(&format, "format", "text", "output format: text or json")
	fl.StringArrayVar(&exceptions, "exceptions", nil, "known disagreements, `[MODE=]FILE` of FILE<TAB>REASON lines (repeatable, one per mode)")
	fl.Float64Var(&minPct, "min", 0, "exit 1 when a mode agrees on less than `PCT` percent of its queries")
	fl.IntVar(&rows, "rows", gen.DefaultRows, "generated rows per table in execution mode")
	fl.Uint64Var(&seed, "seed", conformance.DefaultSeed, "seed of the generated rows")
	fl.IntVar(&workers, "workers", 0, "queries run at once; default: the number of CPUs")
	return cmd
}

// readExceptionFlags reads the --exceptions files, keyed by mode.
func readExceptionFlags(flags []string, modes []conformance.Mode) (map[conformance.Mode]*conformance.Exceptions, error) {
	out := map[conformance.Mode]*conformance.Exceptions{}
	for _, f := range flags {
		var m conformance.Mode
		path := f
		if name, p, ok := strings.Cut(f, "="); ok {
			if ms, err := conformance.ParseMode(name); err == nil && len(ms) == 1 {
				m, path = ms[0], p
			}
		}
		if m == "" {
			if len(modes) != 1 {
				return nil, fail(exitUsage, "--exceptions %s: name the mode as MODE=FILE, or measure a single --mode", f)
			}
			m = modes[0]
		}
		if out[m] != nil {
			return nil, fail(exitUsage, "--exceptions %s: the %s mode has exceptions already (%s)", f, m, out[m].Path)
		}
		ex, err := conformance.ReadExceptions(path)
		if err != nil {
			return nil, fail(exitUsage, "--exceptions: %v", err)
		}
		out[m] = ex
	}
	return out, nil
}
