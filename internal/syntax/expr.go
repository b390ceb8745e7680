package syntax

import "strings"

// Expression grammar, loosest first (Kusto's precedence):
//
//	or
//	and
//	==  !=  <>  in  !in  in~  !in~  has_any  has_all  between  !between  (one, not chained)
//	<  <=  >  >=                                                         (one, not chained)
//	+  -
//	*  /  %
//	string operators: has, contains, startswith, =~, matches regex, ... (one, not chained)
//	unary + -
//	postfix: x.name, x[index], x.f()
//	primary

// parseExpression parses an expression that may be a pipeline, or an
// operator that starts a query. It returns nil when nothing starts here.
func (p *parser) parseExpression() Expr {
	p.enter()
	defer p.leave()
	var x Expr
	if p.scanPossibleOperator() {
		x = p.parseUnpipedOperator()
		if x == nil {
			x = p.parsePipedOperator()
		}
		if x == nil {
			x = p.parseUnnamed()
		}
	} else {
		x = p.parseUnnamed()
		if x == nil {
			x = p.parseUnpipedOperator()
		}
		if x == nil {
			x = p.parsePipedOperator()
		}
	}
	if x == nil {
		return nil
	}
	return p.parsePipes(x)
}

// parsePipes parses '| operator' stages after x.
func (p *parser) parsePipes(x Expr) Expr {
	for p.tok().Kind == Pipe {
		pipe := p.advance().Span
		x = newPipe(x, pipe, p.parseRequiredOperator())
	}
	return x
}

// parseUnnamed parses an expression without pipes, or returns nil.
func (p *parser) parseUnnamed() Expr {
	p.enter()
	defer p.leave()
	// A name or literal followed by a list's punctuation is the whole
	// expression.
	switch p.peek(1).Kind {
	case Comma, RParen, RBrace, RBrack, Pipe:
		switch p.tok().Kind {
		case TokIdent, TokBool, TokLong, TokReal, TokTimespan, TokGoo, TokRawGuid:
			return p.parsePrimary()
		}
	}
	return p.parseOr()
}

func (p *parser) parseOr() Expr { return p.parseLogical("or", p.parseAnd) }

func (p *parser) parseAnd() Expr { return p.parseLogical("and", p.parseEquality) }

// parseLogical parses operands of next joined by the keyword op, left to
// right.
func (p *parser) parseLogical(op string, next func() Expr) Expr {
	x := next()
	if x == nil {
		return nil
	}
	for p.isKw(op) {
		pos := p.advance().Span
		y := next()
		if y == nil {
			y = p.missingExpr()
		}
		x = newBinary(op, pos, x, y)
	}
	return x
}

// listOperators are the equality-level keywords that take a list.
var listOperators = map[string]bool{
	"in": true, "in~": true, "!in": true, "!in~": true, "has_any": true, "has_all": true,
}

func (p *parser) parseEquality() Expr {
	if p.tok().Kind == Star && p.peek(1).Kind == Eq {
		star := &StarExpr{Src: p.advance().Span}
		op := p.advance().Span
		return newBinary("==", op, star, p.requireExpr(p.parseRelational()))
	}
	x := p.parseRelational()
	if x == nil {
		return nil
	}
	t := p.tok()
	switch {
	case t.Kind == Eq || t.Kind == Neq || t.Kind == LtGt:
		op := map[Kind]string{Eq: "==", Neq: "!=", LtGt: "!="}[t.Kind]
		p.advance()
		return newBinary(op, t.Span, x, p.requireExpr(p.parseRelational()))
	case t.Kind == TokKeyword && listOperators[t.Text]:
		if t.Text == "in" && isKw(p.peek(1), "range") {
			return x // make-series ... on x in range(...)
		}
		p.advance()
		in := &InExpr{Op: t.Text, OpPos: t.Span, X: x}
		in.List, in.End = p.parseInList()
		return in
	case isKw(t, "between") || isKw(t, "!between"):
		p.advance()
		b := &BetweenExpr{Not: t.Text == "!between", OpPos: t.Span, X: x}
		p.require(LParen)
		b.Lo = p.requireExpr(p.parseUnnamed())
		p.require(DotDot)
		b.Hi = p.requireExpr(p.parseUnnamed())
		b.End = p.require(RParen).Span.End
		return b
	}
	return x
}

