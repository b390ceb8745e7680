package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Hunt is what a hunt did, for the run summary (WriteSummary) and the HTML
// report (WriteHTML): when it ran, what each rule did, and how much data
// it read. The caller fills it; package report only reads it.
type Hunt struct {
	// Run is how the hunt was started: command line, inputs, version.
	Run RunInfo
	// Started is the wall-clock time the hunt began; Now is the instant
	// the queries ran at (now(), which --now pins). Both are shown in UTC.
	Started time.Time
	Now     time.Time
	// Elapsed is how long the hunt took.
	Elapsed time.Duration
	// RowsScanned and BytesRead count the telemetry read.
	RowsScanned int64
	BytesRead   int64
	// Server names the server the queries ran on (--engine), "" when they
	// ran in kqlhunt over files; ServerRows counts the rows it returned.
	Server     string
	ServerRows int64
	// PeakMemory is the process's peak resident memory in bytes, or 0
	// when unknown.
	PeakMemory int64
	// Rules holds one entry per rule file found, in the order the rules
	// were loaded, including those that failed or were not evaluated.
	Rules []RuleReport
	// Warnings are the hunt's warnings that belong to no one rule, such as
	// skipped lines of data, each as printed (without "kqlhunt: ").
	Warnings []string
	// ExclusionEntries is the number of exclusions in the exclusions file
	// (0 without one), so that the summary can say how many removed
	// nothing.
	ExclusionEntries int
	// Deselected counts the rules that loaded but that the rule selection
	// (Selection, as given on the command line) left out; they are not in
	// Rules.
	Deselected int
	Selection  string
	// PeriodsNotApplied counts the rules with a queryPeriod that the hunt
	// did not apply (they read all the data).
	PeriodsNotApplied int
	// Findings are findings to report in addition to those written to the
	// HTML FindingWriter; WriteHTML reports them. Usually empty.
	Findings []Finding
}

// RunInfo is how a hunt was started, for its report.
type RunInfo struct {
	// Command is the command line, its words quoted for a POSIX shell
	// where they need it.
	Command string
	// Version is kqlhunt's version (kqlhunt version).
	Version string
	// Rules are the rule files and folders, Packs the built-in packs.
	Rules, Packs []string
	// Data are the telemetry files and folders, as given (--data PATH,
	// --table NAME=PATH).
	Data []string
	// Exclusions is the exclusions file, or "".
	Exclusions string
	// Engine is the server the rules ran on, or "" for kqlhunt's own
	// engine over Data.
	Engine string
}

// RuleReport is what one rule did in a hunt.
type RuleReport struct {
	ID, Name, Severity  string
	Tactics, Techniques []string
	// File is the rule file's path.
	File string
	// Findings is the number of findings the rule produced.
	Findings int
	// NotEvaluated says why the rule did not run (such as "no
	// DeviceNetworkEvents data"); "" when it ran or failed.
	NotEvaluated string
	// Blind says why a rule that ran and found nothing could not have
	// found anything, when the hunt can tell: its time window misses the
	// data, or a column it filters on is null in every row read. "" when
	// the rule had findings or the hunt cannot tell.
	Blind string
	// Errors are the messages of a rule that failed to load, compile or
	// run, as printed. A rule with errors counts as failed.
	Errors []string
	// Suppressed counts the rows that each exclusion applied to the rule
	// removed (kql.Result.Suppressed; see Suppressions).
	Suppressed []Suppression
	// SuppressedRows is the number of rows the exclusions removed, each
	// counted once (kql.Result.SuppressedRows), where the counts of
	// Suppressed count a row that several exclusions match for each.
	SuppressedRows int64
	// FindingsRemoved is the number of findings the exclusions removed:
	// the rule's findings without them less its findings with them; -1
	// when that could not be counted, 0 when they removed no row.
	FindingsRemoved int
	// Warnings are messages about the rule that did not stop it.
	Warnings []string
}

