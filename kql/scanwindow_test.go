package kql

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// TestScanWindowPruning checks that the queries' time windows make the
// Parquet reader skip the row groups outside them (counted as pruned) and
// that the answers are those of an unpruned run (Options.NoOptimize),
// alone and in one pass (RunMany): bounds exactly on rows, at the first
// and last row of a row group, one tick off a row (100 ns precision),
// strict and inclusive comparisons, null timestamps, several paths into
// one scan, one of them unbounded.
func TestScanWindowPruning(t *testing.T) {
	const n, group = 1000, 50
	tab := schema.NewTable("DeviceNetworkEvents", []schema.Column{
		{Name: "Timestamp", Type: schema.Datetime},
		{Name: "DeviceName", Type: schema.String},
		{Name: "RemotePort", Type: schema.Int},
	})
	b := value.NewBatch([]schema.Type{schema.Datetime, schema.String, schema.Int}, n)
	base := value.DatetimeOf(time.Date(2026, 11, 19, 10, 0, 0, 0, time.UTC))
	at := func(i int) value.Datetime { return base + value.Datetime(i)*value.Datetime(value.Second)*61 + 3 }
	for i := range n {
		var ts any = at(i)
		if i%7 == 5 {
			ts = nil
		}
		b.Cols[0].Append(ts)
		b.Cols[1].Append(fmt.Sprintf("wks-%d", i%5))
		b.Cols[2].Append(int64(i % 100))
		b.N++
	}
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "net.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := source.WriteParquet(f, tab, []*value.Batch{b}, source.ParquetOptions{RowGroupRows: group}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	lit := func(d value.Datetime) string { return "datetime(" + d.String() + ")" }
	now := Datetime(at(400))
	cases := []struct {
		q      string
		pruned int64 // rows the reader must leave out, -1: not checked
	}{
		// Row groups 2 and 3 exactly: their first and last rows are the bounds.
		{fmt.Sprintf("DeviceNetworkEvents | where Timestamp between (%s .. %s) | summarize count(), min(Timestamp), max(Timestamp)", lit(at(100)), lit(at(199))), n - 100},
		{fmt.Sprintf("DeviceNetworkEvents | where Timestamp between (%s .. %s) | project Timestamp, DeviceName", lit(at(150)), lit(at(249))), n - 100},
		// The lower bound is the last row of group 1, the upper the first of group 2.
		{fmt.Sprintf("DeviceNetworkEvents | where Timestamp between (%s .. %s) | project Timestamp", lit(at(99)), lit(at(100))), n - 100},
		// One tick past the last row of group 1 leaves it out; one tick
		// before the first row of group 2 keeps group 1.
		{fmt.Sprintf("DeviceNetworkEvents | where Timestamp >= %s + 1tick and Timestamp < %s | count", lit(at(99)), lit(at(200))), n - 150}, // < reads group 4 too: its first row is the bound
		{fmt.Sprintf("DeviceNetworkEvents | where Timestamp > %s - 1tick | where Timestamp <= %s | count", lit(at(100)), lit(at(120))), n - 50},
		{fmt.Sprintf("DeviceNetworkEvents | where Timestamp > %s | where Timestamp < %s | count", lit(at(99)), lit(at(200))), -1},
		{"DeviceNetworkEvents | where Timestamp > ago(61s * 50) | summarize count() by DeviceName", -1},
		{"DeviceNetworkEvents | where Timestamp between (now(-61s * 100) .. now()) | summarize max(RemotePort) by DeviceName", -1},
		{fmt.Sprintf("DeviceNetworkEvents | where RemotePort > 50 and Timestamp <= %s | count", lit(at(49))), n - 50},
		{"DeviceNetworkEvents | where isnull(Timestamp) | count", 0},
		{fmt.Sprintf("DeviceNetworkEvents | where Timestamp < %s or RemotePort == 7 | count", lit(at(10))), 0},
		// Two paths into one scan: the union of their windows is read.
		{fmt.Sprintf("let T = DeviceNetworkEvents; union (T | where Timestamp < %s), (T | where Timestamp >= %s) | count", lit(at(40)), lit(at(960))), -1},
		// One path unbounded: every row is read.
		{fmt.Sprintf("let T = DeviceNetworkEvents; T | where Timestamp < %s | join kind=inner (T | summarize c = count() by DeviceName) on DeviceName | project Timestamp, DeviceName, c", lit(at(30))), 0},
		// A window that misses every row.
		{fmt.Sprintf("DeviceNetworkEvents | where Timestamp > %s | count", lit(at(n))), n},
	}
	cat := Defender()
	ctx := context.Background()
	var with []*Query
	var wants [][]string
	var pruned int64
	for _, c := range cases {
		q, err := Compile(c.q, cat, Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.q, err)
		}
		qn, err := Compile(c.q, cat, Options{NoOptimize: true})
		if err != nil {
			t.Fatal(err)
		}
		open := func() *Data {
			d, err := OpenData(DataOptions{Paths: []string{dir}}, cat)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		plain := open()
		want := runRows(t, qn, plain, now)
		if p := plain.Stats().Pruned; p != 0 {
			t.Errorf("%s: unoptimized run pruned %d rows", c.q, p)
		}
		d := open()
		got := runRows(t, q, d, now)
		if !slices.Equal(got, want) {
			t.Errorf("%s\npruned: %q\nunpruned: %q", c.q, got, want)
		}
		if p := d.Stats().Pruned; c.pruned >= 0 && p != c.pruned {
			t.Errorf("%s: pruned %d rows, want %d", c.q, p, c.pruned)
		} else {
			pruned += p
		}
		with, wants = append(with, q), append(wants, want)
	}
	if pruned == 0 {
		t.Fatal("no row group was pruned")
	}
	d, err := OpenData(DataOptions{Paths: []string{dir}}, cat)
	if err != nil {
		t.Fatal(err)
	}
	many := make([][]string, len(with))
	outs := RunMany(ctx, with, d, now, func(i, _ int, cols []Column, b *Batch) error {
		many[i] = append(many[i], renderRows(cols, b)...)
		return nil
	})
	for i := range with {
		slices.Sort(many[i])
		if outs[i].Err != nil || !slices.Equal(many[i], wants[i]) {
			t.Errorf("RunMany %s: %v\ngot %q\nwant %q", cases[i].q, outs[i].Err, many[i], wants[i])
		}
	}
	// In one pass, a table is read once with the union of the windows:
	// here some queries have none, so nothing is pruned.
	if p := d.Stats().Pruned; p != 0 {
		t.Errorf("RunMany pruned %d rows, though some queries read every row", p)
	}
	// Queries that all bound the table: the union of their windows.
	var bounded []*Query
	for _, i := range []int{0, 1} {
		bounded = append(bounded, with[i])
	}
	d, err = OpenData(DataOptions{Paths: []string{dir}}, cat)
	if err != nil {
		t.Fatal(err)
	}
	many = make([][]string, len(bounded))
	outs = RunMany(ctx, bounded, d, now, func(i, _ int, cols []Column, b *Batch) error {
		many[i] = append(many[i], renderRows(cols, b)...)
		return nil
	})
	for i := range bounded {
		slices.Sort(many[i])
		if outs[i].Err != nil || !slices.Equal(many[i], wants[i]) {
			t.Errorf("RunMany bounded %d: %v\ngot %q\nwant %q", i, outs[i].Err, many[i], wants[i])
		}
	}
	if p := d.Stats().Pruned; p != n-150 {
		t.Errorf("RunMany of windows [100, 199] and [150, 249]: pruned %d rows, want %d", p, n-150)
	}
}
