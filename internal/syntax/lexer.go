package syntax

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// negatable lists the words that form a single operator token when written
// right after '!': !has, !contains, !in, !between, ...
var negatable = map[string]bool{
	"has": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true,
	"hassuffix": true, "hassuffix_cs": true, "contains": true, "contains_cs": true,
	"startswith": true, "startswith_cs": true, "endswith": true, "endswith_cs": true,
	"in": true, "between": true, "has_any": true, "has_all": true,
}

// rawLiteralTypes are the type names whose literal form takes raw text in
// parentheses, such as datetime(2024-01-01 10:00) or guid(...).
var rawLiteralTypes = map[string]bool{
	"datetime": true, "date": true, "timespan": true, "time": true, "guid": true,
}

// lexer turns query text into tokens. It never fails: bad input becomes an
// Illegal token and a diagnostic.
type lexer struct {
	src   string
	pos   int
	diags Diagnostics
}

func (l *lexer) errorf(start, end int, format string, args ...any) {
	l.diags = append(l.diags, Diagnostic{Span: Span{start, end}, Severity: Error, Msg: fmt.Sprintf(format, args...)})
}

// Lex returns every token of src, ending with EOF, and the lexical errors.
func Lex(src string) ([]Token, Diagnostics) {
	l := &lexer{src: src}
	var toks []Token
	for {
		t := l.next()
		if t.Kind == EOF && len(toks) > 0 {
			// Place the end right after the last token, so that "expected
			// X, got end of query" points at the line the query ends on,
			// not at a trailing blank line.
			end := toks[len(toks)-1].Span.End
			t.Span = Span{end, end}
		}
		toks = append(toks, t)
		if t.Kind == EOF {
			return toks, l.diags
		}
	}
}

// skipSpace skips whitespace and // comments and reports whether it
// skipped anything.
func (l *lexer) skipSpace() bool {
	start := l.pos
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
		case c == '/' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '/':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case c >= utf8.RuneSelf:
			// Unicode spaces (no-break and narrow no-break spaces pasted
			// from documents) and zero-width marks separate tokens too.
			r, size := utf8.DecodeRuneInString(l.src[l.pos:])
			if !unicode.IsSpace(r) && r != '\ufeff' && r != '\u200b' {
				return l.pos > start
			}
			l.pos += size
		default:
			return l.pos > start
		}
	}
	return l.pos > start
}

func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentByte(c byte) bool { return isLetter(c) || isDigit(c) }

func (l *lexer) peekByte(off int) byte {
	if l.pos+off < len(l.src) {
		return l.src[l.pos+off]
	}
	return 0
}

func (l *lexer) next() Token {
	space := l.skipSpace()
	t := l.scan()
	t.SpaceBefore = space
	return t
}

func (l *lexer) tok(kind Kind, start int) Token {
	return Token{Kind: kind, Span: Span{start, l.pos}, Text: l.src[start:l.pos]}
}

