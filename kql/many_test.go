package kql_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/kqltest"
	"github.com/kqlhunt/kqlhunt/kql"
)

// collect runs queries with kql.RunMany and returns each one's results
// as they were emitted.
func collect(t *testing.T, queries []*kql.Query, tables kql.Tables) ([][]*kql.Result, []kql.Outcome) {
	t.Helper()
	results := make([][]*kql.Result, len(queries))
	outcomes := kql.RunMany(context.Background(), queries, tables, 0, func(q, stmt int, cols []kql.Column, b *kql.Batch) error {
		for len(results[q]) <= stmt {
			results[q] = append(results[q], &kql.Result{Columns: cols})
		}
		results[q][stmt].Batches = append(results[q][stmt].Batches, b)
		return nil
	})
	for i, q := range queries {
		if outcomes[i].Err != nil || len(results[i]) > 0 {
			continue
		}
		// A query without rows emits nothing: its empty result.
		cursors, err := q.Open(context.Background(), kql.NewMemTables(), 0)
		if err != nil {
			t.Fatal(err)
		}
		results[i] = []*kql.Result{{Columns: cursors[0].Columns}}
		for _, c := range cursors {
			c.Close()
		}
	}
	return results, outcomes
}

// TestRunManyOnePass runs rules of several shapes at once and checks that
// each table is scanned once and that every rule gives what it gives
// alone.
func TestRunManyOnePass(t *testing.T) {
	cat := kql.Defender()
	dir := t.TempDir()
	var lines strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&lines, `{"DeviceName":"wks-%d","RemoteUrl":"host%d.example.com","RemotePort":%d}`+"\n", i%7, i%13, 443+i%3)
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("DeviceNetworkEvents.jsonl", lines.String())
	write("DeviceProcessEvents.jsonl", `{"DeviceName":"wks-1"}`+"\n")
	data, err := kql.OpenData(kql.DataOptions{Paths: []string{dir}}, cat)
	if err != nil {
		t.Fatal(err)
	}
	queries := []string{
		`DeviceNetworkEvents | where RemotePort == 443 | summarize n = count() by DeviceName`,
		`DeviceNetworkEvents | take 3 | project DeviceName`,
		`DeviceNetworkEvents | summarize c = count() by RemoteUrl | join kind=inner (DeviceNetworkEvents | summarize d = dcount(DeviceName) by RemoteUrl) on RemoteUrl | project RemoteUrl, c, d`,
		`let top = toscalar(DeviceNetworkEvents | summarize max(RemotePort)); DeviceNetworkEvents | where RemotePort == top | count`,
		`DeviceProcessEvents | count`,
		`let m = materialize(DeviceNetworkEvents | summarize by DeviceName); m | join (m) on DeviceName | count`,
		`DeviceNetworkEvents | where RemotePort == 1 | project DeviceName`,
	}
	var compiled []*kql.Query
	for _, text := range queries {
		q, err := kql.Compile(text, cat, kql.Options{})
		if err != nil {
			t.Fatal(err)
		}
		compiled = append(compiled, q)
	}
	results, outcomes := collect(t, compiled, data)
	for _, f := range data.Stats().Files {
		if f.Passes != 1 {
			t.Errorf("%s was read %d times, want once", f.Path, f.Passes)
		}
	}
	for i, q := range compiled {
		if outcomes[i].Err != nil {
			t.Errorf("%s: %v", queries[i], outcomes[i].Err)
			continue
		}
		alone, err := q.Run(context.Background(), data, 0)
		if err != nil {
			t.Fatal(err)
		}
		ordered := i == 1 // take: the first rows, in the order read
		got := kqltest.Render(results[i][0], ordered)
		want := kqltest.Render(alone[0], ordered)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n in one pass %v\n alone       %v", queries[i], got, want)
		}
	}
}
