package syntax

import "strings"

// operatorParsers maps each query operator keyword to its parser. The
// parser is called after the keyword has been consumed.
var operatorParsers map[string]func(p *parser, base OpBase) Operator

func init() {
	operatorParsers = map[string]func(p *parser, base OpBase) Operator{
		"where":           (*parser).parseWhere,
		"filter":          (*parser).parseWhere,
		"summarize":       (*parser).parseSummarize,
		"project":         (*parser).parseProject,
		"extend":          (*parser).parseProject,
		"project-away":    (*parser).parseProjectNames,
		"project-keep":    (*parser).parseProjectNames,
		"project-reorder": (*parser).parseProjectNames,
		"project-rename":  (*parser).parseProject,
		"take":            (*parser).parseTake,
		"limit":           (*parser).parseTake,
		"sort by":         (*parser).parseSort,
		"order by":        (*parser).parseSort,
		"top":             (*parser).parseTop,
		"count":           (*parser).parseCount,
		"distinct":        (*parser).parseDistinct,
	}
}

// operatorWord reads an operator keyword at the current token: a word,
// a hyphenated word (project-away, mv-expand) or "sort by"/"order by".
// It returns the keyword and its span without consuming anything when the
// word is not an operator.
func (p *parser) operatorWord() (string, Span, int) {
	t := p.tok()
	if t.Kind != TokIdent || t.Bracketed {
		return "", t.Span, 0
	}
	word, sp, n := t.Text, t.Span, 1
	for {
		dash, next := p.peek(n), p.peek(n+1)
		if dash.Kind == Minus && !dash.SpaceBefore && next.Kind == TokIdent && !next.SpaceBefore {
			word += "-" + next.Text
			sp.End = next.Span.End
			n += 2
			continue
		}
		break
	}
	if (word == "sort" || word == "order") && p.peek(n).Kind == TokIdent && p.peek(n).Text == "by" {
		word += " by"
		sp.End = p.peek(n).Span.End
		n++
	}
	return word, sp, n
}

// parseOperator parses the operator after a '|'. It returns nil after
// reporting an error when there is no operator it knows.
func (p *parser) parseOperator() Operator {
	word, sp, n := p.operatorWord()
	parse, ok := operatorParsers[word]
	if !ok {
		t := p.tok()
		switch {
		case t.Kind != TokIdent:
			p.errorf(t.Span, "expected a query operator after '|', got %s", p.describe(t))
		case word == "sort" || word == "order":
			p.errorf(t.Span, "expected 'by' after '%s'", word)
		default:
			p.errorf(sp, "unknown query operator '%s'", word)
		}
		return nil
	}
	for k := 0; k < n; k++ {
		p.advance()
	}
	return parse(p, OpBase{Kw: sp, Word: word})
}

func (p *parser) end(base *OpBase) {
	base.End = p.toks[max(p.i-1, 0)].Span.End
	if base.End < base.Kw.End {
		base.End = base.Kw.End
	}
}

func (p *parser) parseWhere(base OpBase) Operator {
	op := &WhereOp{OpBase: base, Pred: p.parseExpr()}
	p.end(&op.OpBase)
	return op
}

// parseOptions parses hint.name=value options before an operator's
// arguments.
func (p *parser) parseOptions(names ...string) []*Option {
	var opts []*Option
	for p.tok().Kind == TokIdent && !p.tok().Bracketed {
		name := p.tok().Text
		isHint := name == "hint" && p.peek(1).Kind == Dot
		known := false
		for _, n := range names {
			known = known || n == name
		}
		if !isHint && !(known && p.peek(1).Kind == Assign) {
			return opts
		}
		id := p.parseDottedName()
		p.expect(Assign)
		opts = append(opts, &Option{Name: id, Value: p.parseAdd()})
	}
	return opts
}

func (p *parser) parseSummarize(base OpBase) Operator {
	op := &SummarizeOp{OpBase: base}
	op.Options = p.parseOptions()
	if !p.isWord("by") {
		op.Aggs = p.parseNamedList()
	}
	if _, ok := p.acceptWord("by"); ok {
		op.By = p.parseNamedList()
		if len(op.By) == 0 {
			p.errorf(p.tok().Span, "expected an expression after 'by', got %s", p.describe(p.tok()))
		}
	}
	if len(op.Aggs) == 0 && len(op.By) == 0 {
		p.errorf(p.tok().Span, "expected an aggregation or 'by' after 'summarize', got %s", p.describe(p.tok()))
	}
	p.end(&op.OpBase)
	return op
}

// parseNamedList parses a comma-separated list of expressions, each
// optionally named: Name = X or (A, B) = X.
func (p *parser) parseNamedList() []Expr {
	var list []Expr
	for {
		if p.atListEnd() {
			if len(list) > 0 {
				p.errorf(p.tok().Span, "expected an expression after ',', got %s", p.describe(p.tok()))
			}
			return list
		}
		list = append(list, p.parseNamed())
		if _, ok := p.accept(Comma); !ok {
			return list
		}
	}
}

func (p *parser) atListEnd() bool {
	switch p.tok().Kind {
	case EOF, Pipe, Semi, RParen, RBrace:
		return true
	}
	return p.isWord("by") && p.peek(1).Kind != Assign
}

func (p *parser) parseNamed() Expr {
	t := p.tok()
	if (t.Kind == TokIdent || t.Kind == LBrack) && p.isNameAssign() {
		name := p.parseIdent()
		p.expect(Assign)
		return &NamedExpr{Names: []*Ident{name}, X: p.parseExpr()}
	}
	if t.Kind == LParen && p.isTupleAssign() {
		p.advance()
		var names []*Ident
		for {
			names = append(names, p.parseIdent())
			if _, ok := p.accept(Comma); !ok {
				break
			}
		}
		p.expect(RParen)
		p.expect(Assign)
		return &NamedExpr{Names: names, X: p.parseExpr()}
	}
	return p.parseExpr()
}

