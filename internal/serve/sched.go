package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/hunt"
	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/serve/alerts"
	"github.com/kqlhunt/kqlhunt/internal/serve/clock"
	"github.com/kqlhunt/kqlhunt/internal/serve/sched"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

// maxFindings is how many findings the store keeps per rule: the latest.
const maxFindings = 1000

// webhookBackoff is the first and the longest delay between two attempts
// to deliver an alert; tests shorten them.
var webhookBackoff = [2]time.Duration{time.Second, 5 * time.Minute}

// schedPart is the scheduler and alerts (packages sched and alerts):
// scheduled rules over contiguous windows, the alert sinks, the findings
// of hunts, GET /api/rules, POST /api/hunt, GET /api/findings,
// GET /api/alerts and POST /api/admin/clock.
type schedPart struct {
	s        *Server
	alerts   *alerts.Store
	findings *alerts.Findings
	sched    *sched.Scheduler
	rules    []*ruleInfo
	byID     map[string]*ruleInfo
	// hunting is closed when the hunt run on start has ended.
	hunting chan struct{}
	cancel  context.CancelFunc
}

// ruleInfo is what the server knows of a loaded rule.
type ruleInfo struct {
	rule  *rules.Rule
	valid bool
	diags []string
	// job is the rule's schedule; problem says why a rule with a
	// queryFrequency is not scheduled.
	job     *sched.Job
	problem string
	// perResult makes an alert per result row (eventGroupingSettings
	// aggregationKind AlertPerResult) instead of one per window.
	perResult bool
	// suppress is the rule's suppression duration when it enables
	// suppression, else 0.
	suppress time.Duration

	mu sync.Mutex
	// last is the report of the rule's last run (scheduled or hunt), or
	// nil before it ran.
	last *report.RuleReport
}

func (ri *ruleInfo) noteRun(rr *report.RuleReport) {
	c := *rr
	ri.mu.Lock()
	ri.last = &c
	ri.mu.Unlock()
}

func (p *schedPart) open(ctx context.Context, s *Server) error {
	p.s = s
	p.byID = map[string]*ruleInfo{}
	p.hunting = make(chan struct{})
	var sinks []alerts.Sink
	if s.opts.AlertsFile != "" {
		sinks = append(sinks, alerts.FileSink{Path: s.opts.AlertsFile})
	}
	if s.opts.AlertsStdout {
		sinks = append(sinks, alerts.WriterSink{Label: "stdout", W: os.Stdout})
	}
	if s.opts.AlertsWebhook != "" {
		sinks = append(sinks, alerts.Webhook{URL: s.opts.AlertsWebhook})
	}
	var jobs []sched.Job
	if s.rules != nil {
		for _, r := range s.rules.Loaded() {
			ri := newRuleInfo(r, s.opts.Catalog)
			if p.byID[r.ID] != nil {
				if ri.job != nil {
					ri.job, ri.problem = nil, fmt.Sprintf("not scheduled: another rule has the id %q", r.ID)
				}
			} else {
				p.byID[r.ID] = ri
			}
			p.rules = append(p.rules, ri)
			if ri.job != nil {
				jobs = append(jobs, *ri.job)
			}
		}
	}
	var err error
	p.findings, err = alerts.OpenFindings(filepath.Join(s.opts.Store, "findings"), maxFindings)
	if err != nil {
		return fmt.Errorf("opening the findings: %w", err)
	}
	p.alerts, err = alerts.Open(filepath.Join(s.opts.Store, "alerts"), alerts.Options{
		Sinks: sinks, Backoff: webhookBackoff[0], MaxBackoff: webhookBackoff[1],
		OnError: func(sink string, a *alerts.Record, err error) {
			s.metrics.Add("kqlhunt_alert_delivery_errors_total", "Failed attempts to deliver an alert to a sink.", Labels{"sink", sinkKind(sink)}, 1)
			fmt.Fprintf(s.opts.Log, "kqlhunt: delivering alert %s to %s: %v (tried again)\n", a.ID, sink, err)
		},
		OnDelivered: func(sink string, a *alerts.Record) {
			s.metrics.Add("kqlhunt_alerts_delivered_total", "Alerts delivered, per sink.", Labels{"sink", sinkKind(sink)}, 1)
		},
	})
	if err != nil {
		return fmt.Errorf("opening the alerts: %w", err)
	}
	p.sched, err = sched.New(sched.Options{Dir: filepath.Join(s.opts.Store, "sched"), Clock: s.clock, Jobs: jobs, Run: p.runWindow, Log: s.opts.Log})
	if err != nil {
		p.alerts.Close()
		return fmt.Errorf("opening the scheduler: %w", err)
	}
	p.sched.Start()
	hctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go func() {
		defer close(p.hunting)
		if len(p.rules) == 0 {
			return
		}
		res, err := p.hunt(hctx, nil, hunt.Window{}, kql.DatetimeOf(s.defaultNow()))
		switch {
		case err != nil && hctx.Err() == nil:
			fmt.Fprintf(s.opts.Log, "kqlhunt: the hunt on start failed: %v\n", err)
		case err == nil:
			for _, e := range res.Errors {
				fmt.Fprintf(s.opts.Log, "kqlhunt: the hunt on start: %s\n", e)
			}
		}
	}()
	return nil
}

