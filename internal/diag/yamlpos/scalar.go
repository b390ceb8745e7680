package yamlpos

import (
	"github.com/kqlhunt/kqlhunt/internal/diag"
	"sort"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// This file maps each byte of a decoded YAML scalar back to the byte of the
// file it came from, so that an error at an offset in a rule's query (or an
// exclusion's predicate) can be shown at the file's own line and column.
//
// yaml.v3 gives only where a scalar starts. The scalar's text is rebuilt
// here by a copy of the library's scanner functions
// (yaml_parser_scan_block_scalar, yaml_parser_scan_flow_scalar,
// yaml_parser_scan_plain_scalar in scannerc.go) that records, for every
// byte it emits, the file offset it was read from. The rebuilt text is
// compared with yaml.Node.Value; when they differ (an input those functions
// were not meant for, such as a scalar inside a flow mapping), the map falls
// back to pointing every offset at the scalar's start, and Map.Exact is
// false.
//
// Bytes that the scanner inserts rather than copies map to the source text
// that stands for them: a line break to the break, the space that folding
// puts between two lines to the first line's break, an escape sequence's
// result to its backslash.

// Map maps byte offsets in a decoded text (a YAML scalar's value, a
// Markdown code block's query) to byte offsets in the file it was read
// from. Its zero value maps every offset to the file's start.
type Map struct {
	// Segs are the pieces of the mapping, in order of Val.
	Segs []Seg
	// Start is the text's start in the file: the fallback position.
	Start int
	// Exact tells whether Segs were verified against the decoded text;
	// when false, FileOffset returns Start.
	Exact bool
}

// Seg says that decoded bytes from Val on come from file bytes from Src
// on, one for one, or, when Fixed, all from the single position Src.
type Seg struct {
	Val, Src int
	Fixed    bool
}

// FileOffset returns the file offset of decoded byte off of value, the
// decoded text, in src, the file's text. Offsets at or past the end of the
// value map just after its last byte.
func (m *Map) FileOffset(src []byte, value string, off int) int {
	if !m.Exact || len(m.Segs) == 0 {
		return m.Start
	}
	off = max(off, 0)
	if off >= len(value) {
		last := len(value) - 1
		p := m.FileOffset(src, value, last)
		if value[last] == '\n' || p >= len(src) || diag.LineBreak(src, p) > 0 {
			return p
		}
		return min(p+diag.RuneWidth(src[p]), len(src))
	}
	i := sort.Search(len(m.Segs), func(i int) bool { return m.Segs[i].Val > off }) - 1
	s := m.Segs[max(i, 0)]
	if s.Fixed {
		return s.Src
	}
	return s.Src + off - s.Val
}

// Scalar returns the position map of scalar node n of src, whose line
// starts (diag.LineStarts) are starts and whose enclosing block mapping is
// indented by indent columns (yaml.v3's parser.indent when it scans the
// scalar: the column of n's key, 0-based). The map is exact for block
// scalars (literal and folded, with any chomping and indentation
// indicator), plain scalars and single- and double-quoted scalars, over
// one or more lines; for a scalar it cannot follow (inside a flow
// mapping, say) every offset maps to the scalar's start.
func Scalar(src []byte, starts []int, n *yaml.Node, indent int) Map {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	start := diag.Offset(src, starts, n.Line, n.Column)
	m := Map{Start: max(start, 0)}
	if start < 0 || n.Kind != yaml.ScalarNode {
		return m
	}
	s := &scanner{src: src, pos: start}
	s.col = n.Column - 1
	s.skipProperties()
	var ok bool
	switch c := s.at(0); {
	case n.Style&yaml.LiteralStyle != 0 && c == '|':
		ok = s.blockScalar(true, indent)
	case n.Style&yaml.FoldedStyle != 0 && c == '>':
		ok = s.blockScalar(false, indent)
	case n.Style&yaml.SingleQuotedStyle != 0 && c == '\'':
		ok = s.flowScalar(true)
	case n.Style&yaml.DoubleQuotedStyle != 0 && c == '"':
		ok = s.flowScalar(false)
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle|yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) == 0:
		ok = s.plainScalar(indent)
	}
	if ok && string(s.val) == n.Value {
		m.Segs, m.Exact = s.segs, true
	}
	return m
}

