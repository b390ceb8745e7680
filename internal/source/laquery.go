package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// A Log Analytics query API response (api.loganalytics.io/v1, and what
// `az monitor log-analytics query` and the portal's "export to JSON"
// fetch) holds its rows as arrays beside the column names:
//
//	{"tables": [{"name": "PrimaryResult",
//	             "columns": [{"name": "TimeGenerated", "type": "datetime"}, ...],
//	             "rows": [["2025-03-04T10:00:00Z", ...], ...]}]}
//
// laStream reads it as a stream, one row at a time, and gives each row as
// a JSON object of its column names, which the row decoder reads as any
// other row. A row's table is its Type column when it has one (typed.go),
// else the file's (the path or --table). Positions are the row's line and
// column in the file.

// errValueTooLong stops the reading of a value (a row, a member) longer
// than maxLine bytes.
var errValueTooLong = errors.New("value too long")

// laStream reads the rows of a query API response.
type laStream struct {
	dec   *json.Decoder
	lines *lineCounter
	state int // laStart, laTables, laRows, laDone
	cols  []string
	obj   []byte // the row as an object, reused
	// fatal is set once the structure cannot be followed.
	fatal bool
}

const (
	laStart = iota
	laTables
	laRows
	laDone
)

func newLAStream(r io.Reader) *laStream {
	lc := &lineCounter{r: r}
	dec := json.NewDecoder(lc)
	dec.UseNumber()
	return &laStream{dec: dec, lines: lc}
}

// laColumn is a column of a query API response's table.
type laColumn struct {
	Name string `json:"name"`
	// ColumnName is the older (Azure Resource Manager) spelling.
	ColumnName string `json:"columnName"`
}

// laError is a problem at a line and column of the response.
type laError struct {
	line, col int
	msg       string
	fatal     bool
}

func (e *laError) Error() string { return e.msg }

// errorAt returns an laError at byte offset off.
func (s *laStream) errorAt(off int64, fatal bool, format string, args ...any) *laError {
	line, col := s.lines.position(off)
	if fatal {
		s.fatal = true
	}
	return &laError{line: line, col: col, msg: fmt.Sprintf(format, args...), fatal: fatal}
}

// syntax turns a decoder error into a fatal laError.
func (s *laStream) syntax(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if errors.Is(err, errValueTooLong) {
		return s.errorAt(s.lines.mark, true, "the value that follows is longer than %d bytes; the rest is skipped", maxLine)
	}
	var se *json.SyntaxError
	off := s.dec.InputOffset()
	if errors.As(err, &se) {
		off = se.Offset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return s.errorAt(s.lines.n, true, "the document ends in the middle of the response; the rest is skipped")
	}
	var ce *codecError
	if errors.As(err, &ce) {
		return s.errorAt(off, true, "%s; the rest is skipped", readErrorReason(err, "the response"))
	}
	return s.errorAt(off, true, "invalid JSON: %s; the rest of the document is skipped", strings.TrimPrefix(err.Error(), "json: "))
}

// begin marks the start of the next value, whose reading may take at
// most maxLine bytes (lineCounter), and returns its offset.
func (s *laStream) begin() int64 {
	off := s.dec.InputOffset()
	s.lines.mark = off
	return off
}

// delim reads the delimiter want.
func (s *laStream) delim(want json.Delim) error {
	off := s.begin()
	tok, err := s.dec.Token()
	if err != nil {
		return s.syntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return s.errorAt(off, true, "expected '%c' in a Log Analytics query response, got %v; the rest is skipped", want, tok)
	}
	return nil
}

// key reads a member name, or returns "" at the end of the object.
func (s *laStream) key() (string, error) {
	s.begin()
	if !s.dec.More() {
		if _, err := s.dec.Token(); err != nil { // '}'
			return "", s.syntax(err)
		}
		return "", nil
	}
	tok, err := s.dec.Token()
	if err != nil {
		return "", s.syntax(err)
	}
	k, _ := tok.(string)
	return strings.ToLower(k), nil
}

// skip reads and drops a value.
func (s *laStream) skip() error {
	s.begin()
	var v json.RawMessage
	if err := s.dec.Decode(&v); err != nil {
		return s.syntax(err)
	}
	return nil
}

