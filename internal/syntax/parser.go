package syntax

import (
	"context"
	"fmt"
	"strings"
)

// The parser is handwritten recursive descent. Its grammar follows
// Microsoft's Kusto parser (Kusto.Language), whose verdicts kqlhunt is
// tested against on a corpus of public queries, so that the same texts are
// accepted and rejected. Like it, the parser does not stop at an error: it
// reports it, stands in a missing piece, and goes on, so that one query
// yields all of its errors.

// Parse parses a query. It returns the tree it could build (never nil) and
// every error found, sorted; a panic inside the parser is recovered and
// reported as an internal error rather than escaping.
func Parse(src string) (q *Query, diags Diagnostics) {
	return parse(context.Background(), src)
}

// ParseContext is Parse that stops when ctx is done: it checks ctx every
// few thousand tokens and returns ctx.Err() with what it parsed so far (a
// tree that must not be used). err is nil when the parse was not cut
// short, whatever the diagnostics.
func ParseContext(ctx context.Context, src string) (q *Query, diags Diagnostics, err error) {
	if err := ctx.Err(); err != nil {
		return &Query{Src: Span{Start: 0, End: len(src)}}, nil, err
	}
	q, diags = parse(ctx, src)
	return q, diags, ctx.Err()
}

func parse(ctx context.Context, src string) (q *Query, diags Diagnostics) {
	p := &parser{src: src, toks: []Token{{Kind: EOF}}, ctx: ctx}
	defer func() {
		if r := recover(); r != nil {
			q = &Query{Src: Span{Start: 0, End: len(src)}}
			diags = p.recovered(r)
		}
	}()
	toks, diags, err := lex(ctx, src)
	if err != nil {
		p.errorf(Span{Start: 0, End: 0}, "parsing stopped: %v", err)
		return &Query{Src: Span{Start: 0, End: len(src)}}, p.diags
	}
	p.toks, p.diags = toks, diags
	p.checkNesting()
	q = p.parseQuery()
	return q, p.diags.Sort(NewSource("", src))
}

// ParseExpr parses a single scalar expression, as found in rule exclusions
// and other places that embed KQL.
func ParseExpr(src string) (x Expr, diags Diagnostics) {
	p := &parser{src: src, toks: []Token{{Kind: EOF}}}
	defer func() {
		if r := recover(); r != nil {
			x = &BadExpr{Src: Span{Start: 0, End: len(src)}}
			diags = p.recovered(r)
		}
	}()
	p.toks, p.diags = Lex(src)
	p.checkNesting()
	x = p.parseUnnamed()
	if x == nil {
		x = p.missingExpr()
	}
	if p.tok().Kind != EOF {
		p.errorf(p.tok().Span, "unexpected %s after the expression", p.describe(p.tok()))
	}
	return x, p.diags.Sort(NewSource("", src))
}

type parser struct {
	src   string
	toks  []Token
	i     int
	diags Diagnostics
	depth int
	// ctx, when not nil, is looked at every ctxEvery tokens; next is the
	// token index of the next look.
	ctx  context.Context
	next int
}

// MaxNesting bounds the nesting of brackets in a query: parentheses,
// calls, subqueries, dynamic arrays and bags. Deeper input is an error
// rather than a stack overflow, here and in the packages that walk the
// tree after the parser. Public queries nest at most a few dozen levels.
const MaxNesting = 1000

// maxDepth bounds the recursion of the parser itself, a second guard
// behind MaxNesting (a bracket level costs the parser a few levels).
const maxDepth = 4 * MaxNesting

// ctxEvery is how many tokens the parser consumes between two looks at
// its context.
const ctxEvery = 4096

// errTooDeep is the message for input nested deeper than MaxNesting.
var errTooDeep = fmt.Sprintf("expression nested too deeply (more than %d levels)", MaxNesting)

// bailout unwinds the parser when nesting is too deep or the context is
// done.
type bailout struct{}

// recovered turns a panic caught at the package boundary into a
// diagnostic: a bailout already reported itself, anything else is a bug
// reported as an internal error.
func (p *parser) recovered(r any) Diagnostics {
	if _, ok := r.(bailout); !ok {
		p.errorf(p.tok().Span, "internal error: parser panic: %v", r)
	}
	return p.diags.Sort(NewSource("", p.src))
}

