package source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/zstd"

	"github.com/kqlhunt/kqlhunt/internal/schema"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
)

// Format is a telemetry file format, told from the file's content.
type Format uint8

// The formats Open recognizes.
const (
	FormatUnknown   Format = iota
	FormatJSONLines        // one Advanced Hunting row object per line
	FormatStorage          // one streaming API record per line (Azure Storage, PT1H.json)
	FormatEventHub         // a streaming API Event Hub message, {"records": [...]}
	FormatAPI              // an Advanced Hunting API response, {"Schema", "Results"}
	FormatJSONDoc          // a JSON array of rows or records, or pretty-printed objects
	FormatCSV              // the Advanced Hunting portal's CSV export
	FormatParquet          // Apache Parquet, read column by column
	FormatAvro             // an Avro object container file of Event Hub Capture
	FormatLAQuery          // a Log Analytics query API response, {"tables": [...]}
)

var formatNames = [...]string{
	FormatUnknown:   "unknown",
	FormatJSONLines: "JSON lines",
	FormatStorage:   "streaming API records (Azure Storage)",
	FormatEventHub:  "streaming API Event Hub message",
	FormatAPI:       "Advanced Hunting API response",
	FormatJSONDoc:   "JSON document",
	FormatCSV:       "CSV",
	FormatParquet:   "Parquet",
	FormatAvro:      "Event Hub Capture Avro",
	FormatLAQuery:   "Log Analytics query API response",
}

// String returns a short description of f, such as "JSON lines".
func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return "invalid"
}

// isDocument reports whether files of format f are read whole rather than
// line by line.
func (f Format) isDocument() bool {
	return f == FormatEventHub || f == FormatAPI || f == FormatJSONDoc
}

const (
	sniffSize  = 64 << 10 // how much of a file Open looks at
	bufferSize = 256 << 10
)

// maxLine is the longest line, document element or CSV record a reader
// holds, MaxRecordSize; a longer one is skipped as malformed rather than
// held in memory. Tests lower it.
var maxLine = MaxRecordSize

var utf8BOM = []byte("\xef\xbb\xbf")

// openData opens path and returns a reader of its content, decompressed
// when the file is gzip or zstd (told by their magic numbers) and decoded
// to UTF-8 when it is UTF-16, whether it is compressed, and a good buffer
// size for reading it: the file's size, within limits. Reads are counted
// into *n when n is not nil, and the bytes read from disk (compressed or
// not) into disk when it is not nil. A compressed file whose header cannot
// be read gives a *DataError.
func openData(path string, n *int64, disk *atomic.Int64) (*dataReader, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, false, err
	}
	var raw io.Reader = f
	if disk != nil {
		raw = &diskReader{f: f, n: disk}
	}
	rc := &dataReader{f: f, r: raw, n: n, bufSize: int(min(max(info.Size()+1, 4<<10), bufferSize))}
	var magic [4]byte
	k, _ := f.ReadAt(magic[:], 0)
	head := magic[:k]
	var zr io.Reader
	switch {
	case k >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		gr, err := gzip.NewReader(bufio.NewReaderSize(raw, 64<<10))
		if err != nil {
			f.Close()
			reason := "corrupt gzip header: " + err.Error()
			if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
				reason = "truncated gzip stream: the file ends in the gzip header"
			}
			return nil, true, &DataError{File: path, Reason: reason}
		}
		zr, rc.codec = gr, "gzip"
	case k == 4 && string(magic[:]) == zstdMagic:
		// One goroutine, and a window of at most 128 MiB (zstd -19
		// uses 8 MiB; --long=27 128 MiB): memory stays bounded.
		zd, err := zstd.NewReader(bufio.NewReaderSize(raw, 64<<10), zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(128<<20), zstd.WithDecoderLowmem(true))
		if err != nil {
			f.Close()
			return nil, true, &DataError{File: path, Reason: "corrupt zstd stream: " + err.Error()}
		}
		rc.zstd = zd
		zr, rc.codec = &codecReader{r: zd, codec: "zstd"}, "zstd"
	}
	if zr != nil {
		// Peek at the decompressed start, for its encoding.
		pr := &prefixReader{r: zr}
		for len(pr.head) < 4 && pr.err == nil {
			k, err := zr.Read(magic[len(pr.head):])
			pr.head = magic[:len(pr.head)+k]
			pr.err = err
		}
		head = pr.head
		rc.r, rc.bufSize = pr, bufferSize
	}
	if enc := utf16Encoding(head); enc != "" {
		rc.r, rc.enc = newUTF16Reader(rc.r, enc), enc
		rc.bufSize = bufferSize
	}
	return rc, zr != nil, nil
}

