package funcs

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/functions.md from the registry")

const functionsDocPath = "../../docs/functions.md"

// TestFunctionsDocFresh regenerates docs/functions.md in memory and fails
// when the checked-in file differs; -update rewrites it.
func TestFunctionsDocFresh(t *testing.T) {
	got := FunctionsDoc()
	if *update {
		if err := os.WriteFile(functionsDocPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(functionsDocPath)
	if err != nil {
		t.Fatalf("%v; write it with: %s", err, FunctionsDocCommand)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < min(len(gl), len(wl)); i++ {
			if gl[i] != wl[i] {
				t.Errorf("docs/functions.md:%d: expected %q, got %q", i+1, gl[i], wl[i])
				break
			}
		}
		t.Fatalf("docs/functions.md is stale; rewrite it with: %s", FunctionsDocCommand)
	}
}

// TestCategories checks that every callable function and every aggregate
// is listed under a category of the reference's index of its kind, and
// links to a page of the reference.
func TestCategories(t *testing.T) {
	const refPrefix = "https://learn.microsoft.com/kusto/query/"
	for _, f := range All() {
		if f.Hidden {
			continue
		}
		if f.Category == CatNone || f.Category == CatOperator || f.Category.IsAggregate() {
			t.Errorf("%s: category %q, expected one of the scalar function index", f.Name, f.Category)
		}
		if !strings.HasPrefix(f.Ref, refPrefix) {
			t.Errorf("%s: reference %q is not under %s", f.Name, f.Ref, refPrefix)
		}
	}
	for name, a := range aggs {
		if !a.Category.IsAggregate() {
			t.Errorf("%s: category %q, expected one of the aggregation function index", name, a.Category)
		}
		if !strings.HasPrefix(a.Ref, refPrefix) {
			t.Errorf("%s: reference %q is not under %s", name, a.Ref, refPrefix)
		}
	}
	for _, f := range All() {
		if f.Hidden && f != Op.Not && f.Category != CatOperator && f.Name[0] != '$' {
			t.Errorf("%s: a hidden operator in category %q", f.Name, f.Category)
		}
	}
}