// checkNesting reports the first bracket that opens a level deeper than
// MaxNesting, and stops the parse there.
func (p *parser) checkNesting() {
	depth := 0
	for _, t := range p.toks {
		switch t.Kind {
		case LParen, LBrack, LBrace:
			depth++
			if depth > MaxNesting {
				p.errorf(t.Span, "%s", errTooDeep)
				panic(bailout{})
			}
		case RParen, RBrack, RBrace:
			depth = max(depth-1, 0)
		}
	}
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.errorf(p.tok().Span, "%s", errTooDeep)
		panic(bailout{})
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) tok() Token { return p.toks[p.i] }

func (p *parser) peek(n int) Token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) advance() Token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	if p.i >= p.next && p.ctx != nil {
		p.next = p.i + ctxEvery
		if err := p.ctx.Err(); err != nil {
			p.errorf(p.here(), "parsing stopped: %v", err)
			panic(bailout{})
		}
	}
	return t
}

func (p *parser) errorf(sp Span, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{Span: sp, Severity: Error, Msg: fmt.Sprintf(format, args...)})
}

// here is an empty span at the current token, where a missing piece would
// have been.
func (p *parser) here() Span {
	sp := p.tok().Span
	return Span{Start: sp.Start, End: sp.Start}
}

// describe names a token for "expected X, got Y" messages.
func (p *parser) describe(t Token) string {
	switch t.Kind {
	case EOF:
		return "end of query"
	case TokString:
		return "string literal"
	}
	text := t.Text
	if len(text) > 24 {
		text = text[:24] + "…"
	}
	return fmt.Sprintf("'%s'", text)
}

// expected reports that the current token is not what was expected.
func (p *parser) expected(what string) {
	t := p.tok()
	if t.Kind == TokKeyword && fixedTokens[t.Text]&factName == 0 && strings.Contains(what, "expression") {
		p.errorf(t.Span, "expected %s, got keyword '%s' (write ['%s'] to use it as a name)", what, t.Text, t.Text)
		return
	}
	p.errorf(t.Span, "expected %s, got %s", what, p.describe(t))
}

// isKw reports whether token t is keyword kw.
func isKw(t Token, kw string) bool { return t.Kind == TokKeyword && t.Text == kw }

func (p *parser) isKw(kw string) bool { return isKw(p.tok(), kw) }

func (p *parser) acceptKw(kw string) (Span, bool) {
	if p.isKw(kw) {
		return p.advance().Span, true
	}
	return Span{}, false
}

func (p *parser) requireKw(kw string) Span {
	if sp, ok := p.acceptKw(kw); ok {
		return sp
	}
	p.expected("'" + kw + "'")
	return p.here()
}

func (p *parser) accept(k Kind) (Token, bool) {
	if p.tok().Kind == k {
		return p.advance(), true
	}
	return Token{}, false
}

func (p *parser) require(k Kind) Token {
	if t, ok := p.accept(k); ok {
		return t
	}
	p.expected(k.String())
	return Token{Kind: k, Span: p.here()}
}

// missingExpr reports a missing expression and stands in for it.
func (p *parser) missingExpr() Expr {
	p.expected("an expression")
	return &BadExpr{Src: p.here()}
}

// matchText reports how many adjacent tokens, from offset off, spell text
// exactly (without spaces between them), or 0.
func (p *parser) matchText(off int, text string) int {
	n := 0
	for pos := 0; pos < len(text); n++ {
		t := p.peek(off + n)
		if t.Kind == EOF || n > 0 && t.SpaceBefore || !strings.HasPrefix(text[pos:], t.Text) || t.Text == "" {
			return 0
		}
		pos += len(t.Text)
	}
	return n
}

// acceptText consumes the adjacent tokens that spell text, if they are
// there.
func (p *parser) acceptText(text string) bool {
	n := p.matchText(0, text)
	for range n {
		p.advance()
	}
	return n > 0
}

// ---- list helpers