// brk is a line break as the scanner keeps it: its normalized text ("\n",
// or LS or PS as they are) and where it is in the file.
type brk struct {
	text string
	at   int
}

// scanner walks the file from a scalar's start as yaml.v3's scanner does,
// keeping the character column, and builds the scalar's value with its
// position map.
type scanner struct {
	src  []byte
	pos  int
	col  int // 0-based character column, as yaml_mark_t.column
	val  []byte
	segs []Seg
}

func (s *scanner) at(i int) byte {
	if s.pos+i < len(s.src) {
		return s.src[s.pos+i]
	}
	return 0
}

func (s *scanner) isZ() bool             { return s.pos >= len(s.src) }
func (s *scanner) isBlankAt(i int) bool  { c := s.at(i); return c == ' ' || c == '\t' }
func (s *scanner) isBreakAt(i int) bool  { return diag.LineBreak(s.src, s.pos+i) > 0 }
func (s *scanner) isBreakZAt(i int) bool { return s.pos+i >= len(s.src) || s.isBreakAt(i) }
func (s *scanner) isBlankZAt(i int) bool { return s.isBlankAt(i) || s.isBreakZAt(i) }
func (s *scanner) isBlank() bool         { return s.isBlankAt(0) }
func (s *scanner) isBreak() bool         { return s.isBreakAt(0) }
func (s *scanner) isBreakZ() bool        { return s.isBreakZAt(0) }
func (s *scanner) isBlankZ() bool        { return s.isBlankZAt(0) }
func (s *scanner) emitBreaks(bs []brk) {
	for _, b := range bs {
		s.emitFixed(b.text, b.at)
	}
}

// skip moves past one character.
func (s *scanner) skip() {
	s.pos = min(s.pos+diag.RuneWidth(s.src[s.pos]), len(s.src))
	s.col++
}

// read copies one character into the value.
func (s *scanner) read() {
	from := s.pos
	s.skip()
	s.emitRange(from, s.pos)
}

// emitRange copies file bytes [from, to) into the value.
func (s *scanner) emitRange(from, to int) {
	if from >= to {
		return
	}
	if n := len(s.segs); n == 0 || s.segs[n-1].Fixed || s.segs[n-1].Src+len(s.val)-s.segs[n-1].Val != from {
		s.segs = append(s.segs, Seg{Val: len(s.val), Src: from})
	}
	s.val = append(s.val, s.src[from:to]...)
}

// emitFixed appends text that stands for the file position at.
func (s *scanner) emitFixed(text string, at int) {
	if text == "" {
		return
	}
	s.segs = append(s.segs, Seg{Val: len(s.val), Src: at, Fixed: true})
	s.val = append(s.val, text...)
}

// readLine consumes a line break and returns it normalized as read_line
// does, or a zero brk when there is none.
func (s *scanner) readLine() brk {
	n := diag.LineBreak(s.src, s.pos)
	if n == 0 {
		return brk{}
	}
	b := brk{text: "\n", at: s.pos}
	if n == 3 { // LS and PS are kept as they are
		b.text = string(s.src[s.pos : s.pos+3])
	}
	s.pos += n
	s.col = 0
	return b
}

// skipProperties moves past a tag and an anchor before the scalar.
func (s *scanner) skipProperties() {
	for c := s.at(0); c == '!' || c == '&'; c = s.at(0) {
		for !s.isBlankZ() {
			s.skip()
		}
		for s.isBlank() || s.isBreak() {
			if s.isBreak() {
				s.readLine()
			} else {
				s.skip()
			}
		}
	}
}