func (l *lexer) scan() Token {
	start := l.pos
	if l.pos >= len(l.src) {
		return Token{Kind: EOF, Span: Span{start, start}}
	}
	c := l.src[l.pos]
	switch {
	case (c == 'h' || c == 'H') && (l.peekByte(1) == '\'' || l.peekByte(1) == '"' ||
		l.peekByte(1) == '@' && (l.peekByte(2) == '\'' || l.peekByte(2) == '"')):
		l.pos++
		t := l.scanString(start)
		t.Obfuscated = true
		return t
	case isLetter(c):
		return l.scanIdent(start)
	case isDigit(c):
		return l.scanNumber(start)
	case c == '\'' || c == '"':
		return l.scanString(start)
	case c == '@' && (l.peekByte(1) == '\'' || l.peekByte(1) == '"'):
		return l.scanString(start)
	case c == '`' && strings.HasPrefix(l.src[l.pos:], "```"):
		return l.scanMultiline(start)
	case c == '$' && isLetter(l.peekByte(1)):
		l.pos++
		for l.pos < len(l.src) && isIdentByte(l.src[l.pos]) {
			l.pos++
		}
		return l.tok(TokIdent, start)
	}
	l.pos++
	two := func(next byte, k2, k1 Kind) Token {
		if l.pos < len(l.src) && l.src[l.pos] == next {
			l.pos++
			return l.tok(k2, start)
		}
		return l.tok(k1, start)
	}
	switch c {
	case '|':
		return l.tok(Pipe, start)
	case '(':
		return l.tok(LParen, start)
	case ')':
		return l.tok(RParen, start)
	case '[':
		return l.tok(LBrack, start)
	case ']':
		return l.tok(RBrack, start)
	case '{':
		return l.tok(LBrace, start)
	case '}':
		return l.tok(RBrace, start)
	case ',':
		return l.tok(Comma, start)
	case ';':
		return l.tok(Semi, start)
	case ':':
		return l.tok(Colon, start)
	case '+':
		return l.tok(Plus, start)
	case '-':
		return l.tok(Minus, start)
	case '*':
		return l.tok(Star, start)
	case '/':
		return l.tok(Slash, start)
	case '%':
		return l.tok(Percent, start)
	case '~':
		return l.tok(Tilde, start)
	case '@':
		return l.tok(At, start)
	case '?':
		return l.tok(Question, start)
	case '#':
		return l.tok(Hash, start)
	case '.':
		return two('.', DotDot, Dot)
	case '<':
		if l.peekByte(0) == '>' {
			l.pos++
			return l.tok(Neq, start)
		}
		return two('=', Le, Lt)
	case '>':
		return two('=', Ge, Gt)
	case '=':
		switch l.peekByte(0) {
		case '=':
			l.pos++
			return l.tok(Eq, start)
		case '~':
			l.pos++
			return l.tok(EqTilde, start)
		case '>':
			l.pos++
			return l.tok(Arrow, start)
		}
		return l.tok(Assign, start)
	case '!':
		switch l.peekByte(0) {
		case '=':
			l.pos++
			return l.tok(Neq, start)
		case '~':
			l.pos++
			return l.tok(NeqTilde, start)
		}
		if isLetter(l.peekByte(0)) {
			end := l.pos
			for end < len(l.src) && isIdentByte(l.src[end]) {
				end++
			}
			word := l.src[l.pos:end]
			if negatable[strings.ToLower(word)] || negatable[word] {
				l.pos = end
				if word == "in" && l.peekByte(0) == '~' {
					l.pos++
					return l.tok(NegInTilde, start)
				}
				return l.tok(NegWord, start)
			}
		}
		return l.tok(Bang, start)
	}
	l.pos = start
	r, size := utf8.DecodeRuneInString(l.src[l.pos:])
	l.pos += size
	switch r {
	case '“', '”', '‘', '’':
		l.errorf(start, l.pos, "unexpected typographic quote %q; KQL strings use ' or \"", r)
	default:
		l.errorf(start, l.pos, "unexpected character %q", r)
	}
	return l.tok(Illegal, start)
}

func (l *lexer) scanIdent(start int) Token {
	for l.pos < len(l.src) && isIdentByte(l.src[l.pos]) {
		l.pos++
	}
	word := l.src[start:l.pos]
	if word == "in" && l.peekByte(0) == '~' {
		l.pos++
		return l.tok(InTilde, start)
	}
	if rawLiteralTypes[word] {
		// datetime(...), guid(...): the text up to ')' is the literal.
		p := l.pos
		for p < len(l.src) && (l.src[p] == ' ' || l.src[p] == '\t' || l.src[p] == '\n' || l.src[p] == '\r') {
			p++
		}
		if p < len(l.src) && l.src[p] == '(' {
			end := strings.IndexAny(l.src[p+1:], ")\n")
			if end >= 0 && l.src[p+1+end] == ')' {
				l.pos = p + 1 + end + 1
				return Token{Kind: TokTyped, Span: Span{start, l.pos}, Text: word + "(" + l.src[p+1:p+1+end] + ")"}
			}
		}
	}
	return l.tok(TokIdent, start)
}