// listEnd reports whether the token at off ends any list: a closing
// bracket, '|', ';' or the end.
func (p *parser) listEnd(off int) bool {
	switch p.peek(off).Kind {
	case RParen, RBrack, RBrace, Pipe, Semi, EOF:
		return true
	}
	return false
}

// endOr returns a list-end test that also stops at the given keywords.
func (p *parser) endOr(kws ...string) func() bool {
	return func() bool {
		for _, kw := range kws {
			if p.isKw(kw) {
				return true
			}
		}
		return p.listEnd(0)
	}
}

// listOpts controls commaList.
type listOpts struct {
	what      string      // what an element is, for "expected X" (empty: a missing element is not reported)
	end       func() bool // where the list ends (nil: at the first element not followed by ',')
	oneOrMore bool
	trailing  bool // a trailing ',' is allowed
}

// commaList parses elements separated by commas, as Kusto's parser does:
// a missing element after ',' is an error unless trailing commas are
// allowed, and with an end test, two elements without a ',' between them
// are an error.
func commaList[T any](p *parser, parse func() (T, bool), o listOpts) []T {
	var out []T
	var elem T
	ok := false
	if o.end == nil || !o.end() {
		elem, ok = parse()
	}
	// A list that starts with ',' lacks its first element: report it and
	// go on with the others (nothing stands in for it, as a nil element
	// would be a trap for whoever reads the list).
	missing := false
	if !ok && p.tok().Kind == Comma && o.what != "" {
		p.expected(o.what)
		ok, missing = true, true
	}
	for ok {
		if !missing {
			out = append(out, elem)
		}
		missing = false
		switch {
		case p.tok().Kind == EOF || o.end != nil && o.end():
			ok = false
		case p.tok().Kind == Comma:
			p.advance()
			elem, ok = zero[T](), false
			if o.end == nil || !o.end() {
				elem, ok = parse()
			}
			if !ok && !o.trailing && o.what != "" {
				p.expected(o.what)
			}
		case o.end != nil:
			start := p.tok().Span
			elem, ok = parse()
			if ok {
				p.errorf(Span{Start: start.Start, End: start.Start}, "expected ',' between list elements")
			}
		default:
			ok = false
		}
	}
	if o.oneOrMore && len(out) == 0 && o.what != "" {
		p.expected(o.what)
	}
	return out
}

func zero[T any]() T {
	var z T
	return z
}

// exprs adapts an expression parser (nil for none) to commaList.
func exprs(parse func() Expr) func() (Expr, bool) {
	return func() (Expr, bool) {
		x := parse()
		return x, x != nil
	}
}

// ---- names

// canBeName reports whether t may be used as a name: an identifier, or a
// keyword that may double as one.
func canBeName(t Token) bool {
	return t.Kind == TokIdent || t.Kind == TokKeyword && fixedTokens[t.Text]&factName != 0
}

func isExtendedName(t Token) bool {
	return t.Kind == TokKeyword && fixedTokens[t.Text]&factExtName != 0
}

// scanStrings returns how many string literals follow from off.
func (p *parser) scanStrings(off int) int {
	n := 0
	for p.peek(off+n).Kind == TokString {
		n++
	}
	return n
}

// scanBracketedName returns the token length of ['name'] at off, or 0.
func (p *parser) scanBracketedName(off int) int {
	if p.peek(off).Kind != LBrack {
		return 0
	}
	n := p.scanStrings(off + 1)
	if n > 0 && p.peek(off+1+n).Kind == RBrack {
		return n + 2
	}
	return 0
}

// scanBracedName returns the token length of a client parameter {name}
// or {name[-1]} at off, written without spaces, or 0.
func (p *parser) scanBracedName(off int) int {
	if p.peek(off).Kind != LBrace {
		return 0
	}
	n := off + 1
	t := p.peek(n)
	if (t.Kind != TokIdent && t.Kind != TokKeyword) || t.SpaceBefore {
		return 0
	}
	n++
	if t := p.peek(n); t.Kind == LBrack && !t.SpaceBefore {
		n++
		if t := p.peek(n); t.Kind == Minus && !t.SpaceBefore {
			n++
		}
		if t := p.peek(n); t.Kind != TokLong || t.SpaceBefore {
			return 0
		}
		n++
		if t := p.peek(n); t.Kind != RBrack || t.SpaceBefore {
			return 0
		}
		n++
	}
	if t := p.peek(n); t.Kind != RBrace || t.SpaceBefore {
		return 0
	}
	return n + 1 - off
}

