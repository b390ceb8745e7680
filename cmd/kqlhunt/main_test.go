package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// The seed rule's query, exactly as published.
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

const fixtures = "../../internal/source/testdata/screenmeet"

// kqlhunt runs the CLI in-process and returns its exit code and output.
func kqlhunt(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// group is one output row of the seed rule.
type group struct {
	DeviceID, DeviceName, RemoteURL string
	FirstSeen, LastSeen             string
	Report                          []int64
	Count                           int64
}

func (g group) key() string { return g.DeviceID + "|" + g.DeviceName + "|" + g.RemoteURL }

func sortGroups(gs []group) {
	sort.Slice(gs, func(i, j int) bool { return gs[i].key() < gs[j].key() })
	for _, g := range gs {
		sort.Slice(g.Report, func(i, j int) bool { return g.Report[i] < g.Report[j] })
	}
}

// rawRows reads a fixture with the standard library alone, independently
// of kqlhunt's readers, as maps from column name to text (null as absent).
func rawRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := func(v any) (string, bool) {
		switch x := v.(type) {
		case nil:
			return "", false
		case string:
			return x, true
		case float64:
			return fmt.Sprintf("%.0f", x), true
		}
		b, _ := json.Marshal(v)
		return string(b), true
	}
	fromMap := func(m map[string]any) map[string]string {
		row := map[string]string{}
		for k, v := range m {
			if s, ok := text(v); ok {
				row[k] = s
			}
		}
		return row
	}
	var rows []map[string]string
	switch {
	case strings.HasSuffix(path, ".csv"):
		recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs[1:] {
			row := map[string]string{}
			for i, v := range rec {
				if v != "" {
					row[recs[0][i]] = v
				}
			}
			rows = append(rows, row)
		}
	case bytes.Contains(data[:min(len(data), 50)], []byte(`"records"`)):
		var msg struct {
			Records []struct{ Properties map[string]any }
		}
		if err := json.Unmarshal(data, &msg); err != nil {
			t.Fatal(err)
		}
		for _, r := range msg.Records {
			rows = append(rows, fromMap(r.Properties))
		}
	case bytes.Contains(data[:min(len(data), 200)], []byte(`"Schema"`)):
		var resp struct{ Results []map[string]any }
		if err := json.Unmarshal(data, &resp); err != nil {
			t.Fatal(err)
		}
		for _, r := range resp.Results {
			rows = append(rows, fromMap(r))
		}
	default: // one JSON object per line; streaming records have properties
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatal(err)
			}
			if p, ok := m["properties"].(map[string]any); ok {
				m = p
			}
			rows = append(rows, fromMap(m))
		}
	}
	return rows
}