// zstdMagic starts every zstd frame.
const zstdMagic = "\x28\xb5\x2f\xfd"

// codecReader reads a decompressor, wrapping its errors (but io.EOF) in a
// *codecError that names the codec, for messages.
type codecReader struct {
	r     io.Reader
	codec string
}

func (c *codecReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		err = &codecError{codec: c.codec, err: err}
	}
	return k, err
}

// codecError is a decompressor's error.
type codecError struct {
	codec string
	err   error
}

func (e *codecError) Error() string { return e.codec + ": " + e.err.Error() }
func (e *codecError) Unwrap() error { return e.err }

// prefixReader returns head, then the read error met while reading it,
// if any, then what r reads.
type prefixReader struct {
	head []byte
	err  error
	r    io.Reader
}

func (p *prefixReader) Read(b []byte) (int, error) {
	if len(p.head) > 0 {
		n := copy(b, p.head)
		p.head = p.head[n:]
		return n, nil
	}
	if p.err != nil {
		return 0, p.err
	}
	return p.r.Read(b)
}

// dataReader reads a file's (decompressed) content and counts it.
type dataReader struct {
	f       *os.File
	r       io.Reader
	n       *int64
	bufSize int
	enc     string // "UTF-16LE" or "UTF-16BE" when decoded, else ""
	codec   string // "gzip" or "zstd" when decompressed, else ""
	zstd    *zstd.Decoder
}

func (d *dataReader) Read(p []byte) (int, error) {
	k, err := d.r.Read(p)
	if d.n != nil {
		*d.n += int64(k)
	}
	return k, err
}

func (d *dataReader) Close() error {
	if d.zstd != nil {
		d.zstd.Close()
		d.zstd = nil
	}
	return d.f.Close()
}

// counted adds k bytes, taken from the file without Read (a mapping), to
// the counters that Read keeps.
func (d *dataReader) counted(k int) {
	if d.n != nil {
		*d.n += int64(k)
	}
	if dr, ok := d.r.(*diskReader); ok {
		dr.n.Add(int64(k))
	}
}

// diskReader counts the bytes read from a file into a counter that other
// goroutines read (Dataset.Progress).
type diskReader struct {
	f *os.File
	n *atomic.Int64
}

func (d *diskReader) Read(p []byte) (int, error) {
	k, err := d.f.Read(p)
	d.n.Add(int64(k))
	return k, err
}

// sniffed is what Open learns from the start of a file.
type sniffed struct {
	format Format
	empty  bool
	// tables lists the tables named by streaming records (their category),
	// as the data spells them.
	tables []string
	// rows is set when the file holds plain rows, whose table must come
	// from elsewhere.
	rows bool
	// reason tells why the format is unknown, and kind names the format
	// recognised ("zstd", "binary", "text"; see Stats.NotRead).
	reason, kind string
	// enc names the encoding decoded, "UTF-16LE" or "UTF-16BE", or "".
	enc string
	// mixed is set for files of streaming records, which may hold rows
	// of any number of tables anywhere: tables then lists those of the
	// file's start, and the index pass lists the rest.
	mixed bool
	// typed lists the Type values of the rows at the file's start (Log
	// Analytics rows name their table so).
	typed []string
}

