package ruletest

import (
	"github.com/kqlhunt/kqlhunt/internal/diag"

	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/rules"
)

const (
	seedTests = "../../examples/rules/screenmeet_netconn.test.yaml"
	seedRule  = "../../examples/rules/screenmeet_netconn.yaml"
)

// loadSeed loads the seed rule's test file.
func loadSeed(t *testing.T) *File {
	t.Helper()
	f, err := LoadFile(seedTests)
	if err != nil {
		t.Fatalf("LoadFile: %s", FormatError(err))
	}
	return f
}

// failing returns the names of the failed results, and their diffs by
// name.
func failing(results []Result) ([]string, map[string]string) {
	var names []string
	diffs := map[string]string{}
	for _, r := range results {
		if !r.Pass {
			names = append(names, r.Name)
			diffs[r.Name] = r.Diff
		}
	}
	return names, diffs
}

func TestSeedSuitePasses(t *testing.T) {
	f := loadSeed(t)
	r, err := f.LoadRule()
	if err != nil {
		t.Fatalf("LoadRule: %v", err)
	}
	results := Run(context.Background(), f, r, Options{})
	if len(results) != 8 {
		t.Fatalf("got %d results, want 8", len(results))
	}
	for _, res := range results {
		if !res.Pass {
			t.Errorf("%s (line %d) failed:\n%s", res.Name, res.Line, res.Diff)
		}
		if res.Diff != "" || res.Err != nil {
			t.Errorf("%s: a pass with diff %q, error %v", res.Name, res.Diff, res.Err)
		}
	}
	if results[0].Expected != 2 || len(results[0].Findings) != 2 {
		t.Errorf("first test: expected %d, got %d findings; want 2 and 2", results[0].Expected, len(results[0].Findings))
	}
}

// brokenSeed returns the seed rule with old replaced by new, named name.
func brokenSeed(t *testing.T, name, old, new string) *rules.Rule {
	t.Helper()
	src, err := os.ReadFile(seedRule)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), old) {
		t.Fatalf("the seed rule has no %q", old)
	}
	r, err := rules.Parse(name, []byte(strings.Replace(string(src), old, new, 1)))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return r
}

// TestContainsInsteadOfHas checks that the suite catches a rule that
// matches substrings where it should match terms.
func TestContainsInsteadOfHas(t *testing.T) {
	f := loadSeed(t)
	r := brokenSeed(t, "broken.yaml", "RemoteUrl has 'screenmeet.com'", "RemoteUrl contains 'screenmeet.com'")
	names, diffs := failing(Run(context.Background(), f, r, Options{}))
	want := []string{
		"ignores notscreenmeet.com (has matches whole terms)",
		"finds rows 101 and 102 in the Storage blob of the fixtures",
		"finds ws-0210 and not getscreenmeet.com in a morning of traffic",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("failed tests (-want +got):\n%s", diff)
	}
	wantDiff := `expected no findings, got 1
+ unexpected: {DeviceId: "2b1c0f7e9a4d4c3e8f6a5b4c3d2e1f0a9b8c7d6e", DeviceName: "ws-0142.contoso.local", RemoteUrl: "notscreenmeet.com", FirstSeen: "2025-03-04T09:20:00.0000000Z", LastSeen: "2025-03-04T09:20:00.0000000Z", Report: [104], Count: 1}`
	if d := diffs[want[0]]; d != wantDiff {
		t.Errorf("diff:\n%s\nwant:\n%s", d, wantDiff)
	}
	wantDiff = `expected 2 findings, got 3
+ unexpected: {DeviceId: "7c1a9e55d0b84f1aa5c3e2b1d4f6a8c9e0b1d2f3", DeviceName: "ws-0077.contoso.local", RemoteUrl: "getscreenmeet.com", FirstSeen: "2025-03-04T09:03:00.0000000Z", LastSeen: "2025-03-04T09:03:00.0000000Z", Report: [2014], Count: 1}`
	if d := diffs[want[2]]; d != wantDiff {
		t.Errorf("diff:\n%s\nwant:\n%s", d, wantDiff)
	}
}