// isNameAssign reports whether the tokens at the cursor are Name '=' (a
// bracketed name counts as one).
func (p *parser) isNameAssign() bool {
	if p.tok().Kind == TokIdent {
		return p.peek(1).Kind == Assign
	}
	return p.tok().Kind == LBrack && p.peek(1).Kind == TokString && p.peek(2).Kind == RBrack && p.peek(3).Kind == Assign
}

// isTupleAssign reports whether '(' A, B ')' '=' starts here.
func (p *parser) isTupleAssign() bool {
	n := 1
	for {
		if p.peek(n).Kind != TokIdent {
			return false
		}
		n++
		switch p.peek(n).Kind {
		case Comma:
			n++
		case RParen:
			return p.peek(n+1).Kind == Assign
		default:
			return false
		}
	}
}

func (p *parser) parseProject(base OpBase) Operator {
	op := &ProjectOp{OpBase: base, Cols: p.parseNamedList()}
	if len(op.Cols) == 0 {
		p.errorf(p.tok().Span, "expected an expression after '%s', got %s", base.Word, p.describe(p.tok()))
	}
	p.end(&op.OpBase)
	return op
}

// parseProjectNames parses the column names, with * wildcards, of
// project-away, project-keep and project-reorder.
func (p *parser) parseProjectNames(base OpBase) Operator {
	op := &ProjectOp{OpBase: base}
	for {
		id := p.parseNamePattern()
		if id == nil {
			break
		}
		op.Cols = append(op.Cols, id)
		order := ""
		if base.Word == "project-reorder" {
			for _, w := range []string{"asc", "desc", "granny-asc", "granny-desc"} {
				if _, ok := p.acceptWord(w); ok {
					order = w
				}
			}
		}
		op.Order = append(op.Order, order)
		if _, ok := p.accept(Comma); !ok {
			break
		}
	}
	if len(op.Cols) == 0 {
		p.errorf(p.tok().Span, "expected a column name after '%s', got %s", base.Word, p.describe(p.tok()))
	}
	p.end(&op.OpBase)
	return op
}

// parseNamePattern parses a column name that may hold '*' wildcards, such
// as Initiating*, *Id or *. It returns nil when no name starts here.
func (p *parser) parseNamePattern() *Ident {
	t := p.tok()
	if t.Kind == LBrack {
		return p.parseIdent()
	}
	if t.Kind != TokIdent && t.Kind != Star {
		return nil
	}
	id := &Ident{Src: t.Span}
	var b strings.Builder
	first := true
	for {
		t := p.tok()
		if !first && t.SpaceBefore {
			break
		}
		if t.Kind == TokIdent || t.Kind == Star || t.Kind == TokInt && !first {
			b.WriteString(p.src[t.Span.Start:t.Span.End])
			id.Src.End = t.Span.End
			p.advance()
			first = false
			continue
		}
		break
	}
	id.Name = b.String()
	return id
}

func (p *parser) parseTake(base OpBase) Operator {
	op := &TakeOp{OpBase: base}
	op.Count = p.parseExpr()
	p.end(&op.OpBase)
	return op
}

func (p *parser) parseSortKeys() []*SortKey {
	var keys []*SortKey
	for {
		k := &SortKey{X: p.parseExpr(), Desc: true}
		if _, ok := p.acceptWord("asc"); ok {
			k.Desc, k.ExplicitOrder = false, true
		} else if _, ok := p.acceptWord("desc"); ok {
			k.ExplicitOrder = true
		}
		// Nulls go last in descending order and first in ascending order
		// unless the query says otherwise.
		// https://learn.microsoft.com/kusto/query/sort-operator
		k.NullsFirst = !k.Desc
		if _, ok := p.acceptWord("nulls"); ok {
			k.ExplicitNulls = true
			if _, ok := p.acceptWord("first"); ok {
				k.NullsFirst = true
			} else if _, ok := p.acceptWord("last"); ok {
				k.NullsFirst = false
			} else {
				p.errorf(p.tok().Span, "expected 'first' or 'last' after 'nulls', got %s", p.describe(p.tok()))
			}
		}
		keys = append(keys, k)
		if _, ok := p.accept(Comma); !ok {
			return keys
		}
	}
}

func (p *parser) parseSort(base OpBase) Operator {
	op := &SortOp{OpBase: base}
	op.Options = p.parseOptions()
	op.Keys = p.parseSortKeys()
	p.end(&op.OpBase)
	return op
}

func (p *parser) parseTop(base OpBase) Operator {
	op := &TopOp{OpBase: base}
	op.Count = p.parseAdd()
	p.expectWord("by")
	op.Keys = p.parseSortKeys()
	p.end(&op.OpBase)
	return op
}

func (p *parser) parseCount(base OpBase) Operator {
	op := &CountOp{OpBase: base}
	p.end(&op.OpBase)
	return op
}

func (p *parser) parseDistinct(base OpBase) Operator {
	op := &DistinctOp{OpBase: base}
	op.Options = p.parseOptions()
	if t, ok := p.accept(Star); ok {
		op.Cols = []Expr{&StarExpr{Src: t.Span}}
	} else {
		op.Cols = p.parseNamedList()
		if len(op.Cols) == 0 {
			p.errorf(p.tok().Span, "expected a column or '*' after 'distinct', got %s", p.describe(p.tok()))
		}
	}
	p.end(&op.OpBase)
	return op
}
