package clickhouse_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
	"github.com/kqlhunt/kqlhunt/internal/clickhouse/chtest"
	"github.com/kqlhunt/kqlhunt/kql"
)

func TestParseURL(t *testing.T) {
	for _, bad := range []string{"http://h:9000/db", "clickhouse:///db", "clickhouse://h:1/a/b",
		"clickhouse://h:1/db?cluster=c", "clickhouse://h:1/db?shards=h:2", "clickhouse://h:1/db?replica=r"} {
		if _, err := clickhouse.ParseURL(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	c, err := clickhouse.ParseURL("clickhouse://u:p@h/")
	if err != nil || c.Database() != "default" {
		t.Errorf("default database: %v %v", c, err)
	}
	c, err = clickhouse.ParseURL("clickhouse://h:1/db?cluster=c&shards=h:1,%20h2:3")
	if err != nil || c.Cluster != "c" || strings.Join(c.Shards, " ") != "h:1 h2:3" {
		t.Errorf("cluster: %+v %v", c, err)
	}
}

func TestDistributedDDL(t *testing.T) {
	ddl := clickhouse.DistributedDDL(kql.Defender().Table("DeviceNetworkEvents"), "c", "db")
	for _, want := range []string{"CREATE TABLE IF NOT EXISTS `DeviceNetworkEvents` (", "`RemoteUrl` String", "_kqlhunt_row UInt64",
		"ENGINE = Distributed('c', 'db', 'DeviceNetworkEvents" + clickhouse.LocalSuffix + "', _kqlhunt_row)"} {
		if !strings.Contains(ddl, want) {
			t.Errorf("DDL lacks %q:\n%s", want, ddl)
		}
	}
}

func TestTableDDL(t *testing.T) {
	ddl := clickhouse.TableDDL(kql.Defender().Table("DeviceNetworkEvents"))
	for _, want := range []string{"`Timestamp` Nullable(Int64)", "`RemoteUrl` String", "_kqlhunt_row UInt64",
		"ENGINE = MergeTree ORDER BY (ifNull(`Timestamp`, toInt64(0)), `DeviceId`, _kqlhunt_row)"} {
		if !strings.Contains(ddl, want) {
			t.Errorf("DDL lacks %q:\n%s", want, ddl)
		}
	}
}

// TestLoadInterrupted: rows the load ledger does not account for (a load
// killed before it recorded its file) stop the next load, which names
// the rows to delete, instead of numbering rows twice.
func TestLoadInterrupted(t *testing.T) {
	url := chtest.Server(t, "interrupted")
	c, err := clickhouse.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	cat := kql.Defender()
	opts := clickhouse.LoadOptions{Data: kql.DataOptions{Paths: []string{"../../examples/telemetry/DeviceNetworkEvents.jsonl"}}}
	loads, err := clickhouse.Load(context.Background(), c, cat, opts)
	if err != nil || len(loads) != 1 || loads[0].Rows != 18 || loads[0].Skipped {
		t.Fatalf("first load: %+v, %v", loads, err)
	}
	// A row of a load that did not finish.
	if _, err := c.Query("INSERT INTO DeviceNetworkEvents (DeviceName, _kqlhunt_row) SELECT 'partial', toUInt64(18)", ""); err != nil {
		t.Fatal(err)
	}
	opts.Data.Paths = []string{"../../examples/telemetry/storage"}
	_, err = clickhouse.Load(context.Background(), c, cat, opts)
	if err == nil || !strings.Contains(err.Error(), "holds 19 rows but the load ledger (_kqlhunt_loads) accounts for 18") ||
		!strings.Contains(err.Error(), "DELETE WHERE _kqlhunt_row >= 18") {
		t.Fatalf("want the interrupted load explained, got %v", err)
	}
	// The file already loaded is still skipped.
	opts.Data.Paths = []string{"../../examples/telemetry/DeviceNetworkEvents.jsonl"}
	loads, err = clickhouse.Load(context.Background(), c, cat, opts)
	if err != nil || len(loads) != 1 || !loads[0].Skipped {
		t.Fatalf("reload: %+v, %v", loads, err)
	}
}

// TestSelectStreams checks that a SELECT's rows arrive batch by batch as
// the server sends them, decoded as KQL values, and that closing the rows
// early stops the query: an answer of a billion rows is never held.
func TestSelectStreams(t *testing.T) {
	c, err := clickhouse.ParseURL(chtest.Server(t, "default"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	typ := func(name string) kql.Type {
		ty, _ := kql.ParseType(name)
		return ty
	}
	cols := []kql.Column{{Name: "n", Type: typ("long")}, {Name: "s", Type: typ("string")}, {Name: "r", Type: typ("real")}}
	rows, err := c.Select(ctx, "SELECT toInt64(number), toString(number), if(number % 2 = 0, NULL, toFloat64(number) / 2) FROM system.numbers LIMIT 20000", cols)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	var last []any
	for {
		b, err := rows.Next()
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			break
		}
		sizes = append(sizes, b.N)
		last = b.Row(b.N - 1)
	}
	rows.Close()
	if fmt.Sprint(sizes) != "[8192 8192 3616]" || fmt.Sprint(last) != "[19999 19999 9999.5]" {
		t.Errorf("batches %v, last row %v; want [8192 8192 3616] and [19999 19999 9999.5]", sizes, last)
	}
	start := time.Now()
	rows, err = c.Select(ctx, "SELECT toInt64(number), toString(number), toFloat64(number) FROM system.numbers LIMIT 1000000000", cols)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := rows.Next(); err != nil || b == nil || b.N != 8192 {
		t.Fatalf("first batch of a billion rows: %v, %v", b, err)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("closing a billion-row answer after its first batch took %v", d)
	}
	// The connection still works.
	if v, err := clickhouse.Version(c); err != nil || !strings.HasPrefix(v, "18.16") {
		t.Errorf("version after an early close: %q, %v", v, err)
	}
}

// TestLoadKilled kills the server (SIGKILL) in the middle of a load:
// the load fails, the restarted server holds part of the file, the next
// load stops with a clear error naming the rows to delete instead of
// numbering rows twice, and after that delete the file loads whole, once:
// nothing lost, no duplicates.
func TestLoadKilled(t *testing.T) {
	url, server := chtest.KillableServer(t, "killed")
	const total = 300000
	path := filepath.Join(t.TempDir(), "DeviceNetworkEvents.jsonl")
	var b strings.Builder
	for i := 0; i < total; i++ {
		fmt.Fprintf(&b, `{"Timestamp":"2025-03-04T%02d:%02d:%02dZ","DeviceName":"ws-%d","RemoteUrl":"r%d.example","RemotePort":%d}`+"\n", i/3600%24, i/60%60, i%60, i%500, i, i%65536)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := clickhouse.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	cat := kql.Defender()
	opts := clickhouse.LoadOptions{Data: kql.DataOptions{Paths: []string{path}}, BatchRows: 2000}
	done := make(chan error, 1)
	go func() {
		_, err := clickhouse.Load(context.Background(), c, cat, opts)
		done <- err
	}()
	// Kill the server once some blocks are in.
	count := func() int64 {
		q, err := clickhouse.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		defer q.Close()
		out, err := q.Query("SELECT count() FROM DeviceNetworkEvents", "TabSeparated")
		if err != nil {
			return -1
		}
		var n int64
		fmt.Sscan(string(out), &n)
		return n
	}
	deadline := time.Now().Add(60 * time.Second)
	for count() <= 0 {
		if time.Now().After(deadline) {
			t.Fatal("no rows loaded within a minute")
		}
		time.Sleep(5 * time.Millisecond)
	}
	server.Kill()
	if err := <-done; err == nil {
		t.Fatal("the load survived the server being killed: it should fail")
	} else {
		t.Logf("the load failed as the server died: %v", err)
	}
	server.Restart(t)
	partial := count()
	if partial <= 0 || partial >= total {
		t.Fatalf("after the kill the table holds %d of %d rows; want a part", partial, total)
	}
	_, err = clickhouse.Load(context.Background(), c, cat, opts)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("holds %d rows but the load ledger (_kqlhunt_loads) accounts for 0", partial)) ||
		!strings.Contains(err.Error(), "ALTER TABLE `DeviceNetworkEvents` DELETE WHERE _kqlhunt_row >= 0") {
		t.Fatalf("the next load: want the interrupted load explained, got %v", err)
	}
	// What the message says to do; 18.16 applies the delete in the
	// background.
	if _, err := c.Query("ALTER TABLE `DeviceNetworkEvents` DELETE WHERE _kqlhunt_row >= 0", ""); err != nil {
		t.Fatal(err)
	}
	for deadline = time.Now().Add(60 * time.Second); count() != 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the delete did not finish within a minute")
		}
	}
	loads, err := clickhouse.Load(context.Background(), c, cat, opts)
	if err != nil || len(loads) != 1 || loads[0].Rows != total {
		t.Fatalf("the load after the delete: %+v, %v", loads, err)
	}
	out, err := c.Query("SELECT count(), uniqExact(_kqlhunt_row), max(_kqlhunt_row) FROM DeviceNetworkEvents", "TabSeparated")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(string(out)), fmt.Sprintf("%d\t%d\t%d", total, total, total-1); got != want {
		t.Errorf("rows, distinct row numbers, last row number: %q, want %q", got, want)
	}
	if loads, err := clickhouse.Load(context.Background(), c, cat, opts); err != nil || !loads[0].Skipped {
		t.Errorf("loading again: %+v, %v; want it skipped", loads, err)
	}
}
