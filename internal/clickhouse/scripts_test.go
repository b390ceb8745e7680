package clickhouse_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
	"github.com/kqlhunt/kqlhunt/internal/clickhouse/chtest"
	"github.com/kqlhunt/kqlhunt/internal/kqltest"
)

var update = flag.Bool("update-server", false, "rewrite docs/clickhouse-not-pushed-server.txt with the evals refused on the test server")

// serverRefused lists the .test evals not run on the test server (Debian's
// 18.16), with the reason.
const serverRefused = "../../docs/clickhouse-not-pushed-server.txt"

// TestScriptsServer runs every kql/testdata/*.test script on Debian's
// ClickHouse server (18.16): every eval whose query translates for that
// version must give the embedded engine's expected rows; the others must
// be the ones listed in docs/clickhouse-not-pushed-server.txt.
func TestScriptsServer(t *testing.T) {
	url := chtest.Server(t, "scripts")
	c, err := clickhouse.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateDatabase(); err != nil {
		t.Fatal(err)
	}
	version, err := clickhouse.Version(c)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../../kql/testdata/*.test")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	var st kqltest.ClickHouseStats
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			kqltest.RunClickHouseVersion(t, f, c, version, &st)
		})
	}
	t.Logf("ClickHouse %s: %d evals identical run whole, %d identical run in part (split; %d of them read no table), %d not run at all (listed in %s), %d expecting errors skipped",
		version, st.Identical, st.InPart, st.Local, len(st.Refused), filepath.Base(serverRefused), st.Skipped)
	want := fmt.Sprintf("# ClickHouse %s\n", version)
	for _, line := range st.Refused {
		want += strings.TrimPrefix(filepath.ToSlash(line), "../../") + "\n"
	}
	if *update {
		if err := os.WriteFile(serverRefused, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(serverRefused)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/clickhouse -run TestScriptsServer -update-server)", err)
	}
	if string(have) != want {
		t.Errorf("%s is stale: the evals refused changed (review the diff of go test ./internal/clickhouse -run TestScriptsServer -update-server)", serverRefused)
	}
}
