package main

import (
	"github.com/kqlhunt/kqlhunt/internal/diag"

	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/exclude"
	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

// huntOptions are the flags of kqlhunt hunt.
type huntOptions struct {
	data           dataFlags
	rulePaths      []string
	packs          []string
	exclusions     string
	format         report.Format
	now            value.Datetime
	failOnFindings bool
	progress       string
}

func huntCommand(e *env) *cobra.Command {
	var o huntOptions
	var format string
	cmd := &cobra.Command{
		Use:   "hunt (--rules PATH | --pack NAME)... [--data PATH]... [flags]",
		Short: "Run hunting rules over telemetry and print their findings",
		Long: `Run every rule found under the --rules paths (Sentinel YAML, Markdown with
fenced KQL, .kql; files or folders, searched recursively) and in the built-in
--pack packs over the telemetry, and print each row of their output as a
finding. Every input file is read once, whatever the number of rules.

Rules that fail to load or compile are reported with their file positions and
skipped; the others still run. A rule whose tables (or requiredDataConnectors
dataTypes) have no data is reported as not evaluated, never as zero findings.

--exclusions FILE applies the tuning in FILE (see docs/exclusions.md): rows it
excludes are removed from a rule's tables before the rule sees them, the rows
each exclusion removed are counted per rule, and a warning says when the
exclusions suppress every match of a rule.

A summary goes to stderr. Exit codes: 0 done; 1 findings with
--fail-on-findings; 2 a rule or the exclusions failed, or a usage problem;
3 bad data with --strict.`,
		Example: `  kqlhunt hunt --rules examples/rules --data examples/telemetry --now 2025-03-05T00:00:00Z
  kqlhunt hunt --pack rmm --data export/ --format html > report.html
  kqlhunt hunt --rules rules/ --exclusions tuning.yaml --data export/ --format jsonl --fail-on-findings`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(o.rulePaths) == 0 && len(o.packs) == 0 {
				return fail(exitUsage, "no rules: give --rules PATH or --pack NAME")
			}
			if !slices.Contains(progressModes, o.progress) {
				return fail(exitUsage, "--progress: unknown mode %q, expected %s", o.progress, strings.Join(progressModes, ", "))
			}
			var err error
			if o.format, err = report.ParseFindingFormat(format); err != nil {
				return fail(exitUsage, "--format: %v", err)
			}
			if o.now, err = o.data.nowValue(); err != nil {
				return err
			}
			return hunt(e, &o)
		},
	}
	o.data.register(cmd)
	cmd.Flags().StringArrayVar(&o.rulePaths, "rules", nil, "rule file or folder (repeatable)")
	packFlag(cmd, &o.packs)
	cmd.Flags().StringVar(&o.exclusions, "exclusions", "", "apply the exclusions of the YAML `FILE` (see docs/exclusions.md)")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, csv (a timeline), json, jsonl or html (a report)")
	cmd.Flags().BoolVar(&o.failOnFindings, "fail-on-findings", false, "exit 1 when any rule finds something")
	cmd.Flags().StringVar(&o.progress, "progress", "auto", "show a progress bar of the data read on stderr: auto (when stderr is a terminal), always or never")
	return cmd
}

// huntRule is a rule of a hunt that compiled, with its exclusions bound.
type huntRule struct {
	rule *rules.Rule
	// base is the query without exclusions; query is the one that runs,
	// with them (base itself when none applies).
	base, query *kql.Query
	excluded    bool
	report      *report.RuleReport
}

