package source

import (
	"bytes"
	"fmt"
	"io"
)

// csvReader reads the Advanced Hunting portal's CSV export: a header row
// of column names, then one record per row (RFC 4180; CRLF or LF; an
// optional UTF-8 byte order mark). An empty cell is null. A record longer
// than MaxRecordSize is skipped and reported.
type csvReader struct {
	rc  io.ReadCloser
	cs  *csvScanner
	dec *objDecoder // resolves header names
	w   *rowWriter
	// field[o] is the cell of output o's column, or -1; alt[o] lists
	// NAME_type cells to use when field[o] is -1, first non-empty wins.
	field  []int
	alt    [][]int
	nhdr   int // fields in the header
	header bool
	// typeField is the field of the Type column of a typed file (rows of
	// Log Analytics naming their table), or -1.
	typeField int
	// pre tests the rows' string values against the scan's prefilter
	// (csvpre.go), or is nil.
	pre *pqPre
}

func newCSVReader(rc *dataReader, dec *objDecoder) *csvReader {
	return &csvReader{rc: rc, cs: newCSVScanner(rc, ',', false, rc.bufSize), dec: dec, w: dec.w, pre: newPQPre(dec.prog, dec.w, dec.alias)}
}

func (r *csvReader) close() error { return r.rc.Close() }

// problem reports a malformed record; after a fatal one, or under
// Options.Strict, it returns the error that ends the file.
func (r *csvReader) problem(ce *csvError, prefix string) error {
	w := r.w
	w.skip(&DataError{File: w.file, Line: ce.line, Col: ce.col, Reason: prefix + ce.msg})
	if w.err != nil {
		return w.err
	}
	if ce.fatal {
		return io.EOF
	}
	return nil
}

// readHeader maps the header's column names to outputs.
func (r *csvReader) readHeader() error {
	hdr, _, err := r.cs.read()
	if err != nil {
		if err == io.EOF {
			return io.EOF
		}
		if ce, ok := isCSVError(err); ok {
			ce.msg += "; the file is skipped"
			ce.fatal = true
			return r.problem(ce, "bad CSV header: ")
		}
		return readFailed(r.w, r.cs.line+1, err)
	}
	r.nhdr = len(hdr)
	n := len(r.dec.spans)
	r.field = make([]int, n)
	r.alt = make([][]int, n)
	for o := range r.field {
		r.field[o] = -1
	}
	stamp := -1
	r.typeField = -1
	for i, name := range hdr {
		if i == 0 {
			name = bytes.TrimPrefix(name, utf8BOM)
		}
		if n, unit := headerName(string(name)); unit != "" {
			// The Log Analytics portal's "TimeGenerated [UTC]".
			if unit != "UTC" {
				r.w.skip(&DataError{File: r.w.file, Line: 1, Column: n,
					Reason: fmt.Sprintf("the column is exported as %q, not in UTC: not read (export the results with times in UTC)", name)})
				if r.w.err != nil {
					return r.w.err
				}
				continue
			}
			name = []byte(n)
		}
		if r.dec.typed && !r.dec.forced && string(name) == typeKey {
			r.typeField = i
		}
		res := r.dec.lookup(name, false)
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

// routed tells whether record rec is a row of the scanned table: in a
// typed file, a row whose Type names another table is not, nor a row
// without one when the file's table is not known; they are accounted as
// objDecoder.accept does.
func (r *csvReader) routed(rec [][]byte) bool {
	if r.typeField < 0 {
		return true
	}
	if t := rec[r.typeField]; len(t) > 0 {
		return r.dec.accept(r.dec.category(t))
	}
	if !r.dec.rowsOK {
		return r.dec.accept(kindOrphan)
	}
	return true
}

func (r *csvReader) read(max int) error {
	if r.pre == nil {
		return r.readRows(max)
	}
	base := r.w.batch.N
	err := r.readRows(max)
	r.pre.prefilterRows(r.w, base, r.w.batch.N-base)
	return err
}

// readRows reads rows into the batch until it holds max.
func (r *csvReader) readRows(max int) error {
	w := r.w
	w.lineFn = nil
	if !r.header {
		r.header = true
		if err := r.readHeader(); err != nil {
			return err
		}
	}
	for w.batch.N < max {
		rec, start, err := r.cs.read()
		if err != nil {
			if err == io.EOF {
				return io.EOF
			}
			if ce, ok := isCSVError(err); ok {
				if err := r.problem(ce, ""); err != nil {
					return err
				}
				continue
			}
			return readFailed(w, r.cs.line+1, err)
		}
		if len(rec) != r.nhdr {
			if err := r.problem(&csvError{line: start, msg: fmt.Sprintf("expected %d fields as in the header, got %d", r.nhdr, len(rec))}, ""); err != nil {
				return err
			}
			continue
		}
		w.line = start
		if !r.routed(rec) {
			if w.err != nil {
				return w.err
			}
			continue
		}
		for o := range r.field {
			p := r.dec.alias[o]
			f := r.field[p]
			if f < 0 {
				for _, a := range r.alt[p] {
					if len(rec[a]) > 0 {
						f = a
						break
					}
				}
			}
			if f < 0 {
				w.cols[o].col.AppendNull()
				continue
			}
			w.putText(o, rec[f], true)
		}
		w.endRow()
		if w.err != nil {
			return w.err
		}
	}
	return nil
}
