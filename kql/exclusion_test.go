package kql_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

// exclusionRows are DeviceNetworkEvents rows for the exclusion tests.
const exclusionRows = `{"Timestamp":"2026-11-20T10:00:00Z","DeviceName":"a","RemoteUrl":"x.com","RemotePort":443,"InitiatingProcessFileName":"svc.exe","InitiatingProcessParentFileName":"schtasks.exe"}
{"Timestamp":"2026-11-20T10:01:00Z","DeviceName":"a","RemoteUrl":"x.com","RemotePort":443,"InitiatingProcessFileName":"svc.exe","InitiatingProcessParentFileName":"explorer.exe"}
{"Timestamp":"2026-11-20T10:02:00Z","DeviceName":"b","RemoteUrl":"x.com","RemotePort":80,"InitiatingProcessFileName":"svc.exe","InitiatingProcessParentFileName":"SCHTASKS.EXE"}
{"Timestamp":"2026-11-20T10:03:00Z","DeviceName":"b","RemoteUrl":"y.com","RemotePort":null,"InitiatingProcessFileName":"other.exe","InitiatingProcessParentFileName":"explorer.exe"}
{"Timestamp":"2026-11-20T10:04:00Z","DeviceName":"c","RemoteUrl":"y.com","InitiatingProcessFileName":"svc.exe"}
`

// exclusionData writes exclusionRows to a folder and opens it.
func exclusionData(t *testing.T) kql.Tables {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "DeviceNetworkEvents.jsonl"), []byte(exclusionRows), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := kql.OpenData(kql.DataOptions{Paths: []string{dir}, Strict: true}, kql.Defender())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// runExcluded compiles query with ex, optimized or not, runs it over the
// rows, and returns its rows as text and the counts.
func runExcluded(t *testing.T, query string, ex []kql.Exclusion, noOptimize bool) ([]string, map[string]int64) {
	t.Helper()
	q, err := kql.Compile(query, schema.Defender(), kql.Options{Exclusions: ex, NoOptimize: noOptimize})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	res, err := q.Run(context.Background(), exclusionData(t), 0)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	var rows []string
	for _, b := range res[0].Batches {
		for i := 0; i < b.N; i++ {
			cells := make([]string, len(res[0].Columns))
			for j, c := range res[0].Columns {
				cells[j] = funcs.ToString(c.Type, b.Cols[j].Get(i))
			}
			rows = append(rows, strings.Join(cells, " "))
		}
	}
	return rows, res[0].Suppressed
}

// TestExclusionsBeforeAggregation checks that excluded rows never reach
// the query: counts and sets leave them out, and the exclusion's counts
// are the rows it dropped, each exclusion counting every row it matched.
func TestExclusionsBeforeAggregation(t *testing.T) {
	ex := []kql.Exclusion{
		{Name: "patch jobs", Where: preds(t, "DeviceNetworkEvents", `InitiatingProcessParentFileName =~ "schtasks.exe"`)},
		// Rows without a port: null < 100 and not(null >= 100) are null,
		// not true, so they stay.
		{Name: "low port", Where: preds(t, "DeviceNetworkEvents", `RemotePort < 100`)},
		{Name: "not high port", Where: preds(t, "DeviceNetworkEvents", `not(RemotePort >= 100)`)},
		{Name: "other table", Where: preds(t, "DeviceProcessEvents", `true`)},
	}
	query := `DeviceNetworkEvents | summarize n = count(), devices = make_set(DeviceName) by RemoteUrl | order by RemoteUrl asc`
	for _, noOpt := range []bool{false, true} {
		rows, counts := runExcluded(t, query, ex, noOpt)
		want := []string{`x.com 1 ["a"]`, `y.com 2 ["b","c"]`}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("noOptimize=%v: rows (-want +got):\n%s", noOpt, diff)
		}
		// Row 3 (b, port 80, SCHTASKS.EXE) counts for all three.
		wantCounts := map[string]int64{"patch jobs": 2, "low port": 1, "not high port": 1}
		if diff := cmp.Diff(wantCounts, counts); diff != "" {
			t.Errorf("noOptimize=%v: counts (-want +got):\n%s", noOpt, diff)
		}
	}
	// KQL's null != 443 is true: the rows without a port go.
	rows, counts := runExcluded(t, query, []kql.Exclusion{{Name: "not 443", Where: preds(t, "DeviceNetworkEvents", `RemotePort != 443`)}}, false)
	if want := []string{`x.com 2 ["a"]`}; !cmp.Equal(rows, want) || counts["not 443"] != 3 {
		t.Errorf("!= 443: rows %q counts %v; want %q and 3", rows, counts, want)
	}
	rows, counts = runExcluded(t, `DeviceNetworkEvents | count`, nil, false)
	if !cmp.Equal(rows, []string{"5"}) || counts != nil {
		t.Errorf("without exclusions: %v %v", rows, counts)
	}
}

