package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

func newIngestServer(t *testing.T, opts Options) (*Server, http.Handler) {
	t.Helper()
	if opts.Store == "" {
		opts.Store = t.TempDir()
	}
	s, err := New(context.Background(), opts)
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, s.Handler()
}

type ingestAnswer struct {
	Accepted int `json:"accepted"`
	Rejected int `json:"rejected"`
	Errors   []struct {
		Record int    `json:"record"`
		Reason string `json:"reason"`
	} `json:"errors"`
	Duplicate bool   `json:"duplicate"`
	Error     string `json:"error"`
}

func post(t *testing.T, h http.Handler, target, key, body string) (int, ingestAnswer) {
	t.Helper()
	req := httptest.NewRequest("POST", target, strings.NewReader(body))
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var a ingestAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Fatalf("answer %q: %v", rec.Body.String(), err)
	}
	return rec.Code, a
}

// ids returns the ReportIds of table in everything the server has
// ingested, as queries read it, sorted.
func ids(t *testing.T, s *Server, table string) []int64 {
	t.Helper()
	opts, err := s.dataOptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(opts.Paths) == 0 {
		return nil
	}
	d, err := kql.OpenData(opts, s.opts.Catalog)
	if err != nil {
		t.Fatal(err)
	}
	if !d.HasTable(table) {
		return nil
	}
	q, err := kql.Compile(table+" | project ReportId", s.opts.Catalog, kql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Run(context.Background(), d, kql.Now())
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for r := range res[0].All() {
		out = append(out, r[0].(int64))
	}
	slices.Sort(out)
	return out
}

func rec(table string, id int) string {
	return fmt.Sprintf(`{"time":"2025-03-04T10:00:00Z","tenantId":"t1","category":"AdvancedHunting-%s","properties":{"Timestamp":"2025-03-04T10:0%d:00Z","DeviceName":"ws-1","ReportId":%d}}`, table, id%10, id)
}

func TestIngestEventHubMessage(t *testing.T) {
	s, h := newIngestServer(t, Options{})
	body := `{"records": [
  ` + rec("DeviceNetworkEvents", 1) + `,
  ` + rec("DeviceProcessEvents", 2) + `,
  ` + rec("NoSuchTable", 3) + `,
  "not a record",
  ` + rec("DeviceNetworkEvents", 4) + `
]}`
	code, a := post(t, h, "/ingest", "", body)
	if code != http.StatusAccepted || a.Accepted != 3 || a.Rejected != 2 || a.Duplicate {
		t.Fatalf("expected 202 with 3 accepted and 2 rejected, got %d %+v", code, a)
	}
	if len(a.Errors) != 2 || a.Errors[0].Record != 2 || !strings.Contains(a.Errors[0].Reason, `unknown table "NoSuchTable"`) || a.Errors[1].Record != 3 || !strings.Contains(a.Errors[1].Reason, "malformed") {
		t.Fatalf("expected records 2 (unknown table) and 3 (malformed) rejected, got %+v", a.Errors)
	}
	if got := ids(t, s, "DeviceNetworkEvents"); !slices.Equal(got, []int64{1, 4}) {
		t.Fatalf("DeviceNetworkEvents: expected ReportIds [1 4], got %v", got)
	}
	if got := ids(t, s, "DeviceProcessEvents"); !slices.Equal(got, []int64{2}) {
		t.Fatalf("DeviceProcessEvents: expected ReportIds [2], got %v", got)
	}
	if n := s.metrics.Counter(metricIngested, Labels{"table", "DeviceNetworkEvents"}); n != 2 {
		t.Fatalf("expected 2 rows counted ingested, got %v", n)
	}
	if n := s.metrics.Counter(metricRejected, Labels{"table", "unknown", "reason", "unknown_table"}); n != 1 {
		t.Fatalf("expected 1 row counted rejected for an unknown table, got %v", n)
	}
	if rows := s.ingest.rows(); rows["DeviceNetworkEvents"] != 2 || rows["DeviceProcessEvents"] != 1 || len(rows) != 2 {
		t.Fatalf("expected 2 and 1 rows per table, got %v", rows)
	}
	var text strings.Builder
	s.metrics.WriteText(&text)
	if !strings.Contains(text.String(), "kqlhunt_ingest_duration_seconds_count 1") {
		t.Fatalf("expected one ingestion timed, got metrics %s", text.String())
	}
}

func TestIngestStorageLines(t *testing.T) {
	s, h := newIngestServer(t, Options{})
	body := rec("DeviceNetworkEvents", 1) + "\n\n" + `{"time": "broken` + "\n" + rec("DeviceNetworkEvents", 2) + "\r\n" +
		`{"records": [` + rec("DeviceNetworkEvents", 3) + `]}` + "\n" + `{"DeviceName": "a row without a table"}` + "\n"
	code, a := post(t, h, "/ingest", "", body)
	if code != http.StatusAccepted || a.Accepted != 3 || a.Rejected != 2 {
		t.Fatalf("expected 202 with 3 accepted, 2 rejected, got %d %+v", code, a)
	}
	if a.Errors[0].Record != 1 || a.Errors[1].Record != 4 || !strings.Contains(a.Errors[1].Reason, "?table=NAME") {
		t.Fatalf("expected records 1 (malformed) and 4 (no table) rejected, got %+v", a.Errors)
	}
	if got := ids(t, s, "DeviceNetworkEvents"); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Fatalf("expected ReportIds [1 2 3], got %v", got)
	}
	// TimeGenerated is filled from the record's time, TenantId from its
	// tenantId, as the readers fill them.
	opts, _ := s.dataOptions(context.Background())
	d, _ := kql.OpenData(opts, s.opts.Catalog)
	q, _ := kql.Compile(`DeviceNetworkEvents | where ReportId == 1 | project TimeGenerated, Timestamp`, s.opts.Catalog, kql.Options{})
	res, err := q.Run(context.Background(), d, kql.Now())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range res[0].All() {
		n++
		if got := fmt.Sprint(r[0], " ", r[1]); got != "2025-03-04T10:00:00.0000000Z 2025-03-04T10:01:00.0000000Z" {
			t.Fatalf("expected TimeGenerated from the record's time and Timestamp from its properties, got %s", got)
		}
	}
	if n != 1 {
		t.Fatalf("expected 1 row, got %d", n)
	}
}