// TestMisspeltColumn checks that a query that does not compile fails
// every test with the compiler's message at the rule file's position.
func TestMisspeltColumn(t *testing.T) {
	f := loadSeed(t)
	r := brokenSeed(t, "broken.yaml", "| where RemoteUrl has", "| where RemoteUrll has")
	results := Run(context.Background(), f, r, Options{})
	if len(results) != len(f.Tests) {
		t.Fatalf("got %d results, want %d", len(results), len(f.Tests))
	}
	want := `rule does not compile:
    broken.yaml:43:11: unknown column 'RemoteUrll'; did you mean 'RemoteUrl'?
        | where RemoteUrll has 'screenmeet.com'
                ^`
	for _, res := range results {
		if res.Pass || res.Err == nil {
			t.Errorf("%s: pass %v, error %v; want a failure with an error", res.Name, res.Pass, res.Err)
		}
		if res.Diff != want {
			t.Errorf("%s: diff:\n%s\nwant:\n%s", res.Name, res.Diff, want)
		}
	}
}

// smallRule is a rule over DeviceNetworkEvents for the tests below.
const smallRule = `id: small
name: small
query: |
  DeviceNetworkEvents
  | where RemoteUrl has "screenmeet.com"
  | summarize Count=count(), Ports=make_set(RemotePort) by DeviceName, RemoteUrl
`

// runSmall loads test file src from a file system holding smallRule as
// small.yaml and runs it.
func runSmall(t *testing.T, src string, extra fstest.MapFS) []Result {
	t.Helper()
	fsys := fstest.MapFS{"small.yaml": {Data: []byte(smallRule)}, "small.test.yaml": {Data: []byte(src)}}
	for k, v := range extra {
		fsys[k] = v
	}
	f, err := LoadFS(fsys, "small.test.yaml")
	if err != nil {
		t.Fatalf("LoadFS: %s", FormatError(err))
	}
	r, err := rules.Parse("small.yaml", []byte(smallRule))
	if err != nil {
		t.Fatal(err)
	}
	rr, err := f.FindRule([]*rules.Rule{r})
	if err != nil || rr != r {
		t.Fatalf("FindRule: %v, %v", rr, err)
	}
	return Run(context.Background(), f, r, Options{})
}

func TestDiffs(t *testing.T) {
	rows := `
    input:
      DeviceNetworkEvents:
        - {DeviceName: wks-1, RemoteUrl: api.screenmeet.com, RemotePort: 443}
        - {DeviceName: wks-1, RemoteUrl: api.screenmeet.com, RemotePort: 80}
        - {DeviceName: wks-2, RemoteUrl: eu.screenmeet.com, RemotePort: 443}
`
	for _, tc := range []struct {
		name, expect, diff string
	}{{
		name: "pass in any order",
		expect: `
      - {DeviceName: wks-2, Count: 1}
      - {DeviceName: wks-1, RemoteUrl: api.screenmeet.com, Count: 2, Ports: [443, 80]}`,
	}, {
		name: "near miss",
		expect: `
      - {DeviceName: wks-1, Count: 3}
      - {DeviceName: wks-2}`,
		diff: `expected 2 findings, got 2, but 1 did not match
- line 10: {DeviceName: "wks-1", Count: 3}
+ got:     {DeviceName: "wks-1", Count: 2}
  Count: expected 3, got 2`,
	}, {
		name: "missing and unexpected",
		expect: `
      - {DeviceName: wks-1}
      - {DeviceName: wks-3, RemoteUrl: x.screenmeet.com}
      - {DeviceName: wks-4, RemoteUrl: y.screenmeet.com}`,
		diff: `expected 3 findings, got 2
- missing (line 11): {DeviceName: "wks-3", RemoteUrl: "x.screenmeet.com"}
- missing (line 12): {DeviceName: "wks-4", RemoteUrl: "y.screenmeet.com"}
+ unexpected: {DeviceName: "wks-2", RemoteUrl: "eu.screenmeet.com", Count: 1, Ports: [443]}`,
	}, {
		name: "the only two left pair up",
		expect: `
      - {DeviceName: wks-1}
      - {DeviceName: wks-3, RemoteUrl: x.screenmeet.com}`,
		diff: `expected 2 findings, got 2, but 1 did not match
- line 11: {DeviceName: "wks-3", RemoteUrl: "x.screenmeet.com"}
+ got:     {DeviceName: "wks-2", RemoteUrl: "eu.screenmeet.com"}
  DeviceName: expected "wks-3", got "wks-2"
  RemoteUrl: expected "x.screenmeet.com", got "eu.screenmeet.com"`,
	}, {
		name:   "none",
		expect: " none",
		diff: `expected no findings, got 2
+ unexpected: {DeviceName: "wks-1", RemoteUrl: "api.screenmeet.com", Count: 2, Ports: [443,80]}
+ unexpected: {DeviceName: "wks-2", RemoteUrl: "eu.screenmeet.com", Count: 1, Ports: [443]}`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			src := "rule: small.yaml\ntests:\n  - name: t" + rows + "    expect:" + tc.expect + "\n"
			res := runSmall(t, src, nil)
			if len(res) != 1 {
				t.Fatalf("got %d results", len(res))
			}
			if res[0].Pass != (tc.diff == "") {
				t.Errorf("pass = %v, diff:\n%s", res[0].Pass, res[0].Diff)
			}
			if res[0].Diff != tc.diff {
				t.Errorf("diff:\n%s\nwant:\n%s", res[0].Diff, tc.diff)
			}
		})
	}
}

