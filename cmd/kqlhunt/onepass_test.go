package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/kql"
)

// TestHuntReadsEachFileOnce runs many rules over the example telemetry in
// one pass and checks that every file was opened once, however many rules
// read its table.
func TestHuntReadsEachFileOnce(t *testing.T) {
	cat := schema.Defender()
	d, err := source.Open([]string{"../../examples/telemetry"}, nil, source.Options{Known: cat.Names()})
	if err != nil {
		t.Fatal(err)
	}
	var queries []*kql.Query
	for i := 0; i < 20; i++ {
		text := fmt.Sprintf(`DeviceNetworkEvents | where RemotePort != %d | summarize count() by DeviceName`, i)
		if i%5 == 0 {
			text = `DeviceNetworkEvents | summarize c = count() by DeviceId | join (DeviceNetworkEvents | summarize by DeviceId, DeviceName) on DeviceId`
		}
		q, err := kql.Compile(text, cat, kql.Options{})
		if err != nil {
			t.Fatal(err)
		}
		queries = append(queries, q)
	}
	outcomes := kql.RunMany(context.Background(), queries, dataset{d: d}, 0)
	for i, o := range outcomes {
		if o.Err != nil {
			t.Fatalf("query %d: %v", i, o.Err)
		}
		if o.Results[0].Rows() == 0 {
			t.Errorf("query %d found nothing", i)
		}
	}
	st := d.Stats()
	if len(st.Files) == 0 {
		t.Fatal("no files")
	}
	for _, f := range st.Files {
		if f.Passes != 1 {
			t.Errorf("%s (%s) was read %d times, want once", f.Path, f.Table, f.Passes)
		}
	}
}
