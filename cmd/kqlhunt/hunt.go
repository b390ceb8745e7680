package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

func huntCommand(e *env) *cobra.Command {
	var df dataFlags
	var rulePaths []string
	var format string
	var failOnFindings bool
	cmd := &cobra.Command{
		Use:   "hunt --rules PATH... [--data PATH]... [flags]",
		Short: "Run hunting rules over telemetry and print their findings",
		Long: `Run every Sentinel YAML rule found under the --rules paths (files or folders,
searched recursively) over the telemetry and print each row of their output as a
finding. Rules that fail to load or compile are reported with their file
positions and skipped; the others still run. A summary goes to stderr.`,
		Example: `  kqlhunt hunt --rules examples/rules --data examples/telemetry --now 2025-03-05T00:00:00Z
  kqlhunt hunt --rules rules/ --data export/ --format jsonl --fail-on-findings`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(rulePaths) == 0 {
				return fail(exitUsage, "no rules: give --rules PATH")
			}
			f, err := report.ParseFormat(format)
			if err != nil {
				return fail(exitUsage, "--format: %v", err)
			}
			now, err := df.nowValue()
			if err != nil {
				return err
			}
			return hunt(e, &df, rulePaths, f, now, failOnFindings)
		},
	}
	df.register(cmd)
	cmd.Flags().StringArrayVar(&rulePaths, "rules", nil, "rule file or folder (repeatable)")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, csv, json or jsonl")
	cmd.Flags().BoolVar(&failOnFindings, "fail-on-findings", false, "exit 1 when any rule finds something")
	return cmd
}

// compiledRule is a rule whose query compiled.
type compiledRule struct {
	rule  *rules.Rule
	query *kql.Query
}

func hunt(e *env, df *dataFlags, rulePaths []string, format report.Format, now value.Datetime, failOnFindings bool) error {
	start := time.Now()
	cat := schema.Defender()
	loaded, loadErrs := rules.Load(rulePaths)
	bad := len(loadErrs)
	for _, err := range loadErrs {
		fmt.Fprint(e.stderr, withNewline(rules.FormatError(err)))
	}
	var runnable []compiledRule
	for _, r := range loaded {
		q, err := kql.Compile(r.Query, cat, kql.Options{Name: r.File, Pos: r.QueryPosition})
		if err != nil {
			bad++
			var ce *kql.Error
			if errors.As(err, &ce) {
				fmt.Fprintf(e.stderr, "kqlhunt: rule %q (%s) has query errors:\n%s", r.Name, r.ID, ce.Error())
			} else {
				fmt.Fprintf(e.stderr, "kqlhunt: rule %q (%s): %v\n", r.Name, r.ID, err)
			}
			continue
		}
		runnable = append(runnable, compiledRule{rule: r, query: q})
	}
	if len(loaded) == 0 && bad == 0 {
		return fail(exitUsage, "no rules found under %s", strings.Join(rulePaths, ", "))
	}
	d, err := df.open(cat)
	if err != nil {
		return err
	}
	w := report.NewFindingWriter(e.stdout, format)
	sum := huntSummary{}
	warned := map[string]bool{}
	var evaluated []compiledRule
	for _, cr := range runnable {
		warnEnrichment(e.stderr, d, cr.query.Tables, warned)
		if missing := missingData(d, cr); len(missing) > 0 {
			sum.notEvaluated = append(sum.notEvaluated, fmt.Sprintf("%s (%s): no %s data", cr.rule.Name, cr.rule.ID, strings.Join(missing, ", ")))
			continue
		}
		evaluated = append(evaluated, cr)
	}
	// One pass: every table is read once for all the rules.
	queries := make([]*kql.Query, len(evaluated))
	for i, cr := range evaluated {
		queries[i] = cr.query
	}
	src := dataset{d: d, external: source.ExternalDir{Dir: df.external}}
	outcomes := kql.RunMany(e.ctx, queries, src, now)
	for i, cr := range evaluated {
		err := outcomes[i].Err
		if err == nil {
			var n int
			n, err = writeFindings(cr, outcomes[i].Results, w)
			sum.findings += n
			if n > 0 {
				sum.withFindings++
			}
		}
		if err != nil {
			var de *source.DataError
			if errors.As(err, &de) {
				reportData(e.stderr, d.Stats())
				return err
			}
			bad++
			fmt.Fprintf(e.stderr, "kqlhunt: rule %q (%s) failed: %v\n", cr.rule.Name, cr.rule.ID, err)
			continue
		}
		sum.run++
	}
	if err := w.End(); err != nil {
		return err
	}
	st := d.Stats()
	reportData(e.stderr, st)
	sum.rows, sum.elapsed = st.Rows, time.Since(start)
	for _, f := range st.Files {
		sum.bytes += f.Bytes
	}
	sum.bad = bad
	sum.print(e)
	switch {
	case bad > 0:
		return fail(exitUsage, "")
	case failOnFindings && sum.findings > 0:
		return fail(exitFindings, "")
	}
	return nil
}

// missingData returns the tables a rule needs that the data lacks: the
// tables its query reads and those its requiredDataConnectors name.
func missingData(d *source.Dataset, cr compiledRule) []string {
	need := append([]string(nil), cr.query.Tables...)
	for _, dc := range cr.rule.RequiredDataConnectors {
		need = append(need, dc.DataTypes...)
	}
	seen := map[string]bool{}
	var uniq []string
	for _, t := range need {
		if !seen[t] {
			seen[t] = true
			uniq = append(uniq, t)
		}
	}
	return missingTables(d, uniq)
}

// writeFindings writes a finding per output row of a rule.
func writeFindings(cr compiledRule, results []*kql.Result, w report.FindingWriter) (int, error) {
	n := 0
	for _, res := range results {
		for _, b := range res.Batches {
			for i := 0; i < b.N; i++ {
				f := &report.Finding{
					RuleID: cr.rule.ID, RuleName: cr.rule.Name, Severity: cr.rule.Severity,
					Tactics: cr.rule.Tactics, Techniques: cr.rule.RelevantTechniques,
					Columns: res.Columns, Row: b.Row(i),
				}
				if err := w.Write(f); err != nil {
					return n, err
				}
				n++
			}
		}
	}
	return n, nil
}

type huntSummary struct {
	run, withFindings, findings, bad int
	notEvaluated                     []string
	rows, bytes                      int64
	elapsed                          time.Duration
}

func (s *huntSummary) print(e *env) {
	fmt.Fprintf(e.stderr, "kqlhunt: %d %s run, %d with findings (%d %s), %d not evaluated, %d failed; %d rows (%s) scanned in %s\n",
		s.run, pluralInt(s.run, "rule", "rules"), s.withFindings, s.findings, pluralInt(s.findings, "finding", "findings"),
		len(s.notEvaluated), s.bad, s.rows, humanBytes(s.bytes), s.elapsed.Round(time.Millisecond))
	for _, ne := range s.notEvaluated {
		fmt.Fprintf(e.stderr, "kqlhunt: not evaluated: %s\n", ne)
	}
}

func pluralInt(n int, one, many string) string { return plural(int64(n), one, many) }

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func withNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
