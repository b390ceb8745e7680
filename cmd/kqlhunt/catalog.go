package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/kql"
)

// catalogFlags are the options of subcommands that compile queries: user
// schema files and watchlists, which extend the built-in catalog. Every
// such subcommand builds its catalog with catalog, the one place the CLI
// does.
type catalogFlags struct {
	schemas    []string
	watchlists []string
	// loaded are the watchlists that catalog read, for the data.
	loaded []*kql.Watchlist
}

// register adds --schema, and --watchlist when watchlists is set (the
// subcommands that run or check queries).
func (f *catalogFlags) register(cmd *cobra.Command, watchlists bool) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.schemas, "schema", nil, "declare custom tables (*_CL), extra columns and workspace functions in the YAML or JSON `FILE` (repeatable; see docs/schemas.md)")
	if watchlists {
		fl.StringArrayVar(&f.watchlists, "watchlist", nil, "read the CSV FILE as the watchlist that _GetWatchlist('ALIAS') returns, searched by COLUMN or the first column: `ALIAS[:COLUMN]=FILE`, or a DIR of ALIAS.csv files (repeatable)")
	}
}

// catalog returns the built-in catalog extended with the --schema files,
// the schema files of the rule folders among rulePaths (kql.SchemaFiles)
// and the --watchlist watchlists, which it keeps for the data (see
// dataOptions). Errors are usage errors, positioned in the schema file.
func (f *catalogFlags) catalog(rulePaths []string) (*kql.Catalog, error) {
	cat := kql.Builtin()
	for _, p := range append(append([]string{}, f.schemas...), kql.SchemaFiles(rulePaths)...) {
		c, err := kql.LoadSchema(p, cat)
		if err != nil {
			return nil, fail(exitUsage, "schema file %s has errors:\n%s", p, strings.TrimRight(diag.FormatError(err), "\n"))
		}
		cat = c
	}
	f.loaded = nil
	for _, spec := range f.watchlists {
		ws, err := kql.LoadWatchlistSpec(spec)
		if err != nil {
			return nil, fail(exitUsage, "--watchlist %s: %v", spec, err)
		}
		f.loaded = append(f.loaded, ws...)
	}
	cat, err := kql.WithWatchlists(cat, f.loaded)
	if err != nil {
		return nil, fail(exitUsage, "--watchlist: %v", err)
	}
	return cat, nil
}
