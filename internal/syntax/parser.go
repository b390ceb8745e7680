package syntax

import (
	"fmt"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

var timespanUnit = value.TimespanUnit

// Parse parses a query. It returns the tree it could build (never nil) and
// every error found, sorted; a panic inside the parser is recovered and
// reported as an internal error rather than escaping.
func Parse(src string) (q *Query, diags Diagnostics) {
	p := &parser{src: src, toks: []Token{{Kind: EOF}}}
	defer func() {
		if r := recover(); r != nil {
			q = &Query{Src: Span{0, len(src)}}
			diags = p.recovered(r)
		}
	}()
	p.toks, p.diags = Lex(src)
	q = p.parseQuery()
	return q, p.diags.Sort(NewSource("", src))
}

// ParseExpr parses a single scalar expression, as found in rule exclusions
// and other places that embed KQL.
func ParseExpr(src string) (x Expr, diags Diagnostics) {
	p := &parser{src: src, toks: []Token{{Kind: EOF}}}
	defer func() {
		if r := recover(); r != nil {
			x = &BadExpr{Src: Span{0, len(src)}}
			diags = p.recovered(r)
		}
	}()
	p.toks, p.diags = Lex(src)
	x = p.parseExpr()
	if p.tok().Kind != EOF {
		p.errorf(p.tok().Span, "expected end of expression, got %s", p.describe(p.tok()))
	}
	return x, p.diags.Sort(NewSource("", src))
}

// recovered turns a panic caught at the package boundary into a
// diagnostic: the nesting-depth bailout already reported itself, anything
// else is a bug reported as an internal error.
func (p *parser) recovered(r any) Diagnostics {
	if _, ok := r.(bailout); !ok {
		p.errorf(p.tok().Span, "internal error: parser panic: %v", r)
	}
	return p.diags.Sort(NewSource("", p.src))
}

type parser struct {
	src   string
	toks  []Token
	i     int
	diags Diagnostics
	depth int
}

// maxDepth bounds the nesting of expressions, so that hostile input is an
// error rather than a stack overflow.
const maxDepth = 500

// bailout unwinds the parser when nesting is too deep.
type bailout struct{}

func (p *parser) tok() Token       { return p.toks[p.i] }
func (p *parser) peek(n int) Token { return p.toks[min(p.i+n, len(p.toks)-1)] }

func (p *parser) advance() Token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *parser) errorf(sp Span, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{Span: sp, Severity: Error, Msg: fmt.Sprintf(format, args...)})
}

// describe names a token for "expected X, got Y" messages.
func (p *parser) describe(t Token) string {
	switch t.Kind {
	case EOF:
		return "end of query"
	case TokIdent:
		return fmt.Sprintf("'%s'", t.Text)
	case TokString:
		return "string literal"
	case TokInt, TokReal, TokTimespan:
		return fmt.Sprintf("'%s'", p.src[t.Span.Start:t.Span.End])
	}
	text := p.src[t.Span.Start:t.Span.End]
	if len(text) > 20 {
		text = text[:20] + "…"
	}
	return fmt.Sprintf("'%s'", text)
}

// isWord reports whether the current token is the identifier w.
func (p *parser) isWord(w string) bool {
	t := p.tok()
	return t.Kind == TokIdent && !t.Bracketed && t.Text == w
}

func (p *parser) acceptWord(w string) (Span, bool) {
	if p.isWord(w) {
		return p.advance().Span, true
	}
	return Span{}, false
}

func (p *parser) expectWord(w string) Span {
	if sp, ok := p.acceptWord(w); ok {
		return sp
	}
	p.errorf(p.tok().Span, "expected '%s', got %s", w, p.describe(p.tok()))
	return Span{p.tok().Span.Start, p.tok().Span.Start}
}

func (p *parser) accept(k Kind) (Token, bool) {
	if p.tok().Kind == k {
		return p.advance(), true
	}
	return Token{}, false
}

func (p *parser) expect(k Kind) Token {
	if t, ok := p.accept(k); ok {
		return t
	}
	p.errorf(p.tok().Span, "expected %s, got %s", k, p.describe(p.tok()))
	return Token{Kind: k, Span: Span{p.tok().Span.Start, p.tok().Span.Start}}
}

