package source

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// typesTable has a column of every type.
func typesTable() *schema.Table {
	return schema.NewTable("DeviceEvents", []schema.Column{
		{Name: "Timestamp", Type: schema.Datetime},
		{Name: "DeviceName", Type: schema.String},
		{Name: "Port", Type: schema.Int},
		{Name: "ReportId", Type: schema.Long},
		{Name: "Score", Type: schema.Real},
		{Name: "Amount", Type: schema.Decimal},
		{Name: "IsAdmin", Type: schema.Bool},
		{Name: "Took", Type: schema.Timespan},
		{Name: "DeviceId", Type: schema.Guid},
		{Name: "AdditionalFields", Type: schema.Dynamic},
	})
}

// typesRows returns n rows of typesTable, some values null, and their
// batch.
func typesRows(t testing.TB, n int) *value.Batch {
	t.Helper()
	tab := typesTable()
	var types []schema.Type
	for _, c := range tab.Columns {
		types = append(types, c.Type)
	}
	b := value.NewBatch(types, n)
	base := value.DatetimeOf(time.Date(2026, 11, 19, 10, 0, 0, 0, time.UTC))
	for i := range n {
		row := []any{
			base + value.Datetime(i)*value.Datetime(value.Second)*61 + 3,
			fmt.Sprintf("wks-%d", i%7),
			int64(i % 65536),
			int64(i) << 33,
			float64(i) / 3,
			decimalOf(fmt.Sprintf("%d.%d0", i+i/2, 5*(i%2))),
			i%2 == 0,
			value.Timespan(i * 1234567),
			fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i),
			map[bool]any{true: mustJSON(t, fmt.Sprintf(`{"n":%d,"s":"x\"y","a":[1,2.5,true,null]}`, i)), false: "plain text"}[i%3 != 0],
		}
		if i%5 == 4 {
			for _, k := range []int{0, 2, 3, 4, 5, 6, 7, 9} {
				row[k] = nil
			}
		}
		for ci, v := range row {
			b.Cols[ci].Append(v)
		}
		b.N++
	}
	return b
}

func mustJSON(t testing.TB, s string) any {
	v, err := value.ParseJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func batchRows(b *value.Batch) [][]any {
	var rows [][]any
	for i := 0; i < b.N; i++ {
		rows = append(rows, b.Row(i))
	}
	return rows
}

func writeParquetT(t testing.TB, path string, tab *schema.Table, b *value.Batch, opts ParquetOptions) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeParquetFile(path, tab, b, opts, false); err != nil {
		t.Fatal(err)
	}
}

// TestParquetRoundTrip writes every type with each codec and reads it
// back unchanged; the table comes from the file's metadata, not its name.
func TestParquetRoundTrip(t *testing.T) {
	tab := typesTable()
	b := typesRows(t, 300)
	want := batchRows(b)
	for codec := range ParquetCodecs {
		t.Run(codec, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "data.parquet")
			writeParquetT(t, path, tab, b, ParquetOptions{Codec: codec, RowGroupRows: 64})
			d := open(t, []string{dir}, nil, Options{Known: []string{"DeviceEvents"}, BatchSize: 100})
			if got := d.Tables(); !reflect.DeepEqual(got, []string{"DeviceEvents"}) {
				t.Fatalf("tables %v", got)
			}
			got := readRows(t, d, tab, allCols(tab))
			if !reflect.DeepEqual(got, want) {
				for i := range min(len(got), len(want)) {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Fatalf("row %d:\n got %#v\nwant %#v", i, got[i], want[i])
					}
				}
				t.Fatalf("got %d rows, want %d", len(got), len(want))
			}
			fs := fileStats(t, d, path, "DeviceEvents")
			if fs.Format != FormatParquet || fs.Rows != 300 || fs.Unconverted != 0 || !fs.Complete {
				t.Fatalf("stats %+v", fs)
			}
		})
	}
}

