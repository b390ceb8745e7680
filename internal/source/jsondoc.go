package source

import (
	"bytes"
	"errors"
	"io"
)

// docReader reads a JSON document held whole in memory: an Event Hub
// message, an Advanced Hunting API response, a JSON array or
// pretty-printed objects.
type docReader struct {
	rc    io.ReadCloser
	data  []byte
	walk  docWalker
	dec   *objDecoder
	w     *rowWriter
	read1 bool

	cur              int // offset of the current row
	lineOff, lineNum int // lineNum is the line of offset lineOff
}

func newDocReader(rc *dataReader, dec *objDecoder) *docReader {
	r := &docReader{rc: rc, dec: dec, w: dec.w, lineNum: 1}
	return r
}

func (r *docReader) close() error { return r.rc.Close() }

// lineAt returns the 1-based line of offset off. Offsets asked for mostly
// increase, so it counts newlines from the last one.
func (r *docReader) lineAt(off int) int {
	if off < r.lineOff {
		r.lineOff, r.lineNum = 0, 1
	}
	r.lineNum += bytes.Count(r.data[r.lineOff:off], []byte{'\n'})
	r.lineOff = off
	return r.lineNum
}

// colAt returns the 1-based byte column of offset off in its line.
func (r *docReader) colAt(off int) int {
	return off - (bytes.LastIndexByte(r.data[:off], '\n') + 1) + 1
}

func (r *docReader) read(max int) error {
	w := r.w
	if !r.read1 {
		r.read1 = true
		data, err := io.ReadAll(r.rc)
		if err != nil {
			r.data = data
			return readFailed(w, 0, err)
		}
		r.data = data
		r.walk = docWalker{data: data}
	}
	w.lineFn = func() int { return r.lineAt(r.cur) }
	for w.batch.N < max {
		s, _, err := r.walk.next()
		if err == io.EOF {
			r.data = nil
			return io.EOF
		}
		if err != nil {
			off := 0
			reason := err.Error()
			var no *errNotObject
			if errors.As(err, &no) {
				off = no.off
			} else if de := syntaxError(w.file, 0, 0, err); de.Col > 0 {
				off = de.Col - 1
				reason = de.Reason + "; the rest of the document is skipped"
			}
			if off > len(r.data) {
				off = len(r.data)
			}
			w.skip(&DataError{File: w.file, Line: r.lineAt(off), Col: r.colAt(off), Reason: reason})
			if w.err != nil {
				return w.err
			}
			continue
		}
		r.cur = s
		_, kind, err := r.dec.decode(r.data, s)
		if err != nil { // the walker validated the object; never here
			w.skip(syntaxError(w.file, r.lineAt(s), 0, err))
			if w.err != nil {
				return w.err
			}
			continue
		}
		if !r.dec.accept(kind) {
			if w.err != nil {
				return w.err
			}
			continue
		}
		r.dec.emit(r.data)
		if w.err != nil {
			return w.err
		}
	}
	return nil
}
