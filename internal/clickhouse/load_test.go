package clickhouse_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
	"github.com/kqlhunt/kqlhunt/internal/clickhouse/chtest"
	"github.com/kqlhunt/kqlhunt/kql"
)

func TestParseURL(t *testing.T) {
	for _, bad := range []string{"http://h:8123/db", "clickhouse:///db", "clickhouse://h:1/a/b",
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
	if _, err := c.Query("INSERT INTO DeviceNetworkEvents (DeviceName, _kqlhunt_row) VALUES ('partial', 18)", ""); err != nil {
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

// TestMaxAnswer checks that an answer larger than Conn.MaxAnswer fails
// with a limit error instead of being held whole, and that one within it
// is read.
func TestMaxAnswer(t *testing.T) {
	body := strings.Repeat("x\t1\n", 1000) // 4000 bytes
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, body)
	}))
	defer srv.Close()
	c, err := clickhouse.ParseURL("clickhouse://" + strings.TrimPrefix(srv.URL, "http://") + "/db")
	if err != nil {
		t.Fatal(err)
	}
	c.MaxAnswer = 4000
	if out, err := c.Query("SELECT 1", "TabSeparated"); err != nil || len(out) != 4000 {
		t.Fatalf("an answer of the limit's size: %d bytes, %v", len(out), err)
	}
	c.MaxAnswer = 3999
	if _, err := c.Query("SELECT 1", "TabSeparated"); !errors.Is(err, kql.ErrLimit) || !strings.Contains(err.Error(), "larger than 3999 bytes") {
		t.Fatalf("an answer over the limit: %v, want a limit error", err)
	}
}