func TestIngestJSONArray(t *testing.T) {
	s, h := newIngestServer(t, Options{})
	body := "[\n" + rec("DeviceNetworkEvents", 1) + ",\n" + `{"ReportId": 2}` + ",\n7\n]"
	code, a := post(t, h, "/ingest?table=DeviceNetworkEvents", "", body)
	if code != http.StatusAccepted || a.Accepted != 2 || a.Rejected != 1 || a.Errors[0].Record != 2 {
		t.Fatalf("expected 2 accepted and element 2 rejected, got %d %+v", code, a)
	}
	if got := ids(t, s, "DeviceNetworkEvents"); !slices.Equal(got, []int64{1, 2}) {
		t.Fatalf("expected ReportIds [1 2], got %v", got)
	}
}

func TestIngestRowsWithTable(t *testing.T) {
	s, h := newIngestServer(t, Options{})
	body := `{"Timestamp":"2025-03-04T10:00:00Z","ReportId":1}
{"Timestamp":"2025-03-04T11:00:00Z","ReportId":2}
{"Timestamp":"2025-03-04T11:00:00Z","ReportId":3,"Type":"DeviceEvents"}
[1, 2]
`
	code, a := post(t, h, "/ingest?table=devicefileevents", "", body)
	if code != http.StatusAccepted || a.Accepted != 3 || a.Rejected != 1 || a.Errors[0].Record != 3 {
		t.Fatalf("expected 3 accepted and record 3 rejected, got %d %+v", code, a)
	}
	if got := ids(t, s, "DeviceFileEvents"); !slices.Equal(got, []int64{1, 2}) {
		t.Fatalf("DeviceFileEvents: expected ReportIds [1 2], got %v", got)
	}
	// A Log Analytics row goes to the table its Type names.
	if got := ids(t, s, "DeviceEvents"); !slices.Equal(got, []int64{3}) {
		t.Fatalf("DeviceEvents: expected ReportIds [3], got %v", got)
	}
	code, a = post(t, h, "/ingest?table=Nope", "", body)
	if code != http.StatusBadRequest || !strings.Contains(a.Error, `unknown table "Nope"`) {
		t.Fatalf("expected 400 for an unknown table, got %d %+v", code, a)
	}
}

func TestIngestRefusesBodies(t *testing.T) {
	s, h := newIngestServer(t, Options{Limits: Limits{IngestBytes: 2000}})
	for _, tc := range []struct{ name, body, want string }{
		{"empty", "  \n", "empty"},
		{"a byte order mark", "\xef\xbb\xbf", "empty"},
		{"not json", "hello\nworld\n", "neither"},
		{"broken message", "{\"records\": [\n" + rec("DeviceNetworkEvents", 1) + ",\n", "neither"},
	} {
		code, a := post(t, h, "/ingest", "", tc.body)
		if code != http.StatusBadRequest || !strings.Contains(a.Error, tc.want) {
			t.Errorf("%s: expected 400 saying %q, got %d %+v", tc.name, tc.want, code, a)
		}
	}
	code, a := post(t, h, "/ingest", "", strings.Repeat(rec("DeviceNetworkEvents", 1)+"\n", 20))
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(a.Error, "larger than 2000 bytes") {
		t.Fatalf("expected 413, got %d %+v", code, a)
	}
	if rows := s.ingest.store.Rows(); len(rows) != 0 {
		t.Fatalf("expected nothing stored, got %v", rows)
	}
}

