package kql_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/kqltest"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

// FuzzCompileRun compiles and runs queries over empty tables, failing on
// an internal error (a recovered panic) in the checker or the executor.
// It is seeded with the queries of the .test scripts (read with the
// scripts' own parser) and, when present, the shared corpus.
func FuzzCompileRun(f *testing.F) {
	scripts, _ := filepath.Glob("testdata/*.test")
	if len(scripts) == 0 {
		f.Fatal("no .test scripts")
	}
	for _, s := range scripts {
		cmds, err := kqltest.Parse(s)
		if err != nil {
			f.Fatal(err)
		}
		for _, c := range cmds {
			f.Add(c.Query)
		}
	}
	filepath.WalkDir("../../shared/corpus/queries", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".kql") {
			b, _ := os.ReadFile(p)
			f.Add(string(b))
		}
		return nil
	})
	cat := schema.Defender()
	f.Fuzz(func(t *testing.T, src string) {
		q, err := kql.Compile(src, cat, kql.Options{})
		var ce *kql.Error
		if errors.As(err, &ce) {
			if strings.Contains(ce.Error(), "internal error") {
				t.Fatalf("%s", ce.Error())
			}
			return
		}
		if err != nil {
			t.Fatalf("compile: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if _, err := q.Run(ctx, kql.NewMemTables(), 0); errors.Is(err, kql.ErrInternal) {
			t.Fatalf("run: %v", err)
		}
	})
}
