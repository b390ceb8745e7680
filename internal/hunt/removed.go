package hunt

import (
	"context"
	"fmt"

	"github.com/kqlhunt/kqlhunt/kql"
)

// countRemoved counts the findings that exclusions removed, for the
// rules whose exclusions removed rows (a rule's own count of rows removed
// says nothing of its findings: a summarizing rule may keep every group
// and only count less). With F(x) the number of findings of a rule run
// with the exclusions x:
//
//   - the findings the exclusions removed from a rule are F(none) -
//     F(all): RuleReport.FindingsRemoved;
//   - the findings an exclusion removed from a rule are F(none) -
//     F(that exclusion alone): what it removes on its own
//     (Suppression.Findings). When exclusions overlap, a finding that
//     each of two would remove is counted for both, so the counts of a
//     rule's exclusions may add up to more than its FindingsRemoved.
//
// The runs this needs (each such rule without exclusions, and with each
// of its exclusions that removed rows alone, when it has several) are
// made together in one more pass over the data. A run that fails leaves
// the counts unknown (-1), with a warning.
func countRemoved(ctx context.Context, cfg Config, evaluated []*rule, outcomes []kql.Outcome, log func(format string, args ...any)) error {
	type run struct {
		hr    *rule
		entry int // the exclusion run alone, or -1 for none
	}
	var runs []run
	var queries []*kql.Query
	for i, hr := range evaluated {
		o := outcomes[i]
		if o.Err != nil || !hr.applied.Excluded() || o.SuppressedRows == 0 {
			continue
		}
		hr.report.FindingsRemoved = -1
		runs = append(runs, run{hr, -1})
		queries = append(queries, hr.applied.Base())
		entries := hr.applied.Entries()
		for j := range hr.report.Suppressed {
			sup := &hr.report.Suppressed[j]
			if sup.Rows == 0 || len(entries) == 1 {
				continue
			}
			sup.Findings = -1
			q, err := hr.applied.Alone(j)
			if err != nil {
				return fmt.Errorf("rule %q (%s) with exclusion %q alone: %w", hr.rule.Name, hr.rule.ID, sup.Exclusion, err)
			}
			runs = append(runs, run{hr, j})
			queries = append(queries, q)
		}
	}
	if len(queries) == 0 {
		return nil
	}
	outs := cfg.Engine.RunMany(ctx, queries, cfg.Now, func(int, int, []kql.Column, *kql.Batch) error { return nil })
	if err := ctx.Err(); err != nil {
		return err
	}
	unexcluded := map[*rule]int64{}
	for k, r := range runs {
		if r.entry < 0 && outs[k].Err == nil {
			unexcluded[r.hr] = outs[k].Rows
		}
	}
	for k, r := range runs {
		base, ok := unexcluded[r.hr]
		if outs[k].Err != nil || !ok {
			if outs[k].Err != nil {
				log("kqlhunt: warning: rule %q (%s): counting the findings its exclusions removed failed: %v", r.hr.rule.Name, r.hr.rule.ID, outs[k].Err)
			}
			continue
		}
		rr := r.hr.report
		if r.entry < 0 {
			rr.FindingsRemoved = int(base) - rr.Findings
			if len(r.hr.applied.Entries()) == 1 {
				rr.Suppressed[0].Findings = rr.FindingsRemoved
			}
			continue
		}
		rr.Suppressed[r.entry].Findings = int(base - outs[k].Rows)
	}
	return nil
}
