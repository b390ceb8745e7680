package source

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/aptinstall"
	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// formatsDir holds fixtures written by tools independent of kqlhunt (the
// zstd command, the npm package avsc); make_fixtures.sh there rewrites
// them.
const formatsDir = "testdata/formats"

// allErrors returns every problem Stats reports, one per line.
func allErrors(d *Dataset) string {
	st := d.Stats()
	var msgs []string
	for _, f := range st.Files {
		for _, e := range f.SkippedErrors {
			msgs = append(msgs, e.Error())
		}
		for _, e := range f.UnconvertedErrors {
			msgs = append(msgs, e.Error())
		}
	}
	for _, e := range st.Ignored {
		msgs = append(msgs, e.Error())
	}
	return strings.Join(msgs, "\n")
}

// column returns, sorted, the values of column name of table's rows; the
// scan decodes the columns also too (stats come from the first scan
// that reads a file).
func column(t *testing.T, d *Dataset, table, name string, also ...string) []string {
	t.Helper()
	tab := schema.Defender().Table(table)
	rows := readRows(t, d, tab, colsOf(t, tab, append([]string{name}, also...)...))
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprint(r[0]))
	}
	slices.Sort(out)
	return out
}

// TestZstd reads files compressed by the zstd command: JSON lines named
// by their file, and two concatenated frames of streaming records (an
// Event Hub message and PT1H.json lines) told by their magic number.
func TestZstd(t *testing.T) {
	rows := filepath.Join(formatsDir, "zst", "DeviceNetworkEvents.json.zst")
	records := filepath.Join(formatsDir, "zst", "records.zst")
	d := open(t, []string{rows}, nil, Options{})
	if got, want := column(t, d, "DeviceNetworkEvents", "DeviceName", "RemotePort"), []string{"wks-1", "wks-2", "wks-3"}; !slices.Equal(got, want) {
		t.Errorf("rows of %s: %v, want %v", rows, got, want)
	}
	st := fileStats(t, d, rows, "DeviceNetworkEvents")
	if !st.Compressed || st.Format != FormatJSONLines || st.Rows != 3 {
		t.Errorf("stats of %s: %+v", rows, st)
	}
	if msg := allErrors(d); !strings.Contains(msg, rows+`:3: column "RemotePort": `) {
		t.Errorf("the port that is not a number is not reported at its line:\n%s", msg)
	}
	// Both frames of records.zst are read: the Event Hub message's and
	// the PT1H.json lines'.
	hub := readSample(t, "streaming_eventhub_message.json")
	storage := readSample(t, "streaming_storage_PT1H.json")
	plain := open(t, []string{
		writeFile(t, t.TempDir(), "a.json", hub),
		writeFile(t, t.TempDir(), "b.json", storage),
	}, nil, Options{})
	for _, table := range plain.Tables() {
		want := column(t, plain, table, "DeviceName")
		if got := column(t, open(t, []string{records}, nil, Options{}), table, "DeviceName"); !slices.Equal(got, want) {
			t.Errorf("%s of %s: %v, want %v (as the uncompressed files)", table, records, got, want)
		}
	}
	if len(plain.Tables()) == 0 {
		t.Fatal("the samples hold no table")
	}

	// A stream cut short keeps the rows before the cut and says where.
	data, err := os.ReadFile(records)
	if err != nil {
		t.Fatal(err)
	}
	cut := writeFile(t, t.TempDir(), "cut.zst", data[:len(data)-40])
	d = open(t, []string{cut}, nil, Options{})
	for _, table := range d.Tables() {
		column(t, d, table, "DeviceName")
	}
	if msg := allErrors(d); !strings.Contains(msg, "truncated zstd stream") && !strings.Contains(msg, "corrupt zstd stream") {
		t.Errorf("a cut zstd stream is not reported:\n%s", msg)
	}
	if _, err := Open([]string{cut}, nil, Options{Strict: true}); err != nil {
		t.Fatal(err) // the problem is met by the scan
	}
}

// captureFile is the Event Hub Capture fixture, written by avsc in the
// folder layout Capture uses.
var captureFile = filepath.Join(formatsDir, "capture", "kqlhunt-ns", "defender-hub", "0", "2025", "03", "04", "10", "15", "00.avro")

