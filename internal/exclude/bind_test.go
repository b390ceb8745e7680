package exclude

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

// entriesFile makes an exclusions file of "*" entries named e1, e2, ...
// from lines that are each "filter: ..." or "kql: ..." (and maybe more
// keys, indented).
func entriesFile(lines ...string) string {
	src := "exclusions:\n"
	for i, l := range lines {
		src += "  - rule: \"*\"\n    name: e" + string(rune('1'+i)) + "\n    " + l + "\n"
	}
	return src
}

func TestBindPerTable(t *testing.T) {
	cat := schema.Defender()
	src := entriesFile(
		`filter: process.name == "a.exe" AND process.parent.name == 'b.exe'`,
		`filter: host.name startswith "lab-" OR NOT user.name in ("svc_a", "SVC_B")`,
		`kql: DeviceName has "lab"`,
		"filter: process.command_line contains \"x\"\n    tables: [DeviceNetworkEvents]",
	)
	s, err := Parse("x.yaml", []byte(src), cat)
	if err != nil {
		t.Fatal(rules.FormatError(err))
	}
	got, err := s.Bind(cat, "r", []string{dpe, dne, dle})
	if err != nil {
		t.Fatal(rules.FormatError(err))
	}
	want := []exclusionText{
		{Name: "e1", Where: map[string]string{
			dpe: `((FileName =~ "a.exe") and (InitiatingProcessFileName =~ "b.exe"))`,
			dne: `((InitiatingProcessFileName =~ "a.exe") and (InitiatingProcessParentFileName =~ "b.exe"))`,
			dle: `((InitiatingProcessFileName =~ "a.exe") and (InitiatingProcessParentFileName =~ "b.exe"))`,
		}},
		{Name: "e2", Where: map[string]string{
			dpe: `((DeviceName startswith "lab-") or not((AccountName in~ ("svc_a", "SVC_B"))))`,
			dne: `((DeviceName startswith "lab-") or not((InitiatingProcessAccountName in~ ("svc_a", "SVC_B"))))`,
			dle: `((DeviceName startswith "lab-") or not((AccountName in~ ("svc_a", "SVC_B"))))`,
		}},
		{Name: "e3", Where: map[string]string{dpe: `DeviceName has "lab"`, dne: `DeviceName has "lab"`, dle: `DeviceName has "lab"`}},
		{Name: "e4", Where: map[string]string{dne: `(InitiatingProcessCommandLine contains "x")`}},
	}
	if diff := cmp.Diff(want, texts(got)); diff != "" {
		t.Errorf("Bind (-want +got):\n%s", diff)
	}
}

