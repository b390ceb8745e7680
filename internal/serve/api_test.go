package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/kql"
)

// apiTestData is the README's telemetry.
const apiTestData = "../../examples/telemetry"

// apiTestServer starts a server over the README's telemetry with opts
// (Store and Data set when empty) and returns it with its HTTP front.
func apiTestServer(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	if opts.Store == "" {
		opts.Store = t.TempDir()
	}
	if opts.Data == nil {
		opts.Data = []string{apiTestData}
	}
	s, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return s, ts
}

// apiDo sends a request with a JSON (or raw string) body and returns the
// status and the body.
func apiDo(t *testing.T, ts *httptest.Server, method, path string, body any, token string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// apiQueryResult is /api/query's answer as a client reads it.
type apiQueryResult struct {
	Columns []struct {
		Name, Type string
	}
	Rows      [][]json.RawMessage
	Warnings  []string
	Truncated bool
	Chart     *struct {
		Kind, Title, XColumn string
		YColumns, Series     []string
	}
	Stats struct {
		Rows       int
		DurationMs int64
	}
	Error       string
	Diagnostics []Diagnostic
}

func apiQuery(t *testing.T, ts *httptest.Server, req queryRequest) (int, apiQueryResult) {
	t.Helper()
	code, body := apiDo(t, ts, "POST", "/api/query", req, "")
	var res apiQueryResult
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return code, res
}

// seedNow is the instant the README's telemetry was recorded before.
const seedNow = "2025-03-05T00:00:00Z"

// TestQueryValuesAsCLI checks that the rows of /api/query hold each value
// as the CLI's json format writes it, for values of every type the
// telemetry and a few functions give, nulls included.
func TestQueryValuesAsCLI(t *testing.T) {
	_, ts := apiTestServer(t, Options{})
	query := `DeviceNetworkEvents
| where RemoteUrl has "screenmeet.com"
| summarize First = min(Timestamp), Ports = make_set(RemotePort), n = count(), avg = avg(todouble(RemotePort)) by DeviceName, DeviceId
| extend Span = now() - First, Nothing = tolong(""), Bag = bag_pack("k", n), Ok = n > 1
| order by DeviceName asc`
	code, res := apiQuery(t, ts, queryRequest{Query: query, Now: seedNow})
	if code != 200 {
		t.Fatalf("expected 200, got %d: %s", code, res.Error)
	}
	// The CLI's encoding of the same rows.
	q, err := kql.Compile(query, kql.Builtin(), kql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := kql.OpenData(kql.DataOptions{Paths: []string{apiTestData}}, kql.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	now, _ := kql.ParseNow(seedNow)
	results, err := q.Run(context.Background(), d, now)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := report.NewResultWriter(&out, report.JSON)
	w.Begin(results[0].Columns)
	for _, b := range results[0].Batches {
		w.Write(b)
	}
	w.End()
	var cli []map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &cli); err != nil {
		t.Fatalf("%s: %v", out.Bytes(), err)
	}
	if len(cli) < 2 || len(res.Rows) != len(cli) {
		t.Fatalf("expected %d rows (at least 2), got %d", len(cli), len(res.Rows))
	}
	if res.Stats.Rows != len(cli) || res.Truncated {
		t.Errorf("expected stats of %d rows, not truncated, got %+v, truncated %v", len(cli), res.Stats, res.Truncated)
	}
	for i, row := range res.Rows {
		for k, col := range res.Columns {
			if want := string(cli[i][col.Name]); string(row[k]) != want {
				t.Errorf("row %d column %s: expected %s, got %s", i, col.Name, want, row[k])
			}
		}
	}
	types := map[string]string{}
	for i, c := range results[0].Columns {
		types[c.Name] = c.Type.String()
		if res.Columns[i].Name != c.Name || res.Columns[i].Type != c.Type.String() {
			t.Errorf("column %d: expected %s:%s, got %s:%s", i, c.Name, c.Type, res.Columns[i].Name, res.Columns[i].Type)
		}
	}
	if types["Span"] != "timespan" || types["Bag"] != "dynamic" || types["Nothing"] != "long" || types["avg"] != "real" || types["Ok"] != "bool" {
		t.Errorf("unexpected types %v", types)
	}
	if res.Chart != nil {
		t.Errorf("expected no chart, got %+v", res.Chart)
	}
}

// TestQueryErrors checks the answers of queries that do not run.
func TestQueryErrors(t *testing.T) {
	_, ts := apiTestServer(t, Options{})
	// The emoji takes two UTF-16 code units and four bytes: offsets are
	// JavaScript's.
	text := "print s = \"😀\"\n| where Nope == 1"
	code, res := apiQuery(t, ts, queryRequest{Query: text})
	if code != 400 || len(res.Diagnostics) == 0 {
		t.Fatalf("expected 400 with diagnostics, got %d %+v", code, res)
	}
	d := res.Diagnostics[0]
	at := strings.Index(text, "Nope")
	want := len(utf16.Encode([]rune(text[:at])))
	if d.Start != want || d.End != want+4 || d.Line != 2 || d.Column != 9 || d.Severity != "error" || !strings.Contains(d.Message, "Nope") {
		t.Errorf("expected an error at %d-%d, 2:9 about 'Nope', got %+v", want, want+4, d)
	}
	if !strings.Contains(res.Error, "Nope") {
		t.Errorf("expected the error to name 'Nope', got %q", res.Error)
	}
	for _, c := range []struct {
		req  string
		code int
		msg  string
	}{
		{`{"query": ""}`, 400, "the query is empty"},
		{`{"query": "print 1", "now": "yesterday"}`, 400, `now: expected an RFC 3339 time`},
		{`{"query": "print 1", "extra": 1}`, 400, `unknown field "extra"`},
		{`{"query": 1}`, 400, "malformed request body"},
		{`{"query": "print 1"} {}`, 400, "unexpected data after the JSON object"},
	} {
		code, body := apiDo(t, ts, "POST", "/api/query", c.req, "")
		var e apiError
		json.Unmarshal(body, &e)
		if code != c.code || !strings.Contains(e.Error, c.msg) {
			t.Errorf("%s: expected %d %q, got %d %s", c.req, c.code, c.msg, code, body)
		}
	}
}

// TestQueryLimits checks truncation at the row and byte limits, the
// time and memory limits, and a full server.
func TestQueryLimits(t *testing.T) {
	_, ts := apiTestServer(t, Options{Limits: Limits{QueryRows: 3}})
	_, res := apiQuery(t, ts, queryRequest{Query: "range x from 1 to 10 step 1"})
	if !res.Truncated || len(res.Rows) != 3 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "more than 3 rows") {
		t.Errorf("expected 3 rows, truncated, with a warning, got %+v", res)
	}
	_, res = apiQuery(t, ts, queryRequest{Query: "range x from 1 to 3 step 1"})
	if res.Truncated || len(res.Rows) != 3 || len(res.Warnings) != 0 {
		t.Errorf("expected 3 rows, not truncated, got %+v", res)
	}

	_, ts = apiTestServer(t, Options{Limits: Limits{QueryBytes: 100}})
	_, res = apiQuery(t, ts, queryRequest{Query: "range x from 1000000 to 1000100 step 1"})
	// Each row is [1000xxx] (9 bytes) and a comma.
	if !res.Truncated || len(res.Rows) != 9 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "truncated at 9 rows") {
		t.Errorf("expected 9 rows, truncated by size, got %d rows, %v", len(res.Rows), res.Warnings)
	}

	_, ts = apiTestServer(t, Options{Limits: Limits{QueryMemory: 64 << 10}})
	code, res := apiQuery(t, ts, queryRequest{Query: "range x from 1 to 1000000 step 1 | summarize make_list(x)"})
	if code != 422 || !strings.Contains(res.Error, "limit") {
		t.Errorf("expected 422 at the memory limit, got %d %q", code, res.Error)
	}

	_, ts = apiTestServer(t, Options{Limits: Limits{QueryTimeout: time.Nanosecond}})
	code, res = apiQuery(t, ts, queryRequest{Query: "range x from 1 to 100000000 step 1 | count"})
	if code != 422 || !strings.Contains(res.Error, "ran longer than the limit") {
		t.Errorf("expected 422 at the time limit, got %d %q", code, res.Error)
	}

	s, ts := apiTestServer(t, Options{Limits: Limits{Queries: 1}})
	defer func(d time.Duration) { queueWait = d }(queueWait)
	queueWait = 20 * time.Millisecond
	s.queries <- struct{}{} // a query runs
	resp, err := http.Post(ts.URL+"/api/query", "application/json", strings.NewReader(`{"query": "print 1"}`))
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if resp.StatusCode != 429 || !strings.Contains(res.Error, "retry later") || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("expected 429 with Retry-After on a full server, got %d %q %v", resp.StatusCode, res.Error, resp.Header)
	}
	<-s.queries
	if code, _ := apiQuery(t, ts, queryRequest{Query: "print 1"}); code != 200 {
		t.Errorf("expected 200 once the slot is free, got %d", code)
	}
	if n := s.metrics.Counter("kqlhunt_queries_total", Labels{"outcome", "busy"}); n != 1 {
		t.Errorf("expected 1 busy query counted, got %v", n)
	}
	if n := s.metrics.Counter("kqlhunt_queries_total", Labels{"outcome", "ok"}); n != 1 {
		t.Errorf("expected 1 ok query counted, got %v", n)
	}
	var m bytes.Buffer
	s.metrics.WriteText(&m)
	if !strings.Contains(m.String(), "kqlhunt_query_duration_seconds_count 2") {
		t.Errorf("expected 2 query durations, got\n%s", m.String())
	}
}