// sniff tells the format of the file at path from its content: it reads
// at most sniffSize bytes of it (decompressed), never the whole file. A
// file that cannot be read, or whose gzip stream is cut short or corrupt,
// is told from the bytes that could be read; the scan reports the rest.
func sniff(path string) (sniffed, bool, error) {
	rc, gz, err := openData(path, nil, nil)
	if err != nil {
		var de *DataError
		if errors.As(err, &de) {
			kind := "gzip"
			if strings.Contains(de.Reason, "zstd") {
				kind = "zstd"
			}
			return sniffed{kind: kind, reason: de.Reason}, gz, nil
		}
		return sniffed{}, gz, err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, min(rc.bufSize, sniffSize))
	head, err := br.Peek(min(rc.bufSize, sniffSize))
	atEOF := false
	if err != nil {
		switch {
		case err == io.EOF:
			atEOF = true
		case errors.Is(err, bufio.ErrBufferFull):
		case gz || rc.enc != "":
			// A truncated or corrupt stream: tell the format from what
			// was read; the scan reports the problem where it is.
			if len(head) == 0 {
				kind := rc.codec
				if kind == "" {
					kind = "text"
				}
				return sniffed{kind: kind, reason: readErrorReason(err, "its first line") + "; no data could be read"}, gz, nil
			}
		default:
			return sniffed{}, gz, fmt.Errorf("%s: %w", path, err)
		}
	}
	s := sniffHead(head, atEOF)
	s.enc = rc.enc
	return s, gz, nil
}

// sniffHead tells the format of a file from head, its first bytes
// (decompressed and decoded); atEOF tells that head is the whole file.
func sniffHead(head []byte, atEOF bool) sniffed {
	if bytes.HasPrefix(head, []byte(avroMagic)) {
		// The header tells an Event Hub Capture file from other Avro.
		o, err := newOCFReader(bytes.NewReader(head))
		if err == nil {
			o.close()
		} else if atEOF || !errors.Is(err, errHeaderCut) {
			return sniffed{kind: "Avro", reason: "Avro file: " + err.Error()}
		}
	}
	if s, ok := sniffMagic(head); ok {
		return s
	}
	head = bytes.TrimPrefix(head, utf8BOM)
	i := jsonscan.SkipSpace(head, 0)
	if i == len(head) {
		if atEOF {
			return sniffed{empty: true}
		}
		return sniffed{kind: "text", reason: "not telemetry: the file starts with 64 KiB of white space"}
	}
	var s sniffed
	switch head[i] {
	case '{':
		s = sniffObject(head, i, atEOF)
	case '[':
		s = sniffed{format: FormatJSONDoc, rows: true}
	default:
		// A first line that is not JSON (an export banner, a line cut
		// short, a block of NULs) before JSON lines costs that line
		// only: the scan reports it.
		if k := firstJSONLine(head); k >= 0 {
			s = sniffObject(head, k, atEOF)
			if s.format == FormatJSONLines || s.format == FormatStorage {
				break
			}
		}
		s = sniffText(head)
	}
	switch {
	case s.format == FormatEventHub || s.format == FormatJSONDoc && bytes.Contains(head, []byte(`"category"`)):
		// Streaming records, which may mix tables anywhere: the prefix
		// tells some, the index pass (Dataset.index) the rest.
		s.tables, s.rows = documentTables(head)
		s.mixed = true
	case s.format == FormatStorage:
		s.mixed = true
	}
	switch {
	case s.format == FormatLAQuery:
		s.typed, _ = laTypes(bytes.NewReader(head), -1)
	case s.rows && (s.format == FormatJSONLines || s.format == FormatJSONDoc || s.format == FormatAPI || s.format == FormatEventHub):
		s.typed = headTypes(head, s.format)
	}
	return s
}

