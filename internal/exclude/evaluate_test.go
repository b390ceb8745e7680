package exclude

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

// The seed test: the ScreenMeet rule with the seed's five exclusions, over
// the seed's telemetry. The expectations are computed here from the JSON
// rows with plain Go, following the rule's text and the exclusions'
// meaning, not from kqlhunt's output.

const (
	seedRule       = "../../examples/rules/screenmeet_netconn.yaml"
	seedExclusions = "../../examples/exclusions/screenmeet.yaml"
	seedNow        = "2025-03-05T00:00:00Z"
	nameClause     = `process.name != "ScreenMeet.exe" OR `
)

// telemetry is a folder or file of DeviceNetworkEvents rows, in a format
// this test reads on its own.
type telemetry struct {
	name  string
	paths []string // for source.Open, by table when byTable
	table bool     // paths are of DeviceNetworkEvents, named by --table
}

var seedData = []telemetry{
	{name: "examples", paths: []string{"../../examples/telemetry"}},
	{name: "source testdata", paths: []string{"../source/testdata/screenmeet/advancedhunting_api_response.json"}, table: true},
}

var variantData = telemetry{name: "variants", paths: []string{"testdata/screenmeet_variants/DeviceNetworkEvents.jsonl"}}

func (tm telemetry) open(t *testing.T, cat *schema.Catalog) kql.Tables {
	t.Helper()
	opts := kql.DataOptions{Paths: tm.paths, Strict: true}
	if tm.table {
		opts = kql.DataOptions{Tables: map[string][]string{"DeviceNetworkEvents": tm.paths}, Strict: true}
	}
	d, err := kql.OpenData(opts, cat)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// row is a DeviceNetworkEvents row as the test reads it: strings that are
// null or missing read as "", as in KQL.
type row struct {
	Timestamp   time.Time
	DeviceID    string
	DeviceName  string
	RemoteURL   string
	Company     string
	Product     string
	Name        string
	Parent      string
	CommandLine string
	ReportID    int64
}

// rows reads the rows under tm's paths: JSON lines of rows or of
// streaming records ({"properties": row}), or an Advanced Hunting API
// response ({"Results": [rows]}).
func (tm telemetry) rows(t *testing.T) []row {
	t.Helper()
	var out []row
	add := func(m map[string]any) {
		str := func(k string) string { s, _ := m[k].(string); return s }
		ts, err := time.Parse(time.RFC3339Nano, str("Timestamp"))
		if err != nil {
			t.Fatalf("Timestamp %q: %v", str("Timestamp"), err)
		}
		id, _ := m["ReportId"].(float64)
		out = append(out, row{Timestamp: ts, DeviceID: str("DeviceId"), DeviceName: str("DeviceName"), RemoteURL: str("RemoteUrl"),
			Company: str("InitiatingProcessVersionInfoCompanyName"), Product: str("InitiatingProcessVersionInfoProductName"),
			Name: str("InitiatingProcessFileName"), Parent: str("InitiatingProcessParentFileName"),
			CommandLine: str("InitiatingProcessCommandLine"), ReportID: int64(id)})
	}
	readFile := func(path string) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ Results []map[string]any }
		if json.Unmarshal(src, &doc) == nil && doc.Results != nil {
			for _, m := range doc.Results {
				add(m)
			}
			return
		}
		sc := bufio.NewScanner(strings.NewReader(string(src)))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if p, ok := m["properties"].(map[string]any); ok {
				m = p
			}
			add(m)
		}
	}
	for _, p := range tm.paths {
		err := filepath.Walk(p, func(path string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			if !info.IsDir() && (strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".jsonl")) {
				readFile(path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no rows", tm.name)
	}
	return out
}

// has is KQL's has for the test: needle occurs in s, ignoring case, with
// no letter or digit just before or after it.
func has(s, needle string) bool {
	s, needle = strings.ToLower(s), strings.ToLower(needle)
	isTerm := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for i := 0; ; {
		j := strings.Index(s[i:], needle)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(needle)
		before := start == 0 || !isTerm(rune(s[start-1]))
		after := end == len(s) || !isTerm(rune(s[end]))
		if before && after {
			return true
		}
		i = start + 1
	}
}

// ruleMatches is the rule's where clauses.
func ruleMatches(r row, now time.Time) bool {
	return !r.Timestamp.Before(now.Add(-5*24*time.Hour)) && !r.Timestamp.After(now) &&
		has(r.RemoteURL, "screenmeet.com") && has(r.Company, "Projector Inc") && has(r.Product, "ScreenMeet")
}

// scenario is one seed exclusion: process.name != "ScreenMeet.exe" (when
// withName) OR parent == Parent OR command line contains Keyword.
type scenario struct {
	Name, Parent, Keyword string
}

var scenarios = []scenario{
	{"Scheduled System Maintenance via ScreenMeet", "Task Scheduler", "maintenance"},
	{"Remote Desktop Session via ScreenMeet", "mstsc.exe", "remote desktop"},
	{"Patch Deployment via ScreenMeet", "schtasks.exe", "patch"},
	{"Network Monitoring via ScreenMeet", "snmp.exe", "monitor"},
	{"Remote Support Session via ScreenMeet", "Remote Desktop Connection", "support"},
}

func (s scenario) excludes(r row, withName bool) bool {
	return withName && !strings.EqualFold(r.Name, "ScreenMeet.exe") ||
		strings.EqualFold(r.Parent, s.Parent) ||
		strings.Contains(strings.ToLower(r.CommandLine), strings.ToLower(s.Keyword))
}

// finding is one output row of the rule: its group, count and report ids.
type finding struct {
	DeviceID, DeviceName, RemoteURL string
	Count                           int64
	Reports                         []int64
}

// expect computes the rule's findings over rows with the seed's
// exclusions (withName says whether they keep their process.name clause),
// and what each exclusion removes from the table.
func expect(rows []row, now time.Time, withName, exclusions bool) ([]finding, map[string]int64) {
	counts := map[string]int64{}
	groups := map[[3]string]*finding{}
	for _, r := range rows {
		excluded := false
		if exclusions {
			for _, s := range scenarios {
				if s.excludes(r, withName) {
					counts[s.Name]++
					excluded = true
				}
			}
		}
		if excluded || !ruleMatches(r, now) {
			continue
		}
		k := [3]string{r.DeviceID, r.DeviceName, r.RemoteURL}
		f := groups[k]
		if f == nil {
			f = &finding{DeviceID: k[0], DeviceName: k[1], RemoteURL: k[2]}
			groups[k] = f
		}
		f.Count++
		f.Reports = append(f.Reports, r.ReportID)
	}
	var out []finding
	for _, f := range groups {
		sort.Slice(f.Reports, func(i, j int) bool { return f.Reports[i] < f.Reports[j] })
		out = append(out, *f)
	}
	sortFindings(out)
	if exclusions {
		for _, s := range scenarios {
			counts[s.Name] += 0
		}
	}
	return out, counts
}

func sortFindings(fs []finding) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.DeviceName != b.DeviceName {
			return a.DeviceName < b.DeviceName
		}
		return a.RemoteURL < b.RemoteURL
	})
}

