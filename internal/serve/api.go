package serve

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// apiPart is the query API: POST /api/query, /api/check and
// /api/complete, GET /api/tables and /api/openapi.json. Queries go
// through the one door (kql) over the server's data (Server.dataOptions),
// bounded by Options.Limits.
type apiPart struct {
	s *Server
}

func (p *apiPart) open(ctx context.Context, s *Server) error {
	p.s = s
	return nil
}

func (p *apiPart) close() error { return nil }

func (p *apiPart) routes() []route {
	return []route{
		{pattern: "POST /api/query", scope: ScopeRead, handler: p.handleQuery},
		{pattern: "POST /api/check", scope: ScopeRead, handler: p.handleCheck},
		{pattern: "POST /api/complete", scope: ScopeRead, handler: p.handleComplete},
		{pattern: "GET /api/tables", scope: ScopeRead, handler: p.handleTables},
		// The document describes the API; it holds nothing of the data.
		{pattern: "GET /api/openapi.json", handler: p.handleOpenAPI},
	}
}

// queueWait bounds how long a query waits for a free slot (Limits.Queries)
// before it is refused with 429.
var queueWait = 5 * time.Second

// errQueryTimeout is the cause of a query context that Limits.QueryTimeout
// ended.
var errQueryTimeout = errors.New("query time limit reached")

// apiFailure is an API answer other than 200: the status and the body.
type apiFailure struct {
	status int
	body   apiError
	// outcome is the label of kqlhunt_queries_total.
	outcome string
}

func (f *apiFailure) Error() string { return f.body.Error }

func failure(status int, outcome, format string, args ...any) *apiFailure {
	return &apiFailure{status: status, outcome: outcome, body: apiError{Error: fmt.Sprintf(format, args...)}}
}

// writeFailure answers with f, counting answers the server is to blame
// for (5xx).
func (p *apiPart) writeFailure(w http.ResponseWriter, endpoint string, f *apiFailure) {
	if f.status >= 500 {
		p.s.metrics.Add("kqlhunt_api_errors_total", "API requests that failed on the server's side (5xx), by endpoint.",
			Labels{"endpoint", endpoint}, 1)
	}
	if f.status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, f.status, f.body)
}

// acquire takes a query slot, waiting at most queueWait and no longer
// than ctx; release gives it back.
func (p *apiPart) acquire(ctx context.Context) (release func(), f *apiFailure) {
	select {
	case p.s.queries <- struct{}{}:
		return func() { <-p.s.queries }, nil
	default:
	}
	t := time.NewTimer(queueWait)
	defer t.Stop()
	select {
	case p.s.queries <- struct{}{}:
		return func() { <-p.s.queries }, nil
	case <-ctx.Done():
		return nil, failure(499, "canceled", "the request was canceled while waiting for a query slot")
	case <-t.C:
		return nil, failure(http.StatusTooManyRequests, "busy",
			"the server is running %d queries already, its limit; retry later", cap(p.s.queries))
	}
}

// compile compiles a query of the API; a query that does not compile is
// a 400 with its diagnostics.
func (p *apiPart) compile(ctx context.Context, text string) (*kql.Query, *apiFailure) {
	if strings.TrimSpace(text) == "" {
		return nil, failure(http.StatusBadRequest, "invalid", "the query is empty")
	}
	q, err := kql.CompileContext(ctx, text, p.s.opts.Catalog, kql.Options{MaxMemory: p.s.opts.Limits.QueryMemory})
	var ce *kql.Error
	switch {
	case err == nil:
		return q, nil
	case errors.As(err, &ce):
		f := failure(http.StatusBadRequest, "invalid", "the query has errors: %s", firstError(ce.Diags))
		f.body.Diagnostics = diagnostics(ce.Source, ce.Diags)
		return nil, f
	case ctx.Err() != nil:
		return nil, p.stopped(ctx, err)
	}
	return nil, failure(http.StatusBadRequest, "invalid", "%v", err)
}

// firstError returns the message of the first error of diags.
func firstError(diags kql.Diagnostics) string {
	for _, d := range diags {
		if d.Severity.String() == "error" {
			return d.Msg
		}
	}
	return "unknown error"
}

