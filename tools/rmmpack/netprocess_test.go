package main

import (
	"strings"
	"testing"
)

// TestNetProcess: a tool's network rule gets a condition on the initiating
// process only when the catalogs give both an exact program name and the
// publisher; a network query's company condition without a program is
// skipped with its reason, and a large vendor's name is never a publisher.
func TestNetProcess(t *testing.T) {
	o := origin{Catalog: catLOLRMM, File: "yaml/foo.yaml", Where: "x"}
	both := &tool{Name: "FooDesk", Slug: "foodesk", words: "foodesk foo software"}
	both.facts = []rawFact{
		{origin: o, Kind: fDomain, Value: "foodesk.example"},
		{origin: o, Kind: fFileName, Value: "FooDesk.exe"},
		{origin: o, Kind: fFileName, Value: "foo*.exe"}, // a glob: not a whole name
		{origin: o, Kind: fCompany, Value: "Foo Software GmbH"},
		{origin: o, Kind: fNetProcess, Value: `InitiatingProcessVersionInfoCompanyName has "FooSoft"`,
			Formula: atom{Col: ipCompany, Op: "has", Vals: []string{"FooSoft"}}},
		{origin: o, Kind: fNetProcess, Value: `InitiatingProcessVersionInfoCompanyName has "Microsoft"`,
			Formula: atom{Col: ipCompany, Op: "has", Vals: []string{"Microsoft"}}},
	}
	alone := &tool{Name: "BarDesk", Slug: "bardesk", words: "bardesk"}
	alone.facts = []rawFact{
		{origin: o, Kind: fDomain, Value: "bardesk.example"},
		{origin: o, Kind: fNetProcess, Value: `InitiatingProcessVersionInfoCompanyName has "Bar Corp"`,
			Formula: atom{Col: ipCompany, Op: "has", Vals: []string{"Bar Corp"}}},
	}
	g := &generator{c: &catalogs{}}
	g.judge(both)
	g.judge(alone)
	var net *ruleSpec
	for _, r := range g.specs {
		if r.Tool == both && r.Kind == kNet {
			net = r
		}
		if r.Tool == alone && r.Kind == kNet && len(r.Programs) > 0 {
			t.Errorf("BarDesk has no program name, yet its network rule has programs %v", r.Programs)
		}
	}
	if net == nil {
		t.Fatal("no network rule for FooDesk")
	}
	if strings.Join(net.Programs, ",") != "FooDesk.exe" {
		t.Errorf("programs %v, want FooDesk.exe", net.Programs)
	}
	var pubs []string
	for _, a := range net.Publishers {
		pubs = append(pubs, formatCond(a))
	}
	if want := `InitiatingProcessVersionInfoCompanyName in~ ("Foo Software GmbH")|InitiatingProcessVersionInfoCompanyName has "FooSoft"`; strings.Join(pubs, "|") != want {
		t.Errorf("publishers %s, want %s", strings.Join(pubs, "|"), want)
	}
	skipped := map[string]string{}
	for _, s := range g.skips {
		skipped[s.Tool.Name+": "+s.Fact] = s.Reason
	}
	if why := skipped[`BarDesk: InitiatingProcessVersionInfoCompanyName has "Bar Corp"`]; why != rsNetPublisherAlone {
		t.Errorf("BarDesk's company condition: skipped for %q, want %q", why, rsNetPublisherAlone)
	}
	if why := skipped[`FooDesk: InitiatingProcessVersionInfoCompanyName has "Microsoft"`]; why != rsNetProcess {
		t.Errorf("a large vendor's name: skipped for %q, want %q", why, rsNetProcess)
	}
	q := queryText(net)
	for _, want := range []string{
		`or InitiatingProcessFileName has_any ("FooDesk.exe")`,
		`or (InitiatingProcessFileName in~ ("FooDesk.exe")`,
		`and (InitiatingProcessVersionInfoCompanyName in~ ("Foo Software GmbH")`,
		`RemoteIPs=make_set(RemoteIP)`,
	} {
		if !strings.Contains(q, want) {
			t.Errorf("query lacks %q:\n%s", want, q)
		}
	}
	test, err := testText(net)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`RemoteUrl: "", RemoteIP: "203.0.113.`,
		`InitiatingProcessFileName: "FooDesk.exe", InitiatingProcessVersionInfoCompanyName: "` + lookAlikeCompany + `"`,
	} {
		if !strings.Contains(string(test), want) {
			t.Errorf("test lacks %q:\n%s", want, test)
		}
	}
}

func TestPublisherMatches(t *testing.T) {
	for _, tc := range []struct {
		a       atom
		company string
		want    bool
	}{
		{atom{Op: "in~", Vals: []string{"TeamViewer GmbH"}}, "teamviewer gmbh", true},
		{atom{Op: "in~", Vals: []string{"TeamViewer GmbH"}}, "TeamViewer GmbH Fans", false},
		{atom{Op: "has", Vals: []string{"TeamViewer"}}, "TeamViewer Germany GmbH", true},
		{atom{Op: "has", Vals: []string{"TeamViewer"}}, "NotTeamViewer Ltd", false},
		{atom{Op: "has_any", Vals: []string{"anydesk software", "philandro software"}}, "philandro Software GmbH", true},
		{atom{Op: "has", Vals: []string{"Projector Inc"}}, lookAlikeCompany, false},
		{atom{Op: "==", Vals: []string{"Foo"}}, "foo", false},
	} {
		if got := publisherMatches(tc.a, tc.company); got != tc.want {
			t.Errorf("%s %s %q: %v, want %v", tc.a.Op, tc.a.Vals, tc.company, got, tc.want)
		}
	}
}
