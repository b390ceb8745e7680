package clickhouse_test

import (
	"context"
	"fmt"
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