// TestParquetColumnPruning reads one column of a file and fewer bytes than
// the whole file; columns repeated and reordered come out as asked.
func TestParquetColumnPruning(t *testing.T) {
	tab := typesTable()
	b := typesRows(t, 5000)
	dir := t.TempDir()
	path := filepath.Join(dir, "DeviceEvents.parquet")
	writeParquetT(t, path, tab, b, ParquetOptions{Codec: "uncompressed"})
	read := func(cols []int) ([][]any, int64) {
		d := open(t, []string{path}, nil, Options{Known: []string{"DeviceEvents"}})
		rows := readRows(t, d, tab, cols)
		return rows, fileStats(t, d, path, "DeviceEvents").Bytes
	}
	_, all := read(allCols(tab))
	rows, one := read(colsOf(t, tab, "Port", "DeviceName", "Port"))
	if one*3 > all {
		t.Errorf("reading 2 of 10 columns read %d bytes, all of them %d", one, all)
	}
	if len(rows) != 5000 || rows[1][0] != int64(1) || rows[1][1] != "wks-1" || rows[1][2] != int64(1) || rows[4][0] != nil {
		t.Errorf("rows %v %v", rows[1], rows[4])
	}
}

// foreignRow is a row as other tools write it: timestamps in their units,
// a datetime as RFC 3339 text, names in another case, extra columns.
type foreignRow struct {
	Millis   time.Time `parquet:"timestamp,timestamp(millisecond)"`
	Micros   time.Time `parquet:"Micros,timestamp(microsecond)"`
	Nanos    time.Time `parquet:"Nanos,timestamp(nanosecond)"`
	Text     string    `parquet:"Text"`
	Day      int32     `parquet:"Day,date"` // days since the epoch
	Port     int32     `parquet:"port"`
	Big      int64     `parquet:"Big"`
	Flag     bool      `parquet:"Flag"`
	F        float32   `parquet:"F"`
	Extra    string    `parquet:"Extra"`
	Tags     []string  `parquet:"Tags,list"`
	Nullable *int64    `parquet:"Nullable,optional"`
}