// scanName returns the token length of a name at off: an identifier, a
// keyword usable as a name, ['name'] or {name}; 0 when there is none.
func (p *parser) scanName(off int) int { return p.scanNameWith(off, canBeName) }

// scanExtendedName is scanName that also takes the keywords allowed as
// declared names.
func (p *parser) scanExtendedName(off int) int {
	if n := p.scanName(off); n > 0 {
		return n
	}
	if isExtendedName(p.peek(off)) {
		return 1
	}
	return 0
}

// scanRenameName scans the name of name = value: an identifier, a
// bracketed or braced name, or a keyword allowed as a declared name.
func (p *parser) scanRenameName(off int) int { return p.scanNameWith(off, isExtendedName) }

// scanNameWith scans a name whose keyword form word accepts.
func (p *parser) scanNameWith(off int, word func(Token) bool) int {
	t := p.peek(off)
	switch t.Kind {
	case TokIdent:
		return 1
	case LBrack:
		return p.scanBracketedName(off)
	case LBrace:
		if canBeName(p.peek(off+1)) && p.peek(off+2).Kind == RBrace {
			return 3
		}
		return 0
	}
	if word(t) {
		return 1
	}
	return 0
}

// parseBracketedName parses ['name'].
func (p *parser) parseBracketedName() *Ident {
	if p.scanBracketedName(0) == 0 {
		return nil
	}
	open := p.advance()
	var b strings.Builder
	for p.tok().Kind == TokString {
		b.WriteString(p.advance().Value)
	}
	close := p.require(RBrack)
	return &Ident{Name: b.String(), Src: Span{Start: open.Span.Start, End: close.Span.End}, Quoted: true}
}

// parseBracedName parses a client parameter {name}.
func (p *parser) parseBracedName() *Ident {
	n := p.scanBracedName(0)
	if n == 0 {
		return nil
	}
	id := p.joinTokens(n)
	id.Braced = true
	return id
}

// joinTokens consumes n tokens and returns them as one name.
func (p *parser) joinTokens(n int) *Ident {
	start := p.tok().Span.Start
	var b strings.Builder
	for range n {
		b.WriteString(p.advance().Text)
	}
	return &Ident{Name: b.String(), Src: Span{Start: start, End: p.toks[p.i-1].Span.End}}
}

func (p *parser) tokenName() *Ident {
	t := p.advance()
	return &Ident{Name: t.Text, Src: t.Span}
}

// parseName parses a name, or returns nil.
func (p *parser) parseName() *Ident {
	switch p.tok().Kind {
	case LBrack:
		return p.parseBracketedName()
	case LBrace:
		return p.parseBracedName()
	}
	if canBeName(p.tok()) {
		return p.tokenName()
	}
	return nil
}

// parseExtendedName is parseName that also takes the keywords allowed as
// declared names.
func (p *parser) parseExtendedName() *Ident {
	if id := p.parseName(); id != nil {
		return id
	}
	if isExtendedName(p.tok()) {
		return p.tokenName()
	}
	return nil
}

// requireName parses a name or reports it missing.
func (p *parser) requireName(extended bool) *Ident {
	var id *Ident
	if extended {
		id = p.parseExtendedName()
	} else {
		id = p.parseName()
	}
	if id == nil {
		p.expected("a name")
		return &Ident{Src: p.here()}
	}
	return id
}

// scanWildcardedName returns the token length of a name pattern with '*'
// (Init*, *Id, *, a*b) at off, or 0.
func (p *parser) scanWildcardedName(off int) int {
	start := off
	t := p.peek(off)
	switch {
	case t.Kind == Star:
		off++
	case (t.Kind == TokIdent || isExtendedName(t)) && p.peek(off+1).Kind == Star && !p.peek(off+1).SpaceBefore:
		off += 2
	default:
		return 0
	}
	for {
		t := p.peek(off)
		if (t.Kind == TokIdent || t.Kind == TokLong || t.Kind == Star || isExtendedName(t)) && !t.SpaceBefore {
			off++
			continue
		}
		break
	}
	return off - start
}

