package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/hunt"
)

// selectFlags registers the rule selection flags on cmd: --rule,
// --min-severity, --tactic and --technique (see hunt.Selection).
func selectFlags(cmd *cobra.Command, s *hunt.Selection) {
	fl := cmd.Flags()
	fl.StringArrayVar(&s.Rules, "rule", nil, "only the rules whose id or name matches the glob `PATTERN` (*, ?, [..]; any case; repeatable)")
	fl.StringVar(&s.MinSeverity, "min-severity", "", "only the rules of `SEVERITY` or above: informational, low, medium or high (a rule without one is informational)")
	fl.StringSliceVar(&s.Tactics, "tactic", nil, "only the rules with the MITRE ATT&CK `TACTIC` (e.g. CommandAndControl; any case; repeatable or comma-separated)")
	fl.StringSliceVar(&s.Techniques, "technique", nil, "only the rules with the MITRE ATT&CK `TECHNIQUE` or one of its sub-techniques (T1219 selects T1219.001; repeatable or comma-separated)")
}

// checkSelection is a usage error for a malformed selection.
func checkSelection(s hunt.Selection) error {
	err := s.Check()
	var ue *hunt.UsageError
	if errors.As(err, &ue) {
		return fail(exitUsage, "%s", ue.Msg)
	}
	return err
}

// selectRules keeps the rules of s that sel selects; a usage error when
// rules loaded but none is selected.
func selectRules(s *hunt.RuleSet, sel hunt.Selection) error {
	if err := checkSelection(sel); err != nil {
		return err
	}
	left := s.Select(sel)
	if left > 0 && len(s.Loaded()) == 0 {
		return fail(exitUsage, "no rule matches %s (%s loaded)", sel, countOf(left, "rule", "rules"))
	}
	return nil
}
