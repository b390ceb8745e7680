package diag

import (
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Source is the text of a query and where it came from, for printing the
// positions of diagnostics about it. Lines and columns are 1-based;
// columns count characters; lines end at "\n".
//
// A Source is safe for concurrent use once made; its fields must not be
// changed after the first call of a method.
type Source struct {
	// Name is the file name shown before positions; empty for none.
	Name string
	Text string
	// Pos, when set, maps a byte offset of Text to the line and column
	// shown to the user, e.g. positions in the YAML file a query sits in.
	Pos func(off int) (line, col int)

	once      sync.Once
	lineStart []int
}

// NewSource returns a Source for text named name.
func NewSource(name, text string) *Source {
	return &Source{Name: name, Text: text}
}

// LineCol returns the 1-based line and column of byte offset off in the
// query text itself, ignoring Pos. Offsets outside the text are clamped to
// it.
func (s *Source) LineCol(off int) (line, col int) {
	s.once.Do(func() {
		s.lineStart = append(s.lineStart, 0)
		for i := 0; i < len(s.Text); i++ {
			if s.Text[i] == '\n' {
				s.lineStart = append(s.lineStart, i+1)
			}
		}
	})
	off = max(0, min(off, len(s.Text)))
	i := sort.Search(len(s.lineStart), func(i int) bool { return s.lineStart[i] > off }) - 1
	return i + 1, utf8.RuneCountInString(s.Text[s.lineStart[i]:off]) + 1
}

// Position returns the line and column shown to the user for offset off:
// Pos's when set, else LineCol's.
func (s *Source) Position(off int) (line, col int) {
	if s.Pos != nil {
		return s.Pos(off)
	}
	return s.LineCol(off)
}

// Line returns the text of the query line holding offset off, without its
// line ending.
func (s *Source) Line(off int) string {
	line, _ := s.LineCol(off)
	start := s.lineStart[line-1]
	end := strings.IndexByte(s.Text[start:], '\n')
	if end < 0 {
		end = len(s.Text)
	} else {
		end += start
	}
	return strings.TrimRight(s.Text[start:end], "\r")
}

// File is the text of a file that diagnostics point into by line and
// column: a rule file, an exclusions file, a detection test. Its lines and
// columns are those of go.yaml.in/yaml/v3, so that they agree with
// yaml.Node.Line and yaml.Node.Column: lines end at LF, CRLF, CR, NEL
// (U+0085), LS (U+2028) or PS (U+2029), columns count characters, and a
// UTF-8 byte order mark at the start takes no column.
//
// A File is safe for concurrent use; the caller must not modify Text.
type File struct {
	// Name is the file name shown before positions.
	Name string
	// Text is the file's content; nil when unknown (the file could not be
	// read), which leaves diagnostics without an excerpt.
	Text   []byte
	starts []int
}

// NewFile returns a File named name holding text.
func NewFile(name string, text []byte) *File {
	f := &File{Name: name, Text: text}
	if text != nil {
		f.starts = LineStarts(text)
	}
	return f
}

// Lines returns the number of lines of f, 0 when its text is unknown.
func (f *File) Lines() int { return len(f.starts) }

// LineStarts returns the byte offset at which each line of f starts.
// The caller must not modify the result.
func (f *File) LineStarts() []int { return f.starts }

// Position returns the 1-based line and character column of byte offset
// off of f.
func (f *File) Position(off int) (line, col int) {
	if f.starts == nil {
		return 0, 0
	}
	return Position(f.Text, f.starts, off)
}

// Offset returns the byte offset of 1-based line and column col of f, or
// -1 when the line does not exist.
func (f *File) Offset(line, col int) int {
	return Offset(f.Text, f.starts, line, col)
}

// Excerpt returns line number line of f and, under it, a caret at column
// col, as Diagnostic.Excerpt does. Without a column (col <= 0) only the
// line is returned; for a line out of range, "".
func (f *File) Excerpt(line, col int) string {
	if line < 1 || line > len(f.starts) {
		return ""
	}
	start := f.starts[line-1]
	return excerpt(string(f.Text[start:LineEnd(f.Text, start)]), col)
}

const bom = "\xef\xbb\xbf"

// LineBreak returns the length of the line break at text[i], or 0: 1 for
// LF and CR, 2 for CRLF and NEL, 3 for LS and PS.
func LineBreak(text []byte, i int) int {
	if i >= len(text) {
		return 0
	}
	switch c := text[i]; {
	case c == '\r':
		if i+1 < len(text) && text[i+1] == '\n' {
			return 2
		}
		return 1
	case c == '\n':
		return 1
	case c == 0xC2:
		if i+1 < len(text) && text[i+1] == 0x85 {
			return 2
		}
	case c == 0xE2:
		if i+2 < len(text) && text[i+1] == 0x80 && (text[i+2] == 0xA8 || text[i+2] == 0xA9) {
			return 3
		}
	}
	return 0
}

// LineStarts returns the byte offset at which each line of text starts,
// with the line breaks of File. A byte order mark is not part of line 1.
func LineStarts(text []byte) []int {
	first := 0
	if len(text) >= len(bom) && string(text[:len(bom)]) == bom {
		first = len(bom)
	}
	starts := []int{first}
	for i := first; i < len(text); {
		if n := LineBreak(text, i); n > 0 {
			i += n
			starts = append(starts, i)
			continue
		}
		i++
	}
	return starts
}

// LineEnd returns the offset of the line break (or end of text) of the
// line that holds offset start.
func LineEnd(text []byte, start int) int {
	for i := start; i < len(text); i++ {
		if LineBreak(text, i) > 0 {
			return i
		}
	}
	return len(text)
}

// isCont reports whether c is a UTF-8 continuation byte.
func isCont(c byte) bool { return c&0xC0 == 0x80 }

// Position returns the 1-based line and character column of byte offset
// off of text, whose LineStarts are starts. An offset inside a multi-byte
// character gives that character's column.
func Position(text []byte, starts []int, off int) (line, col int) {
	off = max(0, min(off, len(text)))
	i := sort.SearchInts(starts, off+1) - 1 // last start <= off
	if i < 0 {
		i = 0
	}
	col = 1
	for j := starts[i]; j < off; j++ {
		if !isCont(text[j]) {
			col++
		}
	}
	if off < len(text) && isCont(text[off]) {
		col--
	}
	return i + 1, max(col, 1)
}

// Offset returns the byte offset of 1-based line and character column col
// of text, whose LineStarts are starts, or -1 when the line does not
// exist. A column past the end of the line gives the line's end.
func Offset(text []byte, starts []int, line, col int) int {
	if line < 1 || line > len(starts) {
		return -1
	}
	i := starts[line-1]
	for n := 1; n < col && i < len(text) && LineBreak(text, i) == 0; n++ {
		i += RuneWidth(text[i])
		i = min(i, len(text))
	}
	return i
}

// RuneWidth returns the length of the UTF-8 sequence that c starts, as
// go.yaml.in/yaml/v3 computes it, but never 0.
func RuneWidth(c byte) int {
	switch {
	case c&0x80 == 0:
		return 1
	case c&0xE0 == 0xC0:
		return 2
	case c&0xF0 == 0xE0:
		return 3
	case c&0xF8 == 0xF0:
		return 4
	}
	return 1
}
