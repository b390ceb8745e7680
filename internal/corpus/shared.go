package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Shared returns the path of rel inside the shared corpus, which sits at
// ../shared/corpus beside the repository in the development workspace and
// in CI, but not in a user's clone. When it is missing the test is
// skipped with a message saying so, except under CI=true, where it fails.
func Shared(tb testing.TB, rel string) string {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(root, "..", "shared", "corpus", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("shared corpus not found at %s (CI=true, so this is a failure): %v", p, err)
		}
		tb.Skipf("shared corpus not found at %s; skipping (set CI=true to fail instead): %v", p, err)
	}
	return p
}

// moduleRoot finds the folder holding go.mod, from the working directory
// up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
