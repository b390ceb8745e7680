package kql_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/source"
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
	d, err := source.Open([]string{dir}, nil, source.Options{Known: schema.Defender().Names(), Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	return datasetTables{d}
}

type datasetTables struct{ d *source.Dataset }

func (s datasetTables) Scan(t *schema.Table, cols []int) (exec.Operator, error) {
	return s.d.Scan(t, cols)
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
		{Name: "patch jobs", Where: map[string]string{"DeviceNetworkEvents": `InitiatingProcessParentFileName =~ "schtasks.exe"`}},
		// Rows without a port: null < 100 and not(null >= 100) are null,
		// not true, so they stay.
		{Name: "low port", Where: map[string]string{"DeviceNetworkEvents": `RemotePort < 100`}},
		{Name: "not high port", Where: map[string]string{"DeviceNetworkEvents": `not(RemotePort >= 100)`}},
		{Name: "other table", Where: map[string]string{"DeviceProcessEvents": `true`}},
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
	rows, counts := runExcluded(t, query, []kql.Exclusion{{Name: "not 443", Where: map[string]string{"DeviceNetworkEvents": `RemotePort != 443`}}}, false)
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
	ex := []kql.Exclusion{{Name: "b", Where: map[string]string{"DeviceNetworkEvents": `DeviceName == "b"`}}}
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

// TestExclusionErrors checks the errors of exclusions that do not check.
func TestExclusionErrors(t *testing.T) {
	cat := schema.Defender()
	tests := []struct {
		ex   []kql.Exclusion
		want string
	}{
		{[]kql.Exclusion{{Name: "x", Where: map[string]string{"DeviceNetworkEvents": `Nope == 1`}}},
			"exclusion \"x\" on DeviceNetworkEvents:1:1: unknown column 'Nope'"},
		{[]kql.Exclusion{{Name: "x", Where: map[string]string{"DeviceNetworkEvents": `RemotePort`}}},
			"exclusion \"x\" on DeviceNetworkEvents:1:1: the predicate of an exclusion must be bool, got int"},
		{[]kql.Exclusion{{Name: "x", Where: map[string]string{"DeviceNetworkEvents": `RemotePort ==`}}},
			"exclusion \"x\" on DeviceNetworkEvents:1:"},
		{[]kql.Exclusion{{Name: "x", Where: map[string]string{"NoTable": `true`}}},
			"exclusion \"x\": unknown table 'NoTable'"},
		{[]kql.Exclusion{{Name: "x", Where: map[string]string{}}, {Name: "x"}},
			"two exclusions are named \"x\""},
	}
	for _, tt := range tests {
		_, err := kql.Compile(`DeviceNetworkEvents | count`, cat, kql.Options{Exclusions: tt.ex})
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("got %v, want %q", err, tt.want)
		}
	}
	var ke *kql.Error
	_, err := kql.Compile(`DeviceNetworkEvents | count`, cat, kql.Options{Exclusions: tests[0].ex})
	if !errors.As(err, &ke) {
		t.Errorf("error %T is not a *kql.Error", err)
	}
}

// TestExclusionCursor checks the counts of a streamed run.
func TestExclusionCursor(t *testing.T) {
	ex := []kql.Exclusion{{Name: "b", Where: map[string]string{"DeviceNetworkEvents": `DeviceName == "b"`}}}
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
