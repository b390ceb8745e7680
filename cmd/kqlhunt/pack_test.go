package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestHuntRMMPack: `hunt --pack rmm` over examples/rmm, which has
// ScreenMeet planted on ws-0142 (ReportId 1xx), AnyDesk on ws-0311 (2xx)
// and TeamViewer on ws-0450 (3xx), in network (to the tools' domains, and
// from the tools' programs to bare IP addresses), process and certificate
// telemetry, among benign rows (9xx: Microsoft, Google and CDN traffic,
// look-alike domains, programs named like the tools' from other companies
// or unsigned connecting to bare addresses, OS processes, common signers)
// on every device. Each tool is found on its own device, by a rule of
// each kind, every planted row is in a finding of its table, and no
// benign row is.
func TestHuntRMMPack(t *testing.T) {
	code, out, errs := kqlhunt(t, "", "hunt", "--pack", "rmm", "--data", "../../examples/rmm", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	type tool struct{ device, hundred string }
	tools := map[string]tool{
		"ScreenMeet": {"ws-0142.contoso.local", "1"},
		"AnyDesk":    {"ws-0311.contoso.local", "2"},
		"TeamViewer": {"ws-0450.contoso.local", "3"},
	}
	name := regexp.MustCompile(`^RMM tool - (.+) - (Network connection|Process|File signature)$`)
	kinds := map[string]map[string]bool{}
	reported := map[string]bool{} // table/ReportId
	tableOf := map[string]string{"Network connection": "DeviceNetworkEvents", "Process": "DeviceProcessEvents", "File signature": "DeviceFileCertificateInfo"}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct {
			RuleName   string   `json:"rule_name"`
			Techniques []string `json:"techniques"`
			Row        struct {
				DeviceName string
				Report     []json.Number
			} `json:"row"`
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		m := name.FindStringSubmatch(f.RuleName)
		if m == nil {
			t.Errorf("unexpected rule %q", f.RuleName)
			continue
		}
		tl, ok := tools[m[1]]
		if !ok {
			t.Errorf("%s fired on %s, reports %v", f.RuleName, f.Row.DeviceName, f.Row.Report)
			continue
		}
		if f.Row.DeviceName != tl.device {
			t.Errorf("%s found on %s, want %s", f.RuleName, f.Row.DeviceName, tl.device)
		}
		if len(f.Techniques) != 1 || f.Techniques[0] != "T1219" {
			t.Errorf("%s: techniques %v", f.RuleName, f.Techniques)
		}
		for _, id := range f.Row.Report {
			if len(id) != 3 || string(id[:1]) != tl.hundred {
				t.Errorf("%s reports row %s, which is not %s activity", f.RuleName, id, m[1])
			}
			reported[tableOf[m[2]]+"/"+string(id)] = true
		}
		if kinds[m[1]] == nil {
			kinds[m[1]] = map[string]bool{}
		}
		kinds[m[1]][m[2]] = true
	}
	for name := range tools {
		if len(kinds[name]) != 3 {
			t.Errorf("%s found by %v, want a network, a process and a file-signature rule", name, kinds[name])
		}
	}
	for _, table := range []string{"DeviceNetworkEvents", "DeviceProcessEvents", "DeviceFileCertificateInfo"} {
		for _, id := range planted(t, filepath.Join("../../examples/rmm", table+".jsonl")) {
			if !reported[table+"/"+id] {
				t.Errorf("%s row %s is in no finding", table, id)
			}
		}
	}
	if !strings.Contains(errs, "kqlhunt: 612 rules run, 9 with findings") {
		t.Errorf("summary: %s", errs)
	}
}

// planted returns the ReportIds below 900 (the planted rows) of a JSON
// lines file.
func planted(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var row struct{ ReportId json.Number }
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&row); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if row.ReportId < "900" {
			ids = append(ids, string(row.ReportId))
		}
	}
	if len(ids) == 0 {
		t.Fatalf("%s: no planted rows", path)
	}
	return ids
}

