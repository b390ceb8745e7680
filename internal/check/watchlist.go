package check

import (
	"strings"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// watchlist checks _GetWatchlist('alias'), Microsoft Sentinel's function
// that returns the items of a watchlist: a scan of the catalog's table
// for the watchlist (schema.WatchlistTable), whose columns come from the
// watchlist's CSV. An alias the catalog does not hold is an error, since
// its columns are unknown.
// https://learn.microsoft.com/azure/sentinel/watchlists-queries
func (c *checker) watchlist(x *syntax.CallExpr) plan.Node {
	if len(x.Args) != 1 {
		c.errorf(x.Span(), "%s", errArity("_GetWatchlist", 1, len(x.Args)))
		return nil
	}
	lit, ok := x.Args[0].(*syntax.Literal)
	if !ok || lit.Kind != syntax.LitString {
		c.errorf(x.Args[0].Span(), "%s", errWatchlistAlias())
		return nil
	}
	t := c.cat.Table(schema.WatchlistTable(lit.Text))
	if t != nil {
		return c.scan(t, x.Span())
	}
	if w := c.cat.Table("Watchlist"); w == nil || w.Lookup("WatchlistItem") < 0 {
		c.errorf(x.Args[0].Span(), "%s", errUnknownWatchlist(lit.Text))
		return nil
	}
	// No CSV for the alias: the watchlist is read from the Watchlist
	// table, as Sentinel's own _GetWatchlist reads it, its items' columns
	// known once the data is seen (bag_unpack).
	before := len(c.diags)
	n := c.tabular(&scope{names: map[string]*binding{}}, watchlistBody(lit.Text))
	for i := before; i < len(c.diags); i++ {
		c.diags[i].Span = x.Span()
		c.diags[i].Msg = "_GetWatchlist('" + lit.Text + "') over the Watchlist table: " + c.diags[i].Msg
	}
	return n
}

// watchlistBodies caches the parsed body of _GetWatchlist per alias, so
// that every check of a query sees the same syntax nodes (the keys of the
// hints of its bag_unpack).
var watchlistBodies sync.Map // alias → syntax.Expr

// watchlistBody returns the query that Microsoft Sentinel's _GetWatchlist
// runs for alias over the Watchlist table: the latest version of each item
// of the alias, unless deleted, with its columns unpacked. Its spans are
// offsets in its own text: watchlist puts its diagnostics at the call.
func watchlistBody(alias string) syntax.Expr {
	if x, ok := watchlistBodies.Load(alias); ok {
		return x.(syntax.Expr)
	}
	text := `Watchlist
| where TimeGenerated < now()
| where _DTItemType == 'watchlist-item'
| where WatchlistAlias == ` + quoteKQL(alias) + `
| summarize arg_max(_DTTimestamp, _DTItemStatus, LastUpdatedTimeUTC, SearchKey, WatchlistItem) by _DTItemId
| where _DTItemStatus != 'Delete'
| project-away _DTTimestamp, _DTItemStatus
| evaluate bag_unpack(WatchlistItem)`
	q, diags := syntax.Parse(text)
	if diags.HasErrors() || len(q.Stmts) != 1 {
		panic("internal error: the body of _GetWatchlist does not parse: " + diags.Error())
	}
	x := q.Stmts[0].(*syntax.ExprStmt).X
	v, _ := watchlistBodies.LoadOrStore(alias, x)
	return v.(syntax.Expr)
}

// quoteKQL returns s as a KQL string literal.
func quoteKQL(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
