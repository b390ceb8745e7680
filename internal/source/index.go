package source

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
)

// maxFileTables bounds the tables one file may name; the records of
// further tables are counted as OtherTables and reported.
const maxFileTables = 1000

// index lists the tables of every file of streaming records, whose
// records may be of any table anywhere in the file (concatenated PT1H.json
// blobs, Event Hub messages): it reads each such file once, streaming,
// holding only the table names, the first time the dataset is asked
// which tables it has or to scan one. Files named by --table are not
// read: all their rows are of the named table.
func (d *Dataset) index() {
	d.indexOnce.Do(func() {
		var todo []*fileEntry
		for _, f := range d.files {
			if f.mixed && !f.forced {
				todo = append(todo, f)
			}
		}
		found := make([]fileIndex, len(todo))
		// A large file of records is indexed in parts on the --threads
		// that the files leave free.
		parts := max(1, d.opts.Threads/max(1, len(todo)))
		var wg sync.WaitGroup
		next := make(chan int)
		for range min(runtime.GOMAXPROCS(0), len(todo)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					found[i] = indexFile(todo[i], parts)
				}
			}()
		}
		for i := range todo {
			next <- i
		}
		close(next)
		wg.Wait()
		for i, f := range todo {
			fi := found[i]
			for _, t := range fi.tables {
				f.tables = addName(f.tables, t)
			}
			if len(fi.types) > 0 && !f.typed {
				// An Event Hub Capture file of Log Analytics rows (data
				// export to an event hub): typed when a Type names a
				// known table, else its rows are plain rows.
				if len(knownTypes(fi.types, d.known)) > 0 {
					f.typed = true
				} else {
					fi.rows = true
				}
			}
			if f.typed {
				for _, t := range fi.types {
					f.tables = addName(f.tables, t)
				}
			}
			if fi.rows && f.rowTable != "" {
				f.tables = addName(f.tables, f.rowTable)
			}
			if fi.rows && f.rowTable == "" {
				d.ignored = append(d.ignored, &DataError{File: f.path,
					Reason: "holds plain rows (without a category or Type) as well as rows that name their table, and the table of the plain rows cannot be told: name the file or a folder above it after the table, or pass --table NAME=" + f.path})
			}
			if fi.more {
				d.ignored = append(d.ignored, &DataError{File: f.path,
					Reason: "the file names more than " + strconv.Itoa(maxFileTables) + " tables; the records of the others are not read"})
			}
			for _, t := range f.tables {
				k := statKey{f.path, strings.ToLower(t)}
				if d.stats[k] == nil {
					d.stats[k] = &FileStats{Path: f.path, Table: t, Format: f.format, Compressed: f.gz, Size: f.size}
				}
			}
		}
		failed := map[*fileEntry]*DataError{}
		for i, f := range todo {
			if found[i].err != nil {
				failed[f] = found[i].err
			}
		}
		kept := d.files[:0]
		for _, f := range d.files {
			if len(f.tables) == 0 {
				if e := failed[f]; e != nil {
					d.ignored = append(d.ignored, e)
					continue
				}
				d.ignored = append(d.ignored, &DataError{File: f.path, Reason: "no rows"})
				continue
			}
			kept = append(kept, f)
		}
		d.files = kept
	})
}

// fileIndex is what indexFile finds in a file.
type fileIndex struct {
	catBuf, last []byte
	// skipLine leaves out the first line read: the end of a line that
	// another part of the file indexes.
	skipLine bool
	// slow counts the objects that took the exact, validating path.
	slow   int
	tables []string
	rows   bool // plain rows, of the file's row table
	more   bool // more than maxFileTables tables
	// typed is set for a file of Log Analytics rows, whose Type names
	// their table (and for Avro files, which may be); types lists the
	// tables the rows' Type names.
	typed bool
	types []string
	// err is the problem that ended the reading of an Avro file, else
	// the first of its Bodies that is not JSON, if any; it is reported
	// when the file gives no table.
	err *DataError
}