// blockScalar follows yaml_parser_scan_block_scalar: a literal (|) or
// folded (>) scalar with its header.
func (s *scanner) blockScalar(literal bool, parentIndent int) bool {
	s.skip() // '|' or '>'
	chomping, increment := 0, 0
	chomp := func() {
		if c := s.at(0); c == '+' || c == '-' {
			chomping = 1
			if c == '-' {
				chomping = -1
			}
			s.skip()
		}
	}
	digit := func() bool {
		if c := s.at(0); c >= '1' && c <= '9' {
			increment = int(c - '0')
			s.skip()
		} else if c == '0' {
			return false
		}
		return true
	}
	if c := s.at(0); c == '+' || c == '-' {
		chomp()
		if !digit() {
			return false
		}
	} else {
		if !digit() {
			return false
		}
		chomp()
	}
	for s.isBlank() {
		s.skip()
	}
	if s.at(0) == '#' {
		for !s.isBreakZ() {
			s.skip()
		}
	}
	if !s.isBreakZ() {
		return false
	}
	s.readLine()

	indent := 0
	if increment > 0 {
		indent = increment
		if parentIndent >= 0 {
			indent = parentIndent + increment
		}
	}
	var leading, trailing []brk
	if !s.blockBreaks(&indent, parentIndent, &trailing) {
		return false
	}
	leadingBlank := false
	for s.col == indent && !s.isZ() {
		trailingBlank := s.isBlank()
		if !literal && !leadingBlank && !trailingBlank && len(leading) > 0 && leading[0].text == "\n" {
			if len(trailing) == 0 {
				s.emitFixed(" ", leading[0].at)
			}
		} else {
			s.emitBreaks(leading)
		}
		leading = leading[:0]
		s.emitBreaks(trailing)
		trailing = trailing[:0]
		leadingBlank = s.isBlank()
		from := s.pos
		for !s.isBreakZ() {
			s.skip()
		}
		s.emitRange(from, s.pos)
		if b := s.readLine(); b.text != "" {
			leading = append(leading, b)
		}
		if !s.blockBreaks(&indent, parentIndent, &trailing) {
			return false
		}
	}
	if chomping != -1 {
		s.emitBreaks(leading)
	}
	if chomping == 1 {
		s.emitBreaks(trailing)
	}
	return true
}

// blockBreaks follows yaml_parser_scan_block_scalar_breaks: it eats
// indentation and empty lines, and sets the indentation when not yet known.
func (s *scanner) blockBreaks(indent *int, parentIndent int, breaks *[]brk) bool {
	maxIndent := 0
	for {
		for (*indent == 0 || s.col < *indent) && s.at(0) == ' ' {
			s.skip()
		}
		maxIndent = max(maxIndent, s.col)
		if (*indent == 0 || s.col < *indent) && s.at(0) == '\t' {
			return false
		}
		if !s.isBreak() {
			break
		}
		*breaks = append(*breaks, s.readLine())
	}
	if *indent == 0 {
		*indent = max(maxIndent, parentIndent+1, 1)
	}
	return true
}

// docIndicator reports whether a document marker (--- or ...) starts here.
func (s *scanner) docIndicator() bool {
	if s.col != 0 {
		return false
	}
	a, b, c := s.at(0), s.at(1), s.at(2)
	return (a == '-' && b == '-' && c == '-' || a == '.' && b == '.' && c == '.') && s.isBlankZAt(3)
}

// fold emits what stands between two lines of a flow or plain scalar.
func (s *scanner) fold(leading brk, trailing []brk) {
	if leading.text == "\n" {
		if len(trailing) == 0 {
			s.emitFixed(" ", leading.at)
		} else {
			s.emitBreaks(trailing)
		}
		return
	}
	s.emitFixed(leading.text, leading.at)
	s.emitBreaks(trailing)
}

