// Package hunt is kqlhunt's product layer: it runs hunting rules over
// telemetry and reports their findings. Run loads rules and packs,
// compiles them, applies exclusions, checks that each rule has its data,
// runs every rule in one pass on an Engine, streams the findings to a
// writer and sums up the hunt. The CLI maps its flags to a Config and the
// Result to an exit code; a second engine plugs in as Config.Engine
// without touching the workflow.
package hunt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/exclude"
	"github.com/kqlhunt/kqlhunt/internal/par"
	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Config is what a hunt runs, over what, and where its output goes.
type Config struct {
	// RulePaths are rule files and folders; Packs names built-in packs.
	RulePaths []string
	Packs     []string
	// Rules, when set, are the rules to run, already loaded: RulePaths
	// and Packs then only describe the run. Run does not change the set
	// (Select works on a copy), so a server can run one loaded set many
	// times.
	Rules *RuleSet
	// Select chooses which of the loaded rules run; the others are left
	// out of the hunt and its report, and counted.
	Select Selection
	// Exclusions is the path of an exclusions file, or "".
	Exclusions string
	// Catalog is the tables the rules are checked against; the built-in
	// Defender XDR and Sentinel catalog (kql.Builtin) when nil.
	Catalog *kql.Catalog
	// Engine runs the queries where the data is.
	Engine Engine
	// Now is the instant now() and ago() read.
	Now kql.Datetime
	// QueryPeriod makes a rule with a queryPeriod read only the rows of
	// that period before Now, as Sentinel's scheduler runs it; without it
	// every rule reads all the data, and the summary says how many
	// queryPeriods were not applied.
	QueryPeriod bool
	// Window, when its To is set, makes every rule read only the rows
	// whose TimeGenerated lies between From and To (both included),
	// whatever its queryPeriod: a run of a scheduled rule over one of its
	// windows, or a hunt over a time range. Rows after To are not read,
	// so that data ingested for the future, or a catch-up of an old
	// window, does not leak into the window. It takes the place of
	// QueryPeriod.
	Window Window
	// MaxMemory bounds the memory of each rule's run, in bytes (0:
	// unlimited): a rule that would exceed it fails with kql.ErrLimit.
	MaxMemory int64
	// Prefilter lets the rules' scans skip, without decoding them, the
	// JSON lines whose raw bytes show that they cannot pass the rule's
	// filters on the table (kql.Options.NoPrefilter): findings are the
	// same, and the hunt is faster, but the lines skipped give no column
	// or time statistics, so that a rule that found nothing is not told
	// why from them, and a malformed line among them is not reported
	// unless it is cut short.
	Prefilter bool
	// Run describes the run for the report (command line, version,
	// data); Run fills in the rules, packs and exclusions when it leaves
	// them empty.
	Run report.RunInfo
	// Findings receives every finding as rules produce them; Run ends it
	// (report.Finish).
	Findings report.FindingWriter
	// Log receives the hunt's messages: rule diagnostics, warnings, and
	// the summary at the end.
	Log io.Writer
	// Quiet leaves out of Log everything but errors: warnings and the
	// summary (the report still records the warnings).
	Quiet bool
	// Progress, when set, is called when the rules start to run, with a
	// function that tells how much of the data is read (when the engine
	// can tell) and a description of the run; the function it returns is
	// called when the run ends, before anything else is written to Log.
	Progress func(what string, read func() (done, total int64)) (stop func())
}

// Window is a range of TimeGenerated, both ends included; the zero
// Window is no range.
type Window struct{ From, To kql.Datetime }

// Result is what a hunt did.
type Result struct {
	// Hunt is the hunt's model for reports: each rule's outcome, the data
	// read, the warnings.
	Hunt *report.Hunt
	// Stats are its totals.
	Stats report.Stats
	// LimitReached is set when some rule failed for the memory budget
	// (kql.ErrLimit).
	LimitReached bool
}

// rule is a rule of a hunt that compiled, with its exclusions bound.
type rule struct {
	rule    *rules.Rule
	applied *exclude.Applied
	report  *report.RuleReport
	// mappings are the rule's entity mappings, for its findings.
	mappings []report.EntityMapping
}