// indexFile lists the tables of the streaming records of f, reading a
// large uncompressed file of records in up to parts byte ranges at once
// (see indexParts). Problems are not reported here: the scans meet them
// again and report them with their position; a file that cannot be read
// to its end is indexed up to there.
func indexFile(f *fileEntry, parts int) (fi fileIndex) {
	rc, _, err := openData(f.path, nil, nil)
	if err != nil {
		return fi
	}
	defer rc.Close()
	fi.typed = f.typed || f.format == FormatAvro
	if f.format == FormatStorage || f.format == FormatJSONLines {
		if info, err := rc.f.Stat(); err == nil && rc.r == io.Reader(rc.f) {
			if parts = min(parts, int(info.Size()/int64(chunkSize))); parts > 1 {
				return indexParts(rc.f, info.Size(), parts, f.typed)
			}
		}
		fi.lines(rc, rc.bufSize, -1)
		return fi
	}
	if f.format == FormatCSV {
		fi.csvTypes(rc)
		return fi
	}
	if f.format == FormatLAQuery {
		types, untyped := laTypes(rc, -1)
		for _, t := range types {
			fi.addType(t)
		}
		fi.rows = untyped
		return fi
	}
	if f.format == FormatAvro {
		var bad *DataError // the first Body that is not JSON
		fi.err = avroBodies(f.path, rc, func(body []byte, n int64) {
			w := newDocWalker(bytes.NewReader(body))
			for {
				elem, err := w.next()
				if err != nil && err != io.EOF && bad == nil {
					bad = docError(f.path, err)
					bad.Record = n
				}
				if err == io.EOF || w.failed {
					return
				}
				if err == nil {
					fi.add(elem, 0)
				}
			}
		})
		if fi.err == nil {
			fi.err = bad
		}
		return fi
	}
	w := newDocWalker(rc)
	for {
		elem, err := w.next()
		if err == io.EOF || w.failed {
			return fi
		}
		if err == nil {
			fi.add(elem, 0)
		}
	}
}

// indexParts indexes the lines of the plain file f, of size bytes, in
// parts byte ranges on as many goroutines: each range takes the lines that
// start in it, read whole, and the lists are merged in file order, which
// gives the tables, in the order, that one reader finds.
func indexParts(f *os.File, size int64, parts int, typed bool) fileIndex {
	found := make([]fileIndex, parts)
	for k := range found {
		found[k].typed = typed
	}
	var wg sync.WaitGroup
	for k := range parts {
		start, end := size*int64(k)/int64(parts), size*int64(k+1)/int64(parts)
		if k == parts-1 {
			end = -1 // to the end, should the file have grown
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if start > 0 {
				// A line that starts before start is the previous range's.
				var b [1]byte
				if _, err := f.ReadAt(b[:], start-1); err != nil {
					return
				}
				found[k].skipLine = b[0] != '\n'
			}
			limit := int64(-1)
			if end >= 0 {
				limit = end - start
			}
			found[k].lines(io.NewSectionReader(f, start, 1<<62), bufferSize, limit)
		}()
	}
	wg.Wait()
	var m fileIndex
	for _, p := range found {
		for _, t := range p.types {
			m.addType(t)
		}
		m.rows = m.rows || p.rows
		m.more = m.more || p.more
		m.slow += p.slow
		for _, t := range p.tables {
			if m.listed([]byte(t), nil) {
				continue
			}
			if len(m.tables) >= maxFileTables {
				m.more = true
				continue
			}
			m.tables = append(m.tables, t)
		}
	}
	return m
}

// lines indexes the lines of r, from the first when not fi.skipLine, else
// from the second, up to the first line that starts at or after offset
// limit of r (all of them when limit < 0).
func (fi *fileIndex) lines(r io.Reader, bufSize int, limit int64) {
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, bufSize)
	lr := lineReader{br: br}
	if fi.skipLine {
		if _, err := lr.next(); err != nil && err != errLineTooLong {
			return
		}
	}
	for {
		if limit >= 0 && cr.n-int64(br.Buffered()) >= limit {
			return
		}
		line, err := lr.next()
		if err == errLineTooLong {
			continue
		}
		if err != nil {
			return
		}
		if j := jsonscan.SkipSpace(line, 0); j < len(line) && line[j] == '{' {
			fi.add(line, j)
		}
	}
}