func TestParquetForeignTypes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "DeviceEvents", "day=2026-11-19", "part-0.parquet")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 11, 19, 10, 0, 0, 123456789, time.UTC)
	seven := int64(7)
	rows := []foreignRow{
		{Millis: ts, Micros: ts, Nanos: ts, Text: "2026-11-19T10:00:00.1234567Z", Day: int32(ts.Unix() / 86400), Port: 443, Big: 1 << 40, Flag: true, F: 1.5, Tags: []string{"a"}, Nullable: &seven},
		{Millis: ts, Micros: ts, Nanos: ts, Text: "not a time", Day: int32(ts.Unix() / 86400), Port: -1, Big: 5, Flag: false, F: 2},
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[foreignRow](&buf, parquet.Compression(&parquet.Snappy))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tab := schema.NewTable("DeviceEvents", []schema.Column{
		{Name: "Timestamp", Type: schema.Datetime},
		{Name: "Micros", Type: schema.Datetime},
		{Name: "Nanos", Type: schema.Datetime},
		{Name: "Text", Type: schema.Datetime},
		{Name: "Day", Type: schema.Datetime},
		{Name: "Port", Type: schema.Int},
		{Name: "Big", Type: schema.Int},
		{Name: "Flag", Type: schema.String},
		{Name: "F", Type: schema.Real},
		{Name: "Tags", Type: schema.Dynamic},
		{Name: "Nullable", Type: schema.Long},
		{Name: "Missing", Type: schema.String},
	})
	d := open(t, []string{dir}, nil, Options{Known: []string{"DeviceEvents"}})
	got := readRows(t, d, tab, allCols(tab))
	dt := func(s string) any { v, _ := value.ParseDatetime(s); return v }
	want := [][]any{
		{dt("2026-11-19T10:00:00.123Z"), dt("2026-11-19T10:00:00.123456Z"), dt("2026-11-19T10:00:00.1234567Z"), dt("2026-11-19T10:00:00.1234567Z"), dt("2026-11-19T00:00:00Z"), int64(443), nil, "true", 1.5, nil, int64(7), ""},
		{dt("2026-11-19T10:00:00.123Z"), dt("2026-11-19T10:00:00.123456Z"), dt("2026-11-19T10:00:00.1234567Z"), nil, dt("2026-11-19T00:00:00Z"), int64(-1), int64(5), "false", 2.0, nil, nil, ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%v\nwant\n%v", got, want)
	}
	fs := fileStats(t, d, path, "DeviceEvents")
	if fs.Unconverted != 4 {
		t.Fatalf("unconverted %d, want 4 (Big out of int range, Text not a time, Tags a list twice): %v", fs.Unconverted, fs.UnconvertedErrors)
	}
	msgs := fmt.Sprint(fs.UnconvertedErrors)
	if !strings.Contains(msgs, `column "Big"`) || !strings.Contains(msgs, `"not a time"`) || !strings.Contains(msgs, `nested Parquet column "Tags"`) {
		t.Errorf("messages %s", msgs)
	}
}

// TestParquetTimePruning skips the row groups whose time statistics miss
// the scan's range and counts their rows; every row in range is read.
func TestParquetTimePruning(t *testing.T) {
	tab := typesTable()
	b := typesRows(t, 1000) // times rise: 61 s apart
	dir := t.TempDir()
	path := filepath.Join(dir, "x.parquet")
	writeParquetT(t, path, tab, b, ParquetOptions{RowGroupRows: 100})
	times := b.Cols[0]
	from, to := value.Datetime(times.Ints[350]), value.Datetime(times.Ints[420])
	d := open(t, []string{path}, nil, Options{Known: []string{"DeviceEvents"}})
	s, err := d.ScanWindow(tab, colsOf(t, tab, "Timestamp"), &TimeRange{Column: "Timestamp", From: from, To: to, HasFrom: true, HasTo: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []value.Datetime
	for {
		b, err := s.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			break
		}
		for i := 0; i < b.N; i++ {
			if !b.Cols[0].IsNull(i) {
				got = append(got, value.Datetime(b.Cols[0].Ints[i]))
			}
		}
	}
	s.Close()
	inRange := 0
	for _, v := range got {
		if v >= from && v <= to {
			inRange++
		}
	}
	if inRange != 71-14 { // rows 350..420, less the null ones (i%5 == 4)
		t.Errorf("%d rows in range, want %d", inRange, 71-14)
	}
	fs := fileStats(t, d, path, "DeviceEvents")
	if fs.Pruned != 800 || fs.Rows != 200 {
		t.Errorf("pruned %d, rows %d; want 800 and 200 (row groups 300-399 and 400-499 read)", fs.Pruned, fs.Rows)
	}
	if st := d.Stats(); st.Pruned != 800 || st.Table("DeviceEvents").Pruned != 800 {
		t.Errorf("stats pruned %d", st.Pruned)
	}
	// A later scan of every row replaces the pruned counts.
	if rows := readRows(t, d, tab, colsOf(t, tab, "Timestamp")); len(rows) != 1000 {
		t.Errorf("full scan: %d rows", len(rows))
	}
	if fs := fileStats(t, d, path, "DeviceEvents"); fs.Pruned != 0 || fs.Rows != 1000 {
		t.Errorf("after a full scan: pruned %d, rows %d", fs.Pruned, fs.Rows)
	}
}

// TestParquetBadFile reports a file that says PAR1 but is not Parquet and
// reads the others.
func TestParquetBadFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "DeviceEvents/bad.parquet", []byte("PAR1 this is not parquet"))
	tab := typesTable()
	writeParquetT(t, filepath.Join(dir, "DeviceEvents", "good.parquet"), tab, typesRows(t, 10), ParquetOptions{})
	d := open(t, []string{dir}, nil, Options{Known: []string{"DeviceEvents"}})
	if rows := readRows(t, d, tab, allCols(tab)); len(rows) != 10 {
		t.Fatalf("%d rows", len(rows))
	}
	fs := fileStats(t, d, filepath.Join(dir, "DeviceEvents", "bad.parquet"), "DeviceEvents")
	if fs.Skipped != 1 || !strings.Contains(fs.SkippedErrors[0].Error(), "not a readable Parquet file") {
		t.Fatalf("bad file stats %+v", fs)
	}
	d = open(t, []string{dir}, nil, Options{Known: []string{"DeviceEvents"}, Strict: true})
	if _, err := tryRows(d, tab, allCols(tab)); err == nil {
		t.Fatal("strict: no error for the bad file")
	}
}

