package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHuntRMMPack: `hunt --pack rmm` over examples/rmm, which has
// ScreenMeet planted on ws-0142 (ReportId 1xx), AnyDesk on ws-0311 (2xx)
// and TeamViewer on ws-0450 (3xx), in network, process and certificate
// telemetry, among benign rows (9xx: Microsoft, Google and CDN traffic,
// look-alike domains, OS processes, common signers) on every device.
// Each tool is found on its own device, by a rule of each kind, every
// planted row is in a finding, and no benign row is.
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
	reported := map[string]bool{}
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
			reported[string(id)] = true
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
			if !reported[id] {
				t.Errorf("%s row %s is in no finding", table, id)
			}
		}
	}
	if !strings.Contains(errs, "kqlhunt: 592 rules run, 9 with findings") {
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