// firstJSONLine returns the offset of the first line of head after the
// first that holds a JSON object whole, or -1.
func firstJSONLine(head []byte) int {
	for off := 0; ; {
		k := bytes.IndexByte(head[off:], '\n')
		if k < 0 {
			return -1
		}
		off += k + 1
		j := off
		for j < len(head) && (head[j] == ' ' || head[j] == '\t' || head[j] == '\r') {
			j++
		}
		if j < len(head) && head[j] == '{' {
			lineEnd := len(head)
			if e := bytes.IndexByte(head[j:], '\n'); e >= 0 {
				lineEnd = j + e
			}
			if end, err := jsonscan.Skip(head[:lineEnd], j); err == nil && end <= lineEnd {
				return j
			}
		}
	}
}

// magics are the formats kqlhunt recognises by their first bytes (at
// offset off) and does not read; kind names the format in Stats.NotRead,
// what describes it and hint says what to do.
var magics = []struct {
	off               int
	magic, kind, what string
	hint              string
}{
	{0, "PK\x03\x04", "zip", "a zip archive", "extract it first"},
	{0, "PK\x05\x06", "zip", "an empty zip archive", ""},
	{0, "BZh", "bzip2", "a bzip2-compressed file", "kqlhunt reads gzip and zstd; decompress it with bunzip2"},
	{0, "\xfd7zXZ\x00", "xz", "an xz-compressed file", "kqlhunt reads gzip and zstd; decompress it with xz -d"},
	{0, "7z\xbc\xaf\x27\x1c", "7z", "a 7z archive", "extract it first"},
	{0, "Rar!\x1a\x07", "rar", "a RAR archive", "extract it first"},
	{0, "\x04\x22\x4d\x18", "lz4", "an LZ4 frame", "kqlhunt reads gzip and zstd; decompress it with lz4 -d"},
	{0, "\x89LZO\x00", "lzo", "an lzop-compressed file", "kqlhunt reads gzip and zstd; decompress it with lzop -d"},
	{0, "\xff\x06\x00\x00sNaPpY", "snappy", "a snappy-framed file", "kqlhunt reads gzip and zstd"},
	{257, "ustar", "tar", "a tar archive", "extract it first"},
	{0, "ElfFile\x00", "EVTX", "a Windows event log (EVTX)", "export its events as JSON or CSV first, e.g. with Get-WinEvent | ConvertTo-Json or evtx_dump"},
	{0, "ElfChnk\x00", "EVTX", "a Windows event log chunk (EVTX)", "export its events as JSON or CSV first"},
	{0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE", "an OLE compound file (a legacy Office document, .xls or .msg)", "export the data as CSV"},
	{0, "%PDF-", "PDF", "a PDF document", ""},
	{0, "SQLite format 3\x00", "SQLite", "an SQLite database", "export its tables as CSV or JSON"},
	{0, "ARROW1", "Arrow", "an Apache Arrow IPC file", "convert it to Parquet"},
	{0, "\xd4\xc3\xb2\xa1", "pcap", "a packet capture (pcap)", ""},
	{0, "\xa1\xb2\xc3\xd4", "pcap", "a packet capture (pcap)", ""},
	{0, "\x0a\x0d\x0d\x0a", "pcap", "a packet capture (pcapng)", ""},
	{0, "MZ\x90\x00", "executable", "a Windows executable", ""},
	{0, "\x7fELF", "executable", "an ELF executable", ""},
	{0, "\x89PNG", "image", "a PNG image", ""},
	{0, "\xff\xd8\xff", "image", "a JPEG image", ""},
}

// unknownFormat returns the reason given for a file in a format kqlhunt
// does not read: its first bytes, what they are and a hint.
func unknownFormat(head []byte, off int, what, hint string) string {
	n := min(len(head), off+4)
	var b strings.Builder
	b.WriteString("unknown format (starts with bytes ")
	if off > 0 {
		fmt.Fprintf(&b, "at offset %d ", off)
		n = min(len(head), off+5)
	}
	for i, c := range head[off:n] {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%02X", c)
	}
	if what != "" {
		b.WriteString(": " + what)
	}
	b.WriteString(")")
	if hint != "" {
		b.WriteString("; " + hint)
	}
	return b.String()
}

// sniffMagic recognises by their first bytes the binary formats: Parquet
// and Avro, which kqlhunt reads, the formats that it does not read, and
// other binary files: the head has NUL bytes and no JSON line.
func sniffMagic(head []byte) (sniffed, bool) {
	switch {
	case bytes.HasPrefix(head, []byte(parquetMagic)):
		return sniffed{format: FormatParquet, rows: true}, true
	case bytes.HasPrefix(head, []byte(avroMagic)):
		return sniffed{format: FormatAvro, mixed: true}, true
	}
	for _, m := range magics {
		if len(head) >= m.off && bytes.HasPrefix(head[m.off:], []byte(m.magic)) {
			return sniffed{kind: m.kind, reason: unknownFormat(head, m.off, m.what, m.hint)}, true
		}
	}
	if k := bytes.IndexByte(head, 0); k >= 0 && firstJSONLine(head) < 0 {
		return sniffed{kind: "binary", reason: unknownFormat(head, 0, fmt.Sprintf("binary, a NUL byte at offset %d", k), "not telemetry")}, true
	}
	return sniffed{}, false
}

// sniffObject tells JSON lines from a JSON document starting with the
// object at head[i].
func sniffObject(head []byte, i int, atEOF bool) sniffed {
	switch containerKey(head, i) {
	case "records":
		return sniffed{format: FormatEventHub}
	case "results", "schema", "stats":
		return sniffed{format: FormatAPI, rows: true}
	case "tables":
		return sniffed{format: FormatLAQuery, rows: true}
	}
	lineEnd := len(head)
	if k := bytes.IndexByte(head[i:], '\n'); k >= 0 {
		lineEnd = i + k
	}
	end, err := jsonscan.Skip(head, i)
	if len(bytes.TrimSpace(head[i+1:lineEnd])) == 0 || err == nil && end > lineEnd {
		// An object that spans lines: pretty-printed rows or records.
		return sniffed{format: FormatJSONDoc, rows: true}
	}
	// JSON lines: look at every complete line in head.
	s := sniffed{format: FormatJSONLines}
	seen := false // a line of a complete object
	for len(head) > 0 {
		k := bytes.IndexByte(head, '\n')
		if k < 0 && !atEOF {
			// A partial line. If it is all there is, a streaming record
			// longer than head still tells its table before its
			// properties.
			if j := jsonscan.SkipSpace(head, 0); !seen && j < len(head) && head[j] == '{' {
				if t, ok := partialRecord(head, j); ok {
					s.format = FormatStorage
					s.tables = addName(s.tables, t)
				}
			}
			break
		}
		line := head
		if k >= 0 {
			line, head = head[:k], head[k+1:]
		} else {
			head = nil
		}
		j := jsonscan.SkipSpace(line, 0)
		if j == len(line) || line[j] != '{' {
			continue
		}
		switch t, kind := classify(line, j); kind {
		case kindRecord:
			s.format = FormatStorage
			s.tables = addName(s.tables, t)
			seen = true
		case kindRow:
			s.rows = true
			seen = true
		}
	}
	if s.format == FormatJSONLines {
		s.rows = true
	}
	return s
}

// partialRecord tells whether the object at data[i], cut short by the end
// of data, is a streaming record: it has a string "category" member before
// a "properties" object (the order Azure writes them in). It returns the
// record's table.
func partialRecord(data []byte, i int) (string, bool) {
	var cat []byte
	j := jsonscan.SkipSpace(data, i+1)
	for j < len(data) && data[j] == '"' {
		kend, _, err := jsonscan.ScanString(data, j)
		if err != nil {
			return "", false
		}
		key := data[j+1 : kend-1]
		j = jsonscan.SkipSpace(data, kend)
		if j >= len(data) || data[j] != ':' {
			return "", false
		}
		j = jsonscan.SkipSpace(data, j+1)
		if string(key) == "properties" {
			if j < len(data) && data[j] == '{' && cat != nil {
				return string(categoryTable(cat)), true
			}
			return "", false
		}
		end, err := jsonscan.Skip(data, j)
		if err != nil {
			return "", false
		}
		if string(key) == "category" {
			cat = nil
			if data[j] == '"' && bytes.IndexByte(data[j+1:end-1], '\\') < 0 {
				cat = data[j+1 : end-1]
			}
		}
		j = jsonscan.SkipSpace(data, end)
		if j >= len(data) || data[j] != ',' {
			return "", false
		}
		j = jsonscan.SkipSpace(data, j+1)
	}
	return "", false
}

// containerKey returns, lowercased, the first key of the object at data[i]
// that makes it a document rather than a row: "records", "results",
// "schema" or "stats". It tolerates an object cut short by the end of data.
func containerKey(data []byte, i int) string {
	j := jsonscan.SkipSpace(data, i+1)
	for j < len(data) && data[j] == '"' {
		kend, _, err := jsonscan.ScanString(data, j)
		if err != nil {
			return ""
		}
		key := data[j+1 : kend-1]
		j = jsonscan.SkipSpace(data, kend)
		if j >= len(data) || data[j] != ':' {
			return ""
		}
		j = jsonscan.SkipSpace(data, j+1)
		for _, k := range [...]string{"records", "results", "schema", "stats", "tables"} {
			if len(key) == len(k) && strings.EqualFold(string(key), k) {
				if k == "records" || k == "results" || k == "tables" {
					if j < len(data) && data[j] == '[' {
						return k
					}
					continue
				}
				return k
			}
		}
		end, err := jsonscan.Skip(data, j)
		if err != nil {
			return ""
		}
		j = jsonscan.SkipSpace(data, end)
		if j >= len(data) || data[j] != ',' {
			return ""
		}
		j = jsonscan.SkipSpace(data, j+1)
	}
	return ""
}

// sniffText recognizes a CSV export by its header: comma-separated column
// names.
func sniffText(head []byte) sniffed {
	line := head
	if k := bytes.IndexByte(line, '\n'); k >= 0 {
		line = line[:k]
	}
	r := csv.NewReader(bytes.NewReader(line))
	fields, err := r.Read()
	if err != nil || len(fields) == 0 {
		return sniffed{kind: "text", reason: "not telemetry: not JSON, and the first line is not a CSV header of column names"}
	}
	typeField := -1
	for i, f := range fields {
		name, _ := headerName(f)
		if i == 0 {
			name = strings.TrimPrefix(name, string(utf8BOM))
		}
		if !schema.IsIdent(name) {
			return sniffed{kind: "text", reason: fmt.Sprintf("not telemetry: not JSON, and the first line is not a CSV header of column names (%q is not a column name)", f)}
		}
		if name == typeKey {
			typeField = i
		}
	}
	s := sniffed{format: FormatCSV, rows: true}
	if typeField >= 0 {
		// The Type values of the complete records of head.
		r := csv.NewReader(bytes.NewReader(head[:bytes.LastIndexByte(head, '\n')+1]))
		r.FieldsPerRecord = -1
		r.Read()
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				continue
			}
			if typeField < len(rec) && rec[typeField] != "" {
				s.typed = addName(s.typed, rec[typeField])
			}
		}
	}
	return s
}