// TestBindOperators checks the KQL each operator becomes on string,
// number and boolean columns.
func TestBindOperators(t *testing.T) {
	cat := schema.Defender()
	tests := []struct{ table, filter, want string }{
		{dne, `destination.domain == "A"`, `(RemoteUrl =~ "A")`},
		{dne, `destination.domain != "A"`, `(RemoteUrl !~ "A")`},
		{dne, `destination.domain contains "A"`, `(RemoteUrl contains "A")`},
		{dne, `url.full startswith "https://"`, `(RemoteUrl startswith "https://")`},
		{dne, `url.domain endswith ".com"`, `(RemoteUrl endswith ".com")`},
		{dne, `destination.domain in ("a", "b")`, `(RemoteUrl in~ ("a", "b"))`},
		{dne, `destination.domain not in ("a")`, `(RemoteUrl !in~ ("a"))`},
		{dne, `destination.domain matches "^a\.b$"`, `(RemoteUrl matches regex @"(?i)^a\.b$")`},
		{dne, `process.executable == "C:\Program Files\x.exe"`, `(InitiatingProcessFolderPath =~ @"C:\Program Files\x.exe")`},
		{dne, `process.command_line contains 'say "hi"'`, `(InitiatingProcessCommandLine contains "say \"hi\"")`},
		{dne, `destination.port == 443`, `(RemotePort == 443)`},
		{dne, `destination.port != 443`, `(RemotePort != 443)`},
		{dne, `destination.port >= 8000 AND source.port < 1024`, `((RemotePort >= 8000) and (LocalPort < 1024))`},
		{dne, `destination.port in (80, 443)`, `(RemotePort in (80, 443))`},
		{dne, `destination.port not in (80)`, `(RemotePort !in (80))`},
		{dfe, `file.size > 1.5`, `(FileSize > 1.5)`},
		{dfe, `file.directory == "C:\Temp"`, `(tostring(parse_path(FolderPath).DirectoryPath) =~ @"C:\Temp")`},
		{dfc, `file.code_signature.signed == false`, `(IsSigned == false)`},
		{dfc, `file.code_signature.trusted in (true)`, `(IsTrusted in (true))`},
		{dle, `source.ip == "10.0.0.1"`, `(RemoteIP =~ "10.0.0.1")`},
		{dfe, `source.ip == "10.0.0.1"`, `(RequestSourceIP =~ "10.0.0.1")`},
		{dre, `registry.key startswith "HKEY_LOCAL_MACHINE\SOFTWARE"`, `(RegistryKey startswith @"HKEY_LOCAL_MACHINE\SOFTWARE")`},
		{dpe, `process.parent.command_line contains "x" AND process.parent.pe.company == "y"`,
			`((InitiatingProcessCommandLine contains "x") and (InitiatingProcessVersionInfoCompanyName =~ "y"))`},
	}
	for _, tt := range tests {
		src := "exclusions:\n  - rule: r\n    name: n\n    filter: '" + replaceQuote(tt.filter) + "'\n"
		s, err := Parse("x.yaml", []byte(src), cat)
		if err != nil {
			t.Errorf("%s: %s", tt.filter, rules.FormatError(err))
			continue
		}
		ex, err := s.Bind(cat, "r", []string{tt.table})
		if err != nil {
			t.Errorf("%s: %s", tt.filter, rules.FormatError(err))
			continue
		}
		if got := texts(ex)[0].Where[tt.table]; got != tt.want {
			t.Errorf("%s on %s:\n got %s\nwant %s", tt.filter, tt.table, got, tt.want)
		}
		// The KQL checks against the table.
		if _, err := kql.Compile(tt.table+" | count", cat, kql.Options{Exclusions: ex}); err != nil {
			t.Errorf("%s: %v", tt.filter, err)
		}
	}
}

// exclusionText is a kql.Exclusion with its predicates as text by table.
type exclusionText struct {
	Name  string
	Where map[string]string
}

// texts returns the predicates of ex as text.
func texts(ex []kql.Exclusion) []exclusionText {
	var out []exclusionText
	for _, x := range ex {
		w := map[string]string{}
		for _, p := range x.Where {
			w[p.Table().Name] = p.String()
		}
		out = append(out, exclusionText{Name: x.Name, Where: w})
	}
	return out
}

// replaceQuote doubles single quotes for a single-quoted YAML scalar.
func replaceQuote(s string) string {
	out := ""
	for _, r := range s {
		if r == '\'' {
			out += "'"
		}
		out += string(r)
	}
	return out
}

