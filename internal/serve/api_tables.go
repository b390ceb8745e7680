package serve

import (
	"context"
	"io"
	"net/http"
	"sort"

	"github.com/kqlhunt/kqlhunt/internal/hunt"
	"github.com/kqlhunt/kqlhunt/kql"
)

type tablesResponse struct {
	Tables []tableInfo `json:"tables"`
}

type tableInfo struct {
	Name    string        `json:"name"`
	Columns []queryColumn `json:"columns"`
	Rows    int64         `json:"rows"`
}

// handleTables answers the catalog's tables with their columns and the
// number of rows of each in the server's data; tables with data first.
func (p *apiPart) handleTables(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeoutCause(r.Context(), p.s.opts.Limits.QueryTimeout, errQueryTimeout)
	defer cancel()
	counts, f := p.countRows(ctx)
	if f != nil {
		p.writeFailure(w, "tables", f)
		return
	}
	cat := p.s.opts.Catalog
	resp := tablesResponse{Tables: []tableInfo{}}
	for _, name := range cat.Names() {
		t := cat.Table(name)
		ti := tableInfo{Name: name, Columns: make([]queryColumn, 0, len(t.Columns)), Rows: counts[name]}
		for _, c := range t.Columns {
			ti.Columns = append(ti.Columns, queryColumn{Name: c.Name, Type: c.Type.String()})
		}
		resp.Tables = append(resp.Tables, ti)
	}
	hasData := func(name string) bool { _, ok := counts[name]; return ok }
	sort.SliceStable(resp.Tables, func(i, j int) bool {
		a, b := resp.Tables[i], resp.Tables[j]
		if hasData(a.Name) != hasData(b.Name) {
			return hasData(a.Name)
		}
		return a.Name < b.Name
	})
	writeJSON(w, http.StatusOK, resp)
}

// countRows counts the rows of every catalog table that has data, in one
// pass over the data (a `T | count` per table, run together), on the
// --engine server when there is one.
func (p *apiPart) countRows(ctx context.Context) (map[string]int64, *apiFailure) {
	release, f := p.acquire(ctx)
	if f != nil {
		return nil, f
	}
	defer release()
	cat := p.s.opts.Catalog
	var eng hunt.Engine
	if p.s.opts.Engine == "" {
		opts, err := p.s.dataOptions(ctx)
		if err != nil {
			return nil, failure(http.StatusInternalServerError, "error", "the server's data: %v", err)
		}
		eng = &hunt.Embedded{Data: opts}
		if err := eng.Open(cat); err != nil {
			return nil, failure(http.StatusInternalServerError, "error", "opening the server's data: %v", err)
		}
	} else {
		srv, f := p.server(ctx, io.Discard)
		if f != nil {
			return nil, f
		}
		eng = srv
	}
	var names []string
	var queries []*kql.Query
	for _, name := range cat.Names() {
		if !eng.HasTable(name) {
			continue
		}
		q, err := kql.Compile("["+kql.QuoteString(name)+"] | count", cat, kql.Options{MaxMemory: p.s.opts.Limits.QueryMemory})
		if err != nil {
			return nil, failure(http.StatusInternalServerError, "error", "counting the rows of %s: %v", name, err)
		}
		names, queries = append(names, name), append(queries, q)
	}
	counts := make(map[string]int64, len(names))
	outs := eng.RunMany(ctx, queries, kql.DatetimeOf(p.s.clock.Now()), func(query, stmt int, cols []kql.Column, b *kql.Batch) error {
		if b.N > 0 {
			if n, ok := b.Cols[0].Get(0).(int64); ok {
				counts[names[query]] += n
			}
		}
		return nil
	})
	for i, o := range outs {
		if o.Err != nil {
			return nil, p.runFailure(ctx, o.Err)
		}
		if _, ok := counts[names[i]]; !ok {
			counts[names[i]] = 0
		}
	}
	return counts, nil
}
