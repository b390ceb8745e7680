package source

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// screenmeetFiles are the sample's four formats and their row counts.
var screenmeetFiles = []struct {
	name   string
	format Format
	rows   int
}{
	{"advancedhunting_api_response.json", FormatAPI, 5},
	{"advancedhunting_portal_export.csv", FormatCSV, 5},
	{"streaming_storage_PT1H.json", FormatStorage, 5},
	{"streaming_eventhub_message.json", FormatEventHub, 2},
}

// readScreenMeet reads every sample format with tab's columns and returns
// the rows of each, keyed by ReportId.
func readScreenMeet(t *testing.T, tab *schema.Table) map[string]map[int64][]any {
	t.Helper()
	rid := tab.Lookup("ReportId")
	out := map[string]map[int64][]any{}
	for _, f := range screenmeetFiles {
		path := filepath.Join(screenmeetDir, f.name)
		d := open(t, nil, map[string][]string{"DeviceNetworkEvents": {path}}, Options{Strict: true})
		rows := readRows(t, d, tab, allCols(tab))
		if len(rows) != f.rows {
			t.Fatalf("%s: %d rows, want %d", f.name, len(rows), f.rows)
		}
		byID := map[int64][]any{}
		for _, r := range rows {
			id, ok := r[rid].(int64)
			if !ok {
				t.Fatalf("%s: ReportId %v (%T) is not a long", f.name, r[rid], r[rid])
			}
			byID[id] = r
		}
		if len(byID) != f.rows {
			t.Fatalf("%s: ReportIds %v are not distinct", f.name, keys(byID))
		}
		st := fileStats(t, d, path, "DeviceNetworkEvents")
		if st.Format != f.format || st.Rows != int64(f.rows) || st.Skipped != 0 || st.Unconverted != 0 || !st.Complete {
			t.Errorf("%s: stats %+v", f.name, st)
		}
		out[f.name] = byID
	}
	return out
}