// TestQueryCanceled checks that a query stops when its request's context
// ends (the client went away).
func TestQueryCanceled(t *testing.T) {
	s, _ := apiTestServer(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	_, f := s.api.runQuery(ctx, queryRequest{Query: "range x from 1 to 10000000000 step 1 | summarize count()"})
	if f == nil || f.outcome != "canceled" {
		t.Fatalf("expected the query canceled, got %+v", f)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("expected the query to stop soon after the cancel, took %v", d)
	}
}

// TestQueryWarnings checks that what the CLI prints as warnings comes
// back in warnings: tables without data, the query's own warnings.
func TestQueryWarnings(t *testing.T) {
	_, ts := apiTestServer(t, Options{})
	_, res := apiQuery(t, ts, queryRequest{Query: "DeviceProcessEvents | take 1"})
	if len(res.Warnings) != 1 || res.Warnings[0] != "no data for table DeviceProcessEvents; it reads as empty" {
		t.Errorf("expected a warning for the table without data, got %q", res.Warnings)
	}
	dir := t.TempDir()
	bad := dir + "/DeviceNetworkEvents.jsonl"
	apiWriteFile(t, bad, "{\"Timestamp\": \"2025-03-04T08:00:00Z\", \"DeviceName\": \"a\"}\nnot json\n")
	_, ts = apiTestServer(t, Options{Data: []string{bad}})
	_, res = apiQuery(t, ts, queryRequest{Query: "DeviceNetworkEvents | count"})
	if len(res.Rows) != 1 || string(res.Rows[0][0]) != "1" || !strings.Contains(strings.Join(res.Warnings, "\n"), "skipped 1 malformed line") {
		t.Errorf("expected 1 row and a warning for the malformed line, got %s %q", res.Rows, res.Warnings)
	}
}

// TestQueryChart checks the chart of a render, with the columns Kusto
// infers and the ones the query names.
func TestQueryChart(t *testing.T) {
	_, ts := apiTestServer(t, Options{})
	_, res := apiQuery(t, ts, queryRequest{Query: `DeviceNetworkEvents | summarize n = count() by bin(Timestamp, 1h), DeviceName | render timechart with (title="Connections")`})
	c := res.Chart
	if c == nil || c.Kind != "timechart" || c.Title != "Connections" || c.XColumn != "Timestamp" ||
		strings.Join(c.YColumns, ",") != "n" || strings.Join(c.Series, ",") != "DeviceName" {
		t.Errorf("expected a timechart of n over Timestamp by DeviceName, got %+v", c)
	}
	_, res = apiQuery(t, ts, queryRequest{Query: `DeviceNetworkEvents | summarize n = count(), p = dcount(RemotePort) by DeviceName | render columnchart with (xcolumn=DeviceName, ycolumns=p)`})
	c = res.Chart
	if c == nil || c.Kind != "columnchart" || c.XColumn != "DeviceName" || strings.Join(c.YColumns, ",") != "p" {
		t.Errorf("expected a columnchart of p by DeviceName, got %+v", c)
	}
	_, res = apiQuery(t, ts, queryRequest{Query: `DeviceNetworkEvents | summarize n = count() by DeviceName | render piechart`})
	c = res.Chart
	if c == nil || c.Kind != "piechart" || c.XColumn != "DeviceName" || strings.Join(c.YColumns, ",") != "n" || len(c.Series) != 0 {
		t.Errorf("expected a piechart of n by DeviceName, got %+v", c)
	}
}

// TestCheck checks /api/check's diagnostics: errors and warnings with
// UTF-16 positions, none for a good query.
func TestCheck(t *testing.T) {
	_, ts := apiTestServer(t, Options{})
	check := func(query string) []Diagnostic {
		code, body := apiDo(t, ts, "POST", "/api/check", checkRequest{Query: query}, "")
		var res checkResponse
		if err := json.Unmarshal(body, &res); err != nil || code != 200 || res.Diagnostics == nil {
			t.Fatalf("%s: expected 200 with diagnostics, got %d %s", query, code, body)
		}
		return res.Diagnostics
	}
	if ds := check("DeviceNetworkEvents | take 1"); len(ds) != 0 {
		t.Errorf("expected no diagnostics, got %+v", ds)
	}
	text := "let s = \"é\";\nDeviceNetworkEvents | where RemoteUrl has \"𝒳\" and Nope"
	ds := check(text)
	at := strings.Index(text, "Nope")
	want := len(utf16.Encode([]rune(text[:at])))
	if len(ds) == 0 || ds[0].Start != want || ds[0].End != want+4 || ds[0].Line != 2 || ds[0].Column != 51 {
		t.Errorf("expected an error at %d (2:51), got %+v", want, ds)
	}
	ds = check("union isfuzzy=true DeviceNetworkEvents, Nope")
	if len(ds) != 1 || ds[0].Severity != "warning" || ds[0].Start != 40 || ds[0].Column != 41 || !strings.Contains(ds[0].Message, "Nope") {
		t.Errorf("expected a warning at 40 (1:41) about 'Nope', got %+v", ds)
	}
	code, _ := apiDo(t, ts, "POST", "/api/check", `{"query": "x", "offset": 1}`, "")
	if code != 400 {
		t.Errorf("expected 400 for an unknown field, got %d", code)
	}
}

// TestComplete checks /api/complete: offsets in UTF-16 code units both
// ways, items from the catalog.
func TestComplete(t *testing.T) {
	_, ts := apiTestServer(t, Options{})
	complete := func(query string, offset int) (int, completeResponse) {
		code, body := apiDo(t, ts, "POST", "/api/complete", completeRequest{Query: query, Offset: offset}, "")
		var res completeResponse
		json.Unmarshal(body, &res)
		return code, res
	}
	text := "let s = \"😀\";\nDeviceNetworkEvents | where Rem"
	end := len(utf16.Encode([]rune(text)))
	code, res := complete(text, end)
	if code != 200 || res.From != end-3 {
		t.Fatalf("expected 200 from %d, got %d from %d", end-3, code, res.From)
	}
	var got []string
	for _, it := range res.Items {
		if it.Kind == "column" {
			got = append(got, it.Label)
		}
	}
	if strings.Join(got, ",") != "RemoteIP,RemotePort,RemoteUrl,RemoteIPType" && !(len(got) >= 3 && contains(got, "RemoteUrl")) {
		t.Errorf("expected the Remote columns, got %v", got)
	}
	code, res = complete("Dev", 3)
	if code != 200 || res.From != 0 || len(res.Items) == 0 || res.Items[0].Kind != "table" {
		t.Errorf("expected tables from 0, got %d %+v", code, res)
	}
	for _, off := range []int{-1, end + 1} {
		if code, _ := complete(text, off); code != 400 {
			t.Errorf("offset %d: expected 400, got %d", off, code)
		}
	}
}

func apiWriteFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestTables checks /api/tables: every catalog table with its columns,
// the rows of those with data, which come first.
func TestTables(t *testing.T) {
	_, ts := apiTestServer(t, Options{})
	code, body := apiDo(t, ts, "GET", "/api/tables", nil, "")
	var res tablesResponse
	if err := json.Unmarshal(body, &res); err != nil || code != 200 {
		t.Fatalf("expected 200, got %d %s", code, body)
	}
	// The rows the CLI counts.
	q, _ := kql.Compile("DeviceNetworkEvents | count", kql.Builtin(), kql.Options{})
	d, _ := kql.OpenData(kql.DataOptions{Paths: []string{apiTestData}}, kql.Builtin())
	rs, err := q.Run(context.Background(), d, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := rs[0].Batches[0].Cols[0].Get(0).(int64)
	if len(res.Tables) < 10 || res.Tables[0].Name != "DeviceNetworkEvents" || res.Tables[0].Rows != want || want == 0 {
		t.Fatalf("expected DeviceNetworkEvents first with %d rows, got %+v", want, res.Tables[:min(2, len(res.Tables))])
	}
	if len(res.Tables[0].Columns) < 10 || res.Tables[0].Columns[0].Name == "" || res.Tables[0].Columns[0].Type == "" {
		t.Errorf("expected the columns of DeviceNetworkEvents, got %+v", res.Tables[0].Columns)
	}
	for _, tb := range res.Tables[1:] {
		if tb.Rows != 0 {
			t.Errorf("expected no rows in %s, got %d", tb.Name, tb.Rows)
		}
	}
	if !sortedByName(res.Tables[1:]) {
		t.Error("expected the tables without data sorted by name")
	}
}

func sortedByName(ts []tableInfo) bool {
	for i := 1; i < len(ts); i++ {
		if ts[i-1].Name > ts[i].Name {
			return false
		}
	}
	return true
}

// TestQueryEngineErrors checks the answers of the API when the --engine
// server cannot be used: a URL that is not ClickHouse's is refused when
// the server starts; a server that does not answer fails each query.
// (Queries on a live server are tested with the ClickHouse engine's own
// tests; the API hands them over as the CLI does.)
func TestQueryEngineErrors(t *testing.T) {
	if _, err := New(context.Background(), Options{Store: t.TempDir(), Engine: "postgres://x/y"}); err == nil || !strings.Contains(err.Error(), "expected clickhouse://") {
		t.Errorf("postgres://x/y: expected the server to refuse the URL when it starts, got %v", err)
	}
	for _, c := range []struct {
		engine string
		code   int
		msg    string
	}{
		{"clickhouse://127.0.0.1:1/hunting", 502, "the --engine server"},
	} {
		_, ts := apiTestServer(t, Options{Engine: c.engine})
		code, res := apiQuery(t, ts, queryRequest{Query: "DeviceNetworkEvents | count"})
		if code != c.code || !strings.Contains(res.Error, c.msg) {
			t.Errorf("%s: expected %d %q, got %d %q", c.engine, c.code, c.msg, code, res.Error)
		}
		code, body := apiDo(t, ts, "GET", "/api/tables", nil, "")
		if code != c.code || !strings.Contains(string(body), c.msg) {
			t.Errorf("%s: tables: expected %d %q, got %d %s", c.engine, c.code, c.msg, code, body)
		}
	}
}
