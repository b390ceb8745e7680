package syntax

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// The lexer follows the token rules of Microsoft's Kusto parser, so that
// kqlhunt accepts and rejects the same texts: identifiers and numbers are
// ASCII, keywords are matched longest first and may contain punctuation
// (mv-expand, !contains, hint.strategy, matches regex), and typed literals
// such as datetime(...) are single tokens only when the parenthesis follows
// the type word directly.

// maxFixedLen is the length of the longest fixed-text token.
var maxFixedLen = func() int {
	n := 0
	for t := range fixedTokens {
		n = max(n, len(t))
	}
	return n
}()

// gooTypes are the type words that form a typed literal with raw text when
// followed directly by '(': long(5), datetime(2024-01-01), guid(...).
var gooTypes = map[string]bool{
	"long": true, "int64": true, "int": true, "int32": true, "real": true, "double": true,
	"decimal": true, "bool": true, "datetime": true, "date": true, "time": true,
	"timespan": true, "guid": true,
}

// timespanSuffixes are the units a timespan literal may end with.
var timespanSuffixes = []string{
	"m", "min", "minute", "minutes", "s", "sec", "second", "seconds", "d", "day", "days",
	"h", "hr", "hrs", "hour", "hours", "ms", "milli", "millis", "millisec", "millisecond",
	"milliseconds", "micro", "micros", "microsec", "microsecond", "microseconds", "nano",
	"nanos", "nanosec", "nanosecond", "nanoseconds", "tick", "ticks",
}

var boolWords = []string{"true", "True", "TRUE", "false", "False", "FALSE"}

// lexer turns query text into tokens. It never fails: bad input becomes a
// Bad token and a diagnostic.
type lexer struct {
	src   string
	pos   int
	diags Diagnostics
}

func (l *lexer) errorf(start, end int, format string, args ...any) {
	l.diags = append(l.diags, Diagnostic{Span: Span{Start: start, End: end}, Severity: Error, Msg: fmt.Sprintf(format, args...)})
}

// Lex returns every token of src, ending with EOF, and the lexical errors.
func Lex(src string) ([]Token, Diagnostics) {
	toks, diags, _ := lex(context.Background(), src)
	return toks, diags
}

// lex is Lex that stops with ctx.Err() when ctx is done, looking at it
// every ctxEvery tokens.
func lex(ctx context.Context, src string) ([]Token, Diagnostics, error) {
	l := &lexer{src: src}
	var toks []Token
	for {
		if ctx != nil && len(toks)%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, l.diags, err
			}
		}
		t := l.next()
		if t.Kind == EOF && len(toks) > 0 {
			// Place the end right after the last token, so that "expected
			// X, got end of query" points at the line the query ends on.
			end := toks[len(toks)-1].Span.End
			t.Span = Span{Start: end, End: end}
		}
		toks = append(toks, t)
		if t.Kind == EOF {
			return toks, l.diags, nil
		}
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isHexByte(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isIdentByte reports whether c may continue an identifier.
func isIdentByte(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }

// isIdentStart reports whether c may start an identifier.
func isIdentStart(c byte) bool { return isLetter(c) || c == '_' || c == '$' }

func (l *lexer) at(off int) byte {
	if p := l.pos + off; p >= 0 && p < len(l.src) {
		return l.src[p]
	}
	return 0
}

func byteAt(s string, i int) byte {
	if i >= 0 && i < len(s) {
		return s[i]
	}
	return 0
}

// whitespaceRunes are the characters other than ASCII space, tab, CR, LF
// and form feed that separate tokens.
var whitespaceRunes = map[rune]bool{
	0xa0: true, 0x1680: true, 0x180e: true, 0x2000: true, 0x2001: true, 0x2002: true,
	0x2003: true, 0x2004: true, 0x2005: true, 0x2006: true, 0x2007: true, 0x2008: true,
	0x2009: true, 0x200a: true, 0x200b: true, 0x202f: true, 0x205f: true, 0x3000: true,
	0xfeff: true,
}

// skipTrivia skips whitespace and // comments and reports whether it
// skipped anything.
func (l *lexer) skipTrivia() bool {
	start := l.pos
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			l.pos++
		case c == '/' && l.at(1) == '/':
			l.pos = lineEnd(l.src, l.pos)
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(l.src[l.pos:])
			if !whitespaceRunes[r] {
				return l.pos > start
			}
			l.pos += size
		default:
			return l.pos > start
		}
	}
	return l.pos > start
}