func keys(m map[int64][]any) []int64 {
	var ks []int64
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// compareFormats checks that every format gives the API response's rows,
// all columns compared.
func compareFormats(t *testing.T, tab *schema.Table, got map[string]map[int64][]any) {
	t.Helper()
	ref := got[screenmeetFiles[0].name]
	if want := []int64{101, 102, 103, 104, 105}; !reflect.DeepEqual(keys(ref), want) {
		t.Fatalf("API response ReportIds %v, want %v", keys(ref), want)
	}
	for _, f := range screenmeetFiles[1:] {
		for id, row := range got[f.name] {
			want, ok := ref[id]
			if !ok {
				t.Errorf("%s: ReportId %d is not in the API response", f.name, id)
				continue
			}
			for c := range tab.Columns {
				if !reflect.DeepEqual(row[c], want[c]) {
					t.Errorf("%s: ReportId %d: %s = %#v, API response has %#v", f.name, id, tab.Columns[c].Name, row[c], want[c])
				}
			}
		}
	}
}

func TestScreenMeetFormatsAgree(t *testing.T) {
	tab := screenmeetTable(t, nil)
	got := readScreenMeet(t, tab)
	compareFormats(t, tab, got)

	col := func(name string) int { return tab.Lookup(name) }
	for _, f := range screenmeetFiles {
		rows := got[f.name]
		r101 := rows[101]
		want := value.DatetimeOf(time.Date(2025, 3, 4, 9, 15, 22, 441122300, time.UTC))
		if int64(want) != time.Date(2025, 3, 4, 9, 15, 22, 0, time.UTC).Unix()*10_000_000+4411223 {
			t.Fatal("test's own tick arithmetic is wrong")
		}
		if r101[col("Timestamp")] != want {
			t.Errorf("%s: Timestamp of 101 = %v, want %v", f.name, r101[col("Timestamp")], want)
		}
		if r101[col("RemotePort")] != int64(443) || r101[col("InitiatingProcessFileSize")] != int64(1048576) {
			t.Errorf("%s: RemotePort, InitiatingProcessFileSize of 101 = %v, %v", f.name, r101[col("RemotePort")], r101[col("InitiatingProcessFileSize")])
		}
		if got := r101[col("InitiatingProcessCommandLine")]; got != `"ScreenMeetSupport.exe" --session 123` {
			t.Errorf("%s: InitiatingProcessCommandLine of 101 = %q", f.name, got)
		}
		if got := r101[col("InitiatingProcessSHA256")]; got != "" {
			t.Errorf("%s: InitiatingProcessSHA256 (null) of 101 = %#v, want \"\"", f.name, got)
		}
		r105, ok := rows[105]
		if !ok {
			continue // the Event Hub message holds 101 and 102
		}
		if got := r105[col("RemoteUrl")]; got != "" {
			t.Errorf("%s: RemoteUrl of 105 = %#v, want \"\"", f.name, got)
		}
		if got := r105[col("AdditionalFields")].(string); !strings.Contains(got, `"query": "api.screenmeet.com"`) {
			t.Errorf("%s: AdditionalFields of 105 = %q", f.name, got)
		}
	}
}

func TestScreenMeetDynamic(t *testing.T) {
	tab := screenmeetTable(t, map[string]schema.Type{
		"AdditionalFields":        schema.Dynamic,
		"InitiatingProcessSHA256": schema.Dynamic,
		"InitiatingProcessId":     schema.Real,
		"RemotePort":              schema.String,
	})
	got := readScreenMeet(t, tab)
	compareFormats(t, tab, got)
	for _, f := range screenmeetFiles {
		rows := got[f.name]
		if v := rows[101][tab.Lookup("InitiatingProcessSHA256")]; v != nil {
			t.Errorf("%s: InitiatingProcessSHA256 of 101 = %#v, want null", f.name, v)
		}
		if v := rows[101][tab.Lookup("AdditionalFields")]; v != nil {
			t.Errorf("%s: AdditionalFields of 101 = %#v, want null", f.name, v)
		}
		if v := rows[101][tab.Lookup("InitiatingProcessId")]; v != 5120.0 {
			t.Errorf("%s: InitiatingProcessId as real = %#v", f.name, v)
		}
		if v := rows[101][tab.Lookup("RemotePort")]; v != "443" {
			t.Errorf("%s: RemotePort as string = %#v", f.name, v)
		}
		r105, ok := rows[105]
		if !ok {
			continue
		}
		bag, ok := r105[tab.Lookup("AdditionalFields")].(*value.Bag)
		if !ok {
			t.Fatalf("%s: AdditionalFields of 105 = %#v, want a property bag", f.name, r105[tab.Lookup("AdditionalFields")])
		}
		if q, _ := bag.Get("query"); q != "api.screenmeet.com" {
			t.Errorf("%s: AdditionalFields.query = %#v", f.name, q)
		}
		if a, _ := bag.Get("answers"); a != `["203.0.113.10"]` { // a string holding JSON, kept a string
			t.Errorf("%s: AdditionalFields.answers = %#v", f.name, a)
		}
		if bag.Len() != 5 {
			t.Errorf("%s: AdditionalFields has %d keys, want 5", f.name, bag.Len())
		}
	}
}

// TestExamples reads the bundled example telemetry, the same rows in each
// export format, telling formats and tables from content, file and folder
// names alone.
func TestExamples(t *testing.T) {
	root := filepath.Join("..", "..", "examples", "formats")
	tab := screenmeetTable(t, nil)
	for _, tc := range []struct {
		dir    string
		format Format
		rows   int
	}{
		{"api", FormatAPI, 5},
		{"csv", FormatCSV, 5},
		{"storage", FormatStorage, 5},
		{"eventhub", FormatEventHub, 2},
	} {
		d := open(t, []string{filepath.Join(root, tc.dir)}, nil, Options{Strict: true})
		if got := d.Tables(); !reflect.DeepEqual(got, []string{"DeviceNetworkEvents"}) {
			t.Errorf("%s: tables %v", tc.dir, got)
		}
		rows := readRows(t, d, tab, colsOf(t, tab, "ReportId", "RemoteUrl"))
		if len(rows) != tc.rows {
			t.Errorf("%s: %d rows, want %d", tc.dir, len(rows), tc.rows)
		}
		st := d.Stats()
		if len(st.Files) != 1 || st.Files[0].Format != tc.format {
			t.Errorf("%s: stats %+v", tc.dir, st.Files)
		}
	}
	d := open(t, []string{root}, nil, Options{})
	if n := len(readRows(t, d, tab, nil)); n != 17 {
		t.Errorf("whole folder: %d rows, want 17", n)
	}
	st := d.Stats()
	if len(st.Ignored) != 1 || filepath.Base(st.Ignored[0].File) != "README.md" {
		t.Errorf("ignored %v, want README.md", st.Ignored)
	}
}

// TestLogAnalyticsUnion reads the OTRF export of a union, whose columns
// carry type suffixes where the union's inputs disagreed.
func TestLogAnalyticsUnion(t *testing.T) {
	path := filepath.Join("testdata", "otrf-goldensaml", "Microsoft365DefenderEvents.json")
	if _, err := Open([]string{path}, nil, Options{}); err == nil || !strings.Contains(err.Error(), "--table") {
		t.Fatalf("a union export without a table name: err = %v, want a hint at --table", err)
	}
	tab := schema.NewTable("DeviceEvents", []schema.Column{
		{Name: "Timestamp", Type: schema.Datetime},
		{Name: "ActionType", Type: schema.String},
		{Name: "ReportId", Type: schema.Long},
		{Name: "AdditionalFields", Type: schema.Dynamic},
		{Name: "InitiatingProcessFileSize", Type: schema.Long},
	})
	d := open(t, nil, map[string][]string{"DeviceEvents": {path}}, Options{})
	rows := readRows(t, d, tab, allCols(tab))
	if len(rows) != 9 {
		t.Fatalf("%d rows, want 9", len(rows))
	}
	var ldap int
	for _, r := range rows {
		if r[1] != "LdapSearch" {
			continue
		}
		ldap++
		if _, ok := r[2].(int64); !ok {
			t.Errorf("ReportId of an LdapSearch row = %#v, want ReportId_long's value", r[2])
		}
		bag, ok := r[3].(*value.Bag)
		if !ok {
			t.Errorf("AdditionalFields = %#v, want AdditionalFields_string parsed", r[3])
		} else if _, ok := bag.Get("SearchFilter"); !ok {
			t.Errorf("AdditionalFields lacks SearchFilter: %v", value.DynamicString(bag))
		}
	}
	if ldap != 5 {
		t.Errorf("%d LdapSearch rows, want 5", ldap)
	}
	if rows[0][0] != value.DatetimeOf(time.Date(2021, 8, 2, 13, 11, 39, 772449100, time.UTC)) {
		t.Errorf("Timestamp of row 1 = %v", rows[0][0])
	}
	st := fileStats(t, d, path, "DeviceEvents")
	// The four identity and cloud-app rows have string ReportIds.
	if st.Unconverted != 4 || len(st.UnconvertedErrors) != 4 || st.UnconvertedErrors[0].Column != "ReportId" ||
		!strings.Contains(st.UnconvertedErrors[0].Reason, `cannot convert "3ab932f1`) || st.UnconvertedErrors[0].Line != 6 {
		t.Errorf("unconverted %d: %v", st.Unconverted, st.UnconvertedErrors)
	}
	if _, err := os.Stat(filepath.Join("testdata", "otrf-goldensaml", "LICENSE")); err != nil {
		t.Error("the OTRF sample must keep its licence")
	}
}
