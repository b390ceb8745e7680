package kql_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/kqltest"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

// countingSource counts the scans of each table.
type countingSource struct {
	exec.Source
	mu    sync.Mutex
	scans map[string]int
}

func (c *countingSource) Scan(t *schema.Table, cols []int) (exec.Operator, error) {
	c.mu.Lock()
	c.scans[t.Name]++
	c.mu.Unlock()
	return c.Source.Scan(t, cols)
}

// TestRunManyOnePass runs rules of several shapes at once and checks that
// each table is scanned once and that every rule gives what it gives
// alone.
func TestRunManyOnePass(t *testing.T) {
	cat := schema.Defender()
	mem := exec.NewMemSource()
	tbl := cat.Table("DeviceNetworkEvents")
	// Many small batches, so that bounded queues fill and wait.
	var batches []*value.Batch
	b := value.NewBatch(kqltestTypes(tbl), 100)
	for i := 0; i < 3000; i++ {
		if b.N == 100 {
			batches = append(batches, b)
			b = value.NewBatch(kqltestTypes(tbl), 100)
		}
		row := make([]any, len(tbl.Columns))
		for j, col := range tbl.Columns {
			switch col.Name {
			case "DeviceName":
				row[j] = fmt.Sprintf("wks-%d", i%7)
			case "RemoteUrl":
				row[j] = fmt.Sprintf("host%d.example.com", i%13)
			case "RemotePort":
				row[j] = int64(443 + i%3)
			}
			b.Cols[j].Append(row[j])
		}
		b.N++
	}
	mem.Add(tbl, append(batches, b))
	proc := cat.Table("DeviceProcessEvents")
	mem.Add(proc, nil)
	queries := []string{
		`DeviceNetworkEvents | where RemotePort == 443 | summarize n = count() by DeviceName`,
		`DeviceNetworkEvents | take 3 | project DeviceName`,
		`DeviceNetworkEvents | summarize c = count() by RemoteUrl | join kind=inner (DeviceNetworkEvents | summarize d = dcount(DeviceName) by RemoteUrl) on RemoteUrl | project RemoteUrl, c, d`,
		`let top = toscalar(DeviceNetworkEvents | summarize max(RemotePort)); DeviceNetworkEvents | where RemotePort == top | count`,
		`DeviceProcessEvents | count`,
		`let m = materialize(DeviceNetworkEvents | summarize by DeviceName); m | join (m) on DeviceName | count`,
	}
	var compiled []*kql.Query
	for _, text := range queries {
		q, err := kql.Compile(text, cat, kql.Options{})
		if err != nil {
			t.Fatal(err)
		}
		compiled = append(compiled, q)
	}
	src := &countingSource{Source: mem, scans: map[string]int{}}
	outcomes := kql.RunMany(context.Background(), compiled, src, 0)
	if src.scans["DeviceNetworkEvents"] != 1 || src.scans["DeviceProcessEvents"] != 1 {
		t.Errorf("scans = %v, want each table once", src.scans)
	}
	for i, q := range compiled {
		if outcomes[i].Err != nil {
			t.Errorf("%s: %v", queries[i], outcomes[i].Err)
			continue
		}
		alone, err := q.Run(context.Background(), mem, 0)
		if err != nil {
			t.Fatal(err)
		}
		ordered := i == 1 // take: the first rows, in the order read
		got := kqltest.Render(outcomes[i].Results[0], ordered)
		want := kqltest.Render(alone[0], ordered)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n in one pass %v\n alone       %v", queries[i], got, want)
		}
	}
}

func kqltestTypes(t *schema.Table) []schema.Type {
	ts := make([]schema.Type, len(t.Columns))
	for i, c := range t.Columns {
		ts[i] = c.Type
	}
	return ts
}