// Run runs the hunt cfg describes. Rules that fail to load, compile or
// run are reported in the Result and the log, and the others still run.
// The error is a *UsageError when there is nothing to run or the
// exclusions do not load, a *kql.DataError for bad data under
// DataOptions.Strict, or the context's error when it is cancelled.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	start := time.Now()
	cat := cfg.Catalog
	if cat == nil {
		cat = kql.Builtin()
	}
	h := &report.Hunt{Started: start, Now: cfg.Now.Time(), Run: cfg.Run}
	if h.Run.Rules == nil && h.Run.Packs == nil {
		h.Run.Rules, h.Run.Packs = cfg.RulePaths, cfg.Packs
	}
	if h.Run.Exclusions == "" {
		h.Run.Exclusions = cfg.Exclusions
	}
	warnings := recorder{w: cfg.Log, lines: &h.Warnings} // for the HTML report
	if cfg.Quiet {
		warnings.w = io.Discard
	}
	if err := cfg.Select.Check(); err != nil {
		return nil, err
	}
	var s *RuleSet
	var err error
	if cfg.Rules != nil {
		c := *cfg.Rules
		files := *c.Files
		c.Files = &files
		s = &c
	} else if s, err = LoadRules(cfg.RulePaths, cfg.Packs); err != nil {
		return nil, err
	}
	if left := s.Select(cfg.Select); left > 0 {
		if len(s.Loaded()) == 0 && len(s.Diags.Errors()) == 0 {
			return nil, usagef("no rule matches %s (%d %s loaded)", cfg.Select, left, plural(left, "rule", "rules"))
		}
		h.Deselected, h.Selection = left, cfg.Select.String()
	}
	printLoadDiags(cfg.Log, warnings, s.Diags)
	for _, f := range s.Files.Exclusions {
		if !sameFile(f, cfg.Exclusions) {
			fmt.Fprintf(warnings, "kqlhunt: %s is an exclusions file, not a rule: not applied (apply it with --exclusions %s)\n", f, f)
		}
	}
	var set *exclude.Set
	if cfg.Exclusions != "" {
		if set, err = exclude.Load(cfg.Exclusions, cat); err != nil {
			fmt.Fprint(cfg.Log, withNewline(rules.FormatError(err)))
			return nil, usagef("--exclusions %s: not applied, so no rule was run", cfg.Exclusions)
		}
	}
	runnable, err := compileRules(ctx, cfg, cat, set, s, h)
	if err != nil {
		return nil, err
	}
	if err := cfg.Engine.Open(cat); err != nil {
		return nil, err
	}
	warned := map[string]bool{}
	var evaluated []*rule
	for _, hr := range runnable {
		WarnEnrichment(warnings, cfg.Engine, hr.applied.Query.Tables, warned)
		if missing := missingData(cfg.Engine, hr); len(missing) > 0 {
			hr.report.NotEvaluated = fmt.Sprintf("no %s data", strings.Join(missing, ", "))
			continue
		}
		evaluated = append(evaluated, hr)
	}
	outcomes, err := runRules(ctx, cfg, evaluated)
	if err != nil {
		return nil, err
	}
	limited, err := settle(ctx, cfg, evaluated, outcomes)
	if err != nil {
		return nil, err
	}
	if set != nil {
		h.ExclusionEntries = len(set.Entries)
		logf := func(format string, args ...any) { fmt.Fprintf(warnings, format+"\n", args...) }
		if err := countRemoved(ctx, cfg, evaluated, outcomes, logf); err != nil {
			return nil, err
		}
	}
	if st, ok := cfg.Engine.(statser); ok {
		data := st.Stats()
		for _, hr := range evaluated {
			if hr.report.Findings == 0 && len(hr.report.Errors) == 0 {
				hr.report.Blind = blind(hr.applied.Query, data, cfg.Now)
			}
		}
		ReportData(warnings, data)
		h.RowsScanned = data.Rows + data.Prefiltered
		for _, f := range data.Files {
			h.BytesRead += f.Bytes
		}
	}
	if sv, ok := cfg.Engine.(server); ok {
		h.Server, h.ServerRows = sv.Server()
	}
	h.Elapsed = time.Since(start)
	h.PeakMemory = peakMemory()
	if err := report.Finish(cfg.Findings, h); err != nil { // html writes its page here
		return nil, err
	}
	if !cfg.Quiet {
		report.WriteSummary(cfg.Log, h)
	}
	return &Result{Hunt: h, Stats: h.Stats(), LimitReached: limited}, nil
}

// statser is an Engine that can tell what its readers read and skipped.
type statser interface{ Stats() kql.DataStats }

// server is an Engine that runs the queries on a server: it names the
// server and counts the rows the server returned.
type server interface {
	Server() (name string, returned int64)
}

// printLoadDiags prints the diagnostics of loading the rules: errors
// with their excerpt to log, warnings to warnings (which keeps them for
// the report).
func printLoadDiags(log, warnings io.Writer, diags rules.ErrorList) {
	for _, d := range diags {
		if d.Severity == diag.Warning {
			fmt.Fprintln(warnings, d.Labeled(nil))
			continue
		}
		fmt.Fprintln(log, d.Labeled(nil))
		fmt.Fprint(log, withNewline(d.Excerpt(nil)))
	}
}