// parseWildcardedName parses a name pattern with '*'.
func (p *parser) parseWildcardedName() *Ident {
	n := p.scanWildcardedName(0)
	if n == 0 {
		return nil
	}
	id := p.joinTokens(n)
	id.Wildcard = true
	return id
}

// parseBracketedWildcardedName parses ['pattern*'] written as [name*].
func (p *parser) parseBracketedWildcardedName() *Ident {
	if p.tok().Kind != LBrack || p.scanWildcardedName(1) == 0 {
		return nil
	}
	open := p.advance()
	id := p.parseWildcardedName()
	close := p.require(RBrack)
	id.Src = Span{Start: open.Span.Start, End: close.Span.End}
	return id
}

// ---- statements

func (p *parser) parseQuery() *Query {
	q := &Query{Src: Span{Start: 0, End: len(p.src)}}
	for p.tok().Kind == TokDirective {
		p.advance()
	}
	for first := true; ; first = false {
		var st Stmt
		if first && p.tok().Kind == Dot {
			st = p.parseCommand()
		} else {
			st = p.parseStatement()
		}
		if st == nil {
			// An empty query, or a ';' after the last statement, is fine;
			// an empty statement between two ';' is not.
			if p.tok().Kind == EOF {
				return q
			}
			p.errorf(p.tok().Span, "expected a statement, got %s", p.describe(p.tok()))
		} else {
			q.Stmts = append(q.Stmts, st)
			switch t := p.tok(); {
			case t.Kind == EOF:
				return q
			case t.Kind == Semi:
				p.advance()
				continue
			case p.startsStatement():
				p.errorf(p.here(), "expected ';' between statements")
				continue
			default:
				p.errorf(t.Span, "expected ';' or '|', got %s", p.describe(t))
			}
		}
		// Nothing here continues the statement: skip to the next ';' and
		// go on with the statements after it, so that one run shows every
		// broken statement.
		p.skipStatement()
		p.accept(Semi)
	}
}

// parseCommand parses a control command (.show tables), which Kusto
// recognizes only as the first statement, optionally followed by query
// operators. kqlhunt does not run commands and does not check their
// arguments: the command is the text up to the first '|' or ';', as
// Microsoft's parser takes an unknown command.
func (p *parser) parseCommand() Stmt {
	dot := p.advance()
	end := dot.Span.End
	if k := p.tok().Kind; k == EOF || k == Semi {
		p.errorf(dot.Span, "expected a control command after '.'")
	}
	for k := p.tok().Kind; k != EOF && k != Semi && k != Pipe; k = p.tok().Kind {
		end = p.advance().Span.End
	}
	return &ExprStmt{X: p.parsePipes(&CommandExpr{Src: Span{Start: dot.Span.Start, End: end}})}
}

// startsStatement reports whether a statement can start at the current
// token.
func (p *parser) startsStatement() bool {
	save, n := p.i, len(p.diags)
	defer func() { p.i, p.diags = save, p.diags[:n] }()
	return p.parseStatement() != nil
}

// skipStatement skips tokens up to the next ';' outside brackets.
func (p *parser) skipStatement() {
	depth := 0
	for {
		switch p.tok().Kind {
		case EOF:
			return
		case LParen, LBrack, LBrace:
			depth++
		case RParen, RBrack, RBrace:
			depth = max(depth-1, 0)
		case Semi:
			if depth == 0 {
				return
			}
		}
		p.advance()
	}
}