func TestIngestRecordTooLarge(t *testing.T) {
	_, h := newIngestServer(t, Options{})
	big := fmt.Sprintf(`{"Timestamp":"2025-03-04T10:00:00Z","ReportId":1,"AdditionalFields":%q}`, strings.Repeat("x", MaxRecordBytes))
	code, a := post(t, h, "/ingest?table=DeviceEvents", "", big+"\n"+`{"ReportId":2}`)
	if code != http.StatusAccepted || a.Accepted != 1 || a.Rejected != 1 || !strings.Contains(a.Errors[0].Reason, "more than the limit") {
		t.Fatalf("expected the large record rejected, the other accepted, got %d %+v", code, a)
	}
}

func TestIngestIdempotencyKey(t *testing.T) {
	s, h := newIngestServer(t, Options{})
	body := rec("DeviceNetworkEvents", 1) + "\n" + rec("DeviceNetworkEvents", 2) + "\nbad\n"
	_, first := post(t, h, "/ingest", "batch-1", body)
	code, again := post(t, h, "/ingest", "batch-1", body)
	if code != http.StatusAccepted || !again.Duplicate || again.Accepted != first.Accepted || again.Rejected != 1 || len(again.Errors) != 1 {
		t.Fatalf("expected a duplicate with the first answer's counts %+v, got %d %+v", first, code, again)
	}
	if got := ids(t, s, "DeviceNetworkEvents"); !slices.Equal(got, []int64{1, 2}) {
		t.Fatalf("expected ReportIds [1 2] once, got %v", got)
	}
	if n := s.metrics.Counter(metricIngested, Labels{"table", "DeviceNetworkEvents"}); n != 2 {
		t.Fatalf("expected a duplicate not counted again, got %v rows counted", n)
	}
	// Across a restart.
	store := s.opts.Store
	s.Close()
	s2, h2 := newIngestServer(t, Options{Store: store})
	if _, a := post(t, h2, "/ingest", "batch-1", body); !a.Duplicate {
		t.Fatalf("expected a duplicate after a restart, got %+v", a)
	}
	if got := ids(t, s2, "DeviceNetworkEvents"); !slices.Equal(got, []int64{1, 2}) {
		t.Fatalf("after restart: expected ReportIds [1 2] once, got %v", got)
	}
}

func TestIngestNeedsScope(t *testing.T) {
	dir := t.TempDir()
	tokens := dir + "/tokens"
	writeFile(t, tokens, "reader read\nfeeder ingest\n")
	_, h := newIngestServer(t, Options{Tokens: tokens})
	for _, tc := range []struct {
		token string
		want  int
	}{{"", 401}, {"reader", 403}, {"feeder", 202}} {
		req := httptest.NewRequest("POST", "/ingest", strings.NewReader(rec("DeviceEvents", 1)))
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tc.want {
			t.Errorf("token %q: expected %d, got %d %s", tc.token, tc.want, w.Code, w.Body)
		}
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// FuzzParseRecords: no body makes parseRecords panic, and every record
// is accepted or rejected, never both.
func FuzzParseRecords(f *testing.F) {
	for _, seed := range []string{
		rec("DeviceNetworkEvents", 1) + "\n" + `{"ReportId":2}`,
		`{"records": [` + rec("DeviceEvents", 1) + `, 5, {"category": 7}]}`,
		`[{"Type": "DeviceEvents"}, []]`,
		"\xef\xbb\xbf{\"records\": [",
		"",
	} {
		f.Add(seed, "")
		f.Add(seed, "DeviceEvents")
	}
	cat := kql.Builtin()
	names := map[string]string{}
	for _, n := range cat.Names() {
		names[strings.ToLower(n)] = n
	}
	lookup := func(s string) string { return names[strings.ToLower(s)] }
	f.Fuzz(func(t *testing.T, body, table string) {
		table = lookup(table)
		b, rejects, err := parseRecords([]byte(body), table, lookup)
		if err != nil {
			return
		}
		if b.Rejected != len(rejects) || len(b.Errors) != min(b.Rejected, maxErrors) {
			t.Fatalf("rejected %d, %d rejects, %d errors", b.Rejected, len(rejects), len(b.Errors))
		}
		for name, rows := range b.Tables {
			if lookup(name) != name {
				t.Fatalf("rows stored for table %q, not the catalog's", name)
			}
			for _, r := range rows {
				if bytes.ContainsRune(r, '\n') || !json.Valid(r) {
					t.Fatalf("a stored record is not one compact JSON line: %q", r)
				}
			}
		}
	})
}