func hunt(e *env, o *huntOptions) error {
	start := time.Now()
	cat := schema.Defender()
	h := &report.Hunt{Started: start, Now: o.now.Time()}
	s, err := loadRuleSet(o.rulePaths, o.packs)
	if err != nil {
		return err
	}
	warnings := recorder{w: e.stderr, lines: &h.Warnings} // for the HTML report
	for _, d := range s.diags {
		if d.Severity == diag.Warning {
			fmt.Fprintln(warnings, d.Labeled(nil))
			continue
		}
		fmt.Fprintln(e.stderr, d.Labeled(nil))
		fmt.Fprint(e.stderr, withNewline(d.Excerpt(nil)))
	}
	var set *exclude.Set
	if o.exclusions != "" {
		if set, err = exclude.Load(o.exclusions, cat); err != nil {
			fmt.Fprint(e.stderr, withNewline(rules.FormatError(err)))
			return fail(exitUsage, "--exclusions %s: not applied, so no rule was run", o.exclusions)
		}
	}
	h.Rules = loadFailures(s.diags)
	loaded := s.loaded()
	// h.Rules does not grow after this, so pointers into it stay valid.
	h.Rules = append(h.Rules, make([]report.RuleReport, len(loaded))...)
	reports := h.Rules[len(h.Rules)-len(loaded):]
	var runnable []*huntRule
	for i, r := range loaded {
		rr := &reports[i]
		*rr = report.RuleReport{ID: r.ID, Name: r.Name, Severity: r.Severity, Tactics: r.Tactics,
			Techniques: r.RelevantTechniques, File: r.File}
		hr, err := compileRule(r, cat, set)
		if err != nil {
			msg := rules.FormatError(err)
			fmt.Fprintf(e.stderr, "kqlhunt: rule %q (%s) not run:\n%s", r.Name, r.ID, withNewline(msg))
			rr.Errors = append(rr.Errors, msg)
			continue
		}
		hr.report = rr
		runnable = append(runnable, hr)
	}
	d, err := o.data.open(cat)
	if err != nil {
		return err
	}
	warned := map[string]bool{}
	var evaluated []*huntRule
	for _, hr := range runnable {
		warnEnrichment(warnings, d, hr.query.Tables, warned)
		if missing := missingData(d, hr); len(missing) > 0 {
			hr.report.NotEvaluated = fmt.Sprintf("no %s data", strings.Join(missing, ", "))
			continue
		}
		evaluated = append(evaluated, hr)
	}
	// One pass: every table is read once for all the rules.
	queries := make([]*kql.Query, len(evaluated))
	var tables []string
	for i, hr := range evaluated {
		queries[i] = hr.query
		tables = append(tables, hr.query.Tables...)
	}
	src := dataset{d: d, external: source.ExternalDir{Dir: o.data.external}}
	stop := startProgress(e.stderr, o.progress, d, tables, fmt.Sprintf("%d %s", len(queries), pluralInt(len(queries), "rule", "rules")))
	outcomes := kql.RunMany(e.ctx, queries, src, o.now)
	stop()
	if err := e.ctx.Err(); err != nil { // interrupted: every rule failed with it
		return err
	}
	w := report.NewFindingWriter(e.stdout, o.format)
	for i, hr := range evaluated {
		err := outcomes[i].Err
		if err == nil {
			err = writeFindings(hr, outcomes[i].Results, w)
		}
		if err == nil && hr.excluded {
			err = assessExclusions(e, set, cat, hr, outcomes[i].Results, src, o.now)
		}
		if err != nil {
			var de *source.DataError
			if errors.As(err, &de) {
				reportData(e.stderr, d.Stats())
				return err
			}
			fmt.Fprintf(e.stderr, "kqlhunt: rule %q (%s) failed: %v\n", hr.rule.Name, hr.rule.ID, err)
			hr.report.Errors = append(hr.report.Errors, err.Error())
		}
	}
	st := d.Stats()
	reportData(warnings, st)
	h.RowsScanned = st.Rows
	for _, f := range st.Files {
		h.BytesRead += f.Bytes
	}
	h.Elapsed = time.Since(start)
	if err := report.Finish(w, h); err != nil { // html writes its page here
		return err
	}
	report.WriteSummary(e.stderr, h)
	sum := h.Stats()
	switch {
	case sum.Failed > 0:
		return fail(exitUsage, "")
	case o.failOnFindings && sum.Findings > 0:
		return fail(exitFindings, "")
	}
	return nil
}

// recorder writes to w and keeps each line written in *lines, without
// its "kqlhunt: " and "warning: " prefixes: the warnings of a hunt, for
// its HTML report.
type recorder struct {
	w     io.Writer
	lines *[]string
}

func (r recorder) Write(p []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		l = strings.TrimPrefix(strings.TrimPrefix(l, "kqlhunt: "), "warning: ")
		*r.lines = append(*r.lines, l)
	}
	return r.w.Write(p)
}