// parseStatement parses one statement, or returns nil when none starts
// here.
func (p *parser) parseStatement() Stmt {
	t := p.tok()
	switch {
	case isKw(t, "alias") && isKw(p.peek(1), "database"):
		kw := p.advance().Span
		p.advance()
		p.requireName(false)
		p.require(Assign)
		x := p.parseUnnamed()
		if x == nil {
			x = p.missingExpr()
		}
		return &DeclareStmt{Declare: kw, Kind: "alias", End: x.Span().End}
	case isKw(t, "let") && p.scanName(1) > 0:
		return p.parseLet()
	case isKw(t, "declare") && isKw(p.peek(1), "query_parameters"):
		return p.parseQueryParameters()
	case isKw(t, "declare") && isKw(p.peek(1), "pattern"):
		return p.parsePatternStatement()
	case isKw(t, "restrict") && isKw(p.peek(1), "access"):
		return p.parseRestrict()
	case isKw(t, "set"):
		kw := p.advance().Span
		s := &SetStmt{Set: kw, Name: p.requireName(false)}
		if _, ok := p.accept(Assign); ok {
			s.Value = p.parseUnnamed()
			if s.Value == nil {
				s.Value = p.missingExpr()
			}
		}
		return s
	}
	if x := p.parseExpression(); x != nil {
		return &ExprStmt{X: x}
	}
	return nil
}

func (p *parser) parseLet() Stmt {
	let := p.advance().Span
	s := &LetStmt{Let: let, Name: p.requireName(false)}
	p.require(Assign)
	switch {
	case p.isKw("materialize"):
		s.Value = p.parseMaterialize()
	case p.isKw("entity_group"):
		s.Value = p.parseEntityGroup()
	case p.scanFuncLit():
		s.Value = p.parseFuncLit()
	default:
		s.Value = p.parseExpression()
		if s.Value == nil {
			s.Value = p.missingExpr()
		}
	}
	return s
}

func (p *parser) parseMaterialize() Expr {
	kw := p.advance().Span
	p.require(LParen)
	x := p.parseExpression()
	if x == nil {
		x = p.missingExpr()
	}
	end := p.require(RParen)
	return &MaterializeExpr{Kw: kw, X: x, End: end.Span.End}
}

// parseEntityGroup parses entity_group("name") or entity_group[refs].
func (p *parser) parseEntityGroup() Expr {
	if x := p.parseCall(); x != nil {
		return x
	}
	kw := p.advance()
	p.require(LBrack)
	commaList(p, exprs(p.parseUnnamed), listOpts{what: "an expression", end: func() bool { return p.listEnd(0) }, oneOrMore: true})
	end := p.require(RBrack)
	return &BadExpr{Src: Span{Start: kw.Span.Start, End: end.Span.End}}
}

// scanFuncLit reports whether a function declaration starts here:
// [view] ( ) or ( * or ( name :
func (p *parser) scanFuncLit() bool {
	off := 0
	if p.isKw("view") {
		off = 1
	}
	if p.peek(off).Kind != LParen {
		return false
	}
	switch p.peek(off + 1).Kind {
	case RParen, Star:
		return true
	}
	n := p.scanExtendedName(off + 1)
	return n > 0 && p.peek(off+1+n).Kind == Colon
}

func (p *parser) parseFuncLit() Expr {
	f := &FuncLit{Src: p.tok().Span}
	if _, ok := p.acceptKw("view"); ok {
		f.View = true
	}
	if _, ok := p.accept(LParen); ok {
		f.Params = p.parseParamList()
		p.require(RParen)
	} else {
		p.expected("'('")
	}
	if _, ok := p.accept(LBrace); ok {
		for !p.listEnd(0) {
			var st Stmt
			switch {
			case p.isKw("let"):
				st = p.parseLet()
			case p.isKw("declare") && isKw(p.peek(1), "query_parameters"):
				st = p.parseQueryParameters()
			}
			if st == nil {
				break
			}
			p.require(Semi)
			f.Body = append(f.Body, st)
		}
		if x := p.parseExpression(); x != nil {
			f.Body = append(f.Body, &ExprStmt{X: x})
		}
		p.accept(Semi)
		end := p.require(RBrace)
		f.Src.End = end.Span.End
	} else {
		p.expected("'{'")
	}
	f.Src.End = max(f.Src.End, p.toks[max(p.i-1, 0)].Span.End)
	return f
}

// parseParamList parses function parameters up to ')'.
func (p *parser) parseParamList() []*Param {
	return commaList(p, func() (*Param, bool) {
		prm := p.parseParam()
		return prm, prm != nil
	}, listOpts{what: "a parameter", end: func() bool { return p.listEnd(0) }})
}

