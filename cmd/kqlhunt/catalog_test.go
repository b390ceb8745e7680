package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles writes files (path relative to a new folder: content) and
// returns the folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const appSchema = "tables:\n  MyApp_CL:\n    TimeGenerated: datetime\n    Computer: string\n    Level: int\n"

const appRule = `id: 3f1c2a4e-0000-4000-8000-000000000001
name: High level
severity: Low
query: |
  MyApp_CL
  | where Level > 3
  | project TimeGenerated, Computer, Level
`

const appRows = `{"TimeGenerated":"2026-01-01T00:00:00Z","Computer":"h1","Level":3}
{"TimeGenerated":"2026-01-01T00:01:00Z","Computer":"h2","Level":5}
`

// TestSchemaFlag checks that --schema declares a custom table for every
// command that compiles queries, and --table reads it.
func TestSchemaFlag(t *testing.T) {
	dir := writeFiles(t, map[string]string{"schema.yaml": appSchema, "app.jsonl": appRows, "rules/high.yaml": appRule})
	schema, app := filepath.Join(dir, "schema.yaml"), filepath.Join(dir, "app.jsonl")
	rules := filepath.Join(dir, "rules")
	q := "MyApp_CL | where Level > 3 | project Computer"
	for _, args := range [][]string{
		{"check", q},
		{"sql", "MyApp_CL | where Computer == 'h2'"},
		{"rules", "validate", rules},
	} {
		if code, stdout, stderr := kqlhunt(t, "", args...); code != 2 || !strings.Contains(stdout+stderr, "unknown table 'MyApp_CL'") {
			t.Errorf("%v without --schema: exit %d, want 2 and unknown table\n%s%s", args, code, stdout, stderr)
		}
		withSchema := append(append([]string{}, args...), "--schema", schema)
		if code, stdout, stderr := kqlhunt(t, "", withSchema...); code != 0 {
			t.Errorf("%v: exit %d\n%s%s", withSchema, code, stdout, stderr)
		}
	}
	code, stdout, stderr := kqlhunt(t, "", "rules", "list", "--format", "jsonl", "--schema", schema, rules)
	if code != 0 || !strings.Contains(stdout, `"tables":["MyApp_CL"]`) {
		t.Errorf("rules list: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = kqlhunt(t, "", "query", "--schema", schema, "--table", "MyApp_CL="+app, q)
	if code != 0 || !strings.Contains(stdout, "h2") || strings.Contains(stdout, "h1") {
		t.Errorf("query: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = kqlhunt(t, "", "hunt", "--schema", schema, "--rules", rules, "--table", "MyApp_CL="+app, "--format", "jsonl")
	if code != 0 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, `"h2"`) {
		t.Errorf("hunt: exit %d\n%s%s", code, stdout, stderr)
	}
	gen := filepath.Join(dir, "gen")
	code, stdout, stderr = kqlhunt(t, "", "gen", "--schema", schema, "--table", "MyApp_CL", "--rows", "5", "--out", gen)
	if code != 0 {
		t.Fatalf("gen: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = kqlhunt(t, "", "query", "--schema", schema, "--data", gen, "--format", "csv", "MyApp_CL | count")
	if code != 0 || stdout != "Count\n5\n" {
		t.Errorf("query over generated rows: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestRuleFolderSchema checks that a rule folder's kqlhunt-schema.yaml
// declares its tables and is not loaded as a rule.
func TestRuleFolderSchema(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"rules/kqlhunt-schema.yaml": appSchema,
		"rules/high.yaml":           appRule,
		"rules/high.test.yaml": `rule: high.yaml
tests:
  - name: finds the high level
    input:
      MyApp_CL:
        - {TimeGenerated: 2026-01-01T00:00:00Z, Computer: h1, Level: 3}
        - {TimeGenerated: 2026-01-01T00:00:00Z, Computer: h2, Level: 5}
    expect:
      - {Computer: h2}
`,
		"app.jsonl": appRows,
	})
	rules, app := filepath.Join(dir, "rules"), filepath.Join(dir, "app.jsonl")
	code, stdout, stderr := kqlhunt(t, "", "rules", "validate", rules)
	if code != 0 || !strings.Contains(stderr, "1 rule from 1 file") {
		t.Errorf("validate: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, path := range []string{rules, filepath.Join(rules, "high.test.yaml"), filepath.Join(rules, "high.yaml")} {
		code, stdout, stderr = kqlhunt(t, "", "test", path)
		if code != 0 || !strings.Contains(stdout, "PASS") {
			t.Errorf("test %s: exit %d\n%s%s", path, code, stdout, stderr)
		}
	}
	code, stdout, stderr = kqlhunt(t, "", "rules", "validate", filepath.Join(rules, "high.yaml"))
	if code != 0 {
		t.Errorf("validate a rule beside a schema file: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = kqlhunt(t, "", "hunt", "--rules", rules, "--table", "MyApp_CL="+app, "--format", "jsonl")
	if code != 0 || !strings.Contains(stdout, `"h2"`) {
		t.Errorf("hunt: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestSchemaErrorPositions(t *testing.T) {
	dir := writeFiles(t, map[string]string{"bad.yaml": "tables:\n  X_CL:\n    A: strin\n"})
	bad := filepath.Join(dir, "bad.yaml")
	code, _, stderr := kqlhunt(t, "", "check", "--schema", bad, "print 1")
	want := bad + ":3:8: unknown type \"strin\" for column 'A'"
	if code != 2 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "        A: strin\n           ^") {
		t.Errorf("exit %d, stderr:\n%s\nwant %s and a caret", code, stderr, want)
	}
}

// TestWatchlistFlag runs the documented watchlist query through the CLI.
func TestWatchlistFlag(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"wl/ipwatchlist.csv": "IPAddress,Location\n10.0.100.11,Home\n172.16.107.23,Work\n",
		"hosts.csv":          "Host,IPAddress\nh1,10.0.100.11\n",
	})
	q := "_GetWatchlist('ipwatchlist') | where Location == 'Home' | project SearchKey"
	for _, spec := range []string{filepath.Join(dir, "wl"), "ipwatchlist=" + filepath.Join(dir, "wl", "ipwatchlist.csv")} {
		code, stdout, stderr := kqlhunt(t, "", "query", "--watchlist", spec, "--format", "csv", q)
		if code != 0 || stdout != "SearchKey\n10.0.100.11\n" {
			t.Errorf("--watchlist %s: exit %d\n%s%s", spec, code, stdout, stderr)
		}
	}
	code, stdout, stderr := kqlhunt(t, "", "query", "--watchlist", "hvu:IPAddress="+filepath.Join(dir, "hosts.csv"), "--format", "csv", "_GetWatchlist('hvu') | project SearchKey, Host")
	if code != 0 || stdout != "SearchKey,Host\n10.0.100.11,h1\n" {
		t.Errorf("search key column: exit %d\n%s%s", code, stdout, stderr)
	}
	rule := writeFiles(t, map[string]string{"r.yaml": "id: 3f1c2a4e-0000-4000-8000-000000000002\nname: home\nseverity: Low\nquery: |\n  " + q + "\n"})
	code, stdout, stderr = kqlhunt(t, "", "hunt", "--rules", rule, "--watchlist", filepath.Join(dir, "wl"), "--format", "jsonl")
	if code != 0 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, "10.0.100.11") {
		t.Errorf("hunt: exit %d\n%s%s", code, stdout, stderr)
	}
	// Without its CSV, the watchlist is read from the Watchlist table, as
	// Sentinel's _GetWatchlist does: its columns are known once the data
	// is seen, so the query checks.
	code, stdout, _ = kqlhunt(t, "", "check", q)
	if code != 0 || stdout != "" {
		t.Errorf("check without the watchlist: exit %d, want 0\n%s", code, stdout)
	}
	code, _, stderr = kqlhunt(t, "", "query", "--watchlist", "x:Nope="+filepath.Join(dir, "hosts.csv"), "print 1")
	if code != 2 || !strings.Contains(stderr, "has no column 'Nope'") {
		t.Errorf("bad search key: exit %d\n%s", code, stderr)
	}
}

// TestWatchlistInRuleTests: `kqlhunt test --watchlist` gives the rule
// tests the watchlist's rows.
func TestWatchlistInRuleTests(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"hvu.csv":                   "Host,Owner\nh2,ann\n",
		"rules/kqlhunt-schema.yaml": appSchema,
		"rules/hvu.yaml": `id: 3f1c2a4e-0000-4000-8000-000000000003
name: high-value hosts
severity: Low
query: |
  MyApp_CL
  | where Computer in ((_GetWatchlist('hvu') | project SearchKey))
`,
		"rules/hvu.test.yaml": `rule: hvu.yaml
tests:
  - name: finds the high-value host
    input:
      MyApp_CL:
        - {TimeGenerated: 2026-01-01T00:00:00Z, Computer: h1, Level: 3}
        - {TimeGenerated: 2026-01-01T00:00:00Z, Computer: h2, Level: 5}
    expect:
      - {Computer: h2}
`,
	})
	rules := filepath.Join(dir, "rules")
	code, stdout, stderr := kqlhunt(t, "", "test", "--watchlist", "hvu="+filepath.Join(dir, "hvu.csv"), rules)
	if code != 0 || !strings.Contains(stdout, "1 passed, 0 failed") {
		t.Errorf("test --watchlist: exit %d\n%s%s", code, stdout, stderr)
	}
	// Without it, the rule reads the (empty) Watchlist table and finds
	// nothing.
	code, stdout, stderr = kqlhunt(t, "", "test", rules)
	if code != 1 || !strings.Contains(stdout, "expected 1 finding, got 0") {
		t.Errorf("test without --watchlist: exit %d, want 1, the finding missing\n%s%s", code, stdout, stderr)
	}
}

// funcSchema declares MyApp_CL and two workspace functions, one with its
// body in a file beside the schema.
const funcSchema = `tables:
  MyApp_CL:
    TimeGenerated: datetime
    Computer: string
    Level: int
functions:
  IsWorkingTime:
    params: "date_time:datetime = datetime(null)"
    body: |
      let t = iff(isnull(date_time), now(), date_time);
      hourofday(t) between (8 .. 17)
  HighLevel:
    params: "T:(*), min_level:int = 3"
    file: funcs/high.kql
`

const highBody = "// The rows above a level.\nT\n| where Level > min_level\n"

// TestSchemaFunctions checks that functions a schema file declares are
// known to the commands that compile queries, from --schema and from a
// rule folder's schema file, and that an error in a body is shown in the
// body's file.
func TestSchemaFunctions(t *testing.T) {
	rows := `{"TimeGenerated":"2026-01-01T07:00:00Z","Computer":"h1","Level":5}
{"TimeGenerated":"2026-01-01T09:00:00Z","Computer":"h2","Level":5}
{"TimeGenerated":"2026-01-01T10:00:00Z","Computer":"h3","Level":1}
`
	rule := strings.Replace(appRule, "  | where Level > 3\n", "  | invoke HighLevel()\n  | where IsWorkingTime(TimeGenerated)\n", 1)
	dir := writeFiles(t, map[string]string{
		"schema.yaml": funcSchema, "funcs/high.kql": highBody, "app.jsonl": rows,
		"rules/high.yaml": rule, "rules/kqlhunt-schema.yaml": funcSchema, "rules/funcs/high.kql": highBody,
		"bad.yaml": strings.Replace(funcSchema, "funcs/high.kql", "funcs/bad.kql", 1), "funcs/bad.kql": "T\n| where Levl > min_level\n",
	})
	schema, app, rules := filepath.Join(dir, "schema.yaml"), filepath.Join(dir, "app.jsonl"), filepath.Join(dir, "rules")

	if code, stdout, stderr := kqlhunt(t, "", "check", "print IsWorkingTime()"); code != 2 || !strings.Contains(stdout+stderr, "unknown function 'IsWorkingTime'") {
		t.Errorf("check without --schema: exit %d, want 2 and unknown function\n%s%s", code, stdout, stderr)
	}
	for _, q := range []string{"print IsWorkingTime()", "print IsWorkingTime(datetime(2026-01-01 09:00))", "MyApp_CL | invoke HighLevel(4)", "HighLevel(MyApp_CL)"} {
		if code, stdout, stderr := kqlhunt(t, "", "check", "--schema", schema, q); code != 0 {
			t.Errorf("check --schema %q: exit %d\n%s%s", q, code, stdout, stderr)
		}
	}
	code, stdout, stderr := kqlhunt(t, "", "query", "--schema", schema, "--table", "MyApp_CL="+app, "--format", "csv",
		"MyApp_CL | invoke HighLevel() | where IsWorkingTime(TimeGenerated) | project Computer")
	if code != 0 || stdout != "Computer\nh2\n" {
		t.Errorf("query: exit %d\n%s%s", code, stdout, stderr)
	}
	// A rule folder's schema file declares the functions its rules call.
	code, stdout, stderr = kqlhunt(t, "", "hunt", "--rules", rules, "--table", "MyApp_CL="+app, "--format", "jsonl")
	if code != 0 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, `"h2"`) {
		t.Errorf("hunt: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := kqlhunt(t, "", "rules", "validate", rules); code != 0 {
		t.Errorf("rules validate: exit %d\n%s%s", code, stdout, stderr)
	}
	// An error in a body: in the body's file, and at the call.
	code, stdout, stderr = kqlhunt(t, "", "check", "--schema", filepath.Join(dir, "bad.yaml"), "MyApp_CL | invoke HighLevel()")
	for _, want := range []string{filepath.Join(dir, "funcs", "bad.kql") + ":2:9: in function 'HighLevel': unknown column 'Levl'", "1:19: function 'HighLevel' (declared in"} {
		if code != 2 || !strings.Contains(stdout+stderr, want) {
			t.Errorf("check with a bad body: exit %d, want 2 and %q\n%s%s", code, want, stdout, stderr)
		}
	}
}
