package rules

import (
	"errors"
	"github.com/kqlhunt/kqlhunt/internal/diag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const seedQuery = `let Time_start = now(-5d);
let Time_end = now();
//
DeviceNetworkEvents
| where Timestamp between (Time_start..Time_end)
| where RemoteUrl has 'screenmeet.com'
and InitiatingProcessVersionInfoCompanyName has 'Projector Inc'
and InitiatingProcessVersionInfoProductName has 'ScreenMeet'
| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp),
Report=make_set(ReportId), Count=count() by DeviceId, DeviceName,
RemoteUrl
`

func TestLoadExample(t *testing.T) {
	path := filepath.Join("..", "..", "examples", "rules", "screenmeet_netconn.yaml")
	r, err := LoadFile(path)
	if err != nil {
		t.Fatal(FormatError(err))
	}
	want := &Rule{
		ID:          "f413b02c-92da-4243-82e6-b9bbe8e89a35",
		Name:        "Remote Management and Monitoring tool - ScreenMeet - Network Connection",
		Description: r.Description,
		Severity:    "Medium",
		RequiredDataConnectors: []DataConnector{
			{ConnectorID: "MicrosoftThreatProtection", DataTypes: []string{"DeviceNetworkEvents"}},
		},
		QueryFrequency:     "1h",
		QueryPeriod:        "5d",
		TriggerOperator:    "gt",
		TriggerThreshold:   0,
		Tactics:            []string{"CommandAndControl"},
		RelevantTechniques: []string{"T1219"},
		Query:              seedQuery,
		EntityMappings: []EntityMapping{
			{EntityType: "Host", FieldMappings: []FieldMapping{{Identifier: "HostName", ColumnName: "DeviceName"}}},
			{EntityType: "URL", FieldMappings: []FieldMapping{{Identifier: "Url", ColumnName: "RemoteUrl"}}},
		},
		Version: "1.0.0",
		Kind:    "Scheduled",
		File:    path,
		Format:  YAML,
	}
	if diff := cmp.Diff(want, r, cmpopts.IgnoreUnexported(Rule{})); diff != "" {
		t.Errorf("rule (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.Description, "screenmeet.com") {
		t.Errorf("description = %q", r.Description)
	}
	// "screenmeet.com" is on the query's sixth line, which is file line 43
	// ("  | where RemoteUrl has 'screenmeet.com'").
	off := strings.Index(r.Query, "screenmeet.com")
	if l, c := r.QueryPosition(off); l != 43 || c != 26 {
		t.Errorf("QueryPosition(%d) = %d:%d, want 43:26", off, l, c)
	}
	e := r.QueryError(off, "example message")
	const wantMsg = "example message"
	if got := e.Error(); got != path+":43:26: "+wantMsg {
		t.Errorf("QueryError = %q", got)
	}
	if got, want := e.Excerpt(nil), "      | where RemoteUrl has 'screenmeet.com'\n                             ^"; got != want {
		t.Errorf("Excerpt:\n%s\nwant:\n%s", got, want)
	}
	if l, c, ok := r.KeyPosition("query"); !ok || l != 37 || c != 1 {
		t.Errorf("KeyPosition(query) = %d:%d %v, want 37:1", l, c, ok)
	}
}

// TestLoadCatalogDefect checks that a jischell file, with its dataTypes
// key one level too far left, gives a positioned YAML error.
func TestLoadCatalogDefect(t *testing.T) {
	path := "/work/shared/rmm/jischell/RMM/ScreenMeet/rmm_ScreenMeet_netconn.yaml"
	if _, err := os.Stat(path); err != nil {
		t.Skip(err)
	}
	r, err := LoadFile(path)
	if r != nil || err == nil {
		t.Fatalf("LoadFile = %v, %v; want a YAML error", r, err)
	}
	want := path + ":8:5: did not find expected '-' indicator (check the indentation)\n" +
		"        dataTypes:\n" +
		"        ^\n"
	if got := FormatError(err); got != want {
		t.Errorf("FormatError:\n%s\nwant:\n%s", got, want)
	}
	var e Error
	if !errors.As(err, &e) || e.Line != 8 || e.Col != 5 {
		t.Errorf("errors.As: %#v", e)
	}
}

// TestLoadCatalogRepaired loads the same file with dataTypes indented: a
// hunting query without severity, with single-string tactics.
func TestLoadCatalogRepaired(t *testing.T) {
	src, err := os.ReadFile("/work/shared/rmm/jischell/RMM/ScreenMeet/rmm_ScreenMeet_netconn.yaml")
	if err != nil {
		t.Skip(err)
	}
	src = []byte(strings.ReplaceAll(string(src), "\n    dataTypes:", "\n      dataTypes:"))
	r, err := Parse("netconn.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if r.Severity != "" || !cmp.Equal(r.Tactics, []string{"CommandAndControl"}) || !cmp.Equal(r.RelevantTechniques, []string{"T1219"}) {
		t.Errorf("severity %q tactics %q techniques %q", r.Severity, r.Tactics, r.RelevantTechniques)
	}
	if !strings.HasSuffix(r.Query, "AccountUpn, RemoteUrl \n") {
		t.Errorf("query = %q", r.Query)
	}
	off := strings.Index(r.Query, "AccountUpn")
	if l, c := r.QueryPosition(off); l != 23 || c != 7 {
		t.Errorf("AccountUpn at %d:%d, want 23:7", l, c)
	}
}

func TestParseFields(t *testing.T) {
	const text = `# A rule with every short form.
