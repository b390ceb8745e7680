package kql_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/chdb"
	"github.com/kqlhunt/kqlhunt/internal/kqltest"
)

var updateRefused = flag.Bool("update-clickhouse", false, "rewrite docs/clickhouse-not-pushed.txt with the evals that do not translate to ClickHouse SQL")

// refusedList lists the .test evals whose query is not translated to
// ClickHouse SQL, with the reason, so that its size is reviewed.
const refusedList = "../docs/clickhouse-not-pushed.txt"

// TestScriptsClickHouse runs every testdata/*.test script on ClickHouse
// (chDB, in-process): every eval whose query translates must give the
// embedded engine's expected rows; the others must be the ones listed in
// docs/clickhouse-not-pushed.txt.
func TestScriptsClickHouse(t *testing.T) {
	db := openChDB(t)
	files, err := filepath.Glob("testdata/*.test")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata: %v", err)
	}
	var st kqltest.ClickHouseStats
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			kqltest.RunClickHouse(t, f, db, &st)
		})
	}
	t.Logf("ClickHouse: %d evals identical run whole, %d identical run in part (split; %d of them read no table), %d not run at all (listed in %s), %d expecting errors skipped",
		st.Identical, st.InPart, st.Local, len(st.Refused), filepath.Base(refusedList), st.Skipped)
	// Lines name the scripts from the repository's root.
	want := ""
	for _, line := range st.Refused {
		want += "kql/" + filepath.ToSlash(line) + "\n"
	}
	if *updateRefused {
		if err := os.WriteFile(refusedList, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(refusedList)
	if err != nil {
		t.Fatalf("%v (run go test ./kql -run TestScriptsClickHouse -update-clickhouse)", err)
	}
	if string(have) != want {
		t.Errorf("%s is stale: the evals refused changed (review the diff of go test ./kql -run TestScriptsClickHouse -update-clickhouse)", refusedList)
	}
}

// openChDB opens chDB (in-process ClickHouse) for t, closed when t ends;
// it skips t, saying how to enable it, when the ClickHouse tests are off.
func openChDB(t *testing.T) *chdb.Conn {
	t.Helper()
	lib, skip, err := chdb.ForTests()
	if err != nil {
		t.Fatal(err)
	}
	if skip != "" {
		t.Skip(skip)
	}
	db, err := chdb.Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
