package exclude

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// messages returns the messages of an ErrorList as FILE:LINE:COL: msg.
func messages(t *testing.T, err error) []string {
	t.Helper()
	var list rules.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %v (%T) is not a rules.ErrorList", err, err)
	}
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.Error()
	}
	return out
}

func TestParse(t *testing.T) {
	src := `exclusions:
  - rule: f413b02c-92da-4243-82e6-b9bbe8e89a35
    name: one
    filter: process.name == "a.exe"
  - rule: [F413B02C-92DA-4243-82E6-B9BBE8E89A35, 12345]
    name: two
    kql: InitiatingProcessParentFileName =~ "schtasks.exe"
    tables: DeviceNetworkEvents
    description: patch jobs
  - rule: "*"
    name: three
    filter: >-
      host.name startswith "lab-"
      AND destination.port in (80, 443)
`
	s, err := Parse("x.yaml", []byte(src), schema.Defender())
	if err != nil {
		t.Fatal(rules.FormatError(err))
	}
	if len(s.Entries) != 3 {
		t.Fatalf("got %d entries", len(s.Entries))
	}
	e := s.Entries[1]
	if got, want := e.Rules, []string{"F413B02C-92DA-4243-82E6-B9BBE8E89A35", "12345"}; !cmp.Equal(got, want) {
		t.Errorf("rules = %q, want %q", got, want)
	}
	if e.Name != "two" || e.KQL == "" || e.Filter != "" || !cmp.Equal(e.Tables, []string{"DeviceNetworkEvents"}) || e.Description != "patch jobs" || e.Line != 5 || e.Col != 5 {
		t.Errorf("entry 2 = %+v", e)
	}
	names := func(es []*Entry) (out []string) {
		for _, e := range es {
			out = append(out, e.Name)
		}
		return out
	}
	if got, want := names(s.For("f413b02c-92da-4243-82e6-b9bbe8e89a35")), []string{"one", "two", "three"}; !cmp.Equal(got, want) {
		t.Errorf("For(seed) = %q, want %q", got, want)
	}
	if got, want := names(s.For("12345")), []string{"two", "three"}; !cmp.Equal(got, want) {
		t.Errorf("For(12345) = %q, want %q", got, want)
	}
	if got, want := names(s.For("other")), []string{"three"}; !cmp.Equal(got, want) {
		t.Errorf("For(other) = %q, want %q", got, want)
	}
	var nilSet *Set
	if nilSet.For("x") != nil {
		t.Error("a nil Set has entries")
	}
}

