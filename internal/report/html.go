package report

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

// MaxHTMLFindings is the most findings of one rule that the HTML report
// lists; it still counts, charts and summarizes them all, and says how
// many it left out.
const MaxHTMLFindings = 1000

//go:embed html.tmpl
var htmlSource string

// htmlScript is the report's one script, inline: filtering and sorting.
//
//go:embed html.js
var htmlScript string

var htmlTemplate = func() *template.Template {
	t := template.Must(template.New("report").Funcs(template.FuncMap{
		// count returns "1 finding" or "2 findings" for count n "finding" "findings".
		"count": func(n int, one, many string) string { return strconv.Itoa(n) + " " + plural(n, one, many) },
	}).Parse(htmlSource))
	template.Must(t.New("script").Parse(htmlScript))
	return t
}()

// WriteHTML writes h, with its Findings, to w as one self-contained HTML
// page (see the package comment). It fetches nothing: styles and the
// chart are inline, and no element refers to another resource. Every
// string from rules and data is escaped by html/template, with control
// characters shown as \n, \xHH and the like.
func WriteHTML(w io.Writer, h *Hunt) error {
	var c collector
	for i := range h.Findings {
		c.add(&h.Findings[i])
	}
	page, err := c.render(h)
	if err == nil {
		_, err = w.Write(page)
	}
	return err
}

// htmlFindings keeps the findings written to it and writes the HTML
// report at EndHunt (or End, which reports the findings alone).
type htmlFindings struct {
	state
	w io.Writer
	c collector
}

func (x *htmlFindings) Write(f *Finding) error {
	if err := x.write(false); err != nil {
		return err
	}
	if err := checkFinding(f); err != nil {
		return err
	}
	x.c.add(f)
	return nil
}

func (x *htmlFindings) End() error { return x.EndHunt(&Hunt{}) }

func (x *htmlFindings) EndHunt(h *Hunt) error {
	if err := x.end(); err != nil {
		return err
	}
	for i := range h.Findings {
		x.c.add(&h.Findings[i])
	}
	out, err := x.c.render(h)
	x.c = collector{}
	if err != nil {
		x.err = err
		return err
	}
	return x.output(x.w, out)
}

// ruleKey identifies a rule in findings: its id and name.
type ruleKey struct{ id, name string }

// collector gathers what the HTML report shows of findings: for each
// rule, its count and the first MaxHTMLFindings rows as text; for every
// finding, its time, rule and host.
type collector struct {
	rules  map[ruleKey]*ruleFindings
	order  []*ruleFindings // first-seen order
	points []point
}

// ruleFindings are the findings of one rule.
type ruleFindings struct {
	key                 ruleKey
	severity            string
	tactics, techniques []string
	count               int
	cols                []string
	colIndex            map[string]int
	rows                []htmlRow
}

// point is a finding as the chart and the device summary see it.
type point struct {
	rule    *ruleFindings
	time    value.Datetime
	hasTime bool
	host    string
}

// htmlRow is a finding as text: Cells by position in the rule's columns.
type htmlRow struct {
	Time, Host, Account, Entities string
	Cells                         []string
}

func (c *collector) add(f *Finding) {
	if c.rules == nil {
		c.rules = map[ruleKey]*ruleFindings{}
	}
	k := ruleKey{f.RuleID, f.RuleName}
	r := c.rules[k]
	if r == nil {
		r = &ruleFindings{key: k, severity: f.Severity, colIndex: map[string]int{},
			tactics: slices.Clone(f.Tactics), techniques: slices.Clone(f.Techniques)}
		c.rules[k] = r
		c.order = append(c.order, r)
	}
	r.count++
	p := point{rule: r, host: f.Host()}
	p.time, p.hasTime = f.Time()
	c.points = append(c.points, p)
	if len(r.rows) >= MaxHTMLFindings {
		return
	}
	row := htmlRow{Host: visible(p.host), Account: visible(f.Account()), Entities: visible(entitiesText(f.Entities))}
	if p.hasTime {
		row.Time = p.time.String()
	}
	row.Cells = make([]string, len(r.cols))
	for i, col := range f.Columns {
		k, ok := r.colIndex[col.Name]
		if !ok {
			k = len(r.cols)
			r.colIndex[col.Name] = k
			r.cols = append(r.cols, col.Name)
		}
		for len(row.Cells) <= k {
			row.Cells = append(row.Cells, "")
		}
		if i < len(f.Row) {
			row.Cells[k] = visible(FormatText(col.Type, f.Row[i]))
		}
	}
	r.rows = append(r.rows, row)
}