// TestExclusionsEveryRead checks that a table read twice is excluded, and
// counted, at both reads, and that a read of a table that projects away
// the predicate's columns still applies it.
func TestExclusionsEveryRead(t *testing.T) {
	ex := []kql.Exclusion{{Name: "b", Where: preds(t, "DeviceNetworkEvents", `DeviceName == "b"`)}}
	query := `DeviceNetworkEvents | summarize n = count() by DeviceName | join kind=inner (DeviceNetworkEvents | project DeviceName, RemoteUrl) on DeviceName | project DeviceName, n, RemoteUrl | order by DeviceName asc, RemoteUrl asc`
	rows, counts := runExcluded(t, query, ex, false)
	want := []string{"a 2 x.com", "a 2 x.com", "c 1 y.com"}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if counts["b"] != 4 {
		t.Errorf("counts = %v, want b: 4 (two rows, read twice)", counts)
	}
	rows, _ = runExcluded(t, `DeviceNetworkEvents | project RemotePort`, ex, false)
	if len(rows) != 3 {
		t.Errorf("project: %d rows, want 3", len(rows))
	}
}

// TestExclusionErrors checks the errors of predicates that do not check
// and of exclusions that cannot go together.
func TestExclusionErrors(t *testing.T) {
	cat := kql.Defender()
	dne := cat.Table("DeviceNetworkEvents")
	tests := []struct{ pred, want string }{
		{`Nope == 1`, "1:1: unknown column 'Nope'"},
		{`RemotePort`, "1:1: the predicate of an exclusion must be bool, got int"},
		{`RemotePort ==`, "1:"},
	}
	for _, tt := range tests {
		_, err := kql.CompilePredicate(tt.pred, dne)
		var ke *kql.Error
		if !errors.As(err, &ke) {
			t.Errorf("%s: error %T is not a *kql.Error", tt.pred, err)
		}
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.pred, err, tt.want)
		}
	}
	ex := []kql.Exclusion{{Name: "x", Where: preds(t, "DeviceNetworkEvents", "true")}, {Name: "x"}}
	_, err := kql.Compile(`DeviceNetworkEvents | count`, cat, kql.Options{Exclusions: ex})
	if err == nil || err.Error() != `two exclusions are named "x"` {
		t.Errorf("got %v, want two exclusions are named \"x\"", err)
	}
}

// preds compiles a predicate over table.
func preds(t *testing.T, table, text string) []*kql.Expr {
	t.Helper()
	p, err := kql.CompilePredicate(text, kql.Defender().Table(table))
	if err != nil {
		t.Fatalf("%s on %s: %v", text, table, err)
	}
	return []*kql.Expr{p}
}

// TestExclusionCursor checks the counts of a streamed run.
func TestExclusionCursor(t *testing.T) {
	ex := []kql.Exclusion{{Name: "b", Where: preds(t, "DeviceNetworkEvents", `DeviceName == "b"`)}}
	q, err := kql.Compile(`DeviceNetworkEvents`, schema.Defender(), kql.Options{Exclusions: ex})
	if err != nil {
		t.Fatal(err)
	}
	cursors, err := q.Open(context.Background(), exclusionData(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	c := cursors[0]
	defer c.Close()
	n := 0
	for {
		b, err := c.Next()
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			break
		}
		n += b.N
	}
	if n != 3 || c.Suppressed()["b"] != 2 {
		t.Errorf("%d rows, counts %v; want 3 rows and b: 2", n, c.Suppressed())
	}
}