// lineEnd returns the offset of the next line break at or after i (or the
// end of s).
func lineEnd(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case '\n', '\r':
			return i
		case 0xe2: // U+2028, U+2029
			if strings.HasPrefix(s[i:], "\u2028") || strings.HasPrefix(s[i:], "\u2029") {
				return i
			}
		}
		i++
	}
	return i
}

func (l *lexer) next() Token {
	space := l.skipTrivia()
	t := l.scan()
	t.SpaceBefore = space
	return t
}

func (l *lexer) tok(kind Kind, start int) Token {
	return Token{Kind: kind, Span: Span{Start: start, End: l.pos}, Text: l.src[start:l.pos]}
}

func (l *lexer) scan() Token {
	start := l.pos
	if l.pos >= len(l.src) {
		return Token{Kind: EOF, Span: Span{Start: start, End: start}}
	}
	c := l.src[l.pos]
	if !isLetter(c) && !isDigit(c) {
		if k, n := punctuation(l.src, l.pos); n > 0 {
			l.pos += n
			return l.tok(k, start)
		}
		switch {
		case c == '\'' || c == '"' || c == '`' || c == '~':
			if t, ok := l.scanString(start); ok {
				return t
			}
		case c == '@' && isQuote(l.at(1)):
			if t, ok := l.scanString(start); ok {
				return t
			}
		case c == '#':
			l.pos = lineEnd(l.src, l.pos)
			return l.tok(TokDirective, start)
		}
	}
	// Keywords and the remaining fixed tokens, longest first.
	if text, ok := l.matchFixed(); ok {
		end := l.pos + len(text)
		if gooTypes[text] && byteAt(l.src, end) == '(' {
			return l.scanGoo(start, text)
		}
		if !isIdentByte(byteAt(l.src, end)) {
			l.pos = end
			t := l.tok(TokKeyword, start)
			if fixedTokens[text]&factKeyword == 0 {
				t.Kind = Bang // the only fixed punctuation not handled above
			}
			return t
		}
	}
	switch {
	case isIdentStart(c):
		for _, w := range boolWords {
			if strings.HasPrefix(l.src[l.pos:], w) && !isIdentByte(byteAt(l.src, l.pos+len(w))) {
				l.pos += len(w)
				return l.tok(TokBool, start)
			}
		}
		if n := rawGUIDLen(l.src, l.pos); n > 0 {
			l.pos += n
			return l.tok(TokRawGuid, start)
		}
		n := identLen(l.src, l.pos)
		if n == 1 && (c == 'h' || c == 'H') && (isQuote(l.at(1)) || l.at(1) == '@') {
			if t, ok := l.scanString(start); ok {
				return t
			}
		}
		l.pos += n
		return l.tok(TokIdent, start)
	case isDigit(c):
		// The first rule that matches wins, in Kusto's order.
		for _, r := range []struct {
			scan func(string, int) int
			kind Kind
		}{{rawGUIDLen, TokRawGuid}, {realLen, TokReal}, {timespanLen, TokTimespan}, {longLen, TokLong}, {identLen, TokIdent}} {
			if n := r.scan(l.src, l.pos); n > 0 {
				l.pos += n
				return l.tok(r.kind, start)
			}
		}
	}
	r, size := utf8.DecodeRuneInString(l.src[l.pos:])
	l.pos += size
	switch r {
	case '“', '”', '‘', '’':
		l.errorf(start, l.pos, "unexpected typographic quote '%c'; KQL strings use ' or \"", r)
	default:
		l.errorf(start, l.pos, "unexpected character '%s'", printable(r))
	}
	return l.tok(Bad, start)
}

func printable(r rune) string {
	if r < 0x20 || r == utf8.RuneError {
		return fmt.Sprintf("\\x%02x", r)
	}
	return string(r)
}

func isQuote(c byte) bool { return c == '\'' || c == '"' || c == '`' || c == '~' }

// punctuation returns the punctuation token at s[i], and its length.
func punctuation(s string, i int) (Kind, int) {
	c, c2 := s[i], byteAt(s, i+1)
	switch c {
	case '(':
		return LParen, 1
	case ')':
		return RParen, 1
	case '[':
		return LBrack, 1
	case ']':
		return RBrack, 1
	case '{':
		return LBrace, 1
	case '}':
		return RBrace, 1
	case '|':
		return Pipe, 1
	case '.':
		if c2 == '.' {
			return DotDot, 2
		}
		return Dot, 1
	case '+':
		return Plus, 1
	case '-':
		return Minus, 1
	case '*':
		return Star, 1
	case '/':
		return Slash, 1
	case '%':
		return Percent, 1
	case '<':
		switch c2 {
		case '=':
			return Le, 2
		case '|':
			return LtBar, 2
		case '>':
			return LtGt, 2
		}
		return Lt, 1
	case '>':
		if c2 == '=' {
			return Ge, 2
		}
		return Gt, 1
	case '=':
		switch c2 {
		case '=':
			return Eq, 2
		case '>':
			return Arrow, 2
		case '~':
			return EqTilde, 2
		}
		return Assign, 1
	case '!':
		switch c2 {
		case '=':
			return Neq, 2
		case '~':
			return NeqTilde, 2
		}
	case ':':
		return Colon, 1
	case ';':
		return Semi, 1
	case ',':
		return Comma, 1
	case '@':
		if !isQuote(c2) {
			return At, 1
		}
	case '?':
		return Question, 1
	}
	return 0, 0
}