// The page model that html.tmpl renders. Every string is plain text.
type (
	htmlPage struct {
		Title, Started, Now, Elapsed, Bytes string
		// Server names the server the queries ran on (--engine), and
		// ServerRows the rows it returned.
		Server               string
		ServerRows           int64
		Run                  htmlRun
		Severities           []htmlSeverity
		Found, Quiet         []*htmlRule // rules with findings; rules that ran and found nothing
		Stats                Stats
		Rules                []*htmlRule
		Devices              []htmlDevice
		Chart                *htmlChart
		Untimed              int // findings without a time
		Listed               int // findings listed
		Suppressions         []htmlSuppression
		IdleExclusions       int    // exclusions that removed nothing
		Deselected           string // the rules the selection left out
		NotEvaluated, Failed []*htmlRule
		Warnings             []htmlMessage
	}
	htmlRule struct {
		Anchor, ID, Name, Severity, SevClass string
		Blind                                string
		Tactics, Techniques, File, Status    string
		Findings                             int
		Suppressed                           int64
		NotEvaluated                         string
		Errors                               []string
		Columns                              []string
		Rows                                 []htmlRow
		Hidden                               int // findings not listed
		rank                                 int
		findings                             *ruleFindings
	}
	htmlRun struct {
		Command, Version, Rules, Packs, Data, Exclusions, Engine string
	}
	htmlSeverity struct {
		Name, SevClass  string
		Findings, Rules int
	}
	htmlLink struct {
		Name, Anchor string
		N            int64
		Findings     string // findings removed, "?" when not counted
	}
	htmlDevice struct {
		Name        string // "" for findings that name no host
		NoHost      bool
		Findings    int
		Rules       []htmlLink
		First, Last string
		host        string // the host as the findings name it
	}
	htmlSuppression struct {
		Exclusion string
		Rows      int64
		Findings  string // findings removed, "?" when some count is unknown
		Rules     []htmlLink
	}
	htmlMessage struct {
		Rule *htmlRule // nil for a hunt-wide message
		Text string
	}
)

// severityRank orders severities from the most to the least severe.
var severityRank = map[string]int{"High": 0, "Medium": 1, "Low": 2, "Informational": 3}

