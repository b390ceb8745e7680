package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kqlhunt/kqlhunt/internal/rules"
)

func TestTestSeed(t *testing.T) {
	code, out, errs := kqlhunt(t, "", "test", "../../examples/rules")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	const file = "../../examples/rules/screenmeet_netconn.test.yaml"
	want := strings.Join([]string{
		"PASS finds the ScreenMeet agent reaching screenmeet.com (" + file + ":11)",
		"PASS groups repeated connections per device and URL (" + file + ":28)",
		"PASS ignores a browser opening screenmeet.com (wrong company) (" + file + ":39)",
		"PASS ignores notscreenmeet.com (has matches whole terms) (" + file + ":48)",
		"PASS ignores the DNS inspection of api.screenmeet.com (no URL, no process) (" + file + ":57)",
		"PASS ignores connections older than five days (" + file + ":66)",
		"PASS finds rows 101 and 102 in the Storage blob of the fixtures (" + file + ":74)",
		"PASS finds ws-0210 and not getscreenmeet.com in a morning of traffic (" + file + ":82)",
		"8 passed, 0 failed",
	}, "\n") + "\n"
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if errs != "" {
		t.Errorf("stderr: %s", errs)
	}
	// The rule file names its tests.
	code, out, _ = kqlhunt(t, "", "test", "../../examples/rules/screenmeet_netconn.yaml", "--run", "wrong company")
	if code != exitOK || !strings.HasSuffix(out, "\n1 passed, 0 failed\n") {
		t.Errorf("rule path with --run: exit %d, stdout:\n%s", code, out)
	}
}

// brokenCopy writes the seed rule with old replaced by new, and its tests,
// to a temporary folder, and returns the folder.
func brokenCopy(t *testing.T, old, new string) string {
	t.Helper()
	dir := t.TempDir()
	rule, err := os.ReadFile("../../examples/rules/screenmeet_netconn.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile("../../examples/rules/screenmeet_netconn.test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs("../../examples/telemetry")
	if err != nil {
		t.Fatal(err)
	}
	tests = bytes.ReplaceAll(tests, []byte("../telemetry"), []byte(filepath.ToSlash(abs)))
	for name, data := range map[string][]byte{
		"screenmeet_netconn.yaml":      bytes.Replace(rule, []byte(old), []byte(new), 1),
		"screenmeet_netconn.test.yaml": tests,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestTestBrokenRule(t *testing.T) {
	dir := brokenCopy(t, "RemoteUrl has 'screenmeet.com'", "RemoteUrl contains 'screenmeet.com'")
	code, out, _ := kqlhunt(t, "", "test", dir, "--run", "notscreenmeet")
	file := filepath.Join(dir, "screenmeet_netconn.test.yaml")
	want := "FAIL ignores notscreenmeet.com (has matches whole terms) (" + file + ":48)\n" +
		"    expected no findings, got 1\n" +
		`    + unexpected: {DeviceId: "2b1c0f7e9a4d4c3e8f6a5b4c3d2e1f0a9b8c7d6e", DeviceName: "ws-0142.contoso.local", RemoteUrl: "notscreenmeet.com", FirstSeen: "2025-03-04T09:20:00.0000000Z", LastSeen: "2025-03-04T09:20:00.0000000Z", Report: [104], Count: 1}` + "\n" +
		"0 passed, 1 failed\n"
	if code != exitTestsFailed || out != want {
		t.Errorf("exit %d, stdout:\n%s\nwant exit 1 and:\n%s", code, out, want)
	}
	code, out, _ = kqlhunt(t, "", "test", dir)
	if code != exitTestsFailed || !strings.HasSuffix(out, "\n5 passed, 3 failed\n") {
		t.Errorf("exit %d, stdout:\n%s", code, out)
	}

	dir = brokenCopy(t, "| where RemoteUrl has", "| where RemoteUrll has")
	code, out, _ = kqlhunt(t, "", "test", dir, "--run", "wrong company")
	rule := filepath.Join(dir, "screenmeet_netconn.yaml")
	file = filepath.Join(dir, "screenmeet_netconn.test.yaml")
	want = "FAIL ignores a browser opening screenmeet.com (wrong company) (" + file + ":39)\n" +
		"    rule does not compile:\n" +
		"        " + rule + ":43:11: unknown column 'RemoteUrll'; did you mean 'RemoteUrl'?\n" +
		"            | where RemoteUrll has 'screenmeet.com'\n" +
		"                    ^\n" +
		"0 passed, 1 failed\n"
	if code != exitTestsFailed || out != want {
		t.Errorf("exit %d, stdout:\n%s\nwant exit 1 and:\n%s", code, out, want)
	}
}

func TestTestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.test.yaml")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(bad, "rule: gone.yaml\ntests:\n  - name: t\n    expect: none\n    inptu: {}\n")
	code, out, errs := kqlhunt(t, "", "test", bad)
	wantErr := bad + `:5:5: unknown key "inptu", expected name, now, input or expect` + "\n" +
		"        inptu: {}\n" +
		"        ^\n"
	if code != exitUsage || out != "0 passed, 0 failed, 1 file did not load\n" || errs != wantErr {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s\nwant stderr:\n%s", code, out, errs, wantErr)
	}

	write(bad, "rule: gone.yaml\ntests:\n  - name: t\n    expect: none\n")
	code, _, errs = kqlhunt(t, "", "test", bad)
	if code != exitUsage || !strings.HasPrefix(errs, bad+":1:7: cannot read rule "+filepath.Join(dir, "gone.yaml")+": no such file\n") {
		t.Errorf("missing rule: exit %d, stderr:\n%s", code, errs)
	}

	// A rule file that does not decode fails its tests: the rule is wrong.
	write(filepath.Join(dir, "gone.yaml"), "id: x\nname: y\n")
	code, out, _ = kqlhunt(t, "", "test", bad)
	if code != exitTestsFailed || !strings.Contains(out, "    rule does not load:\n        "+filepath.Join(dir, "gone.yaml")+`:1:1: missing required key "query"`) {
		t.Errorf("bad rule: exit %d, stdout:\n%s", code, out)
	}
}

func TestTestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"test"}, "kqlhunt: no tests: give a test file, rule or folder, or --pack NAME\n"},
		{[]string{"test", "../../examples/rules", "--format", "csv"}, "kqlhunt: --format: unknown format \"csv\", expected text, jsonl or junit\n"},
		{[]string{"test", "../../examples/rules", "--run", "("}, "kqlhunt: --run: error parsing regexp: missing closing ): `(`\n"},
		{[]string{"test", "../../examples/rules", "--run", "^nothing$"}, "kqlhunt: no test matches --run \"^nothing$\"\n"},
		{[]string{"test", "../../examples/telemetry"}, "kqlhunt: ../../examples/telemetry: no test files (*.test.yaml) in this folder\n"},
		{[]string{"test", "--pack", "nope"}, "kqlhunt: --pack: unknown pack \"nope\", expected one of rmm\n"},
	} {
		code, _, errs := kqlhunt(t, "", tc.args...)
		if code != exitUsage || errs != tc.err {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errs, tc.err)
		}
	}
}