// next returns the next row as a JSON object of the column names and its
// line; the object is valid until the next call. It returns io.EOF at the
// end; an *laError that is not fatal costs one row, a fatal one the rest
// of the document (next then returns io.EOF).
func (s *laStream) next() ([]byte, int, error) {
	if s.fatal {
		return nil, 0, io.EOF
	}
	for {
		switch s.state {
		case laStart:
			if err := s.delim('{'); err != nil {
				return nil, 0, err
			}
			for {
				k, err := s.key()
				if err != nil {
					return nil, 0, err
				}
				if k == "" {
					s.state = laDone
					break
				}
				if k == "tables" {
					if err := s.delim('['); err != nil {
						return nil, 0, err
					}
					s.state = laTables
					break
				}
				if err := s.skip(); err != nil {
					return nil, 0, err
				}
			}
		case laTables:
			if !s.dec.More() {
				s.dec.Token() // ']'
				// The rest of the response (its statistics) is not read.
				s.state = laDone
				continue
			}
			if err := s.delim('{'); err != nil {
				return nil, 0, err
			}
			s.cols = s.cols[:0]
			for s.state == laTables {
				k, err := s.key()
				if err != nil {
					return nil, 0, err
				}
				if k == "" {
					break // a table without rows
				}
				switch k {
				case "columns":
					off := s.begin()
					var cols []laColumn
					if err := s.dec.Decode(&cols); err != nil {
						return nil, 0, s.errorAt(off, true, "the table's columns are not a list of {\"name\", \"type\"}: %v; the rest is skipped", err)
					}
					for _, c := range cols {
						name := c.Name
						if name == "" {
							name = c.ColumnName
						}
						s.cols = append(s.cols, name)
					}
				case "rows":
					off := s.dec.InputOffset()
					if len(s.cols) == 0 {
						return nil, 0, s.errorAt(off, true, "the table's rows come before its columns; the rest is skipped")
					}
					if err := s.delim('['); err != nil {
						return nil, 0, err
					}
					s.state = laRows
				default:
					if err := s.skip(); err != nil {
						return nil, 0, err
					}
				}
			}
		case laRows:
			if !s.dec.More() {
				s.dec.Token() // ']'
				// The rest of the table's members, to its end.
				for {
					k, err := s.key()
					if err != nil {
						return nil, 0, err
					}
					if k == "" {
						break
					}
					if err := s.skip(); err != nil {
						return nil, 0, err
					}
				}
				s.state = laTables
				continue
			}
			s.begin()
			var raw json.RawMessage
			if err := s.dec.Decode(&raw); err != nil {
				return nil, 0, s.syntax(err)
			}
			off := s.dec.InputOffset() - int64(len(raw))
			var row []json.RawMessage
			if err := json.Unmarshal(raw, &row); err != nil {
				return nil, 0, s.errorAt(off, false, "a row that is not an array of values")
			}
			line, _ := s.lines.position(off)
			if len(row) != len(s.cols) {
				return nil, 0, s.errorAt(off, false, "expected %d values as in the table's columns, got %d", len(s.cols), len(row))
			}
			s.obj = append(s.obj[:0], '{')
			for i, v := range row {
				if i > 0 {
					s.obj = append(s.obj, ',')
				}
				name, _ := json.Marshal(s.cols[i])
				s.obj = append(s.obj, name...)
				s.obj = append(s.obj, ':')
				s.obj = append(s.obj, bytes.TrimSpace(v)...)
			}
			s.obj = append(s.obj, '}')
			return s.obj, line, nil
		case laDone:
			return nil, 0, io.EOF
		}
	}
}

// lineCounter counts the lines of what is read through it, so that an
// offset already read can be placed at its line and column. Offsets asked
// must not decrease; it holds the offsets of the newlines read and not
// yet passed.
type lineCounter struct {
	r io.Reader
	n int64 // bytes read
	// mark is the offset where the value being read starts: reading more
	// than maxLine bytes past it fails with errValueTooLong, so that one
	// value (a row) is never held whole however long it is.
	mark     int64
	nls      []int64 // offsets of newlines read, past the last asked offset
	line     int     // line of the last asked offset, from 0
	lastNL   int64   // offset of the newline before it, or -1
	asked    bool
	nlsStart int
}

func (c *lineCounter) Read(p []byte) (int, error) {
	if c.n-c.mark > int64(maxLine) {
		return 0, errValueTooLong
	}
	k, err := c.r.Read(p)
	for i := 0; i < k; {
		j := bytes.IndexByte(p[i:k], '\n')
		if j < 0 {
			break
		}
		c.nls = append(c.nls, c.n+int64(i+j))
		i += j + 1
	}
	c.n += int64(k)
	return k, err
}

// position returns the 1-based line and byte column of offset off.
func (c *lineCounter) position(off int64) (line, col int) {
	if !c.asked {
		c.asked, c.lastNL = true, -1
	}
	i := c.nlsStart
	for i < len(c.nls) && c.nls[i] < off {
		c.lastNL = c.nls[i]
		c.line++
		i++
	}
	c.nlsStart = i
	if c.nlsStart > 1024 && c.nlsStart > len(c.nls)/2 {
		c.nls = append(c.nls[:0], c.nls[c.nlsStart:]...)
		c.nlsStart = 0
	}
	return c.line + 1, int(off - c.lastNL)
}

// laReader reads the rows of a Log Analytics query API response.
type laReader struct {
	rc  io.ReadCloser
	s   *laStream
	dec *objDecoder
	w   *rowWriter
}

func newLAReader(rc *dataReader, dec *objDecoder) *laReader {
	return &laReader{rc: rc, s: newLAStream(rc), dec: dec, w: dec.w}
}

func (r *laReader) close() error { return r.rc.Close() }

func (r *laReader) read(max int) error {
	w := r.w
	w.lineFn = nil
	for w.batch.N < max {
		obj, line, err := r.s.next()
		if err == io.EOF {
			return io.EOF
		}
		if err != nil {
			var le *laError
			if !errors.As(err, &le) {
				return err
			}
			w.skip(&DataError{File: w.file, Line: le.line, Col: le.col, Reason: le.msg})
			if w.err != nil {
				return w.err
			}
			continue
		}
		w.line = line
		_, kind, err := r.dec.decode(obj, 0)
		if err != nil {
			// A value the decoder cannot walk: the row only.
			w.skip(&DataError{File: w.file, Line: line, Reason: "invalid row: " + err.Error()})
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
		r.dec.emit(obj)
		if w.err != nil {
			return w.err
		}
	}
	return nil
}

// laTypes returns the Type values of the rows of the query API response
// that r reads, up to its end or first problem, and whether some row has
// none.
func laTypes(r io.Reader, limit int) (types []string, untyped bool) {
	s := newLAStream(r)
	for n := 0; limit < 0 || n < limit; n++ {
		obj, _, err := s.next()
		if err == io.EOF || s.fatal {
			return
		}
		if err != nil {
			continue
		}
		if t := rowType(obj, 0); t != "" {
			types = addName(types, t)
		} else {
			untyped = true
		}
	}
	return
}