// scanNumber scans 12, 0x1f, 1.5, 1e-3, and timespans such as 5d or 1.5h.
func (l *lexer) scanNumber(start int) Token {
	if l.src[l.pos] == '0' && (l.peekByte(1) == 'x' || l.peekByte(1) == 'X') {
		l.pos += 2
		for l.pos < len(l.src) && isHexByte(l.src[l.pos]) {
			l.pos++
		}
		return l.tok(TokInt, start)
	}
	kind := TokInt
	for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
		l.pos++
	}
	if l.peekByte(0) == '.' && isDigit(l.peekByte(1)) {
		kind = TokReal
		l.pos++
		for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.pos++
		}
	}
	if c := l.peekByte(0); c == 'e' || c == 'E' {
		p := l.pos + 1
		if p < len(l.src) && (l.src[p] == '+' || l.src[p] == '-') {
			p++
		}
		if p < len(l.src) && isDigit(l.src[p]) {
			for p < len(l.src) && isDigit(l.src[p]) {
				p++
			}
			if p >= len(l.src) || !isIdentByte(l.src[p]) {
				l.pos = p
				return l.tok(TokReal, start)
			}
		}
	}
	if l.pos < len(l.src) && isLetter(l.src[l.pos]) {
		end := l.pos
		for end < len(l.src) && isIdentByte(l.src[end]) {
			end++
		}
		if _, ok := timespanUnit(l.src[l.pos:end]); ok {
			l.pos = end
			return l.tok(TokTimespan, start)
		}
		l.pos = end
		l.errorf(start, end, "invalid number %q", l.src[start:end])
		return l.tok(Illegal, start)
	}
	return l.tok(kind, start)
}

func isHexByte(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// scanString scans a quoted string at l.pos (after any h prefix), with an
// optional @ for verbatim strings, and decodes it. Adjacent literals are
// joined by the parser.
func (l *lexer) scanString(start int) Token {
	verbatim := false
	if l.src[l.pos] == '@' {
		verbatim = true
		l.pos++
	}
	quote := l.src[l.pos]
	l.pos++
	var b strings.Builder
	for {
		if l.pos >= len(l.src) || l.src[l.pos] == '\n' {
			l.errorf(start, l.pos, "unterminated string literal")
			t := l.tok(TokString, start)
			t.Text, t.Verbatim = b.String(), verbatim
			return t
		}
		c := l.src[l.pos]
		if c == quote {
			if verbatim && l.peekByte(1) == quote { // @'it''s'
				b.WriteByte(quote)
				l.pos += 2
				continue
			}
			l.pos++
			break
		}
		if c == '\\' && !verbatim {
			l.pos++
			if l.pos >= len(l.src) {
				continue
			}
			e := l.src[l.pos]
			l.pos++
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'a':
				b.WriteByte('\a')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'v':
				b.WriteByte('\v')
			case '\\', '\'', '"', '`', '?':
				b.WriteByte(e)
			case 'u', 'x', 'U':
				n := map[byte]int{'u': 4, 'x': 2, 'U': 8}[e]
				if l.pos+n <= len(l.src) && isHexString(l.src[l.pos:l.pos+n]) {
					var r rune
					for _, h := range []byte(l.src[l.pos : l.pos+n]) {
						r = r<<4 | rune(hexValue(h))
					}
					b.WriteRune(r)
					l.pos += n
				} else {
					l.errorf(l.pos-2, l.pos, "invalid escape sequence \\%c", e)
				}
			default:
				l.errorf(l.pos-2, l.pos, "invalid escape sequence \\%c", e)
			}
			continue
		}
		b.WriteByte(c)
		l.pos++
	}
	t := l.tok(TokString, start)
	t.Text, t.Verbatim = b.String(), verbatim
	return t
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHexByte(s[i]) {
			return false
		}
	}
	return true
}

func hexValue(c byte) int {
	switch {
	case c <= '9':
		return int(c - '0')
	case c >= 'a':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// scanMultiline scans a ```multi-line``` string literal.
func (l *lexer) scanMultiline(start int) Token {
	l.pos += 3
	end := strings.Index(l.src[l.pos:], "```")
	if end < 0 {
		l.pos = len(l.src)
		l.errorf(start, l.pos, "unterminated multi-line string literal")
		t := l.tok(TokString, start)
		t.Text = l.src[start+3:]
		return t
	}
	text := l.src[l.pos : l.pos+end]
	l.pos += end + 3
	t := l.tok(TokString, start)
	t.Text, t.Verbatim = text, true
	return t
}
