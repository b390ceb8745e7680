package source

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// fuzzTable has the sample's columns with a spread of types, so that every
// converter sees fuzzed values.
func fuzzTable(t testing.TB) *schema.Table {
	tab := screenmeetTable(t, map[string]schema.Type{
		"AdditionalFields":          schema.Dynamic,
		"InitiatingProcessId":       schema.Real,
		"DeviceId":                  schema.Guid,
		"RemotePort":                schema.Bool,
		"InitiatingProcessFileSize": schema.Timespan,
		"LocalPort":                 schema.Int,
	})
	cols := append([]schema.Column(nil), tab.Columns...)
	cols = append(cols, schema.Column{Name: "TimeGenerated", Type: schema.Datetime}, schema.Column{Name: "TenantId", Type: schema.String})
	return schema.NewTable(tab.Name, cols)
}

// fuzzRead reads data as a file of format (or, when format is
// FormatUnknown, as Open tells it) in lenient and strict mode, and fails on
// a panic or a malformed batch. It writes the data to a file in dir, which
// is reused: a fuzz worker runs one input at a time.
func fuzzRead(t *testing.T, dir string, tab *schema.Table, data []byte, format Format) {
	path := filepath.Join(dir, "DeviceNetworkEvents.data")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, strict := range []bool{false, true} {
		opts := Options{Strict: strict, BatchSize: 3, TimeFormat: "dd/MM/yyyy, h:mm:ss.FFF tt"}
		var d *Dataset
		if format == FormatUnknown {
			var err error
			d, err = Open([]string{path}, nil, opts)
			if errors.Is(err, ErrPanic) {
				t.Fatal(err)
			}
			if err != nil {
				return
			}
		} else {
			d = &Dataset{opts: opts, stats: map[statKey]*FileStats{}}
			d.tf, _ = compileTimeFormat(opts.TimeFormat)
			d.files = []*fileEntry{{path: path, format: format, tables: []string{tab.Name}, rowTable: tab.Name}}
			d.stats[statKey{path, strings.ToLower(tab.Name)}] = &FileStats{Path: path, Table: tab.Name}
		}
		rows, err := tryRows(d, tab, allCols(tab))
		var de *DataError
		switch {
		case errors.Is(err, ErrPanic):
			t.Fatal(err)
		case err != nil && !(strict && errors.As(err, &de)):
			t.Fatalf("strict=%v: %v", strict, err)
		}
		st := d.Stats()
		if err == nil && st.Rows != int64(len(rows)) {
			t.Fatalf("stats count %d rows, the scan gave %d", st.Rows, len(rows))
		}
	}
}

func fuzzSeeds(f *testing.F, ext string) {
	for _, fs := range screenmeetFiles {
		f.Add(readSample(f, fs.name))
	}
	for _, c := range badDataCases {
		if strings.HasSuffix(c.name, ext) || ext == "" {
			f.Add([]byte(c.content))
		}
	}
	data, err := os.ReadFile(filepath.Join("testdata", "otrf-goldensaml", "Microsoft365DefenderEvents.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("Timestamp,RemotePort\n\"13/03/2024, 3:40:13.988 pm\",1\n"))
	f.Add([]byte(`{"AdditionalFields": "{\"a\": [1, {\"b\": null}]}", "DeviceId": "{2B1C0F7E9A4D4C3E8F6A5B4C3D2E1F0A}", "LocalPort": 1e3}`))
}

func FuzzJSONLines(f *testing.F) {
	fuzzSeeds(f, ".jsonl")
	tab := fuzzTable(f)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, dir, tab, data, FormatJSONLines)
		fuzzRead(t, dir, tab, data, FormatJSONDoc)
		fuzzRead(t, dir, tab, data, FormatUnknown)
	})
}

func FuzzCSV(f *testing.F) {
	fuzzSeeds(f, ".csv")
	tab := fuzzTable(f)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, dir, tab, data, FormatCSV)
	})
}

func FuzzTimeFormat(f *testing.F) {
	f.Add("dd/MM/yyyy, h:mm:ss.fff tt", "13/03/2024, 3:40:13.988 pm")
	f.Add("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "2025-03-04T09:15:22.44+01:00")
	f.Add("dddd, d MMMM yy H:m zzz", "Tuesday, 4 March 25 9:5 -08")
	f.Fuzz(func(t *testing.T, format, text string) {
		tf, err := compileTimeFormat(format)
		if err != nil {
			return
		}
		tf.parse([]byte(text))
	})
}

// FuzzNewFormats fuzzes the Event Hub Capture, Log Analytics query
// response and zstd readers, seeded with the fixtures written by avsc,
// the zstd command and by hand.
func FuzzNewFormats(f *testing.F) {
	for _, p := range []string{
		"capture/kqlhunt-ns/defender-hub/0/2025/03/04/10/15/00.avro",
		"damaged/kqlhunt-ns/defender-hub/1/2025/03/04/10/15/00.avro",
		"codecs/snappy.avro", "codecs/zstandard.avro",
		"la-capture/la-ns/la-export/0/2025/03/04/10/20/00.avro",
		"loganalytics/query-response.json", "loganalytics/portal-export.csv",
		"loganalytics/rows-with-type.jsonl", "zst/records.zst", "zst/DeviceNetworkEvents.json.zst",
	} {
		data, err := os.ReadFile(filepath.Join(formatsDir, filepath.FromSlash(p)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	tab := fuzzTable(f)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, dir, tab, data, FormatAvro)
		fuzzRead(t, dir, tab, data, FormatLAQuery)
		fuzzRead(t, dir, tab, data, FormatUnknown)
	})
}