// matchFixed returns the longest fixed-text token at the cursor.
func (l *lexer) matchFixed() (string, bool) {
	rest := l.src[l.pos:]
	for n := min(maxFixedLen, len(rest)); n > 0; n-- {
		if _, ok := fixedTokens[rest[:n]]; ok {
			return rest[:n], true
		}
	}
	return "", false
}

// scanGoo scans a typed literal type(raw text), which ends at ')' or, when
// unterminated, at the end of the line.
func (l *lexer) scanGoo(start int, typ string) Token {
	p := start + len(typ) + 1
	for p < len(l.src) && l.src[p] != ')' && l.src[p] != '\n' && l.src[p] != '\r' &&
		!strings.HasPrefix(l.src[p:], "\u2028") && !strings.HasPrefix(l.src[p:], "\u2029") {
		p++
	}
	if p < len(l.src) && l.src[p] == ')' {
		p++
	} else {
		l.errorf(start, p, "expected ')' to end the %s literal", typ)
	}
	l.pos = p
	t := l.tok(TokGoo, start)
	t.GooType = typ
	return t
}

// identLen returns the length of the identifier at s[i]: a letter, '_' or
// '$' then letters, digits and '_'; or digits followed by a letter or '_'
// and more of those.
func identLen(s string, i int) int {
	p := i
	switch c := byteAt(s, p); {
	case isIdentStart(c):
		p++
	case isDigit(c):
		for isDigit(byteAt(s, p)) {
			p++
		}
		if c := byteAt(s, p); !isLetter(c) && c != '_' {
			return 0
		}
	default:
		return 0
	}
	for isIdentByte(byteAt(s, p)) {
		p++
	}
	return p - i
}

func digitsLen(s string, i int) int {
	p := i
	for isDigit(byteAt(s, p)) {
		p++
	}
	return p - i
}

// longLen returns the length of a long literal (decimal or 0x hex) that
// is not followed by a name character.
func longLen(s string, i int) int {
	if byteAt(s, i) == '0' && (byteAt(s, i+1) == 'x' || byteAt(s, i+1) == 'X') {
		p := i + 2
		for isHexByte(byteAt(s, p)) {
			p++
		}
		if p > i+2 && !isIdentByte(byteAt(s, p)) {
			return p - i
		}
		return 0
	}
	n := digitsLen(s, i)
	if n > 0 && !isIdentByte(byteAt(s, i+n)) {
		return n
	}
	return 0
}

// exponentLen returns the length of an exponent (e+12) at s[i], or 0.
func exponentLen(s string, i int) int {
	if c := byteAt(s, i); c != 'e' && c != 'E' {
		return 0
	}
	p := i + 1
	if c := byteAt(s, p); c == '+' || c == '-' {
		p++
	}
	n := digitsLen(s, p)
	if n == 0 {
		return 0
	}
	return p + n - i
}

// realLen returns the length of a real literal: digits '.' [digits]
// [exponent], or digits exponent; not followed by a name character. A '.'
// followed by another '.' belongs to a range (1..2).
func realLen(s string, i int) int {
	p := i + digitsLen(s, i)
	if p == i {
		return 0
	}
	if byteAt(s, p) == '.' && (byteAt(s, p+1) != '.' || byteAt(s, p+2) == '.') {
		p++
		p += digitsLen(s, p)
		p += exponentLen(s, p)
	} else {
		e := exponentLen(s, p)
		if e == 0 {
			return 0
		}
		p += e
	}
	if isIdentByte(byteAt(s, p)) {
		return 0
	}
	return p - i
}

// timespanLen returns the length of a timespan literal: a number with an
// optional fraction and a unit suffix, not followed by a name character.
func timespanLen(s string, i int) int {
	p := i + digitsLen(s, i)
	if p == i {
		return 0
	}
	if byteAt(s, p) == '.' {
		p++
		p += digitsLen(s, p)
	}
	best := 0
	for _, suf := range timespanSuffixes {
		if len(suf) > best && strings.HasPrefix(s[p:], suf) {
			best = len(suf)
		}
	}
	if best == 0 || isIdentByte(byteAt(s, p+best)) {
		return 0
	}
	return p + best - i
}