func TestTestJSONL(t *testing.T) {
	dir := brokenCopy(t, "RemoteUrl has 'screenmeet.com'", "RemoteUrl contains 'screenmeet.com'")
	code, out, errs := kqlhunt(t, "", "test", dir, "--format", "jsonl", "-v", "--run", "^(ignores|finds the)")
	if code != exitTestsFailed || errs != "4 passed, 1 failed\n" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("got %d lines:\n%s", len(lines), out)
	}
	type result struct {
		File     string
		Line     int
		Name     string
		Rule     string
		Pass     bool
		Expected int
		Got      int
		Diff     string
		Findings []map[string]any
	}
	var rs []result
	for _, l := range lines {
		var r result
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		rs = append(rs, r)
	}
	first := rs[0]
	if !first.Pass || first.Line != 11 || first.Expected != 2 || first.Got != 2 || len(first.Findings) != 2 ||
		first.Findings[0]["RemoteUrl"] != "api.screenmeet.com" || first.Rule != filepath.Join(dir, "screenmeet_netconn.yaml") {
		t.Errorf("first result: %+v", first)
	}
	failed := rs[2]
	if failed.Pass || failed.Got != 1 || !strings.HasPrefix(failed.Diff, "expected no findings, got 1\n+ unexpected: {") {
		t.Errorf("failed result: %+v", failed)
	}
}

func TestTestVerbose(t *testing.T) {
	code, out, _ := kqlhunt(t, "", "test", "../../examples/rules", "-v", "--run", "groups|wrong company")
	want := `    findings:
      - {DeviceId: "d-0210", DeviceName: "ws-0210.contoso.local", RemoteUrl: "api.screenmeet.com", FirstSeen: "2025-03-04T10:14:05.1234567Z", LastSeen: "2025-03-04T10:14:09.0000000Z", Report: [2015,2016], Count: 2}
PASS ignores a browser opening screenmeet.com (wrong company) (../../examples/rules/screenmeet_netconn.test.yaml:39)
    findings: none
2 passed, 0 failed
`
	if code != exitOK || !strings.HasSuffix(out, want) {
		t.Errorf("exit %d, stdout:\n%s\nwant it to end with:\n%s", code, out, want)
	}
}

// fakePacks is a pack source for tests.
type fakePacks struct {
	rules []*rules.Rule
	tests fstest.MapFS
}