// findings reads the rule's output rows.
func findings(t *testing.T, results []*kql.Result) []finding {
	t.Helper()
	var out []finding
	for _, res := range results {
		idx := map[string]int{}
		for i, c := range res.Columns {
			idx[c.Name] = i
		}
		for _, b := range res.Batches {
			for i := 0; i < b.N; i++ {
				r := b.Row(i)
				f := finding{DeviceID: r[idx["DeviceId"]].(string), DeviceName: r[idx["DeviceName"]].(string),
					RemoteURL: r[idx["RemoteUrl"]].(string), Count: r[idx["Count"]].(int64)}
				for _, id := range r[idx["Report"]].([]any) {
					f.Reports = append(f.Reports, id.(int64))
				}
				sort.Slice(f.Reports, func(i, j int) bool { return f.Reports[i] < f.Reports[j] })
				out = append(out, f)
			}
		}
	}
	sortFindings(out)
	return out
}

// seed loads the rule, compiles it without exclusions, and loads the
// exclusions, with or without their process.name clause.
func seed(t *testing.T, withName bool) (*rules.Rule, *kql.Query, *Set, *schema.Catalog) {
	t.Helper()
	cat := schema.Defender()
	r, err := rules.LoadFile(seedRule)
	if err != nil {
		t.Fatal(rules.FormatError(err))
	}
	q, err := kql.Compile(r.Query, cat, kql.Options{Name: r.File, Pos: r.QueryPosition})
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(seedExclusions)
	if err != nil {
		t.Fatal(err)
	}
	if !withName {
		if n := strings.Count(string(src), nameClause); n != 5 {
			t.Fatalf("the seed exclusions have the process.name clause %d times, want 5", n)
		}
		src = []byte(strings.ReplaceAll(string(src), nameClause, ""))
	}
	set, err := Parse(seedExclusions, src, cat)
	if err != nil {
		t.Fatal(rules.FormatError(err))
	}
	return r, q, set, cat
}

func seedTime(t *testing.T) time.Time {
	now, err := time.Parse(time.RFC3339, seedNow)
	if err != nil {
		t.Fatal(err)
	}
	return now
}

func evaluate(t *testing.T, withName bool, tm telemetry) (*Outcome, []row) {
	t.Helper()
	r, q, set, cat := seed(t, withName)
	now, err := kql.ParseNow(seedNow)
	if err != nil {
		t.Fatal(err)
	}
	out, err := set.Evaluate(context.Background(), cat, r.ID, q, tm.open(t, cat), now)
	if err != nil {
		t.Fatal(rules.FormatError(err))
	}
	return out, tm.rows(t)
}