// sinkKind is the kind of a sink, for metric labels: file, stdout or
// webhook.
func sinkKind(name string) string {
	kind, _, _ := strings.Cut(name, ":")
	return kind
}

func (p *schedPart) close() error {
	if p.cancel == nil {
		return nil
	}
	p.cancel()
	<-p.hunting
	p.sched.Stop()
	return p.alerts.Close()
}

func (p *schedPart) routes() []route {
	return []route{
		{pattern: "GET /api/rules", scope: ScopeRead, handler: p.handleRules},
		{pattern: "POST /api/hunt", scope: ScopeRead, handler: p.handleHunt},
		{pattern: "GET /api/findings", scope: ScopeRead, handler: p.handleFindings},
		{pattern: "GET /api/alerts", scope: ScopeRead, handler: p.handleAlerts},
		{pattern: "POST /api/admin/clock", scope: ScopeAdmin, handler: p.handleClock},
	}
}

// newRuleInfo validates r and reads its schedule, grouping and
// suppression.
func newRuleInfo(r *rules.Rule, cat *kql.Catalog) *ruleInfo {
	ri := &ruleInfo{rule: r}
	ri.valid, ri.diags = hunt.Validate(r, cat)
	switch kind := extraString(r.Extra, "eventGroupingSettings", "aggregationKind"); {
	case strings.EqualFold(kind, "AlertPerResult"):
		ri.perResult = true
	case kind != "" && !strings.EqualFold(kind, "SingleAlert"):
		ri.diags = append(ri.diags, fmt.Sprintf("%s: eventGroupingSettings aggregationKind %q: expected SingleAlert or AlertPerResult; one alert per window", r.File, kind))
	}
	enabled, isBool := r.Extra["suppressionEnabled"].(bool)
	if v, ok := r.Extra["suppressionEnabled"]; ok && !isBool {
		ri.diags = append(ri.diags, fmt.Sprintf("%s: suppressionEnabled: expected true or false, got %v; alerts not suppressed", r.File, v))
	}
	if enabled {
		text := extraString(r.Extra, "suppressionDuration")
		d, ok := parseDuration(text)
		if !ok || d <= 0 {
			ri.diags = append(ri.diags, fmt.Sprintf("%s: suppressionDuration %q: expected a positive duration such as 5h or PT5H; alerts not suppressed", r.File, text))
		}
		ri.suppress = max(d, 0)
	}
	if r.QueryFrequency == "" {
		return ri
	}
	if !ri.valid {
		ri.problem = "not scheduled: the rule has errors"
		return ri
	}
	freq, ok := parseDuration(r.QueryFrequency)
	if !ok || freq <= 0 {
		ri.problem = fmt.Sprintf("not scheduled: queryFrequency %q: expected a positive duration such as 1h", r.QueryFrequency)
		return ri
	}
	period := freq
	if r.QueryPeriod != "" {
		if period, ok = parseDuration(r.QueryPeriod); !ok || period <= 0 {
			ri.problem = fmt.Sprintf("not scheduled: queryPeriod %q: expected a positive duration such as 5d", r.QueryPeriod)
			return ri
		}
	}
	ri.job = &sched.Job{ID: r.ID, Frequency: freq, Period: period}
	return ri
}

