package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxRecordSize is the longest line of JSON lines, element of a JSON
// document or CSV record (lines joined by a quoted field) that the readers
// of telemetry and of externaldata hold in memory: 64 MiB. A longer one
// is skipped and reported with its position; a quoted CSV field that grows
// past it (a stray quote makes the rest of the file one field) stops the
// file with a message naming the line where the field started.
const MaxRecordSize = 64 << 20

// csvScanner splits RFC 4180 CSV into records, as encoding/csv does, but
// holds at most maxLine bytes of a record and does not allocate per
// record: the fields it returns are views of its buffer, valid until the
// next call. Line endings are LF or CRLF; blank lines are skipped.
type csvScanner struct {
	br    *bufio.Reader
	comma byte
	// lazy accepts a quote in an unquoted field and a lone quote in a
	// quoted one, as encoding/csv's LazyQuotes.
	lazy bool
	line int // number of the last line read

	rec    []byte   // the contents of the record's fields, unquoted
	ends   []int    // where each field ends in rec
	fields [][]byte // views of rec, returned by read
	long   []byte   // a line longer than the reader's buffer
}

// csvError is a problem with one record, at a line and 1-based byte
// column (0 when not known). fatal tells that the rest of the file cannot
// be read.
type csvError struct {
	line, col int
	msg       string
	fatal     bool
}

func (e *csvError) Error() string { return e.msg }

// The messages of encoding/csv, kept for the problems it also finds.
const (
	msgBareQuote = `bare " in non-quoted-field`
	msgQuote     = `extraneous or missing " in quoted-field`
)

func newCSVScanner(r io.Reader, comma byte, lazy bool, size int) *csvScanner {
	return &csvScanner{br: bufio.NewReaderSize(r, size), comma: comma, lazy: lazy}
}

// readLine returns the next line with its ending normalised to "\n" (no
// "\n" for a last line without one), or io.EOF. A line longer than room
// bytes is consumed and reported as errLineTooLong.
func (s *csvScanner) readLine(room int) ([]byte, error) {
	if cap(s.long) > bufferSize<<4 {
		s.long = nil
	}
	b, err := s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = s.br.ReadSlice('\n')
			if len(s.long)+len(b) > room {
				for err == bufio.ErrBufferFull {
					_, err = s.br.ReadSlice('\n')
				}
				if err != nil && err != io.EOF {
					return nil, err
				}
				s.line++
				return nil, errLineTooLong
			}
			s.long = append(s.long, b...)
		}
		b = s.long
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if len(b) == 0 {
		return nil, io.EOF
	}
	if len(b) > room {
		s.line++
		return nil, errLineTooLong
	}
	s.line++
	if n := len(b); n >= 2 && b[n-2] == '\r' && b[n-1] == '\n' {
		b[n-2] = '\n'
		b = b[:n-1]
	}
	return b, nil
}

// read returns the fields of the next record and the line it starts on,
// or io.EOF. A *csvError reports a malformed record, which is skipped
// (unless it is fatal); any other error is a read error.
func (s *csvScanner) read() (fields [][]byte, start int, err error) {
	var line []byte
	for {
		line, err = s.readLine(maxLine)
		if err == errLineTooLong {
			return nil, s.line, &csvError{line: s.line, msg: fmt.Sprintf("record longer than %d bytes", maxLine)}
		}
		if err != nil {
			return nil, s.line + 1, err
		}
		if len(line) > 1 || len(line) == 1 && line[0] != '\n' {
			break
		}
	}
	start = s.line
	s.rec, s.ends = s.rec[:0], s.ends[:0]
	pos := 0 // in line
	for {
		if pos >= len(line) || line[pos] != '"' {
			// An unquoted field, up to the next comma or the line's end.
			i := bytes.IndexByte(line[pos:], s.comma)
			end := pos + i
			if i < 0 {
				end = len(line)
				if end > pos && line[end-1] == '\n' {
					end--
				}
			}
			f := line[pos:end]
			if !s.lazy {
				if q := bytes.IndexByte(f, '"'); q >= 0 {
					return nil, start, &csvError{line: s.line, col: pos + q + 1, msg: msgBareQuote}
				}
			}
			s.rec = append(s.rec, f...)
			s.ends = append(s.ends, len(s.rec))
			if i < 0 {
				return s.split(), start, nil
			}
			pos = end + 1
			continue
		}
		// A quoted field, which may span lines.
		fieldLine := s.line
		pos++
		for {
			i := bytes.IndexByte(line[pos:], '"')
			if i < 0 {
				s.rec = append(s.rec, line[pos:]...)
				next, err := s.readLine(maxLine - len(s.rec))
				switch {
				case err == io.EOF:
					if s.lazy {
						s.ends = append(s.ends, len(s.rec))
						return s.split(), start, nil
					}
					return nil, start, &csvError{line: fieldLine, col: 0,
						msg: fmt.Sprintf("a quoted field starting on line %d is not closed at the end of the file (a stray quote?)", fieldLine)}
				case err == errLineTooLong:
					return nil, start, &csvError{line: fieldLine, fatal: true,
						msg: fmt.Sprintf("a quoted field starting on this line is longer than %d bytes (a stray quote?); the rest of the file is skipped", maxLine)}
				case err != nil:
					return nil, start, err
				}
				line, pos = next, 0
				continue
			}
			s.rec = append(s.rec, line[pos:pos+i]...)
			pos += i + 1
			switch {
			case pos < len(line) && line[pos] == '"':
				s.rec = append(s.rec, '"')
				pos++
				continue
			case pos < len(line) && line[pos] == s.comma:
				s.ends = append(s.ends, len(s.rec))
				pos++
			case pos >= len(line) || line[pos] == '\n':
				s.ends = append(s.ends, len(s.rec))
				return s.split(), start, nil
			case s.lazy:
				s.rec = append(s.rec, '"')
				continue
			default:
				return nil, start, &csvError{line: s.line, col: pos, msg: msgQuote}
			}
			break
		}
	}
}

// split returns the fields of the record read, as views of rec.
func (s *csvScanner) split() [][]byte {
	s.fields = s.fields[:0]
	from := 0
	for _, e := range s.ends {
		s.fields = append(s.fields, s.rec[from:e:e])
		from = e
	}
	return s.fields
}

// isCSVError reports whether err is a problem with a record rather than
// with reading.
func isCSVError(err error) (*csvError, bool) {
	var ce *csvError
	ok := errors.As(err, &ce)
	return ce, ok
}