// requireExpr returns x, or reports a missing expression when it is nil.
func (p *parser) requireExpr(x Expr) Expr {
	if x == nil {
		return p.missingExpr()
	}
	return x
}

// parseInList parses the parenthesized list of in and has_any: one query
// (when it starts with an operator or has a '|'), or expressions.
func (p *parser) parseInList() ([]Expr, int) {
	p.require(LParen)
	var list []Expr
	if p.scanPossibleOperator() || p.scanPipeBeforeEnd() {
		list = []Expr{p.requireExpr(p.parseExpression())}
	} else {
		list = commaList(p, exprs(p.parseUnnamed), listOpts{what: "an expression", end: func() bool { return p.listEnd(0) }, oneOrMore: true})
	}
	end := p.require(RParen)
	return list, end.Span.End
}

// scanPipeBeforeEnd reports whether a '|' comes before the current
// expression ends (at ',', ')', ';' or the end, outside parentheses).
func (p *parser) scanPipeBeforeEnd() bool {
	depth := 0
	for off := 0; ; off++ {
		switch p.peek(off).Kind {
		case EOF, Semi:
			return false
		case Comma:
			if depth == 0 {
				return false
			}
		case RParen:
			if depth == 0 {
				return false
			}
			depth--
		case LParen:
			depth++
		case Pipe:
			if depth == 0 {
				return true
			}
		}
	}
}

var relationalOps = map[Kind]string{Lt: "<", Le: "<=", Gt: ">", Ge: ">="}

func (p *parser) parseRelational() Expr {
	x := p.parseAdditive()
	if x == nil {
		return nil
	}
	if op, ok := relationalOps[p.tok().Kind]; ok {
		sp := p.advance().Span
		return newBinary(op, sp, x, p.requireExpr(p.parseAdditive()))
	}
	return x
}

func (p *parser) parseAdditive() Expr {
	x := p.parseMultiplicative()
	if x == nil {
		return nil
	}
	for p.tok().Kind == Plus || p.tok().Kind == Minus {
		t := p.advance()
		x = newBinary(t.Text, t.Span, x, p.requireExpr(p.parseMultiplicative()))
	}
	return x
}

func (p *parser) parseMultiplicative() Expr {
	x := p.parseStringOp()
	if x == nil {
		return nil
	}
	for p.tok().Kind == Star || p.tok().Kind == Slash || p.tok().Kind == Percent {
		t := p.advance()
		x = newBinary(t.Text, t.Span, x, p.requireExpr(p.parseStringOp()))
	}
	return x
}

// stringOperators are the string operator tokens; the value is the
// operator's canonical name.
var stringOperators = map[string]string{
	"has": "has", "!has": "!has", "has_cs": "has_cs", "!has_cs": "!has_cs",
	"hasprefix": "hasprefix", "!hasprefix": "!hasprefix", "hasprefix_cs": "hasprefix_cs", "!hasprefix_cs": "!hasprefix_cs",
	"hassuffix": "hassuffix", "!hassuffix": "!hassuffix", "hassuffix_cs": "hassuffix_cs", "!hassuffix_cs": "!hassuffix_cs",
	"like": "like", "notlike": "notlike", "likecs": "likecs", "notlikecs": "notlikecs",
	"contains": "contains", "notcontains": "!contains", "!contains": "!contains",
	"containscs": "contains_cs", "contains_cs": "contains_cs", "notcontainscs": "!contains_cs", "!contains_cs": "!contains_cs",
	"startswith": "startswith", "!startswith": "!startswith", "startswith_cs": "startswith_cs", "!startswith_cs": "!startswith_cs",
	"endswith": "endswith", "!endswith": "!endswith", "endswith_cs": "endswith_cs", "!endswith_cs": "!endswith_cs",
	"matches regex": "matches regex",
}

// stringOp returns the canonical string operator at token t.
func stringOp(t Token) (string, bool) {
	switch t.Kind {
	case EqTilde:
		return "=~", true
	case NeqTilde:
		return "!~", true
	case Colon:
		return ":", true
	case TokKeyword:
		op, ok := stringOperators[t.Text]
		return op, ok
	}
	return "", false
}