// sync skips to the next '|' or ';' at the current nesting level (or the
// closing bracket of the enclosing one), to recover after an error.
func (p *parser) sync() {
	depth := 0
	for {
		switch p.tok().Kind {
		case EOF:
			return
		case LParen, LBrack, LBrace:
			depth++
		case RParen, RBrack, RBrace:
			if depth == 0 {
				return
			}
			depth--
		case Pipe, Semi:
			if depth == 0 {
				return
			}
		}
		p.advance()
	}
}

// ---- statements

func (p *parser) parseQuery() *Query {
	q := &Query{Src: Span{0, len(p.src)}}
	for {
		for p.tok().Kind == Semi {
			p.advance()
		}
		if p.tok().Kind == EOF {
			return q
		}
		start := p.i
		s := p.parseStmt()
		if s != nil {
			q.Stmts = append(q.Stmts, s)
		}
		switch p.tok().Kind {
		case Semi, EOF:
		default:
			p.errorf(p.tok().Span, "expected ';' or '|', got %s", p.describe(p.tok()))
			p.sync()
			if p.tok().Kind == Pipe || p.tok().Kind == RParen || p.tok().Kind == RBrack || p.tok().Kind == RBrace {
				p.advance()
				p.sync()
			}
			if p.i == start {
				p.advance()
			}
		}
	}
}

func (p *parser) parseStmt() Stmt {
	switch {
	case p.isWord("let"):
		return p.parseLet()
	case p.isWord("set") && p.peek(1).Kind == TokIdent:
		sp := p.advance().Span
		s := &SetStmt{Set: sp, Name: p.parseDottedName()}
		if _, ok := p.accept(Assign); ok {
			s.Value = p.parseExpr()
		}
		return s
	case p.isWord("declare") && p.peek(1).Kind == TokIdent && p.peek(1).Text == "query_parameters":
		sp := p.advance().Span
		p.advance()
		s := &DeclareStmt{Declare: sp}
		p.expect(LParen)
		s.Params = p.parseParams()
		s.End = p.expect(RParen).Span.End
		return s
	}
	return &ExprStmt{X: p.parsePipeExpr()}
}

// parseDottedName parses a name such as querytrace or a.b.c as one Ident.
func (p *parser) parseDottedName() *Ident {
	id := p.parseIdent()
	for p.tok().Kind == Dot && p.peek(1).Kind == TokIdent {
		p.advance()
		next := p.advance()
		id = &Ident{Name: id.Name + "." + next.Text, Src: Span{id.Src.Start, next.Span.End}}
	}
	return id
}

func (p *parser) parseLet() Stmt {
	let := p.advance().Span
	s := &LetStmt{Let: let, Name: p.parseIdent()}
	p.expect(Assign)
	if p.isFuncLit() {
		s.Value = p.parseFuncLit()
		return s
	}
	if p.isWord("view") && p.peek(1).Kind == LParen {
		p.advance()
		s.Value = p.parseFuncLit()
		return s
	}
	s.Value = p.parsePipeExpr()
	return s
}

// isFuncLit reports whether a function literal starts here: '(' then ')'
// '{', or '(' name ':'.
func (p *parser) isFuncLit() bool {
	if p.tok().Kind != LParen {
		return false
	}
	if p.peek(1).Kind == RParen && p.peek(2).Kind == LBrace {
		return true
	}
	return p.peek(1).Kind == TokIdent && p.peek(2).Kind == Colon
}

func (p *parser) parseFuncLit() Expr {
	open := p.expect(LParen)
	f := &FuncLit{Params: p.parseParams()}
	p.expect(RParen)
	p.expect(LBrace)
	for {
		for p.tok().Kind == Semi {
			p.advance()
		}
		if p.tok().Kind == RBrace || p.tok().Kind == EOF {
			break
		}
		start := p.i
		f.Body = append(f.Body, p.parseStmt())
		if p.tok().Kind != Semi && p.tok().Kind != RBrace {
			p.errorf(p.tok().Span, "expected ';' or '}', got %s", p.describe(p.tok()))
			p.sync()
			if p.i == start {
				p.advance()
			}
		}
	}
	end := p.expect(RBrace)
	f.Src = Span{open.Span.Start, end.Span.End}
	return f
}

