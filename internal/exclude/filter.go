package exclude

import (
	"regexp"
	"strconv"
	"strings"
)

// The filter syntax, for people who tune detections rather than write KQL:
//
//	filter  = or
//	or      = and { OR and }
//	and     = unary { AND unary }
//	unary   = NOT unary | "(" or ")" | compare
//	compare = FIELD op value
//	        | FIELD [NOT] IN "(" value { "," value } ")"
//	op      = "==" | "!=" | "<" | "<=" | ">" | ">=" |
//	          CONTAINS | STARTSWITH | ENDSWITH | MATCHES
//	value   = STRING | NUMBER | TRUE | FALSE
//
// NOT binds tighter than AND, which binds tighter than OR. Keywords are
// matched in any case. FIELD is a dotted name (process.parent.name). A
// STRING is quoted with " or ' and has no escapes, so that Windows paths
// read as written; the quote itself is written twice ("say ""hi"""). A
// NUMBER is an integer or a decimal, with an optional minus sign.

// expr is a node of a parsed filter. Offsets are bytes of the filter text.
type expr interface {
	pos() int
}

// logical is a AND b or a OR b.
type logical struct {
	or   bool
	x, y expr
	at   int // the operator
}

// negation is NOT x.
type negation struct {
	x  expr
	at int
}

// compare is a field compared with one value, or with a list for in.
type compare struct {
	field string // as written, lower-cased
	at    int    // the field's offset
	end   int    // just after the field
	op    string // ==, !=, <, <=, >, >=, contains, startswith, endswith, matches, in, !in
	opAt  int
	vals  []literal
}

// literalKind is the kind of a value in a filter.
type literalKind uint8

const (
	litString literalKind = iota
	litNumber
	litBool
)

// literal is a value in a filter.
type literal struct {
	kind literalKind
	text string // the string's value, or the number as written
	b    bool
	at   int
	re   *regexp.Regexp // for matches: the compiled pattern
}

func (x *logical) pos() int  { return x.at }
func (x *negation) pos() int { return x.at }
func (x *compare) pos() int  { return x.at }

// tokKind is the kind of a filter token.
type tokKind uint8

const (
	tokEOF  tokKind = iota
	tokWord         // a field name or keyword
	tokString
	tokNumber
	tokOp // == != < <= > >= and the stray = and !
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokKind
	text string // the source text; a string's value for tokString
	at   int
	end  int
}

// filterError is a problem at an offset of a filter's text.
type filterError struct {
	at  int
	msg string
}

func (e *filterError) Error() string { return e.msg }

// lex splits a filter into tokens.
func lex(src string) ([]token, *filterError) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{tokLParen, "(", i, i + 1})
			i++
		case c == ')':
			toks = append(toks, token{tokRParen, ")", i, i + 1})
			i++
		case c == ',':
			toks = append(toks, token{tokComma, ",", i, i + 1})
			i++
		case c == '"' || c == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(src) {
					return nil, &filterError{i, errUnterminated(c)}
				}
				if src[j] == c {
					if j+1 < len(src) && src[j+1] == c {
						b.WriteByte(c)
						j += 2
						continue
					}
					break
				}
				b.WriteByte(src[j])
				j++
			}
			toks = append(toks, token{tokString, b.String(), i, j + 1})
			i = j + 1
		case c == '=' || c == '!' || c == '<' || c == '>':
			j := i + 1
			if j < len(src) && src[j] == '=' {
				j++
			}
			toks = append(toks, token{tokOp, src[i:j], i, j})
			i = j
		case isDigit(c) || (c == '-' || c == '.') && i+1 < len(src) && isDigit(src[i+1]):
			j := i + 1
			for j < len(src) && (isDigit(src[j]) || src[j] == '.') {
				j++
			}
			toks = append(toks, token{tokNumber, src[i:j], i, j})
			i = j
		case isWordStart(c):
			j := i + 1
			for j < len(src) && (isWordStart(src[j]) || isDigit(src[j]) || src[j] == '.') {
				j++
			}
			toks = append(toks, token{tokWord, src[i:j], i, j})
			i = j
		default:
			r := []rune(src[i:])[0]
			return nil, &filterError{i, errCharacter(r)}
		}
	}
	return append(toks, token{tokEOF, "", len(src), len(src)}), nil
}

func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isWordStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// keywords are the words that are not field names, in lower case.
var keywords = map[string]bool{"and": true, "or": true, "not": true, "in": true, "contains": true,
	"startswith": true, "endswith": true, "matches": true, "true": true, "false": true}

// parser is a recursive-descent parser over the tokens of one filter.
type parser struct {
	toks []token
	i    int
}