// TestAvroCapture reads an Event Hub Capture file written by avsc
// (deflate, several blocks): each record's Body, a streaming API
// message, goes to the tables its records name.
func TestAvroCapture(t *testing.T) {
	d := open(t, []string{filepath.Join(formatsDir, "capture")}, nil, Options{})
	if got, want := d.Tables(), []string{"DeviceNetworkEvents", "DeviceProcessEvents"}; !slices.Equal(got, want) {
		t.Fatalf("tables %v, want %v", got, want)
	}
	if got, want := column(t, d, "DeviceNetworkEvents", "RemotePort"), []string{"443", "8443"}; !slices.Equal(got, want) {
		t.Errorf("DeviceNetworkEvents ports %v, want %v", got, want)
	}
	if got, want := column(t, d, "DeviceProcessEvents", "DeviceName"), []string{"wks-1", "wks-3"}; !slices.Equal(got, want) {
		t.Errorf("DeviceProcessEvents devices %v, want %v", got, want)
	}
	// TimeGenerated is filled from the record's time, TenantId too.
	if got := column(t, d, "DeviceNetworkEvents", "TimeGenerated"); len(got) != 2 || !strings.HasPrefix(got[0], "2025-03-04T10:15:00") {
		t.Errorf("TimeGenerated %v", got)
	}
	st := fileStats(t, d, captureFile, "DeviceNetworkEvents")
	if st.Format != FormatAvro || st.Rows != 2 || st.Skipped != 0 {
		t.Errorf("stats %+v", st)
	}
	if msg := allErrors(d); msg != "" {
		t.Errorf("problems reported in a clean file:\n%s", msg)
	}
	// --table sends every record to the table named.
	d = open(t, nil, map[string][]string{"DeviceNetworkEvents": {captureFile}}, Options{})
	if got := column(t, d, "DeviceNetworkEvents", "DeviceName"); len(got) != 4 {
		t.Errorf("with --table, rows %v, want 4", got)
	}
}

// TestAvroDamaged checks that the problems of a capture file are placed
// at their record: a value that does not convert, a Body cut short; the
// records after a bad Body are still read.
func TestAvroDamaged(t *testing.T) {
	path := filepath.Join(formatsDir, "damaged", "kqlhunt-ns", "defender-hub", "1", "2025", "03", "04", "10", "15", "00.avro")
	d := open(t, []string{filepath.Join(formatsDir, "damaged")}, nil, Options{})
	if got, want := column(t, d, "DeviceNetworkEvents", "DeviceName", "RemotePort"), []string{"wks-4", "wks-5", "wks-7"}; !slices.Equal(got, want) {
		t.Errorf("devices %v, want %v", got, want)
	}
	msg := allErrors(d)
	for _, want := range []string{
		path + `:record 2:1:`, // the port "https"
		`column "RemotePort"`, //
		path + ":record 3:1:", // the Body cut short
		"the rest of the document is skipped",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("problems do not say %q:\n%s", want, msg)
		}
	}
	// Under Strict the first problem stops the scan.
	d = open(t, []string{path}, nil, Options{Strict: true})
	tab := schema.Defender().Table("DeviceNetworkEvents")
	if _, err := tryRows(d, tab, colsOf(t, tab, "RemotePort")); err == nil || !strings.Contains(err.Error(), path+":record 2:") {
		t.Errorf("strict: %v", err)
	}

	// A file cut short in a block, and one whose sync marker is wrong.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cut := writeFile(t, dir, "DeviceNetworkEvents/cut.avro", data[:len(data)-30])
	bad := append([]byte(nil), data...)
	bad[len(bad)-1] ^= 0xff
	badSync := writeFile(t, dir, "DeviceNetworkEvents/sync.avro", bad)
	notCapture := writeFile(t, dir, "DeviceNetworkEvents/header.avro", []byte("Obj\x01\x02\x16avro.schema\x0c\"long\"\x00"+strings.Repeat("s", 16)))
	d = open(t, []string{dir}, nil, Options{})
	column(t, d, "DeviceNetworkEvents", "DeviceName")
	msg = allErrors(d)
	for _, want := range []string{
		cut + ":record 1: block 1: the file is cut short in the block's data; the rest of the file is skipped",
		badSync + ":record 1: block 1: the sync marker after the block is wrong",
		notCapture + `: Avro file: not an Event Hub Capture file: its records have no Body of bytes`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("problems do not say %q:\n%s", want, msg)
		}
	}
}