// parseParams parses name:type[=default] or name:(*) or name:(c:t, ...)
// separated by commas, up to (not including) ')'.
func (p *parser) parseParams() []*Param {
	var params []*Param
	for p.tok().Kind != RParen && p.tok().Kind != EOF {
		prm := &Param{Name: p.parseIdent()}
		p.expect(Colon)
		if p.tok().Kind == LParen {
			p.advance()
			prm.Tabular = true
			if _, ok := p.accept(Star); !ok {
				prm.Columns = p.parseColumnDecls()
			}
			p.expect(RParen)
		} else {
			prm.Type = p.parseIdent()
		}
		if _, ok := p.accept(Assign); ok {
			prm.Default = p.parseExpr()
		}
		params = append(params, prm)
		if _, ok := p.accept(Comma); !ok {
			break
		}
	}
	return params
}

// parseColumnDecls parses name:type, ... up to ')'.
func (p *parser) parseColumnDecls() []*ColumnDecl {
	var cols []*ColumnDecl
	for p.tok().Kind != RParen && p.tok().Kind != EOF {
		c := &ColumnDecl{Name: p.parseIdent()}
		p.expect(Colon)
		c.Type = p.parseTypeName()
		cols = append(cols, c)
		if _, ok := p.accept(Comma); !ok {
			break
		}
	}
	return cols
}

// parseTypeName parses a type keyword. Some type names lex as typed
// literals' heads (datetime, timespan, guid, ...), so accept them from the
// identifier token only.
func (p *parser) parseTypeName() *Ident {
	t := p.tok()
	if t.Kind == TokIdent {
		p.advance()
		return &Ident{Name: t.Text, Src: t.Span}
	}
	p.errorf(t.Span, "expected a type name, got %s", p.describe(t))
	return &Ident{Src: Span{t.Span.Start, t.Span.Start}}
}

func (p *parser) parseIdent() *Ident {
	t := p.tok()
	switch t.Kind {
	case TokIdent:
		p.advance()
		return &Ident{Name: t.Text, Src: t.Span, Quoted: t.Bracketed}
	case LBrack:
		if p.peek(1).Kind == TokString && p.peek(2).Kind == RBrack {
			p.advance()
			name := p.advance()
			end := p.advance()
			return &Ident{Name: name.Text, Src: Span{t.Span.Start, end.Span.End}, Quoted: true}
		}
	case TokTyped:
		// A name that the lexer took for the head of a typed literal,
		// such as a column called "time" followed by a parenthesis, is
		// still a name in a name position.
	}
	p.errorf(t.Span, "expected a name, got %s", p.describe(t))
	return &Ident{Src: Span{t.Span.Start, t.Span.Start}}
}

// ---- expressions

// parsePipeExpr parses an expression followed by any number of
// '| operator' stages.
func (p *parser) parsePipeExpr() Expr {
	var x Expr
	if p.tok().Kind == Pipe {
		// A query cannot start with '|'; report and parse the rest.
		p.errorf(p.tok().Span, "expected a table or expression before '|'")
		x = &BadExpr{Src: Span{p.tok().Span.Start, p.tok().Span.Start}}
	} else if p.isWord("print") && p.peek(1).Kind != LParen && p.peek(1).Kind != Assign {
		kw := p.advance().Span
		pr := &PrintExpr{Kw: kw, Cols: p.parseNamedList()}
		pr.End = kw.End
		if n := len(pr.Cols); n > 0 {
			pr.End = pr.Cols[n-1].Span().End
		}
		x = pr
	} else {
		x = p.parseExpr()
	}
	for p.tok().Kind == Pipe {
		pipe := p.advance().Span
		op := p.parseOperator()
		if op == nil {
			p.sync()
			continue
		}
		x = &PipeExpr{Source: x, Pipe: pipe, Op: op}
	}
	return x
}

// parseExpr parses a scalar-level expression (no pipes).
func (p *parser) parseExpr() Expr {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		p.errorf(p.tok().Span, "expression nested too deeply")
		panic(bailout{})
	}
	return p.parseOr()
}

