package source

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
)

// docStream reads a JSON document from a stream and holds only what it
// is looking at: the value being scanned (at most maxLine bytes; a longer
// one is scanned through and dropped) and a read buffer. It counts lines
// as it goes, so that positions in messages are FILE:LINE:COL even though
// the start of the document is gone.
//
// Offsets that its methods take and return are relative to pos, the first
// byte not yet consumed; fill may move the bytes in buf but never changes
// what an offset from pos points at.
type docStream struct {
	r        io.Reader
	buf      []byte
	pos, end int // buf[pos:end] is read and not consumed
	err      error
	// line is the line of buf[pos]; lineStart is the absolute offset of
	// that line's first byte, and base the absolute offset of buf[0].
	line            int
	lineStart, base int64
}

const docBufSize = 256 << 10

func newDocStream(r io.Reader) *docStream {
	return &docStream{r: r, buf: make([]byte, docBufSize), line: 1}
}

// avail returns how many bytes from pos are held.
func (s *docStream) avail() int { return s.end - s.pos }

// fill reads more data, moving the held bytes to the front of buf or
// growing it (up to maxLine and a read buffer more) when they fill it. It
// returns false at the end of the data or on a read error (s.err).
func (s *docStream) fill() bool {
	if s.err != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.base += int64(s.pos)
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= maxLine+docBufSize {
			return false // the callers never hold this much
		}
		nb := make([]byte, min(2*len(s.buf), maxLine+docBufSize))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.err = io.ErrNoProgress
	return false
}

// ensure makes sure that the byte at offset k is held, reading as needed;
// it returns false when the data ends before it.
func (s *docStream) ensure(k int) bool {
	for s.avail() <= k {
		if !s.fill() {
			return false
		}
	}
	return true
}

// consume drops n held bytes, counting their lines.
func (s *docStream) consume(n int) {
	b := s.buf[s.pos : s.pos+n]
	if k := bytes.Count(b, nl); k > 0 {
		s.line += k
		s.lineStart = s.base + int64(s.pos+bytes.LastIndexByte(b, '\n')+1)
	}
	s.pos += n
}

var nl = []byte{'\n'}

// skipSpace consumes white space and returns the next byte, or false at
// the end of the data.
func (s *docStream) skipSpace() (byte, bool) {
	for {
		k := jsonscan.SkipSpace(s.buf[s.pos:s.end], 0)
		s.consume(k)
		if s.pos < s.end {
			return s.buf[s.pos], true
		}
		if !s.fill() {
			return 0, false
		}
	}
}

// spaceAt returns the offset of the first byte at or after k that is not
// white space, reading as needed; it is avail() at the end of the data.
func (s *docStream) spaceAt(k int) int {
	for {
		k = s.pos + jsonscan.SkipSpace(s.buf[s.pos:s.end], k) - s.pos
		if k < s.avail() || !s.fill() {
			return k
		}
	}
}

// position returns the line and 1-based byte column of offset k.
func (s *docStream) position(k int) (line, col int) {
	b := s.buf[s.pos : s.pos+min(k, s.avail())]
	line = s.line + bytes.Count(b, nl)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return line, k - i
	}
	return line, int(s.base+int64(s.pos+k)-s.lineStart) + 1
}

// errTooLong is returned by valueEnd for a value longer than maxLine,
// which it has consumed.
type errTooLong struct{ line, col int }

func (e *errTooLong) Error() string { return fmt.Sprintf("value longer than %d bytes", maxLine) }

// docSyntaxError is a problem with the structure of a document at a line
// and column; the rest of the document cannot be read.
type docSyntaxError struct {
	line, col int
	msg       string
}

func (e *docSyntaxError) Error() string { return e.msg }

// errorAt returns a docSyntaxError at offset k.
func (s *docStream) errorAt(k int, format string, args ...any) error {
	line, col := s.position(k)
	return &docSyntaxError{line: line, col: col, msg: fmt.Sprintf(format, args...)}
}

