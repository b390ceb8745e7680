package source

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestBadFirstLine checks that a first line that is not JSON costs that
// line only, reported as FILE:1, as a later bad line does, and is an error
// under Options.Strict, instead of the whole file being ignored.
func TestBadFirstLine(t *testing.T) {
	rows := "{\"ReportId\": 1}\n{\"ReportId\": 2}\n"
	for _, tc := range []struct {
		name, first, reason string
	}{
		{"banner", "Exported from Microsoft Defender XDR on 2025-03-04", `expected a JSON object, got "E"`},
		{"cut", `"DeviceName": "a", "ReportId": 0}`, `expected a JSON object, got "\""`},
		{"nul", strings.Repeat("\x00", 300), `expected a JSON object, got byte 0x00`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeFile(t, dir, "DeviceEvents/part.json", []byte(tc.first+"\n"+rows))
			tab := simpleTable("DeviceEvents")
			d := open(t, []string{dir}, nil, Options{})
			got := readRows(t, d, tab, colsOf(t, tab, "ReportId"))
			if !reflect.DeepEqual(got, [][]any{{int64(1)}, {int64(2)}}) {
				t.Errorf("rows %v", got)
			}
			st := fileStats(t, d, path, "DeviceEvents")
			if st.Skipped != 1 || st.SkippedErrors[0].Line != 1 || !strings.Contains(st.SkippedErrors[0].Reason, tc.reason) {
				t.Errorf("skipped %d: %v", st.Skipped, st.SkippedErrors)
			}
			d = open(t, []string{dir}, nil, Options{Strict: true})
			_, err := tryRows(d, tab, colsOf(t, tab, "ReportId"))
			var de *DataError
			if !errors.As(err, &de) || de.Line != 1 || !strings.HasPrefix(err.Error(), path+":1:") {
				t.Errorf("strict: err = %v", err)
			}
		})
	}
}

func utf16Bytes(s string, be, bom bool) []byte {
	var b bytes.Buffer
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xfeff}, units...)
	}
	for _, u := range units {
		if be {
			b.WriteByte(byte(u >> 8))
			b.WriteByte(byte(u))
		} else {
			b.WriteByte(byte(u))
			b.WriteByte(byte(u >> 8))
		}
	}
	return b.Bytes()
}

// TestUTF16 reads UTF-16 exports, told by their byte order mark or by
// the NUL bytes of ASCII text, as JSON lines and as CSV, plain and gzip.
func TestUTF16(t *testing.T) {
	tab := simpleTable("DeviceEvents")
	cols := colsOf(t, tab, "ReportId", "DeviceName")
	want := [][]any{{int64(1), "wks-é"}, {int64(2), "wks-😀"}}
	jsonl := "{\"ReportId\": 1, \"DeviceName\": \"wks-é\"}\r\n{\"ReportId\": 2, \"DeviceName\": \"wks-😀\"}\r\n"
	csv := "ReportId,DeviceName\r\n1,wks-é\r\n2,wks-😀\r\n"
	for i, c := range []struct {
		content   string
		be, bom   bool
		gz        bool
		wantEnc   string
		wantFormt Format
	}{
		{jsonl, false, true, false, "UTF-16LE", FormatJSONLines},
		{jsonl, true, true, false, "UTF-16BE", FormatJSONLines},
		{jsonl, false, false, false, "UTF-16LE", FormatJSONLines},
		{csv, false, true, true, "UTF-16LE", FormatCSV},
		{csv, true, false, false, "UTF-16BE", FormatCSV},
	} {
		data := utf16Bytes(c.content, c.be, c.bom)
		if c.gz {
			data = gzipBytes(t, data)
		}
		path := writeFile(t, t.TempDir(), fmt.Sprintf("DeviceEvents-%d.txt", i), data)
		d := open(t, []string{filepath.Dir(path)}, nil, Options{Strict: true})
		if got := readRows(t, d, tab, cols); !reflect.DeepEqual(got, want) {
			t.Errorf("%d: rows %v, want %v", i, got, want)
		}
		if st := fileStats(t, d, path, "DeviceEvents"); st.Encoding != c.wantEnc || st.Format != c.wantFormt {
			t.Errorf("%d: encoding %q, format %v", i, st.Encoding, st.Format)
		}
	}
}

