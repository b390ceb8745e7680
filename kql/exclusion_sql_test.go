package kql_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/kqltest"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

// TestExclusionsOnClickHouse checks that exclusions run on ClickHouse
// (chDB) with the rule, as a filter of the table's rows, and that the
// counts of what each exclusion dropped, computed there, are the embedded
// engine's: for queries that translate whole (no rows but the candidates
// leave the server) and for queries that run split.
func TestExclusionsOnClickHouse(t *testing.T) {
	db := openChDB(t)
	cat := schema.Defender()
	table := cat.Table("DeviceNetworkEvents")
	data := exclusionData(t)
	var batches []*kql.Batch
	if err := data.(*kql.Data).ReadTable(context.Background(), table, func(b *kql.Batch) error {
		batches = append(batches, b)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := kqltest.LoadClickHouse(db, table, batches); err != nil {
		t.Fatal(err)
	}
	run := kqltest.ClickHouseRunner(db)

	sets := map[string][]kql.Exclusion{
		"several": {
			{Name: "patch jobs", Where: preds(t, "DeviceNetworkEvents", `InitiatingProcessParentFileName =~ "schtasks.exe"`)},
			// null < 100 is null, not true: the row stays.
			{Name: "low port", Where: preds(t, "DeviceNetworkEvents", `RemotePort < 100`)},
			{Name: "not high port", Where: preds(t, "DeviceNetworkEvents", `not(RemotePort >= 100)`)},
			{Name: "other table", Where: preds(t, "DeviceProcessEvents", `true`)},
		},
		// null != 443 is true in KQL: the rows without a port go.
		"not 443": {{Name: "not 443", Where: preds(t, "DeviceNetworkEvents", `RemotePort != 443`)}},
		"device":  {{Name: "b", Where: preds(t, "DeviceNetworkEvents", `DeviceName == "b"`)}},
	}
	queries := []struct {
		query string
		whole bool
	}{
		{`DeviceNetworkEvents | summarize n = count(), devices = make_set(DeviceName) by RemoteUrl | order by RemoteUrl asc`, true},
		{`DeviceNetworkEvents | where RemoteUrl has "x.com" | project Timestamp, DeviceName, RemotePort`, true},
		// A table read twice: each read excluded and counted.
		{`DeviceNetworkEvents | summarize n = count() by DeviceName | join kind=inner (DeviceNetworkEvents | project DeviceName, RemoteUrl) on DeviceName | project DeviceName, n, RemoteUrl | order by DeviceName asc, RemoteUrl asc`, false},
		// mv-expand runs in kqlhunt over the rows of the pushed-down part.
		{`DeviceNetworkEvents | where DeviceName != "z" | mv-expand x = pack_array(1, 2) | project DeviceName, x`, false},
	}
	for name, ex := range sets {
		for _, c := range queries {
			q, err := kql.Compile(c.query, cat, kql.Options{Exclusions: ex})
			if err != nil {
				t.Fatal(err)
			}
			res, err := q.Run(context.Background(), data, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := rowsText(res[0].Columns, res[0].Batches)
			var got []string
			out, split := q.RunSQL(context.Background(), kql.SQLOptions{}, run, func(_ int, cols []kql.Column, b *kql.Batch) error {
				got = append(got, rowsText(cols, []*kql.Batch{b})...)
				return nil
			})
			if out.Err != nil {
				t.Fatalf("%s, %s: %v", name, c.query, out.Err)
			}
			if (split == nil) != c.whole {
				t.Errorf("%s, %s: translated whole %v, want %v (%v)", name, c.query, split == nil, c.whole, split)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s, %s: rows on ClickHouse (-embedded +clickhouse):\n%s", name, c.query, diff)
			}
			if diff := cmp.Diff(res[0].Suppressed, out.Suppressed); diff != "" || out.SuppressedRows != res[0].SuppressedRows {
				t.Errorf("%s, %s: counts on ClickHouse %v (%d rows), embedded %v (%d rows):\n%s", name, c.query, out.Suppressed, out.SuppressedRows, res[0].Suppressed, res[0].SuppressedRows, diff)
			}
		}
	}
}

// rowsText renders rows one line each.
func rowsText(cols []kql.Column, batches []*kql.Batch) []string {
	var rows []string
	for _, b := range batches {
		for i := 0; i < b.N; i++ {
			cells := make([]string, len(cols))
			for j, c := range cols {
				cells[j] = funcs.ToString(c.Type, b.Cols[j].Get(i))
			}
			rows = append(rows, strings.Join(cells, " "))
		}
	}
	return rows
}