id: 12345
name: lists as strings
severity: hIGH
tactics: "CommandAndControl, Persistence,"
relevantTechniques: T1219, T1105
triggerOperator: GreaterThan
triggerThreshold: 3
version: 1.0
custom:
  a: [1, two]
query: T | take 1
`
	r, err := Parse("r.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := &Rule{
		ID:                 "12345",
		Name:               "lists as strings",
		Severity:           "High",
		Tactics:            []string{"CommandAndControl", "Persistence"},
		RelevantTechniques: []string{"T1219", "T1105"},
		TriggerOperator:    "gt",
		TriggerThreshold:   3,
		Version:            "1.0",
		Query:              "T | take 1",
		Extra:              map[string]any{"custom": map[string]any{"a": []any{1, "two"}}},
		File:               "r.yaml",
		Format:             YAML,
	}
	if diff := cmp.Diff(want, r, cmpopts.IgnoreUnexported(Rule{})); diff != "" {
		t.Errorf("rule (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"tactics integer", "id: x\nname: n\ntactics: 5\nquery: T\n",
			[]string{`r.yaml:3:1: tactics: expected a list of strings or a comma-separated string, got integer 5`}},
		{"missing query", "id: x\nname: n\n",
			[]string{`r.yaml:1:1: missing required key "query"`}},
		{"missing id and name", "\n  query: T\n",
			[]string{`r.yaml:2:3: missing required key "id"`, `r.yaml:2:3: missing required key "name"`}},
		{"empty values", "id: ''\nname:\nquery: |\n\n",
			[]string{`r.yaml:1:1: id is empty`, `r.yaml:2:1: name is empty`, `r.yaml:3:1: query is empty`}},
		{"unknown severity", "id: x\nname: n\nquery: T\nseverity: Critical\n",
			[]string{`r.yaml:4:1: unknown severity "Critical", expected Informational, Low, Medium or High`}},
		{"name list", "id: x\nname: [a, b]\nquery: T\n",
			[]string{`r.yaml:2:1: name: expected a string, got a list`}},
		{"name number", "id: x\nname: 2024\nquery: T\n",
			[]string{`r.yaml:2:1: name: expected a string, got integer 2024 (quote it to make it a string)`}},
		{"query mapping", "id: x\nname: n\nquery:\n  a: b\n",
			[]string{`r.yaml:3:1: query: expected a string, got a mapping`}},
		{"threshold", "id: x\nname: n\nquery: T\ntriggerThreshold: high\ntriggerOperator: '>'\n",
			[]string{`r.yaml:4:1: triggerThreshold: expected an integer, got string "high"`,
				`r.yaml:5:1: unknown trigger operator ">", expected gt, lt, eq or ne`}},
		{"list item", "id: x\nname: n\nquery: T\ntactics:\n  - Persistence\n  - {a: 1}\n  - true\n",
			[]string{`r.yaml:6:5: tactics: expected a string, got a mapping`, `r.yaml:7:5: tactics: expected a string, got boolean true`}},
		{"duplicate key", "id: x\nname: n\nquery: T\nquery: U\n",
			[]string{`r.yaml:4:1: duplicate key "query", first given at line 3`}},
		{"connectors", "id: x\nname: n\nquery: T\nrequiredDataConnectors: foo\nentityMappings:\n  - Host\n  - entityType: URL\n    fieldMappings: [{identifier: 1}]\n",
			[]string{`r.yaml:4:1: requiredDataConnectors: expected a list, got string "foo"`,
				`r.yaml:6:5: entityMappings: expected a mapping, got string "Host"`,
				`r.yaml:8:22: identifier: expected a string, got integer 1 (quote it to make it a string)`}},
		{"not a mapping", "- id: x\n", []string{`r.yaml:1:1: expected a mapping of rule fields, got a list`}},
		{"empty file", "# nothing\n", []string{`r.yaml: empty file, expected a rule mapping`}},
		{"two documents", "id: x\nname: n\nquery: T\n---\nid: y\n", []string{`r.yaml:4:1: expected one YAML document, got 2`}},
		{"syntax", "id: x\nname: n\nquery: T\n tactics: a\n",
			[]string{`r.yaml:4:2: mapping values are not allowed in this context (check the indentation)`}},
		{"syntax tab", "id: x\nname: n\n\tquery: T\n",
			[]string{`r.yaml:3:1: found a tab character that violates indentation`}},
		{"syntax quote", "id: x\nname: 'n\nquery: T\n",
			[]string{`r.yaml:2:7: found unexpected end of stream`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("r.yaml", []byte(tt.text))
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v (%T), want an ErrorList", err, err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseNoPanic checks that Parse survives odd input.
func TestParseNoPanic(t *testing.T) {
	for _, s := range []string{"", "\x00", "\xff\xfe", "*a", "&a [*a]", "query: &q T\nid: *q\nname: *q\n", "? [a]\n: b\n", "query: !!binary aGk=\n"} {
		Parse("r.yaml", []byte(s))
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range positionTests {
		f.Add(tt.text)
	}
	f.Add("id: x\nname: n\nquery: T\n tactics: a\n")
	f.Fuzz(func(t *testing.T, text string) {
		r, err := Parse("r.yaml", []byte(text))
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatal(err)
		}
		var list ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				if e.Line > len(diag.LineStarts([]byte(text))) {
					t.Fatalf("error past the end: %v", e)
				}
			}
		}
		if r != nil && r.Query != "" {
			for off := 0; off <= len(r.Query); off++ {
				if l, c := r.QueryPosition(off); l < 1 || c < 1 {
					t.Fatalf("QueryPosition(%d) = %d:%d", off, l, c)
				}
			}
		}
	})
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rule := func(id string) string { return "id: " + id + "\nname: n\nquery: T\n" }
	write("b.yaml", rule("b"))
	write("a/z.YML", rule("z"))
	write("a/bad.yaml", "id: x\nname: n\n")
	write("a/c.yml", rule("B")) // the same id as b.yaml, in another case
	write("notes.txt", rule("t"))
	write(".git/x.yaml", rule("git"))
	single := write("single.rule", rule("s"))

	rules, errs := Load([]string{dir, single, filepath.Join(dir, "b.yaml"), filepath.Join(dir, "missing")})
	var ids []string
	for _, r := range rules {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff([]string{"B", "z", "s"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	var msgs []string
	for _, err := range errs {
		msgs = append(msgs, strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))
	}
	want := []string{
		"stat missing: no such file or directory",
		`a/bad.yaml:1:1: missing required key "query"`,
		`b.yaml:1:1: duplicate rule id "b", already used by a/c.yml`,
	}
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}
