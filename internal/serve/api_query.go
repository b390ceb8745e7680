package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/hunt"
	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/kql"
)

type queryRequest struct {
	Query string `json:"query"`
	// Now is the instant now() and ago() read, RFC 3339; the server's
	// clock when empty.
	Now string `json:"now,omitempty"`
}

type queryResponse struct {
	Columns   []queryColumn   `json:"columns"`
	Rows      json.RawMessage `json:"rows"`
	Warnings  []string        `json:"warnings"`
	Truncated bool            `json:"truncated"`
	Chart     *queryChart     `json:"chart"`
	Stats     queryStats      `json:"stats"`
}

type queryColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// queryChart is a render request, completed with the columns the chart
// draws when the query does not name them, as Kusto infers them.
type queryChart struct {
	Kind     string            `json:"kind"`
	Title    string            `json:"title"`
	XColumn  string            `json:"xcolumn"`
	YColumns []string          `json:"ycolumns"`
	Series   []string          `json:"series"`
	Props    map[string]string `json:"props"`
}

type queryStats struct {
	Rows       int   `json:"rows"`
	Bytes      int   `json:"bytes"`
	DurationMs int64 `json:"durationMs"`
}

// handleQuery runs a query over the server's data.
func (p *apiPart) handleQuery(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	var req queryRequest
	if !readJSON(w, r, &req) {
		p.countQuery("invalid", start)
		return
	}
	resp, f := p.runQuery(r.Context(), req)
	if f != nil {
		p.countQuery(f.outcome, start)
		p.writeFailure(w, "query", f)
		return
	}
	resp.Stats.DurationMs = time.Since(start).Milliseconds()
	outcome := "ok"
	if resp.Truncated {
		outcome = "truncated"
	}
	p.countQuery(outcome, start)
	writeJSON(w, http.StatusOK, resp)
}

func (p *apiPart) countQuery(outcome string, start time.Time) {
	p.s.metrics.Add("kqlhunt_queries_total", "API queries, by outcome (ok, truncated, invalid, limit, busy, canceled, error).",
		Labels{"outcome", outcome}, 1)
	p.s.metrics.Observe("kqlhunt_query_duration_seconds", "Duration of API queries, from request to answer.", nil, time.Since(start))
}

