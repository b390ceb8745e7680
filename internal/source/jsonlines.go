package source

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"

	"errors"
	"fmt"
	"github.com/klauspost/compress/zstd"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
)

// fileScanner reads the rows of one file for a scan.
type fileScanner interface {
	// read appends rows to the writer's batch until it holds max rows, and
	// returns io.EOF at the end of the file. Any other error stops the scan
	// (a *DataError under Options.Strict, or an I/O error).
	read(max int) error
	close() error
}

// lineReader splits a stream into lines, reusing its buffers: a line is
// valid until the next call. Lines longer than maxLine are reported, not
// held.
type lineReader struct {
	br   *bufio.Reader
	long []byte
	line int // number of the line last returned
}

var errLineTooLong = errors.New("line too long")

// next returns the next line without its '\n', or io.EOF.
func (r *lineReader) next() ([]byte, error) {
	if cap(r.long) > bufferSize<<4 {
		r.long = nil // do not keep the memory of one huge line
	}
	b, err := r.br.ReadSlice('\n')
	switch err {
	case nil:
		r.line++
		return b[:len(b)-1], nil
	case io.EOF:
		if len(b) == 0 {
			return nil, io.EOF
		}
		r.line++
		return b, nil
	case bufio.ErrBufferFull:
	default:
		return nil, err
	}
	r.long = append(r.long[:0], b...)
	for {
		b, err = r.br.ReadSlice('\n')
		if len(r.long)+len(b) > maxLine {
			r.line++
			for err == bufio.ErrBufferFull {
				_, err = r.br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			return nil, errLineTooLong
		}
		r.long = append(r.long, b...)
		switch err {
		case nil:
			r.line++
			return r.long[:len(r.long)-1], nil
		case io.EOF:
			r.line++
			return r.long, nil
		case bufio.ErrBufferFull:
		default:
			return nil, err
		}
	}
}

// jsonLinesReader reads JSON lines of rows or streaming records.
type jsonLinesReader struct {
	rc  io.ReadCloser
	lr  lineReader
	dec *objDecoder
	w   *rowWriter
}

func newJSONLinesReader(rc *dataReader, dec *objDecoder) *jsonLinesReader {
	return &jsonLinesReader{rc: rc, lr: lineReader{br: bufio.NewReaderSize(rc, rc.bufSize)}, dec: dec, w: dec.w}
}

func (r *jsonLinesReader) close() error { return r.rc.Close() }

func (r *jsonLinesReader) read(max int) error {
	w := r.w
	w.lineFn = nil
	for w.batch.N < max {
		line, err := r.lr.next()
		switch {
		case err == io.EOF:
			return io.EOF
		case err == errLineTooLong:
			w.skip(&DataError{File: w.file, Line: r.lr.line, Reason: fmt.Sprintf("line longer than %d bytes", maxLine)})
			if w.err != nil {
				return w.err
			}
			continue
		case err != nil:
			return readFailed(w, r.lr.line+1, err)
		}
		r.dec.decodeLine(line, r.lr.line)
		if w.err != nil {
			return w.err
		}
	}
	return nil
}

// decodeLine decodes line n of a file of JSON lines (rows or streaming
// records), without its '\n', into the writer's batch: a row, or a line
// that gives none, counted and reported as the readers do. Under
// Options.Strict a problem sets the writer's err. The sequential and the
// parallel readers both call it for every line, in order: a check that
// skips a line without decoding it (a raw-byte prefilter) belongs at its
// start.
func (d *objDecoder) decodeLine(line []byte, n int) {
	w := d.w
	if n == 1 {
		line = bytes.TrimPrefix(line, utf8BOM)
	}
	i := jsonscan.SkipSpace(line, 0)
	if i == len(line) {
		return // blank lines separate nothing
	}
	w.line = n
	if line[i] != '{' {
		w.skip(&DataError{File: w.file, Line: n, Col: i + 1, Reason: "expected a JSON object, got " + jsonscan.Describe(line, i)})
		return
	}
	if d.pre != nil && endsObject(line) {
		if len(w.route) > 0 {
			if !d.pre.MatchParts(line, d.bits) {
				w.prefiltered() // cannot give a row any query keeps
				return
			}
			w.route = d.bits
			defer func() { w.route = w.ones }()
		} else if !d.pre.Match(line) {
			w.prefiltered() // cannot give a row the query keeps
			return
		}
	}
	end, kind, err := d.decode(line, i)
	if err == nil {
		if j := jsonscan.SkipSpace(line, end); j != len(line) {
			err = &jsonscan.SyntaxError{Offset: j, Msg: "unexpected text after the object: " + quote(line[j:])}
		}
	}
	if err != nil {
		w.skip(syntaxError(w.file, n, 0, err))
		return
	}
	if !d.accept(kind) {
		return
	}
	d.emit(line)
}

// accept tells whether a decoded object is a row to emit, and accounts for
// the ones that are not.
func (d *objDecoder) accept(k rowKind) bool {
	switch k {
	case kindOther:
		if t := categoryTable(d.lastCat); !d.listed(t) {
			p := d.w.pass
			p.other++
			if len(p.otherNames) < MaxReported && !slices.ContainsFunc(p.otherNames, func(n string) bool { return strings.EqualFold(n, string(t)) }) {
				p.otherNames = append(p.otherNames, string(t))
			}
		}
		d.w.skipped()
		return false
	case kindOrphan:
		d.w.skip(&DataError{File: d.w.file, Line: d.w.rowLine(),
			Reason: "a row without a category among streaming records (or without a Type among Log Analytics rows), and the file's name does not tell its table; pass --table"})
		return false
	}
	return true
}

// syntaxError turns a JSON syntax error at a byte offset of a line into a
// DataError; lineStart is the offset of the line in the data scanned.
func syntaxError(file string, line, lineStart int, err error) *DataError {
	var se *jsonscan.SyntaxError
	if errors.As(err, &se) {
		return &DataError{File: file, Line: line, Col: se.Offset - lineStart + 1, Reason: "invalid JSON: " + se.Msg}
	}
	return &DataError{File: file, Line: line, Reason: err.Error()}
}

// readFailed reports a read error (a truncated or corrupt gzip stream, a
// failing disk) at line: the rest of the file is skipped, the complete
// rows before it are kept.
func readFailed(w *rowWriter, line int, err error) error {
	w.skip(&DataError{File: w.file, Line: line, Reason: readErrorReason(err, "line "+strconv.Itoa(line)) + "; the rest of the file is skipped"})
	if w.err != nil {
		return w.err
	}
	return io.EOF
}

// readErrorReason tells what a read error means, for a message: where is
// what was being read when it happened.
func readErrorReason(err error, where string) string {
	var ce flate.CorruptInputError
	var codec *codecError
	switch {
	case errors.As(err, &codec) && codec.codec != "gzip":
		if errors.Is(err, zstd.ErrWindowSizeExceeded) {
			return "the zstd stream asks for a window larger than 128 MiB (it was compressed with --long above 27, or it is corrupt), more than kqlhunt holds, as zstd -d by default; decompress it with zstd -d --long=31"
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return "truncated " + codec.codec + " stream: the file ends in " + where
		}
		return fmt.Sprintf("corrupt %s stream in %s: %v", codec.codec, where, codec.err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated gzip stream: the file ends in " + where
	case errors.Is(err, gzip.ErrChecksum):
		return "gzip checksum mismatch at the end of the file: the data is corrupt"
	case errors.Is(err, gzip.ErrHeader):
		return "corrupt gzip stream: a member header is invalid"
	case errors.As(err, &ce):
		return fmt.Sprintf("corrupt gzip stream at byte %d of the compressed data, in %s", int64(ce), where)
	}
	return fmt.Sprintf("reading the file: %v", err)
}
