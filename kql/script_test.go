package kql_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/kqltest"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expectations of the .test scripts with the engine's output (review the diff)")

// TestScripts runs every testdata/*.test script on every engine.
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.test")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			for i, e := range kqltest.Engines {
				t.Run(e.Name, func(t *testing.T) {
					if *rewrite && i == 0 {
						out := kqltest.Run(t, f, e, true)
						if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					kqltest.Run(t, f, e, false)
				})
			}
		})
	}
}