// parseParam parses Name:Type [= default] or Name:(schema).
func (p *parser) parseParam() *Param {
	decl, tabular, cols := p.parseNameAndType()
	if decl == nil {
		return nil
	}
	prm := &Param{Name: decl.Name, Type: decl.Type, Tabular: tabular, Columns: cols}
	if tabular {
		prm.Type = nil
	}
	if _, ok := p.accept(Assign); ok {
		prm.Default = p.parseLiteral()
		if prm.Default == nil && canBeName(p.tok()) {
			prm.Default = p.tokenName()
		}
		if prm.Default == nil {
			prm.Default = p.missingExpr()
		}
	}
	return prm
}

// scalarTypes are the type words allowed in declarations; the others that
// Kusto knows (float, int16, ...) are rejected with a message.
var scalarTypes = map[string]bool{
	"bool": true, "boolean": true, "date": true, "datetime": true, "decimal": true, "double": true,
	"dynamic": true, "guid": true, "int": true, "int64": true, "int8": true, "long": true,
	"real": true, "string": true, "time": true, "timespan": true, "uniqueid": true,
}

var extendedTypes = map[string]bool{
	"float": true, "int16": true, "int32": true, "single": true, "uint": true, "uint16": true,
	"uint32": true, "uint64": true, "uint8": true, "ulong": true,
}

// parseNameAndType parses name:type or name:(schema). It returns nil when
// no declaration starts here. For a schema, decl.Type is a name-less
// stand-in spanning it, so that a declaration always has a type.
func (p *parser) parseNameAndType() (decl *ColumnDecl, tabular bool, cols []*ColumnDecl) {
	name := p.parseExtendedName()
	if name == nil {
		if p.tok().Kind != Colon {
			return nil, false, nil
		}
		p.expected("a name")
		name = &Ident{Src: p.here()}
	}
	p.require(Colon)
	decl = &ColumnDecl{Name: name}
	if p.tok().Kind == LParen {
		start := p.tok().Span.Start
		cols = p.parseSchemaType()
		decl.Type = &Ident{Src: Span{Start: start, End: p.toks[max(p.i-1, 0)].Span.End}}
		return decl, true, cols
	}
	decl.Type = p.parseTypeName()
	return decl, false, nil
}

// parseColumnDecl parses name:type where the type must be scalar (a
// datatable's columns, a schema's, typeof's).
func (p *parser) parseColumnDecl() *ColumnDecl {
	d, tabular, _ := p.parseNameAndType()
	if tabular {
		p.errorf(d.Type.Src, "expected a type name, got a table schema")
	}
	return d
}

// parseTypeName parses a scalar type word, reporting other words.
func (p *parser) parseTypeName() *Ident {
	t := p.tok()
	if t.Kind == TokKeyword && scalarTypes[t.Text] {
		return p.tokenName()
	}
	if t.Kind == TokKeyword && extendedTypes[t.Text] || canBeName(t) {
		p.errorf(t.Span, "invalid type name '%s'", t.Text)
		return p.tokenName()
	}
	p.expected("a type name")
	return &Ident{Src: p.here()}
}

// parseSchemaType parses (*) or (name:type, ...).
func (p *parser) parseSchemaType() []*ColumnDecl {
	p.advance() // (
	if _, ok := p.accept(Star); ok {
		p.require(RParen)
		return nil
	}
	cols := p.parseColumnDecls()
	p.require(RParen)
	return cols
}

// parseColumnDecls parses name:type, ... up to a closing bracket,
// allowing a trailing comma.
func (p *parser) parseColumnDecls() []*ColumnDecl {
	return commaList(p, func() (*ColumnDecl, bool) {
		d := p.parseColumnDecl()
		return d, d != nil
	}, listOpts{what: "a column declaration", end: func() bool { return p.listEnd(0) }, trailing: true})
}

