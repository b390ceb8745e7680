package report

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// netCols are the output columns of a network rule that summarizes by
// device, account and URL.
var netCols = []schema.Column{
	{Name: "DeviceId", Type: schema.String},
	{Name: "DeviceName", Type: schema.String},
	{Name: "InitiatingProcessAccountUpn", Type: schema.String},
	{Name: "RemoteUrl", Type: schema.String},
	{Name: "RemoteIP", Type: schema.String},
	{Name: "Urls", Type: schema.Dynamic},
	{Name: "Count", Type: schema.Long},
	{Name: "SHA256", Type: schema.String},
}

var netRow = []any{"a1b2", "wks-1.contoso.com", "alice@contoso.com", "api.screenmeet.com", "",
	[]any{"a.example", "b.example", "a.example", nil}, int64(3), "5f3c"}

func TestEntitiesFromMappings(t *testing.T) {
	mappings := []EntityMapping{
		{Type: "Host", Fields: []EntityField{{Identifier: "FullName", Column: "DeviceName"}}},
		{Type: "Account", Fields: []EntityField{{Identifier: "FullName", Column: "InitiatingProcessAccountUpn"}}},
		{Type: "URL", Fields: []EntityField{{Identifier: "Url", Column: "RemoteUrl"}}},
		{Type: "IP", Fields: []EntityField{{Identifier: "Address", Column: "RemoteIP"}}},         // empty: no entity
		{Type: "URL", Fields: []EntityField{{Identifier: "Url", Column: "Urls"}}},                // an array: one each
		{Type: "DNS", Fields: []EntityField{{Identifier: "DomainName", Column: "NoSuchColumn"}}}, // not in the output
		{Type: "Host", Fields: []EntityField{{Identifier: "FullName", Column: "DeviceName"}}},    // a repeat
	}
	got := Entities(mappings, netCols, netRow)
	want := []Entity{
		{"Host", "FullName", "wks-1.contoso.com", "DeviceName"},
		{"Account", "FullName", "alice@contoso.com", "InitiatingProcessAccountUpn"},
		{"URL", "Url", "api.screenmeet.com", "RemoteUrl"},
		{"URL", "Url", "a.example", "Urls"},
		{"URL", "Url", "b.example", "Urls"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	// Mapped entities are the rule's: DeviceId and SHA256, which the
	// mappings leave out, give none.
	f := &Finding{Entities: got}
	if f.Host() != "wks-1.contoso.com" || f.Account() != "alice@contoso.com" {
		t.Errorf("host %q, account %q", f.Host(), f.Account())
	}
}

func TestEntitiesFromWellKnownColumns(t *testing.T) {
	want := []Entity{
		{"Host", "MdatpDeviceId", "a1b2", "DeviceId"},
		{"Host", "HostName", "wks-1.contoso.com", "DeviceName"},
		{"Account", "FullName", "alice@contoso.com", "InitiatingProcessAccountUpn"},
		{"URL", "Url", "api.screenmeet.com", "RemoteUrl"},
		{"FileHash", "SHA256", "5f3c", "SHA256"},
	}
	// No mappings, and mappings whose columns the output lacks, both fall
	// back to the well-known columns.
	for _, mappings := range [][]EntityMapping{nil, {{Type: "Host", Fields: []EntityField{{Identifier: "HostName", Column: "Computer"}}}}} {
		got := Entities(mappings, netCols, netRow)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("mappings %v: entities (-want +got):\n%s", mappings, diff)
		}
		// The host prefers HostName to MdatpDeviceId, though it comes later.
		if f := (&Finding{Entities: got}); f.Host() != "wks-1.contoso.com" {
			t.Errorf("host %q", f.Host())
		}
	}
}

func TestEntityValues(t *testing.T) {
	cols := []schema.Column{
		{Name: "DeviceName", Type: schema.Dynamic},
		{Name: "ProcessId", Type: schema.Long},
		{Name: "AccountName", Type: schema.String},
		{Name: "AccountName", Type: schema.String}, // a duplicate name: the first wins
		{Name: "LocalIP", Type: schema.Dynamic},
		{Name: "FileName", Type: schema.String},
		{Name: "IPAddress", Type: schema.Dynamic},
	}
	row := []any{"wks-9", int64(4242), "svc", "other", value.Datetime(0), nil, bag("a", int64(1))}
	got := Entities(nil, cols, row)
	want := []Entity{
		{"Host", "HostName", "wks-9", "DeviceName"}, // a dynamic string without its quotes
		{"Process", "ProcessId", "4242", "ProcessId"},
		{"Account", "Name", "svc", "AccountName"},
		{"Account", "Name", "other", "AccountName"},
		{"IP", "Address", "1970-01-01T00:00:00.0000000Z", "LocalIP"},
		{"IP", "Address", `{"a":1}`, "IPAddress"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	if got := Entities(nil, cols[:1], []any{nil}); got != nil {
		t.Errorf("a null host gave %v", got)
	}
	// A short row does not panic.
	if got := Entities(nil, cols, row[:1]); len(got) != 1 {
		t.Errorf("short row gave %v", got)
	}
}

func TestPrimaryEntity(t *testing.T) {
	es := []Entity{
		{"Account", "Sid", "S-1-5-21", "AccountSid"},
		{"Account", "Name", "alice", "AccountName"},
		{"Host", "MdatpDeviceId", "a1b2", "DeviceId"},
		{"Account", "FullName", "alice@contoso.com", "AccountUpn"},
		{"Account", "Name", "bob", "InitiatingProcessAccountName"},
	}
	f := &Finding{Entities: es}
	if got := f.Account(); got != "alice@contoso.com" {
		t.Errorf("account %q", got)
	}
	if got := f.Host(); got != "a1b2" { // no better identifier: the first
		t.Errorf("host %q", got)
	}
	if got := (&Finding{Entities: es[:2]}).Account(); got != "alice" {
		t.Errorf("account of name and sid %q", got)
	}
	if got := (&Finding{}).Host(); got != "" {
		t.Errorf("host of nothing %q", got)
	}
}

func TestFindingTime(t *testing.T) {
	d1, d2 := date("2026-11-19T10:00:00Z"), date("2026-11-19T11:00:00Z")
	tests := []struct {
		cols []schema.Column
		row  []any
		want value.Datetime
		ok   bool
	}{
		{[]schema.Column{{Name: "Timestamp", Type: schema.Datetime}, {Name: "FirstSeen", Type: schema.Datetime}}, []any{d2, d1}, d1, true},
		{[]schema.Column{{Name: "FirstSeen", Type: schema.Datetime}, {Name: "LastSeen", Type: schema.Datetime}}, []any{nil, d2}, d2, true},
		{[]schema.Column{{Name: "TimeGenerated", Type: schema.Datetime}}, []any{d1}, d1, true},
		{[]schema.Column{{Name: "Timestamp", Type: schema.String}}, []any{"2026-11-19"}, 0, false},
		{[]schema.Column{{Name: "timestamp", Type: schema.Datetime}}, []any{d1}, 0, false}, // names match exactly
		{[]schema.Column{{Name: "Timestamp", Type: schema.Dynamic}}, []any{d1}, d1, true},
		{nil, nil, 0, false},
	}
	for i, tt := range tests {
		got, ok := (&Finding{Columns: tt.cols, Row: tt.row}).Time()
		if got != tt.want || ok != tt.ok {
			t.Errorf("%d: Time() = %v, %v; want %v, %v", i, got, ok, tt.want, tt.ok)
		}
	}
}

// TestWellKnownDocumented keeps the table of docs/report.md in step with
// wellKnown.
func TestWellKnownDocumented(t *testing.T) {
	data, err := os.ReadFile("../../docs/report.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(data), "| column | entity | identifier |\n|---|---|---|\n")
	if !ok {
		t.Fatal("docs/report.md has no entity table")
	}
	table, _, _ = strings.Cut(table, "\n\n")
	documented := map[string]entityKind{}
	for _, line := range strings.Split(table, "\n") {
		f := strings.Split(line, "|")
		if len(f) != 5 || !strings.HasPrefix(strings.TrimSpace(f[1]), "`") {
			t.Errorf("docs/report.md: bad entity table line %q", line)
			continue
		}
		col := strings.Trim(strings.TrimSpace(f[1]), "`")
		if _, dup := documented[col]; dup {
			t.Errorf("docs/report.md lists %s twice", col)
		}
		documented[col] = entityKind{strings.TrimSpace(f[2]), strings.TrimSpace(f[3])}
	}
	if diff := cmp.Diff(wellKnown, documented); diff != "" {
		t.Errorf("docs/report.md's entity table differs from wellKnown (-code +doc):\n%s", diff)
	}
}
