package schema

import "fmt"

// Microsoft Sentinel's _GetWatchlist('alias') returns the items of a
// watchlist: three columns Sentinel keeps per item, then the item's own
// columns, from the header of the CSV the watchlist was made from. Its
// definition reads the Watchlist table, keeps each item's latest version
// (arg_max(_DTTimestamp, ..., LastUpdatedTimeUTC, SearchKey, WatchlistItem)
// by _DTItemId), drops the bookkeeping columns and unpacks the WatchlistItem
// bag (bag_unpack), whose values are the CSV's text: so the item columns
// are strings. Column types of the fixed columns are those of the Watchlist
// table reference. See
// https://learn.microsoft.com/azure/sentinel/watchlists-queries and
// https://learn.microsoft.com/azure/azure-monitor/reference/tables/watchlist

// WatchlistColumns are the columns that _GetWatchlist returns before a
// watchlist's item columns, in order.
var WatchlistColumns = []Column{
	{Name: "_DTItemId", Type: String, Doc: "unique identifier of the watchlist item"},
	{Name: "LastUpdatedTimeUTC", Type: Datetime, Doc: "when the watchlist item was last updated"},
	{Name: "SearchKey", Type: String, Doc: "the value of the watchlist's search-key column"},
}

// WatchlistTable returns the name under which a catalog holds the items of
// the watchlist alias: the call that reads them, _GetWatchlist('alias'),
// which no table name can clash with.
func WatchlistTable(alias string) string { return "_GetWatchlist('" + alias + "')" }

// NewWatchlistTable returns the table of the watchlist alias whose CSV
// has the columns items: WatchlistColumns, then items, all strings. An
// item column named like one of WatchlistColumns, a duplicate or an empty
// name is an error.
func NewWatchlistTable(alias string, items []string) (*Table, error) {
	cols := append([]Column{}, WatchlistColumns...)
	seen := map[string]bool{}
	for _, c := range WatchlistColumns {
		seen[c.Name] = true
	}
	for i, name := range items {
		switch {
		case name == "":
			return nil, fmt.Errorf("watchlist '%s': column %d of the header has no name", alias, i+1)
		case seen[name]:
			return nil, fmt.Errorf("watchlist '%s': column '%s' is in the header twice or clashes with a column _GetWatchlist adds", alias, name)
		}
		seen[name] = true
		cols = append(cols, Column{Name: name, Type: String})
	}
	t := NewTable(WatchlistTable(alias), cols)
	t.Doc = "watchlist " + alias
	return t, nil
}
