package main

import (
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/hunt"
	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/kql"
)

// huntOptions are the flags of kqlhunt hunt.
type huntOptions struct {
	data           dataFlags
	rulePaths      []string
	packs          []string
	selection      hunt.Selection
	exclusions     string
	outputs        outputFlags
	now            kql.Datetime
	failOnFindings bool
	queryPeriod    bool
	progress       string
	engine         string
	cat            *kql.Catalog
	color          string
	quiet          bool
}

func huntCommand(e *env) *cobra.Command {
	o := huntOptions{outputs: outputFlags{def: "table", exts: findingExts}}
	cmd := &cobra.Command{
		Use:   "hunt (--rules PATH | --pack NAME)... [--data PATH]... [--rule GLOB]... [--format FORMAT] [-o FILE]... [flags]",
		Short: "Run hunting rules over telemetry and print their findings",
		Long: `Run every rule found under the --rules paths (Sentinel YAML, Markdown with
fenced KQL, .kql; files or folders, searched recursively) and in the built-in
--pack packs over the telemetry, and print each row of their output as a
finding. Every input file is read once, whatever the number of rules.

Rules that fail to load or compile are reported with their file positions and
skipped; the others still run. A rule whose tables (or requiredDataConnectors
dataTypes) have no data is reported as not evaluated, never as zero findings;
a rule that found nothing is listed with the reason when the data tells it
(its time window misses the data, a column it filters on is empty in every
row). A rule's queryPeriod is applied only with --query-period.

--exclusions FILE applies the tuning in FILE (see docs/exclusions.md): rows it
excludes are removed from a rule's tables before the rule sees them, the rows
each exclusion removed are counted per rule, and a warning says when the
exclusions suppress every match of a rule.

--rule, --min-severity, --tactic and --technique select the rules to run
(criteria of different flags must all hold; values of one flag are
alternatives). An exclusions file found among the rules is not read as a
rule.

Findings go to standard output in --format, or to the -o files: each
--format applies to the -o after it, and a -o without one takes the format
of its extension (.html, .csv, .json, .jsonl, .txt), so one hunt writes
several outputs. The table groups the findings per rule, with each rule's
own columns, fitted to the terminal's width (or $COLUMNS); severities are
coloured on a terminal unless NO_COLOR is set. Findings are written as rules
produce them (jsonl and json stream; table, csv and html buffer). A summary
goes to stderr; -q leaves only the findings and errors. Exit codes: 0 done; 1 findings
with --fail-on-findings; 2 a rule or the exclusions failed, or a usage
problem; 3 bad data with --strict; 4 --max-memory or --timeout reached; 130
interrupted.`,
		Example: `  kqlhunt hunt --rules examples/rules --data examples/telemetry --now 2025-03-05T00:00:00Z
  kqlhunt hunt --pack rmm --data export/ -o report.html -o findings.csv
  kqlhunt hunt --pack rmm --data export/ --format html -o report.html --format jsonl
  kqlhunt hunt --rules rules/ --exclusions tuning.yaml --data export/ --format jsonl --fail-on-findings`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(o.rulePaths) == 0 && len(o.packs) == 0 {
				return fail(exitUsage, "no rules: give --rules PATH or --pack NAME")
			}
			if !slices.Contains(colorModes, o.color) {
				return fail(exitUsage, "--color: unknown mode %q, expected %s", o.color, strings.Join(colorModes, ", "))
			}
			if !slices.Contains(progressModes, o.progress) {
				return fail(exitUsage, "--progress: unknown mode %q, expected %s", o.progress, strings.Join(progressModes, ", "))
			}
			var err error
			if o.now, err = o.data.nowValue(); err != nil {
				return err
			}
			if o.cat, err = o.data.catalog.catalog(o.rulePaths); err != nil {
				return err
			}
			if err := o.data.checkTables(o.cat); err != nil {
				return err
			}
			return runHunt(e, &o)
		},
	}
	o.data.register(cmd)
	engineFlag(cmd, &o.engine, "run the rules")
	cmd.Flags().StringArrayVar(&o.rulePaths, "rules", nil, "rule file or folder (repeatable)")
	packFlag(cmd, &o.packs)
	selectFlags(cmd, &o.selection)
	cmd.Flags().StringVar(&o.exclusions, "exclusions", "", "apply the exclusions of the YAML `FILE` (see docs/exclusions.md)")
	o.outputs.register(cmd, "output `FORMAT`: table, csv (a timeline), json, jsonl or html (a report)")
	cmd.Flags().BoolVar(&o.failOnFindings, "fail-on-findings", false, "exit 1 when any rule finds something")
	cmd.Flags().BoolVar(&o.queryPeriod, "query-period", false, "make each rule with a queryPeriod read only that period before --now, as Sentinel's scheduler runs it (default: every rule reads all the data)")
	cmd.Flags().StringVar(&o.progress, "progress", "auto", "show a progress bar of the data read on stderr: auto (when stderr is a terminal), always or never")
	cmd.Flags().StringVar(&o.color, "color", "auto", "colour the severities of the table: auto (when standard output is a terminal and NO_COLOR is not set), always or never")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "print only the findings and errors: no summary, warnings or progress bar")
	return cmd
}

