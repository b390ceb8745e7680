package source

import (
	"reflect"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

// TestTableStats checks the per-table summary that the hunt's "no silent
// zeros" report reads: the time range of the rows read and, per column
// decoded, the values that are not null, over two files whose rows share
// batches; and that a second scan does not count a file twice.
func TestTableStats(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "DeviceEvents/a.json", []byte(`{"Timestamp": "2025-03-04T09:00:00Z", "DeviceName": "a", "RemotePort": 1}
{"Timestamp": "2025-03-02T09:00:00Z", "DeviceName": "", "RemotePort": null}
{"Timestamp": null, "DeviceName": "c"}
`))
	writeFile(t, dir, "DeviceEvents/b.csv", []byte("Timestamp,DeviceName,AdditionalFields\n2025-03-05T10:00:00Z,d,{}\n,,\n"))
	tab := simpleTable("DeviceEvents")
	d := open(t, []string{dir}, nil, Options{BatchSize: 2})
	cols := colsOf(t, tab, "Timestamp", "DeviceName", "RemotePort", "AdditionalFields", "DeviceName")
	for range 2 {
		if rows := readRows(t, d, tab, cols); len(rows) != 5 {
			t.Fatalf("%d rows", len(rows))
		}
	}
	ts := d.Stats().Table("deviceevents")
	if ts == nil {
		t.Fatal("no stats for DeviceEvents")
	}
	day := func(d, h int) value.Datetime { return value.DatetimeOf(time.Date(2025, 3, d, h, 0, 0, 0, time.UTC)) }
	if !ts.HasTime || ts.TimeMin != day(2, 9) || ts.TimeMax != day(5, 10) {
		t.Errorf("time range %v %v..%v", ts.HasTime, ts.TimeMin, ts.TimeMax)
	}
	want := map[string]int64{"Timestamp": 3, "DeviceName": 3, "RemotePort": 1, "AdditionalFields": 1}
	if ts.Rows != 5 || ts.Files != 2 || !reflect.DeepEqual(ts.NonNull, want) {
		t.Errorf("rows %d, files %d, non-null %v, want %v", ts.Rows, ts.Files, ts.NonNull, want)
	}

	// A scan without the time column leaves the range unknown.
	d = open(t, []string{dir}, nil, Options{})
	readRows(t, d, tab, colsOf(t, tab, "RemotePort"))
	if ts := d.Stats().Table("DeviceEvents"); ts.HasTime || !reflect.DeepEqual(ts.NonNull, map[string]int64{"RemotePort": 1}) {
		t.Errorf("without the time column: %+v", ts)
	}
}