// extraString returns the string at the path of keys in a rule's extra
// fields, or "".
func extraString(m map[string]any, keys ...string) string {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[k]
	}
	s, _ := v.(string)
	return s
}

var isoDuration = regexp.MustCompile(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// parseDuration reads a duration as Sentinel rule files write it: a KQL
// timespan (1h, 5d, 00:30:00) or, as ARM templates do, ISO 8601
// (PT1H, P1D, PT5M).
func parseDuration(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if m := isoDuration.FindStringSubmatch(strings.ToUpper(s)); m != nil && s != "P" && !strings.HasSuffix(strings.ToUpper(s), "T") {
		var d time.Duration
		for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute, time.Second} {
			if m[i+1] != "" {
				n, err := strconv.Atoi(m[i+1])
				if err != nil {
					return 0, false
				}
				d += time.Duration(n) * unit
			}
		}
		return d, true
	}
	ts, ok := kql.ParseTimespan(s)
	if !ok {
		return 0, false
	}
	return time.Duration(ts) * 100, true
}

// engine returns the engine runs use: ClickHouse with --engine, else
// kqlhunt's own over the data and what was ingested.
func (p *schedPart) engine(ctx context.Context) (hunt.Engine, error) {
	if p.s.opts.Engine != "" {
		// Every row acknowledged so far reaches the server first.
		if _, err := p.s.ingest.paths(ctx); err != nil {
			return nil, err
		}
		return hunt.ServerEngine(p.s.opts.Engine, p.s.opts.Log)
	}
	data, err := p.s.dataOptions(ctx)
	if err != nil {
		return nil, err
	}
	return &hunt.Embedded{Data: data}, nil
}

// runTimeout bounds one scheduled run or hunt.
func (p *schedPart) runTimeout() time.Duration { return 5 * p.s.opts.Limits.QueryTimeout }

