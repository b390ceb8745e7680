package rules

import (
	"github.com/kqlhunt/kqlhunt/internal/diag"

	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeTree writes files (slash-separated path to text) under a temporary
// folder and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadAll(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a/rule.yaml":      misindented,
		"a/hunts.md":       "# A\n```kql\nDeviceEvents\n```\n```\nprose here\n```\n",
		"b/HUNTS.md":       "# B\n```kql\nDeviceFileEvents\n```\n",
		"b/same-id.yml":    "id: R1\nname: same id as a/rule.yaml\nquery: DeviceEvents\n",
		"c/bad.yaml":       "id: x\nname: [\n",
		"c/fields.yaml":    "id: f\nname: n\nseverity: Severe\nquery: DeviceEvents\n",
		"c/q.kql":          "DeviceEvents | take 1\n",
		"c/notes.txt":      "not a rule",
		"a/rule.Test.yaml": "rule: rule.yaml\ntests: []\n", // a rule's tests, not a rule
		".hidden/x.yaml":   "id: hidden\n",
		"d/README.md":      "# Nothing to see\n",
	})
	res, err := LoadAll([]string{dir, filepath.Join(dir, "missing")})
	rel := func(p string) string {
		r, err := filepath.Rel(dir, p)
		if err != nil {
			return p
		}
		return filepath.ToSlash(r)
	}
	var diags []string
	for _, e := range res.Diags {
		if e.File != nil {
			e.File = diag.NewFile(rel(e.File.Name), nil)
		}
		diags = append(diags, e.Error())
	}
	want := []string{
		"a/hunts.md:5:1: warning: skipped code block: expected a KQL query, got \"prose here\"",
		"a/rule.yaml:5:5: warning: dataTypes is indented like the list item it belongs to; read it as part of that item",
		`b/HUNTS.md:2:1: duplicate rule id "` + derivedID("markdown:hunts.md#1") + `", already used by ` + filepath.Join(dir, "a", "hunts.md") + `:2 (the id derives from the file name; rename one of the files)`,
		`b/same-id.yml:1:1: duplicate rule id "R1", already used by ` + filepath.Join(dir, "a", "rule.yaml") + `:1`,
		"c/bad.yaml:2:7: did not find expected node content",
		`c/fields.yaml:3:1: unknown severity "Severe", expected Informational, Low, Medium or High`,
		"missing: no such file or directory",
	}
	// The missing path sorts by its full name, which starts with dir.
	if diff := cmp.Diff(want, diags); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 5 {
		t.Errorf("error = %v, want the 5 errors", err)
	}

	var loaded, rejected []string
	for _, r := range res.Rules {
		loaded = append(loaded, rel(r.File)+" "+r.Name)
	}
	for _, r := range res.Rejected {
		rejected = append(rejected, rel(r.File)+" "+r.Name)
	}
	if diff := cmp.Diff([]string{"a/hunts.md A", "a/rule.yaml misindented", "c/q.kql q"}, loaded); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"b/HUNTS.md B", "b/same-id.yml same id as a/rule.yaml", "c/fields.yaml n"}, rejected); diff != "" {
		t.Errorf("rejected (-want +got):\n%s", diff)
	}

	var files []string
	for _, f := range res.Files {
		files = append(files, strings.Join([]string{rel(f.Path), string(f.Format)}, " ")+
			" "+strings.Join([]string{strconv.Itoa(f.Rules), strconv.Itoa(f.Rejected), strconv.Itoa(f.Errors), strconv.Itoa(f.Repairs), strconv.Itoa(f.Skipped)}, "/")+
			map[bool]string{true: " refused", false: ""}[f.Refused()])
	}
	wantFiles := []string{ // rules/rejected/errors/repairs/skipped
		"a/hunts.md markdown 1/0/0/0/1",
		"a/rule.yaml yaml 1/0/0/1/0",
		"b/HUNTS.md markdown 0/1/1/0/0 refused",
		"b/same-id.yml yaml 0/1/1/0/0 refused",
		"c/bad.yaml yaml 0/0/1/0/0 refused",
		"c/fields.yaml yaml 0/1/1/0/0 refused",
		"c/q.kql kql 1/0/0/0/0",
		"d/README.md markdown 0/0/0/0/0",
	}
	if diff := cmp.Diff(wantFiles, files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	var ignored []string
	for _, p := range res.Ignored {
		ignored = append(ignored, rel(p))
	}
	if diff := cmp.Diff([]string{"a/rule.Test.yaml", "c/notes.txt"}, ignored); diff != "" {
		t.Errorf("ignored (-want +got):\n%s", diff)
	}
}

// TestLoadAllFile loads a file named explicitly, whatever its extension.
func TestLoadAllFile(t *testing.T) {
	dir := writeTree(t, map[string]string{"rule.txt": "id: x\nname: n\nquery: DeviceEvents\n"})
	res, err := LoadAll([]string{filepath.Join(dir, "rule.txt"), filepath.Join(dir, "rule.txt")})
	if err != nil || len(res.Rules) != 1 || res.Rules[0].Format != YAML || len(res.Ignored) != 0 {
		t.Errorf("LoadAll = %d rules, %v", len(res.Rules), err)
	}
}

func TestIsExclusions(t *testing.T) {
	for src, want := range map[string]bool{
		"exclusions:\n  - rule: \"*\"\n    name: x\n    kql: A == 1\n": true,
		"# tuning\nexclusions: []\n":                                   true,
		"id: x\nname: exclusions of y\nquery: T\n":                     false,
		"id: x\nexclusions: []\nquery: T\n":                            false, // a rule with a field of that name
		"- exclusions\n":                                               false,
		"exclusions: [\n":                                              false, // not YAML
	} {
		if got := IsExclusions([]byte(src)); got != want {
			t.Errorf("IsExclusions(%q) = %v, want %v", src, got, want)
		}
	}
}