// TestDayWriter partitions by day, sorts each file by time and splits a
// day into several part files when it holds more than its limit.
func TestDayWriter(t *testing.T) {
	tab := typesTable()
	b := typesRows(t, 3000) // 61 s apart: about 2 days and a bit
	// Shuffle the rows, so that sorting matters.
	idx := make([]int, b.N)
	for i := range idx {
		idx[i] = (i * 7919) % b.N
	}
	shuffled := b.Take(idx)
	dir := t.TempDir()
	w := NewDayWriter(tab, dir, 1000, ParquetOptions{RowGroupRows: 128})
	for lo := 0; lo < shuffled.N; lo += 500 {
		part := make([]int, 0, 500)
		for i := lo; i < min(lo+500, shuffled.N); i++ {
			part = append(part, i)
		}
		if err := w.Add(shuffled.Take(part)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Rows != 3000 {
		t.Fatalf("wrote %d rows", w.Rows)
	}
	days := map[string]int{}
	for _, f := range w.Files {
		rel, _ := filepath.Rel(dir, f)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 3 || parts[0] != "DeviceEvents" || !strings.HasPrefix(parts[1], "day=") {
			t.Fatalf("file %s", rel)
		}
		days[parts[1]]++
		d := open(t, []string{f}, nil, Options{Known: []string{"DeviceEvents"}})
		rows := readRows(t, d, tab, colsOf(t, tab, "Timestamp"))
		for i := 1; i < len(rows); i++ {
			if rows[i-1][0] != nil && rows[i][0] != nil && rows[i-1][0].(value.Datetime) > rows[i][0].(value.Datetime) {
				t.Fatalf("%s: not sorted at row %d", rel, i)
			}
		}
	}
	if days["day=none"] == 0 || days["day=2026-11-19"] < 2 || len(days) != 4 {
		t.Errorf("files per day %v", days)
	}
	d := open(t, []string{dir}, nil, Options{Known: []string{"DeviceEvents"}})
	got := readRows(t, d, tab, allCols(tab))
	if len(got) != 3000 {
		t.Fatalf("read back %d rows", len(got))
	}
	key := func(r []any) string {
		var b []byte
		for _, v := range r {
			b = value.AppendJSON(append(b, ' '), v)
		}
		return string(b)
	}
	want := map[string]int{}
	for _, r := range batchRows(b) {
		want[key(r)]++
	}
	for _, r := range got {
		want[key(r)]--
	}
	for k, n := range want {
		if n != 0 {
			t.Fatalf("row %s: count off by %d", k, n)
		}
	}
}

// duckTable is the schema of the DuckDB fixtures (testdata/duckdb).
func duckTable() *schema.Table {
	return schema.NewTable("DeviceNetworkEvents", []schema.Column{
		{Name: "Timestamp", Type: schema.Datetime},
		{Name: "TimeGenerated", Type: schema.Datetime},
		{Name: "TsNs", Type: schema.Datetime},
		{Name: "DeviceName", Type: schema.String},
		{Name: "RemotePort", Type: schema.Int},
		{Name: "ReportId", Type: schema.Long},
		{Name: "Score", Type: schema.Real},
		{Name: "Flag", Type: schema.Bool},
		{Name: "Amount", Type: schema.Real},
		{Name: "Day", Type: schema.Datetime},
		{Name: "DeviceId", Type: schema.Guid},
		{Name: "AdditionalFields", Type: schema.Dynamic},
		{Name: "RemoteUrl", Type: schema.String},
	})
}

// duckRow is row i of the DuckDB fixtures, as make.mjs writes it.
func duckRow(t testing.TB, i int) []any {
	ts := value.DatetimeOf(time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC).Add(time.Duration(i*37)*time.Second + time.Duration(i*123)*time.Microsecond))
	row := []any{
		ts, ts, ts,
		fmt.Sprintf("dev-%d", i%5),
		int64(i * 7 % 65536),
		int64(i) * 1000003,
		float64(i) / 4,
		i%2 == 0,
		float64(i) * 1.25,
		value.DatetimeOf(time.Date(2025, 3, 4+i/50, 0, 0, 0, 0, time.UTC)),
		fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
		mustJSON(t, fmt.Sprintf(`{"n":%d,"s":"x"}`, i)),
		fmt.Sprintf("host%d.example.com", i),
	}
	if i%10 == 9 {
		row[4], row[7], row[11], row[12] = nil, nil, nil, ""
	}
	return row
}

// TestParquetDuckDB reads files that DuckDB wrote, with each codec it
// writes, its own time, decimal, UUID and JSON types; one names its table
// only in its metadata.
func TestParquetDuckDB(t *testing.T) {
	tab := duckTable()
	var want [][]any
	for i := range 120 {
		want = append(want, duckRow(t, i))
	}
	files, _ := filepath.Glob("testdata/duckdb/*.parquet")
	if len(files) != 6 {
		t.Fatalf("fixtures %v", files)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			d := open(t, []string{path}, nil, Options{Known: []string{"DeviceNetworkEvents"}, BatchSize: 50})
			got := readRows(t, d, tab, allCols(tab))
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("row %d:\n got %v\nwant %v", i, got[i], want[i])
				}
			}
			if fs := fileStats(t, d, path, "DeviceNetworkEvents"); fs.Unconverted != 0 || fs.Skipped != 0 {
				t.Fatalf("stats %+v", fs)
			}
		})
	}
	// DuckDB's statistics (TIMESTAMP, microseconds) prune. DuckDB writes
	// row groups of at least 2048 rows, so the file is one row group:
	// a window before its rows prunes it, one that ends in them does not.
	path := "testdata/duckdb/DeviceNetworkEvents.zstd.parquet"
	for _, c := range []struct {
		to           value.Datetime
		rows, pruned int64
	}{
		{want[0][0].(value.Datetime) - 1, 0, 120},
		{want[0][0].(value.Datetime), 120, 0},
	} {
		d := open(t, []string{path}, nil, Options{Known: []string{"DeviceNetworkEvents"}})
		s, err := d.ScanWindow(tab, colsOf(t, tab, "DeviceName"), &TimeRange{Column: "Timestamp", To: c.to, HasTo: true})
		if err != nil {
			t.Fatal(err)
		}
		for {
			b, err := s.Next(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if b == nil {
				break
			}
		}
		s.Close()
		if fs := fileStats(t, d, path, "DeviceNetworkEvents"); fs.Rows != c.rows || fs.Pruned != c.pruned {
			t.Errorf("window to %v: rows %d, pruned %d; want %d and %d", c.to, fs.Rows, fs.Pruned, c.rows, c.pruned)
		}
	}
}