// acquire takes a place among the queries that run at once.
func (p *schedPart) acquire(ctx context.Context) (release func(), err error) {
	select {
	case p.s.queries <- struct{}{}:
		return func() { <-p.s.queries }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// collector keeps the findings of a hunt.
type collector struct{ got []*report.Finding }

func (c *collector) Write(f *report.Finding) error {
	x := *f
	x.Columns, x.Row = slices.Clone(f.Columns), slices.Clone(f.Row)
	c.got = append(c.got, &x)
	return nil
}

func (c *collector) End() error { return nil }

// huntResult is what a hunt found.
type huntResult struct {
	findings []*report.Finding
	reports  []report.RuleReport
	// Errors are the rules' errors, each prefixed with the rule.
	Errors []string
}

// hunt runs the rules ris (every loaded rule when nil) now, over w (all
// the data when w is zero), with the exclusions, records the findings and
// notes each rule's suppression counts.
func (p *schedPart) hunt(ctx context.Context, ris []*ruleInfo, w hunt.Window, now kql.Datetime) (*huntResult, error) {
	if ris == nil {
		ris = p.rules
	}
	res, err := p.runRules(ctx, ris, w, now)
	if err != nil {
		return nil, err
	}
	recorded := p.s.clock.Now().UTC()
	var fs []*alerts.Finding
	for _, f := range res.findings {
		fs = append(fs, toFinding(f, recorded))
	}
	if err := p.findings.Add(fs); err != nil {
		return nil, err
	}
	return res, nil
}

// runRules runs ris over w at now and returns their findings.
func (p *schedPart) runRules(ctx context.Context, ris []*ruleInfo, w hunt.Window, now kql.Datetime) (*huntResult, error) {
	ctx, cancel := context.WithTimeout(ctx, p.runTimeout())
	defer cancel()
	release, err := p.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	eng, err := p.engine(ctx)
	if err != nil {
		return nil, err
	}
	set := &hunt.RuleSet{Files: &rules.LoadResult{}}
	for _, ri := range ris {
		set.Files.Rules = append(set.Files.Rules, ri.rule)
	}
	col := &collector{}
	r, err := hunt.Run(ctx, hunt.Config{
		Rules: set, RulePaths: p.s.opts.RulePaths, Packs: p.s.opts.Packs,
		Exclusions: p.s.opts.Exclusions, Catalog: p.s.opts.Catalog, Engine: eng,
		Now: now, Window: w, Findings: col, Log: p.s.opts.Log, Quiet: true,
	})
	if err != nil {
		return nil, err
	}
	out := &huntResult{findings: col.got, reports: r.Hunt.Rules}
	for i := range r.Hunt.Rules {
		rr := &r.Hunt.Rules[i]
		if ri := p.byID[rr.ID]; ri != nil && len(rr.Errors) == 0 {
			ri.noteRun(rr)
		}
		for _, e := range rr.Errors {
			out.Errors = append(out.Errors, fmt.Sprintf("rule %q (%s): %s", rr.Name, rr.ID, strings.TrimSpace(e)))
		}
	}
	return out, nil
}

// toFinding converts a finding of a hunt for the store.
func toFinding(f *report.Finding, recorded time.Time) *alerts.Finding {
	x := &alerts.Finding{Rule: f.RuleID, RuleName: f.RuleName, Severity: f.Severity, Device: f.Host(),
		Entities: toEntities(f.Entities), Row: rowJSON(f), Recorded: recorded}
	if t, ok := f.Time(); ok {
		x.Time = t.Time().UTC()
	}
	return x
}

func toEntities(es []report.Entity) []alerts.Entity {
	out := make([]alerts.Entity, 0, len(es))
	for _, e := range es {
		out = append(out, alerts.Entity{Type: e.Type, Identifier: e.Identifier, Value: e.Value, Column: e.Column})
	}
	return out
}

// rowJSON is a finding's row as a JSON object, values encoded as the
// CLI's json format encodes them.
func rowJSON(f *report.Finding) json.RawMessage {
	b := []byte{'{'}
	for i, c := range f.Columns {
		if i > 0 {
			b = append(b, ',')
		}
		name, _ := json.Marshal(c.Name)
		b = append(append(b, name...), ':')
		var v any
		if i < len(f.Row) {
			v = f.Row[i]
		}
		b = report.AppendJSONValue(b, c.Type, v)
	}
	return append(b, '}')
}

// triggered reports whether n result rows fire a rule's trigger, as
// Sentinel compares the number of results with the threshold; a rule
// without a trigger fires on any result.
func triggered(op string, threshold, n int) bool {
	switch strings.ToLower(op) {
	case "", "gt":
		return n > threshold
	case "lt":
		return n < threshold
	case "eq":
		return n == threshold
	case "ne":
		return n != threshold
	}
	return false
}

// runWindow is the scheduler's run of a rule over a window: it runs the
// rule, and when its results fire the trigger, records its alerts
// durably before returning.
func (p *schedPart) runWindow(ctx context.Context, job sched.Job, w sched.Window) error {
	ri := p.byID[job.ID]
	start := time.Now()
	outcome := "error"
	defer func() {
		p.s.metrics.Add("kqlhunt_rule_runs_total", "Scheduled rule runs, per rule and outcome (alert, quiet, suppressed, error).", Labels{"rule", job.ID, "outcome", outcome}, 1)
		p.s.metrics.Observe("kqlhunt_rule_run_duration_seconds", "Duration of scheduled rule runs.", Labels{"rule", job.ID}, time.Since(start))
	}()
	// The window (Start, End]: the tick after Start up to End.
	win := hunt.Window{From: kql.DatetimeOf(w.Start) + 1, To: kql.DatetimeOf(w.End)}
	res, err := p.runRules(ctx, []*ruleInfo{ri}, win, kql.DatetimeOf(w.End))
	if err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		return errors.New(strings.Join(res.Errors, "; "))
	}
	r := ri.rule
	if !triggered(r.TriggerOperator, r.TriggerThreshold, len(res.findings)) {
		outcome = "quiet"
		return nil
	}
	var groups [][]*report.Finding
	if ri.perResult && len(res.findings) > 0 {
		for _, f := range res.findings {
			groups = append(groups, []*report.Finding{f})
		}
	} else {
		groups = [][]*report.Finding{res.findings}
	}
	created := p.s.clock.Now().UTC()
	var recs []*alerts.Record
	suppressed := 0
	for _, g := range groups {
		rec := &alerts.Record{Rule: r.ID, RuleName: r.Name, Severity: r.Severity,
			Tactics: nonNilStrings(r.Tactics), Techniques: nonNilStrings(r.RelevantTechniques),
			WindowStart: w.Start.UTC(), WindowEnd: w.End.UTC(), Entities: []alerts.Entity{}, Rows: []json.RawMessage{}, Created: created}
		seen := map[alerts.Entity]bool{}
		for _, f := range g {
			for _, e := range toEntities(f.Entities) {
				if !seen[e] {
					seen[e] = true
					rec.Entities = append(rec.Entities, e)
				}
			}
			rec.Rows = append(rec.Rows, rowJSON(f))
		}
		key := alerts.EntityKey(rec.Entities)
		if ri.perResult {
			rec.ID = alertID(r.ID, w.End, key)
		} else {
			rec.ID = alertID(r.ID, w.End, "")
		}
		if ri.suppress > 0 && !p.alerts.Has(rec.ID) {
			if last, ok := p.alerts.LastAlerted(r.ID, key); ok && last.Before(w.End) && w.End.Sub(last) < ri.suppress {
				suppressed++
				continue
			}
		}
		recs = append(recs, rec)
	}
	if suppressed > 0 {
		p.s.metrics.Add("kqlhunt_alerts_suppressed_total", "Alerts not raised because the rule raised one for the same entities within its suppression duration.", Labels{"rule", r.ID}, float64(suppressed))
	}
	added, err := p.alerts.Record(recs)
	if err != nil {
		return err
	}
	for _, a := range added {
		p.s.metrics.Add("kqlhunt_alerts_total", "Alerts raised, per rule and severity.", Labels{"rule", a.Rule, "severity", a.Severity}, 1)
		fmt.Fprintf(p.s.opts.Log, "kqlhunt: alert %s: rule %q, window ending %s, %d %s\n", a.ID, a.RuleName, a.WindowEnd.Format(time.RFC3339), len(a.Rows), pluralRows(len(a.Rows)))
	}
	outcome = "alert"
	if len(recs) == 0 {
		outcome = "suppressed"
	}
	return nil
}

func pluralRows(n int) string {
	if n == 1 {
		return "row"
	}
	return "rows"
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// alertID derives an alert's id from its rule, its window's end and its
// entity key, so that a window run again makes the same id.
func alertID(rule string, end time.Time, key string) string {
	sum := sha256.Sum256([]byte(rule + "\x00" + end.UTC().Format(time.RFC3339Nano) + "\x00" + key))
	return hex.EncodeToString(sum[:16])
}

// apiExclusion is what one exclusion removed from a rule's run.
type apiExclusion struct {
	Name string `json:"name"`
	Rows int64  `json:"rows"`
}

// apiRule is a rule in GET /api/rules.
type apiRule struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	File string `json:"file"`
	// Query is the rule's KQL, which the console opens in its editor.
	Query            string   `json:"query"`
	Severity         string   `json:"severity"`
	Tactics          []string `json:"tactics"`
	Techniques       []string `json:"techniques"`
	QueryFrequency   string   `json:"queryFrequency"`
	QueryPeriod      string   `json:"queryPeriod"`
	TriggerOperator  string   `json:"triggerOperator"`
	TriggerThreshold int      `json:"triggerThreshold"`
	Scheduled        bool     `json:"scheduled"`
	Valid            bool     `json:"valid"`
	Diagnostics      []string `json:"diagnostics"`
	// Suppressed is the number of rows the exclusions removed in the
	// rule's last run (scheduled or hunt); null before it ran.
	Suppressed *int64 `json:"suppressed"`
	// Exclusions are the rows each exclusion removed in that run.
	Exclusions []apiExclusion `json:"exclusions,omitempty"`
	// Findings is the number of rows the last run found; Blind says why
	// it could not find anything (its time window misses the data) and
	// NotEvaluated why it did not run (no data of its tables).
	Findings      *int   `json:"findings,omitempty"`
	Blind         string `json:"blind,omitempty"`
	NotEvaluated  string `json:"notEvaluated,omitempty"`
	LastWindowEnd string `json:"lastWindowEnd,omitempty"`
	NextRun       string `json:"nextRun,omitempty"`
	// LastError is the failure of the last scheduled run, if it failed.
	LastError string `json:"lastError,omitempty"`
}

func (p *schedPart) handleRules(w http.ResponseWriter, r *http.Request) {
	out := []apiRule{}
	for _, ri := range p.rules {
		rl := ri.rule
		a := apiRule{ID: rl.ID, Name: rl.Name, File: rl.File, Query: rl.Query, Severity: rl.Severity,
			Tactics: nonNilStrings(rl.Tactics), Techniques: nonNilStrings(rl.RelevantTechniques),
			QueryFrequency: rl.QueryFrequency, QueryPeriod: rl.QueryPeriod,
			TriggerOperator: rl.TriggerOperator, TriggerThreshold: rl.TriggerThreshold,
			Scheduled: ri.job != nil, Valid: ri.valid, Diagnostics: nonNilStrings(ri.diags)}
		if ri.problem != "" {
			a.Diagnostics = append(slices.Clone(a.Diagnostics), ri.problem)
		}
		ri.mu.Lock()
		if last := ri.last; last != nil {
			n, f := last.SuppressedRows, last.Findings
			a.Suppressed, a.Findings, a.Blind, a.NotEvaluated = &n, &f, last.Blind, last.NotEvaluated
			for _, sup := range last.Suppressed {
				a.Exclusions = append(a.Exclusions, apiExclusion{Name: sup.Exclusion, Rows: sup.Rows})
			}
		}
		ri.mu.Unlock()
		if ri.job != nil {
			if st, ok := p.sched.Status(rl.ID); ok {
				if !st.LastEnd.IsZero() {
					a.LastWindowEnd = st.LastEnd.UTC().Format(time.RFC3339)
				}
				a.NextRun = st.Next.UTC().Format(time.RFC3339)
				if st.Err != nil {
					a.LastError = st.Err.Error()
				}
			}
		}
		out = append(out, a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": out})
}

// huntRequest is the body of POST /api/hunt.
type huntRequest struct {
	Rules []string `json:"rules"`
	From  string   `json:"from"`
	To    string   `json:"to"`
}

func (p *schedPart) handleHunt(w http.ResponseWriter, r *http.Request) {
	var req huntRequest
	if !readJSON(w, r, &req) {
		return
	}
	var ris []*ruleInfo
	for _, id := range req.Rules {
		ri := p.byID[id]
		if ri == nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("unknown rule %q: GET /api/rules lists the rules", id))
			return
		}
		if !slices.Contains(ris, ri) {
			ris = append(ris, ri)
		}
	}
	if len(p.rules) == 0 {
		writeError(w, http.StatusBadRequest, "no rules are loaded: start the server with --rules PATH or --pack NAME")
		return
	}
	if req.Rules == nil {
		ris = p.rules
	} else if len(ris) == 0 {
		writeError(w, http.StatusBadRequest, `"rules": expected rule ids, got an empty list (leave it out to run every rule)`)
		return
	}
	from, ok := parseTimeField(w, "from", req.From)
	if !ok {
		return
	}
	to, ok := parseTimeField(w, "to", req.To)
	if !ok {
		return
	}
	now := p.s.defaultNow()
	var win hunt.Window
	if !to.IsZero() {
		now = to
	}
	if !from.IsZero() || !to.IsZero() {
		if !from.IsZero() && from.After(now) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf(`"from" %s is after "to" %s`, from.Format(time.RFC3339), now.Format(time.RFC3339)))
			return
		}
		win = hunt.Window{From: kql.DatetimeOf(from), To: kql.DatetimeOf(now)}
		if from.IsZero() {
			win.From = value.MinDatetime
		}
	}
	res, err := p.hunt(r.Context(), ris, win, kql.DatetimeOf(now))
	if err != nil {
		status := http.StatusInternalServerError
		var ue *hunt.UsageError
		switch {
		case errors.As(err, &ue):
			status = http.StatusBadRequest
		case errors.Is(err, context.DeadlineExceeded):
			status = http.StatusServiceUnavailable
		}
		writeError(w, status, fmt.Sprintf("the hunt failed: %v", err))
		return
	}
	recorded := p.s.clock.Now().UTC()
	fs := []*alerts.Finding{}
	for _, f := range res.findings {
		fs = append(fs, toFinding(f, recorded))
	}
	// The answer is cut at the query row limit (all are recorded, the
	// latest kept per rule).
	truncated := len(fs) > p.s.opts.Limits.QueryRows
	if truncated {
		fs = fs[:p.s.opts.Limits.QueryRows]
	}
	writeJSON(w, http.StatusOK, map[string]any{"findings": fs, "rules": len(ris), "errors": nonNilStrings(res.Errors), "truncated": truncated})
}