// TestParseErrors checks the messages of files that do not load, at the
// file's line and column, inside filter and KQL text included.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"empty", ``, []string{`x.yaml:1:1: expected a mapping with an 'exclusions' list, got an empty file`}},
		{"list", "- a\n", []string{`x.yaml:1:1: expected a mapping with an 'exclusions' list, got a list`}},
		{"yaml syntax", "exclusions:\n  - rule: \"x\n", []string{`x.yaml:2:11: found unexpected end of stream`}},
		{"missing list", "rules: []\n", []string{
			`x.yaml:1:1: unknown key 'rules' in the file, expected one of exclusions`,
			`x.yaml:1:1: missing required key 'exclusions'`}},
		{"not a list", "exclusions: 3\n", []string{`x.yaml:1:1: exclusions: expected a list, got integer 3`}},
		{"entry keys", `exclusions:
  - rule: r1
    nmae: x
    filter: host.name == "a"
  - name: y
    rule: r1
  - rule: r1
    name: z
    filter: host.name == "a"
    kql: DeviceName == "a"
  - rule: r1
    name: ""
    filter: host.name == "a"
    filter: host.name == "b"
  - rule: {a: b}
    name: [x]
    kql: DeviceName == "a"
    tables: [DeviceNetworkEvnts, 3]
  - "just text"
`, []string{
			`x.yaml:2:5: missing required key 'name'`,
			`x.yaml:3:5: unknown key 'nmae' in an exclusion, expected one of rule, name, filter, kql, tables, description`,
			`x.yaml:5:5: missing 'filter' or 'kql': say which rows the exclusion removes`,
			`x.yaml:10:5: an exclusion has either 'filter' or 'kql', not both`,
			`x.yaml:12:5: 'name' is empty`,
			`x.yaml:14:5: duplicate key 'filter', first given at line 13`,
			`x.yaml:15:5: rule: expected a string or a list of strings, got a mapping`,
			`x.yaml:16:5: name: expected a string, got a list`,
			`x.yaml:18:14: unknown table 'DeviceNetworkEvnts'; did you mean 'DeviceNetworkEvents'?`,
			`x.yaml:18:34: tables: expected a string or a list of strings, got integer 3`,
			`x.yaml:19:5: exclusions: expected a mapping, got string "just text"`,
		}},
		{"duplicate names", `exclusions:
  - rule: r1
    name: same
    filter: host.name == "a"
  - rule: r2
    name: same
    filter: host.name == "b"
  - rule: "*"
    name: same
    filter: host.name == "c"
`, []string{`x.yaml:9:11: exclusion name 'same' is already used at line 3 by an exclusion of the same rules`}},
		{"filter plain", `exclusions:
  - rule: r1
    name: n
    filter: process.name == "x.exe" OR process.parnet.name == "y.exe"
`, []string{`x.yaml:4:40: unknown field 'process.parnet.name'; did you mean 'process.parent.name'?`}},
		{"filter double-quoted", `exclusions:
  - rule: r1
    name: n
    filter: "process.name == 'x.exe' OR\
      \ process.name = 'y'"
`, []string{`x.yaml:5:22: expected '==' to compare, got '='`}},
		{"filter folded block", `exclusions:
  - rule: r1
    name: n
    filter: >
      process.name == "x.exe"
      OR Process.Commandline contains "y"
`, []string{`x.yaml:6:10: unknown field 'Process.Commandline'; did you mean 'process.command_line'?`}},
		{"filter literal block, two fields", `exclusions:
  - rule: r1
    name: n
    filter: |
      host.nme == "a" AND
        proc.name == "b"
`, []string{
			`x.yaml:5:7: unknown field 'host.nme'; did you mean 'host.name'?`,
			`x.yaml:6:9: unknown field 'proc.name'; did you mean 'process.name'?`}},
		{"filter regex", `exclusions:
  - rule: r1
    name: n
    filter: process.name matches "a(b"
`, []string{"x.yaml:4:34: invalid regular expression: missing closing ): `(?i)a(b`"}},
		{"kql syntax", `exclusions:
  - rule: r1
    name: n
    kql: |
      InitiatingProcessFileName =~ "a"
      and and
`, []string{`x.yaml:6:11: expected an expression, got keyword 'and' (write ['and'] to use it as a name)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("x.yaml", []byte(tt.src), schema.Defender())
			if err == nil {
				t.Fatalf("no error; entries %v", s.Entries)
			}
			if s != nil {
				t.Error("a Set came with the errors")
			}
			if diff := cmp.Diff(tt.want, messages(t, err)); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
}

// TestErrorExcerpt checks that rules.FormatError shows the file's line and
// a caret under the problem inside a filter.
func TestErrorExcerpt(t *testing.T) {
	src := "exclusions:\n  - rule: r1\n    name: n\n    filter: process.name == \"x.exe\" OR process.parnet.name == \"y.exe\"\n"
	_, err := Parse("x.yaml", []byte(src), schema.Defender())
	want := "x.yaml:4:40: unknown field 'process.parnet.name'; did you mean 'process.parent.name'?\n" +
		"        filter: process.name == \"x.exe\" OR process.parnet.name == \"y.exe\"\n" +
		"                                           ^\n"
	if got := rules.FormatError(err); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestLoadExample(t *testing.T) {
	s, err := Load("../../examples/exclusions/screenmeet.yaml", schema.Defender())
	if err != nil {
		t.Fatal(rules.FormatError(err))
	}
	if len(s.Entries) != 5 {
		t.Fatalf("got %d entries, want 5", len(s.Entries))
	}
	for _, e := range s.Entries {
		if !strings.HasPrefix(e.Filter, `process.name != "ScreenMeet.exe" OR process.parent.name == `) {
			t.Errorf("%s: filter %q is not in the seed's form", e.Name, e.Filter)
		}
	}
}