// TestParquetCorrupt reads files cut short or with bytes changed: each is
// read up to the damage or skipped, and reported; none stops the scan or
// panics.
func TestParquetCorrupt(t *testing.T) {
	tab := typesTable()
	var buf bytes.Buffer
	if err := WriteParquet(&buf, tab, []*value.Batch{typesRows(t, 200)}, ParquetOptions{Codec: "snappy", RowGroupRows: 50}); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	dir := t.TempDir()
	var cases [][]byte
	for _, cut := range []int{8, len(good) / 3, len(good) / 2, len(good) - 9, len(good) - 1} {
		cases = append(cases, append([]byte(nil), good[:cut]...))
	}
	for k := 4; k < len(good)-8; k += len(good) / 40 {
		bad := append([]byte(nil), good...)
		bad[k] ^= 0x5a
		bad[k+1] ^= 0xff
		cases = append(cases, bad)
	}
	for i, data := range cases {
		path := writeFile(t, dir, fmt.Sprintf("c%d/DeviceEvents.parquet", i), data)
		d := open(t, []string{path}, nil, Options{Known: []string{"DeviceEvents"}})
		rows, err := tryRows(d, tab, allCols(tab))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		fs := fileStats(t, d, path, "DeviceEvents")
		if testing.Verbose() && fs.Skipped > 0 {
			t.Logf("case %d: %d rows; %v", i, len(rows), fs.SkippedErrors[0].Reason)
		}
		if len(rows) != 200 && fs.Skipped == 0 {
			t.Errorf("case %d: %d rows and nothing reported", i, len(rows))
		}
	}
}