// Suppression is the number of rows that one exclusion removed from what
// a rule saw.
type Suppression struct {
	// Exclusion names the exclusion, such as its name in the exclusions
	// file or "exclusions.yaml:12 (ScreenMeet on the IT jump hosts)".
	Exclusion string
	Rows      int64
	// Findings is the number of the rule's findings that the exclusion
	// removes on its own: the rule's findings without exclusions less
	// its findings with this exclusion alone (so overlapping exclusions
	// each count a finding both remove); -1 when not counted, 0 when it
	// removed no row.
	Findings int
}

// Suppressions returns counts, rows by exclusion name as
// kql.Result.Suppressed holds them, as Suppressions sorted by name. Counts
// of zero are kept: an exclusion that removed nothing is worth seeing.
func Suppressions(counts map[string]int64) []Suppression {
	out := make([]Suppression, 0, len(counts))
	for name, n := range counts {
		out = append(out, Suppression{Exclusion: name, Rows: n})
	}
	slices.SortFunc(out, func(a, b Suppression) int { return strings.Compare(a.Exclusion, b.Exclusion) })
	return out
}

// Stats are the totals of a hunt.
type Stats struct {
	Rules        int // rule files, including failed ones
	RulesRun     int // rules that ran to completion
	NotEvaluated int // rules not evaluated (see RuleReport.NotEvaluated)
	Failed       int // rules with errors
	WithFindings int // rules that ran and found something
	Findings     int
	Suppressed   int64 // rows removed by exclusions, each once (RuleReport.SuppressedRows)
	Exclusions   int   // distinct exclusions that removed rows
	RowsScanned  int64
	BytesRead    int64
	Elapsed      time.Duration
}

// Stats returns the totals of h, computed from h.Rules, so that they
// always agree with them: a rule with Errors is failed, else one with
// NotEvaluated is not evaluated, else it ran.
func (h *Hunt) Stats() Stats {
	s := Stats{Rules: len(h.Rules), RowsScanned: h.RowsScanned, BytesRead: h.BytesRead, Elapsed: h.Elapsed}
	exclusions := map[string]bool{}
	for i := range h.Rules {
		r := &h.Rules[i]
		switch {
		case len(r.Errors) > 0:
			s.Failed++
		case r.NotEvaluated != "":
			s.NotEvaluated++
		default:
			s.RulesRun++
			if r.Findings > 0 {
				s.WithFindings++
			}
		}
		s.Findings += r.Findings
		s.Suppressed += r.SuppressedRows
		for _, sup := range r.Suppressed {
			if sup.Rows > 0 {
				exclusions[sup.Exclusion] = true
			}
		}
	}
	s.Exclusions = len(exclusions)
	return s
}