func (p *parser) parseStringOp() Expr {
	if p.tok().Kind == Star {
		if op, ok := stringOp(p.peek(1)); ok {
			star := &StarExpr{Src: p.advance().Span}
			sp := p.advance().Span
			return newBinary(op, sp, star, p.requireExpr(p.parseUnary()))
		}
	}
	x := p.parseUnary()
	if x == nil {
		return nil
	}
	if op, ok := stringOp(p.tok()); ok {
		sp := p.advance().Span
		return newBinary(op, sp, x, p.requireExpr(p.parseUnary()))
	}
	return x
}

func (p *parser) parseUnary() Expr {
	switch p.tok().Kind {
	case Minus, Plus:
		t := p.advance()
		return &UnaryExpr{Op: t.Text, OpPos: t.Span, X: p.requireExpr(p.parsePostfix())}
	}
	return p.parsePostfix()
}

// parsePostfix parses a primary expression followed by .name, .call(...)
// and [index] selectors.
func (p *parser) parsePostfix() Expr {
	if p.isKw("totable") {
		return p.parseToScalar(true)
	}
	x := p.parsePrimary()
	for x != nil {
		switch p.tok().Kind {
		case Dot:
			p.advance()
			if p.scanCallStart(0) {
				x = newMember(x, nil, p.parseCall().(*CallExpr))
				continue
			}
			if p.tok().Kind == LBrack && p.scanBracketedName(0) == 0 {
				// x.[e] indexes x by the expression e, as x[e] does
				// ([p] is not the wildcarded name p here).
				p.advance()
				idx := p.requireExpr(p.parseUnnamed())
				x = newIndex(x, idx, p.require(RBrack).Span.End)
				continue
			}
			sel := p.parsePathElement()
			switch s := sel.(type) {
			case *Ident:
				x = newMember(x, s, nil)
			case nil:
				p.expected("a name")
				x = newMember(x, &Ident{Src: p.here()}, nil)
			default:
				x = newIndex(x, s, s.Span().End)
			}
		case LBrack:
			open := p.advance().Span
			idx := p.requireExpr(p.parseUnnamed())
			end := p.require(RBrack).Span.End
			_ = open
			x = newIndex(x, idx, end)
		default:
			return x
		}
	}
	return x
}

// parsePathElement parses what may follow a '.': a name, ['name'],
// [name*], a bracketed expression, '@', or kind/withsource.
func (p *parser) parsePathElement() Expr {
	if p.tok().Kind == LBrack {
		if id := p.parseBracketedWildcardedName(); id != nil {
			return id
		}
		if id := p.parseBracketedName(); id != nil {
			return id
		}
		open := p.advance()
		x := p.requireExpr(p.parseUnnamed())
		end := p.require(RBrack)
		_ = open
		_ = end
		return x
	}
	return p.parseBarePathElement()
}

// parseBarePathElement parses '@', a special keyword used as a name, or a
// name.
func (p *parser) parseBarePathElement() Expr {
	t := p.tok()
	switch {
	case t.Kind == At:
		return &AtExpr{Src: p.advance().Span}
	case t.Kind == TokKeyword && fixedTokens[t.Text]&factSpecial != 0:
		return p.tokenName()
	}
	if id := p.parseName(); id != nil {
		return id
	}
	return nil
}

// scanCallStart reports whether a function call (a name then '(') starts
// at off.
func (p *parser) scanCallStart(off int) bool {
	n := p.scanName(off)
	return n > 0 && p.peek(off+n).Kind == LParen
}

// parseCall parses name(args), or returns nil.
func (p *parser) parseCall() Expr {
	if !p.scanCallStart(0) {
		return nil
	}
	fun := p.parseName()
	call := &CallExpr{Fun: fun}
	p.advance() // (
	call.Args = commaList(p, exprs(p.parseArgument), listOpts{what: "an argument", end: func() bool { return p.listEnd(0) }})
	call.End = p.require(RParen).Span.End
	return call
}

