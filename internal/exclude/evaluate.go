package exclude

import (
	"context"
	"fmt"
	"github.com/kqlhunt/kqlhunt/internal/diag"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Outcome is what Evaluate found for one rule run with its exclusions.
type Outcome struct {
	// Rule is the rule's id.
	Rule string
	// Results are the rule's output with the exclusions applied (set by
	// Evaluate only).
	Results []*kql.Result
	// Findings is the number of rows of Results.
	Findings int
	// Suppressed lists, in file order, every exclusion that applies to
	// the rule and the rows of the rule's tables it removed (see
	// kql.Result.Suppressed): rows of the tables as read, before the
	// rule's own filters, so a count may exceed the rule's matches.
	Suppressed []Suppression
	// Unexcluded is the number of findings of the rule without any
	// exclusion, or -1 when that run was not needed: the rule has
	// findings, or the exclusions removed nothing.
	Unexcluded int
	// Warnings say when the exclusions suppress every match the rule
	// has; see Evaluate.
	Warnings []*Warning
}

// Suppression is the count of one exclusion.
type Suppression struct {
	Entry *Entry
	Rows  int64
}

// Warning is a warning about the exclusions of a rule, positioned in the
// exclusions file.
type Warning struct {
	// Entry is the exclusion the warning is about, or nil when it is
	// about the rule's exclusions together.
	Entry *Entry
	// Matches is the number of findings the rule has without exclusions.
	Matches int
	// File, Line and Col locate the entry (Line is 0 for the file).
	File      string
	Line, Col int
	Msg       string
}

// Error returns the warning as FILE:LINE:COL: warning: message, as
// diag prints every diagnostic.
func (w *Warning) Error() string { return w.Diagnostic().Error() }

// Diagnostic returns w as a diag warning in the exclusions file, without
// its text (so without an excerpt).
func (w *Warning) Diagnostic() diag.Diagnostic {
	return diag.NewFile(w.File, nil).Warnf(w.Line, w.Col, "%s", w.Msg)
}

// Applied is a rule's query with the exclusions that apply to it.
type Applied struct {
	set  *Set
	rule string
	base *kql.Query
	ex   []kql.Exclusion
	// Query is the query to run: the rule's query with its exclusions,
	// or the rule's query itself when none applies.
	Query *kql.Query
}

// Apply binds the exclusions that apply to the rule with id ruleID (Bind)
// to its compiled query base, which is not parsed again. The error is a
// rules.ErrorList from Bind, or an error checking the query with them. A
// nil Set applies nothing.
func (s *Set) Apply(cat *schema.Catalog, ruleID string, base *kql.Query) (*Applied, error) {
	ex, err := s.Bind(cat, ruleID, base.Tables)
	if err != nil {
		return nil, err
	}
	a := &Applied{set: s, rule: ruleID, base: base, ex: ex, Query: base}
	if len(ex) > 0 {
		if a.Query, err = base.WithExclusions(ex); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Excluded reports whether some exclusion applies to the rule.
func (a *Applied) Excluded() bool { return len(a.ex) > 0 }

// Entries returns the exclusions that apply to the rule, in file order:
// Alone(i) is the rule's query with Entries()[i] only.
func (a *Applied) Entries() []*Entry { return a.set.For(a.rule) }

// Base returns the rule's query without any exclusion.
func (a *Applied) Base() *kql.Query { return a.base }

// Alone returns the rule's query with only its i-th exclusion (see
// Entries).
func (a *Applied) Alone(i int) (*kql.Query, error) {
	if len(a.ex) == 1 {
		return a.Query, nil
	}
	return a.base.WithExclusions(a.ex[i : i+1])
}

// Evaluate runs the rule with id ruleID, whose query base was compiled
// against cat without exclusions, over tables with its exclusions (Apply)
// and returns its findings, what each exclusion removed and the warnings
// of Applied.Assess. A nil Set runs the rule as it is.
func (s *Set) Evaluate(ctx context.Context, cat *schema.Catalog, ruleID string, base *kql.Query, tables kql.Tables, now value.Datetime) (*Outcome, error) {
	a, err := s.Apply(cat, ruleID, base)
	if err != nil {
		return nil, err
	}
	results, err := a.Query.Run(ctx, tables, now)
	if err != nil {
		return nil, err
	}
	var found int64
	var counts map[string]int64
	for _, r := range results {
		found += int64(r.Rows())
		counts = r.Suppressed
	}
	count := func(ctx context.Context, q *kql.Query) (int, error) {
		res, err := q.Run(ctx, tables, now)
		return rows(res), err
	}
	out, err := a.Assess(ctx, count, found, counts)
	if out != nil {
		out.Results = results
	}
	return out, err
}

// Counter runs a query over the data and returns the number of rows it
// returns.
type Counter func(ctx context.Context, q *kql.Query) (int, error)

// Assess says what the exclusions did in a run of a.Query that returned
// found rows, with suppressed the counts of that run
// (kql.Result.Suppressed): the rows each exclusion removed and these
// warnings:
//
//   - when the rule has no findings with its exclusions but has findings
//     without them, one warning that the exclusions together suppress all
//     N of its matches (N being the findings without exclusions), positioned
//     at the file, or at the entry when only one entry applies;
//   - and, when several entries apply, for each entry that removed rows
//     and, run alone, leaves the rule without findings, a warning at the
//     entry that it suppresses all N matches on its own.
//
// The runs without exclusions and with each entry alone are made only in
// the first case. A rule whose exclusions suppress everything is most
// likely tuned wrong (a negated condition meant as a positive one, such
// as process.name != "X" OR ...), since the rule can no longer find
// anything. The run with one entry left out would not find such an entry
// when several entries each suppress everything, which is why each entry
// is run alone. Those runs are made with count, over the same data.
func (a *Applied) Assess(ctx context.Context, count Counter, found int64, suppressed map[string]int64) (*Outcome, error) {
	s, ruleID := a.set, a.rule
	out := &Outcome{Rule: ruleID, Findings: int(found), Unexcluded: -1}
	entries := s.For(ruleID)
	var total int64
	for _, e := range entries {
		n := suppressed[e.Name]
		total += n
		out.Suppressed = append(out.Suppressed, Suppression{Entry: e, Rows: n})
	}
	if out.Findings > 0 || total == 0 {
		return out, nil
	}
	unexcluded, err := count(ctx, a.base)
	if err != nil {
		return nil, err
	}
	out.Unexcluded = unexcluded
	if out.Unexcluded == 0 {
		return out, nil
	}
	n := out.Unexcluded
	if len(entries) == 1 {
		out.Warnings = append(out.Warnings, s.warnEntry(entries[0], n,
			fmt.Sprintf("exclusion %q suppresses all %d %s of rule %s", entries[0].Name, n, matches(n), ruleID)))
		return out, nil
	}
	out.Warnings = append(out.Warnings, &Warning{File: s.File, Matches: n,
		Msg: fmt.Sprintf("the %d exclusions of rule %s together suppress all %d of its %s", len(entries), ruleID, n, matches(n))})
	for i, sup := range out.Suppressed {
		if sup.Rows == 0 {
			continue
		}
		alone, err := a.base.WithExclusions(a.ex[i : i+1])
		if err != nil {
			return nil, err
		}
		left, err := count(ctx, alone)
		if err != nil {
			return nil, err
		}
		if left == 0 {
			out.Warnings = append(out.Warnings, s.warnEntry(sup.Entry, n,
				fmt.Sprintf("exclusion %q on its own suppresses all %d %s of rule %s", sup.Entry.Name, n, matches(n), ruleID)))
		}
	}
	return out, nil
}

func (s *Set) warnEntry(e *Entry, n int, msg string) *Warning {
	return &Warning{Entry: e, Matches: n, File: s.File, Line: e.Line, Col: e.Col, Msg: msg}
}

func matches(n int) string {
	if n == 1 {
		return "match"
	}
	return "matches"
}

// rows counts the rows of results.
func rows(results []*kql.Result) int {
	n := 0
	for _, r := range results {
		n += r.Rows()
	}
	return n
}