// WriteSummary writes the run summary of h to w, for standard error:
//
//	kqlhunt: 3 rules run, 1 with findings (4 findings), 1 not evaluated, 0 failed; 1200 rows (2.1 KiB) scanned in 12ms
//	kqlhunt: 7 rows suppressed by 2 exclusions, 3 findings removed
//	kqlhunt: exclusion "EXCLUSION" removed 5 rows, 2 findings from NAME (ID)
//	kqlhunt: exclusion "EXCLUSION" removed 2 rows, 1 finding from 2 rules: NAME (1 row, 1 finding), NAME (1 row, 0 findings)
//	kqlhunt: 3 other exclusions removed nothing
//	kqlhunt: not evaluated: NAME (ID): REASON
//	kqlhunt: not evaluated: 40 rules: REASON (NAME, NAME, NAME and 37 more)
//
// The first line always; when exclusions apply to some rule, their total,
// a line per exclusion that removed rows, with the findings it removed
// (see Suppression.Findings) and the rules it removed them from (the
// first maxListed), and one line for the exclusions that removed nothing;
// then the rules not evaluated, a line per rule or, when more
// than maxListed rules share a reason, a line per reason. Errors and
// warnings are not repeated: they are printed when they happen. Rule
// names and reasons have control characters escaped, so a rule file
// cannot forge lines.
func WriteSummary(w io.Writer, h *Hunt) error {
	s := h.Stats()
	var b strings.Builder
	fmt.Fprintf(&b, "kqlhunt: %d %s run, %d with findings (%d %s), %d not evaluated, %d failed; ",
		s.RulesRun, plural(s.RulesRun, "rule", "rules"), s.WithFindings, s.Findings, plural(s.Findings, "finding", "findings"),
		s.NotEvaluated, s.Failed)
	if h.Server != "" {
		// The server scanned its tables; what kqlhunt saw is what it
		// returned.
		fmt.Fprintf(&b, "ran on %s, which returned %d %s in %s", h.Server, h.ServerRows, plural(h.ServerRows, "row", "rows"), s.Elapsed.Round(time.Millisecond))
	} else {
		fmt.Fprintf(&b, "%d %s (%s) scanned in %s", s.RowsScanned, plural(s.RowsScanned, "row", "rows"), HumanBytes(s.BytesRead), s.Elapsed.Round(time.Millisecond))
	}
	if s.BytesRead > 0 && s.Elapsed > 0 {
		fmt.Fprintf(&b, " (%s/s)", HumanBytes(int64(float64(s.BytesRead)/s.Elapsed.Seconds())))
	}
	if h.PeakMemory > 0 {
		fmt.Fprintf(&b, "; peak memory %s", HumanBytes(h.PeakMemory))
	}
	b.WriteByte('\n')
	writeExclusions(&b, h, s)
	if h.Deselected > 0 {
		fmt.Fprintf(&b, "kqlhunt: %d %s not selected by %s\n", h.Deselected, plural(h.Deselected, "rule", "rules"), visible(h.Selection))
	}
	if n := h.PeriodsNotApplied; n > 0 {
		fmt.Fprintf(&b, "kqlhunt: %d %s a queryPeriod, not applied: every rule read all the data (--query-period reads only each rule's period before now, as Sentinel's scheduler does)\n",
			n, plural(n, "rule has", "rules have"))
	}
	listReasons(&b, h.Rules, "not evaluated", func(r *RuleReport) string {
		if len(r.Errors) > 0 {
			return ""
		}
		return r.NotEvaluated
	})
	listReasons(&b, h.Rules, "found nothing", func(r *RuleReport) string {
		if len(r.Errors) > 0 || r.NotEvaluated != "" || r.Findings > 0 {
			return ""
		}
		return r.Blind
	})
	_, err := io.WriteString(w, b.String())
	return err
}