// endError is the error for data that ends at offset k in the middle of
// something: a read error (a truncated gzip stream) or the end of the file.
func (s *docStream) endError(k int, what string) error {
	if s.err != nil && s.err != io.EOF {
		line, col := s.position(k)
		return &docSyntaxError{line: line, col: col, msg: readErrorReason(s.err, "the middle of "+what)}
	}
	return s.errorAt(k, "the document ends in the middle of %s", what)
}

// describe names the byte at offset k for a message.
func (s *docStream) describe(k int) string {
	if !s.ensure(k) {
		return "end of input"
	}
	return jsonscan.Describe(s.buf[s.pos:s.end], k)
}

// valueEnd returns the offset just after the JSON value starting at offset
// k, reading and holding it. It finds the end by counting brackets outside
// strings without validating the value, which the caller does. A value
// longer than maxLine is scanned through and consumed (with everything
// held before it) and reported as *errTooLong; the stream is then just
// after it.
func (s *docStream) valueEnd(k int) (int, error) {
	if !s.ensure(k) {
		return k, s.endError(k, "a value")
	}
	start := k
	first := s.buf[s.pos+k]
	depth, inStr, esc := 0, false, false
	var dropped *errTooLong
	i := k
	switch first {
	case '{', '[':
	case '"':
		inStr, i = true, k+1
	default:
		// A number or literal: up to the next delimiter.
		for {
			for ; s.pos+i < s.end; i++ {
				switch s.buf[s.pos+i] {
				case ',', ']', '}', ' ', '\t', '\r', '\n':
					return i, nil
				}
			}
			if i-start > maxLine {
				return s.tooLong(start, i)
			}
			if !s.fill() {
				return i, nil
			}
		}
	}
	for {
		b := s.buf[s.pos:s.end]
		for ; i < len(b); i++ {
			c := b[i]
			if inStr {
				switch {
				case esc:
					esc = false
				case c == '\\':
					esc = true
				case c == '"':
					inStr = false
					if depth == 0 {
						if dropped != nil {
							s.consume(i + 1)
							return 0, dropped
						}
						return i + 1, nil
					}
				default:
					// Skip to the next quote or backslash.
					j := quoteOrBackslash(b[i:])
					if j < 0 {
						i = len(b) - 1
					} else {
						i += j - 1
					}
				}
				continue
			}
			switch c {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					if dropped != nil {
						s.consume(i + 1)
						return 0, dropped
					}
					return i + 1, nil
				}
			}
		}
		if dropped == nil && i > maxLine {
			line, col := s.position(start)
			dropped = &errTooLong{line: line, col: col}
		}
		if dropped != nil {
			s.consume(i)
			i, start = 0, 0
		}
		if !s.fill() {
			if dropped != nil {
				return 0, dropped
			}
			return i, s.endError(start, "a value")
		}
	}
}

// quoteOrBackslash returns the index of the first '"' or '\\' in b, or -1:
// bytes.IndexAny(b, `"\`) with two vector searches (the second over the
// bytes before the quote, where a backslash is rare) instead of a byte
// loop.
func quoteOrBackslash(b []byte) int {
	q := bytes.IndexByte(b, '"')
	if q < 0 {
		return bytes.IndexByte(b, '\\')
	}
	if k := bytes.IndexByte(b[:q], '\\'); k >= 0 {
		return k
	}
	return q
}

// skipRest consumes the rest of the object or array the stream is in,
// after a member or element that valueEnd dropped.
func (s *docStream) skipRest() error {
	depth, inStr, esc := 1, false, false
	for {
		b := s.buf[s.pos:s.end]
		for i, c := range b {
			if inStr {
				switch {
				case esc:
					esc = false
				case c == '\\':
					esc = true
				case c == '"':
					inStr = false
				}
				continue
			}
			switch c {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.consume(i + 1)
					return nil
				}
			}
		}
		s.consume(len(b))
		if !s.fill() {
			return s.endError(0, "an object")
		}
	}
}