// termMatch is an independent statement of has: the needle occurs,
// case-insensitively, with no letter or digit right before or after it.
// https://learn.microsoft.com/kusto/query/has-operator
func termMatch(s, needle string) bool {
	re := regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}])` + regexp.QuoteMeta(needle) + `($|[^\p{L}\p{N}])`)
	return re.MatchString(s)
}

// independentSeed computes the seed rule's output with plain Go.
func independentSeed(t *testing.T, rows []map[string]string, now time.Time) []group {
	t.Helper()
	groups := map[string]*group{}
	for _, r := range rows {
		ts, err := time.Parse(time.RFC3339Nano, r["Timestamp"])
		if err != nil {
			t.Fatalf("timestamp %q: %v", r["Timestamp"], err)
		}
		if ts.Before(now.Add(-5*24*time.Hour)) || ts.After(now) {
			continue
		}
		if !termMatch(r["RemoteUrl"], "screenmeet.com") || !termMatch(r["InitiatingProcessVersionInfoCompanyName"], "Projector Inc") ||
			!termMatch(r["InitiatingProcessVersionInfoProductName"], "ScreenMeet") {
			continue
		}
		g := &group{DeviceID: r["DeviceId"], DeviceName: r["DeviceName"], RemoteURL: r["RemoteUrl"]}
		if old, ok := groups[g.key()]; ok {
			g = old
		} else {
			groups[g.key()] = g
		}
		stamp := ts.UTC().Format("2006-01-02T15:04:05.0000000Z")
		if g.FirstSeen == "" || stamp < g.FirstSeen {
			g.FirstSeen = stamp
		}
		if stamp > g.LastSeen {
			g.LastSeen = stamp
		}
		var id int64
		fmt.Sscan(r["ReportId"], &id)
		seen := false
		for _, x := range g.Report {
			seen = seen || x == id
		}
		if !seen {
			g.Report = append(g.Report, id)
		}
		g.Count++
	}
	var out []group
	for _, g := range groups {
		out = append(out, *g)
	}
	sortGroups(out)
	return out
}

// parseGroups reads the rule's output rows from kqlhunt's jsonl output;
// findings wrap each row in {"row": ...}.
func parseGroups(t *testing.T, out string, findings bool) []group {
	t.Helper()
	var gs []group
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var row map[string]any
		if findings {
			var f struct {
				RuleID string         `json:"rule_id"`
				Row    map[string]any `json:"row"`
			}
			if err := json.Unmarshal([]byte(line), &f); err != nil {
				t.Fatalf("%v: %s", err, line)
			}
			if f.RuleID != "f413b02c-92da-4243-82e6-b9bbe8e89a35" {
				t.Errorf("rule_id %q", f.RuleID)
			}
			row = f.Row
		} else if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		g := group{DeviceID: row["DeviceId"].(string), DeviceName: row["DeviceName"].(string), RemoteURL: row["RemoteUrl"].(string),
			FirstSeen: row["FirstSeen"].(string), LastSeen: row["LastSeen"].(string), Count: int64(row["Count"].(float64))}
		for _, id := range row["Report"].([]any) {
			g.Report = append(g.Report, int64(id.(float64)))
		}
		gs = append(gs, g)
	}
	sortGroups(gs)
	return gs
}

// expectedHits reads the fixture's expected_screenmeet_hits.json.
func expectedHits(t *testing.T) []group {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, "expected_screenmeet_hits.json"))
	if err != nil {
		t.Fatal(err)
	}
	var hits []struct {
		DeviceID   string `json:"DeviceId"`
		DeviceName string
		RemoteURL  string `json:"RemoteUrl"`
		FirstSeen  string
		LastSeen   string
		ReportIds  []int64
		Count      int64
	}
	if err := json.Unmarshal(data, &hits); err != nil {
		t.Fatal(err)
	}
	var gs []group
	for _, h := range hits {
		gs = append(gs, group{h.DeviceID, h.DeviceName, h.RemoteURL, h.FirstSeen, h.LastSeen, h.ReportIds, h.Count})
	}
	sortGroups(gs)
	return gs
}

// jsonLinesFixture writes the API response's rows as Advanced Hunting
// JSON lines, the one format the shared samples lack.
func jsonLinesFixture(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, "advancedhunting_api_response.json"))
	if err != nil {
		t.Fatal(err)
	}
	var resp struct{ Results []json.RawMessage }
	if err := json.Unmarshal(data, &resp); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, r := range resp.Results {
		var compact bytes.Buffer
		json.Compact(&compact, r)
		b.Write(compact.Bytes())
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "DeviceNetworkEvents.jsonl")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSeedRule runs the seed query verbatim, and the seed rule as YAML, over
// the fixture in every export format, and compares the groups, FirstSeen,
// LastSeen, Report sets and Counts with an independent computation and
// with the fixture's expected hits.
func TestSeedRule(t *testing.T) {
	nowText := "2025-03-05T00:00:00Z"
	now, _ := time.Parse(time.RFC3339, nowText)
	inputs := map[string]string{
		"json lines":           jsonLinesFixture(t),
		"streaming storage":    filepath.Join(fixtures, "streaming_storage_PT1H.json"),
		"streaming event hub":  filepath.Join(fixtures, "streaming_eventhub_message.json"),
		"advanced hunting api": filepath.Join(fixtures, "advancedhunting_api_response.json"),
		"portal csv":           filepath.Join(fixtures, "advancedhunting_portal_export.csv"),
	}
	want := expectedHits(t)
	for name, path := range inputs {
		t.Run(name, func(t *testing.T) {
			table := "--table=DeviceNetworkEvents=" + path
			indep := independentSeed(t, rawRows(t, path), now)
			if !equalGroups(indep, want) {
				t.Fatalf("independent computation disagrees with the expected hits:\n%v\n%v", indep, want)
			}
			code, out, errs := kqlhunt(t, "", "query", table, "--now", nowText, "--format", "jsonl", seedQuery)
			if code != 0 {
				t.Fatalf("query exit %d: %s", code, errs)
			}
			if got := parseGroups(t, out, false); !equalGroups(got, indep) {
				t.Errorf("query:\n got %v\nwant %v", got, indep)
			}
			code, out, errs = kqlhunt(t, "", "hunt", "--rules", "../../examples/rules", table, "--now", nowText, "--format", "jsonl")
			if code != 0 {
				t.Fatalf("hunt exit %d: %s", code, errs)
			}
			if got := parseGroups(t, out, true); !equalGroups(got, indep) {
				t.Errorf("hunt:\n got %v\nwant %v", got, indep)
			}
		})
	}
}

func equalGroups(a, b []group) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// TestIndependentComputation checks that the independent computation can
// tell a wrong answer: it must reject term matches that are substrings.
func TestIndependentComputation(t *testing.T) {
	for _, c := range []struct {
		s, needle string
		want      bool
	}{
		{"api.screenmeet.com", "screenmeet.com", true},
		{"https://screenmeet.com/join", "screenmeet.com", true},
		{"notscreenmeet.com", "screenmeet.com", false},
		{"Projector Incorporated", "Projector Inc", false},
		{"projector inc", "Projector Inc", true},
	} {
		if got := termMatch(c.s, c.needle); got != c.want {
			t.Errorf("termMatch(%q, %q) = %v", c.s, c.needle, got)
		}
	}
}

// TestExample runs the README's first command and checks its findings.
func TestExample(t *testing.T) {
	code, out, errs := kqlhunt(t, "", "hunt", "--rules", "../../examples/rules", "--data", "../../examples/telemetry",
		"--now", "2025-03-05T00:00:00Z", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got := parseGroups(t, out, true)
	var summary []string
	for _, g := range got {
		summary = append(summary, fmt.Sprintf("%s %s %v %d", g.DeviceName, g.RemoteURL, g.Report, g.Count))
	}
	want := []string{
		"ws-0142.contoso.local api.screenmeet.com [101] 1",
		"ws-0142.contoso.local https://screenmeet.com/join [102] 1",
		"ws-0210.contoso.local api.screenmeet.com [2015 2016] 2",
		"ws-0210.contoso.local relay-eu.screenmeet.com [2017] 1",
	}
	sort.Strings(summary)
	if strings.Join(summary, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(summary, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(errs, "1 rule run, 1 with findings (4 findings)") {
		t.Errorf("summary: %s", errs)
	}
}

// TestCheckUnknownColumn: check reports AccountUpn in a DeviceNetworkEvents
// query as an unknown column at its line and column.
func TestCheckUnknownColumn(t *testing.T) {
	q := "DeviceNetworkEvents\n| summarize count() by DeviceId, AccountUpn, RemoteUrl"
	code, out, _ := kqlhunt(t, "", "check", q)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	want := "2:34: unknown column 'AccountUpn'; did you mean 'InitiatingProcessAccountUpn'?\n" +
		"    | summarize count() by DeviceId, AccountUpn, RemoteUrl\n" +
		"                                     ^\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	if code, out, _ := kqlhunt(t, "", "check", "DeviceNetworkEvents | summarize count() by DeviceId"); code != 0 || out != "" {
		t.Errorf("clean query: exit %d, output %q", code, out)
	}
	if code, _, _ := kqlhunt(t, "", "check", "--syntax-only", "DeviceNetworkEvents | where AccountUpn has 'x'"); code != 0 {
		t.Errorf("--syntax-only: exit %d, want 0", code)
	}
}

// TestBadLine: a bad line in the middle of a file is skipped and reported
// with its file and line, and the rest of the file is still hunted; with
// --strict it is fatal (exit 3).
func TestBadLine(t *testing.T) {
	data, err := os.ReadFile(jsonLinesFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	// Line 2 (ReportId 102, a hit) stays after the broken line.
	broken := lines[0] + `{"Timestamp": "2025-03-04T09:00:00Z", "RemoteUrl": ` + "\n" + strings.Join(lines[1:], "")
	dir := t.TempDir()
	path := filepath.Join(dir, "DeviceNetworkEvents.jsonl")
	os.WriteFile(path, []byte(broken), 0o644)
	code, out, errs := kqlhunt(t, "", "hunt", "--rules", "../../examples/rules", "--data", dir, "--now", "2025-03-05T00:00:00Z", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, path+":2:") || !strings.Contains(errs, "skipped 1 malformed line") {
		t.Errorf("stderr does not report %s:2: %s", path, errs)
	}
	got := parseGroups(t, out, true)
	if len(got) != 2 || got[1].Report[0] != 102 {
		t.Errorf("the rows after the bad line were not hunted: %v", got)
	}
	code, _, errs = kqlhunt(t, "", "hunt", "--strict", "--rules", "../../examples/rules", "--data", dir, "--now", "2025-03-05T00:00:00Z")
	if code != 3 || !strings.Contains(errs, path+":2:") {
		t.Errorf("--strict: exit %d, stderr %s", code, errs)
	}
}

// TestQueryInputs: the query comes from the argument, -f FILE or stdin;
// misuse exits 2.
func TestQueryInputs(t *testing.T) {
	data := "--data=../../examples/formats/csv"
	q := "DeviceNetworkEvents | summarize n = count()"
	file := filepath.Join(t.TempDir(), "q.kql")
	os.WriteFile(file, []byte(q), 0o644)
	for name, args := range map[string][]string{
		"argument": {"query", data, "--format", "csv", q},
		"file":     {"query", data, "--format", "csv", "-f", file},
	} {
		if code, out, errs := kqlhunt(t, "", args...); code != 0 || out != "n\n5\n" {
			t.Errorf("%s: exit %d, output %q, %s", name, code, out, errs)
		}
	}
	if code, out, errs := kqlhunt(t, q, "query", data, "--format", "csv"); code != 0 || out != "n\n5\n" {
		t.Errorf("stdin: exit %d, output %q, %s", code, out, errs)
	}
	for name, args := range map[string][]string{
		"bad format":   {"query", data, "--format", "xml", q},
		"bad now":      {"query", data, "--now", "yesterday", q},
		"both":         {"query", data, "-f", file, q},
		"query error":  {"query", data, "DeviceNetworkEvents | where Nope == 1"},
		"unknown flag": {"query", "--nope", q},
		"bad table":    {"query", "--table", "Nope=x.csv", q},
	} {
		if code, _, errs := kqlhunt(t, "", args...); code != 2 || errs == "" {
			t.Errorf("%s: exit %d, want 2 with a message; stderr %q", name, code, errs)
		}
	}
	code, _, errs := kqlhunt(t, "", "query", data, "DeviceNetworkEvents\n| where Nope == 1")
	if code != 2 || !strings.Contains(errs, "2:9: unknown column 'Nope'") {
		t.Errorf("query error position: %s", errs)
	}
}

// TestFailOnFindings: exit 1 when a rule finds something and the flag is
// given; 0 without it or without findings.
func TestFailOnFindings(t *testing.T) {
	args := []string{"hunt", "--rules", "../../examples/rules", "--data", "../../examples/telemetry", "--fail-on-findings"}
	if code, _, errs := kqlhunt(t, "", append(args, "--now", "2025-03-05T00:00:00Z")...); code != 1 {
		t.Errorf("exit %d, want 1: %s", code, errs)
	}
	if code, _, errs := kqlhunt(t, "", append(args, "--now", "2026-01-01T00:00:00Z")...); code != 0 {
		t.Errorf("no findings: exit %d, want 0: %s", code, errs)
	}
}

// TestRuleErrors: a KQL error in a rule's query is reported at the YAML
// file's own line and column; the other rules still run.
func TestRuleErrors(t *testing.T) {
	dir := t.TempDir()
	seed, _ := os.ReadFile("../../examples/rules/screenmeet_netconn.yaml")
	os.WriteFile(filepath.Join(dir, "seed.yaml"), seed, 0o644)
	bad := strings.Replace(string(seed), "f413b02c-92da-4243-82e6-b9bbe8e89a35", "00000000-0000-0000-0000-000000000001", 1)
	bad = strings.Replace(bad, "Count=count() by DeviceId, DeviceName,", "Count=count() by DeviceId, AccountUpn,", 1)
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o644)
	line, col := 0, 0
	for i, l := range strings.Split(bad, "\n") {
		if c := strings.Index(l, "AccountUpn"); c >= 0 && !strings.HasPrefix(l, "#") {
			line, col = i+1, c+1
		}
	}
	code, out, errs := kqlhunt(t, "", "hunt", "--rules", dir, "--data", "../../examples/telemetry", "--now", "2025-03-05T00:00:00Z", "--format", "jsonl")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	want := fmt.Sprintf("%s:%d:%d: unknown column 'AccountUpn'", filepath.Join(dir, "bad.yaml"), line, col)
	if !strings.Contains(errs, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errs)
	}
	if n := len(parseGroups(t, out, true)); n != 4 {
		t.Errorf("the good rule gave %d findings, want 4", n)
	}
}