func (p *parser) parseOr() Expr {
	x := p.parseAnd()
	for p.isWord("or") {
		op := p.advance().Span
		x = &BinaryExpr{Op: "or", OpPos: op, X: x, Y: p.parseAnd()}
	}
	return x
}

func (p *parser) parseAnd() Expr {
	x := p.parseRel()
	for p.isWord("and") {
		op := p.advance().Span
		x = &BinaryExpr{Op: "and", OpPos: op, X: x, Y: p.parseRel()}
	}
	return x
}

// stringOps are the word operators at the relational level.
var stringOps = map[string]bool{
	"has": true, "has_cs": true, "hasprefix": true, "hasprefix_cs": true,
	"hassuffix": true, "hassuffix_cs": true, "contains": true, "contains_cs": true,
	"containscs": true, "notcontains": true, "notcontainscs": true,
	"startswith": true, "startswith_cs": true, "endswith": true, "endswith_cs": true,
	"like": true, "notlike": true, "likecs": true, "notlikecs": true,
}

var listOps = map[string]bool{
	"in": true, "!in": true, "in~": true, "!in~": true,
	"has_any": true, "has_all": true, "!has_any": true, "!has_all": true,
}

var symbolOps = map[Kind]string{
	Eq: "==", Neq: "!=", Lt: "<", Gt: ">", Le: "<=", Ge: ">=", EqTilde: "=~", NeqTilde: "!~",
}

// relOp returns the relational operator at the current token, if any.
func (p *parser) relOp() (string, bool) {
	t := p.tok()
	switch t.Kind {
	case TokIdent:
		if t.Bracketed {
			return "", false
		}
		if stringOps[t.Text] || listOps[t.Text] || t.Text == "between" {
			return t.Text, true
		}
		if t.Text == "matches" && p.peek(1).Kind == TokIdent && p.peek(1).Text == "regex" {
			return "matches regex", true
		}
	case NegWord:
		return t.Text, true
	case InTilde:
		return "in~", true
	case NegInTilde:
		return "!in~", true
	default:
		if op, ok := symbolOps[t.Kind]; ok {
			return op, true
		}
	}
	return "", false
}

// parseRel parses one relational comparison. KQL's relational operators
// do not chain: a == b == c is an error.
func (p *parser) parseRel() Expr {
	x := p.parseAdd()
	op, ok := p.relOp()
	if !ok {
		return x
	}
	opTok := p.advance()
	opSpan := opTok.Span
	if op == "matches regex" {
		opSpan.End = p.advance().Span.End
	}
	var out Expr
	switch {
	case op == "between" || op == "!between":
		out = p.parseBetween(x, op, opSpan)
	case listOps[op]:
		out = p.parseIn(x, op, opSpan)
	default:
		out = &BinaryExpr{Op: op, OpPos: opSpan, X: x, Y: p.parseAdd()}
	}
	if op2, ok := p.relOp(); ok {
		p.errorf(p.tok().Span, "unexpected '%s' after a comparison; add parentheses", op2)
		p.advance()
		p.parseAdd()
	}
	return out
}

func (p *parser) parseBetween(x Expr, op string, opSpan Span) Expr {
	b := &BetweenExpr{Not: op == "!between", OpPos: opSpan, X: x}
	p.expect(LParen)
	b.Lo = p.parseExpr()
	p.expect(DotDot)
	b.Hi = p.parseExpr()
	b.End = p.expect(RParen).Span.End
	return b
}

func (p *parser) parseIn(x Expr, op string, opSpan Span) Expr {
	in := &InExpr{Op: op, OpPos: opSpan, X: x}
	if p.tok().Kind != LParen {
		// x has_any list_variable, x in dynamic([...]): one operand.
		y := p.parseAdd()
		in.List = []Expr{y}
		in.End = y.Span().End
		return in
	}
	p.advance()
	if p.tok().Kind == RParen {
		p.errorf(p.tok().Span, "expected an expression, got ')'")
	}
	for p.tok().Kind != RParen && p.tok().Kind != EOF {
		in.List = append(in.List, p.parsePipeExpr())
		if _, ok := p.accept(Comma); !ok {
			break
		}
		if p.tok().Kind == RParen {
			p.errorf(p.tok().Span, "expected an expression after ',', got ')'")
		}
	}
	in.End = p.expect(RParen).Span.End
	return in
}