// runHunt maps the options to a hunt and its result to an exit code.
func runHunt(e *env, o *huntOptions) error {
	specs, err := o.outputs.resolve(findingFormat)
	if err != nil {
		return err
	}
	cfg := hunt.Config{
		RulePaths:   o.rulePaths,
		Packs:       o.packs,
		Select:      o.selection,
		Exclusions:  o.exclusions,
		Catalog:     o.cat,
		Engine:      &hunt.Embedded{Data: o.data.options()},
		Now:         o.now,
		QueryPeriod: o.queryPeriod,
		Prefilter:   o.data.prefilter,
		Run: report.RunInfo{Command: commandLine(e.args), Version: version(),
			Data: append(append([]string{}, o.data.data...), o.data.tables...), Engine: redactURL(o.engine)},
		Log:   e.stderr,
		Quiet: o.quiet,
		Progress: func(what string, read func() (int64, int64)) func() {
			if o.quiet {
				return func() {}
			}
			return startProgress(e.stderr, o.progress, read, what)
		},
	}
	if cfg.MaxMemory, err = o.data.limits.memory(); err != nil {
		return err
	}
	if o.engine != "" {
		if len(o.data.catalog.loaded) > 0 {
			return fail(exitUsage, "--watchlist is read by the embedded engine; --engine runs the rules on the server, which has no watchlists")
		}
		if len(o.data.data) > 0 || len(o.data.tables) > 0 {
			return fail(exitUsage, "--engine runs on the server's data: load --data into it with kqlhunt load, not with hunt")
		}
		eng, err := serverEngine(o.engine, e.stderr)
		if err != nil {
			return err
		}
		cfg.Engine = eng
	}
	ctx, cancel, err := o.data.limits.context(e.ctx)
	if err != nil {
		return err
	}
	defer cancel()
	// The outputs are created last, so that a usage error leaves no
	// empty file behind.
	ws, closeOutputs, err := openOutputs(e.stdout, specs)
	if err != nil {
		return err
	}
	defer closeOutputs()
	findings := make([]report.FindingWriter, len(specs))
	for i, s := range specs {
		f, _ := report.ParseFindingFormat(s.format)
		if f == report.Table && s.path == "" {
			findings[i] = report.NewTableFindingWriter(ws[i], tableOptions(ws[i], o.color))
			continue
		}
		findings[i] = report.NewFindingWriter(ws[i], f)
	}
	cfg.Findings = report.Tee(findings...)
	res, err := hunt.Run(ctx, cfg)
	err = o.data.limits.outcome(ctx, err)
	var ue *hunt.UsageError
	if errors.As(err, &ue) {
		return fail(exitUsage, "%s", ue.Msg)
	}
	if err != nil {
		return err
	}
	if err := closeError(closeOutputs()); err != nil {
		return err
	}
	switch {
	case res.LimitReached:
		return fail(exitLimit, "a rule reached its memory limit%s", o.data.limits.note())
	case res.Stats.Failed > 0:
		return fail(exitUsage, "")
	case o.failOnFindings && res.Stats.Findings > 0:
		return fail(exitFindings, "")
	}
	return nil
}

// findingFormat checks a findings format name and returns it in lower
// case.
func findingFormat(s string) (string, error) {
	f, err := report.ParseFindingFormat(s)
	if err != nil {
		return "", err
	}
	return f.String(), nil
}

// redactURL returns an engine URL without its password, for the report.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