func (p fakePacks) Names() []string { return []string{"rmm"} }
func (p fakePacks) Load(name string) ([]*rules.Rule, error) {
	if name != "rmm" {
		return nil, fmt.Errorf("unknown pack %q", name)
	}
	return p.rules, nil
}
func (p fakePacks) Tests(name string) (fs.FS, error) { return p.tests, nil }

func TestTestPack(t *testing.T) {
	src, err := os.ReadFile("../../examples/rules/screenmeet_netconn.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := rules.Parse("screenmeet/screenmeet_netconn.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	test := `rule: screenmeet_netconn.yaml
now: 2025-03-05T00:00:00Z
tests:
  - name: finds
    input:
      DeviceNetworkEvents:
        file: rows.jsonl
    expect:
      - {DeviceName: wks-1, Count: 1}
  - name: wrong
    expect:
      - {DeviceName: wks-1}
`
	rows := `{"Timestamp": "2025-03-04T10:00:00Z", "DeviceName": "wks-1", "RemoteUrl": "api.screenmeet.com", "InitiatingProcessVersionInfoCompanyName": "Projector Inc", "InitiatingProcessVersionInfoProductName": "ScreenMeet"}` + "\n"
	pk := fakePacks{rules: []*rules.Rule{r}, tests: fstest.MapFS{
		"screenmeet/screenmeet_netconn.test.yaml": {Data: []byte(test)},
		"screenmeet/rows.jsonl":                   {Data: []byte(rows)},
		"other/typo.test.yaml":                    {Data: []byte("rule: screenmeet_netcon.yaml\ntests:\n  - {name: t, expect: none}\n")},
	}}
	var out, errb bytes.Buffer
	e := &env{ctx: context.Background(), stdout: &out, stderr: &errb}
	err = runTests(e, pk, nil, testFlags{pack: "rmm", outputs: outputFlags{def: "text", exts: testExts}})
	var xe *exitError
	if !errors.As(err, &xe) || xe.code != exitUsage {
		t.Errorf("got %v, want exit 2 for the test file that names no rule of the pack", err)
	}
	wantOut := `PASS finds (pack:rmm/screenmeet/screenmeet_netconn.test.yaml:4)
FAIL wrong (pack:rmm/screenmeet/screenmeet_netconn.test.yaml:10)
    expected 1 finding, got 0
    - missing (line 12): {DeviceName: "wks-1"}
1 passed, 1 failed, 1 file did not load
`
	if out.String() != wantOut {
		t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), wantOut)
	}
	wantErr := `pack:rmm/other/typo.test.yaml:1:7: no rule file "screenmeet_netcon.yaml" in the pack; did you mean 'screenmeet_netconn.yaml'?
    rule: screenmeet_netcon.yaml
          ^
`
	if errb.String() != wantErr {
		t.Errorf("stderr:\n%s\nwant:\n%s", errb.String(), wantErr)
	}

	// The same as JUnit XML, on standard output: a suite per test file, a
	// case per test, the failure with its diff, the file that did not
	// load as an error.
	out.Reset()
	errb.Reset()
	junit := outputFlags{def: "text", exts: testExts, seq: []string{"format:junit"}}
	runTests(e, pk, nil, testFlags{pack: "rmm", outputs: junit})
	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Errors   int      `xml:"errors,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Line    int    `xml:"line,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("junit: %v\n%s", err, out.String())
	}
	if doc.Tests != 3 || doc.Failures != 1 || doc.Errors != 1 || len(doc.Suites) != 2 {
		t.Errorf("junit: %d tests, %d failures, %d errors, %d suites, want 3, 1, 1, 2\n%s", doc.Tests, doc.Failures, doc.Errors, len(doc.Suites), out.String())
	} else {
		s := doc.Suites[1]
		if s.Name != "pack:rmm/screenmeet/screenmeet_netconn.test.yaml" || s.Tests != 2 || s.Cases[0].Name != "finds" || s.Cases[0].Failure != nil ||
			s.Cases[1].Failure == nil || s.Cases[1].Failure.Message != "expected 1 finding, got 0" || !strings.Contains(s.Cases[1].Failure.Text, "missing (line 12)") {
			t.Errorf("junit suite: %+v", s)
		}
		if c := doc.Suites[0].Cases[0]; doc.Suites[0].Name != "pack:rmm/other/typo.test.yaml" || c.Error == nil || !strings.Contains(c.Error.Message, "no rule file") {
			t.Errorf("junit: the file that did not load: %+v", c)
		}
	}
	if !strings.Contains(errb.String(), "1 passed, 1 failed, 1 file did not load") {
		t.Errorf("junit: the summary is not on stderr: %s", errb.String())
	}

	err = runTests(e, pk, nil, testFlags{pack: "nope", outputs: outputFlags{def: "text", exts: testExts}})
	if !errors.As(err, &xe) || xe.code != exitUsage || xe.msg != `--pack: unknown pack "nope", expected one of rmm` {
		t.Errorf("unknown pack: %v", err)
	}
}
