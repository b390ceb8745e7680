package hunt

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/rules"
)

// Selection chooses rules by id or name, severity, tactic and technique
// (the CLI's --rule, --min-severity, --tactic and --technique). A rule is
// selected when it passes every criterion given; the zero Selection
// selects every rule.
//
//   - Rules are globs (path.Match syntax: *, ?, [a-z]) matched against the
//     rule's id and its name, ignoring case; a rule matching any is
//     selected.
//   - MinSeverity is Informational, Low, Medium or High (any case): rules
//     of that severity or above are selected. A rule without a severity
//     (most hunting queries) counts as Informational.
//   - Tactics selects rules listing any of them, compared ignoring case,
//     spaces, '-' and '_' ("Command and Control" is CommandAndControl).
//   - Techniques selects rules listing any of them, ignoring case; a
//     technique selects its sub-techniques too (T1219 selects T1219.001),
//     a sub-technique only itself (T1219.001 does not select a rule that
//     lists only T1219, which is not known to be about it).
type Selection struct {
	Rules       []string
	MinSeverity string
	Tactics     []string
	Techniques  []string
}

// severityLevels are the severities from the least to the most severe.
var severityLevels = []string{"informational", "low", "medium", "high"}

// Check returns an error about the first criterion of s that is
// malformed: a bad glob or an unknown severity.
func (s Selection) Check() error {
	for _, g := range s.Rules {
		if _, err := path.Match(strings.ToLower(g), ""); err != nil {
			return usagef("--rule %q: %v", g, err)
		}
	}
	if s.MinSeverity != "" && !slices.Contains(severityLevels, strings.ToLower(s.MinSeverity)) {
		return usagef("--min-severity %q: expected informational, low, medium or high", s.MinSeverity)
	}
	return nil
}

// Empty reports whether s selects every rule.
func (s Selection) Empty() bool {
	return len(s.Rules) == 0 && s.MinSeverity == "" && len(s.Tactics) == 0 && len(s.Techniques) == 0
}

// Match reports whether s selects r.
func (s Selection) Match(r *rules.Rule) bool {
	if len(s.Rules) > 0 && !slices.ContainsFunc(s.Rules, func(g string) bool {
		g = strings.ToLower(g)
		idOK, _ := path.Match(g, strings.ToLower(r.ID))
		nameOK, _ := path.Match(g, strings.ToLower(r.Name))
		return idOK || nameOK
	}) {
		return false
	}
	if s.MinSeverity != "" {
		level := slices.Index(severityLevels, strings.ToLower(r.Severity))
		if max(level, 0) < slices.Index(severityLevels, strings.ToLower(s.MinSeverity)) {
			return false
		}
	}
	if len(s.Tactics) > 0 && !anyOf(s.Tactics, r.Tactics, func(want, have string) bool {
		return tacticKey(want) == tacticKey(have)
	}) {
		return false
	}
	if len(s.Techniques) > 0 && !anyOf(s.Techniques, r.RelevantTechniques, func(want, have string) bool {
		want, have = strings.ToUpper(strings.TrimSpace(want)), strings.ToUpper(strings.TrimSpace(have))
		return have == want || strings.HasPrefix(have, want+".")
	}) {
		return false
	}
	return true
}

// anyOf reports whether match holds for some pair of wants and haves.
func anyOf(wants, haves []string, match func(want, have string) bool) bool {
	for _, w := range wants {
		for _, h := range haves {
			if match(w, h) {
				return true
			}
		}
	}
	return false
}

// tacticKey is a tactic's name in lower case without spaces, '-' and '_'.
func tacticKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '_' {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// String describes s for messages, such as `--rule "*AnyDesk*"
// --min-severity high`.
func (s Selection) String() string {
	var parts []string
	for _, g := range s.Rules {
		parts = append(parts, fmt.Sprintf("--rule %q", g))
	}
	if s.MinSeverity != "" {
		parts = append(parts, "--min-severity "+s.MinSeverity)
	}
	for _, t := range s.Tactics {
		parts = append(parts, fmt.Sprintf("--tactic %q", t))
	}
	for _, t := range s.Techniques {
		parts = append(parts, "--technique "+t)
	}
	return strings.Join(parts, " ")
}

// Select keeps the rules of s that sel selects, files and packs alike,
// and returns how many it left out. Rules that failed to load stay
// reported in s.Diags.
func (s *RuleSet) Select(sel Selection) (left int) {
	if sel.Empty() {
		return 0
	}
	keep := func(rs []*rules.Rule) []*rules.Rule {
		out := rs[:0:0]
		for _, r := range rs {
			if sel.Match(r) {
				out = append(out, r)
			} else {
				left++
			}
		}
		return out
	}
	s.Files.Rules = keep(s.Files.Rules)
	s.Packs = keep(s.Packs)
	s.Deselected += left
	return left
}