// compileRules fills h.Rules with a report per rule file that failed to
// load and per rule that loaded, and compiles the rules that loaded; a
// rule that does not compile is reported and left out.
func compileRules(ctx context.Context, cfg Config, cat *kql.Catalog, set *exclude.Set, s *RuleSet, h *report.Hunt) ([]*rule, error) {
	h.Rules = loadFailures(s.Diags)
	loaded := s.Loaded()
	// h.Rules does not grow after this, so pointers into it stay valid.
	h.Rules = append(h.Rules, make([]report.RuleReport, len(loaded))...)
	reports := h.Rules[len(h.Rules)-len(loaded):]
	// Compile on every core (a pack has hundreds of rules); report in
	// order.
	type compiled struct {
		hr  *rule
		err error
	}
	results := make([]compiled, len(loaded))
	par.Each(ctx, len(loaded), func(i int) {
		r := loaded[i]
		results[i].hr, results[i].err = compileRule(ctx, r, cat, set, cfg.QueryPeriod && r.QueryPeriod != "" && cfg.Window.To == 0, cfg)
	})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var runnable []*rule
	for i, r := range loaded {
		rr := &reports[i]
		*rr = report.RuleReport{ID: r.ID, Name: r.Name, Severity: r.Severity, Tactics: r.Tactics,
			Techniques: r.RelevantTechniques, File: r.File}
		if r.QueryPeriod != "" && !cfg.QueryPeriod && cfg.Window.To == 0 {
			h.PeriodsNotApplied++
		}
		hr, err := results[i].hr, results[i].err
		if err != nil {
			msg := rules.FormatError(err)
			fmt.Fprintf(cfg.Log, "kqlhunt: rule %q (%s) not run:\n%s", r.Name, r.ID, withNewline(msg))
			rr.Errors = append(rr.Errors, msg)
			continue
		}
		hr.report = rr
		runnable = append(runnable, hr)
	}
	return runnable, nil
}

// settle records the outcome of each rule's run: its error, or what its
// exclusions removed. A data error under --strict stops the hunt; limited
// says whether some rule failed for the memory budget.
func settle(ctx context.Context, cfg Config, evaluated []*rule, outcomes []kql.Outcome) (limited bool, err error) {
	for i, hr := range evaluated {
		err := outcomes[i].Err
		if err == nil && hr.applied.Excluded() {
			err = assessExclusions(ctx, cfg, hr, outcomes[i])
		}
		if err == nil {
			continue
		}
		var de *kql.DataError
		if errors.As(err, &de) {
			if st, ok := cfg.Engine.(statser); ok {
				ReportData(cfg.Log, st.Stats())
			}
			return false, err
		}
		limited = limited || errors.Is(err, kql.ErrLimit)
		fmt.Fprintf(cfg.Log, "kqlhunt: rule %q (%s) failed: %v\n", hr.rule.Name, hr.rule.ID, err)
		hr.report.Errors = append(hr.report.Errors, err.Error())
	}
	return limited, nil
}