// rawGUIDLen returns 36 when an unquoted 8-4-4-4-12 GUID starts at s[i]
// and at least one character follows it, else 0.
func rawGUIDLen(s string, i int) int {
	if i+35 >= len(s) {
		return 0
	}
	for k := 0; k < 36; k++ {
		c := s[i+k]
		if k == 8 || k == 13 || k == 18 || k == 23 {
			if c != '-' {
				return 0
			}
		} else if !isHexByte(c) {
			return 0
		}
	}
	return 36
}

// scanString scans a string literal at start (after an optional h or H):
// '...' or "..." with escapes, @'...' or @"..." verbatim, or a multi-line
// ```...``` or ~~~...~~~. ok is false when no literal starts here.
func (l *lexer) scanString(start int) (Token, bool) {
	p := start
	obfuscated := false
	if c := byteAt(l.src, p); c == 'h' || c == 'H' {
		obfuscated = true
		p++
	}
	verbatim := false
	if byteAt(l.src, p) == '@' {
		verbatim = true
		p++
	}
	var value strings.Builder
	quote := byteAt(l.src, p)
	switch {
	case quote == '\'' || quote == '"':
		p++
		for p < len(l.src) {
			c := l.src[p]
			if c == quote && verbatim && byteAt(l.src, p+1) == quote {
				value.WriteByte(quote)
				p += 2
				continue
			}
			if c == '\\' && !verbatim {
				n, ok := decodeEscape(l.src, p, &value)
				if !ok {
					break
				}
				p += n
				continue
			}
			if c == quote || c == '\n' || c == '\r' {
				break
			}
			value.WriteByte(c)
			p++
		}
		if byteAt(l.src, p) == quote {
			p++
		} else {
			l.errorf(start, p, "unterminated string literal: expected %c", quote)
		}
	case strings.HasPrefix(l.src[p:], "```") || strings.HasPrefix(l.src[p:], "~~~"):
		delim := l.src[p : p+3]
		p += 3
		end := strings.Index(l.src[p:], delim)
		if end < 0 {
			value.WriteString(l.src[p:])
			p = len(l.src)
			l.errorf(start, p, "unterminated multi-line string literal: expected %s", delim)
		} else {
			value.WriteString(l.src[p : p+end])
			p += end + 3
		}
		verbatim = true
	default:
		return Token{}, false
	}
	l.pos = p
	t := l.tok(TokString, start)
	t.Value, t.Verbatim, t.Obfuscated = value.String(), verbatim, obfuscated
	return t, true
}

// decodeEscape decodes the escape sequence at s[i] == '\\' into b and
// returns its length; ok is false for an invalid escape.
func decodeEscape(s string, i int, b *strings.Builder) (int, bool) {
	c := byteAt(s, i+1)
	simple := map[byte]byte{'\\': '\\', '\'': '\'', '"': '"', 'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}
	if v, ok := simple[c]; ok {
		b.WriteByte(v)
		return 2, true
	}
	hex := func(n int) (rune, bool) {
		if i+2+n > len(s) {
			return 0, false
		}
		var r rune
		for k := 0; k < n; k++ {
			h := s[i+2+k]
			if !isHexByte(h) {
				return 0, false
			}
			r = r<<4 | rune(hexValue(h))
		}
		return r, true
	}
	switch c {
	case 'u':
		if r, ok := hex(4); ok {
			b.WriteRune(r)
			return 6, true
		}
		return 0, false
	case 'U':
		if r, ok := hex(8); ok {
			b.WriteRune(r)
			return 10, true
		}
		return 0, false
	case 'x':
		if r, ok := hex(2); ok {
			b.WriteRune(r)
			return 4, true
		}
		return 0, false
	}
	// Octal: one to three digits, three only when the first is 0-3.
	d1, d2, d3 := byteAt(s, i+1), byteAt(s, i+2), byteAt(s, i+3)
	oct := func(c byte) bool { return c >= '0' && c <= '7' }
	switch {
	case !oct(d1):
		return 0, false
	case !oct(d2):
		b.WriteRune(rune(d1 - '0'))
		return 2, true
	case oct(d3) && d1 <= '3':
		b.WriteRune(rune(d1-'0')<<6 | rune(d2-'0')<<3 | rune(d3-'0'))
		return 4, true
	}
	b.WriteRune(rune(d1-'0')<<3 | rune(d2-'0'))
	return 3, true
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