// render returns the HTML report of h and the collected findings.
func (c *collector) render(h *Hunt) ([]byte, error) {
	p := &htmlPage{Started: utc(h.Started), Now: utc(h.Now), Elapsed: h.Elapsed.Round(time.Millisecond).String()}

	// Rules: h.Rules, then rules known only from findings; each rule's
	// findings are those collected, or as many as h says if more.
	merged := *h
	merged.Rules = nil
	var rules []*htmlRule
	seen := map[ruleKey]bool{}
	addRule := func(rr RuleReport, f *ruleFindings) {
		if f != nil {
			rr.Findings = max(rr.Findings, f.count)
		}
		merged.Rules = append(merged.Rules, rr)
		r := &htmlRule{ID: visible(rr.ID), Name: visible(rr.Name), Severity: visible(rr.Severity),
			Tactics: visible(strings.Join(rr.Tactics, ", ")), Techniques: visible(strings.Join(rr.Techniques, ", ")),
			File: visible(rr.File), Findings: rr.Findings, NotEvaluated: visible(rr.NotEvaluated), findings: f,
			Blind: visible(rr.Blind)}
		if r.Name == "" {
			r.Name = r.File
		}
		r.SevClass = "sev-none"
		if _, ok := severityRank[rr.Severity]; ok {
			r.SevClass = "sev-" + strings.ToLower(rr.Severity)
		}
		for _, e := range rr.Errors {
			r.Errors = append(r.Errors, visibleLines(e))
		}
		r.Suppressed = rr.SuppressedRows
		switch {
		case len(rr.Errors) > 0:
			r.Status, r.rank = "failed", 3
		case rr.NotEvaluated != "":
			r.Status, r.rank = "not evaluated", 2
		case rr.Findings > 0:
			r.Status, r.rank = "findings", 0
		default:
			r.Status, r.rank = "no findings", 1
		}
		if f != nil {
			r.Columns, r.Hidden = f.cols, rr.Findings-len(f.rows)
			for _, row := range f.rows {
				for len(row.Cells) < len(f.cols) {
					row.Cells = append(row.Cells, "")
				}
				r.Rows = append(r.Rows, row)
			}
			p.Listed += len(f.rows)
		} else {
			r.Hidden = rr.Findings
		}
		rules = append(rules, r)
	}
	for _, rr := range h.Rules {
		k := ruleKey{rr.ID, rr.Name}
		var f *ruleFindings
		if !seen[k] && (rr.ID != "" || rr.Name != "") {
			f = c.rules[k]
			seen[k] = true
		}
		addRule(rr, f)
	}
	for _, f := range c.order {
		if !seen[f.key] {
			seen[f.key] = true
			addRule(RuleReport{ID: f.key.id, Name: f.key.name, Severity: f.severity,
				Tactics: f.tactics, Techniques: f.techniques}, f)
		}
	}
	added := slices.Clone(rules) // added[i] is the htmlRule of merged.Rules[i]
	slices.SortStableFunc(rules, func(a, b *htmlRule) int {
		return cmp.Or(a.rank-b.rank, sevRank(a.Severity)-sevRank(b.Severity), b.Findings-a.Findings,
			strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID), strings.Compare(a.File, b.File))
	})
	byFindings := map[*ruleFindings]*htmlRule{}
	for i, r := range rules {
		r.Anchor = "rule-" + strconv.Itoa(i+1)
		if r.findings != nil {
			byFindings[r.findings] = r
		}
		switch r.rank {
		case 0:
			p.Found = append(p.Found, r)
		case 1:
			p.Quiet = append(p.Quiet, r)
		case 2:
			p.NotEvaluated = append(p.NotEvaluated, r)
		case 3:
			p.Failed = append(p.Failed, r)
		}
	}
	p.Rules = rules
	p.Severities = severities(p.Found)
	p.Run = htmlRun{Command: visible(h.Run.Command), Version: visible(h.Run.Version),
		Rules: visible(strings.Join(h.Run.Rules, ", ")), Packs: visible(strings.Join(h.Run.Packs, ", ")),
		Data: visible(strings.Join(h.Run.Data, ", ")), Exclusions: visible(h.Run.Exclusions), Engine: visible(h.Run.Engine)}
	p.Stats = merged.Stats()
	p.Bytes = HumanBytes(p.Stats.BytesRead)
	p.Server, p.ServerRows = visible(h.Server), h.ServerRows
	p.Title = "kqlhunt report: " + strconv.Itoa(p.Stats.Findings) + " " + plural(p.Stats.Findings, "finding", "findings")

	p.Devices = c.devices(byFindings)
	p.Chart, p.Untimed = c.chart(rules, byFindings)
	p.Suppressions, p.IdleExclusions = suppressions(merged.Rules, added)
	if n := h.ExclusionEntries - len(p.Suppressions); n > p.IdleExclusions {
		p.IdleExclusions = n // exclusions that applied to no rule
	}
	if h.Deselected > 0 {
		p.Deselected = strconv.Itoa(h.Deselected) + " " + plural(h.Deselected, "rule", "rules") + " not selected by " + visible(h.Selection)
	}
	for _, w := range h.Warnings {
		p.Warnings = append(p.Warnings, htmlMessage{Text: visible(w)})
	}
	p.Warnings = append(p.Warnings, ruleWarnings(merged.Rules, added)...)

	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("report: html: %w", err) // a bug: the template and its model are fixed
	}
	return b.Bytes(), nil
}

// severities counts the findings and rules of found (rules with
// findings, the most severe first) per severity.
func severities(found []*htmlRule) []htmlSeverity {
	var out []htmlSeverity
	index := map[string]int{}
	for _, r := range found {
		i, ok := index[r.Severity]
		if !ok {
			name := r.Severity
			if name == "" {
				name = "no severity"
			}
			i = len(out)
			index[r.Severity] = i
			out = append(out, htmlSeverity{Name: name, SevClass: r.SevClass})
		}
		out[i].Findings += r.Findings
		out[i].Rules++
	}
	return out
}

