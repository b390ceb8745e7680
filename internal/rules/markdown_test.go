package rules

import (
	"errors"
	"github.com/kqlhunt/kqlhunt/internal/diag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// hunts is a Markdown file with every kind of block: KQL (tagged and not,
// indented, tilde-fenced), another language, prose and empty.
const hunts = "# Hunts\n" + // 1
	"\n" + // 2
	"Intro text.\n" + // 3
	"\n" + // 4
	"## Beacon\n" + // 5
	"```kql\n" + // 6  block 1
	"DeviceNetworkEvents\n" + // 7
	"| where RemotePort == 4444\n" + // 8
	"```\n" + // 9
	"\n" + // 10
	"```powershell\n" + // 11 block 2
	"Get-Process | Where Name -eq x\n" + // 12
	"```\n" + // 13
	"\n" + // 14
	"Setext Title\n" + // 15
	"------------\n" + // 16
	"\n" + // 17
	"  ```\n" + // 18 block 3
	"  DeviceProcessEvents\n" + // 19
	"  | where Nope == 1\n" + // 20
	"  ```\n" + // 21
	"\n" + // 22
	"```\n" + // 23 block 4
	"Too broad for use\n" + // 24
	"```\n" + // 25
	"\n" + // 26
	"```Kusto\n" + // 27 block 5
	"\n" + // 28
	"```\n" + // 29
	"\n" + // 30
	"~~~~ kql title=x\n" + // 31 block 6
	"DeviceFileEvents\n" + // 32
	"~~~~\n" // 33

func TestParseMarkdown(t *testing.T) {
	for _, variant := range []struct{ name, src string }{
		{"LF", hunts},
		{"CRLF", strings.ReplaceAll(hunts, "\n", "\r\n")},
	} {
		t.Run(variant.name, func(t *testing.T) {
			rs, warns, err := ParseBytes("dir/Hunts.md", []byte(variant.src))
			if err != nil {
				t.Fatal(err)
			}
			wantWarns := []string{
				`dir/Hunts.md:23:1: warning: skipped code block: expected a KQL query, got "Too broad for use"`,
				`dir/Hunts.md:27:1: warning: skipped empty code block`,
			}
			if diff := cmp.Diff(wantWarns, messages(warns)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			type brief struct{ ID, Name, Query string }
			var got []brief
			for _, r := range rs {
				got = append(got, brief{r.ID, r.Name, r.Query})
				if r.Format != Markdown || r.File != "dir/Hunts.md" {
					t.Errorf("%s: format %q file %q", r.Name, r.Format, r.File)
				}
			}
			want := []brief{
				{derivedID("markdown:hunts.md#1"), "Hunts - Beacon", "DeviceNetworkEvents\n| where RemotePort == 4444\n"},
				{derivedID("markdown:hunts.md#3"), "Hunts - Setext Title", "DeviceProcessEvents\n| where Nope == 1\n"},
				{derivedID("markdown:hunts.md#6"), "Hunts - Setext Title (2)", "DeviceFileEvents\n"},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("rules (-want +got):\n%s", diff)
			}
			// Positions: the indented block's text starts at 19:3.
			r := rs[1]
			if l, c := r.QueryStart(); l != 19 || c != 3 {
				t.Errorf("QueryStart = %d:%d, want 19:3", l, c)
			}
			if l, c, _ := r.KeyPosition("name"); l != 15 || c != 1 {
				t.Errorf("name at %d:%d, want 15:1", l, c)
			}
			_, diags := Check(r, schema.Defender())
			if diff := cmp.Diff([]string{"dir/Hunts.md:20:11: unknown column 'Nope'"}, messages(diags)); diff != "" {
				t.Errorf("Check (-want +got):\n%s", diff)
			}
			if len(diags) == 1 {
				if got, want := diags[0].Excerpt(nil), "      | where Nope == 1\n              ^"; got != want {
					t.Errorf("excerpt:\n%s\nwant:\n%s", got, want)
				}
			}
			for _, r := range []*Rule{rs[0], rs[2]} {
				if _, d := Check(r, schema.Defender()); len(d) > 0 {
					t.Errorf("%s: %v", r.Name, d)
				}
			}
		})
	}
}

func TestDerivedID(t *testing.T) {
	// Computed with Python: uuid.uuid5(uuid.UUID(
	// "8cb91656-33e2-5711-9d50-4a2873a2cfeb"), key), where that namespace is
	// uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/kqlhunt/kqlhunt/rules").
	for key, want := range map[string]string{
		"markdown:rmm_ahq_dwservice.md#1": "edb77686-c9b1-5471-a547-c57c466e2dc7",
		"markdown:hunts.md#2":             "fcb44b32-ecea-5f75-926d-a20c18d97dad",
		"kql:beacon.kql":                  "9bed153a-69db-5d87-883a-34a11c7ecc5b",
	} {
		if got := derivedID(key); got != want {
			t.Errorf("derivedID(%q) = %s, want %s", key, got, want)
		}
	}
}

func TestParseMarkdownEdges(t *testing.T) {
	tests := []struct {
		name, src string
		names     []string
		warns     []string
	}{
		{
			name:  "no heading",
			src:   "```\nDeviceEvents\n```\n",
			names: []string{"notes block 1"},
		},
		{
			name:  "not closed",
			src:   "# T\n```kql\nDeviceEvents\n",
			names: []string{"T"},
			warns: []string{"notes.md:2:1: warning: code block is not closed; read to the end of the file"},
		},
		{
			// A backtick fence's info string has no backticks: this is
			// inline code, not a fence.
			name: "inline code",
			src:  "```C:\\Program Files\\x\\```\n",
		},
		{
			name:  "closing hashes and deeper headings",
			src:   "# A #\n### B ###\n```\nT\n```\n## C\n```\nT\n```\n",
			names: []string{"A - B", "A - C"},
		},
		{
			// A broken query is still a query: its errors are reported,
			// not hidden as prose.
			name:  "broken KQL",
			src:   "```\nlet x = (1;\nx\n```\n",
			names: []string{"notes block 1"},
		},
		{
			name:  "longer fence",
			src:   "````kql\nT\n```\n````\n",
			names: []string{"notes block 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, warns, err := ParseBytes("notes.md", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range rs {
				names = append(names, r.Name)
			}
			if diff := cmp.Diff(tt.names, names); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.warns, messages(warns)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseKQLFile(t *testing.T) {
	src := "// hunt\r\nDeviceNetworkEvents\r\n| where Nope == 1"
	rs, warns, err := ParseBytes("hunts/Beacon.kql", []byte(src))
	if err != nil || len(warns) > 0 || len(rs) != 1 {
		t.Fatalf("ParseBytes = %d rules, %v, %v", len(rs), warns, err)
	}
	r := rs[0]
	if r.ID != derivedID("kql:beacon.kql") || r.Name != "Beacon" || r.Format != KQL || r.Query != "// hunt\nDeviceNetworkEvents\n| where Nope == 1" {
		t.Errorf("rule %q %q %q %q", r.ID, r.Name, r.Format, r.Query)
	}
	_, diags := Check(r, schema.Defender())
	if diff := cmp.Diff([]string{"hunts/Beacon.kql:3:9: unknown column 'Nope'"}, messages(diags)); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
	if l, c := r.QueryPosition(len(r.Query)); l != 3 || c != 18 {
		t.Errorf("end of query at %d:%d, want 3:18", l, c)
	}

	rs, warns, err = ParseBytes("empty.kql", []byte(" \n\n"))
	if err != nil || len(rs) != 0 {
		t.Fatalf("empty file: %d rules, %v", len(rs), err)
	}
	if diff := cmp.Diff([]string{"empty.kql: warning: skipped empty file: no query"}, messages(warns)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]Format{
		"a.yaml": YAML, "a.YML": YAML, "a.txt": YAML, "a": YAML,
		"a.md": Markdown, "a.Markdown": Markdown,
		"a.kql": KQL, "a.KUSTO": KQL, "a.csl": KQL,
	} {
		if got := FormatOf(name); got != want {
			t.Errorf("FormatOf(%q) = %q, want %q", name, got, want)
		}
	}
}

// FuzzParseBytes parses text as each format and checks that nothing
// panics, every position is inside the file, and every query position maps
// to the file.
func FuzzParseBytes(f *testing.F) {
	f.Add(hunts, uint8(0))
	f.Add(misindented, uint8(1))
	f.Add("// x\r\nT | take 1", uint8(2))
	f.Add("# A\n  ~~~\n  T\n ~~~\n```\n", uint8(0))
	f.Add("requiredDataConnectors:\n  - connectorId: X\n  dataTypes:\n  - A\n  dataTypes: [B]\n", uint8(1))
	names := []string{"f.md", "f.yaml", "f.kql"}
	f.Fuzz(func(t *testing.T, text string, format uint8) {
		name := names[int(format)%len(names)]
		rs, warns, err := ParseBytes(name, []byte(text))
		lines := len(diag.LineStarts([]byte(text)))
		var errs ErrorList
		errors.As(err, &errs)
		for _, e := range append(errs, warns...) {
			if strings.Contains(e.Msg, "internal error") || e.Line > lines {
				t.Fatalf("%s: %v", name, e)
			}
		}
		for _, r := range rs {
			for off := 0; off <= len(r.Query); off++ {
				if l, c := r.QueryPosition(off); l < 1 || c < 1 || l > lines {
					t.Fatalf("%s: QueryPosition(%d) = %d:%d", name, off, l, c)
				}
			}
		}
	})
}