// parseArgument parses a function argument: '*' or a named or unnamed
// expression.
func (p *parser) parseArgument() Expr {
	if p.tok().Kind == Star && (p.peek(1).Kind == RParen || p.peek(1).Kind == Comma) {
		return &StarExpr{Src: p.advance().Span}
	}
	return p.parseNamed()
}

// parseNamed parses Name = X, (A, B) = X, or X.
func (p *parser) parseNamed() Expr {
	if n := p.scanRenameName(0); n > 0 && p.peek(n).Kind == Assign {
		name := p.requireName(true)
		p.advance() // =
		return &NamedExpr{Names: []*Ident{name}, X: p.requireExpr(p.parseUnnamed())}
	}
	if n := p.scanDashedName(); n > 1 && p.peek(n).Kind == Assign {
		start := p.tok().Span.Start
		var b strings.Builder
		for k := 0; k < n; k++ {
			b.WriteString(p.advance().Text)
		}
		name := &Ident{Name: b.String(), Src: Span{Start: start, End: p.toks[p.i-1].Span.End}}
		p.errorf(name.Src, "the name '%s' must be written ['%s']", name.Name, name.Name)
		p.advance() // =
		return &NamedExpr{Names: []*Ident{name}, X: p.requireExpr(p.parseUnnamed())}
	}
	if n := p.scanRenameList(); n > 0 && p.peek(n).Kind == Assign {
		p.advance() // (
		names := commaList(p, func() (*Ident, bool) {
			id := p.parseExtendedName()
			return id, id != nil
		}, listOpts{what: "a name", end: func() bool { return p.listEnd(0) }, oneOrMore: true})
		p.require(RParen)
		p.require(Assign)
		return &NamedExpr{Names: names, X: p.requireExpr(p.parseUnnamed())}
	}
	return p.parseUnnamed()
}

// scanDashedName returns the token length of a name written with dashes
// (foo-bar), which needs brackets.
func (p *parser) scanDashedName() int {
	t := p.tok()
	if t.Kind != TokIdent && t.Kind != TokKeyword {
		return 0
	}
	n := 1
	for {
		t := p.peek(n)
		if t.SpaceBefore || t.Kind != TokIdent && t.Kind != TokKeyword && t.Kind != Minus {
			return n
		}
		n++
	}
}

// scanRenameList returns the token length of (name, name, ...), or 0.
func (p *parser) scanRenameList() int {
	if p.tok().Kind != LParen {
		return 0
	}
	off := 1
	for !p.listEnd(off) {
		n := p.scanRenameName(off)
		if n == 0 {
			return 0
		}
		off += n
		if p.peek(off).Kind == Comma {
			off++
			continue
		}
		break
	}
	if p.peek(off).Kind == RParen {
		return off + 1
	}
	return 0
}

// parsePrimary parses a literal, a call, a name, a parenthesized
// expression or one of the table-valued expressions, or returns nil.
func (p *parser) parsePrimary() Expr {
	t := p.tok()
	switch t.Kind {
	case TokLong, TokReal, TokBool, TokTimespan, TokGoo, TokRawGuid, TokString:
		return p.parseLiteral()
	case LParen:
		p.advance()
		x := p.requireExpr(p.parseExpression())
		end := p.require(RParen)
		return &ParenExpr{X: x, Src: Span{Start: t.Span.Start, End: end.Span.End}}
	case TokKeyword:
		switch t.Text {
		case "dynamic":
			return p.parseLiteral()
		case "datatable":
			return p.parseDatatable()
		case "externaldata", "external_data":
			return p.parseExternalData()
		case "toscalar":
			return p.parseToScalar(false)
		case "__contextual_datatable", "materialized-view-combine":
			return p.parseRareExpression()
		}
	}
	if p.scanTypeof() {
		return p.parseTypeof()
	}
	if call := p.parseCall(); call != nil {
		return call
	}
	var x Expr
	if t.Kind == LBrack {
		x = p.parsePathElement()
	} else {
		x = p.parseBarePathElement()
	}
	if x != nil {
		if p.isKw("datascope") {
			p.advance()
			p.require(Assign)
			if !p.isKw("all") && !p.isKw("hotcache") {
				p.expected("'all' or 'hotcache'")
			} else {
				p.advance()
			}
		}
		return x
	}
	// A keyword where a name belongs: report it, and take it as the name.
	if t.Kind == TokKeyword && p.keywordInNamePosition() {
		p.errorf(t.Span, "the keyword '%s' must be written ['%s'] to be used as a name", t.Text, t.Text)
		return p.tokenName()
	}
	return nil
}