func (p *parser) parseAdd() Expr {
	x := p.parseMul()
	for {
		var op string
		switch p.tok().Kind {
		case Plus:
			op = "+"
		case Minus:
			op = "-"
		default:
			return x
		}
		sp := p.advance().Span
		x = &BinaryExpr{Op: op, OpPos: sp, X: x, Y: p.parseMul()}
	}
}

func (p *parser) parseMul() Expr {
	x := p.parseUnary()
	for {
		var op string
		switch p.tok().Kind {
		case Star:
			op = "*"
		case Slash:
			op = "/"
		case Percent:
			op = "%"
		default:
			return x
		}
		sp := p.advance().Span
		x = &BinaryExpr{Op: op, OpPos: sp, X: x, Y: p.parseUnary()}
	}
}

func (p *parser) parseUnary() Expr {
	switch p.tok().Kind {
	case Minus, Plus:
		t := p.advance()
		if p.tok().Kind == Minus || p.tok().Kind == Plus {
			p.errorf(p.tok().Span, "expected an expression, got %s", p.describe(p.tok()))
		}
		return &UnaryExpr{Op: t.Text, OpPos: t.Span, X: p.parsePostfix()}
	}
	return p.parsePostfix()
}

func (p *parser) parsePostfix() Expr {
	x := p.parsePrimary()
	for {
		switch p.tok().Kind {
		case Dot:
			p.advance()
			t := p.tok()
			switch {
			case t.Kind == TokIdent:
				p.advance()
				x = &MemberExpr{X: x, Name: &Ident{Name: t.Text, Src: t.Span}}
			case t.Kind == LBrack:
				name := p.parseIdent()
				x = &MemberExpr{X: x, Name: name}
			case t.Kind == TokTyped:
				// x.time(...) cannot happen; x.datetime is a name.
				name := strings.SplitN(t.Text, "(", 2)[0]
				p.errorf(t.Span, "expected a name after '.', got %s", p.describe(t))
				p.advance()
				x = &MemberExpr{X: x, Name: &Ident{Name: name, Src: t.Span}}
			default:
				p.errorf(t.Span, "expected a name after '.', got %s", p.describe(t))
				return x
			}
		case LBrack:
			p.advance()
			idx := p.parseExpr()
			end := p.expect(RBrack)
			x = &IndexExpr{X: x, Index: idx, End: end.Span.End}
		default:
			return x
		}
	}
}

// typedLiteralKinds maps the type names that take a value in parentheses,
// such as long(5) or bool(null), to their literal kind.
var typedLiteralKinds = map[string]LitKind{
	"long": LitLong, "int": LitInt, "real": LitReal, "double": LitReal,
	"decimal": LitDecimal, "bool": LitBool, "boolean": LitBool,
}

func (p *parser) parsePrimary() Expr {
	t := p.tok()
	switch t.Kind {
	case TokInt:
		p.advance()
		return &Literal{Kind: LitLong, Text: t.Text, Src: t.Span}
	case TokReal:
		p.advance()
		return &Literal{Kind: LitReal, Text: t.Text, Src: t.Span}
	case TokTimespan:
		p.advance()
		return &Literal{Kind: LitTimespan, Text: t.Text, Src: t.Span}
	case TokString:
		return p.parseStrings()
	case TokTyped:
		p.advance()
		return p.typedLiteral(t)
	case LParen:
		p.advance()
		x := p.parsePipeExpr()
		end := p.expect(RParen)
		return &ParenExpr{X: x, Src: Span{t.Span.Start, end.Span.End}}
	case LBrack:
		if p.peek(1).Kind == TokString && p.peek(2).Kind == RBrack {
			return p.parseIdent()
		}
	case Star:
		p.advance()
		return &StarExpr{Src: t.Span}
	case TokIdent:
		return p.parseIdentExpr()
	}
	p.errorf(t.Span, "expected an expression, got %s", p.describe(t))
	if t.Kind != EOF && t.Kind != Pipe && t.Kind != Semi && t.Kind != RParen && t.Kind != Comma && t.Kind != RBrack && t.Kind != RBrace {
		p.advance()
	}
	return &BadExpr{Src: Span{t.Span.Start, t.Span.Start}}
}

