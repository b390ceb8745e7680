package kql_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/kql"
)

var updateSQL = flag.Bool("update-sql", false, "rewrite the golden SQL files of testdata/sql with the translator's output (review the diff)")

// sqlNow is the now() of the golden SQL.
const sqlNow = "2026-11-20T12:00:00Z"

// TestSQLGolden translates the seed rule and the queries of
// testdata/sql/*.kql, comparing the SQL (or the refusal) with the .sql
// file beside each. It needs no ClickHouse: TestScriptsClickHouse runs
// the SQL.
func TestSQLGolden(t *testing.T) {
	seed, err := rules.LoadFile("../examples/rules/screenmeet_netconn.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{"testdata/sql/seed_rule.sql": seed.Query}
	files, _ := filepath.Glob("testdata/sql/*.kql")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases[strings.TrimSuffix(f, ".kql")+".sql"] = string(b)
	}
	now, err := kql.ParseNow(sqlNow)
	if err != nil {
		t.Fatal(err)
	}
	for golden, text := range cases {
		t.Run(filepath.Base(golden), func(t *testing.T) {
			q, err := kql.Compile(text, kql.Defender(), kql.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := q.SQL(now)
			if err != nil {
				if !errors.Is(err, kql.ErrNotTranslated) {
					t.Fatalf("%v does not wrap ErrNotTranslated", err)
				}
				got = "-- " + err.Error()
			}
			got += "\n"
			if *updateSQL {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./kql -run TestSQLGolden -update-sql writes it)", err)
			}
			if string(want) != got {
				t.Errorf("%s differs (go test ./kql -run TestSQLGolden -update-sql, then review the diff):\n%s", golden, got)
			}
		})
	}
}

// TestSQLRefusals checks that a refused construct is named, with the
// position of its operator or expression.
func TestSQLRefusals(t *testing.T) {
	for _, c := range []struct{ query, want string }{
		{"DeviceNetworkEvents\n| where RemoteUrl has 'x'\n| mv-expand y = pack_array(1, 2)", "sql: 'mv-expand' at 3:3 is not translated"},
		{"DeviceNetworkEvents | extend u = tolower(RemoteUrl)", "sql: 'tolower' at 1:34 is not translated"},
		{"DeviceNetworkEvents | summarize dcount(DeviceId)", "sql: 'dcount()' at 1:33 is not translated"},
		{"DeviceNetworkEvents | where RemoteUrl has 'é'", "sql: 'has' at 1:29 is not translated to ClickHouse SQL yet (only with an ASCII needle)"},
		{"DeviceNetworkEvents | join (DeviceProcessEvents) on DeviceId", "sql: 'join' at 1:23 is not translated"},
		// Decimals would be reals in ClickHouse: refused, not approximated.
		{"DeviceNetworkEvents | where todecimal(RemotePort) > decimal(1.5)", "sql: '> on decimal' at 1:29 is not translated"},
		{"DeviceNetworkEvents | extend d = decimal(0.1) + 1", "sql: 'decimal literal' at 1:34 is not translated"},
		{"DeviceNetworkEvents | summarize count() by RemoteUrl | sort by count_ | summarize count()", ""},
	} {
		q, err := kql.Compile(c.query, kql.Defender(), kql.Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		_, err = q.SQL(0)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.query, err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want)):
			t.Errorf("%s:\ngot  %v\nwant %s...", c.query, err, c.want)
		}
	}
}