// TestPairingPasses checks one expectation that fits two findings and one
// that fits only the first of them.
func TestPairingPasses(t *testing.T) {
	src := `rule: small.yaml
tests:
  - name: t
    input:
      DeviceNetworkEvents:
        - {DeviceName: wks-1, RemoteUrl: api.screenmeet.com}
        - {DeviceName: wks-1, RemoteUrl: eu.screenmeet.com}
    expect:
      - {DeviceName: wks-1}
      - {DeviceName: wks-1, RemoteUrl: api.screenmeet.com}
`
	// The findings sort api before eu, so a greedy pairing would give the
	// first expectation the api finding and fail the second.
	res := runSmall(t, src, nil)
	if !res[0].Pass {
		t.Errorf("failed:\n%s", res[0].Diff)
	}
}

func TestExpectationErrors(t *testing.T) {
	src := `rule: small.yaml
tests:
  - name: t
    input:
      DeviceNetworkEvents:
        - {DeviceName: wks-1, RemoteUrl: api.screenmeet.com}
    expect:
      - {DeviceNme: wks-1, Count: many}
`
	res := runSmall(t, src, nil)
	if res[0].Pass || res[0].Err == nil {
		t.Fatalf("pass %v, error %v; want a failure with an error", res[0].Pass, res[0].Err)
	}
	want := `the expected findings do not fit the rule's output:
    small.test.yaml:8:10: unknown column 'DeviceNme' in the rule's output (DeviceName, RemoteUrl, Count, Ports); did you mean 'DeviceName'?
    small.test.yaml:8:35: Count: cannot convert "many" to long: not a number`
	if res[0].Diff != want {
		t.Errorf("diff:\n%s\nwant:\n%s", res[0].Diff, want)
	}
}

func TestNow(t *testing.T) {
	rule := "id: n\nname: n\nquery: print Now=now(), Ago=ago(1d)\n"
	src := `rule: n.yaml
tests:
  - name: default
    expect:
      - {Now: 2025-01-01T00:00:00Z, Ago: 2024-12-31}
  - name: own
    now: 2026-11-20T12:00:00Z
    expect:
      - {Now: 2026-11-20T12:00:00Z}
`
	fsys := fstest.MapFS{"n.test.yaml": {Data: []byte(src)}}
	f, err := LoadFS(fsys, "n.test.yaml")
	if err != nil {
		t.Fatal(FormatError(err))
	}
	r, err := rules.Parse("n.yaml", []byte(rule))
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range Run(context.Background(), f, r, Options{}) {
		if !res.Pass {
			t.Errorf("%s failed:\n%s", res.Name, res.Diff)
		}
	}
	// The file's now applies to tests without their own, wherever it is.
	f, err = LoadFS(fstest.MapFS{"n.test.yaml": {Data: []byte(src + "now: 2025-01-01T00:00:00Z\n")}}, "n.test.yaml")
	if err != nil {
		t.Fatal(FormatError(err))
	}
	if f.Tests[0].Now != f.Now || f.Tests[1].Now == f.Now {
		t.Errorf("now: file %v, tests %v and %v", f.Now, f.Tests[0].Now, f.Tests[1].Now)
	}
}

