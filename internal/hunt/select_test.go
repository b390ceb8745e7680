package hunt

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/rules"
)

func TestSelection(t *testing.T) {
	anydesk := &rules.Rule{ID: "1ed8c1a2-5133", Name: "RMM tool - AnyDesk - Process", Severity: "Medium",
		Tactics: []string{"CommandAndControl"}, RelevantTechniques: []string{"T1219.001"}}
	hunting := &rules.Rule{ID: "abc", Name: "Rare logons", Tactics: []string{"Lateral Movement"}, RelevantTechniques: []string{"T1021"}}
	high := &rules.Rule{ID: "h1", Name: "Ransomware", Severity: "High", RelevantTechniques: []string{"T1486"}}
	all := []*rules.Rule{anydesk, hunting, high}
	for _, c := range []struct {
		sel  Selection
		want []*rules.Rule
	}{
		{Selection{}, all},
		{Selection{Rules: []string{"*anydesk*"}}, []*rules.Rule{anydesk}},
		{Selection{Rules: []string{"1ED8C1A2-*"}}, []*rules.Rule{anydesk}},
		{Selection{Rules: []string{"abc", "h?"}}, []*rules.Rule{hunting, high}},
		{Selection{Rules: []string{"anydesk"}}, nil}, // a glob matches the whole id or name
		{Selection{MinSeverity: "medium"}, []*rules.Rule{anydesk, high}},
		{Selection{MinSeverity: "HIGH"}, []*rules.Rule{high}},
		{Selection{MinSeverity: "informational"}, all},
		{Selection{Tactics: []string{"command and control"}}, []*rules.Rule{anydesk}},
		{Selection{Tactics: []string{"lateral-movement", "Impact"}}, []*rules.Rule{hunting}},
		{Selection{Techniques: []string{"t1219"}}, []*rules.Rule{anydesk}},
		{Selection{Techniques: []string{"T1219.001"}}, []*rules.Rule{anydesk}},
		{Selection{Techniques: []string{"T1219.002"}}, nil},
		{Selection{Techniques: []string{"T121"}}, nil}, // not a prefix of the number
		{Selection{Techniques: []string{"T1021"}, Tactics: []string{"Impact"}}, nil},
		{Selection{Rules: []string{"*"}, MinSeverity: "low", Techniques: []string{"T1486", "T1219"}}, []*rules.Rule{anydesk, high}},
	} {
		var got []*rules.Rule
		for _, r := range all {
			if c.sel.Match(r) {
				got = append(got, r)
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %d rules, want %d", c.sel, len(got), len(c.want))
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: rule %d is %s, want %s", c.sel, i, got[i].Name, c.want[i].Name)
			}
		}
	}
	for _, bad := range []Selection{{Rules: []string{"[a"}}, {MinSeverity: "critical"}} {
		if bad.Check() == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	s := &RuleSet{Files: &rules.LoadResult{Rules: []*rules.Rule{hunting}}, Packs: []*rules.Rule{anydesk, high}}
	if left := s.Select(Selection{MinSeverity: "medium"}); left != 1 || len(s.Loaded()) != 2 || s.Deselected != 1 {
		t.Errorf("Select: left %d, loaded %d", left, len(s.Loaded()))
	}
}