// parseFilter parses the filter text src. It stops at the first error.
func parseFilter(src string) (x expr, err *filterError) {
	toks, lerr := lex(src)
	if lerr != nil {
		return nil, lerr
	}
	p := &parser{toks: toks}
	defer func() {
		if r := recover(); r != nil {
			fe, ok := r.(*filterError)
			if !ok {
				panic(r)
			}
			x, err = nil, fe
		}
	}()
	if p.tok().kind == tokEOF {
		return nil, &filterError{0, errEmptyFilter()}
	}
	x = p.or(0)
	if t := p.tok(); t.kind != tokEOF {
		p.fail(t, errAfterCondition(describe(t)))
	}
	return x, nil
}

func (p *parser) tok() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// word reports whether the current token is keyword kw.
func (p *parser) word(kw string) bool {
	t := p.tok()
	return t.kind == tokWord && strings.EqualFold(t.text, kw)
}

func (p *parser) fail(t token, msg string) {
	panic(&filterError{t.at, msg})
}

// maxDepth bounds nesting, so that hostile input is an error rather than
// a stack overflow.
const maxDepth = 1000

func (p *parser) or(depth int) expr {
	x := p.and(depth)
	for p.word("or") {
		at := p.next().at
		x = &logical{or: true, x: x, y: p.and(depth), at: at}
	}
	return x
}

func (p *parser) and(depth int) expr {
	x := p.unary(depth)
	for p.word("and") {
		at := p.next().at
		x = &logical{x: x, y: p.unary(depth), at: at}
	}
	return x
}

func (p *parser) unary(depth int) expr {
	t := p.tok()
	if depth > maxDepth {
		p.fail(t, errTooDeep())
	}
	switch {
	case p.word("not"):
		p.next()
		return &negation{x: p.unary(depth + 1), at: t.at}
	case t.kind == tokLParen:
		p.next()
		x := p.or(depth + 1)
		if c := p.tok(); c.kind != tokRParen {
			p.fail(c, errExpected("')' or a condition joined by AND or OR", describe(c)))
		}
		p.next()
		return x
	}
	return p.compare()
}

func (p *parser) compare() *compare {
	t := p.tok()
	if t.kind != tokWord || keywords[strings.ToLower(t.text)] {
		p.fail(t, errExpected("a field name", describe(t)))
	}
	p.next()
	c := &compare{field: strings.ToLower(t.text), at: t.at, end: t.end}
	op := p.tok()
	c.opAt = op.at
	switch {
	case op.kind == tokOp:
		switch op.text {
		case "==", "!=", "<", "<=", ">", ">=":
			c.op = op.text
		case "=":
			p.fail(op, errSingleEquals())
		default:
			p.fail(op, errExpected(operators+" after "+t.text, describe(op)))
		}
		p.next()
	case p.word("contains"), p.word("startswith"), p.word("endswith"), p.word("matches"):
		c.op = strings.ToLower(op.text)
		p.next()
	case p.word("in"):
		c.op = "in"
		p.next()
	case p.word("not"):
		p.next()
		if !p.word("in") {
			p.fail(p.tok(), errExpected("IN after NOT", describe(p.tok())))
		}
		p.next()
		c.op = "!in"
	default:
		p.fail(op, errExpected(operators+" after "+t.text, describe(op)))
	}
	if c.op == "in" || c.op == "!in" {
		if l := p.tok(); l.kind != tokLParen {
			p.fail(l, errExpected("'(' and a list of values", describe(l)))
		}
		p.next()
		for {
			c.vals = append(c.vals, p.value())
			sep := p.tok()
			if sep.kind == tokRParen {
				p.next()
				break
			}
			if sep.kind != tokComma {
				p.fail(sep, errExpected("',' or ')'", describe(sep)))
			}
			p.next()
		}
		return c
	}
	c.vals = []literal{p.value()}
	return c
}

// operators lists the comparison operators, for messages.
const operators = "==, !=, <, <=, >, >=, contains, startswith, endswith, matches or in"

func (p *parser) value() literal {
	t := p.tok()
	switch {
	case t.kind == tokString:
		p.next()
		return literal{kind: litString, text: t.text, at: t.at}
	case t.kind == tokNumber:
		if _, err := strconv.ParseFloat(t.text, 64); err != nil {
			p.fail(t, errNumber(t.text))
		}
		p.next()
		return literal{kind: litNumber, text: t.text, at: t.at}
	case p.word("true"), p.word("false"):
		p.next()
		return literal{kind: litBool, b: strings.EqualFold(t.text, "true"), text: strings.ToLower(t.text), at: t.at}
	case t.kind == tokWord && !keywords[strings.ToLower(t.text)]:
		p.fail(t, errUnquoted(t.text))
	}
	p.fail(t, errExpected("a value (a quoted string, a number, true or false)", describe(t)))
	return literal{}
}

// describe names a token for messages.
func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "the end of the filter"
	case tokString:
		return "string " + strconv.Quote(t.text)
	}
	return "'" + t.text + "'"
}

// walk calls fn for every comparison of x, in source order.
func walk(x expr, fn func(*compare)) {
	switch x := x.(type) {
	case *logical:
		walk(x.x, fn)
		walk(x.y, fn)
	case *negation:
		walk(x.x, fn)
	case *compare:
		fn(x)
	}
}