func TestDataFile(t *testing.T) {
	src := `rule: small.yaml
tests:
  - name: t
    input:
      DeviceNetworkEvents:
        file: data/rows.jsonl
    expect:
      - {DeviceName: wks-9, Count: 2, Ports: [443, 8443]}
`
	data := `{"DeviceName": "wks-9", "RemoteUrl": "api.screenmeet.com", "RemotePort": 443}
{"DeviceName": "wks-9", "RemoteUrl": "api.screenmeet.com", "RemotePort": "8443"}
`
	res := runSmall(t, src, fstest.MapFS{"data/rows.jsonl": {Data: []byte(data)}})
	if !res[0].Pass {
		t.Errorf("failed:\n%s", res[0].Diff)
	}
}

func TestMatchOption(t *testing.T) {
	f := loadSeed(t)
	r, err := f.LoadRule()
	if err != nil {
		t.Fatal(err)
	}
	res := Run(context.Background(), f, r, Options{Match: func(name string) bool { return strings.HasPrefix(name, "ignores") }})
	if len(res) != 4 {
		t.Errorf("got %d results, want 4", len(res))
	}
}

func TestFailed(t *testing.T) {
	f := loadSeed(t)
	_, err := rules.Parse("bad.yaml", []byte("id: x\nname: y\n"))
	res := Failed(f, "bad.yaml", err, Options{})
	if len(res) != len(f.Tests) {
		t.Fatalf("got %d results", len(res))
	}
	want := "rule does not load:\n    bad.yaml:1:1: missing required key \"query\"\n        id: x\n        ^"
	if res[0].Pass || res[0].Diff != want {
		t.Errorf("pass %v, diff:\n%s\nwant:\n%s", res[0].Pass, res[0].Diff, want)
	}
}

