package kql_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// seed is the seed rule's query: ScreenMeet, a remote-access tool, used
// for command and control (MITRE T1219).
const seed = `let Time_start = now(-5d);
let Time_end = now();
DeviceNetworkEvents
| where Timestamp between (Time_start..Time_end)
| where RemoteUrl has 'screenmeet.com'
  and InitiatingProcessVersionInfoCompanyName has 'Projector Inc'
  and InitiatingProcessVersionInfoProductName has 'ScreenMeet'
| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp),
  Report=make_set(ReportId), Count=count() by DeviceId, DeviceName, RemoteUrl`

// Example runs the seed rule, which hunts ScreenMeet used for command and
// control, over rows held in memory. The package's tests also build this
// file as a module of its own, which may use only kql's exported API.
func Example() {
	if err := runSeed(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// DeviceId:string DeviceName:string RemoteUrl:string FirstSeen:datetime LastSeen:datetime Report:dynamic Count:long
	// d1 ws-1 api.screenmeet.com 2025-03-04T10:14:05.0000000Z 2025-03-04T10:14:05.0000000Z [1 2] 2
}

func runSeed() error {
	cat := kql.Defender()
	tables := kql.NewMemTables()
	at := time.Date(2025, 3, 4, 10, 14, 5, 0, time.UTC)
	row := func(url, company string, report int) map[string]any {
		return map[string]any{
			"Timestamp": at, "DeviceId": "d1", "DeviceName": "ws-1", "RemoteUrl": url, "ReportId": report,
			"InitiatingProcessVersionInfoCompanyName": company,
			"InitiatingProcessVersionInfoProductName": "ScreenMeet",
		}
	}
	err := tables.AddRows(cat.Table("DeviceNetworkEvents"), []map[string]any{
		row("api.screenmeet.com", "Projector Inc", 1),
		row("api.screenmeet.com", "Projector Inc", 2),
		row("notscreenmeet.com", "Projector Inc", 3),
		row("api.screenmeet.com", "Someone Else", 4),
	})
	if err != nil {
		return err
	}
	q, err := kql.Compile(seed, cat, kql.Options{})
	if err != nil {
		return err
	}
	results, err := q.Run(context.Background(), tables, kql.DatetimeOf(at.Add(time.Hour)))
	if err != nil {
		return err
	}
	var header []string
	for _, c := range results[0].Columns {
		header = append(header, c.Name+":"+c.Type.String())
	}
	fmt.Println(strings.Join(header, " "))
	for row := range results[0].All() {
		fmt.Println(row...)
	}
	return nil
}