// headerName returns the column name of a CSV header field: the Log
// Analytics portal's export writes a datetime column as "TimeGenerated
// [UTC]", which names TimeGenerated; unit is then "UTC". Other fields are
// their name, with unit "".
func headerName(field string) (name, unit string) {
	if !strings.HasSuffix(field, "]") {
		return field, ""
	}
	i := strings.LastIndex(field, " [")
	if i <= 0 {
		return field, ""
	}
	return field[:i], field[i+2 : len(field)-1]
}

// documentTables lists the tables of the streaming records among the
// complete elements at the start of a JSON document, head, and whether
// they include plain rows. The element cut by the end of head, and any
// problem, is left to the index pass and the scan.
func documentTables(head []byte) (tables []string, rows bool) {
	w := newDocWalker(bytes.NewReader(head))
	for {
		elem, err := w.next()
		if err != nil {
			if w.failed || err == io.EOF {
				return tables, rows
			}
			continue
		}
		if t, kind := classify(elem, 0); kind == kindRecord {
			tables = addName(tables, t)
		} else if kind == kindRow {
			rows = true
		}
	}
}

// classify tells whether the object at data[i] is a streaming API record
// (kindRecord, with its table: the category without the "AdvancedHunting-"
// prefix), a plain row (kindRow: it lacks a string category or an object
// properties) or not valid JSON (kindOrphan).
func classify(data []byte, i int) (table string, kind rowKind) {
	t, kind := classifyRaw(data, i)
	return string(t), kind
}