// TestGlob checks --data patterns: "**" matches any folders, "*" within
// a segment; hidden folders are left out; a pattern that matches nothing
// is an error naming it; an existing path with metacharacters is a path.
func TestGlob(t *testing.T) {
	dir := t.TempDir()
	line := func(dev string) []byte {
		return []byte(`{"Timestamp":"2025-03-04T10:00:00Z","DeviceName":"` + dev + `"}` + "\n")
	}
	writeFile(t, dir, "exports/a/2025/DeviceNetworkEvents.json", line("a-2025"))
	writeFile(t, dir, "exports/a/2024/DeviceNetworkEvents.json", line("a-2024"))
	writeFile(t, dir, "exports/b/c/2025/DeviceNetworkEvents.json", line("bc-2025"))
	writeFile(t, dir, "exports/b/DeviceNetworkEvents.csv", []byte("Timestamp,DeviceName\n2025-03-04T10:00:00Z,b-csv\n"))
	writeFile(t, dir, "exports/.old/DeviceNetworkEvents.json", line("hidden"))
	writeFile(t, dir, "exports/[x]/DeviceNetworkEvents.json", line("brackets"))
	for _, c := range []struct {
		pattern string
		want    []string
	}{
		{"exports/**/*.json", []string{"a-2024", "a-2025", "bc-2025", "brackets"}},
		{"exports/*/2025/*.json", []string{"a-2025"}},
		{"exports/**/2025", []string{"a-2025", "bc-2025"}},
		{"exports/b/*", []string{"b-csv", "bc-2025"}},
		{"exports/**/*.csv", []string{"b-csv"}},
		{"exports/[x]", []string{"brackets"}}, // the folder, not a pattern
		{"exports/.*/*.json", []string{"hidden"}},
	} {
		d := open(t, []string{filepath.Join(dir, c.pattern)}, nil, Options{})
		if got := column(t, d, "DeviceNetworkEvents", "DeviceName"); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.pattern, got, c.want)
		}
	}
	// --table takes patterns too.
	d := open(t, nil, map[string][]string{"DeviceNetworkEvents": {filepath.Join(dir, "exports/a/*/*.json")}}, Options{})
	if got := column(t, d, "DeviceNetworkEvents", "DeviceName"); len(got) != 2 {
		t.Errorf("--table pattern: %v", got)
	}
	for _, p := range []string{"exports/**/*.parquet", "nowhere/*.json", "exports/[a"} {
		pattern := filepath.Join(dir, p)
		_, err := Open([]string{pattern}, nil, Options{})
		if err == nil || !strings.Contains(err.Error(), pattern) {
			t.Errorf("%s: err = %v, want an error naming the pattern", p, err)
		}
	}
	// Relative patterns stay relative.
	t.Chdir(dir)
	got, err := expandGlob("exports/**/2025")
	if want := []string{"exports/a/2025", "exports/b/c/2025"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("relative: %v, %v; want %v", got, err, want)
	}
}

// laDir holds Log Analytics fixtures written by hand from the documented
// shapes (no tool that writes them runs here).
var laDir = filepath.Join(formatsDir, "loganalytics")

// signinLogs is a small SigninLogs table for tests, so that they do not
// depend on the Sentinel catalog.
var signinLogs = schema.NewTable("SigninLogs", []schema.Column{
	{Name: "TimeGenerated", Type: schema.Datetime},
	{Name: "UserPrincipalName", Type: schema.String},
	{Name: "ResultType", Type: schema.String},
	{Name: "Type", Type: schema.String},
})