// parseRowSchema parses ( [,] name:type, ... ) as datatable and
// parse-kv write it.
func (p *parser) parseRowSchema() ([]*ColumnDecl, bool) {
	if _, ok := p.accept(LParen); !ok {
		return nil, false
	}
	p.accept(Comma)
	cols := p.parseColumnDecls()
	p.require(RParen)
	return cols, true
}

func (p *parser) parseQueryParameters() Stmt {
	kw := p.advance().Span
	p.advance() // query_parameters
	s := &DeclareStmt{Declare: kw, Kind: "query_parameters"}
	p.require(LParen)
	s.Params = commaList(p, func() (*Param, bool) {
		prm := p.parseParam()
		return prm, prm != nil
	}, listOpts{what: "a parameter", end: func() bool { return p.listEnd(0) }, oneOrMore: true})
	s.End = p.require(RParen).Span.End
	return s
}

// parseRestrict parses restrict access to (names) [with (props)].
func (p *parser) parseRestrict() Stmt {
	kw := p.advance().Span
	p.advance() // access
	p.requireKw("to")
	p.require(LParen)
	commaList(p, func() (Expr, bool) {
		if n := p.parseWildcardedName(); n != nil {
			return n, true
		}
		x := p.parseEntityPath()
		return x, x != nil
	}, listOpts{what: "a name", end: func() bool { return p.listEnd(0) }, oneOrMore: true})
	end := p.require(RParen).Span.End
	if _, ok := p.acceptKw("with"); ok {
		p.require(LParen)
		p.parsePropertyList()
		end = p.require(RParen).Span.End
	}
	return &DeclareStmt{Declare: kw, Kind: "restrict", End: end}
}

// parsePatternStatement parses declare pattern Name [= (params) [path] { matches }].
func (p *parser) parsePatternStatement() Stmt {
	kw := p.advance().Span
	p.advance() // pattern
	p.requireName(false)
	s := &DeclareStmt{Declare: kw, Kind: "pattern"}
	if _, ok := p.accept(Assign); ok {
		p.require(LParen)
		commaList(p, func() (*ColumnDecl, bool) {
			d := p.parseColumnDecl()
			return d, d != nil
		}, listOpts{what: "a parameter", end: func() bool { return p.listEnd(0) }})
		p.require(RParen)
		if _, ok := p.accept(LBrack); ok {
			if d := p.parseColumnDecl(); d == nil {
				p.expected("a parameter")
			}
			p.require(RBrack)
		}
		p.require(LBrace)
		n := 0
		for p.tok().Kind == LParen {
			p.advance()
			commaList(p, exprs(p.parseUnnamed), listOpts{what: "a string", end: func() bool { return p.listEnd(0) }, oneOrMore: true})
			p.require(RParen)
			if _, ok := p.accept(Dot); ok {
				p.require(LBrack)
				if p.parseLiteral() == nil {
					p.expected("a string")
				}
				p.require(RBrack)
			}
			p.require(Assign)
			p.require(LBrace)
			for p.isKw("let") {
				p.parseLet()
				p.require(Semi)
			}
			p.parseExpression()
			p.accept(Semi)
			p.require(RBrace)
			p.require(Semi)
			n++
		}
		if n == 0 {
			p.expected("a pattern match")
		}
		s.End = p.require(RBrace).Span.End
	}
	s.End = max(s.End, p.toks[max(p.i-1, 0)].Span.End)
	return s
}

// parsePropertyList parses name = value, ... (externaldata's with, and
// restrict's).
func (p *parser) parsePropertyList() []*Option {
	return commaList(p, func() (*Option, bool) {
		if p.scanRenameName(0) == 0 {
			return nil, false
		}
		o := &Option{Name: p.requireName(true)}
		p.require(Assign)
		switch p.tok().Kind {
		case TokString, TokLong, TokReal, TokBool, TokGoo:
			o.Value = p.parseLiteral()
		case TokRawGuid:
			t := p.advance()
			o.Value = &Literal{Kind: LitGuid, Text: t.Text, Src: t.Span}
		default:
			if n := p.parseExtendedName(); n != nil {
				o.Value = n
			} else {
				o.Value = p.missingExpr()
			}
		}
		return o, true
	}, listOpts{what: "a property", end: func() bool { return p.listEnd(0) }})
}
