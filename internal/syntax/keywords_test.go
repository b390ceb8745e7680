package syntax

import (
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedFresh checks that keywords_gen.go and params_gen.go are
// what tools/kqlfacts makes of the installed Kusto package. It needs Node
// and the package (see refcheck's README), so it is skipped, saying why,
// where they are missing.
func TestGeneratedFresh(t *testing.T) {
	modules := os.Getenv("REFCHECK_MODULES")
	if modules == "" {
		home, _ := os.UserHomeDir()
		modules = filepath.Join(home, ".cache", "kql-refcheck")
	}
	if _, err := os.Stat(filepath.Join(modules, "node_modules", "@kusto", "language-service-next")); err != nil {
		t.Skipf("Kusto language package not installed under %s (set REFCHECK_MODULES); skipping", modules)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not found; skipping")
	}
	for file, script := range map[string]string{"keywords_gen.go": "keywords.js", "params_gen.go": "params.js"} {
		out, err := exec.Command("node", "../../tools/kqlfacts/"+script, "--modules", modules).Output()
		if err != nil {
			t.Fatalf("%s: %v", script, err)
		}
		want, err := format.Source(out)
		if err != nil {
			t.Fatalf("%s: %v", script, err)
		}
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s is stale: regenerate it with node tools/kqlfacts/%s > internal/syntax/%s (then gofmt)", file, script, file)
		}
	}
}
