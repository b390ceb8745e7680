package lint

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// staticcheck is the pinned version of honnef.co/go/tools' staticcheck.
const staticcheck = "honnef.co/go/tools/cmd/staticcheck@v0.8.2"

// enabled skips t unless the checks were asked for: they need the module
// proxy (for staticcheck) and take a minute.
func enabled(t *testing.T) {
	t.Helper()
	if os.Getenv("CI") != "true" && os.Getenv("KQLHUNT_LINT") != "1" {
		t.Skip("code checks run in CI; set KQLHUNT_LINT=1 to run them here")
	}
}

// root returns the module's root folder.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// run runs a command in the module's root and returns its combined
// output.
func run(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = root(t)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestGofmt fails on any Go file that gofmt would change.
func TestGofmt(t *testing.T) {
	enabled(t)
	out, err := run(t, "gofmt", "-l", ".")
	if err != nil {
		t.Fatalf("gofmt: %v\n%s", err, out)
	}
	if out = strings.TrimSpace(out); out != "" {
		t.Errorf("gofmt would change these files (run gofmt -w):\n%s", out)
	}
}

// TestVet runs go vet over the module.
func TestVet(t *testing.T) {
	enabled(t)
	if out, err := run(t, "go", "vet", "./..."); err != nil {
		t.Errorf("go vet: %v\n%s", err, out)
	}
}

// TestStaticcheck runs staticcheck over the module.
func TestStaticcheck(t *testing.T) {
	enabled(t)
	if out, err := run(t, "go", "run", staticcheck, "./..."); err != nil {
		t.Errorf("staticcheck: %v\n%s", err, out)
	}
}