// loadFailures returns a failed RuleReport for each file that diags has
// errors about, holding those errors, in file order.
func loadFailures(diags rules.ErrorList) []report.RuleReport {
	var out []report.RuleReport
	index := map[string]int{}
	for _, d := range diags.Errors() {
		i, ok := index[d.FileName()]
		if !ok {
			i = len(out)
			index[d.FileName()] = i
			out = append(out, report.RuleReport{File: d.FileName(), Name: d.FileName()})
		}
		out[i].Errors = append(out[i].Errors, d.Labeled(nil))
	}
	return out
}

// compileRule compiles r's query, binds the exclusions of set that apply
// to it and, when some do, compiles the query again with them.
func compileRule(r *rules.Rule, cat *schema.Catalog, set *exclude.Set) (*huntRule, error) {
	opts := kql.Options{Name: r.File, Pos: r.QueryPosition}
	base, err := kql.Compile(r.Query, cat, opts)
	if err != nil {
		return nil, err
	}
	hr := &huntRule{rule: r, base: base, query: base}
	ex, err := set.Bind(cat, r.ID, base.Tables)
	if err != nil || len(ex) == 0 {
		return hr, err
	}
	opts.Exclusions = ex
	if hr.query, err = kql.Compile(r.Query, cat, opts); err != nil {
		return nil, err
	}
	hr.excluded = true
	return hr, nil
}

// assessExclusions records what the exclusions of hr removed and prints
// the warnings about them: above all, that they suppress every match of
// the rule.
func assessExclusions(e *env, set *exclude.Set, cat *schema.Catalog, hr *huntRule, results []*kql.Result, src kql.Tables, now value.Datetime) error {
	out, err := set.Assess(e.ctx, cat, hr.rule.ID, hr.base, results, src, now)
	if err != nil {
		return err
	}
	for _, sup := range out.Suppressed {
		hr.report.Suppressed = append(hr.report.Suppressed, report.Suppression{Exclusion: sup.Entry.Name, Rows: sup.Rows})
	}
	if len(results) > 0 {
		hr.report.SuppressedRows = results[0].SuppressedRows
	}
	for _, w := range out.Warnings {
		msg := w.Error()
		fmt.Fprintln(e.stderr, msg)
		hr.report.Warnings = append(hr.report.Warnings, msg)
	}
	if len(out.Warnings) > 0 {
		fmt.Fprintf(e.stderr, "kqlhunt: rule %q (%s) finds nothing with its exclusions, but %d %s without them: check that the exclusions do not remove what the rule looks for\n",
			hr.rule.Name, hr.rule.ID, out.Unexcluded, pluralInt(out.Unexcluded, "finding", "findings"))
	}
	return nil
}

// entityMappings converts a rule's entity mappings for package report.
func entityMappings(r *rules.Rule) []report.EntityMapping {
	var ms []report.EntityMapping
	for _, m := range r.EntityMappings {
		em := report.EntityMapping{Type: m.EntityType}
		for _, f := range m.FieldMappings {
			em.Fields = append(em.Fields, report.EntityField{Identifier: f.Identifier, Column: f.ColumnName})
		}
		ms = append(ms, em)
	}
	return ms
}

// missingData returns the tables a rule needs that the data lacks: the
// tables its query reads and those its requiredDataConnectors name.
func missingData(d *source.Dataset, hr *huntRule) []string {
	need := append([]string(nil), hr.query.Tables...)
	for _, dc := range hr.rule.RequiredDataConnectors {
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

// writeFindings writes a finding per output row of a rule and counts them
// in its report.
func writeFindings(hr *huntRule, results []*kql.Result, w report.FindingWriter) error {
	r := hr.rule
	mappings := entityMappings(r)
	for _, res := range results {
		for _, b := range res.Batches {
			for i := 0; i < b.N; i++ {
				row := b.Row(i)
				f := &report.Finding{
					RuleID: r.ID, RuleName: r.Name, Severity: r.Severity,
					Tactics: r.Tactics, Techniques: r.RelevantTechniques,
					Columns: res.Columns, Row: row,
					Entities: report.Entities(mappings, res.Columns, row),
				}
				if err := w.Write(f); err != nil {
					return err
				}
				hr.report.Findings++
			}
		}
	}
	return nil
}

func withNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

func pluralInt(n int, one, many string) string { return plural(int64(n), one, many) }
