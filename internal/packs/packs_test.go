package packs

import (
	"context"
	"errors"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/kqltest"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/ruletest"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

func TestNames(t *testing.T) {
	if got := Names(); !slices.Equal(got, []string{"rmm"}) {
		t.Fatalf("Names() = %q, want [rmm]", got)
	}
}

func TestUnknownPack(t *testing.T) {
	_, err := Load("nope")
	if err == nil || err.Error() != `unknown pack "nope", expected one of: rmm` {
		t.Errorf("Load(nope) error = %v", err)
	}
	if _, err := Tests("nope"); err == nil {
		t.Error("Tests(nope) gave no error")
	}
}

// rmmRules loads the rmm pack or stops the test.
func rmmRules(t *testing.T) []*rules.Rule {
	t.Helper()
	rs, err := Load("rmm")
	if err != nil {
		t.Fatalf("Load(rmm): %s", rules.FormatError(err))
	}
	return rs
}

var (
	uuidV5   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	ruleName = regexp.MustCompile(`^RMM tool - (.+) - (Network connection|Process|File signature)$`)
)

// TestRMMRules checks every rule of the pack: it compiles against the
// Defender schema, carries the metadata the pack promises, and the pack
// covers the tools and kinds it should.
func TestRMMRules(t *testing.T) {
	rs := rmmRules(t)
	cat := schema.Defender()
	tools := map[string]bool{}
	kinds := map[string]int{}
	tables := map[string]string{"Network connection": "DeviceNetworkEvents", "Process": "DeviceProcessEvents", "File signature": "DeviceFileCertificateInfo"}
	entity := map[string]string{"Network connection": "URL", "Process": "File", "File signature": "FileHash"}
	names := map[string]string{}
	for _, r := range rs {
		if !strings.HasPrefix(r.File, "pack:rmm/rmm_") {
			t.Errorf("rule file %q, want pack:rmm/rmm_...", r.File)
		}
		if _, err := kql.Compile(r.Query, cat, kql.Options{Name: r.File, Pos: r.QueryPosition}); err != nil {
			t.Errorf("%s does not compile:\n%v", r.File, err)
		}
		if !uuidV5.MatchString(r.ID) {
			t.Errorf("%s: id %q is not a version 5 UUID", r.File, r.ID)
		}
		m := ruleName.FindStringSubmatch(r.Name)
		if m == nil {
			t.Errorf("%s: name %q, want \"RMM tool - <Tool> - <kind>\"", r.File, r.Name)
			continue
		}
		if other, dup := names[r.Name]; dup {
			t.Errorf("%s and %s have the same name %q", other, r.File, r.Name)
		}
		names[r.Name] = r.File
		tools[m[1]] = true
		kinds[m[2]]++
		if r.Severity != "Medium" || !slices.Equal(r.Tactics, []string{"CommandAndControl"}) || !slices.Equal(r.RelevantTechniques, []string{"T1219"}) {
			t.Errorf("%s: severity %q, tactics %q, techniques %q; want Medium, CommandAndControl, T1219", r.File, r.Severity, r.Tactics, r.RelevantTechniques)
		}
		if len(r.RequiredDataConnectors) != 1 || !slices.Equal(r.RequiredDataConnectors[0].DataTypes, []string{tables[m[2]]}) {
			t.Errorf("%s: requiredDataConnectors %+v, want %s", r.File, r.RequiredDataConnectors, tables[m[2]])
		}
		if !strings.HasPrefix(r.Query, tables[m[2]]+"\n") {
			t.Errorf("%s: the query does not read %s", r.File, tables[m[2]])
		}
		var ents []string
		for _, e := range r.EntityMappings {
			ents = append(ents, e.EntityType)
		}
		if !slices.Equal(ents, []string{"Host", entity[m[2]]}) {
			t.Errorf("%s: entity mappings %q, want Host and %s", r.File, ents, entity[m[2]])
		}
		srcs, _ := r.Extra["sources"].([]any)
		if len(srcs) == 0 {
			t.Errorf("%s: no sources", r.File)
		}
		for _, s := range srcs {
			m, _ := s.(map[string]any)
			if c := m["catalog"]; c != "LOLRMM" && c != "jischell" || m["file"] == nil || m["fact"] == nil {
				t.Errorf("%s: source %v, want catalog (LOLRMM or jischell), file and fact", r.File, s)
			}
		}
		if !strings.Contains(string(r.Source()), "LICENSE-") {
			t.Errorf("%s: no attribution comment naming the catalogs' licenses", r.File)
		}
	}
	if len(tools) < 250 {
		t.Errorf("the pack covers %d tools, want at least 250", len(tools))
	}
	for kind := range tables {
		if kinds[kind] == 0 {
			t.Errorf("no %s rules", kind)
		}
	}
	t.Logf("%d rules for %d tools: %v", len(rs), len(tools), kinds)
}

// TestRMMFiles checks the pack's files: every rule has a test and every
// test a rule, and the licenses and reports are there.
func TestRMMFiles(t *testing.T) {
	fsys, err := Tests("rmm")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Name()] = true
	}
	for _, f := range []string{"LICENSE-jischell", "LICENSE-LOLRMM", "SKIPPED.md", "README.md"} {
		if !have[f] {
			t.Errorf("the pack has no %s", f)
		}
	}
	for name := range have {
		switch {
		case ruletest.IsTestFile(name):
			if rule := strings.TrimSuffix(name, ".test.yaml") + ".yaml"; !have[rule] {
				t.Errorf("%s tests %s, which the pack does not have", name, rule)
			}
		case IsRuleFile(name):
			if test := strings.TrimSuffix(name, ".yaml") + ".test.yaml"; !have[test] {
				t.Errorf("rule %s has no test %s", name, test)
			}
		}
	}
}