// keywordInNamePosition reports whether the keyword at the cursor is
// followed by what only follows names (an infix operator, a closing
// bracket, ',', '.', ':' or '|').
func (p *parser) keywordInNamePosition() bool {
	n := p.peek(1)
	switch n.Kind {
	case Eq, Neq, EqTilde, NeqTilde, Gt, Ge, Lt, Le, Star, Slash, Percent, RParen, RBrack, RBrace, Dot, Comma, Colon, Pipe:
		return true
	case TokKeyword:
		if n.Text == "and" || n.Text == "or" || listOperators[n.Text] || n.Text == "between" || n.Text == "!between" {
			return true
		}
		_, ok := stringOperators[n.Text]
		return ok
	}
	return false
}

// parseRareExpression parses contextual datatables and materialized view
// combinations, which kqlhunt does not run.
func (p *parser) parseRareExpression() Expr {
	kw := p.advance()
	if kw.Text == "__contextual_datatable" {
		if p.parseLiteral() == nil {
			p.requireExpr(p.parseUnnamed())
		}
		if _, ok := p.parseRowSchema(); !ok {
			p.expected("a schema")
		}
	} else {
		for _, clause := range []string{"", "base", "delta", "aggregations"} {
			if clause != "" {
				p.requireKw(clause)
			}
			p.require(LParen)
			p.requireExpr(p.parseExpression())
			p.require(RParen)
		}
	}
	end := p.toks[max(p.i-1, 0)].Span.End
	return &BadExpr{Src: Span{Start: kw.Span.Start, End: end}}
}

// ---- literals

// gooKinds maps the type word of a typed literal to its kind.
var gooKinds = map[string]LitKind{
	"long": LitLong, "int64": LitLong, "int": LitInt, "int32": LitInt, "real": LitReal, "double": LitReal,
	"decimal": LitDecimal, "bool": LitBool, "datetime": LitDatetime, "date": LitDatetime,
	"time": LitTimespan, "timespan": LitTimespan, "guid": LitGuid,
}

// parseLiteral parses a literal, or returns nil.
func (p *parser) parseLiteral() Expr {
	t := p.tok()
	switch t.Kind {
	case TokString:
		lit := &Literal{Kind: LitString, Src: t.Span}
		var b strings.Builder
		for p.tok().Kind == TokString {
			s := p.advance()
			b.WriteString(s.Value)
			lit.Src.End = s.Span.End
			lit.Obfuscated = lit.Obfuscated || s.Obfuscated
		}
		lit.Text = b.String()
		return lit
	case TokBool:
		p.advance()
		return &Literal{Kind: LitBool, Text: strings.ToLower(t.Text), Src: t.Span}
	case TokLong:
		p.advance()
		return &Literal{Kind: LitLong, Text: t.Text, Src: t.Span}
	case TokReal:
		p.advance()
		return &Literal{Kind: LitReal, Text: t.Text, Src: t.Span}
	case TokTimespan:
		p.advance()
		return &Literal{Kind: LitTimespan, Text: t.Text, Src: t.Span}
	case TokGoo:
		p.advance()
		raw := strings.TrimSpace(strings.TrimSuffix(t.Text[len(t.GooType)+1:], ")"))
		return &Literal{Kind: gooKinds[t.GooType], Text: raw, Null: raw == "null", Typed: true, Src: t.Span}
	case TokRawGuid:
		p.advance()
		p.errorf(t.Span, "an unquoted guid is not allowed here; write guid(%s)", t.Text)
		return &Literal{Kind: LitGuid, Text: t.Text, Src: t.Span}
	case Plus, Minus:
		n := p.peek(1)
		if !n.SpaceBefore && (n.Kind == TokLong || n.Kind == TokReal || n.Kind == TokTimespan) && isDigit(byteAt(n.Text, 0)) {
			p.advance()
			p.advance()
			kind := map[Kind]LitKind{TokLong: LitLong, TokReal: LitReal, TokTimespan: LitTimespan}[n.Kind]
			return &Literal{Kind: kind, Text: t.Text + n.Text, Src: Span{Start: t.Span.Start, End: n.Span.End}}
		}
	case LBrace:
		if id := p.parseBracedName(); id != nil {
			return id
		}
		return nil
	case TokKeyword:
		switch {
		case t.Text == "dynamic" && p.peek(1).Kind == LParen:
			return p.parseDynamic()
		case t.Text == "typeof":
			return p.parseTypeof()
		}
	}
	return nil
}

