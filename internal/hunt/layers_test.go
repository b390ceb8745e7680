package hunt

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// engine are the packages of the engine, below package kql.
var engine = []string{"check", "plan", "exec", "syntax", "funcs", "sqlgen"}

// TestOneDoor checks that the packages above the engine (the product
// layer, rules, exclusions, tests, reports, the CLI) reach it only
// through package kql: none of their non-test files imports an engine
// package.
func TestOneDoor(t *testing.T) {
	const module = "github.com/kqlhunt/kqlhunt/internal/"
	above := []string{"../../cmd/kqlhunt", ".", "../exclude", "../rules", "../ruletest", "../report",
		"../packs", "../conformance", "../kqltest", "../gen", "../corpus",
		"../serve", "../serve/store", "../serve/sched", "../serve/alerts", "../serve/clock", "../serve/console"}
	for _, dir := range above {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no Go files (%v)", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, e := range engine {
					if path == module+e {
						t.Errorf("%s imports %s: go through package kql", f, path)
					}
				}
			}
		}
	}
}