// tooLong consumes the scalar value from offset start, scanned up to i,
// through its end.
func (s *docStream) tooLong(start, i int) (int, error) {
	line, col := s.position(start)
	e := &errTooLong{line: line, col: col}
	s.consume(i)
	for {
		b := s.buf[s.pos:s.end]
		if j := bytes.IndexAny(b, ",]} \t\r\n"); j >= 0 {
			s.consume(j)
			return 0, e
		}
		s.consume(len(b))
		if !s.fill() {
			return 0, e
		}
	}
}

// docWalker yields the objects of a JSON document that are rows or
// streaming records, reading the document as a stream: the elements of a
// top-level array, of the "records" array of an Event Hub message and of
// the "Results" array of an Advanced Hunting API response (keys in any
// case), and top-level objects that are none of these (pretty-printed
// rows). Several top-level values may follow each other. It holds one
// element at a time, so memory is bounded by maxLine whatever the size of
// the document.
type docWalker struct {
	s       *docStream
	stack   []docFrame
	pending int // bytes of the last element, consumed by the next call
	started bool
	failed  bool
	// line and col are the position of the last element returned.
	line, col int
}

type docFrame struct {
	array bool // inside a rows array; else inside the members of its container object
	first bool // no element read yet
}

// errNotObject is returned by next for an array element that is not an
// object; the walk can go on.
type errNotObject struct {
	line, col int
	kind      jsonscan.Kind
}

func (e *errNotObject) Error() string {
	return fmt.Sprintf("expected a JSON object, got %s", kindPhrase(e.kind))
}

func newDocWalker(r io.Reader) *docWalker {
	return &docWalker{s: newDocStream(r)}
}

// next returns the next row object; its bytes are valid until the next
// call. At the end it returns io.EOF. A *docSyntaxError (a structure that
// is not JSON, or data that ends too soon) ends the walk: the rest of the
// document cannot be resynchronized. An *errNotObject or *errTooLong skips
// one element.
func (w *docWalker) next() ([]byte, error) {
	if w.failed {
		return nil, io.EOF
	}
	s := w.s
	if w.pending > 0 {
		s.consume(w.pending)
		w.pending = 0
	}
	if !w.started {
		w.started = true
		if s.ensure(len(utf8BOM)-1) && bytes.HasPrefix(s.buf[s.pos:s.end], utf8BOM) {
			s.consume(len(utf8BOM))
		}
	}
	for {
		c, ok := s.skipSpace()
		if len(w.stack) == 0 {
			if !ok {
				if s.err != nil && s.err != io.EOF {
					return w.fail(s.endError(0, "the document"))
				}
				return nil, io.EOF
			}
			switch c {
			case '[':
				w.stack = append(w.stack, docFrame{array: true, first: true})
				s.consume(1)
				continue
			case '{':
				arr, end, err := w.members(1, true)
				if err != nil {
					if tl, ok := err.(*errTooLong); ok {
						// A member too long to hold: skip the rest of
						// the object.
						if err := s.skipRest(); err != nil {
							return w.fail(err)
						}
						return nil, tl
					}
					return w.fail(err)
				}
				if arr >= 0 {
					s.consume(arr + 1)
					w.stack = append(w.stack, docFrame{}, docFrame{array: true, first: true})
					continue
				}
				return w.yield(end), nil
			}
			return w.fail(s.errorAt(0, "expected a JSON object or array, got %s", s.describe(0)))
		}
		if !ok {
			return w.fail(s.endError(0, "the document"))
		}
		top := &w.stack[len(w.stack)-1]
		if !top.array {
			// The members of a container after its rows array.
			if c == '}' {
				s.consume(1)
				w.stack = w.stack[:len(w.stack)-1]
				continue
			}
			if c != ',' {
				return w.fail(s.errorAt(0, "expected ',' or '}' in object, got %s", s.describe(0)))
			}
			arr, end, err := w.members(1, false)
			if err != nil {
				return w.fail(err)
			}
			if arr >= 0 {
				s.consume(arr + 1)
				w.stack = append(w.stack, docFrame{array: true, first: true})
				continue
			}
			s.consume(end)
			w.stack = w.stack[:len(w.stack)-1]
			continue
		}
		if c == ']' {
			s.consume(1)
			w.stack = w.stack[:len(w.stack)-1]
			continue
		}
		if !top.first {
			if c != ',' {
				return w.fail(s.errorAt(0, "expected ',' or ']' in array, got %s", s.describe(0)))
			}
			s.consume(1)
			if c, ok = s.skipSpace(); !ok {
				return w.fail(s.endError(0, "the document"))
			}
		}
		top.first = false
		end, err := s.valueEnd(0)
		if err != nil {
			if tl, ok := err.(*errTooLong); ok {
				return nil, tl
			}
			return w.fail(err)
		}
		if c != '{' {
			line, col := s.position(0)
			s.consume(end)
			return nil, &errNotObject{line: line, col: col, kind: jsonscan.KindOf(c)}
		}
		return w.yield(end), nil
	}
}