// parseTimeField reads an RFC 3339 time of a request body; "" is the
// zero time. On error it has answered 400.
func parseTimeField(w http.ResponseWriter, name, s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("%q %q: expected an RFC 3339 time such as 2025-03-05T00:00:00Z", name, s))
		return time.Time{}, false
	}
	return t.UTC(), true
}

// listFilter is the filters of GET /api/findings and GET /api/alerts.
type listFilter struct {
	rule, severity, device string
	from, to               time.Time
	limit                  int
}

// maxList bounds the limit of a list.
const maxList = 10000

var severityNames = []string{"Informational", "Low", "Medium", "High"}

// parseFilter reads the filters of a list request; on error it has
// answered 400.
func parseFilter(w http.ResponseWriter, r *http.Request) (listFilter, bool) {
	f := listFilter{limit: 1000}
	bad := func(format string, args ...any) (listFilter, bool) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf(format, args...))
		return listFilter{}, false
	}
	for k, vs := range r.URL.Query() {
		if len(vs) != 1 {
			return bad("filter %q given %d times, expected once", k, len(vs))
		}
		v := vs[0]
		switch k {
		case "rule":
			f.rule = v
		case "severity":
			i := slices.IndexFunc(severityNames, func(s string) bool { return strings.EqualFold(s, v) })
			if i < 0 {
				return bad("severity %q: expected Informational, Low, Medium or High", v)
			}
			f.severity = severityNames[i]
		case "device":
			f.device = v
		case "from", "to":
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return bad("%s %q: expected an RFC 3339 time such as 2025-03-05T00:00:00Z", k, v)
			}
			if k == "from" {
				f.from = t
			} else {
				f.to = t
			}
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > maxList {
				return bad("limit %q: expected a whole number from 1 to %d", v, maxList)
			}
			f.limit = n
		default:
			return bad("unknown filter %q, expected rule, severity, device, from, to or limit", k)
		}
	}
	if !f.from.IsZero() && !f.to.IsZero() && f.from.After(f.to) {
		return bad("from %s is after to %s", f.from.Format(time.RFC3339), f.to.Format(time.RFC3339))
	}
	return f, true
}