// TestRMMPackCommands: the pack lists one rule per line in jsonl, every
// rule validates, and every rule's tests pass through `kqlhunt test`.
func TestRMMPackCommands(t *testing.T) {
	code, out, errs := kqlhunt(t, "", "rules", "list", "--pack", "rmm", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("rules list: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 250 {
		t.Errorf("rules list --pack rmm: %d rules", len(lines))
	}
	var first listEntry
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first.ID == "" || !strings.HasPrefix(first.File, "pack:rmm/") {
		t.Errorf("first line %s: %+v, %v", lines[0], first, err)
	}
	code, out, errs = kqlhunt(t, "", "rules", "validate", "--pack", "rmm")
	if code != 0 || strings.Contains(out, "error") {
		t.Errorf("rules validate --pack rmm: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = kqlhunt(t, "", "test", "--pack", "rmm")
	if code != 0 || strings.Contains(out, "FAIL") || !regexp.MustCompile(`\n\d{4} passed, 0 failed\n$`).MatchString(out+errs) {
		t.Errorf("test --pack rmm: exit %d\n%s", code, tail(out+errs, 2000))
	}
}

// TestBrokenPackRule: a pack rule whose domain condition is broken fails
// its test with a diff naming the rows it missed.
func TestBrokenPackRule(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"rmm_anydesk_netconn.yaml", "rmm_anydesk_netconn.test.yaml"} {
		data, err := os.ReadFile(filepath.Join("../../internal/packs/rmm", f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "rmm_anydesk_netconn.yaml" {
			broken := strings.Replace(string(data), `or RemoteHost endswith ".anydesk.com"`, `or RemoteHost endswith ".anydesk.co"`, 1)
			if broken == string(data) {
				t.Fatal("the AnyDesk rule has no endswith \".anydesk.com\" condition any more")
			}
			data = []byte(broken)
		}
		os.WriteFile(filepath.Join(dir, f), data, 0o644)
	}
	code, out, errs := kqlhunt(t, "", "test", dir)
	if code != 1 || !strings.Contains(out, "FAIL ") || !strings.Contains(out, "- ") || !strings.Contains(out, ".anydesk.com") {
		t.Errorf("exit %d, want 1 with a diff:\n%s%s", code, out, errs)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// TestHuntRMMPackProgramConnections: the hunt over the planted RMM
// activity finds every device whose RMM program made a network
// connection, with a URL or to a bare IP address, and nothing on the
// benign rows, among which are programs named like the tools' from other
// companies (or with no company) connecting to bare addresses; and
// --prefilter, which skips lines by the rules' filters before decoding
// them, gives the same findings.
func TestHuntRMMPackProgramConnections(t *testing.T) {
	args := []string{"hunt", "--pack", "rmm", "--data", "../../examples/rmm", "--format", "jsonl"}
	code, out, errs := kqlhunt(t, "", args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	type key struct{ device, url string }
	found := map[key][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct {
			RuleName string `json:"rule_name"`
			Row      struct {
				DeviceName, RemoteUrl string
				Report                []json.Number
				RemoteIPs             []string
			} `json:"row"`
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(f.RuleName, " - Network connection") {
			continue
		}
		k := key{f.Row.DeviceName, f.Row.RemoteUrl}
		for _, r := range f.Row.Report {
			found[k] = append(found[k], string(r))
		}
		if f.Row.RemoteUrl == "" && len(f.Row.RemoteIPs) == 0 {
			t.Errorf("%s: a finding without a URL names no remote address", f.RuleName)
		}
	}
	// Every planted network row, by device and URL (the bare-address
	// connections have none).
	want := map[key][]string{}
	data, err := os.ReadFile("../../examples/rmm/DeviceNetworkEvents.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	bare := 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r struct {
			DeviceName, RemoteUrl string
			ReportId              json.Number
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if r.ReportId < "900" {
			k := key{r.DeviceName, r.RemoteUrl}
			want[k] = append(want[k], string(r.ReportId))
		}
		if r.RemoteUrl == "" {
			bare++
		}
	}
	if bare < 6 {
		t.Fatalf("examples/rmm has %d connections to bare addresses, want the 3 planted and 3 look-alikes", bare)
	}
	for k, ids := range want {
		got := strings.Join(found[k], ",")
		for _, id := range ids {
			if !strings.Contains(","+got+",", ","+id+",") {
				t.Errorf("%s %q: planted row %s not found (found %s)", k.device, k.url, id, got)
			}
		}
	}
	for k, ids := range found {
		if _, ok := want[k]; !ok {
			t.Errorf("finding on %s %q from rows %v, which are not planted", k.device, k.url, ids)
		}
	}
	code, pre, errs := kqlhunt(t, "", append(args, "--prefilter")...)
	if code != 0 {
		t.Fatalf("--prefilter: exit %d: %s", code, errs)
	}
	if g, w := byRule(t, pre), byRule(t, out); !reflect.DeepEqual(g, w) {
		t.Errorf("--prefilter changes the findings:\n%s\nwant:\n%s", pre, out)
	}
}