// TestFormatsNotRead checks that files in formats kqlhunt does not read
// are named with the format recognised and counted, instead of a folder
// of them reading as an empty table; and that they are errors under
// Options.Strict.
func TestFormatsNotRead(t *testing.T) {
	dir := t.TempDir()
	files := map[string]struct {
		content []byte
		kind    string
		reason  string
	}{
		"x.zst":           {[]byte("\x28\xb5\x2f\xfd\x00\x58rest"), "zstd", "the zstd stream asks for a window larger than 128 MiB"},
		"capture.avro":    {[]byte("Obj\x01\x04\x14avro.codec"), "Avro", "Avro file: the Avro header is cut short"},
		"x.xz":            {[]byte("\xfd7zXZ\x00\x00\x04rest"), "xz", "unknown format (starts with bytes FD 37 7A 58: an xz-compressed file); kqlhunt reads gzip and zstd"},
		"x.7z":            {[]byte("7z\xbc\xaf\x27\x1c\x00\x04rest"), "7z", "unknown format (starts with bytes 37 7A BC AF: a 7z archive)"},
		"x.bz2":           {[]byte("BZh91AY&SYrest"), "bzip2", "unknown format (starts with bytes 42 5A 68 39: a bzip2-compressed file)"},
		"Security.evtx":   {append([]byte("ElfFile\x00"), make([]byte, 120)...), "EVTX", "unknown format (starts with bytes 45 6C 66 46: a Windows event log (EVTX))"},
		"x.tar":           {append(append(make([]byte, 257), "ustar\x0000"...), make([]byte, 100)...), "tar", "unknown format (starts with bytes at offset 257 75 73 74 61 72: a tar archive)"},
		"part.parquet.gz": {gzipBytes(t, []byte("PAR1\x15\x04rest")), "Parquet", "gzip-compressed Parquet file: not read"},
		"export.zip":      {[]byte("PK\x03\x04\x14\x00rest"), "zip", "unknown format (starts with bytes 50 4B 03 04: a zip archive); extract it first"},
		"blob.bin":        {append([]byte{1, 2, 3, 0, 0, 0}, bytes.Repeat([]byte{7}, 100)...), "binary", "unknown format (starts with bytes 01 02 03 00: binary, a NUL byte at offset 3); not telemetry"},
		"notes.md":        {[]byte("# Notes\n"), "text", "not telemetry"},
		"cut.json.gz":     {[]byte("\x1f\x8b\x08\x00\x00"), "gzip", "truncated gzip stream"},
		"garbled.gz":      {append([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"), bytes.Repeat([]byte{0xff}, 50)...), "gzip", "corrupt gzip"},
		"DeviceEvents.x":  {[]byte(rowLine), "", ""},
	}
	for name, f := range files {
		writeFile(t, dir, "DeviceEvents/"+name, f.content)
	}
	d := open(t, []string{dir}, nil, Options{})
	st := d.Stats()
	var msgs []string
	for _, e := range st.Ignored {
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	wantCount := map[string]int{}
	for name, f := range files {
		if f.kind == "" {
			continue
		}
		wantCount[f.kind]++
		if want := filepath.Join(dir, "DeviceEvents", name) + ": " + f.reason; !strings.Contains(all, want) {
			t.Errorf("no message %q in\n%s", want, all)
		}
	}
	if !reflect.DeepEqual(st.NotRead, wantCount) {
		t.Errorf("NotRead %v, want %v", st.NotRead, wantCount)
	}
	if rows := readRows(t, d, simpleTable("DeviceEvents"), nil); len(rows) != 1 {
		t.Errorf("%d rows", len(rows))
	}

	_, err := Open([]string{dir}, nil, Options{Strict: true})
	var de *DataError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "unknown format") && !strings.Contains(err.Error(), "not read") && !strings.Contains(err.Error(), "not telemetry") && !strings.Contains(err.Error(), "gzip") {
		t.Errorf("strict: err = %v, want a *DataError naming a file not read", err)
	}
	// Under Strict, a README beside the data is listed, not an error; a
	// file named as telemetry that is not is an error.
	readme := t.TempDir()
	writeFile(t, readme, "README.md", []byte("Exported on 2025-03-04\n"))
	writeFile(t, readme, "DeviceEvents.json", []byte(rowLine))
	if d, err := Open([]string{readme}, nil, Options{Strict: true}); err != nil || len(d.Stats().Ignored) != 1 {
		t.Errorf("strict with a README: err = %v", err)
	}
	writeFile(t, readme, "DeviceEvents-2.csv", []byte("Exported on 2025-03-04\n"))
	if _, err := Open([]string{readme}, nil, Options{Strict: true}); !errors.As(err, &de) || !strings.Contains(err.Error(), "DeviceEvents-2.csv: not telemetry") {
		t.Errorf("strict with a .csv that is not telemetry: err = %v", err)
	}
	xz := filepath.Join(t.TempDir(), "x.xz")
	writeFile(t, filepath.Dir(xz), "x.xz", files["x.xz"].content)
	_, err = Open([]string{filepath.Dir(xz)}, nil, Options{Strict: true})
	if want := xz + ": unknown format (starts with bytes FD 37 7A 58: an xz-compressed file)"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("strict: err = %v, want %q", err, want)
	}
}

// TestTruncatedGzipSmall checks that a small truncated gzip file (whose
// whole content fits in what Open looks at) does not stop the run: its
// complete rows are read and the truncation is reported with its line,
// in JSON lines, CSV and a JSON document.
func TestTruncatedGzipSmall(t *testing.T) {
	var jl, cs, doc bytes.Buffer
	cs.WriteString("ReportId,DeviceName\n")
	doc.WriteString("{\"records\": [\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&jl, "{\"ReportId\": %d, \"DeviceName\": \"host-%d\"}\n", i, i*7919%1000)
		fmt.Fprintf(&cs, "%d,host-%d\n", i, i*7919%1000)
		if i > 0 {
			doc.WriteString(",\n")
		}
		fmt.Fprintf(&doc, `{"category": "AdvancedHunting-DeviceEvents", "properties": {"ReportId": %d, "DeviceName": "host-%d"}}`, i, i*7919%1000)
	}
	doc.WriteString("]}\n")
	tab := simpleTable("DeviceEvents")
	for _, c := range []struct {
		name string
		data []byte
	}{{"DeviceEvents.json.gz", jl.Bytes()}, {"DeviceEvents.csv.gz", cs.Bytes()}, {"hub/message.json.gz", doc.Bytes()}} {
		gz := gzipBytes(t, c.data)
		path := writeFile(t, t.TempDir(), c.name, gz[:len(gz)*2/3])
		d, err := Open([]string{filepath.Dir(path)}, nil, Options{})
		if err != nil {
			t.Fatalf("%s: Open: %v", c.name, err)
		}
		rows, err := tryRows(d, tab, colsOf(t, tab, "ReportId"))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(rows) < 50 || len(rows) >= 200 {
			t.Errorf("%s: %d rows from two thirds of a gzip file", c.name, len(rows))
		}
		for i, r := range rows {
			if r[0] != int64(i) {
				t.Fatalf("%s: row %d is %v", c.name, i, r)
			}
		}
		st := fileStats(t, d, path, "DeviceEvents")
		if st.Skipped != 1 || st.SkippedErrors[0].Line < len(rows) || !strings.Contains(st.SkippedErrors[0].Reason, "truncated gzip stream") {
			t.Errorf("%s: %d rows, skipped %v", c.name, len(rows), st.SkippedErrors)
		}
		d = open(t, []string{path}, nil, Options{Strict: true})
		if _, err := tryRows(d, tab, nil); err == nil || !strings.Contains(err.Error(), "truncated gzip stream") {
			t.Errorf("%s: strict: err = %v", c.name, err)
		}
	}
}

// TestGzipBrokenAfterOpen checks that a gzip file whose header goes bad
// between Open and Scan is reported and skipped, not the end of the scan.
func TestGzipBrokenAfterOpen(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "DeviceEvents.json.gz", gzipBytes(t, []byte(rowLine)))
	other := writeFile(t, dir, "DeviceEvents-2.json", []byte(rowLine))
	d := open(t, []string{dir}, nil, Options{})
	writeFile(t, dir, "DeviceEvents.json.gz", []byte("\x1f\x8b\x08"))
	tab := simpleTable("DeviceEvents")
	if rows := readRows(t, d, tab, nil); len(rows) != 1 {
		t.Errorf("%d rows, want the other file's 1", len(rows))
	}
	st := fileStats(t, d, path, "DeviceEvents")
	if st.Skipped != 1 || !strings.Contains(st.SkippedErrors[0].Error(), path+": truncated gzip stream") {
		t.Errorf("skipped %v", st.SkippedErrors)
	}
	_ = other
}
