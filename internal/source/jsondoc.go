package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// docReader reads a JSON document as a stream, one row or record at a
// time: an Event Hub message, an Advanced Hunting API response, a JSON
// array or pretty-printed objects. Memory is bounded by the longest
// element (at most maxLine bytes), whatever the size of the document.
type docReader struct {
	rc   io.ReadCloser
	walk *docWalker
	dec  *objDecoder
	w    *rowWriter
}

func newDocReader(rc *dataReader, dec *objDecoder) *docReader {
	return &docReader{rc: rc, walk: newDocWalker(rc), dec: dec, w: dec.w}
}

func (r *docReader) close() error { return r.rc.Close() }

func (r *docReader) read(max int) error {
	w := r.w
	w.lineFn = nil
	for w.batch.N < max {
		elem, err := r.walk.next()
		if err == io.EOF {
			return io.EOF
		}
		if err != nil {
			w.skip(docError(w.file, err))
			if w.err != nil {
				return w.err
			}
			continue
		}
		w.line = r.walk.line
		_, kind, err := r.dec.decode(elem, 0)
		if err != nil {
			e := elemError(w.file, r.walk, elem, err)
			e.Reason += "; the rest of the document is skipped"
			r.walk.failed = true
			w.skip(e)
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
		r.dec.emit(elem)
		if w.err != nil {
			return w.err
		}
	}
	return nil
}

// docError turns an error of docWalker.next into a DataError.
func docError(file string, err error) *DataError {
	var (
		no *errNotObject
		tl *errTooLong
		se *docSyntaxError
	)
	switch {
	case errors.As(err, &no):
		return &DataError{File: file, Line: no.line, Col: no.col, Reason: no.Error()}
	case errors.As(err, &tl):
		return &DataError{File: file, Line: tl.line, Col: tl.col, Reason: fmt.Sprintf("a record longer than %d bytes", maxLine)}
	case errors.As(err, &se):
		return &DataError{File: file, Line: se.line, Col: se.col, Reason: se.msg + "; the rest of the document is skipped"}
	}
	return &DataError{File: file, Reason: err.Error()}
}

// elemError places a JSON syntax error in the element elem, which the
// walker found at its line and column.
func elemError(file string, walk *docWalker, elem []byte, err error) *DataError {
	e := syntaxError(file, walk.line, 0, err)
	if e.Col <= 0 {
		return e
	}
	off := min(e.Col-1, len(elem))
	head := elem[:off]
	e.Line = walk.line + bytes.Count(head, nl)
	if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
		e.Col = off - i
	} else {
		e.Col = walk.col + off
	}
	return e
}
