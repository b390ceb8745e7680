package kql_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/gen"
	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/kql"
)

// seedRule is the query of examples/rules/screenmeet_netconn.yaml.
const seedRule = `let Time_start = now(-5d);
let Time_end = now();
DeviceNetworkEvents
| where Timestamp between (Time_start..Time_end)
| where RemoteUrl has 'screenmeet.com'
and InitiatingProcessVersionInfoCompanyName has 'Projector Inc'
and InitiatingProcessVersionInfoProductName has 'ScreenMeet'
| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp),
Report=make_set(ReportId), Count=count() by DeviceId, DeviceName,
RemoteUrl`

// BenchmarkSeedRulePrefilter runs the seed rule over generated
// DeviceNetworkEvents JSON lines (as kqlhunt gen writes them) with
// prefilters and without; compare the two ns/op:
//
//	go test -run XXX -bench SeedRulePrefilter -benchtime 5x ./kql
func BenchmarkSeedRulePrefilter(b *testing.B) {
	const rows = 50_000
	dir := b.TempDir()
	cat := kql.Defender()
	t := cat.Table("DeviceNetworkEvents")
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	at := kql.Datetime(now.UnixNano() / 100)
	f, err := os.Create(filepath.Join(dir, "DeviceNetworkEvents.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	rw := report.NewResultWriter(w, report.JSONL)
	if err := rw.Begin(t.Columns); err != nil {
		b.Fatal(err)
	}
	if err := gen.Generate(t, gen.Options{Seed: 1, Rows: rows, Now: at}, rw.Write); err != nil {
		b.Fatal(err)
	}
	if err := rw.End(); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	info, _ := f.Stat()
	f.Close()
	counts := [2]int{-1, -1}
	for i, opts := range []kql.Options{{NoPrefilter: true}, {}} {
		name := []string{"off", "on"}[i]
		b.Run(name, func(b *testing.B) {
			q, err := kql.Compile(seedRule, cat, opts)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(info.Size())
			b.ReportAllocs()
			for b.Loop() {
				data, err := kql.OpenData(kql.DataOptions{Paths: []string{dir}}, cat)
				if err != nil {
					b.Fatal(err)
				}
				res, err := q.Run(context.Background(), data, at)
				if err != nil {
					b.Fatal(err)
				}
				counts[i] = res[0].Rows()
			}
		})
	}
	if counts[0] >= 0 && counts[1] >= 0 && counts[0] != counts[1] {
		b.Fatalf("%d rows without prefilters, %d with", counts[0], counts[1])
	}
}