// TestLogAnalyticsExport reads a data export folder: the am-<table>
// container names the table, and so does each row's Type.
func TestLogAnalyticsExport(t *testing.T) {
	d := open(t, []string{filepath.Join(laDir, "export")}, nil, Options{})
	if got, want := d.Tables(), []string{"DeviceNetworkEvents"}; !slices.Equal(got, want) {
		t.Fatalf("tables %v, want %v", got, want)
	}
	if got, want := column(t, d, "DeviceNetworkEvents", "DeviceName", "TimeGenerated", "RemotePort"), []string{"wks-1", "wks-2"}; !slices.Equal(got, want) {
		t.Errorf("devices %v, want %v", got, want)
	}
	if got := column(t, d, "DeviceNetworkEvents", "TimeGenerated"); len(got) != 2 || !strings.HasPrefix(got[0], "2025-03-04T10:01:02.3456789") {
		t.Errorf("TimeGenerated %v: the row's own, not its Timestamp", got)
	}
	if msg := allErrors(d); msg != "" {
		t.Errorf("problems:\n%s", msg)
	}
	// The container alone names the table: rows without Type.
	dir := t.TempDir()
	writeFile(t, dir, "am-deviceprocessevents/WorkspaceResourceId=/subscriptions/x/y=2025/m=03/d=04/h=10/m=00/PT05M.json",
		[]byte(`{"TimeGenerated":"2025-03-04T10:00:00Z","DeviceName":"wks-9","FileName":"cmd.exe"}`+"\n"))
	writeFile(t, dir, "am-notes/readme.json", []byte(`{"a":1}`+"\n"))
	_, err := Open([]string{dir}, nil, Options{})
	if err == nil || !strings.Contains(err.Error(), "am-notes/readme.json") || strings.Contains(err.Error(), "PT05M.json") {
		t.Errorf("err = %v, want the table of am-notes/readme.json only unknown", err)
	}
}

// TestTypeColumn reads rows of several tables in one file, each routed by
// its Type; a Type that names no known table is listed, and read when the
// catalog knows it.
func TestTypeColumn(t *testing.T) {
	path := filepath.Join(laDir, "rows-with-type.jsonl")
	d := open(t, []string{path}, nil, Options{})
	if got, want := d.Tables(), []string{"DeviceNetworkEvents", "DeviceProcessEvents", "SigninLogs"}; !slices.Equal(got, want) {
		t.Fatalf("tables %v, want %v", got, want)
	}
	if got, want := column(t, d, "DeviceNetworkEvents", "RemotePort"), []string{"22", "443"}; !slices.Equal(got, want) {
		t.Errorf("DeviceNetworkEvents %v, want %v", got, want)
	}
	if got, want := column(t, d, "DeviceProcessEvents", "FileName"), []string{"cmd.exe"}; !slices.Equal(got, want) {
		t.Errorf("DeviceProcessEvents %v, want %v", got, want)
	}
	d = open(t, []string{path}, nil, Options{Known: append(schema.DefenderTableNames(), "SigninLogs")})
	rows := readRows(t, d, signinLogs, colsOf(t, signinLogs, "UserPrincipalName", "ResultType"))
	if len(rows) != 1 || rows[0][0] != "alice@contoso.com" || rows[0][1] != "50126" {
		t.Errorf("SigninLogs rows %v", rows)
	}
	if msg := allErrors(d); msg != "" {
		t.Errorf("problems:\n%s", msg)
	}
	// In parallel chunks, as a large file is read: the same rows.
	var big strings.Builder
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for big.Len() < 3*chunkSize {
		big.Write(data)
	}
	bigPath := writeFile(t, t.TempDir(), "export.json", []byte(big.String()))
	d = open(t, []string{bigPath}, nil, Options{Threads: 4})
	n := len(column(t, d, "DeviceNetworkEvents", "DeviceName"))
	if want := 2 * (big.Len() / len(data)); n != want {
		t.Errorf("parallel: %d DeviceNetworkEvents rows, want %d", n, want)
	}
	// --table makes every row the table's, whatever its Type.
	d = open(t, nil, map[string][]string{"DeviceNetworkEvents": {path}}, Options{})
	if got := column(t, d, "DeviceNetworkEvents", "DeviceName"); len(got) != 4 {
		t.Errorf("--table: %v", got)
	}
}

