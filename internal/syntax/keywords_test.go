package syntax

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestKeywordsFresh checks that keywords_gen.go is what
// tools/kqlfacts/keywords.js makes of the installed Kusto package. It
// needs Node and the package (see refcheck's README), so it is skipped,
// saying why, where they are missing.
func TestKeywordsFresh(t *testing.T) {
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
	want, err := exec.Command("node", "../../tools/kqlfacts/keywords.js", "--modules", modules).Output()
	if err != nil {
		t.Fatalf("keywords.js: %v", err)
	}
	got, err := os.ReadFile("keywords_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Error("keywords_gen.go is stale: regenerate it with node tools/kqlfacts/keywords.js > internal/syntax/keywords_gen.go")
	}
}