// checkCounts compares the outcome's counts, in file order, with want.
func checkCounts(t *testing.T, out *Outcome, want map[string]int64) {
	t.Helper()
	got := map[string]int64{}
	for i, s := range out.Suppressed {
		if s.Entry.Name != scenarios[i].Name {
			t.Errorf("Suppressed[%d] is %q, want %q", i, s.Entry.Name, scenarios[i].Name)
		}
		got[s.Entry.Name] = s.Rows
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suppressed rows (-want +got):\n%s", diff)
	}
}

func warnings(out *Outcome) []string {
	var ws []string
	for _, w := range out.Warnings {
		ws = append(ws, w.Error())
	}
	return ws
}

// TestSeedExclusionsSuppressAll is the first done-when: with the
// seed's five exclusions the rule reports no finding, and the warning that
// the exclusions suppress all of its matches.
func TestSeedExclusionsSuppressAll(t *testing.T) {
	for _, tm := range seedData {
		t.Run(tm.name, func(t *testing.T) {
			out, rows := evaluate(t, true, tm)
			want, counts := expect(rows, seedTime(t), true, true)
			if len(want) != 0 {
				t.Fatalf("test data: expected no findings with the exclusions, computed %v", want)
			}
			unexcluded, _ := expect(rows, seedTime(t), true, false)
			if len(unexcluded) == 0 {
				t.Fatal("test data: the rule matches nothing even without exclusions")
			}
			if out.Findings != 0 || len(findings(t, out.Results)) != 0 {
				t.Errorf("got %d findings, want 0", out.Findings)
			}
			if out.Unexcluded != len(unexcluded) {
				t.Errorf("Unexcluded = %d, want %d", out.Unexcluded, len(unexcluded))
			}
			checkCounts(t, out, counts)
			n := len(unexcluded)
			wantWarnings := []string{
				seedExclusions + ": warning: the 5 exclusions of rule f413b02c-92da-4243-82e6-b9bbe8e89a35 together suppress all " + itoa(n) + " of its matches",
			}
			for i, s := range scenarios {
				wantWarnings = append(wantWarnings, seedExclusions+":"+itoa(17+3*i)+":5: warning: exclusion \""+s.Name+
					"\" on its own suppresses all "+itoa(n)+" matches of rule f413b02c-92da-4243-82e6-b9bbe8e89a35")
			}
			if diff := cmp.Diff(wantWarnings, warnings(out)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			t.Logf("%s: 0 findings (%d without exclusions); suppressed %v; %d warnings", tm.name, n, counts, len(out.Warnings))
		})
	}
}

// TestSeedExclusionsWithoutNameClause is the second done-when: with the
// process.name clause removed from all five, the rule reports exactly the
// rows that the remaining clauses do not exclude.
func TestSeedExclusionsWithoutNameClause(t *testing.T) {
	for _, tm := range append(seedData, variantData) {
		t.Run(tm.name, func(t *testing.T) {
			out, rows := evaluate(t, false, tm)
			want, counts := expect(rows, seedTime(t), false, true)
			got := findings(t, out.Results)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			checkCounts(t, out, counts)
			unexcluded, _ := expect(rows, seedTime(t), false, false)
			if len(want) == 0 && len(unexcluded) > 0 {
				// Every match is still suppressed: by the exclusions
				// whose command-line keyword the agent's own command
				// line holds ("support" in ScreenMeetSupport.exe).
				if len(out.Warnings) == 0 {
					t.Error("no warning, though the exclusions suppress every match")
				}
			} else if len(out.Warnings) != 0 {
				t.Errorf("warnings %q, want none", warnings(out))
			}
			t.Logf("%s: %d findings (%d without exclusions): %v; suppressed %v; warnings %q", tm.name, len(got), len(unexcluded), got, counts, warnings(out))
		})
	}
}

// TestVariantsWithNameClause runs the five exclusions as the seed wrote
// them over rows whose process is ScreenMeet.exe, which the process.name
// clause does not exclude: only the rows that no other clause matches are
// found.
func TestVariantsWithNameClause(t *testing.T) {
	out, rows := evaluate(t, true, variantData)
	want, counts := expect(rows, seedTime(t), true, true)
	if len(want) == 0 {
		t.Fatal("test data: expected findings")
	}
	if diff := cmp.Diff(want, findings(t, out.Results)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	checkCounts(t, out, counts)
	if len(out.Warnings) != 0 || out.Unexcluded != -1 {
		t.Errorf("warnings %q, Unexcluded %d; want none and -1", warnings(out), out.Unexcluded)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
