package check

import (
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
	if t == nil {
		c.errorf(x.Args[0].Span(), "%s", errUnknownWatchlist(lit.Text))
		return nil
	}
	return c.scan(t, x.Span())
}