// TestLogAnalyticsQueryResponse reads query API responses: rows routed by
// their Type column, or of the table --table names; a row of the wrong
// length and a value that does not convert are reported at their line.
func TestLogAnalyticsQueryResponse(t *testing.T) {
	path := filepath.Join(laDir, "query-response.json")
	d := open(t, []string{path}, nil, Options{Known: append(schema.DefenderTableNames(), "SigninLogs")})
	if got, want := d.Tables(), []string{"DeviceNetworkEvents", "SigninLogs"}; !slices.Equal(got, want) {
		t.Fatalf("tables %v, want %v", got, want)
	}
	tab := schema.Defender().Table("DeviceNetworkEvents")
	rows := readRows(t, d, tab, colsOf(t, tab, "DeviceName", "RemotePort", "AdditionalFields", "TimeGenerated"))
	if got := fmt.Sprint(rows); got != `[[wks-1 443 {"Protocol":"Tcp"} 2025-03-04T10:00:00.0000000Z] [wks-3 <nil>  2025-03-04T10:00:03.0000000Z]]` {
		t.Errorf("rows %s", got)
	}
	st := fileStats(t, d, path, "DeviceNetworkEvents")
	if st.Format != FormatLAQuery {
		t.Errorf("format %v", st.Format)
	}
	msg := allErrors(d)
	for _, want := range []string{
		path + ":16:9: expected 6 values as in the table's columns, got 2",
		path + `:17: column "RemotePort"`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("problems do not say %q:\n%s", want, msg)
		}
	}
	rows = readRows(t, d, signinLogs, colsOf(t, signinLogs, "UserPrincipalName"))
	if len(rows) != 1 || rows[0][0] != "alice@contoso.com" {
		t.Errorf("SigninLogs %v", rows)
	}

	// Without a Type column the table comes from --table.
	untyped := filepath.Join(laDir, "query-response-untyped.json")
	if _, err := Open([]string{untyped}, nil, Options{}); err == nil || !strings.Contains(err.Error(), "cannot tell the table of "+untyped+" (Log Analytics query API response)") {
		t.Errorf("err = %v", err)
	}
	d = open(t, nil, map[string][]string{"DeviceNetworkEvents": {untyped}}, Options{})
	if got, want := column(t, d, "DeviceNetworkEvents", "RemotePort"), []string{"3389", "5900"}; !slices.Equal(got, want) {
		t.Errorf("--table: %v, want %v", got, want)
	}

	// A response cut short keeps its complete rows and says where.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := writeFile(t, t.TempDir(), "DeviceNetworkEvents.json", data[:bytes.Index(data, []byte(`"ssh"`))])
	d = open(t, []string{cut}, nil, Options{})
	if got := column(t, d, "DeviceNetworkEvents", "DeviceName"); !slices.Equal(got, []string{"wks-1"}) {
		t.Errorf("cut: %v", got)
	}
	if msg := allErrors(d); !strings.Contains(msg, cut+":17:") || !strings.Contains(msg, "the document ends in the middle of the response") {
		t.Errorf("cut: problems:\n%s", msg)
	}
}

// TestLogAnalyticsPortalCSV reads the portal's CSV export: "TimeGenerated
// [UTC]" names TimeGenerated, rows go to the table their Type names (or
// --table's without one), and a column exported in local time is not read
// but reported.
func TestLogAnalyticsPortalCSV(t *testing.T) {
	path := filepath.Join(laDir, "portal-export.csv")
	d := open(t, []string{path}, nil, Options{Known: append(schema.DefenderTableNames(), "SigninLogs")})
	if got, want := d.Tables(), []string{"DeviceNetworkEvents", "SigninLogs"}; !slices.Equal(got, want) {
		t.Fatalf("tables %v, want %v", got, want)
	}
	tab := schema.Defender().Table("DeviceNetworkEvents")
	rows := readRows(t, d, tab, colsOf(t, tab, "TimeGenerated", "DeviceName", "RemotePort", "AdditionalFields"))
	if got := fmt.Sprint(rows); got != `[[2025-03-04T10:00:00.1230000Z wks-1 443 {"Protocol":"Tcp"}] [2025-03-04T10:00:02.0000000Z wks-2 8443 ]]` {
		t.Errorf("rows %s", got)
	}
	rows = readRows(t, d, signinLogs, colsOf(t, signinLogs, "UserPrincipalName", "TimeGenerated"))
	if got := fmt.Sprint(rows); got != `[[alice@contoso.com 2025-03-04T10:00:01.0000000Z]]` {
		t.Errorf("SigninLogs rows %s", got)
	}
	if msg := allErrors(d); msg != "" {
		t.Errorf("problems:\n%s", msg)
	}

	untyped := filepath.Join(laDir, "portal-export-untyped.csv")
	local := filepath.Join(laDir, "portal-export-local.csv")
	d = open(t, nil, map[string][]string{"DeviceNetworkEvents": {untyped, local}}, Options{})
	rows = readRows(t, d, tab, colsOf(t, tab, "TimeGenerated", "DeviceName"))
	if got := fmt.Sprint(rows); got != `[[2025-03-04T11:00:00.0000000Z wks-5] [<nil> wks-6]]` {
		t.Errorf("rows %s", got)
	}
	if msg := allErrors(d); !strings.Contains(msg, local+`:1: column "TimeGenerated": the column is exported as "TimeGenerated [Local Time]", not in UTC: not read`) {
		t.Errorf("the local time column is not reported:\n%s", msg)
	}
}