// classifyRaw is classify returning the table as bytes of data.
func classifyRaw(data []byte, i int) (table []byte, kind rowKind) {
	var cat []byte
	props := false
	var end int
	err := jsonscan.Members(data, i, func(key []byte, escaped bool, s, e int) bool {
		if escaped {
			key = jsonscan.AppendUnquoted(nil, key)
		}
		// As objDecoder.decode: the last member of a name counts.
		switch string(key) {
		case "category":
			cat = nil
			if data[s] == '"' {
				cat = data[s+1 : e-1]
			}
		case "properties":
			props = data[s] == '{'
		}
		return true
	}, &end)
	switch {
	case err != nil:
		return nil, kindOrphan
	case cat == nil || !props:
		return nil, kindRow
	}
	if bytes.IndexByte(cat, '\\') >= 0 {
		cat = jsonscan.AppendUnquoted(nil, cat)
	}
	return categoryTable(cat), kindRecord
}

// categoryPrefix starts the category of Defender streaming API records.
const categoryPrefix = "AdvancedHunting-"

// categoryTable returns the table named by a record's category.
func categoryTable(cat []byte) []byte {
	if len(cat) > len(categoryPrefix) && strings.EqualFold(string(cat[:len(categoryPrefix)]), categoryPrefix) {
		return cat[len(categoryPrefix):]
	}
	return cat
}