// TestBindErrors checks the errors found when the entries meet a rule's
// tables, at the file's line and column.
func TestBindErrors(t *testing.T) {
	cat := schema.Defender()
	src := entriesFile(
		`filter: process.name == "a" OR process.parent.command_line contains "x"`,
		`filter: destination.port contains "44"`,
		`filter: destination.port == "443"`,
		`filter: host.name > "a"`,
		`filter: destination.domain == 3`,
		`kql: RemotePort == 1 and Nope == "x"`,
		`kql: RemotePort + 1`,
		"filter: file.name == \"x\"\n    tables: [DeviceFileEvents]",
		"filter: host.name == \"x\" and process.name == \"y\"",
	)
	s, err := Parse("x.yaml", []byte(src), cat)
	if err != nil {
		t.Fatal(rules.FormatError(err))
	}
	_, err = s.Bind(cat, "r1", []string{dne, "DeviceInfo"})
	want := []string{
		`x.yaml:4:36: field 'process.parent.command_line' has no column in DeviceNetworkEvents, which rule r1 reads (it maps to DeviceProcessEvents only; narrow the exclusion with tables:)`,
		`x.yaml:4:36: field 'process.parent.command_line' has no column in DeviceInfo, which rule r1 reads (it maps to DeviceProcessEvents only; narrow the exclusion with tables:)`,
		`x.yaml:4:13: field 'process.name' has no column in DeviceInfo, which rule r1 reads (it maps to DeviceEvents, DeviceFileEvents, DeviceImageLoadEvents, DeviceLogonEvents, DeviceNetworkEvents, DeviceProcessEvents, DeviceRegistryEvents only; narrow the exclusion with tables:)`,
		`x.yaml:7:30: 'contains' compares strings, but 'destination.port' is int in DeviceNetworkEvents`,
		`x.yaml:7:13: field 'destination.port' has no column in DeviceInfo, which rule r1 reads (it maps to DeviceEvents, DeviceNetworkEvents only; narrow the exclusion with tables:)`,
		`x.yaml:10:33: 'destination.port' is int in DeviceNetworkEvents: expected a number, got string "443"`,
		`x.yaml:10:13: field 'destination.port' has no column in DeviceInfo, which rule r1 reads (it maps to DeviceEvents, DeviceNetworkEvents only; narrow the exclusion with tables:)`,
		`x.yaml:13:23: '>' compares numbers, but 'host.name' is string in DeviceNetworkEvents`,
		`x.yaml:13:13: field 'host.name' has no column in DeviceInfo, which rule r1 reads (it maps to DeviceEvents, DeviceFileCertificateInfo, DeviceFileEvents, DeviceImageLoadEvents, DeviceLogonEvents, DeviceNetworkEvents, DeviceProcessEvents, DeviceRegistryEvents only; narrow the exclusion with tables:)`,
		`x.yaml:16:35: 'destination.domain' is string in DeviceNetworkEvents: expected a quoted string, got number 3`,
		`x.yaml:16:13: field 'destination.domain' has no column in DeviceInfo, which rule r1 reads (it maps to DeviceEvents, DeviceNetworkEvents only; narrow the exclusion with tables:)`,
		`x.yaml:19:30: on DeviceNetworkEvents, which rule r1 reads: unknown column 'Nope'`,
		`x.yaml:19:10: on DeviceInfo, which rule r1 reads: unknown column 'RemotePort'`,
		`x.yaml:22:10: on DeviceNetworkEvents, which rule r1 reads: the predicate of an exclusion must be bool, got long`,
		`x.yaml:22:10: on DeviceInfo, which rule r1 reads: unknown column 'RemotePort'`,
		`x.yaml:29:13: field 'host.name' has no column in DeviceInfo, which rule r1 reads (it maps to DeviceEvents, DeviceFileCertificateInfo, DeviceFileEvents, DeviceImageLoadEvents, DeviceLogonEvents, DeviceNetworkEvents, DeviceProcessEvents, DeviceRegistryEvents only; narrow the exclusion with tables:)`,
		`x.yaml:29:34: field 'process.name' has no column in DeviceInfo, which rule r1 reads (it maps to DeviceEvents, DeviceFileEvents, DeviceImageLoadEvents, DeviceLogonEvents, DeviceNetworkEvents, DeviceProcessEvents, DeviceRegistryEvents only; narrow the exclusion with tables:)`,
	}
	if err == nil {
		t.Fatal("no error")
	}
	got := messages(t, err)
	if diff := cmp.Diff(sortedCopy(want), sortedCopy(got)); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	// e8 has no error: its tables: key keeps it to DeviceFileEvents.
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