// keep reports whether an item with these fields passes the filter; t
// is its time (zero when it has none).
func (f listFilter) keep(rule, severity string, hosts []string, t time.Time) bool {
	if f.rule != "" && rule != f.rule {
		return false
	}
	if f.severity != "" && !strings.EqualFold(severity, f.severity) {
		return false
	}
	if f.device != "" && !slices.ContainsFunc(hosts, func(h string) bool { return strings.EqualFold(h, f.device) }) {
		return false
	}
	if (!f.from.IsZero() || !f.to.IsZero()) && t.IsZero() {
		return false
	}
	if !f.from.IsZero() && t.Before(f.from) || !f.to.IsZero() && t.After(f.to) {
		return false
	}
	return true
}

func (p *schedPart) handleFindings(w http.ResponseWriter, r *http.Request) {
	f, ok := parseFilter(w, r)
	if !ok {
		return
	}
	out := p.findings.List(func(x *alerts.Finding) bool {
		var hosts []string
		for _, e := range x.Entities {
			if e.Type == "Host" {
				hosts = append(hosts, e.Value)
			}
		}
		return f.keep(x.Rule, x.Severity, hosts, x.Time)
	}, f.limit)
	if out == nil {
		out = []alerts.Finding{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"findings": out})
}

func (p *schedPart) handleAlerts(w http.ResponseWriter, r *http.Request) {
	f, ok := parseFilter(w, r)
	if !ok {
		return
	}
	out := p.alerts.List(func(a *alerts.Record) bool {
		return f.keep(a.Rule, a.Severity, a.Hosts(), a.WindowEnd)
	}, f.limit)
	if out == nil {
		out = []alerts.Alert{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": out})
}

// clockRequest is the body of POST /api/admin/clock.
type clockRequest struct {
	Advance string `json:"advance"`
	Set     string `json:"set"`
}

// handleClock moves a manual clock and answers once the scheduler has
// run the windows that fell due (their alerts recorded, not necessarily
// delivered).
func (p *schedPart) handleClock(w http.ResponseWriter, r *http.Request) {
	m, ok := p.s.clock.(*clock.Manual)
	if !ok {
		writeError(w, http.StatusConflict, "the server runs on the wall clock: start it with --clock TIME to move its clock")
		return
	}
	var req clockRequest
	if !readJSON(w, r, &req) {
		return
	}
	switch {
	case (req.Advance == "") == (req.Set == ""):
		writeError(w, http.StatusBadRequest, `expected one of "advance" (a duration such as 1h) or "set" (an RFC 3339 time)`)
		return
	case req.Advance != "":
		d, ok := parseDuration(req.Advance)
		if !ok {
			if d2, err := time.ParseDuration(req.Advance); err == nil {
				d, ok = d2, true
			}
		}
		if !ok {
			writeError(w, http.StatusBadRequest, fmt.Sprintf(`"advance" %q: expected a duration such as 1h or 30m`, req.Advance))
			return
		}
		if err := m.Advance(d); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	default:
		t, ok := parseTimeField(w, "set", req.Set)
		if !ok {
			return
		}
		if err := m.Set(t); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	if err := p.sched.Settle(r.Context()); err != nil {
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("the clock moved, but the scheduler did not catch up: %v", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"now": m.Now().UTC().Format(time.RFC3339Nano)})
}