// parseDynamic parses dynamic(json value).
func (p *parser) parseDynamic() Expr {
	head := p.advance()
	p.advance() // (
	d := &DynamicLit{}
	if p.isKw("null") {
		p.advance()
	} else if v := p.parseJSONValue(); v != nil {
		d.Value = v
	} else {
		p.expected("a JSON value")
	}
	end := p.require(RParen)
	d.Src = Span{Start: head.Span.Start, End: end.Span.End}
	return d
}

// parseJSONValue parses a value inside dynamic(): a number, a literal, a
// string, null, an array or a property bag.
func (p *parser) parseJSONValue() Expr {
	p.enter()
	defer p.leave()
	t := p.tok()
	switch t.Kind {
	case TokLong, TokReal:
		return p.parseLiteral()
	case Minus:
		if n := p.peek(1); n.Kind == TokLong || n.Kind == TokReal {
			op := p.advance()
			return &UnaryExpr{Op: "-", OpPos: op.Span, X: p.parseLiteral()}
		}
		return nil
	case TokBool, TokGoo, TokTimespan, TokRawGuid, TokString:
		if t.Kind == TokGoo && (t.GooType == "int" || t.GooType == "int32") {
			return nil // int(...) is not a JSON value
		}
		return p.parseLiteral()
	case TokKeyword:
		switch t.Text {
		case "dynamic":
			return p.parseLiteral()
		case "null":
			p.advance()
			return &Literal{Kind: LitNull, Src: t.Span}
		}
	case LBrack:
		p.advance()
		arr := &DynamicArray{}
		arr.Elems = commaList(p, exprs(p.parseJSONValue), listOpts{what: "a JSON value", end: func() bool { return p.listEnd(0) }})
		end := p.require(RBrack)
		arr.Src = Span{Start: t.Span.Start, End: end.Span.End}
		return arr
	case LBrace:
		if p.scanBracedName(0) > 0 {
			return p.parseBracedName()
		}
		p.advance()
		bag := &DynamicBag{}
		commaList(p, func() (bool, bool) {
			k := p.tok()
			switch {
			case k.Kind == TokString:
				p.advance()
				p.require(Colon)
				bag.Keys = append(bag.Keys, &Literal{Kind: LitString, Text: k.Value, Src: k.Span})
				bag.Vals = append(bag.Vals, p.requireJSON())
				return true, true
			case k.Kind == Colon:
				p.expected("a property name")
				p.advance()
				p.requireJSON()
				return true, true
			}
			if v := p.parseJSONValue(); v != nil {
				p.errorf(v.Span(), "expected a property name and ':' before the value")
				return true, true
			}
			return false, false
		}, listOpts{what: "a property", end: func() bool { return p.listEnd(0) }})
		end := p.require(RBrace)
		bag.Src = Span{Start: t.Span.Start, End: end.Span.End}
		return bag
	}
	return nil
}

func (p *parser) requireJSON() Expr {
	if v := p.parseJSONValue(); v != nil {
		return v
	}
	p.expected("a JSON value")
	return &BadExpr{Src: p.here()}
}

// scanTypeof reports whether typeof( starts here.
func (p *parser) scanTypeof() bool {
	return p.isKw("typeof") && p.peek(1).Kind == LParen
}