// visibleLines is visible for each line of s: line breaks are kept, so
// that an error's source excerpt and caret stay on their own lines.
func visibleLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = visible(strings.TrimSuffix(l, "\r"))
	}
	return strings.Join(lines, "\n")
}

func sevRank(s string) int {
	if r, ok := severityRank[s]; ok {
		return r
	}
	return len(severityRank)
}

// utc formats t in UTC with seconds, or "" for the zero time.
func utc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// devices summarizes the findings per host, the most findings first.
func (c *collector) devices(rules map[*ruleFindings]*htmlRule) []htmlDevice {
	type dev struct {
		htmlDevice
		rules       map[*htmlRule]int64
		first, last value.Datetime
		timed       bool
	}
	byName := map[string]*dev{}
	for _, p := range c.points {
		d := byName[p.host]
		if d == nil {
			d = &dev{htmlDevice: htmlDevice{Name: visible(p.host), NoHost: p.host == "", host: p.host}, rules: map[*htmlRule]int64{}}
			byName[p.host] = d
		}
		d.Findings++
		d.rules[rules[p.rule]]++
		if p.hasTime {
			if !d.timed || p.time < d.first {
				d.first = p.time
			}
			if !d.timed || p.time > d.last {
				d.last = p.time
			}
			d.timed = true
		}
	}
	var out []htmlDevice
	for _, d := range byName {
		for r, n := range d.rules {
			d.Rules = append(d.Rules, htmlLink{Name: r.Name, Anchor: r.Anchor, N: n})
		}
		slices.SortFunc(d.Rules, func(a, b htmlLink) int { return anchorNum(a.Anchor) - anchorNum(b.Anchor) })
		if d.timed {
			d.First, d.Last = d.first.String(), d.last.String()
		}
		out = append(out, d.htmlDevice)
	}
	slices.SortFunc(out, func(a, b htmlDevice) int {
		if a.NoHost != b.NoHost {
			if a.NoHost {
				return 1
			}
			return -1
		}
		return cmp.Or(b.Findings-a.Findings, strings.Compare(a.host, b.host))
	})
	return out
}

// anchorNum returns N of anchor "rule-N".
func anchorNum(a string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(a, "rule-"))
	return n
}

// suppressions groups the suppression counts of reports by exclusion,
// sorted by exclusion; the rules of each in report order. Only the
// exclusions that removed rows are listed, with the rules they removed
// rows from; idle counts the others. rules[i] is the htmlRule of
// reports[i].
func suppressions(reports []RuleReport, rules []*htmlRule) (out []htmlSuppression, idle int) {
	type acc struct {
		htmlSuppression
		findings int
	}
	byExcl := map[string]*acc{}
	for i := range reports {
		for _, s := range reports[i].Suppressed {
			x := byExcl[s.Exclusion]
			if x == nil {
				x = &acc{htmlSuppression: htmlSuppression{Exclusion: visible(s.Exclusion)}}
				byExcl[s.Exclusion] = x
			}
			if s.Rows == 0 {
				continue
			}
			x.Rows += s.Rows
			if s.Findings < 0 || x.findings < 0 {
				x.findings = -1
			} else {
				x.findings += s.Findings
			}
			x.Rules = append(x.Rules, htmlLink{Name: rules[i].Name, Anchor: rules[i].Anchor, N: s.Rows, Findings: countText(s.Findings)})
		}
	}
	for _, x := range byExcl {
		if x.Rows == 0 {
			idle++
			continue
		}
		x.Findings = countText(x.findings)
		slices.SortStableFunc(x.Rules, func(a, b htmlLink) int { return anchorNum(a.Anchor) - anchorNum(b.Anchor) })
		out = append(out, x.htmlSuppression)
	}
	slices.SortFunc(out, func(a, b htmlSuppression) int { return strings.Compare(a.Exclusion, b.Exclusion) })
	return out, idle
}