// runRules runs the rules in one pass, every table read once for all of
// them, and writes their findings as they come.
func runRules(ctx context.Context, cfg Config, evaluated []*rule) ([]kql.Outcome, error) {
	queries := make([]*kql.Query, len(evaluated))
	var tables []string
	for i, hr := range evaluated {
		queries[i] = hr.applied.Query
		tables = append(tables, hr.applied.Query.Tables...)
	}
	stop := func() {}
	if cfg.Progress != nil {
		read := func() (int64, int64) { return 0, 0 }
		if p, ok := cfg.Engine.(interface{ Progress([]string) (int64, int64) }); ok {
			read = func() (int64, int64) { return p.Progress(tables) }
		}
		stop = cfg.Progress(fmt.Sprintf("%d %s", len(queries), plural(len(queries), "rule", "rules")), read)
	}
	outcomes := cfg.Engine.RunMany(ctx, queries, cfg.Now, func(q, _ int, cols []kql.Column, b *kql.Batch) error {
		return writeFindings(evaluated[q], cols, b, cfg.Findings)
	})
	stop()
	if err := ctx.Err(); err != nil { // interrupted: every rule failed with it
		return nil, err
	}
	return outcomes, nil
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

// compileRule compiles r's query, reading only its queryPeriod before now
// when lookback is set, and applies the exclusions of set that apply to
// it.
func compileRule(ctx context.Context, r *rules.Rule, cat *kql.Catalog, set *exclude.Set, lookback bool, cfg Config) (*rule, error) {
	now := cfg.Now
	base, err := kql.CompileContext(ctx, r.Query, cat, kql.Options{Name: r.File, Pos: r.QueryPosition, MaxMemory: cfg.MaxMemory, NoPrefilter: !cfg.Prefilter})
	if err != nil {
		return nil, err
	}
	if lookback {
		period, ok := kql.ParseTimespan(r.QueryPeriod)
		if !ok || period <= 0 {
			return nil, fmt.Errorf("%s: queryPeriod %q: expected a positive timespan such as 1h or 14d", r.File, r.QueryPeriod)
		}
		// A scheduled rule reads the last queryPeriod of data, as Sentinel
		// runs it.
		if base, err = base.WithLookback(now-kql.Datetime(period), now); err != nil {
			return nil, err
		}
	}
	if w := cfg.Window; w.To != 0 {
		if base, err = base.WithLookback(w.From, w.To); err != nil {
			return nil, err
		}
	}
	a, err := set.Apply(cat, r.ID, base)
	if err != nil {
		return nil, err
	}
	return &rule{rule: r, applied: a, mappings: entityMappings(r)}, nil
}

// assessExclusions records what the exclusions of hr removed and prints
// the warnings about them: above all, that they suppress every match of
// the rule.
func assessExclusions(ctx context.Context, cfg Config, hr *rule, o kql.Outcome) error {
	count := func(ctx context.Context, q *kql.Query) (int, error) { return cfg.Engine.Count(ctx, q, cfg.Now) }
	out, err := hr.applied.Assess(ctx, count, o.Rows, o.Suppressed)
	if err != nil {
		return err
	}
	for _, sup := range out.Suppressed {
		hr.report.Suppressed = append(hr.report.Suppressed, report.Suppression{Exclusion: sup.Entry.Name, Rows: sup.Rows})
	}
	hr.report.SuppressedRows = o.SuppressedRows
	log := cfg.Log
	if cfg.Quiet {
		log = io.Discard
	}
	for _, w := range out.Warnings {
		msg := w.Error()
		fmt.Fprintln(log, msg)
		hr.report.Warnings = append(hr.report.Warnings, msg)
	}
	if len(out.Warnings) > 0 {
		fmt.Fprintf(log, "kqlhunt: rule %q (%s) finds nothing with its exclusions, but %d %s without them: check that the exclusions do not remove what the rule looks for\n",
			hr.rule.Name, hr.rule.ID, out.Unexcluded, plural(out.Unexcluded, "finding", "findings"))
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

// enrichmentTables are the tables behind enrichment functions, which a
// query may use without their data: their columns then read as null.
var enrichmentTables = map[string]string{"FileProfile": "invoke FileProfile()"}

// missingData returns the tables a rule needs that the data lacks: the
// tables its query reads and those its requiredDataConnectors name.
func missingData(eng Engine, hr *rule) []string {
	need := append([]string(nil), hr.applied.Query.Tables...)
	for _, dc := range hr.rule.RequiredDataConnectors {
		need = append(need, dc.DataTypes...)
	}
	return MissingTables(eng, need)
}

// TableSet tells which tables have data.
type TableSet interface{ HasTable(name string) bool }

// MissingTables returns the tables of names (each once) that data has no
// rows of, enrichment tables aside.
func MissingTables(data TableSet, names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range names {
		if seen[t] {
			continue
		}
		seen[t] = true
		if _, enrich := enrichmentTables[t]; !enrich && !data.HasTable(t) {
			out = append(out, t)
		}
	}
	return out
}

// WarnEnrichment warns, once per table, that an enrichment function has
// no data to add.
func WarnEnrichment(w io.Writer, data TableSet, names []string, warned map[string]bool) {
	for _, n := range names {
		if use, enrich := enrichmentTables[n]; enrich && !data.HasTable(n) && !warned[n] {
			warned[n] = true
			fmt.Fprintf(w, "kqlhunt: warning: %s has no %s data (give it with --table %s=PATH); its columns read as null\n", use, n, n)
		}
	}
}

// writeFindings writes a finding per row of b, a batch of a rule's output
// with columns cols, and counts them in the rule's report.
func writeFindings(hr *rule, cols []kql.Column, b *kql.Batch, w report.FindingWriter) error {
	r := hr.rule
	for i := 0; i < b.N; i++ {
		row := b.Row(i)
		f := &report.Finding{
			RuleID: r.ID, RuleName: r.Name, Severity: r.Severity,
			Tactics: r.Tactics, Techniques: r.RelevantTechniques,
			Columns: cols, Row: row,
			Entities: report.Entities(hr.mappings, cols, row),
		}
		if err := w.Write(f); err != nil {
			return err
		}
		hr.report.Findings++
	}
	return nil
}

func withNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// sameFile reports whether paths a and b name the same file.
func sameFile(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}
