package source

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unsafe"
)

// csvReader reads the Advanced Hunting portal's CSV export: a header row
// of column names, then one record per row (RFC 4180; CRLF or LF; an
// optional UTF-8 byte order mark). An empty cell is null.
type csvReader struct {
	rc  io.ReadCloser
	cr  *csv.Reader
	dec *objDecoder // resolves header names
	w   *rowWriter
	// field[o] is the cell of output o's column, or -1; alt[o] lists
	// NAME_type cells to use when field[o] is -1, first non-empty wins.
	field  []int
	alt    [][]int
	header bool
}

func newCSVReader(rc *dataReader, dec *objDecoder) *csvReader {
	br := bufio.NewReaderSize(rc, rc.bufSize)
	if bom, _ := br.Peek(len(utf8BOM)); string(bom) == string(utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.LazyQuotes = false
	return &csvReader{rc: rc, cr: cr, dec: dec, w: dec.w}
}

func (r *csvReader) close() error { return r.rc.Close() }

// readHeader maps the header's column names to outputs.
func (r *csvReader) readHeader() error {
	w := r.w
	hdr, err := r.cr.Read()
	if err != nil {
		if err == io.EOF {
			return io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			w.skip(&DataError{File: w.file, Line: pe.Line, Col: pe.Column, Reason: "bad CSV header: " + pe.Err.Error() + "; the file is skipped"})
			if w.err != nil {
				return w.err
			}
			return io.EOF
		}
		return readFailed(w, 1, err)
	}
	r.cr.FieldsPerRecord = len(hdr)
	n := len(r.dec.spans)
	r.field = make([]int, n)
	r.alt = make([][]int, n)
	for o := range r.field {
		r.field[o] = -1
	}
	stamp := -1
	for i, name := range hdr {
		if i == 0 && len(name) >= 3 && name[:3] == string(utf8BOM) {
			name = name[3:]
		}
		res := r.dec.lookup([]byte(name), false)
		if res.special == keyStamp && !res.suffix && stamp < 0 {
			stamp = i
		}
		if res.col < 0 {
			continue
		}
		o := int(res.col)
		switch {
		case res.suffix:
			r.alt[o] = append(r.alt[o], i)
		case r.field[o] < 0:
			r.field[o] = i
		}
	}
	if t := r.dec.timeOut; r.dec.stampFill && r.field[t] < 0 && len(r.alt[t]) == 0 {
		r.field[t] = stamp // a Defender export: TimeGenerated is Timestamp
	}
	return nil
}

func (r *csvReader) read(max int) error {
	w := r.w
	w.lineFn = nil
	if !r.header {
		r.header = true
		if err := r.readHeader(); err != nil {
			return err
		}
	}
	for w.batch.N < max {
		rec, err := r.cr.Read()
		if err != nil {
			if err == io.EOF {
				return io.EOF
			}
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				line, _ := r.cr.FieldPos(0)
				return readFailed(w, line+1, err)
			}
			e := &DataError{File: w.file, Line: pe.Line, Col: pe.Column, Reason: pe.Err.Error()}
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				e.Line, e.Col = pe.StartLine, 0
				e.Reason = fmt.Sprintf("expected %d fields as in the header, got %d", r.cr.FieldsPerRecord, len(rec))
			}
			w.skip(e)
			if w.err != nil {
				return w.err
			}
			continue
		}
		w.line, _ = r.cr.FieldPos(0)
		for o := range r.field {
			p := r.dec.alias[o]
			f := r.field[p]
			if f < 0 {
				for _, a := range r.alt[p] {
					if rec[a] != "" {
						f = a
						break
					}
				}
			}
			if f < 0 {
				w.cols[o].col.AppendNull()
				continue
			}
			w.putText(o, stringBytes(rec[f]), true)
		}
		w.endRow()
		if w.err != nil {
			return w.err
		}
	}
	return nil
}

// stringBytes views s as bytes without copying; the bytes must not be
// modified.
func stringBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