// parseStrings parses one string literal or several adjacent ones, which
// KQL joins into one.
func (p *parser) parseStrings() Expr {
	first := p.advance()
	lit := &Literal{Kind: LitString, Text: first.Text, Src: first.Span, Obfuscated: first.Obfuscated}
	for p.tok().Kind == TokString {
		t := p.advance()
		lit.Text += t.Text
		lit.Src.End = t.Span.End
		lit.Obfuscated = lit.Obfuscated || t.Obfuscated
	}
	return lit
}

// typedLiteral turns a datetime(...), timespan(...) or guid(...) token into
// a literal, checking its text.
func (p *parser) typedLiteral(t Token) Expr {
	open := strings.IndexByte(t.Text, '(')
	head, raw := t.Text[:open], strings.TrimSpace(t.Text[open+1:len(t.Text)-1])
	lit := &Literal{Text: raw, Src: t.Span, Null: raw == "null"}
	switch head {
	case "datetime", "date":
		lit.Kind = LitDatetime
		if !lit.Null && raw != "" {
			if _, ok := value.ParseDatetime(raw); !ok {
				p.errorf(t.Span, "invalid datetime literal '%s'", raw)
			}
		}
	case "timespan", "time":
		lit.Kind = LitTimespan
		if !lit.Null {
			if _, ok := value.ParseTimespan(raw); !ok {
				p.errorf(t.Span, "invalid timespan literal '%s'", raw)
			}
		}
	case "guid":
		lit.Kind = LitGuid
		if !lit.Null {
			if _, ok := value.ParseGUID(raw); !ok {
				p.errorf(t.Span, "invalid guid literal '%s'", raw)
			}
		}
	}
	return lit
}

func (p *parser) parseIdentExpr() Expr {
	t := p.tok()
	next := p.peek(1)
	if !t.Bracketed {
		switch t.Text {
		case "true", "false", "True", "False", "TRUE", "FALSE":
			p.advance()
			return &Literal{Kind: LitBool, Text: strings.ToLower(t.Text), Src: t.Span}
		case "dynamic":
			if next.Kind == LParen {
				return p.parseDynamic()
			}
		case "datatable":
			if next.Kind == LParen {
				return p.parseDatatable()
			}
		}
		if kind, ok := typedLiteralKinds[t.Text]; ok && next.Kind == LParen {
			return p.parseTypedValue(kind)
		}
	}
	id := &Ident{Name: t.Text, Src: t.Span, Quoted: t.Bracketed}
	p.advance()
	if p.tok().Kind == LParen && !t.Bracketed {
		return p.parseCall(id)
	}
	return id
}

// parseTypedValue parses long(5), real(-1.5), bool(true), int(null), ...
func (p *parser) parseTypedValue(kind LitKind) Expr {
	head := p.advance()
	p.advance() // (
	lit := &Literal{Kind: kind}
	t := p.tok()
	sign := ""
	if t.Kind == Minus || t.Kind == Plus {
		sign = t.Text
		p.advance()
		t = p.tok()
	}
	switch {
	case t.Kind == TokIdent && t.Text == "null" && sign == "":
		lit.Null = true
		p.advance()
	case kind == LitBool && t.Kind == TokIdent && (strings.EqualFold(t.Text, "true") || strings.EqualFold(t.Text, "false")) && sign == "":
		lit.Text = strings.ToLower(t.Text)
		p.advance()
	case kind == LitBool && t.Kind == TokInt:
		lit.Text = map[bool]string{true: "true", false: "false"}[t.Text != "0"]
		p.advance()
	case kind != LitBool && (t.Kind == TokInt || t.Kind == TokReal):
		lit.Text = sign + t.Text
		p.advance()
	case kind == LitReal && t.Kind == TokIdent && (strings.EqualFold(t.Text, "nan") || strings.EqualFold(t.Text, "inf")):
		lit.Text = sign + strings.ToLower(t.Text)
		p.advance()
	default:
		p.errorf(t.Span, "expected a %s value, got %s", head.Text, p.describe(t))
	}
	end := p.expect(RParen)
	lit.Src = Span{head.Span.Start, end.Span.End}
	return lit
}