// parseTypeof parses typeof(type) or typeof(name:type, ...).
func (p *parser) parseTypeof() Expr {
	if !p.scanTypeof() {
		return nil
	}
	kw := p.advance()
	p.advance() // (
	x := &TypeofExpr{}
	t, n := p.tok(), p.peek(1)
	switch {
	case t.Kind == TokKeyword && (scalarTypes[t.Text] || extendedTypes[t.Text]) || t.Kind == TokIdent && n.Kind == RParen:
		x.Type = p.tokenName()
	default:
		x.Columns = commaList(p, func() (*ColumnDecl, bool) {
			if st, ok := p.accept(Star); ok {
				return &ColumnDecl{Name: &Ident{Name: "*", Src: st.Span}}, true
			}
			d := p.parseColumnDecl()
			return d, d != nil
		}, listOpts{what: "a type", end: func() bool { return p.listEnd(0) }})
	}
	end := p.require(RParen)
	x.Src = Span{Start: kw.Span.Start, End: end.Span.End}
	return x
}

// parseToScalar parses toscalar([kind=...] (X)) and totable likewise.
func (p *parser) parseToScalar(table bool) Expr {
	kw := p.advance()
	x := &ToScalarExpr{Kw: kw.Span, Table: table}
	if prm := p.parseParamByName(prmNoOptimization); prm != nil {
		x.Options = []*Option{prm}
	}
	p.require(LParen)
	x.X = p.requireExpr(p.parseExpression())
	x.End = p.require(RParen).Span.End
	return x
}

// parseDatatable parses datatable [params] (schema) [values].
func (p *parser) parseDatatable() Expr {
	kw := p.advance().Span
	d := &DatatableExpr{Kw: kw}
	p.parseParams(emptyParams, false)
	cols, ok := p.parseRowSchema()
	if !ok {
		p.expected("a schema")
	}
	d.Columns = cols
	p.require(LBrack)
	p.accept(Comma)
	d.Values = commaList(p, exprs(p.parseLiteral), listOpts{what: "a value", end: func() bool { return p.listEnd(0) }, trailing: true})
	d.End = p.require(RBrack).Span.End
	return d
}

// parseExternalData parses externaldata (schema) [urls] [with (props)].
func (p *parser) parseExternalData() Expr {
	kw := p.advance().Span
	e := &ExternalDataExpr{Kw: kw}
	e.Options = p.parseParams(emptyParams, false)
	cols, ok := p.parseRowSchema()
	if !ok {
		p.expected("a schema")
	}
	e.Columns = cols
	p.require(LBrack)
	e.URLs = commaList(p, exprs(p.parseExpression), listOpts{what: "a value", end: func() bool { return p.listEnd(0) }, trailing: true})
	e.End = p.require(RBrack).Span.End
	if _, ok := p.acceptKw("with"); ok {
		p.require(LParen)
		e.With = p.parsePropertyList()
		e.End = p.require(RParen).Span.End
	}
	return e
}

// parseEntityPath parses a table path: names, calls, .selectors and
// [elements] (cluster("c").database("d").T).
func (p *parser) parseEntityPath() Expr {
	return p.parseSelectors(p.parseCallOrPathElement(), true, false)
}

func (p *parser) parseCallOrPathElement() Expr {
	if p.scanCallStart(0) {
		return p.parseCall()
	}
	return p.parsePathElement()
}

// parseSelectors parses the .name and [element] selectors after x, and,
// when calls is set, .f(...) calls; with wildcard, a final .name may hold
// '*' (database("d").Device*).
func (p *parser) parseSelectors(x Expr, calls, wildcard bool) Expr {
	for x != nil {
		switch p.tok().Kind {
		case Dot:
			p.advance()
			if wildcard {
				if id := p.parseWildcardedName(); id != nil {
					return newMember(x, id, nil)
				}
			}
			if calls && p.scanCallStart(0) {
				x = newMember(x, nil, p.parseCall().(*CallExpr))
				continue
			}
			if id, ok := p.parsePathElement().(*Ident); ok {
				x = newMember(x, id, nil)
				continue
			}
			p.expected("a name")
			return x
		case LBrack:
			sel := p.parsePathElement()
			x = newIndex(x, sel, p.toks[p.i-1].Span.End)
		default:
			return x
		}
	}
	return x
}