// TestLoadErrors checks the message and position of each problem a test
// file can have.
func TestLoadErrors(t *testing.T) {
	head := "rule: small.yaml\ntests:\n  - name: t\n"
	for _, tc := range []struct {
		name, src string
		files     fstest.MapFS
		want      []string
	}{
		{"syntax", "rule: small.yaml\ntests:\n  - name: t\n     expect: none\n",
			nil, []string{"x.test.yaml:4:6: mapping values are not allowed in this context…"}},
		{"empty", "", nil, []string{"x.test.yaml:1: empty test file, expected rule: and tests:"}},
		{"not a mapping", "- a\n", nil, []string{"x.test.yaml:1:1: expected a mapping with rule: and tests:, got a list"}},
		{"missing keys", "now: 2025-01-01T00:00:00Z\n", nil, []string{
			`x.test.yaml:1:1: missing required key "rule": the rule file under test`,
			`x.test.yaml:1:1: missing required key "tests"`}},
		{"unknown key", "rule: small.yaml\nrules: x\ntests: []\n", nil, []string{
			`x.test.yaml:2:1: unknown key "rules", expected rule, now or tests`,
			`x.test.yaml:3:1: tests: the list is empty`}},
		{"bad now", "rule: small.yaml\nnow: yesterday\ntests:\n  - {name: t, expect: none}\n", nil, []string{
			`x.test.yaml:2:6: now: expected a UTC instant such as 2025-03-05T00:00:00Z, got "yesterday"`}},
		{"rule not a string", "rule: [a]\ntests:\n  - {name: t, expect: none}\n", nil, []string{
			`x.test.yaml:1:7: rule: expected the rule's file name, got a list`}},
		{"test not a mapping", "rule: small.yaml\ntests:\n  - t\n", nil, []string{
			`x.test.yaml:3:5: tests: expected a test (a mapping with name, input and expect), got "t"`}},
		{"missing name and expect", "rule: small.yaml\ntests:\n  - expect: none\n  - name: u\n", nil, []string{
			`x.test.yaml:3:5: missing required key "name"`,
			`x.test.yaml:4:11: test "u": missing required key "expect" (a list of findings, or none)`}},
		{"duplicate name", head + "    expect: none\n  - name: t\n    expect: none\n", nil, []string{
			`x.test.yaml:5:11: duplicate test name "t", first used at line 3`}},
		{"unknown test key", head + "    expect: none\n    inputs: {}\n", nil, []string{
			`x.test.yaml:5:5: unknown key "inputs", expected name, now, input or expect`}},
		{"bad expect", head + "    expect: nothing\n", nil, []string{
			`x.test.yaml:4:13: expect: expected none or a list of findings, got "nothing"`}},
		{"expect item", head + "    expect: [1]\n", nil, []string{
			`x.test.yaml:4:14: expect: expected a finding (a mapping from output columns to values), got integer 1`}},
		{"unknown table", head + "    input:\n      DeviceNetworkEvent: []\n    expect: none\n", nil, []string{
			`x.test.yaml:5:7: unknown table 'DeviceNetworkEvent'; did you mean 'DeviceNetworkEvents'?`}},
		{"unknown column", head + "    input:\n      DeviceNetworkEvents:\n        - {DeviceName: a, remoteurl: b, Bogus: 1}\n    expect: none\n", nil, []string{
			`x.test.yaml:6:27: unknown column 'remoteurl' in table DeviceNetworkEvents; did you mean 'RemoteUrl'?`,
			`x.test.yaml:6:41: unknown column 'Bogus' in table DeviceNetworkEvents`}},
		{"bad values", head + "    input:\n      DeviceNetworkEvents:\n        - Timestamp: 2025-13-01\n          RemotePort: 99999999999\n          IsInitiatingProcessRemoteSession: maybe\n    expect: none\n", nil, []string{
			`x.test.yaml:6:22: Timestamp: cannot convert "2025-13-01" to datetime: expected ISO 8601, such as 2025-03-04T10:00:00Z`,
			`x.test.yaml:7:23: RemotePort: cannot convert integer 99999999999 to int: out of range for int`,
			`x.test.yaml:8:45: IsInitiatingProcessRemoteSession: cannot convert "maybe" to bool`}},
		{"row not a mapping", head + "    input:\n      DeviceNetworkEvents: [a]\n    expect: none\n", nil, []string{
			`x.test.yaml:5:29: DeviceNetworkEvents: expected a row (a mapping from column names to values), got "a"`}},
		{"rows not a list", head + "    input:\n      DeviceNetworkEvents: rows.jsonl\n    expect: none\n", nil, []string{
			`x.test.yaml:5:28: DeviceNetworkEvents: expected a list of rows, or file: PATH, got "rows.jsonl"`}},
		{"no data file", head + "    input:\n      DeviceNetworkEvents: {file: nope.jsonl}\n    expect: none\n", nil, []string{
			`x.test.yaml:5:35: DeviceNetworkEvents: cannot read nope.jsonl: no such file`}},
		{"bad data file", head + "    input:\n      DeviceNetworkEvents:\n        file: rows.jsonl\n    expect: none\n",
			fstest.MapFS{"rows.jsonl": {Data: []byte("{\"RemotePort\": 1}\n{\"RemotePort\": \"x\"}\n")}}, []string{
				`x.test.yaml:6:15: DeviceNetworkEvents: rows.jsonl:2: column "RemotePort": cannot convert "x" to int: not a number`}},
		{"data file key", head + "    input:\n      DeviceNetworkEvents: {path: x}\n    expect: none\n", nil, []string{
			`x.test.yaml:5:29: DeviceNetworkEvents: unknown key "path": expected a list of rows, or file: PATH`}},
		{"error through two aliases", head + "    input:\n      DeviceNetworkEvents:\n        - &r {RemotePort: x}\n        - *r\n    expect: none\n", nil, []string{
			`x.test.yaml:6:27: RemotePort: cannot convert "x" to int: not a number`}},
		{"duplicate column", head + "    input:\n      DeviceNetworkEvents:\n        - {DeviceName: a, DeviceName: b}\n    expect: none\n", nil, []string{
			`x.test.yaml:6:27: duplicate key "DeviceName", first given at line 6`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"x.test.yaml": {Data: []byte(tc.src)}}
			for k, v := range tc.files {
				fsys[k] = v
			}
			_, err := LoadFS(fsys, "x.test.yaml")
			var list rules.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("got %v, want an ErrorList", err)
			}
			var got []string
			for i, e := range list {
				msg := e.Error()
				// A want ending in … is a prefix: the wording of YAML
				// syntax errors is package rules'.
				if i < len(tc.want) && strings.HasSuffix(tc.want[i], "…") && strings.HasPrefix(msg, strings.TrimSuffix(tc.want[i], "…")) {
					msg = tc.want[i]
				}
				got = append(got, msg)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormatError(t *testing.T) {
	src := "rule: small.yaml\ntests:\n  - name: t\n    input:\n      DeviceNetworkEvents:\n        - {RemoteUrll: x}\n    expect: none\n"
	_, err := LoadFS(fstest.MapFS{"x.test.yaml": {Data: []byte(src)}}, "x.test.yaml")
	want := `x.test.yaml:6:12: unknown column 'RemoteUrll' in table DeviceNetworkEvents; did you mean 'RemoteUrl'?
            - {RemoteUrll: x}
               ^
`
	if got := FormatError(err); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestConvert(t *testing.T) {
	src := `rule: small.yaml
tests:
  - name: t
    input:
      DeviceNetworkEvents:
        - Timestamp: 2025-03-04 10:00:00
          RemotePort: "443"
          InitiatingProcessFileSize: 1e3
          IsInitiatingProcessRemoteSession: 1
          RemoteUrl: 42
          AdditionalFields: {a: [1, x]}
          InitiatingProcessId: 0x10
        - {}
    expect: none
`
	f, err := LoadFS(fstest.MapFS{"x.test.yaml": {Data: []byte(src)}}, "x.test.yaml")
	if err != nil {
		t.Fatal(FormatError(err))
	}
	in := f.Tests[0].Inputs[0]
	if in.Rows.N != 2 {
		t.Fatalf("got %d rows", in.Rows.N)
	}
	get := func(col string, row int) any { return in.Rows.Cols[in.Table.Lookup(col)].Get(row) }
	for _, c := range []struct {
		col  string
		want any
	}{
		{"RemotePort", int64(443)},
		{"InitiatingProcessFileSize", int64(1000)},
		{"IsInitiatingProcessRemoteSession", true},
		{"RemoteUrl", "42"},
		{"AdditionalFields", `{"a":[1,"x"]}`},
		{"InitiatingProcessId", int64(16)},
	} {
		if got := get(c.col, 0); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.col, got, c.want)
		}
	}
	if got := get("Timestamp", 0); got == nil || got.(interface{ String() string }).String() != "2025-03-04T10:00:00.0000000Z" {
		t.Errorf("Timestamp = %v", got)
	}
	if get("RemotePort", 1) != nil || get("RemoteUrl", 1) != "" || get("Timestamp", 1) != nil {
		t.Errorf("a row without values is not null: %v %q %v", get("RemotePort", 1), get("RemoteUrl", 1), get("Timestamp", 1))
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"a.yaml", "a.test.yaml", "b.yaml", "sub/c.yaml", "sub/c.test.yml", ".hidden/d.test.yaml", "empty/e.yaml"} {
		write(n)
	}
	j := func(n string) string { return filepath.Join(dir, n) }
	files, errs := Find([]string{dir})
	if diff := cmp.Diff([]string{j("a.test.yaml"), j("sub/c.test.yml")}, files); diff != "" || len(errs) > 0 {
		t.Errorf("folder: %v (-want +got):\n%s", errs, diff)
	}
	files, errs = Find([]string{j("a.yaml"), j("sub/c.yaml"), j("a.test.yaml")})
	if diff := cmp.Diff([]string{j("a.test.yaml"), j("sub/c.test.yml")}, files); diff != "" || len(errs) > 0 {
		t.Errorf("rules: %v (-want +got):\n%s", errs, diff)
	}
	files, errs = Find([]string{dir, j("a.yaml"), dir})
	if diff := cmp.Diff([]string{j("a.test.yaml"), j("sub/c.test.yml")}, files); diff != "" || len(errs) > 0 {
		t.Errorf("repeated paths: %v (-want +got):\n%s", errs, diff)
	}
	_, errs = Find([]string{j("b.yaml"), j("empty"), j("nope")})
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, strings.ReplaceAll(e.Error(), dir+string(filepath.Separator), ""))
	}
	want := []string{
		"b.yaml: no tests for this rule: expected them in b.test.yaml",
		"empty: no test files (*.test.yaml) in this folder",
		"stat nope: no such file or directory",
	}
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestLoadRuleMissing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.test.yaml")
	if err := os.WriteFile(p, []byte("rule: gone.yaml\ntests:\n  - {name: t, expect: none}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := LoadFile(p)
	if err != nil {
		t.Fatal(FormatError(err))
	}
	_, err = f.LoadRule()
	var ne *NoRuleError
	var e diag.Diagnostic
	if !errors.As(err, &ne) || !errors.As(err, &e) || e.Line != 1 || e.Col != 7 || !strings.HasSuffix(e.Msg, "gone.yaml: no such file") {
		t.Errorf("got %v, want a *NoRuleError at 1:7 about gone.yaml", err)
	}
	_, err = f.FindRule(nil)
	if !errors.As(err, &ne) || !errors.As(err, &e) || e.Error() != p+`:1:7: no rule file "gone.yaml" in the pack` {
		t.Errorf("FindRule: %v", err)
	}
}

// TestAliasBomb checks that aliases cannot expand a file without bound.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("rule: x\ntests:\n  - name: t\n    expect: none\n    input:\n      DeviceNetworkEvents:\n        - AdditionalFields: &a0 [1,1,1,1,1,1,1,1,1,1]\n")
	for i := 1; i <= 7; i++ {
		fmt.Fprintf(&b, "          %s: &a%d [%s]\n", []string{"", "RemoteUrl", "LocalIP", "RemoteIP", "Protocol", "ActionType", "DeviceId", "DeviceName"}[i], i,
			strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 10), ","))
	}
	_, err := LoadFS(fstest.MapFS{"x.test.yaml": {Data: []byte(b.String())}}, "x.test.yaml")
	if err == nil || !strings.Contains(err.Error(), "the value is too large: with its aliases it has more than 1048576 parts") {
		t.Errorf("got %v, want a value that is too large", err)
	}
}

