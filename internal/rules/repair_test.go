package rules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// misindented has jischell's defect: dataTypes at the indentation of the
// list item's dash.
const misindented = `id: r1
name: misindented
requiredDataConnectors:
    - connectorId: MicrosoftThreatProtection
    dataTypes:
        - DeviceNetworkEvents
        - NoSuchTable
tactics: CommandAndControl
query: |
  DeviceNetworkEvents
  | where Nope == 1
`

func messages(l ErrorList) []string {
	var out []string
	for _, e := range l {
		out = append(out, e.Error())
	}
	return out
}

func TestRepairIndent(t *testing.T) {
	for _, variant := range []struct{ name, src string }{
		{"LF", misindented},
		{"CRLF with BOM", "\xef\xbb\xbf" + strings.ReplaceAll(misindented, "\n", "\r\n")},
	} {
		t.Run(variant.name, func(t *testing.T) {
			src := []byte(variant.src)
			// Parse stays strict.
			if _, err := Parse("r.yaml", src); err == nil || err.Error() != "r.yaml:5:5: did not find expected '-' indicator (check the indentation)" {
				t.Errorf("Parse: %v", err)
			}
			rs, warns, err := ParseBytes("r.yaml", src)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"r.yaml:5:5: warning: dataTypes is indented like the list item it belongs to; read it as part of that item"}, messages(warns)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			if len(rs) != 1 {
				t.Fatalf("%d rules", len(rs))
			}
			r := rs[0]
			want := []DataConnector{{ConnectorID: "MicrosoftThreatProtection", DataTypes: []string{"DeviceNetworkEvents", "NoSuchTable"}}}
			if diff := cmp.Diff(want, r.RequiredDataConnectors); diff != "" {
				t.Errorf("connectors (-want +got):\n%s", diff)
			}
			if !cmp.Equal(r.Tactics, []string{"CommandAndControl"}) || r.Format != YAML {
				t.Errorf("tactics %q, format %q", r.Tactics, r.Format)
			}
			if string(r.Source()) != variant.src {
				t.Error("Source is not the file as read")
			}
			if l, c, _ := r.KeyPosition("query"); l != 9 || c != 1 {
				t.Errorf("query key at %d:%d, want 9:1", l, c)
			}
			// The moved lines report their positions as read: NoSuchTable
			// at 7:11, not at the 7:13 of the repaired text.
			_, diags := Check(r, schema.Defender())
			wantDiags := []string{
				"r.yaml:7:11: warning: unknown table 'NoSuchTable' in dataTypes",
				"r.yaml:11:11: unknown column 'Nope'",
			}
			if diff := cmp.Diff(wantDiags, messages(diags)); diff != "" {
				t.Errorf("Check (-want +got):\n%s", diff)
			}
			if len(diags) == 2 {
				if got, want := diags[0].Excerpt(nil), "            - NoSuchTable\n              ^"; got != want {
					t.Errorf("excerpt:\n%s\nwant:\n%s", got, want)
				}
			}
		})
	}
}

func TestRepairIndentRefused(t *testing.T) {
	tests := []struct {
		name, src string
		warns     []string
		errs      []string
	}{
		{
			// tactics is not a key of a data connector: the author meant
			// something else, so nothing is guessed.
			name: "key of another mapping",
			src:  "id: x\nname: n\nrequiredDataConnectors:\n  - connectorId: X\n  tactics: A\nquery: T\n",
			errs: []string{"r.yaml:5:3: did not find expected '-' indicator (check the indentation)"},
		},
		{
			name: "item that is not a mapping",
			src:  "id: x\nname: n\nrequiredDataConnectors:\n  - X\n  dataTypes: [A]\nquery: T\n",
			errs: []string{"r.yaml:5:3: did not find expected '-' indicator (check the indentation)"},
		},
		{
			// The repair is made, and what else is wrong is still
			// reported, at its position in the file as read.
			name:  "another error after the repair",
			src:   "id: x\nname: n\nrequiredDataConnectors:\n  - connectorId: X\n  dataTypes:\n    - A\n\t- B\nquery: T\n",
			warns: []string{"r.yaml:5:3: warning: dataTypes is indented like the list item it belongs to; read it as part of that item"},
			errs:  []string{"r.yaml:7:1: found a tab character that violates indentation"},
		},
		{
			name:  "wrong type on a moved line",
			src:   "id: x\nname: n\nrequiredDataConnectors:\n  - connectorId: X\n  dataTypes:\n    - 5\nquery: T\n",
			warns: []string{"r.yaml:5:3: warning: dataTypes is indented like the list item it belongs to; read it as part of that item"},
			errs:  []string{"r.yaml:6:7: dataTypes: expected a string, got integer 5"},
		},
		{
			name: "two repairs",
			src: "id: x\nname: n\nrequiredDataConnectors:\n  - connectorId: X\n  dataTypes: [A]\n" +
				"entityMappings:\n  - entityType: Host\n  fieldMappings:\n      - identifier: HostName\n      columnName: DeviceName\nquery: T\n",
			warns: []string{
				"r.yaml:5:3: warning: dataTypes is indented like the list item it belongs to; read it as part of that item",
				"r.yaml:8:3: warning: fieldMappings is indented like the list item it belongs to; read it as part of that item",
				"r.yaml:10:7: warning: columnName is indented like the list item it belongs to; read it as part of that item",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, warns, err := ParseBytes("r.yaml", []byte(tt.src))
			if diff := cmp.Diff(tt.warns, messages(warns)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			var errs []string
			if err != nil {
				errs = messages(err.(ErrorList))
			}
			if diff := cmp.Diff(tt.errs, errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if err == nil && len(rs) != 1 {
				t.Errorf("%d rules without an error", len(rs))
			}
		})
	}
}

func TestRepairTwoRepairsDecode(t *testing.T) {
	src := "id: x\nname: n\nentityMappings:\n  - entityType: Host\n  fieldMappings:\n      - identifier: HostName\n      columnName: DeviceName\nquery: T\n"
	rs, _, err := ParseBytes("r.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []EntityMapping{{EntityType: "Host", FieldMappings: []FieldMapping{{Identifier: "HostName", ColumnName: "DeviceName"}}}}
	if diff := cmp.Diff(want, rs[0].EntityMappings); diff != "" {
		t.Errorf("entity mappings (-want +got):\n%s", diff)
	}
}
