package source

import (
	"reflect"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// TestTimeGeneratedFromTimestamp checks that a Defender table's
// TimeGenerated, which advanced hunting exports lack, reads as the row's
// Timestamp (Sentinel's copies of these tables have both), in JSON lines,
// CSV and streaming records without a time, while a TimeGenerated that the
// row has, or a record's time, wins.
func TestTimeGeneratedFromTimestamp(t *testing.T) {
	tab := schema.Defender().Table("DeviceProcessEvents")
	if tab == nil || tab.Lookup("Timestamp") < 0 || tab.Lookup("TimeGenerated") < 0 {
		t.Fatal("the catalog's DeviceProcessEvents lacks Timestamp or TimeGenerated")
	}
	cols := colsOf(t, tab, "TimeGenerated", "ReportId")
	ts := value.DatetimeOf(time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC))
	tg := value.DatetimeOf(time.Date(2025, 3, 4, 9, 5, 0, 0, time.UTC))
	rt := value.DatetimeOf(time.Date(2025, 3, 4, 9, 20, 0, 0, time.UTC))
	dir := t.TempDir()
	for _, c := range []struct {
		name, content string
		want          [][]any
	}{
		{"DeviceProcessEvents.json", `{"Timestamp": "2025-03-04T09:00:00Z", "ReportId": 1}
{"Timestamp": "2025-03-04T09:00:00Z", "TimeGenerated": "2025-03-04T09:05:00Z", "ReportId": 2}
{"ReportId": 3}
`, [][]any{{ts, int64(1)}, {tg, int64(2)}, {nil, int64(3)}}},
		{"DeviceProcessEvents.csv", "Timestamp,ReportId\n2025-03-04T09:00:00Z,1\n,2\n", [][]any{{ts, int64(1)}, {nil, int64(2)}}},
		{"PT1H.json", `{"category": "AdvancedHunting-DeviceProcessEvents", "properties": {"Timestamp": "2025-03-04T09:00:00Z", "ReportId": 1}}
{"time": "2025-03-04T09:20:00Z", "category": "AdvancedHunting-DeviceProcessEvents", "properties": {"Timestamp": "2025-03-04T09:00:00Z", "ReportId": 2}}
`, [][]any{{ts, int64(1)}, {rt, int64(2)}}},
	} {
		path := writeFile(t, dir, c.name, []byte(c.content))
		d := open(t, []string{path}, nil, Options{Strict: true})
		if rows := readRows(t, d, tab, cols); !reflect.DeepEqual(rows, c.want) {
			t.Errorf("%s: rows %v, want %v", c.name, rows, c.want)
		}
	}
	// A table without Timestamp keeps a missing TimeGenerated null.
	plain := schema.NewTable("DeviceProcessEvents", []schema.Column{{Name: "TimeGenerated", Type: schema.Datetime}, {Name: "Stamp", Type: schema.Datetime}})
	path := writeFile(t, dir, "x/DeviceProcessEvents.json", []byte(`{"Stamp": "2025-03-04T09:00:00Z"}`+"\n"))
	d := open(t, []string{path}, nil, Options{Strict: true})
	if rows := readRows(t, d, plain, allCols(plain)); !reflect.DeepEqual(rows, [][]any{{nil, ts}}) {
		t.Errorf("no Timestamp column: rows %v", rows)
	}
}