// yield returns the element held at [0, end) and notes its position.
func (w *docWalker) yield(end int) []byte {
	s := w.s
	w.line, w.col = s.position(0)
	w.pending = end
	return s.buf[s.pos : s.pos+end]
}

func (w *docWalker) fail(err error) ([]byte, error) {
	w.failed = true
	return nil, err
}

// members walks object members from offset k (a key or the closing brace,
// after white space). When it meets a "records" or "Results" member (any
// case) whose value is an array, it returns the offset of that array;
// otherwise it returns -1 and the offset after the closing brace. With
// hold, it keeps everything it walks over (the object may be a row);
// without, it consumes each member as it goes, so offsets are from the
// stream's position when it returns.
func (w *docWalker) members(k int, hold bool) (arr, end int, err error) {
	s := w.s
	k = s.spaceAt(k)
	if s.ensure(k) && s.buf[s.pos+k] == '}' {
		return -1, k + 1, nil
	}
	for {
		if !s.ensure(k) {
			return -1, k, s.endError(k, "an object")
		}
		if s.buf[s.pos+k] != '"' {
			return -1, k, s.errorAt(k, "expected a member name, got %s", s.describe(k))
		}
		kend, err := s.valueEnd(k)
		if err != nil {
			return -1, kend, err
		}
		key := s.buf[s.pos+k+1 : s.pos+kend-1]
		isRows := strings.EqualFold(string(key), "records") || strings.EqualFold(string(key), "results")
		j := s.spaceAt(kend)
		if !s.ensure(j) || s.buf[s.pos+j] != ':' {
			return -1, j, s.errorAt(j, "expected ':' after member name, got %s", s.describe(j))
		}
		j = s.spaceAt(j + 1)
		if !s.ensure(j) {
			return -1, j, s.endError(j, "an object")
		}
		if isRows && s.buf[s.pos+j] == '[' {
			return j, 0, nil
		}
		vend, err := s.valueEnd(j)
		if err != nil {
			if _, ok := err.(*errTooLong); ok && !hold {
				vend = 0 // the value is consumed
			} else {
				return -1, vend, err
			}
		}
		if !hold {
			s.consume(vend)
			vend = 0
		}
		j = s.spaceAt(vend)
		if !s.ensure(j) {
			return -1, j, s.endError(j, "an object")
		}
		switch s.buf[s.pos+j] {
		case ',':
			k = s.spaceAt(j + 1)
		case '}':
			return -1, j + 1, nil
		default:
			return -1, j, s.errorAt(j, "expected ',' or '}' in object, got %s", s.describe(j))
		}
	}
}

// kindPhrase names a JSON value kind with its article, for messages.
func kindPhrase(k jsonscan.Kind) string {
	switch k {
	case jsonscan.Array:
		return "an array"
	case jsonscan.Object:
		return "an object"
	case jsonscan.String:
		return "a string"
	case jsonscan.Number:
		return "a number"
	}
	return k.String()
}