// TestDayWriterMaxHeld writes part files when the values held exceed
// MaxHeld, whatever the row count.
func TestDayWriterMaxHeld(t *testing.T) {
	tab := typesTable()
	b := typesRows(t, 1000)
	dir := t.TempDir()
	w := NewDayWriter(tab, dir, 1<<30, ParquetOptions{})
	w.MaxHeld = 20 << 10
	if err := w.Add(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if len(w.Files) < 5 || w.Rows != 1000 {
		t.Errorf("%d files, %d rows; want several files", len(w.Files), w.Rows)
	}
}

// TestParquetPruneColumn prunes by the window's own column: a window on
// TimeGenerated is not applied to Timestamp when the file has both (they
// differ in Sentinel's copies), and is applied to Timestamp when the file
// has no TimeGenerated (its rows take Timestamp for it).
func TestParquetPruneColumn(t *testing.T) {
	both := schema.NewTable("DeviceEvents", []schema.Column{
		{Name: "Timestamp", Type: schema.Datetime},
		{Name: "TimeGenerated", Type: schema.Datetime},
	})
	base := value.DatetimeOf(time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC))
	later := base + value.Datetime(10*86400*value.Second)
	b := value.NewBatch([]schema.Type{schema.Datetime, schema.Datetime}, 100)
	for i := range 100 {
		b.Cols[0].Append(base + value.Datetime(i))
		b.Cols[1].Append(later + value.Datetime(i))
		b.N++
	}
	dir := t.TempDir()
	writeParquetT(t, filepath.Join(dir, "both", "x.parquet"), both, b, ParquetOptions{RowGroupRows: 10})
	stampOnly := schema.NewTable("DeviceEvents", both.Columns[:1])
	writeParquetT(t, filepath.Join(dir, "stamp", "x.parquet"), stampOnly, &value.Batch{Cols: b.Cols[:1], N: b.N}, ParquetOptions{RowGroupRows: 10})
	for _, c := range []struct {
		folder       string
		win          TimeRange
		rows, pruned int64
	}{
		{"both", TimeRange{Column: "TimeGenerated", From: later, To: later + 9, HasFrom: true, HasTo: true}, 10, 90},
		{"both", TimeRange{Column: "TimeGenerated", From: base, To: base + 9, HasFrom: true, HasTo: true}, 0, 100},
		{"both", TimeRange{Column: "Timestamp", From: base, To: base + 9, HasFrom: true, HasTo: true}, 10, 90},
		{"stamp", TimeRange{Column: "TimeGenerated", From: base + 20, To: base + 29, HasFrom: true, HasTo: true}, 10, 90},
	} {
		path := filepath.Join(dir, c.folder, "x.parquet")
		d := open(t, []string{path}, nil, Options{Known: []string{"DeviceEvents"}})
		s, err := d.ScanWindow(both, []int{1}, &c.win)
		if err != nil {
			t.Fatal(err)
		}
		for {
			b, err := s.Next(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if b == nil {
				break
			}
		}
		s.Close()
		if fs := fileStats(t, d, path, "DeviceEvents"); fs.Rows != c.rows || fs.Pruned != c.pruned {
			t.Errorf("%s, window on %s: rows %d, pruned %d; want %d and %d", c.folder, c.win.Column, fs.Rows, fs.Pruned, c.rows, c.pruned)
		}
	}
}

// TestFooterTable checks that the footer reader finds the table of a
// Parquet file as the Parquet library does, for kqlhunt's files, DuckDB's
// and files with no table key, and that it gives up on damaged footers.
func TestFooterTable(t *testing.T) {
	dir := t.TempDir()
	tab := typesTable()
	ours := filepath.Join(dir, "ours.parquet")
	writeParquetT(t, ours, tab, typesRows(t, 300), ParquetOptions{RowGroupRows: 64})
	files, _ := filepath.Glob("testdata/duckdb/*.parquet")
	files = append(files, ours)
	tables := map[string]bool{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r := bytes.NewReader(data)
		want := parquetTableSlow(r, int64(len(data)))
		got, ok := footerTable(r, int64(len(data)))
		if !ok || strings.TrimSpace(got) != want {
			t.Errorf("%s: footer table %q, %v; the library reads %q", path, got, ok, want)
		}
		tables[want] = true
		// A damaged footer: footerTable gives up or agrees; it never
		// panics.
		for _, cut := range []int{9, 20, 100, 1000} {
			if cut >= len(data)-8 {
				continue
			}
			bad := bytes.Clone(data)
			for i := len(bad) - 8 - cut; i < len(bad)-8 && i < len(bad)-8-cut+7; i++ {
				bad[i] ^= 0xa5
			}
			footerTable(bytes.NewReader(bad), int64(len(bad)))
		}
	}
	if !tables["DeviceEvents"] || !tables[""] || len(tables) < 3 {
		t.Errorf("the files name the tables %v: want DeviceEvents, another and none", tables)
	}
}