// TestAvroCodecs reads capture files whose blocks avsc wrote with the
// snappy codec (compressed by snappyjs, with Avro's CRC-32) and the
// zstandard codec (compressed by the zstd command).
func TestAvroCodecs(t *testing.T) {
	for _, codec := range []string{"snappy", "zstandard"} {
		path := filepath.Join(formatsDir, "codecs", codec+".avro")
		d := open(t, []string{path}, nil, Options{})
		if got, want := column(t, d, "DeviceNetworkEvents", "DeviceName"), []string{"wks-1", "wks-2"}; !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", codec, got, want)
		}
		if got, want := column(t, d, "DeviceProcessEvents", "DeviceName"), []string{"wks-1"}; !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", codec, got, want)
		}
		if msg := allErrors(d); msg != "" {
			t.Errorf("%s: problems:\n%s", codec, msg)
		}
	}
	// A snappy block whose checksum is wrong is reported.
	data, err := os.ReadFile(filepath.Join(formatsDir, "codecs", "snappy.avro"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := newOCFReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.readBlock(); err != nil {
		t.Fatal(err)
	}
	// The block's last 4 bytes before its sync marker are the checksum.
	i := bytes.Index(data[len(data)-len(data)/2:], o.sync[:])
	if i < 0 {
		i = bytes.LastIndex(data, o.sync[:])
	} else {
		i += len(data) - len(data)/2
	}
	bad := append([]byte(nil), data...)
	bad[i-1] ^= 0xff
	path := writeFile(t, t.TempDir(), "DeviceNetworkEvents/bad.avro", bad)
	d := open(t, []string{filepath.Dir(path)}, nil, Options{})
	column(t, d, "DeviceNetworkEvents", "DeviceName")
	if msg := allErrors(d); !strings.Contains(msg, "snappy block: checksum mismatch") {
		t.Errorf("a bad checksum is not reported:\n%s", msg)
	}
}

// zstdCommand returns the path of the zstd command, installing it from
// Debian under CI=true when it is missing; elsewhere the test is skipped.
func zstdCommand(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("zstd"); err == nil {
		return p
	}
	if os.Getenv("CI") != "true" {
		t.Skip("the zstd command is not installed; install it (apt-get install zstd) or set CI=true to have the test install it")
	}
	if err := aptinstall.Install(aptinstall.Command("zstd"), "zstd"); err != nil {
		t.Fatalf("CI=true: installing zstd: %v", err)
	}
	p, err := exec.LookPath("zstd")
	if err != nil {
		t.Fatalf("CI=true: zstd not found after installing it: %v", err)
	}
	return p
}

// TestZstdCommand compresses rows with the zstd command at several
// settings (levels, long windows, several threads, no content size,
// frames of a stream from standard input) and reads them back.
func TestZstdCommand(t *testing.T) {
	zstd := zstdCommand(t)
	var rows strings.Builder
	for i := range 8000 {
		fmt.Fprintf(&rows, `{"Timestamp":"2025-03-04T10:00:00Z","DeviceName":"wks-%d","RemotePort":%d,"ReportId":%d}`+"\n", i%97, i%65536, i)
	}
	plain := writeFile(t, t.TempDir(), "DeviceNetworkEvents.json", []byte(rows.String()))
	want := column(t, open(t, []string{plain}, nil, Options{}), "DeviceNetworkEvents", "ReportId", "DeviceName")
	if len(want) != 8000 {
		t.Fatalf("plain: %d rows", len(want))
	}
	for _, args := range [][]string{{"-1"}, {"-12"}, {"--long=27", "-3"}, {"-T2", "-3", "--no-content-size"}} {
		dir := t.TempDir()
		out := filepath.Join(dir, "DeviceNetworkEvents.json.zst")
		cmd := exec.Command(zstd, append(append([]string{"-q", "-c"}, args...), "-")...)
		cmd.Stdin = strings.NewReader(rows.String())
		data, err := cmd.Output()
		if err != nil {
			t.Fatalf("zstd %v: %v", args, err)
		}
		writeFile(t, dir, "DeviceNetworkEvents.json.zst", data)
		for _, threads := range []int{1, 4} {
			d := open(t, []string{out}, nil, Options{Threads: threads})
			if got := column(t, d, "DeviceNetworkEvents", "ReportId", "DeviceName"); !slices.Equal(got, want) {
				t.Errorf("zstd %v, threads %d: %d rows, want %d", args, threads, len(got), len(want))
			}
			if msg := allErrors(d); msg != "" {
				t.Errorf("zstd %v: problems:\n%s", args, msg)
			}
		}
	}
	// An Event Hub Capture file compressed whole.
	dir := t.TempDir()
	zcap := filepath.Join(dir, "00.avro.zst")
	if out, err := exec.Command(zstd, "-q", "-o", zcap, captureFile).CombinedOutput(); err != nil {
		t.Fatalf("zstd: %v\n%s", err, out)
	}
	d := open(t, []string{zcap}, nil, Options{})
	if got, want := column(t, d, "DeviceNetworkEvents", "RemotePort"), []string{"443", "8443"}; !slices.Equal(got, want) {
		t.Errorf("compressed capture: %v, want %v", got, want)
	}
	// A window larger than zstd -d decodes by default is refused, as zstd
	// does, with a message that says how to decompress it.
	cmd := exec.Command(zstd, "-q", "-c", "--long=30", "-")
	cmd.Stdin = strings.NewReader(rows.String())
	data, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	writeFile(t, dir, "DeviceNetworkEvents/long.zst", data)
	d = open(t, []string{dir}, nil, Options{})
	if msg := allErrors(d); !strings.Contains(msg, "long.zst: the zstd stream asks for a window larger than 128 MiB") || !strings.Contains(msg, "zstd -d --long=31") {
		t.Errorf("--long=30: problems:\n%s", msg)
	}
}

// TestAvscLive writes the Event Hub Capture fixtures afresh with the npm
// packages avsc and snappyjs (avsc_capture.js) and reads them as the
// committed ones: the fixtures stay what that script writes. It needs
// the npm registry, so it runs under CI=true only.
func TestAvscLive(t *testing.T) {
	if os.Getenv("CI") != "true" {
		t.Skip("writes Avro files with the npm package avsc, installed from the npm registry: set CI=true to run it")
	}
	present := func() bool { return aptinstall.Command("node")() && aptinstall.Command("npm")() }
	if err := aptinstall.Install(present, "nodejs", "npm"); err != nil {
		t.Fatalf("CI=true: installing node and npm: %v", err)
	}
	zstdCommand(t) // the zstandard codec
	mods := t.TempDir()
	install := exec.Command("npm", "install", "--silent", "--no-audit", "--no-fund", "avsc@5.7.9", "snappyjs@0.7.0")
	install.Dir = mods
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("npm install: %v\n%s", err, out)
	}
	script, err := filepath.Abs(filepath.Join(formatsDir, "avsc_capture.js"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	gen := exec.Command("node", script, out)
	gen.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(mods, "node_modules"))
	if msg, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("node avsc_capture.js: %v\n%s", err, msg)
	}
	for _, sub := range []string{"capture", "codecs", "la-capture"} {
		fresh := open(t, []string{filepath.Join(out, sub)}, nil, Options{})
		committed := open(t, []string{filepath.Join(formatsDir, sub)}, nil, Options{})
		for _, table := range []string{"DeviceNetworkEvents", "DeviceProcessEvents"} {
			got := column(t, fresh, table, "DeviceName", "ReportId", "Timestamp", "TimeGenerated")
			want := column(t, committed, table, "DeviceName", "ReportId", "Timestamp", "TimeGenerated")
			if !slices.Equal(got, want) || len(got) == 0 {
				t.Errorf("%s %s: fresh %v, committed %v", sub, table, got, want)
			}
		}
		if msg := allErrors(fresh); msg != "" {
			t.Errorf("%s: problems:\n%s", sub, msg)
		}
	}
}