// writeExclusions writes the summary's lines about exclusions.
func writeExclusions(b *strings.Builder, h *Hunt, s Stats) {
	type use struct {
		rule     *RuleReport
		rows     int64
		findings int
	}
	type excl struct {
		name     string
		rows     int64
		findings int // -1 when some count is unknown
		uses     []use
	}
	var order []*excl
	byName := map[string]*excl{}
	removed, known, excluded := 0, true, false
	for i := range h.Rules {
		r := &h.Rules[i]
		if len(r.Suppressed) == 0 {
			continue
		}
		excluded = true
		if r.FindingsRemoved < 0 {
			known = false
		} else {
			removed += r.FindingsRemoved
		}
		for _, sup := range r.Suppressed {
			x := byName[sup.Exclusion]
			if x == nil {
				x = &excl{name: sup.Exclusion}
				byName[sup.Exclusion] = x
				order = append(order, x)
			}
			if sup.Rows == 0 {
				continue
			}
			x.rows += sup.Rows
			if sup.Findings < 0 || x.findings < 0 {
				x.findings = -1
			} else {
				x.findings += sup.Findings
			}
			x.uses = append(x.uses, use{r, sup.Rows, sup.Findings})
		}
	}
	if !excluded {
		return
	}
	findings := func(n int) string {
		if n < 0 {
			return "findings not counted"
		}
		return fmt.Sprintf("%d %s", n, plural(n, "finding", "findings"))
	}
	rows := func(n int64) string { return fmt.Sprintf("%d %s", n, plural(n, "row", "rows")) }
	fmt.Fprintf(b, "kqlhunt: %s suppressed by %d %s", rows(s.Suppressed), s.Exclusions, plural(s.Exclusions, "exclusion", "exclusions"))
	if s.Suppressed > 0 {
		if !known {
			removed = -1
		}
		fmt.Fprintf(b, ", %s removed", findings(removed))
	}
	b.WriteByte('\n')
	idle := 0
	for _, x := range order {
		if x.rows == 0 {
			idle++
			continue
		}
		fmt.Fprintf(b, "kqlhunt: exclusion %q removed %s, %s from ", visible(x.name), rows(x.rows), findings(x.findings))
		if len(x.uses) == 1 {
			r := x.uses[0].rule
			fmt.Fprintf(b, "%s (%s)\n", visible(r.Name), visible(r.ID))
			continue
		}
		// The rules that lost findings first.
		slices.SortStableFunc(x.uses, func(a, b use) int { return b.findings - a.findings })
		fmt.Fprintf(b, "%d rules: ", len(x.uses))
		for i, u := range x.uses {
			if i == maxListed {
				fmt.Fprintf(b, " and %d more", len(x.uses)-maxListed)
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%s (%s, %s)", visible(u.rule.Name), rows(u.rows), findings(u.findings))
		}
		b.WriteByte('\n')
	}
	if n := h.ExclusionEntries - s.Exclusions; n > idle {
		idle = n // entries that applied to no rule of the hunt count too
	}
	if idle > 0 {
		fmt.Fprintf(b, "kqlhunt: %d other %s removed nothing\n", idle, plural(idle, "exclusion", "exclusions"))
	}
}

// maxListed is the number of rules that WriteSummary lists one by one
// under one reason (not evaluated, could not find anything); above it, it
// sums them up.
const maxListed = 5

// listReasons writes a line per rule for which reason gives a reason,
// "kqlhunt: WHAT: NAME (ID): REASON", or a line per reason shared by more
// than maxListed rules.
func listReasons(b *strings.Builder, rules []RuleReport, what string, reason func(*RuleReport) string) {
	var reasons []string
	byReason := map[string][]*RuleReport{}
	for i := range rules {
		r := &rules[i]
		why := reason(r)
		if why == "" {
			continue
		}
		if _, ok := byReason[why]; !ok {
			reasons = append(reasons, why)
		}
		byReason[why] = append(byReason[why], r)
	}
	for _, why := range reasons {
		rs := byReason[why]
		if len(rs) <= maxListed {
			for _, r := range rs {
				fmt.Fprintf(b, "kqlhunt: %s: %s (%s): %s\n", what, visible(r.Name), visible(r.ID), visible(why))
			}
			continue
		}
		names := make([]string, 3)
		for i := range names {
			names[i] = visible(rs[i].Name)
		}
		fmt.Fprintf(b, "kqlhunt: %s: %d rules: %s (%s and %d more)\n", what, len(rs), visible(why),
			strings.Join(names, ", "), len(rs)-len(names))
	}
}

// plural returns one when n is 1, else many.
func plural[N int | int64](n N, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// HumanBytes returns n as "512 B", "2.1 KiB", "3.0 MiB" or "1.2 GiB".
func HumanBytes(n int64) string {
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

// HuntWriter is a FindingWriter that reports a whole hunt: it keeps the
// findings written to it and writes its output at EndHunt, which takes the
// place of End. The HTML writer is one.
type HuntWriter interface {
	FindingWriter
	EndHunt(h *Hunt) error
}

// Finish ends w: with EndHunt(h) if w is a HuntWriter, else with End. A
// caller that has a hunt's model calls Finish rather than End, whatever
// the format. h may be nil, which gives an HTML report of the findings
// alone.
func Finish(w FindingWriter, h *Hunt) error {
	if hw, ok := w.(HuntWriter); ok && h != nil {
		return hw.EndHunt(h)
	}
	return w.End()
}