// parseDynamic parses dynamic(value), where value is JSON-like: arrays,
// property bags, scalar literals and null.
func (p *parser) parseDynamic() Expr {
	head := p.advance()
	p.advance() // (
	d := &DynamicLit{}
	if p.isWord("null") {
		p.advance()
	} else if p.tok().Kind != RParen {
		d.Value = p.parseDynamicValue()
	}
	end := p.expect(RParen)
	d.Src = Span{head.Span.Start, end.Span.End}
	return d
}

func (p *parser) parseDynamicValue() Expr {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		p.errorf(p.tok().Span, "dynamic literal nested too deeply")
		panic(bailout{})
	}
	t := p.tok()
	switch t.Kind {
	case LBrack:
		p.advance()
		arr := &DynamicArray{}
		for p.tok().Kind != RBrack && p.tok().Kind != EOF {
			arr.Elems = append(arr.Elems, p.parseDynamicValue())
			if _, ok := p.accept(Comma); !ok {
				break
			}
		}
		end := p.expect(RBrack)
		arr.Src = Span{t.Span.Start, end.Span.End}
		return arr
	case LBrace:
		p.advance()
		bag := &DynamicBag{}
		for p.tok().Kind != RBrace && p.tok().Kind != EOF {
			k := p.tok()
			if k.Kind != TokString {
				p.errorf(k.Span, "expected a property name string, got %s", p.describe(k))
				p.sync()
				break
			}
			p.advance()
			p.expect(Colon)
			bag.Keys = append(bag.Keys, &Literal{Kind: LitString, Text: k.Text, Src: k.Span})
			bag.Vals = append(bag.Vals, p.parseDynamicValue())
			if _, ok := p.accept(Comma); !ok {
				break
			}
		}
		end := p.expect(RBrace)
		bag.Src = Span{t.Span.Start, end.Span.End}
		return bag
	case TokIdent:
		if t.Text == "null" {
			p.advance()
			return &Literal{Kind: LitNull, Src: t.Span}
		}
	}
	x := p.parseUnary()
	if !isConstant(x) {
		p.errorf(x.Span(), "expected a constant in a dynamic literal")
	}
	return x
}

// isConstant reports whether x is a literal, optionally negated.
func isConstant(x Expr) bool {
	switch x := x.(type) {
	case *Literal, *DynamicLit:
		return true
	case *UnaryExpr:
		return isConstant(x.X)
	}
	return false
}

func (p *parser) parseDatatable() Expr {
	kw := p.advance().Span
	d := &DatatableExpr{Kw: kw}
	p.expect(LParen)
	d.Columns = p.parseColumnDecls()
	p.expect(RParen)
	p.expect(LBrack)
	for p.tok().Kind != RBrack && p.tok().Kind != EOF {
		d.Values = append(d.Values, p.parseExpr())
		if _, ok := p.accept(Comma); !ok {
			break
		}
	}
	d.End = p.expect(RBrack).Span.End
	return d
}

func (p *parser) parseCall(fun *Ident) Expr {
	p.advance() // (
	call := &CallExpr{Fun: fun}
	for p.tok().Kind != RParen && p.tok().Kind != EOF {
		call.Args = append(call.Args, p.parseArg())
		if _, ok := p.accept(Comma); !ok {
			break
		}
		if p.tok().Kind == RParen {
			p.errorf(p.tok().Span, "expected an argument after ',', got ')'")
		}
	}
	call.End = p.expect(RParen).Span.End
	return call
}

// parseArg parses a function argument: '*', name = value, or any
// expression including a tabular one.
func (p *parser) parseArg() Expr {
	if p.tok().Kind == Star && (p.peek(1).Kind == RParen || p.peek(1).Kind == Comma) {
		return &StarExpr{Src: p.advance().Span}
	}
	if p.tok().Kind == TokIdent && p.peek(1).Kind == Assign {
		name := p.parseIdent()
		p.advance()
		return &NamedExpr{Names: []*Ident{name}, X: p.parsePipeExpr()}
	}
	return p.parsePipeExpr()
}
