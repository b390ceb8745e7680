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
	// Results are the rule's output with the exclusions applied.
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

// Evaluate runs the rule with id ruleID, whose query base was compiled
// against cat without exclusions, over tables with its exclusions (Bind)
// and returns its findings, what each exclusion removed and these
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
// is run alone.
//
// The error is a rules.ErrorList from Bind, or an error compiling or
// running the query. A nil Set runs the rule as it is.
func (s *Set) Evaluate(ctx context.Context, cat *schema.Catalog, ruleID string, base *kql.Query, tables kql.Tables, now value.Datetime) (*Outcome, error) {
	ex, err := s.Bind(cat, ruleID, base.Tables)
	if err != nil {
		return nil, err
	}
	q := base
	if len(ex) > 0 {
		if q, err = withExclusions(base, cat, ex); err != nil {
			return nil, err
		}
	}
	results, err := q.Run(ctx, tables, now)
	if err != nil {
		return nil, err
	}
	return s.assess(ctx, cat, ruleID, base, ex, results, tables, now)
}

// Assess is Evaluate for a caller that ran the rule with the exclusions
// of Bind itself (with kql.RunMany, say): results are that run's output.
// It makes the extra runs the warnings need.
func (s *Set) Assess(ctx context.Context, cat *schema.Catalog, ruleID string, base *kql.Query, results []*kql.Result, tables kql.Tables, now value.Datetime) (*Outcome, error) {
	ex, err := s.Bind(cat, ruleID, base.Tables)
	if err != nil {
		return nil, err
	}
	return s.assess(ctx, cat, ruleID, base, ex, results, tables, now)
}

func (s *Set) assess(ctx context.Context, cat *schema.Catalog, ruleID string, base *kql.Query, ex []kql.Exclusion, results []*kql.Result, tables kql.Tables, now value.Datetime) (*Outcome, error) {
	out := &Outcome{Rule: ruleID, Results: results, Findings: rows(results), Unexcluded: -1}
	entries := s.For(ruleID)
	var counts map[string]int64
	if len(results) > 0 {
		counts = results[0].Suppressed
	}
	var total int64
	for _, e := range entries {
		n := counts[e.Name]
		total += n
		out.Suppressed = append(out.Suppressed, Suppression{Entry: e, Rows: n})
	}
	if out.Findings > 0 || total == 0 {
		return out, nil
	}
	unexcluded, err := base.Run(ctx, tables, now)
	if err != nil {
		return nil, err
	}
	out.Unexcluded = rows(unexcluded)
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
		alone, err := withExclusions(base, cat, ex[i:i+1])
		if err != nil {
			return nil, err
		}
		res, err := alone.Run(ctx, tables, now)
		if err != nil {
			return nil, err
		}
		if rows(res) == 0 {
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

// withExclusions compiles base's text again with exclusions ex.
func withExclusions(base *kql.Query, cat *schema.Catalog, ex []kql.Exclusion) (*kql.Query, error) {
	return kql.Compile(base.Source.Text, cat, kql.Options{Name: base.Source.Name, Pos: base.Source.Pos, Exclusions: ex})
}

// rows counts the rows of results.
func rows(results []*kql.Result) int {
	n := 0
	for _, r := range results {
		n += r.Rows()
	}
	return n
}
