package kql_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// The watchlist of the example in "Build queries or detection rules with
// watchlists in Microsoft Sentinel",
// https://learn.microsoft.com/azure/sentinel/watchlists-queries: a
// watchlist "ipwatchlist" made from this CSV.
const ipwatchlist = "IPAddress,Location\n10.0.100.11,Home\n172.16.107.23,Work\n10.0.150.39,Home\n172.20.32.117,Work\n"

// heartbeat declares the Heartbeat columns the documented queries read,
// with their documented types (the table reference's Heartbeat page), so
// that the test does not depend on the built-in catalog having them.
const heartbeat = `tables:
  Heartbeat:
    TimeGenerated: datetime
    Computer: string
    ComputerIP: string
    RemoteIPCountry: string
`

// watchlistSetup writes the watchlist and Heartbeat rows, and returns the
// catalog and the data that read them.
func watchlistSetup(t *testing.T) (*kql.Catalog, *kql.Data, time.Time) {
	t.Helper()
	dir := t.TempDir()
	csv := filepath.Join(dir, "ipwatchlist.csv")
	if err := os.WriteFile(csv, []byte(ipwatchlist), 0o644); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2026, 11, 19, 8, 30, 0, 0, time.UTC)
	if err := os.Chtimes(csv, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	hb := filepath.Join(dir, "Heartbeat.jsonl")
	rows := `{"TimeGenerated":"2026-11-19T10:00:00Z","Computer":"h1","ComputerIP":"10.0.100.11","RemoteIPCountry":"Home"}
{"TimeGenerated":"2026-11-19T10:00:00Z","Computer":"h2","ComputerIP":"192.168.1.9","RemoteIPCountry":"Work"}
{"TimeGenerated":"2026-11-19T10:00:00Z","Computer":"h3","ComputerIP":"172.20.32.117","RemoteIPCountry":"Elsewhere"}
`
	if err := os.WriteFile(hb, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := kql.ParseSchema("heartbeat.yaml", []byte(heartbeat), kql.Defender())
	if err != nil {
		t.Fatal(err)
	}
	ws, err := kql.LoadWatchlistSpec("ipwatchlist=" + csv)
	if err != nil {
		t.Fatal(err)
	}
	if cat, err = kql.WithWatchlists(cat, ws); err != nil {
		t.Fatal(err)
	}
	d, err := kql.OpenData(kql.DataOptions{Tables: map[string][]string{"Heartbeat": {hb}}, Watchlists: ws}, cat)
	if err != nil {
		t.Fatal(err)
	}
	return cat, d, mtime
}

// rowsOf runs text and returns its rows as "a b c" lines, sorted, with a
// header line of column names first.
func rowsOf(t *testing.T, cat *kql.Catalog, d kql.Tables, text string) []string {
	t.Helper()
	q, err := kql.Compile(text, cat, kql.Options{})
	if err != nil {
		t.Fatalf("%s:\n%v", text, err)
	}
	res, err := q.Run(context.Background(), d, kql.Now())
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	r := res[len(res)-1]
	var names []string
	for _, c := range r.Columns {
		names = append(names, c.Name)
	}
	var lines []string
	for row := range r.All() {
		var f []string
		for i, v := range row {
			f = append(f, kql.ValueString(r.Columns[i].Type, v))
		}
		lines = append(lines, strings.Join(f, " "))
	}
	slices.Sort(lines)
	return append([]string{strings.Join(names, " ")}, lines...)
}

func TestWatchlistDocumentedQueries(t *testing.T) {
	cat, d, mtime := watchlistSetup(t)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		// "your query would be _GetWatchlist('ipwatchlist')": the four
		// items, SearchKey from the first column.
		{`_GetWatchlist('ipwatchlist') | project-away _DTItemId`, []string{
			"LastUpdatedTimeUTC SearchKey IPAddress Location",
			kql.ValueString(kql.Defender().Table("DeviceEvents").Columns[0].Type, kql.DatetimeOf(mtime)) + " 10.0.100.11 10.0.100.11 Home",
		}},
		// Watchlist as a variable.
		{`//Watchlist as a variable
let watchlist = (_GetWatchlist('ipwatchlist') | project IPAddress);
Heartbeat
| where ComputerIP in (watchlist)
| project Computer`, []string{"Computer", "h1", "h3"}},
		// Watchlist inline with the query, by SearchKey.
		{`//Watchlist inline with the query
//Use SearchKey for the best performance
Heartbeat
| where ComputerIP in ( 
    (_GetWatchlist('ipwatchlist')
    | project SearchKey)
)
| project Computer`, []string{"Computer", "h1", "h3"}},
		// The lookup example (there on a search key of countries; here
		// the first column, so RemoteIPCountry matches nothing).
		{`Heartbeat
| lookup kind=leftouter _GetWatchlist('ipwatchlist') 
 on $left.RemoteIPCountry == $right.SearchKey
| project Computer, Location`, []string{"Computer Location", "h1 ", "h2 ", "h3 "}},
	} {
		got := rowsOf(t, cat, d, tc.query)
		if tc.query[0] == '_' {
			got = got[:2] // the first item is enough to see the columns and values
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.query, got, tc.want)
		}
	}
}

