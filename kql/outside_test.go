package kql_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsableFromAnotherModule runs the package example (example_test.go,
// the seed rule run through kql) in a module of its own that requires
// kqlhunt: Go refuses a use of an internal package from another module,
// so this fails if kql's API needs one, and the example's output is
// checked there as here.
func TestUsableFromAnotherModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module: skipped with -short")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	gomod := "module example.com/outside\n\ngo 1.26\n\nrequire github.com/kqlhunt/kqlhunt v0.0.0\n\nreplace github.com/kqlhunt/kqlhunt => " + root + "\n"
	files := map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "example_test.go": src,
		"doc.go": []byte("// Package kql is a module outside kqlhunt that uses its kql package.\npackage kql\n")}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-mod=mod", "-count=1", "-run", "^Example$", "-v", ".")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in a module of its own: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: Example") {
		t.Errorf("the example did not run:\n%s", out)
	}
}