// FuzzLoad checks that no test file makes the loader panic.
func FuzzLoad(f *testing.F) {
	seed, err := os.ReadFile(seedTests)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("rule: small.yaml\ntests:\n  - name: t\n    input:\n      DeviceNetworkEvents:\n        - {AdditionalFields: {a: [1, *x]}}\n    expect: none\n"))
	f.Add([]byte("rule: &a x\ntests: [*a, {name: *a, expect: [{Count: &b [1]}], input: {DeviceEvents: [{AdditionalFields: *b}]}}]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := LoadFS(fstest.MapFS{"x.test.yaml": {Data: src}}, "x.test.yaml")
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatal(err)
		}
	})
}

// TestExternalData checks that externaldata reads the file named like the
// URL next to the test file.
func TestExternalData(t *testing.T) {
	rule := "id: e\nname: e\nquery: |\n  let iocs = externaldata(Url:string) [@\"https://example.com/lists/iocs.csv?sig=1\"] with (format=\"csv\");\n  DeviceNetworkEvents | where RemoteUrl in (iocs) | project DeviceName\n"
	src := `rule: e.yaml
tests:
  - name: t
    input:
      DeviceNetworkEvents:
        - {DeviceName: a, RemoteUrl: bad.example}
        - {DeviceName: b, RemoteUrl: good.example}
    expect:
      - {DeviceName: a}
`
	fsys := fstest.MapFS{"r/e.test.yaml": {Data: []byte(src)}, "r/iocs.csv": {Data: []byte("bad.example\n")}}
	f, err := LoadFS(fsys, "r/e.test.yaml")
	if err != nil {
		t.Fatal(FormatError(err))
	}
	r, err := rules.Parse("e.yaml", []byte(rule))
	if err != nil {
		t.Fatal(err)
	}
	if res := Run(context.Background(), f, r, Options{}); !res[0].Pass {
		t.Errorf("failed:\n%s", res[0].Diff)
	}
	delete(fsys, "r/iocs.csv")
	res := Run(context.Background(), f, r, Options{})
	want := "rule failed: no local file for externaldata URL https://example.com/lists/iocs.csv?sig=1: expected a copy of it next to the test file, named iocs.csv"
	if res[0].Pass || res[0].Diff != want {
		t.Errorf("diff:\n%s\nwant:\n%s", res[0].Diff, want)
	}
}
