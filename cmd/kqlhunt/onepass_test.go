package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// TestHuntReadsEachFileOnce runs many rules over the example telemetry in
// one pass and checks that every file was opened once, however many rules
// read its table.
func TestHuntReadsEachFileOnce(t *testing.T) {
	cat := kql.Defender()
	d, err := kql.OpenData(kql.DataOptions{Paths: []string{"../../examples/telemetry"}}, cat)
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
	outcomes := kql.RunMany(context.Background(), queries, d, 0, func(int, int, []kql.Column, *kql.Batch) error { return nil })
	for i, o := range outcomes {
		if o.Err != nil {
			t.Fatalf("query %d: %v", i, o.Err)
		}
		if o.Rows == 0 {
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

// TestNotEvaluated checks that a rule whose tables have no data, whether
// its query reads them or its requiredDataConnectors name them, is
// reported as not evaluated rather than as having no findings.
func TestNotEvaluated(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("proc.yaml", `id: 11111111-1111-1111-1111-111111111111
name: Process rule
query: |
  DeviceProcessEvents | take 1
`)
	write("connector.yaml", `id: 22222222-2222-2222-2222-222222222222
name: Network rule that needs registry data too
requiredDataConnectors:
  - connectorId: MicrosoftThreatProtection
    dataTypes:
      - DeviceNetworkEvents
      - DeviceRegistryEvents
query: |
  DeviceNetworkEvents | take 1
`)
	write("net.yaml", `id: 33333333-3333-3333-3333-333333333333
name: Network rule
query: |
  DeviceNetworkEvents | take 1
`)
	code, out, errs := kqlhunt(t, "", "hunt", "--rules", dir, "--data", "../../examples/telemetry", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"not evaluated: Process rule (11111111-1111-1111-1111-111111111111): no DeviceProcessEvents data",
		"not evaluated: Network rule that needs registry data too (22222222-2222-2222-2222-222222222222): no DeviceRegistryEvents data",
		"2 not evaluated",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, "33333333-3333-3333-3333-333333333333") {
		t.Errorf("findings:\n%s", out)
	}
}