// addName adds name to names unless a name equal to it but for case is
// there already.
func addName(names []string, name string) []string {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return names
		}
	}
	return append(names, name)
}

// containerPrefix starts the name of the Azure Storage container that the
// streaming API writes a table to: insights-logs-advancedhunting-<table>.
const containerPrefix = "insights-logs-advancedhunting-"

// exportPrefix starts the name of the Azure Storage container that Log
// Analytics data export writes a table to: am-<table>.
const exportPrefix = "am-"

// tableFromPath returns the table named by the file name of path or by one
// of its parent folders, nearest first, or "". Names are matched
// case-insensitively against known (lowercased name → table name); an Azure
// Storage container name names its table even when it is not known.
func tableFromPath(path string, known map[string]string) string {
	name := filepath.Base(path)
	if t := knownName(strings.SplitN(name, ".", 2)[0], known); t != "" {
		return t
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		base := filepath.Base(dir)
		if lower := strings.ToLower(base); strings.HasPrefix(lower, containerPrefix) && len(lower) > len(containerPrefix) {
			rest := base[len(containerPrefix):]
			if t := known[strings.ToLower(rest)]; t != "" {
				return t
			}
			return rest
		}
		if lower := strings.ToLower(base); strings.HasPrefix(lower, exportPrefix) && len(lower) > len(exportPrefix) {
			// A Log Analytics data export container (of a known table:
			// a folder am-notes is not taken for a table "notes").
			if t := known[lower[len(exportPrefix):]]; t != "" {
				return t
			}
		}
		if t := knownName(base, known); t != "" {
			return t
		}
		if parent := filepath.Dir(dir); parent == dir {
			return ""
		}
	}
}

// knownName returns the known table that s names, whole or by its leading
// letters and digits (DeviceEvents-2025-03-04 names DeviceEvents).
func knownName(s string, known map[string]string) string {
	if t := known[strings.ToLower(s)]; t != "" {
		return t
	}
	k := 0
	for k < len(s) && (s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
		k++
	}
	if k > 0 && k < len(s) {
		return known[strings.ToLower(s[:k])]
	}
	return ""
}