// TestAvroLogAnalytics reads a capture of Log Analytics data export to an
// event hub (written by avsc): rows in {"records": [...]} naming their
// table in Type.
func TestAvroLogAnalytics(t *testing.T) {
	d := open(t, []string{filepath.Join(formatsDir, "la-capture")}, nil, Options{})
	if got, want := d.Tables(), []string{"DeviceNetworkEvents", "DeviceProcessEvents"}; !slices.Equal(got, want) {
		t.Fatalf("tables %v, want %v", got, want)
	}
	if got, want := column(t, d, "DeviceNetworkEvents", "RemotePort"), []string{"22", "443"}; !slices.Equal(got, want) {
		t.Errorf("DeviceNetworkEvents %v, want %v", got, want)
	}
	if got, want := column(t, d, "DeviceProcessEvents", "FileName"), []string{"cmd.exe"}; !slices.Equal(got, want) {
		t.Errorf("DeviceProcessEvents %v, want %v", got, want)
	}
	if msg := allErrors(d); msg != "" {
		t.Errorf("problems:\n%s", msg)
	}
	// The same message as a JSON file.
	msg := `{"records": [{"TimeGenerated": "2025-03-04T10:20:00Z", "DeviceName": "wks-1", "RemotePort": 443, "Type": "DeviceNetworkEvents"},
  {"TimeGenerated": "2025-03-04T10:20:01Z", "DeviceName": "wks-1", "FileName": "cmd.exe", "Type": "DeviceProcessEvents"}]}`
	d = open(t, []string{writeFile(t, t.TempDir(), "message.json", []byte(msg))}, nil, Options{})
	if got, want := d.Tables(), []string{"DeviceNetworkEvents", "DeviceProcessEvents"}; !slices.Equal(got, want) {
		t.Fatalf("JSON message: tables %v, want %v", got, want)
	}
	if got, want := column(t, d, "DeviceProcessEvents", "FileName"), []string{"cmd.exe"}; !slices.Equal(got, want) {
		t.Errorf("JSON message: DeviceProcessEvents %v, want %v", got, want)
	}
}