// runQuery compiles and runs a query under the server's limits.
func (p *apiPart) runQuery(parent context.Context, req queryRequest) (*queryResponse, *apiFailure) {
	lim := p.s.opts.Limits
	now := p.s.defaultNow()
	if req.Now != "" {
		t, err := time.Parse(time.RFC3339Nano, req.Now)
		if err != nil {
			return nil, failure(http.StatusBadRequest, "invalid", "now: expected an RFC 3339 time such as 2025-03-05T00:00:00Z, got %q", req.Now)
		}
		now = t
	}
	// The client going away cancels the query: parent is the request's.
	ctx, cancel := context.WithTimeoutCause(parent, lim.QueryTimeout, errQueryTimeout)
	defer cancel()
	q, f := p.compile(ctx, req.Query)
	if f != nil {
		return nil, f
	}
	release, f := p.acquire(ctx)
	if f != nil {
		return nil, f
	}
	defer release()
	resp := &queryResponse{Columns: []queryColumn{}, Warnings: []string{}}
	for _, w := range q.Warnings {
		line, col := q.Source.LineCol(w.Span.Start)
		resp.Warnings = append(resp.Warnings, fmt.Sprintf("%d:%d: %s", line, col, w.Msg))
	}
	var notes bytes.Buffer
	var (
		cols      []kql.Column
		chart     *kql.Chart
		rows      json.RawMessage
		n         int
		truncated string
	)
	if p.s.opts.Engine == "" {
		d, f := p.openData(ctx)
		if f != nil {
			return nil, f
		}
		hunt.WarnEnrichment(&notes, d, q.Tables, map[string]bool{})
		for _, t := range hunt.MissingTables(d, q.Tables) {
			fmt.Fprintf(&notes, "no data for table %s; it reads as empty\n", t)
		}
		// The embedded engine streams: the rows past the limits are not
		// read.
		cursors, err := q.Open(ctx, d, kql.DatetimeOf(now))
		if err != nil {
			return nil, p.runFailure(ctx, err)
		}
		if len(cursors) == 0 {
			return nil, failure(http.StatusBadRequest, "invalid", "the query has no tabular statement to run")
		}
		if len(cursors) > 1 {
			fmt.Fprintf(&notes, "the query has %d results; only the first is shown\n", len(cursors))
		}
		for _, c := range cursors[1:] {
			c.Close()
		}
		c := cursors[0]
		rows, n, truncated, err = encodeRows(c.Next, lim.QueryRows, lim.QueryBytes)
		c.Close()
		if err != nil {
			return nil, p.runFailure(ctx, err)
		}
		cols, chart = c.Columns, c.Chart
		hunt.ReportData(&notes, d.Stats())
	} else {
		srv, f := p.server(ctx, &notes)
		if f != nil {
			return nil, f
		}
		for _, t := range hunt.MissingTables(srv, q.Tables) {
			fmt.Fprintf(&notes, "no data for table %s on the server; it reads as empty\n", t)
		}
		var b *kql.Batch
		var err error
		cols, b, err = srv.Run(ctx, q, kql.DatetimeOf(now))
		if err != nil {
			return nil, p.runFailure(ctx, err)
		}
		rows, n, truncated, _ = encodeRows(oneBatch(b), lim.QueryRows, lim.QueryBytes)
		if charts := q.Charts(); len(charts) > 0 {
			chart = charts[0]
		}
	}
	for _, col := range cols {
		resp.Columns = append(resp.Columns, queryColumn{Name: col.Name, Type: col.Type.String()})
	}
	resp.Rows, resp.Truncated = rows, truncated != ""
	resp.Stats.Rows, resp.Stats.Bytes = n, len(rows)
	if truncated != "" {
		fmt.Fprintf(&notes, "%s\n", truncated)
	}
	for _, line := range strings.Split(strings.TrimSpace(notes.String()), "\n") {
		if line = strings.TrimPrefix(strings.TrimPrefix(line, "kqlhunt: "), "warning: "); line != "" {
			resp.Warnings = append(resp.Warnings, line)
		}
	}
	resp.Chart = chartOf(chart, cols)
	return resp, nil
}

// openData opens the server's data: --data and everything ingested.
func (p *apiPart) openData(ctx context.Context) (*kql.Data, *apiFailure) {
	opts, err := p.s.dataOptions(ctx)
	if err != nil {
		return nil, failure(http.StatusInternalServerError, "error", "the server's data: %v", err)
	}
	d, err := kql.OpenData(opts, p.s.opts.Catalog)
	if err != nil {
		return nil, failure(http.StatusInternalServerError, "error", "opening the server's data: %v", err)
	}
	return d, nil
}

// queryServer is the database server of --engine, which runs the API's
// queries in its place: hunt.Engine, and one query's rows.
type queryServer interface {
	hunt.Engine
	Run(ctx context.Context, q *kql.Query, now kql.Datetime) ([]kql.Column, *kql.Batch, error)
}

// server opens the --engine server, once every row acknowledged so far
// is there; warnings about queries that run in part in kqlhunt go to
// warn.
func (p *apiPart) server(ctx context.Context, warn io.Writer) (queryServer, *apiFailure) {
	if _, err := p.s.ingest.paths(ctx); err != nil {
		return nil, p.runFailure(ctx, err)
	}
	srv, err := hunt.ServerEngine(p.s.opts.Engine, warn)
	if err != nil {
		return nil, failure(http.StatusInternalServerError, "error", "%v", err)
	}
	if err := srv.Open(p.s.opts.Catalog); err != nil {
		return nil, failure(http.StatusBadGateway, "error", "the --engine server: %v", err)
	}
	return srv, nil
}

// oneBatch returns the next function of a single batch.
func oneBatch(b *kql.Batch) func() (*kql.Batch, error) {
	return func() (*kql.Batch, error) {
		out := b
		b = nil
		return out, nil
	}
}

