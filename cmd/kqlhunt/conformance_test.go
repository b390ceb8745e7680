package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixtureCorpus = "../../internal/conformance/testdata/corpus"

func TestConformanceText(t *testing.T) {
	code, stdout, stderr := kqlhunt(t, "", "conformance", fixtureCorpus)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"corpus " + fixtureCorpus + ": 9 queries\n",
		"execution: 100 generated rows per table, seed 1, now 2026-01-01T00:00:00Z, timeout 10s per query\n",
		"parser    8/9 (88.89%) agree with Microsoft's parser\n",
		"checker   4/6 (66.67%) agree with Microsoft's analyzer\n",
		"execution 3/4 (75.00%) run to completion on generated rows, 3 returning rows\n",
		"  queries/parser_disagree.kql: reference error (Expected: ;), kqlhunt ok\n",
		"  queries/checker_disagree_ok.kql: reference ok, kqlhunt fail: 3:29: unknown column 'LocalPort'",
		"  queries/checker_disagree_ok.kql: compile error: 3:29: unknown column 'LocalPort'",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestConformanceJSON(t *testing.T) {
	code, stdout, stderr := kqlhunt(t, "", "conformance", "--mode", "execution", "--format", "json",
		"--seed", "3", "--rows", "20", "--now", "2025-03-05T00:00:00Z", "--timeout", "5s", fixtureCorpus)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var rep struct {
		Now     string
		Seed    uint64
		Rows    int
		Timeout string
		Results []struct {
			Mode          string
			Total, Agreed int
			Disagreements []struct{ File, Kqlhunt, Message string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if rep.Now != "2025-03-05T00:00:00Z" || rep.Seed != 3 || rep.Rows != 20 || rep.Timeout != "5s" {
		t.Errorf("settings %+v, want the flags'", rep)
	}
	if len(rep.Results) != 1 || rep.Results[0].Mode != "execution" || rep.Results[0].Agreed != 3 || rep.Results[0].Total != 4 {
		t.Fatalf("results %+v, want execution 3/4", rep.Results)
	}
	d := rep.Results[0].Disagreements
	if len(d) != 1 || d[0].File != "queries/checker_disagree_ok.kql" || d[0].Kqlhunt != "compile error" {
		t.Errorf("disagreements %+v", d)
	}
}

func TestConformanceExceptionsAndMin(t *testing.T) {
	dir := t.TempDir()
	ex := filepath.Join(dir, "checker.txt")
	if err := os.WriteFile(ex, []byte("queries/checker_disagree_ok.kql\tLocalPort is missing from the fixture schema\nqueries/join.kql\tstale\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := kqlhunt(t, "", "conformance", "--mode", "checker", "--exceptions", ex, "--min", "60", fixtureCorpus)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"checker: 2 disagreements (1 listed as exceptions)",
		"kqlhunt fail: 3:29: unknown column 'LocalPort' [listed: LocalPort is missing from the fixture schema]",
		"  queries/join.kql: listed as an exception but agrees with the reference now",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// MODE=FILE applies to one mode of several; --min fails under it.
	code, _, stderr = kqlhunt(t, "", "conformance", "--exceptions", "checker="+ex, "--min", "80", fixtureCorpus)
	if code != exitFindings || !strings.Contains(stderr, "below --min 80%: checker 66.67%, execution 75.00%") {
		t.Errorf("--min 80: exit %d, stderr %q", code, stderr)
	}
}

func TestConformanceErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	good := filepath.Join(dir, "good.txt")
	for p, text := range map[string]string{bad: "no tab here\n", good: "queries/join.kql\treason\n"} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"conformance"}, "accepts 1 arg(s), received 0"},
		{[]string{"conformance", filepath.Join(dir, "none")}, "manifest.csv: no such file"},
		{[]string{"conformance", "--mode", "speed", fixtureCorpus}, `--mode: unknown mode "speed"`},
		{[]string{"conformance", "--format", "xml", fixtureCorpus}, `--format: unknown format "xml"`},
		{[]string{"conformance", "--now", "soon", fixtureCorpus}, "--now: invalid time"},
		{[]string{"conformance", "--timeout", "0s", fixtureCorpus}, "--timeout: expected a positive duration"},
		{[]string{"conformance", "--exceptions", bad, fixtureCorpus}, "name the mode as MODE=FILE"},
		{[]string{"conformance", "--mode", "checker", "--exceptions", bad, fixtureCorpus}, "bad.txt:1: expected FILE<TAB>REASON"},
		{[]string{"conformance", "--exceptions", "checker=" + good, "--exceptions", "checker=" + good, fixtureCorpus}, "the checker mode has exceptions already"},
		{[]string{"conformance", "--exceptions", "execution=" + filepath.Join(dir, "none.txt"), fixtureCorpus}, "none.txt: no such file"},
		{[]string{"conformance", "--rows", "0", fixtureCorpus}, "--rows and --seed: expected positive numbers"},
	} {
		code, _, stderr := kqlhunt(t, "", c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", c.args, code, stderr, c.want)
		}
	}
}
