package hunt

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/packs"
	"github.com/kqlhunt/kqlhunt/internal/rules"
)

// UsageError is an error in what the caller asked for (no rules, an
// unknown pack, exclusions that do not apply), as opposed to a problem
// found in the rules or the data.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// RuleSet is the rules of some files and packs.
type RuleSet struct {
	// Files is what loading the files found (rules, rejected rules,
	// ignored files).
	Files *rules.LoadResult
	// Packs holds the rules of the packs.
	Packs []*rules.Rule
	// NPacks is the number of packs asked for.
	NPacks int
	// Diags are the diagnostics of loading, files and packs together.
	Diags rules.ErrorList
	// Deselected counts the rules that loaded and that Select left out.
	Deselected int
}

// Loaded returns the rules that loaded, files first, then packs.
func (s *RuleSet) Loaded() []*rules.Rule {
	return append(append([]*rules.Rule{}, s.Files.Rules...), s.Packs...)
}

// LoadRules loads the rules under paths and in the named packs. It fails
// only on usage (a *UsageError): nothing to load, or an unknown pack;
// problems in the rules are in RuleSet.Diags.
func LoadRules(paths, packNames []string) (*RuleSet, error) {
	if len(paths) == 0 && len(packNames) == 0 {
		return nil, usagef("no rules: give a PATH or --pack NAME")
	}
	s := &RuleSet{Files: &rules.LoadResult{}, NPacks: len(packNames)}
	if len(paths) > 0 {
		s.Files, _ = rules.LoadAll(paths) // the errors are in s.Files.Diags
		if len(s.Files.Files) == 0 && len(s.Files.Diags) == 0 {
			return nil, usagef("no rule files (*.yaml, *.yml, *.md, *.kql) under %s", strings.Join(paths, ", "))
		}
	}
	s.Diags = append(s.Diags, s.Files.Diags...)
	for _, name := range packNames {
		rs, err := packs.Load(name)
		var list rules.ErrorList
		switch {
		case errors.As(err, &list):
			s.Diags = append(s.Diags, list...)
		case err != nil:
			known := "kqlhunt has no built-in packs"
			if all := packs.Names(); len(all) > 0 {
				known = "packs: " + strings.Join(all, ", ")
			}
			return nil, usagef("--pack %s: %v (%s)", name, err, known)
		}
		s.Packs = append(s.Packs, rs...)
	}
	return s, nil
}