// countText is n in decimal, or "?" when negative (not counted).
func countText(n int) string {
	if n < 0 {
		return "?"
	}
	return strconv.Itoa(n)
}

// ruleWarnings returns the warnings of reports, the rules in report
// order. rules[i] is the htmlRule of reports[i].
func ruleWarnings(reports []RuleReport, rules []*htmlRule) []htmlMessage {
	pos := make([]int, len(reports))
	for i := range pos {
		pos[i] = i
	}
	slices.SortStableFunc(pos, func(a, b int) int { return anchorNum(rules[a].Anchor) - anchorNum(rules[b].Anchor) })
	var out []htmlMessage
	for _, i := range pos {
		for _, w := range reports[i].Warnings {
			out = append(out, htmlMessage{Rule: rules[i], Text: visible(w)})
		}
	}
	return out
}

// The chart's geometry, in SVG user units.
const (
	chartPlotW  = 720.0
	chartPlotH  = 180.0
	chartLeft   = 44.0
	chartTop    = 10.0
	chartBottom = 34.0 // room for the time labels
	chartRight  = 16.0
	maxBuckets  = 96
	maxXLabels  = 6
)

// chartColors is the palette of the chart's rules (Tableau 10), reused in
// turn when there are more rules.
var chartColors = []string{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"}

type (
	htmlChart struct {
		Width, Height, Unit string
		PlotLeft, PlotRight string
		PlotTop, PlotBottom string
		Bars                []htmlBar
		YTicks, XTicks      []htmlTick
		Legend              []htmlLegend
		First, Last         string
		Buckets             int
	}
	htmlBar struct {
		X, Y, W, H, Color, Title string
	}
	htmlTick struct {
		X, Y, Label string
	}
	htmlLegend struct {
		Color, Name, Anchor string
		Findings            int
	}
)

// chart returns the chart of findings over time, stacked by rule, and
// the number of findings without a time; nil when no finding has one.
// Buckets are UTC hours when the findings span at most maxBuckets hours,
// else days, else weeks from Monday, else as many days as keep the
// buckets at most maxBuckets. Hours are widened to whole days and days to
// whole weeks.
func (c *collector) chart(rules []*htmlRule, byFindings map[*ruleFindings]*htmlRule) (*htmlChart, int) {
	untimed := 0
	var lo, hi value.Datetime
	timed := false
	for _, p := range c.points {
		if !p.hasTime {
			untimed++
			continue
		}
		if !timed || p.time < lo {
			lo = p.time
		}
		if !timed || p.time > hi {
			hi = p.time
		}
		timed = true
	}
	if !timed {
		return nil, untimed
	}
	unit, offset, unitName := bucketUnit(lo, hi)
	first := floorDiv(int64(lo)-offset, unit)
	n := int(floorDiv(int64(hi)-offset, unit)-first) + 1
	if frame, frameOff := chartFrame(unit); frame > 0 {
		// Show whole days of hours and whole weeks of days, for context:
		// at most 5 days of hours (120 bars) or 14 weeks of days (98).
		flo := floorDiv(int64(lo)-frameOff, frame)*frame + frameOff
		fhi := floorDiv(int64(hi)-frameOff, frame)*frame + frameOff + frame - 1
		first = floorDiv(flo-offset, unit)
		n = int(floorDiv(fhi-offset, unit)-first) + 1
	}

	// counts[bucket][series]; series are the charted rules in report order.
	timedRules := map[*ruleFindings]bool{}
	for _, p := range c.points {
		if p.hasTime {
			timedRules[p.rule] = true
		}
	}
	series := map[*htmlRule]int{}
	var legend []htmlLegend
	for _, r := range rules {
		if r.findings != nil && timedRules[r.findings] {
			series[r] = len(legend)
			legend = append(legend, htmlLegend{Color: chartColors[len(legend)%len(chartColors)], Name: r.Name, Anchor: r.Anchor})
		}
	}
	counts := make([][]int, n)
	for i := range counts {
		counts[i] = make([]int, len(legend))
	}
	for _, p := range c.points {
		if p.hasTime {
			b := int(floorDiv(int64(p.time)-offset, unit) - first)
			s := series[byFindings[p.rule]]
			counts[b][s]++
			legend[s].Findings++
		}
	}
	top := 0
	for _, cs := range counts {
		sum := 0
		for _, x := range cs {
			sum += x
		}
		top = max(top, sum)
	}
	yMax := niceCeil(top)

	ch := &htmlChart{Unit: unitName, Legend: legend, Buckets: n,
		Width: num(chartLeft + chartPlotW + chartRight), Height: num(chartTop + chartPlotH + chartBottom),
		PlotLeft: num(chartLeft), PlotRight: num(chartLeft + chartPlotW),
		PlotTop: num(chartTop), PlotBottom: num(chartTop + chartPlotH)}
	start := func(b int) value.Datetime { return value.Datetime((first+int64(b))*unit + offset) }
	label := func(b int) string {
		if unit < value.Day {
			return start(b).Time().Format("2006-01-02 15:04")
		}
		return start(b).Time().Format("2006-01-02")
	}
	ch.First, ch.Last = lo.String(), hi.String()
	barW := chartPlotW / float64(n)
	gap := 0.0
	if barW >= 4 {
		gap = 1
	}
	for b, cs := range counts {
		y := chartTop + chartPlotH
		for s, k := range cs {
			if k == 0 {
				continue
			}
			hgt := float64(k) / float64(yMax) * chartPlotH
			y -= hgt
			ch.Bars = append(ch.Bars, htmlBar{
				X: num(chartLeft + float64(b)*barW + gap/2), Y: num(y), W: num(barW - gap), H: num(hgt),
				Color: legend[s].Color,
				Title: label(b) + " · " + legend[s].Name + ": " + strconv.Itoa(k) + " " + plural(k, "finding", "findings"),
			})
		}
	}
	for _, v := range []int{0, yMax / 2, yMax} {
		if v == yMax/2 && (yMax%2 != 0 || v == 0) {
			continue
		}
		ch.YTicks = append(ch.YTicks, htmlTick{X: num(chartLeft - 6), Y: num(chartTop + chartPlotH - float64(v)/float64(yMax)*chartPlotH),
			Label: strconv.Itoa(v)})
	}
	step := (n + maxXLabels - 1) / maxXLabels
	for b := 0; b < n; b += step {
		ch.XTicks = append(ch.XTicks, htmlTick{X: num(chartLeft + (float64(b)+0.5)*barW), Y: num(chartTop + chartPlotH + 16),
			Label: label(b)})
	}
	return ch, untimed
}

// chartFrame returns the length and epoch offset of the frame that a
// chart of unit buckets is widened to: a day for hours, a week from
// Monday for days, none (0) for longer buckets.
func chartFrame(unit int64) (frame, offset int64) {
	switch unit {
	case value.Hour:
		return value.Day, 0
	case value.Day:
		return 7 * value.Day, monday
	}
	return 0, 0
}

// monday is the offset of weeks from the Unix epoch: 1970-01-05 was a
// Monday.
const monday = 4 * value.Day

// bucketUnit returns the chart's bucket length in ticks, the offset of
// bucket boundaries from the Unix epoch, and the unit's name.
func bucketUnit(lo, hi value.Datetime) (unit, offset int64, name string) {
	fits := func(unit, offset int64) bool {
		return floorDiv(int64(hi)-offset, unit)-floorDiv(int64(lo)-offset, unit) < maxBuckets
	}
	switch {
	case fits(value.Hour, 0):
		return value.Hour, 0, "hour"
	case fits(value.Day, 0):
		return value.Day, 0, "day"
	case fits(7*value.Day, monday):
		return 7 * value.Day, monday, "week (from Monday)"
	}
	days := (int64(hi)-int64(lo))/value.Day/(maxBuckets-1) + 1
	for !fits(days*value.Day, 0) {
		days++
	}
	return days * value.Day, 0, strconv.FormatInt(days, 10) + " days"
}

// floorDiv returns a/b rounded towards minus infinity, for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// niceCeil returns the smallest 1, 2 or 5 times a power of ten that is at
// least n, and 1 for n <= 1.
func niceCeil(n int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if m*p >= n {
				return m * p
			}
		}
		if p > math.MaxInt/100 {
			return n
		}
	}
}

// num formats an SVG coordinate with at most one decimal.
func num(f float64) string {
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}