func TestWatchlistSearchKeyAndIDs(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "hosts.csv")
	os.WriteFile(csv, []byte("\ufeffHostname,Owner\nsrv-1,ann\nsrv-2,bob\nsrv-1,ann\n"), 0o644)
	ws, err := kql.LoadWatchlistSpec("hvu:Owner=" + csv)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := kql.WithWatchlists(kql.Defender(), ws)
	m := kql.NewMemTables()
	m.Add(ws[0].Table, ws[0].Rows())
	got := rowsOf(t, cat, m, `_GetWatchlist('hvu') | summarize Items=dcount(_DTItemId), Keys=make_set(SearchKey), Hosts=make_set(Hostname)`)
	want := []string{"Items Keys Hosts", `3 ["ann","bob"] ["srv-1","srv-2"]`}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	again, err := kql.LoadWatchlist("hvu", csv, "Owner")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if a, b := ws[0].Rows().Cols[0].Strs[i], again.Rows().Cols[0].Strs[i]; a != b {
			t.Errorf("item %d: _DTItemId %s, then %s: not stable", i, a, b)
		}
	}
}

func TestWatchlistErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	good := write("good.csv", "A,B\n1,2\n")
	for spec, want := range map[string]string{
		"w:C=" + good:                             "has no column 'C' for its search key; its columns: A, B",
		"w=" + write("dup.csv", "A,A\n1,2\n"):     "column 'A' is in the header twice",
		"w=" + write("key.csv", "SearchKey\n1\n"): "column 'SearchKey' is in the header twice or clashes",
		"w=" + write("empty.csv", ""):             "empty watchlist file",
		"w=" + write("ragged.csv", "A,B\n1\n"):    "wrong number of fields",
		good:                                      "expected ALIAS=FILE, ALIAS:COLUMN=FILE or a folder",
		"=" + good:                                "expected ALIAS=FILE",
	} {
		_, err := kql.LoadWatchlistSpec(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", spec, err, want)
		}
	}
	// An alias the catalog does not hold is an error at its position.
	_, err := kql.Compile("DeviceEvents\n| where DeviceName in (_GetWatchlist('hvu') | project SearchKey)", kql.Defender(), kql.Options{})
	if err == nil || !strings.Contains(err.Error(), "2:38: unknown watchlist 'hvu'") {
		t.Errorf("unknown alias: %v", err)
	}
	ws, _ := kql.LoadWatchlistSpec("w=" + good)
	if _, err := kql.WithWatchlists(kql.Defender(), append(ws, ws...)); err == nil {
		t.Error("two watchlists with one alias: no error")
	}
}

func TestWatchlistDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "b.csv"), []byte("X\n1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.CSV"), []byte("Y\n2\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a watchlist"), 0o644)
	ws, err := kql.LoadWatchlistSpec(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, fmt.Sprintf("%s:%s", w.Alias, strings.Join(w.Table.Names(), ",")))
	}
	want := []string{"a:_DTItemId,LastUpdatedTimeUTC,SearchKey,Y", "b:_DTItemId,LastUpdatedTimeUTC,SearchKey,X"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestWatchlistManyQueries runs queries that read one watchlist in one
// pass, as a hunt does, with prefilters: the routed scan gives each every
// item.
func TestWatchlistManyQueries(t *testing.T) {
	cat, d, _ := watchlistSetup(t)
	var qs []*kql.Query
	for _, text := range []string{
		`_GetWatchlist('ipwatchlist') | where Location == "Home" | project SearchKey`,
		`_GetWatchlist('ipwatchlist') | where Location == "Work" | project SearchKey`,
	} {
		q, err := kql.Compile(text, cat, kql.Options{})
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, q)
	}
	counts := make([]int, len(qs))
	outs := kql.RunMany(context.Background(), qs, d, kql.Now(), func(i, stmt int, cols []kql.Column, b *kql.Batch) error {
		counts[i] += b.N
		return nil
	})
	for i, o := range outs {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		if counts[i] != 2 {
			t.Errorf("query %d: %d rows, want 2", i, counts[i])
		}
	}
}

// TestWatchlistFromTable: without a CSV for the alias, _GetWatchlist reads
// the Watchlist table (a Log Analytics export of it) as Sentinel's own
// function does: the items of the alias, each at its latest version
// (_DTTimestamp), without the deleted ones, their columns unpacked from
// WatchlistItem; SearchKey, _DTItemId and LastUpdatedTimeUTC come along.
// https://learn.microsoft.com/azure/sentinel/watchlists-queries
func TestWatchlistFromTable(t *testing.T) {
	dir := t.TempDir()
	item := func(alias, id, ts, status, key, fields string) string {
		return `{"TimeGenerated":"` + ts + `","_DTItemType":"watchlist-item","WatchlistAlias":"` + alias + `","_DTItemId":"` + id +
			`","_DTTimestamp":"` + ts + `","_DTItemStatus":"` + status + `","LastUpdatedTimeUTC":"` + ts + `","SearchKey":"` + key +
			`","WatchlistItem":{` + fields + `}}` + "\n"
	}
	rows := item("vip", "1", "2025-03-01T00:00:00Z", "Create", "alice", `"UPN":"alice","Level":"high"`) +
		item("vip", "1", "2025-03-02T00:00:00Z", "Update", "alice", `"UPN":"alice","Level":"top"`) +
		item("vip", "2", "2025-03-01T00:00:00Z", "Create", "bob", `"UPN":"bob","Level":"low"`) +
		item("vip", "2", "2025-03-03T00:00:00Z", "Delete", "bob", `"UPN":"bob","Level":"low"`) +
		item("vip", "4", "2025-03-01T00:00:00Z", "Create", "dan", `"UPN":"dan","Level":"mid"`) +
		item("other", "3", "2025-03-01T00:00:00Z", "Create", "carol", `"UPN":"carol"`) +
		// Not an item (the watchlist's own record).
		`{"TimeGenerated":"2025-03-01T00:00:00Z","_DTItemType":"watchlist","WatchlistAlias":"vip","_DTItemId":"9","_DTTimestamp":"2025-03-01T00:00:00Z","_DTItemStatus":"Create"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "Watchlist.jsonl"), []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := kql.OpenData(kql.DataOptions{Paths: []string{dir}, Strict: true}, kql.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	got := rowsOf(t, kql.Builtin(), d, `_GetWatchlist('vip') | project _DTItemId, SearchKey, UPN, Level, LastUpdatedTimeUTC`)
	want := []string{"_DTItemId SearchKey UPN Level LastUpdatedTimeUTC",
		"1 alice alice top 2025-03-02T00:00:00.0000000Z",
		"4 dan dan mid 2025-03-01T00:00:00.0000000Z"}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A query over it checks without data; an alias without items is empty.
	if _, err := kql.Compile(`SigninLogs | where UserPrincipalName in ((_GetWatchlist('vip') | project UPN))`, kql.Builtin(), kql.Options{}); err != nil {
		t.Errorf("check without data: %v", err)
	}
	if got := rowsOf(t, kql.Builtin(), d, `_GetWatchlist('none') | count`); !slices.Equal(got, []string{"Count", "0"}) {
		t.Errorf("an alias without items: %v", got)
	}
}