// TestRMMRuleTests runs every rule test of the pack with the test runner
// `kqlhunt test --pack rmm` uses.
func TestRMMRuleTests(t *testing.T) {
	rs := rmmRules(t)
	fsys, err := Tests("rmm")
	if err != nil {
		t.Fatal(err)
	}
	names, err := ruletest.FindFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(rs) {
		t.Errorf("%d test files for %d rules", len(names), len(rs))
	}
	failed := 0
	for _, name := range names {
		f, err := ruletest.LoadFS(fsys, name)
		if err != nil {
			t.Errorf("%s", ruletest.FormatError(err))
			continue
		}
		r, err := f.FindRule(rs)
		if err != nil {
			t.Errorf("%s", ruletest.FormatError(err))
			continue
		}
		if len(f.Tests) < 2 {
			t.Errorf("%s: %d tests, want a positive and a benign one", name, len(f.Tests))
		}
		for _, res := range ruletest.Run(context.Background(), f, r, ruletest.Options{}) {
			if res.Pass {
				continue
			}
			if failed++; failed <= 20 {
				t.Errorf("%s:%d: %s: FAIL\n%s", res.File, res.Line, res.Name, res.Diff)
			}
		}
	}
	if failed > 20 {
		t.Errorf("(and %d more failures)", failed-20)
	}
}

// TestRMMBenign runs every rule of the pack over testdata/benign, a
// day's worth of ordinary traffic, processes and signed files on Windows,
// Linux and macOS hosts (Microsoft, Google, CDN, cloud, SaaS and vendor
// sites of the tools' makers that are not the tools), and expects no
// finding at all.
func TestRMMBenign(t *testing.T) {
	d, err := kql.OpenData(kql.DataOptions{Paths: []string{"testdata/benign"}, Strict: true}, kql.Defender())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"DeviceFileCertificateInfo", "DeviceNetworkEvents", "DeviceProcessEvents"}
	if got := d.Tables(); !slices.Equal(got, want) {
		t.Fatalf("benign tables %q, want %q", got, want)
	}
	cat := schema.Defender()
	var hits []string
	for _, r := range rmmRules(t) {
		q, err := kql.Compile(r.Query, cat, kql.Options{Name: r.File, Pos: r.QueryPosition})
		if err != nil {
			t.Errorf("%s: %v", r.File, err)
			continue
		}
		results, err := q.Run(context.Background(), d, 0)
		if err != nil {
			var de *kql.DataError
			if errors.As(err, &de) {
				t.Fatal(err)
			}
			t.Errorf("%s: %v", r.File, err)
			continue
		}
		for _, res := range results {
			if n := res.Rows(); n > 0 {
				hits = append(hits, r.File+": "+firstRow(res))
			}
		}
	}
	sort.Strings(hits)
	for _, h := range hits {
		t.Errorf("finding on benign data: %s", h)
	}
	if st := d.Stats(); st.Rows == 0 {
		t.Error("read no benign rows")
	}
}

// firstRow renders the header and first row of res for a message.
func firstRow(res *kql.Result) string {
	lines := kqltest.Render(res, true)
	if len(lines) > 2 {
		lines = lines[:2]
	}
	return strings.Join(lines, "\n")
}