// stopped is the failure of a query whose context ended: the time limit,
// or the client that went away.
func (p *apiPart) stopped(ctx context.Context, err error) *apiFailure {
	if errors.Is(context.Cause(ctx), errQueryTimeout) {
		return failure(http.StatusUnprocessableEntity, "limit", "the query stopped: it ran longer than the limit of %v", p.s.opts.Limits.QueryTimeout)
	}
	return failure(499, "canceled", "the query was canceled: %v", err)
}

// diagnostics converts kql diagnostics to the API's, with UTF-16 offsets.
func diagnostics(src *kql.Source, diags kql.Diagnostics) []Diagnostic {
	out := make([]Diagnostic, 0, len(diags))
	for _, d := range diags {
		start, end := max(0, min(d.Span.Start, len(src.Text))), max(0, min(d.Span.End, len(src.Text)))
		line, col := src.LineCol(start)
		out = append(out, Diagnostic{Severity: d.Severity.String(), Message: d.Msg,
			Start: utf16Len(src.Text[:start]), End: utf16Len(src.Text[:max(start, end)]), Line: line, Column: col})
	}
	return out
}

type checkRequest struct {
	Query string `json:"query"`
}

type checkResponse struct {
	Diagnostics []Diagnostic `json:"diagnostics"`
}

// handleCheck answers the diagnostics of a query, errors and warnings,
// for the console's live diagnostics: 200 whether or not it compiles.
func (p *apiPart) handleCheck(w http.ResponseWriter, r *http.Request) {
	var req checkRequest
	if !readJSON(w, r, &req) {
		return
	}
	ctx, cancel := context.WithTimeoutCause(r.Context(), p.s.opts.Limits.QueryTimeout, errQueryTimeout)
	defer cancel()
	q, err := kql.CompileContext(ctx, req.Query, p.s.opts.Catalog, kql.Options{})
	var ce *kql.Error
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, checkResponse{Diagnostics: diagnostics(q.Source, q.Warnings)})
	case errors.As(err, &ce):
		writeJSON(w, http.StatusOK, checkResponse{Diagnostics: diagnostics(ce.Source, ce.Diags)})
	case ctx.Err() != nil:
		p.writeFailure(w, "check", p.stopped(ctx, err))
	default:
		// Compilation failures that are not diagnostics (bad exclusions,
		// which the API does not take) have no position: the whole text.
		writeJSON(w, http.StatusOK, checkResponse{Diagnostics: []Diagnostic{{Severity: "error", Message: err.Error(),
			Start: 0, End: utf16Len(req.Query), Line: 1, Column: 1}}})
	}
}

type completeRequest struct {
	Query string `json:"query"`
	// Offset is the cursor, in UTF-16 code units.
	Offset int `json:"offset"`
}

type completeResponse struct {
	From  int            `json:"from"`
	Items []completeItem `json:"items"`
}

type completeItem struct {
	Label  string `json:"label"`
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
	Insert string `json:"insert"`
}

// maxCompleteItems bounds the items of one completion answer.
const maxCompleteItems = 1000

// handleComplete answers what may be typed at the cursor.
func (p *apiPart) handleComplete(w http.ResponseWriter, r *http.Request) {
	var req completeRequest
	if !readJSON(w, r, &req) {
		return
	}
	n := utf16Len(req.Query)
	if req.Offset < 0 || req.Offset > n {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("offset: expected 0 to %d (UTF-16 code units of the query), got %d", n, req.Offset))
		return
	}
	off := byteOffset(req.Query, req.Offset)
	c := kql.Complete(req.Query, off, p.s.opts.Catalog)
	resp := completeResponse{From: utf16Len(req.Query[:c.From]), Items: make([]completeItem, 0, min(len(c.Items), maxCompleteItems))}
	for _, it := range c.Items[:min(len(c.Items), maxCompleteItems)] {
		resp.Items = append(resp.Items, completeItem{Label: it.Label, Kind: it.Kind, Detail: it.Detail, Insert: it.Insert})
	}
	writeJSON(w, http.StatusOK, resp)
}

// handleOpenAPI serves the OpenAPI document of the API.
func (p *apiPart) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
}

//go:embed openapi.json
var openAPIDoc []byte

// utf16Len returns the length of s in UTF-16 code units, as JavaScript
// counts it.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// byteOffset returns the byte offset of s at u UTF-16 code units; an
// offset inside a surrogate pair is moved to the character's start.
func byteOffset(s string, u int) int {
	n := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > u {
			return i
		}
		n += w
	}
	return len(s)
}