// TestAvroNotJSON checks that a capture file whose Bodies are not JSON
// (another hub's binary messages, written by avsc) is reported with the
// first such record, not as a file without rows.
func TestAvroNotJSON(t *testing.T) {
	dir := filepath.Join(formatsDir, "binary-capture")
	d := open(t, []string{dir}, nil, Options{})
	if tables := d.Tables(); len(tables) != 0 {
		t.Errorf("tables %v", tables)
	}
	path := filepath.Join(dir, "other-ns", "metrics", "0", "2025", "03", "04", "10", "25", "00.avro")
	if msg := allErrors(d); !strings.Contains(msg, path+":record 1:2:1: expected a JSON object or array") {
		t.Errorf("problems:\n%s", msg)
	}
}

// TestLogAnalyticsQueryResponseLongRow: a row longer than the record cap
// (lowered here to 1 MiB) is not held whole: the response stops there
// with an error where the row begins (after the last one read), and the
// rows before it are read.
func TestLogAnalyticsQueryResponseLongRow(t *testing.T) {
	defer func(old int) { maxLine = old }(maxLine)
	maxLine = 1 << 20
	path := filepath.Join(t.TempDir(), "DeviceNetworkEvents.json")
	var b strings.Builder
	b.WriteString(`{"tables": [{"name": "PrimaryResult", "columns": [{"name": "DeviceName", "type": "string"}], "rows": [` + "\n")
	b.WriteString(`["wks-1"],` + "\n")
	b.WriteString(`["` + strings.Repeat("x", 4<<20) + `"],` + "\n")
	b.WriteString(`["wks-3"]` + "\n]}]}\n")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	d := open(t, []string{path}, nil, Options{})
	if got := column(t, d, "DeviceNetworkEvents", "DeviceName"); !slices.Equal(got, []string{"wks-1"}) {
		t.Errorf("rows %v, want the one before the long row", got)
	}
	if msg, want := allErrors(d), path+":2:10: the value that follows is longer than 1048576 bytes; the rest is skipped"; !strings.Contains(msg, want) {
		t.Errorf("problems do not say %q:\n%s", want, msg)
	}
}