// csvTypes lists the tables named by the Type column of the CSV file that
// r reads, and notes rows without one.
func (fi *fileIndex) csvTypes(r *dataReader) {
	cs := newCSVScanner(r, ',', false, r.bufSize)
	hdr, _, err := cs.read()
	if err != nil {
		return
	}
	field := -1
	for i, h := range hdr {
		if i == 0 {
			h = bytes.TrimPrefix(h, utf8BOM)
		}
		if string(h) == typeKey {
			field = i
		}
	}
	if field < 0 {
		fi.rows = true
		return
	}
	for {
		rec, _, err := cs.read()
		if err == io.EOF {
			return
		}
		if err != nil {
			if ce, ok := isCSVError(err); ok && !ce.fatal {
				continue
			}
			return
		}
		if field < len(rec) && len(rec[field]) > 0 {
			fi.addType(string(rec[field]))
		} else if len(rec) == len(hdr) {
			fi.rows = true
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}

// add notes the table of the object at obj[i], a record or a row.
func (fi *fileIndex) add(obj []byte, i int) {
	if fi.typed {
		if t := rowType(obj, i); t != "" {
			fi.addType(t)
			return
		}
	}
	// Most records name a table already listed: the structure is enough
	// to tell which, without validating the record, as the answer would
	// not change the list (an invalid record names no table). A new table,
	// or anything unusual, takes the exact path.
	if tb, ok := quickCategory(obj, i, &fi.catBuf); ok && fi.listed(tb, fi.last) {
		return
	}
	fi.slow++
	if !bytes.Contains(obj[i:], categoryKey) && !bytes.Contains(obj[i:], escapeU) {
		fi.rows = true // a row, or not JSON: the scan reports it
		return
	}
	tb, kind := classifyRaw(obj, i)
	switch kind {
	case kindRow:
		fi.rows = true
		return
	case kindOrphan:
		return
	}
	fi.addTable(tb)
}

// addType notes table t, named by a row's Type.
func (fi *fileIndex) addType(t string) {
	for _, x := range fi.types {
		if strings.EqualFold(x, t) {
			return
		}
	}
	if len(fi.types) >= maxFileTables {
		fi.more = true
		return
	}
	fi.types = append(fi.types, t)
}

// addTable notes table tb.
func (fi *fileIndex) addTable(tb []byte) {
	if fi.last != nil && bytes.Equal(tb, fi.last) {
		return
	}
	fi.last = append(fi.last[:0], tb...)
	for _, x := range fi.tables {
		if len(x) == len(tb) && strings.EqualFold(x, string(tb)) {
			return
		}
	}
	if len(fi.tables) >= maxFileTables {
		fi.more = true
		return
	}
	fi.tables = append(fi.tables, string(tb))
}

// categoryKey is in every streaming record, unless its name is escaped,
// with escapeU.
var categoryKey, escapeU = []byte(`"category"`), []byte(`\u`)

// listed tells whether table tb is among the tables found so far (last is
// the last one added or met).
func (fi *fileIndex) listed(tb, last []byte) bool {
	if last != nil && bytes.Equal(tb, last) {
		return true
	}
	for _, x := range fi.tables {
		if len(x) == len(tb) && strings.EqualFold(x, string(tb)) {
			return true
		}
	}
	return false
}

// quickCategory returns the table that the streaming record at data[i]
// names, as classifyRaw would if the record is valid JSON, reading only its
// structure, without validating it: strings end at their closing quote,
// other values are skipped by counting brackets outside strings. ok is false when the
// object is not a record (no string category, no object properties) or
// its structure is unusual; classifyRaw then decides. buf holds an
// unescaped category.
func quickCategory(data []byte, i int, buf *[]byte) (table []byte, ok bool) {
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	var cat []byte
	catEsc, props := false, false
	j := jsonscan.SkipSpace(data, i+1)
	for {
		if j >= len(data) || data[j] != '"' {
			return nil, false
		}
		kend := quoteEnd(data, j)
		if kend < 0 {
			return nil, false
		}
		key := data[j+1 : kend-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return nil, false // an escaped name: classifyRaw decides
		}
		j = jsonscan.SkipSpace(data, kend)
		if j >= len(data) || data[j] != ':' {
			return nil, false
		}
		j = jsonscan.SkipSpace(data, j+1)
		if j >= len(data) {
			return nil, false
		}
		var vend int
		switch data[j] {
		case '"':
			if vend = quoteEnd(data, j); vend < 0 {
				return nil, false
			}
		case '{', '[':
			if data[j] == '{' && cat != nil && string(key) == "properties" && !memberAfter(data, j) {
				// The record's last member, after its category: what
				// classifyRaw would find if the record is valid JSON.
				return quickTable(cat, catEsc, buf), true
			}
			if vend = bracketEnd(data, j); vend < 0 {
				return nil, false
			}
		default:
			k := bytes.IndexAny(data[j:], ",}")
			if k <= 0 {
				return nil, false
			}
			vend = j + k
		}
		// As classifyRaw: the last member of a name counts.
		switch string(key) {
		case "category":
			cat, catEsc = nil, false
			if data[j] == '"' {
				cat = data[j+1 : vend-1]
				catEsc = bytes.IndexByte(cat, '\\') >= 0
				if catEsc {
					// Unescaping needs a valid string.
					if e, _, err := jsonscan.ScanString(data, j); err != nil || e != vend {
						return nil, false
					}
				}
			}
		case "properties":
			props = data[j] == '{'
		}
		j = jsonscan.SkipSpace(data, vend)
		if j < len(data) && data[j] == ',' {
			j = jsonscan.SkipSpace(data, j+1)
			continue
		}
		if j < len(data) && data[j] == '}' {
			break
		}
		return nil, false
	}
	if cat == nil || !props {
		return nil, false
	}
	return quickTable(cat, catEsc, buf), true
}

// quickTable returns the table of category cat (a raw string body).
func quickTable(cat []byte, escaped bool, buf *[]byte) []byte {
	if escaped {
		*buf = jsonscan.AppendUnquoted((*buf)[:0], cat)
		cat = *buf
	}
	return categoryTable(cat)
}

// quoteEnd returns the offset after the string at data[i] == '"': after
// the next quote not preceded by an odd run of backslashes, or -1 when
// data ends first. It does not validate the string.
func quoteEnd(data []byte, i int) int {
	for {
		k := bytes.IndexByte(data[i+1:], '"')
		if k < 0 {
			return -1
		}
		i += 1 + k
		n := 0
		for b := i - 1; data[b] == '\\'; b-- {
			n++
		}
		if n%2 == 0 {
			return i + 1
		}
	}
}

// memberAfter tells whether a member may follow the object value at
// data[j] in its object: in valid JSON one follows only after the value's
// closing brace, white space and a comma, so when no '}' in data[j:] is
// followed by white space and a comma (braces in strings included, which
// only make the answer true more often), the value is the last member.
// It finds the rare braces with a vector search rather than walking the
// value.
func memberAfter(data []byte, j int) bool {
	for {
		k := bytes.IndexByte(data[j:], '}')
		if k < 0 {
			return false
		}
		j = jsonscan.SkipSpace(data, j+k+1)
		if j < len(data) && data[j] == ',' {
			return true
		}
	}
}

// bracketEnd returns the offset after the array or object at data[i],
// found by counting brackets outside strings, or -1 when data ends first.
// It does not validate what it skips.
func bracketEnd(data []byte, i int) int {
	depth := 0
	for ; i < len(data); i++ {
		switch data[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"':
			e := quoteEnd(data, i)
			if e < 0 {
				return -1
			}
			i = e - 1
		}
	}
	return -1
}