// runFailure is the failure of a query that stopped while running.
func (p *apiPart) runFailure(ctx context.Context, err error) *apiFailure {
	switch {
	case ctx.Err() != nil:
		return p.stopped(ctx, err)
	case errors.Is(err, kql.ErrLimit):
		return failure(http.StatusUnprocessableEntity, "limit", "the query stopped: %v (the server's limit of %d MiB per query)", err, p.s.opts.Limits.QueryMemory>>20)
	case errors.Is(err, kql.ErrInternal):
		return failure(http.StatusInternalServerError, "error", "%v", err)
	}
	// Errors of the data or of the query's values (a regex that does not
	// compile at run time, a division the engine refuses).
	return failure(http.StatusUnprocessableEntity, "error", "the query failed: %v", err)
}

// encodeRows reads the rows of the batches next returns (nil at the end) and encodes them as a JSON array of arrays,
// each value as the CLI's json format encodes it, stopping past maxRows
// rows or maxBytes bytes. truncated says which limit cut the answer, ""
// when every row is there.
func encodeRows(next func() (*kql.Batch, error), maxRows int, maxBytes int64) (out json.RawMessage, n int, truncated string, err error) {
	buf := []byte{'['}
	var row []byte
	for truncated == "" {
		b, err := next()
		if err != nil {
			return nil, 0, "", err
		}
		if b == nil {
			break
		}
		for i := 0; i < b.N; i++ {
			if n == maxRows {
				truncated = fmt.Sprintf("the result is truncated: it has more than %d rows, the server's limit for one answer", maxRows)
				break
			}
			row = append(row[:0], '[')
			for k, col := range b.Cols {
				if k > 0 {
					row = append(row, ',')
				}
				row = report.AppendJSONValue(row, col.Type, col.Get(i))
			}
			row = append(row, ']')
			if int64(len(buf)+len(row)+2) > maxBytes {
				truncated = fmt.Sprintf("the result is truncated at %d rows: the answer reached the server's limit of %d MiB", n, maxBytes>>20)
				break
			}
			if n > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, row...)
			n++
		}
	}
	return append(buf, ']'), n, truncated, nil
}

// lineCharts are the chart kinds whose x axis is, by default, the first
// datetime column.
var lineCharts = map[string]bool{"timechart": true, "linechart": true, "areachart": true, "stackedareachart": true,
	"anomalychart": true, "scatterchart": true, "timepivot": true}

// chartOf completes a render request with the columns the chart draws:
// those the query names (xcolumn, ycolumns, series), else Kusto's
// defaults — x the first column (the first datetime column for time
// charts), y the numeric columns, series the other columns.
func chartOf(ch *kql.Chart, cols []kql.Column) *queryChart {
	if ch == nil {
		return nil
	}
	out := &queryChart{Kind: ch.Kind, Title: ch.Props["title"], YColumns: []string{}, Series: []string{}, Props: ch.Props}
	if out.Props == nil {
		out.Props = map[string]string{}
	}
	out.XColumn = ch.Props["xcolumn"]
	if out.XColumn == "" && len(cols) > 0 {
		out.XColumn = cols[0].Name
		if lineCharts[ch.Kind] {
			for _, c := range cols {
				if c.Type.String() == "datetime" {
					out.XColumn = c.Name
					break
				}
			}
		}
	}
	named := func(prop string) []string {
		var names []string
		for _, n := range strings.Split(ch.Props[prop], ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
		return names
	}
	out.YColumns, out.Series = named("ycolumns"), named("series")
	inY := map[string]bool{}
	if len(out.YColumns) == 0 {
		for _, c := range cols {
			if c.Name != out.XColumn && c.Type.IsNumeric() {
				out.YColumns = append(out.YColumns, c.Name)
			}
		}
	}
	for _, y := range out.YColumns {
		inY[y] = true
	}
	if len(out.Series) == 0 && ch.Kind != "piechart" && ch.Kind != "card" && ch.Kind != "table" {
		for _, c := range cols {
			if c.Name != out.XColumn && !inY[c.Name] {
				out.Series = append(out.Series, c.Name)
			}
		}
	}
	if out.YColumns == nil {
		out.YColumns = []string{}
	}
	if out.Series == nil {
		out.Series = []string{}
	}
	return out
}