// flowScalar follows yaml_parser_scan_flow_scalar: a single- or
// double-quoted scalar.
func (s *scanner) flowScalar(single bool) bool {
	s.skip() // the opening quote
	for {
		if s.docIndicator() || s.isZ() {
			return false
		}
		leadingBlanks := false
		for !s.isBlankZ() {
			c := s.at(0)
			switch {
			case single && c == '\'' && s.at(1) == '\'':
				s.emitFixed("'", s.pos)
				s.skip()
				s.skip()
				continue
			case single && c == '\'', !single && c == '"':
			case !single && c == '\\' && s.isBreakAt(1):
				s.skip()
				s.pos += diag.LineBreak(s.src, s.pos)
				s.col = 0
				leadingBlanks = true
			case !single && c == '\\':
				if !s.escape() {
					return false
				}
				continue
			default:
				s.read()
				continue
			}
			break
		}
		if c := s.at(0); single && c == '\'' || !single && c == '"' {
			break
		}
		var leading brk
		var trailing []brk
		wsFrom, wsTo := -1, -1
		for s.isBlank() || s.isBreak() {
			if s.isBlank() {
				if !leadingBlanks {
					if wsFrom < 0 {
						wsFrom = s.pos
					}
					s.skip()
					wsTo = s.pos
				} else {
					s.skip()
				}
				continue
			}
			if !leadingBlanks {
				wsFrom, wsTo = -1, -1
				leading = s.readLine()
				leadingBlanks = true
			} else {
				trailing = append(trailing, s.readLine())
			}
		}
		if leadingBlanks {
			s.fold(leading, trailing)
		} else if wsFrom >= 0 {
			s.emitRange(wsFrom, wsTo)
		}
	}
	s.skip() // the closing quote
	return true
}

// escape decodes one escape sequence of a double-quoted scalar.
func (s *scanner) escape() bool {
	at := s.pos
	var text string
	code := 0
	switch s.at(1) {
	case '0':
		text = "\x00"
	case 'a':
		text = "\a"
	case 'b':
		text = "\b"
	case 't', '\t':
		text = "\t"
	case 'n':
		text = "\n"
	case 'v':
		text = "\v"
	case 'f':
		text = "\f"
	case 'r':
		text = "\r"
	case 'e':
		text = "\x1b"
	case ' ':
		text = " "
	case '"':
		text = "\""
	case '\'':
		text = "'"
	case '\\':
		text = "\\"
	case 'N':
		text = "\u0085"
	case '_':
		text = "\u00a0"
	case 'L':
		text = "\u2028"
	case 'P':
		text = "\u2029"
	case 'x':
		code = 2
	case 'u':
		code = 4
	case 'U':
		code = 8
	default:
		return false
	}
	s.skip()
	s.skip()
	if code > 0 {
		v := rune(0)
		for k := 0; k < code; k++ {
			c := s.at(0)
			var d byte
			switch {
			case c >= '0' && c <= '9':
				d = c - '0'
			case c >= 'a' && c <= 'f':
				d = c - 'a' + 10
			case c >= 'A' && c <= 'F':
				d = c - 'A' + 10
			default:
				return false
			}
			v = v<<4 | rune(d)
			s.skip()
		}
		if v >= 0xD800 && v <= 0xDFFF || v > 0x10FFFF {
			return false
		}
		text = string(utf8.AppendRune(nil, v))
	}
	s.emitFixed(text, at)
	return true
}

// plainScalar follows yaml_parser_scan_plain_scalar in a block context
// whose indentation is parentIndent.
func (s *scanner) plainScalar(parentIndent int) bool {
	indent := parentIndent + 1
	var leading brk
	var trailing []brk
	leadingBlanks := false
	wsFrom, wsTo := -1, -1
	for {
		if s.docIndicator() || s.at(0) == '#' {
			break
		}
		for !s.isBlankZ() {
			if s.at(0) == ':' && s.isBlankZAt(1) {
				break
			}
			if leadingBlanks {
				s.fold(leading, trailing)
				leading, trailing, leadingBlanks = brk{}, trailing[:0], false
			} else if wsFrom >= 0 {
				s.emitRange(wsFrom, wsTo)
				wsFrom, wsTo = -1, -1
			}
			s.read()
		}
		if !(s.isBlank() || s.isBreak()) {
			break
		}
		for s.isBlank() || s.isBreak() {
			if s.isBlank() {
				if leadingBlanks && s.col < indent && s.at(0) == '\t' {
					return false
				}
				if !leadingBlanks {
					if wsFrom < 0 {
						wsFrom = s.pos
					}
					s.skip()
					wsTo = s.pos
				} else {
					s.skip()
				}
				continue
			}
			if !leadingBlanks {
				wsFrom, wsTo = -1, -1
				leading = s.readLine()
				leadingBlanks = true
			} else {
				trailing = append(trailing, s.readLine())
			}
		}
		if s.col < indent {
			break
		}
	}
	return true
}
