package syntax

// Query operators. Each parse function is called at the operator's
// keyword and returns nil when the keyword is not there (or is used as
// something else, like count(...) or range(...)).

// scanPossibleOperator reports whether a query operator certainly starts
// here, as opposed to an expression that happens to begin with a keyword
// that may also be a name.
func (p *parser) scanPossibleOperator() bool {
	t := p.tok()
	if t.Kind != TokKeyword {
		return false
	}
	switch t.Text {
	case "evaluate":
		return p.scanName(1) > 0 || p.scanParamName(nil, knownOnly, false, 1) > 0
	case "facet":
		return isKw(p.peek(1), "by")
	case "partition":
		return isKw(p.peek(1), "by") || p.scanParamName(nil, knownOnly, false, 1) > 0
	case "range":
		n := p.scanName(1)
		return n > 0 && isKw(p.peek(1+n), "from")
	case "inline_external_table":
		return p.peek(1).Kind == LParen || isKw(p.peek(1), "kind")
	case "reduce":
		return isKw(p.peek(1), "by") || p.scanParamName(nil, knownOnly, false, 1) > 0
	case "render":
		for _, c := range chartTypes {
			if p.matchText(1, c) > 0 {
				return true
			}
		}
		return canBeName(p.peek(1))
	case "fork", "lookup", "__partitionby":
		return false
	case "as", "assert-schema", "consume", "count", "distinct", "__executeAndCache", "extend",
		"filter", "find", "getschema", "graph-match", "graph-to-table", "invoke", "join", "limit",
		"macro-expand", "make-graph", "graph-mark-components", "make-series", "mv-apply", "mvapply",
		"mv-expand", "mvexpand", "order", "parse", "parse-where", "parse-kv", "print", "project",
		"project-away", "project-keep", "project-rename", "project-by-names", "project-reorder",
		"sample", "sample-distinct", "scan", "search", "serialize", "sort", "summarize", "take",
		"top", "top-hitters", "top-nested", "union", "where":
		return fixedTokens[t.Text]&factName == 0
	}
	return false
}

// parseUnpipedOperator parses an operator that may start a query.
func (p *parser) parseUnpipedOperator() Expr {
	var op Operator
	switch t := p.tok(); {
	case t.Kind != TokKeyword:
		return nil
	case t.Text == "evaluate":
		op = p.parseEvaluate()
	case t.Text == "find":
		op = p.parseFind()
	case t.Text == "macro-expand":
		op = p.parseMacroExpand()
	case t.Text == "print":
		op = p.parsePrint()
	case t.Text == "search":
		op = p.parseSearch()
	case t.Text == "union":
		op = p.parseUnion()
	}
	if op == nil {
		return nil
	}
	return &OperatorExpr{Op: op}
}

// parsePipedOperator parses an operator at the start of an expression.
func (p *parser) parsePipedOperator() Expr {
	if op := p.parseOperator(); op != nil {
		return &OperatorExpr{Op: op}
	}
	return nil
}

// parseRequiredOperator parses the operator after a '|'.
func (p *parser) parseRequiredOperator() Operator {
	if op := p.parseOperator(); op != nil {
		return op
	}
	if x := p.parseUnpipedOperator(); x != nil {
		return x.(*OperatorExpr).Op
	}
	t := p.tok()
	if t.Kind == TokIdent {
		p.advance()
		p.errorf(t.Span, "unknown query operator '%s'", t.Text)
		return &GenericOp{OpBase: OpBase{Kw: t.Span, Word: t.Text, End: t.Span.End}}
	}
	if t.Kind == TokKeyword {
		p.errorf(t.Span, "expected a query operator, got keyword '%s'", t.Text)
	} else {
		p.errorf(t.Span, "expected a query operator after '|', got %s", p.describe(t))
	}
	sp := p.here()
	return &GenericOp{OpBase: OpBase{Kw: sp, Word: "", End: sp.End}}
}

// parseOperator parses a piped query operator, or returns nil.
func (p *parser) parseOperator() Operator {
	t := p.tok()
	if t.Kind != TokKeyword {
		return nil
	}
	switch t.Text {
	case "as":
		return p.parseAs()
	case "consume":
		kw := p.advance()
		base := p.base(kw)
		base.Options = p.parseParams(consumeParams, false)
		return p.generic(base)
	case "count":
		if p.peek(1).Kind == LParen {
			return nil // count() the function
		}
		kw := p.advance()
		op := &CountOp{OpBase: p.base(kw)}
		if _, ok := p.acceptKw("as"); ok {
			if id, ok := p.accept(TokIdent); ok {
				op.As = &Ident{Name: id.Text, Src: id.Span}
			} else {
				p.expected("a name")
			}
		}
		return p.end(op)
	case "distinct":
		return p.parseDistinct()
	case "evaluate":
		return p.parseEvaluate()
	case "__executeAndCache":
		return p.generic(p.base(p.advance()))
	case "extend":
		kw := p.advance()
		op := &ProjectOp{OpBase: p.base(kw)}
		op.Cols = commaList(p, exprs(p.parseNamed), listOpts{what: "an expression", end: p.endList, oneOrMore: true})
		return p.end(op)
	case "facet":
		return p.parseFacet()
	case "where", "filter":
		kw := p.advance()
		op := &WhereOp{OpBase: p.base(kw)}
		op.Options = p.parseParams(emptyParams, true)
		op.Pred = p.requireExpr(p.parseNamed())
		return p.end(op)
	case "find":
		return p.parseFind()
	case "fork":
		return p.parseFork()
	case "getschema":
		kw := p.advance()
		op := &GetSchemaOp{OpBase: p.base(kw)}
		if o := p.parseParamByName(prmGetSchemaKind); o != nil {
			op.Options = []*Option{o}
		}
		return p.end(op)
	case "invoke":
		kw := p.advance()
		op := &InvokeOp{OpBase: p.base(kw)}
		op.Call = p.parseDotCalls()
		if op.Call == nil {
			op.Call = p.missingExpr()
		}
		return p.end(op)
	case "join":
		return p.parseJoin(false)
	case "lookup":
		return p.parseJoin(true)
	case "make-series":
		return p.parseMakeSeries()
	case "mv-apply", "mvapply":
		return p.parseMvApply()
	case "mv-expand", "mvexpand":
		return p.parseMvExpand()
	case "parse", "parse-where":
		return p.parseParse()
	case "parse-kv":
		return p.parseParseKv()
	case "__partitionby":
		return p.parsePartitionBy()
	case "partition":
		return p.parsePartition()
	case "project", "project-rename":
		kw := p.advance()
		op := &ProjectOp{OpBase: p.base(kw)}
		op.Cols = commaList(p, exprs(p.parseNamed), listOpts{what: "an expression", end: p.endList})
		return p.end(op)
	case "project-away", "project-keep":
		kw := p.advance()
		op := &ProjectOp{OpBase: p.base(kw)}
		op.Cols = commaList(p, exprs(p.parseNamePattern), listOpts{what: "a column name", end: p.endList})
		return p.end(op)
	case "project-reorder":
		return p.parseProjectReorder()
	case "project-by-names":
		kw := p.advance()
		op := &ProjectOp{OpBase: p.base(kw)}
		op.Cols = commaList(p, exprs(p.parseUnnamed), listOpts{what: "an expression", end: p.endList})
		return p.end(op)
	case "range":
		return p.parseRange()
	case "reduce":
		return p.parseReduce()
	case "render":
		return p.parseRender()
	case "sample":
		kw := p.advance()
		op := &TakeOp{OpBase: p.base(kw)}
		op.Options = p.parseParams(emptyParams, true)
		op.Count = p.requireExpr(p.parseNamed())
		return p.end(op)
	case "sample-distinct":
		kw := p.advance()
		base := p.base(kw)
		base.Options = p.parseParams(emptyParams, true)
		x := p.requireExpr(p.parseNamed())
		p.requireKw("of")
		of := p.requireExpr(p.parseNamed())
		return p.generic(base, x, of)
	case "scan":
		return p.parseScan()
	case "search":
		return p.parseSearch()
	case "serialize":
		kw := p.advance()
		op := &ProjectOp{OpBase: p.base(kw)}
		op.Options = p.parseParams(emptyParams, true)
		op.Cols = commaList(p, exprs(p.parseNamed), listOpts{what: "an expression", end: p.endList})
		return p.end(op)
	case "sort", "order":
		return p.parseSort()
	case "summarize":
		return p.parseSummarize()
	case "take", "limit":
		kw := p.advance()
		op := &TakeOp{OpBase: p.base(kw)}
		op.Options = p.parseParams(emptyParams, true)
		op.Count = p.requireExpr(p.parseNamed())
		return p.end(op)
	case "top":
		kw := p.advance()
		op := &TopOp{OpBase: p.base(kw)}
		op.Options = p.parseParams(topParams, true)
		op.Count = p.requireExpr(p.parseNamed())
		p.requireKw("by")
		op.Keys = []*SortKey{p.requireSortKey()}
		return p.end(op)
	case "top-hitters":
		kw := p.advance()
		base := p.base(kw)
		x := p.requireExpr(p.parseNamed())
		p.requireKw("of")
		of := p.requireExpr(p.parseNamed())
		parts := []Node{x, of}
		if _, ok := p.acceptKw("by"); ok {
			parts = append(parts, p.requireExpr(p.parseNamed()))
		}
		return p.generic(base, parts...)
	case "top-nested":
		return p.parseTopNested()
	case "union":
		return p.parseUnion()
	case "inline_external_table":
		return p.parseInlineExternalTable()
	case "make-graph":
		return p.parseMakeGraph()
	case "graph-match", "graph-shortest-paths":
		return p.parseGraphMatch()
	case "graph-to-table":
		kw := p.advance()
		base := p.base(kw)
		commaList(p, func() (bool, bool) {
			return true, p.parseGraphToTableOutput()
		}, listOpts{what: "'nodes' or 'edges'", oneOrMore: true})
		return p.generic(base)
	case "graph-mark-components":
		kw := p.advance()
		base := p.base(kw)
		base.Options = p.parseParams(graphMarkComponentsParams, true)
		return p.generic(base)
	case "graph-where-nodes", "graph-where-edges":
		kw := p.advance()
		base := p.base(kw)
		return p.generic(base, p.requireExpr(p.parseUnnamed()))
	case "assert-schema":
		kw := p.advance()
		if _, ok := p.parseRowSchema(); !ok {
			p.expected("a schema")
		}
		return p.generic(p.base(kw))
	}
	return nil
}

func (p *parser) base(kw Token) OpBase {
	return OpBase{Kw: kw.Span, Word: kw.Text, End: kw.Span.End}
}

// endList is the usual end of an operator's list.
func (p *parser) endList() bool { return p.listEnd(0) }

type endSetter interface{ setEnd(int) }

func (o *OpBase) setEnd(end int) {
	if end > o.End {
		o.End = end
	}
}

// end records the end of op at the last consumed token and returns it.
func (p *parser) end(op Operator) Operator {
	if e, ok := op.(endSetter); ok && p.i > 0 {
		e.setEnd(p.toks[p.i-1].Span.End)
	}
	return op
}

func (p *parser) generic(base OpBase, parts ...Node) Operator {
	return p.end(&GenericOp{OpBase: base, Parts: parts})
}

// parseNamePattern parses a column name or a pattern with '*'.
func (p *parser) parseNamePattern() Expr {
	if id := p.parseWildcardedName(); id != nil {
		return id
	}
	if id := p.parseName(); id != nil {
		return id
	}
	return nil
}

func (p *parser) parseProjectReorder() Operator {
	kw := p.advance()
	op := &ProjectOp{OpBase: p.base(kw)}
	op.Cols = commaList(p, func() (Expr, bool) {
		x := p.parseNamePattern()
		if x == nil {
			return nil, false
		}
		order := ""
		for _, w := range []string{"asc", "desc", "granny-asc", "granny-desc"} {
			if _, ok := p.acceptKw(w); ok {
				order = w
				break
			}
		}
		op.Order = append(op.Order, order)
		return x, true
	}, listOpts{what: "a column name", end: p.endList})
	return p.end(op)
}

func (p *parser) parseDistinct() Operator {
	kw := p.advance()
	op := &DistinctOp{OpBase: p.base(kw)}
	op.Options = p.parseParams(distinctParams, true)
	op.Cols = commaList(p, func() (Expr, bool) {
		if t, ok := p.accept(Star); ok {
			return &StarExpr{Src: t.Span}, true
		}
		x := p.parseNamed()
		return x, x != nil
	}, listOpts{what: "an expression", end: p.endList, oneOrMore: true})
	return p.end(op)
}

// requireSortKey parses Expr [asc|desc|granny-*] [nulls first|last].
func (p *parser) requireSortKey() *SortKey {
	if k := p.parseSortKey(); k != nil {
		return k
	}
	return &SortKey{X: p.missingExpr(), Desc: true}
}

func (p *parser) parseSortKey() *SortKey {
	x := p.parseNamed()
	if x == nil {
		return nil
	}
	k := &SortKey{X: x, Desc: true}
	switch {
	case p.isKw("asc") || p.isKw("granny-asc"):
		p.advance()
		k.Desc, k.ExplicitOrder = false, true
	case p.isKw("desc") || p.isKw("granny-desc"):
		p.advance()
		k.ExplicitOrder = true
	}
	// Nulls go last in descending order and first in ascending order
	// unless the query says otherwise.
	// https://learn.microsoft.com/kusto/query/sort-operator
	k.NullsFirst = !k.Desc
	if _, ok := p.acceptKw("nulls"); ok {
		k.ExplicitNulls = true
		switch {
		case p.isKw("first"):
			p.advance()
			k.NullsFirst = true
		case p.isKw("last"):
			p.advance()
			k.NullsFirst = false
		default:
			p.expected("'first' or 'last'")
		}
	}
	return k
}

func (p *parser) parseSort() Operator {
	kw := p.advance()
	op := &SortOp{OpBase: p.base(kw)}
	op.Options = p.parseParams(sortParams, false)
	p.requireKw("by")
	op.Keys = commaList(p, func() (*SortKey, bool) {
		k := p.parseSortKey()
		return k, k != nil
	}, listOpts{what: "an expression", end: p.endList, oneOrMore: true})
	return p.end(op)
}

func (p *parser) parseSummarize() Operator {
	kw := p.advance()
	op := &SummarizeOp{OpBase: p.base(kw)}
	op.Options = p.parseParams(summarizeParams, true)
	op.Aggs = commaList(p, exprs(p.parseNamed), listOpts{what: "an expression", end: p.endOr("by")})
	if _, ok := p.acceptKw("by"); ok {
		op.By = commaList(p, exprs(p.parseNamed), listOpts{what: "an expression", oneOrMore: true, end: func() bool {
			// The legacy form `by x bin=1h` ends the list at bin=.
			if p.isKw("bin") && p.peek(1).Kind == Assign && isLiteralToken(p.peek(2)) {
				return true
			}
			return p.listEnd(0)
		}})
		if p.isKw("bin") && p.peek(1).Kind == Assign {
			name := p.tokenName()
			p.advance()
			op.By = append(op.By, &NamedExpr{Names: []*Ident{name}, X: p.requireExpr(p.parseUnnamed())})
		}
	}
	return p.end(op)
}

func isLiteralToken(t Token) bool {
	switch t.Kind {
	case TokString, TokLong, TokReal, TokTimespan, TokBool, TokGoo, TokRawGuid:
		return true
	}
	return false
}

func (p *parser) parseJoin(lookup bool) Operator {
	kw := p.advance()
	op := &JoinOp{OpBase: p.base(kw)}
	params := joinParams
	if lookup {
		params = lookupParams
	}
	op.Options = p.parseParams(params, true)
	op.Right = p.requireExpr(p.parseUnnamed())
	switch {
	case p.isKw("on"):
		p.advance()
		op.On = commaList(p, exprs(p.parseUnnamed), listOpts{what: "an expression", oneOrMore: true})
	case !lookup && p.isKw("where"):
		p.advance()
		op.Where = p.requireExpr(p.parseUnnamed())
	case lookup:
		p.expected("'on'")
	}
	return p.end(op)
}

func (p *parser) parseUnion() Operator {
	kw := p.advance()
	op := &UnionOp{OpBase: p.base(kw)}
	op.Options = p.parseParams(unionParams, true)
	op.Tables = commaList(p, exprs(p.parseUnionTable), listOpts{what: "a table", end: p.endList, oneOrMore: true})
	return p.end(op)
}

// parseUnionTable parses an operand of union: a parenthesized query, or
// the longest of a bracketed name, a (wildcarded) table path and a name.
func (p *parser) parseUnionTable() Expr {
	if p.tok().Kind == LParen {
		t := p.advance()
		x := p.requireExpr(p.parseExpression())
		end := p.require(RParen)
		return &ParenExpr{X: x, Src: Span{Start: t.Span.Start, End: end.Span.End}}
	}
	return p.best(
		func() Expr {
			if id := p.parseBracketedWildcardedName(); id != nil {
				return id
			}
			if id := p.parseBracketedName(); id != nil {
				return id
			}
			return nil
		},
		p.parseWildcardedEntity,
		p.parseBarePathElement,
	)
}

// best runs each parser from the same place and keeps the one that reads
// the most tokens, as Kusto's parser does where several forms may apply.
func (p *parser) best(parsers ...func() Expr) Expr {
	start, diags := p.i, len(p.diags)
	bestEnd, bestIdx := start, -1
	for i, parse := range parsers {
		p.i, p.diags = start, p.diags[:diags]
		parse()
		if p.i > bestEnd {
			bestEnd, bestIdx = p.i, i
		}
	}
	p.i, p.diags = start, p.diags[:diags]
	if bestIdx < 0 {
		return nil
	}
	return parsers[bestIdx]()
}

// parseWildcardedEntity parses a table reference that may use wildcards:
// Device*, database("x").T*, cluster("c").database("d").T.
func (p *parser) parseWildcardedEntity() Expr {
	if id := p.parseWildcardedName(); id != nil {
		return id
	}
	return p.parseSelectors(p.parseCallOrPathElement(), true, true)
}

// parseTypeofClause parses `to typeof(...)` of mv-expand and mv-apply.
func (p *parser) parseTypeofClause() *TypeofExpr {
	if _, ok := p.acceptKw("to"); !ok {
		return nil
	}
	if x, ok := p.parseTypeof().(*TypeofExpr); ok {
		return x
	}
	p.expected("typeof(...)")
	return &TypeofExpr{Src: p.here()}
}

func (p *parser) parseExpandItem() (*ExpandItem, bool) {
	if p.isKw("to") {
		p.expected("an expression")
		return &ExpandItem{Type: p.parseTypeofClause()}, true
	}
	x := p.parseNamed()
	if x == nil {
		return nil, false
	}
	return &ExpandItem{X: x, Type: p.parseTypeofClause()}, true
}

func (p *parser) parseMvExpand() Operator {
	kw := p.advance()
	op := &MvExpandOp{OpBase: p.base(kw)}
	op.Options = p.parseParams(mvExpandParams, true)
	op.Items = commaList(p, p.parseExpandItem, listOpts{what: "an expression", end: p.endOr("limit"), oneOrMore: true})
	if _, ok := p.acceptKw("limit"); ok {
		op.Limit = p.requireExpr(p.parseUnnamed())
	}
	return p.end(op)
}

func (p *parser) parseMvApply() Operator {
	kw := p.advance()
	op := &MvApplyOp{OpBase: p.base(kw)}
	op.Options = p.parseParams(mvApplyParams, true)
	parsedAlone := false
	if p.isKw("to") {
		start, diags := p.i, len(p.diags)
		clause := p.parseTypeofClause()
		if p.tok().Kind != Comma {
			op.Items = []*ExpandItem{{Type: clause}}
			parsedAlone = true
		} else {
			p.i, p.diags = start, p.diags[:diags]
		}
	}
	if !parsedAlone {
		op.Items = commaList(p, p.parseExpandItem, listOpts{what: "an expression", oneOrMore: true, end: func() bool {
			if p.isKw("limit") || p.isKw("id") || p.isKw("on") {
				if n := p.peek(1); n.Kind != Comma && !isKw(n, "to") && n.Kind != Assign {
					return true
				}
			}
			return p.listEnd(0)
		}})
	}
	if _, ok := p.acceptKw("limit"); ok {
		op.Limit = p.requireExpr(p.parseUnnamed())
	}
	if _, ok := p.acceptKw("id"); ok {
		op.ID = p.requireExpr(p.parseUnnamed())
	}
	p.requireKw("on")
	if t, ok := p.accept(LParen); ok {
		x := p.parseContextualSubquery()
		end := p.require(RParen)
		op.Subquery = &ParenExpr{X: x, Src: Span{Start: t.Span.Start, End: end.Span.End}}
	} else {
		p.expected("'('")
		op.Subquery = &BadExpr{Src: p.here()}
	}
	return p.end(op)
}

// parseContextualSubquery parses the subquery of mv-apply: an operator
// (applied to the expanded rows) and its pipes.
func (p *parser) parseContextualSubquery() Expr {
	var x Expr
	if p.isKw("__contextual_datatable") {
		x = p.parseRareExpression()
	} else {
		x = &OperatorExpr{Op: p.parseRequiredOperator()}
	}
	return p.parsePipes(x)
}

func (p *parser) parseEvaluate() Operator {
	kw := p.advance()
	op := &EvaluateOp{OpBase: p.base(kw)}
	op.Options = p.parseParams(evaluateParams, false)
	switch {
	case p.scanCallStart(0):
		op.Call = p.parseCall()
	case p.scanName(0) > 0:
		name := p.parseName()
		p.expected("'('")
		op.Call = &CallExpr{Fun: name, End: name.Src.End}
	default:
		p.expected("a plugin call")
		op.Call = &BadExpr{Src: p.here()}
	}
	if _, ok := p.accept(Colon); ok {
		if _, ok := p.accept(LParen); ok {
			p.accept(Comma)
			if _, ok := p.accept(Star); ok {
				op.SchemaStar = true
			}
			p.accept(Comma)
			op.Schema = p.parseColumnDecls()
			p.require(RParen)
		} else {
			p.expected("a schema")
		}
	}
	return p.end(op)
}

func (p *parser) parseParse() Operator {
	kw := p.advance()
	op := &ParseOp{OpBase: p.base(kw)}
	op.Options = p.parseParams(parseParams, true)
	op.X = p.requireExpr(p.parseUnnamed())
	p.requireKw("with")
	for {
		var x Expr
		switch t := p.tok(); {
		case t.Kind == Star:
			x = &StarExpr{Src: p.advance().Span}
		case t.Kind == TokString:
			x = p.parseLiteral()
		case t.Kind == Colon:
			p.expected("a name")
			p.advance()
			x = &ColumnDeclExpr{Decl: &ColumnDecl{Name: &Ident{Src: p.here()}, Type: p.parseTypeName()}}
		default:
			if name := p.parseExtendedName(); name != nil {
				x = name
				if _, ok := p.accept(Colon); ok {
					x = &ColumnDeclExpr{Decl: &ColumnDecl{Name: name, Type: p.parseTypeName()}}
				}
			}
		}
		if x == nil {
			break
		}
		op.Pattern = append(op.Pattern, x)
	}
	return p.end(op)
}

func (p *parser) parseParseKv() Operator {
	kw := p.advance()
	op := &ParseKvOp{OpBase: p.base(kw)}
	op.X = p.requireExpr(p.parseUnnamed())
	p.requireKw("as")
	cols, ok := p.parseRowSchema()
	if !ok {
		p.expected("a schema")
	}
	op.Keys = cols
	if _, ok := p.acceptKw("with"); ok {
		p.require(LParen)
		op.With = p.parseParamCommaList(parseKvWithParams, declaredOnly)
		p.require(RParen)
	}
	return p.end(op)
}

func (p *parser) parseMakeSeries() Operator {
	kw := p.advance()
	op := &MakeSeriesOp{OpBase: p.base(kw)}
	op.Options = p.parseParams(makeSeriesParams, true)
	op.Aggs = commaList(p, func() (*SeriesAgg, bool) {
		x := p.parseNamed()
		if x == nil {
			return nil, false
		}
		a := &SeriesAgg{X: x}
		if _, ok := p.acceptKw("default"); ok {
			p.require(Assign)
			a.Default = p.requireExpr(p.parseNamed())
		}
		return a, true
	}, listOpts{what: "an aggregation", end: p.endOr("on", "from", "in"), oneOrMore: true})
	p.requireKw("on")
	op.On = p.requireExpr(p.parseNamed())
	if p.isKw("from") || p.isKw("to") || p.isKw("step") {
		if _, ok := p.acceptKw("from"); ok {
			op.From = p.requireExpr(p.parseUnnamed())
		}
		if _, ok := p.acceptKw("to"); ok {
			op.To = p.requireExpr(p.parseUnnamed())
		}
		p.requireKw("step")
		op.Step = p.requireExpr(p.parseUnnamed())
	} else {
		p.requireKw("in")
		p.requireKw("range")
		op.HasRangeKeyword = true
		p.require(LParen)
		op.InRange = commaList(p, exprs(p.parseNamed), listOpts{what: "an expression", end: p.endList})
		p.require(RParen)
	}
	if _, ok := p.acceptKw("by"); ok {
		op.By = commaList(p, exprs(p.parseNamed), listOpts{what: "an expression", oneOrMore: true})
	}
	return p.end(op)
}

func (p *parser) parseRender() Operator {
	kw := p.advance()
	op := &RenderOp{OpBase: p.base(kw)}
	chart := ""
	for _, c := range chartTypes {
		if n := p.matchText(0, c); n > 0 {
			for k := 0; k < n; k++ {
				p.advance()
			}
			chart = c
			break
		}
	}
	if chart == "" {
		if t, ok := p.accept(TokIdent); ok {
			chart = t.Text
		} else {
			p.expected("a chart type")
		}
	}
	op.Chart = chart
	for {
		var o *Option
		for _, prm := range renderParamsByName {
			if prm.name == "with" && p.peek(1).Kind == LParen {
				continue
			}
			if o = p.parseParamByName(prm); o != nil {
				break
			}
		}
		if o == nil {
			break
		}
		op.Options = append(op.Options, o)
	}
	if _, ok := p.acceptKw("with"); ok {
		p.require(LParen)
		p.accept(Comma)
		op.Props = p.parseParamCommaList(renderWithParams, declaredOnly)
		p.require(RParen)
	}
	return p.end(op)
}

func (p *parser) parseAs() Operator {
	kw := p.advance()
	op := &AsOp{OpBase: p.base(kw)}
	op.Options = p.parseParams(asParams, true)
	op.As = p.requireName(false)
	return p.end(op)
}

func (p *parser) parseSearch() Operator {
	kw := p.advance()
	op := &SearchOp{OpBase: p.base(kw)}
	op.Options = p.parseParams(searchParams, true)
	p.parseDataScope()
	op.In = p.parseFindIn()
	pred := p.parseUnnamed()
	if pred == nil {
		if t, ok := p.accept(Star); ok {
			pred = &StarExpr{Src: t.Span}
			if and, ok := p.acceptKw("and"); ok {
				pred = newBinary("and", and, pred, p.requireExpr(p.parseUnnamed()))
			}
		}
	}
	op.Pred = p.requireExpr(pred)
	return p.end(op)
}

func (p *parser) parseDataScope() {
	if _, ok := p.acceptKw("datascope"); ok {
		p.require(Assign)
		if !p.isKw("all") && !p.isKw("hotcache") {
			p.expected("'all' or 'hotcache'")
			return
		}
		p.advance()
	}
}

// parseFindIn parses in (tables) of find and search.
func (p *parser) parseFindIn() []Expr {
	if _, ok := p.acceptKw("in"); !ok {
		return nil
	}
	p.require(LParen)
	tables := commaList(p, exprs(func() Expr {
		return p.best(func() Expr {
			var x Expr
			if id := p.parseBracketedWildcardedName(); id != nil {
				x = id
			} else if id := p.parseBracketedName(); id != nil {
				x = id
			} else {
				x = p.parseBarePathElement()
			}
			if x != nil && p.tok().Kind == Pipe {
				pipe := p.advance().Span
				var as Operator
				if p.isKw("as") {
					as = p.parseAs()
				} else {
					p.expected("'as'")
					as = &GenericOp{OpBase: OpBase{Kw: p.here()}}
				}
				x = newPipe(x, pipe, as)
			}
			return x
		}, p.parseWildcardedEntity)
	}), listOpts{what: "a table", end: p.endList, oneOrMore: true})
	p.require(RParen)
	return tables
}

func (p *parser) parseFind() Operator {
	kw := p.advance()
	op := &SearchOp{OpBase: p.base(kw)}
	p.parseDataScope()
	op.Options = p.parseParams(findParams, false)
	op.In = p.parseFindIn()
	if len(op.Options) > 0 || op.In != nil {
		p.requireKw("where")
	} else {
		p.acceptKw("where")
	}
	op.Pred = p.requireExpr(p.parseUnnamed())
	column := func() (Expr, bool) {
		if p.isKw("pack") {
			kw := p.advance()
			p.require(LParen)
			p.require(Star)
			end := p.require(RParen)
			return &CallExpr{Fun: &Ident{Name: "pack", Src: kw.Span}, Args: []Expr{&StarExpr{}}, End: end.Span.End}, true
		}
		if t, ok := p.accept(Star); ok {
			return &StarExpr{Src: t.Span}, true
		}
		name := p.parseName()
		if name == nil {
			return nil, false
		}
		if _, ok := p.accept(Colon); ok {
			return &ColumnDeclExpr{Decl: &ColumnDecl{Name: name, Type: p.parseTypeName()}}, true
		}
		return name, true
	}
	switch {
	case p.isKw("project"):
		p.advance()
		op.Project = commaList(p, column, listOpts{what: "a column", oneOrMore: true})
	case p.isKw("project-smart"):
		p.advance()
	}
	if _, ok := p.acceptKw("__projectAway"); ok {
		op.ProjectAway = commaList(p, column, listOpts{what: "a column", oneOrMore: true})
	}
	return p.end(op)
}

func (p *parser) parseRange() Operator {
	if p.peek(1).Kind == LParen {
		return nil // range(...) the function
	}
	kw := p.advance()
	op := &RangeOp{OpBase: p.base(kw)}
	op.Col = p.requireName(false)
	p.requireKw("from")
	op.From = p.requireExpr(p.parseUnnamed())
	p.requireKw("to")
	op.To = p.requireExpr(p.parseUnnamed())
	p.requireKw("step")
	op.Step = p.requireExpr(p.parseUnnamed())
	return p.end(op)
}

// parseDotCalls parses f(...) and f(...).g(...), as invoke takes.
func (p *parser) parseDotCalls() Expr {
	x := p.parseCall()
	for x != nil && p.tok().Kind == Dot && p.scanCallStart(1) {
		p.advance()
		x = newMember(x, nil, p.parseCall().(*CallExpr))
	}
	return x
}

func (p *parser) parsePrint() Operator {
	kw := p.advance()
	op := &PrintOp{OpBase: p.base(kw)}
	op.Cols = commaList(p, exprs(p.parseNamed), listOpts{what: "an expression", end: p.endList, oneOrMore: true})
	return p.end(op)
}

func (p *parser) parseTopNested() Operator {
	op := &TopNestedOp{OpBase: OpBase{Kw: p.tok().Span, Word: "top-nested"}}
	op.Clauses = commaList(p, func() (*TopNestedClause, bool) {
		if _, ok := p.acceptKw("top-nested"); !ok {
			return nil, false
		}
		c := &TopNestedClause{Count: p.parseNamed()}
		p.requireKw("of")
		c.Of = p.requireExpr(p.parseNamed())
		if _, ok := p.acceptKw("with"); ok {
			p.requireKw("others")
			p.require(Assign)
			c.Others = p.parseLiteral()
			if c.Others == nil {
				c.Others = p.requireExpr(p.parseUnnamed())
			}
		}
		p.requireKw("by")
		c.By = p.requireSortKey()
		return c, true
	}, listOpts{what: "a top-nested clause", end: p.endList, oneOrMore: true})
	return p.end(op)
}

func (p *parser) parsePartition() Operator {
	kw := p.advance()
	op := &PartitionOp{OpBase: p.base(kw)}
	op.Options = p.parseParams(partitionParams, false)
	p.requireKw("by")
	op.By = p.parseSimplePath()
	if op.By == nil {
		p.expected("a column")
		op.By = &BadExpr{Src: p.here()}
	}
	if _, ok := p.acceptKw("in"); ok {
		if x := p.parseCall(); x != nil {
			op.Scope = x
		} else if p.isKw("dynamic") && p.peek(1).Kind == LParen {
			op.Scope = p.parseDynamic()
		} else {
			op.Scope = p.missingExpr()
		}
	}
	switch t := p.tok(); t.Kind {
	case LBrace:
		p.advance()
		x := p.requireExpr(p.parseExpression())
		end := p.require(RBrace)
		op.Subquery = &ParenExpr{X: x, Src: Span{Start: t.Span.Start, End: end.Span.End}}
		op.Braces = true
	case LParen:
		p.advance()
		var x Expr
		if op := p.parseOperator(); op != nil {
			x = p.parsePipes(&OperatorExpr{Op: op})
		} else if u := p.parseUnpipedOperator(); u != nil {
			x = p.parsePipes(u)
		} else {
			x = p.requireExpr(p.parseExpression())
		}
		end := p.require(RParen)
		op.Subquery = &ParenExpr{X: x, Src: Span{Start: t.Span.Start, End: end.Span.End}}
	default:
		p.expected("'(' or '{'")
		op.Subquery = &BadExpr{Src: p.here()}
	}
	return p.end(op)
}

// parseSimplePath parses a name followed by .name and [element]
// selectors.
func (p *parser) parseSimplePath() Expr {
	return p.parseSelectors(p.parsePathElement(), false, false)
}

func (p *parser) parsePartitionBy() Operator {
	kw := p.advance()
	base := p.base(kw)
	base.Options = p.parseParams(partitionByParams, false)
	x := p.parseSimplePath()
	if x == nil {
		p.expected("a column")
	}
	if _, ok := p.acceptKw("id"); ok {
		if p.parseLiteral() == nil {
			p.expected("a value")
		}
	}
	p.require(LParen)
	p.parseContextualSubquery()
	p.require(RParen)
	return p.generic(base)
}

func (p *parser) parseReduce() Operator {
	kw := p.advance()
	base := p.base(kw)
	base.Options = p.parseParams(reduceParams, false)
	p.requireKw("by")
	x := p.requireExpr(p.parseNamed())
	if _, ok := p.acceptKw("with"); ok {
		p.parseParamCommaList(reduceWithParams, declaredOrKnown)
	}
	return p.generic(base, x)
}

func (p *parser) parseFacet() Operator {
	kw := p.advance()
	base := p.base(kw)
	p.requireKw("by")
	commaList(p, exprs(p.parseSimplePath), listOpts{what: "a column", end: p.endOr("with"), oneOrMore: true})
	if _, ok := p.acceptKw("with"); ok {
		if _, ok := p.accept(LParen); ok {
			if x := p.parseForkPipe(); x == nil {
				p.expected("a query operator")
			}
			p.require(RParen)
		} else if p.parseForkOperator() == nil {
			p.expected("a query operator")
		}
	}
	return p.generic(base)
}

// parseForkOperator parses a piped or unpiped operator.
func (p *parser) parseForkOperator() Operator {
	if op := p.parseOperator(); op != nil {
		return op
	}
	if x := p.parseUnpipedOperator(); x != nil {
		return x.(*OperatorExpr).Op
	}
	return nil
}

// parseForkPipe parses an operator and its pipes (a fork branch).
func (p *parser) parseForkPipe() Expr {
	op := p.parseForkOperator()
	if op == nil {
		return nil
	}
	return p.parsePipes(&OperatorExpr{Op: op})
}

func (p *parser) parseFork() Operator {
	kw := p.advance()
	base := p.base(kw)
	n := 0
	for {
		if ln := p.scanName(0); ln > 0 && p.peek(ln).Kind == Assign {
			p.requireName(false)
			p.advance()
			p.require(LParen)
		} else if _, ok := p.accept(LParen); !ok {
			break
		}
		if p.parseForkPipe() == nil {
			p.requireExpr(p.parseExpression())
		}
		p.require(RParen)
		n++
	}
	if n == 0 {
		p.expected("'('")
	}
	return p.generic(base)
}

func (p *parser) parseScan() Operator {
	kw := p.advance()
	base := p.base(kw)
	base.Options = p.parseParams(scanParams, false)
	scanEnd := p.endOr("partition", "order", "by", "declare", "with")
	if _, ok := p.acceptKw("order"); ok {
		p.requireKw("by")
		commaList(p, func() (*SortKey, bool) {
			k := p.parseSortKey()
			return k, k != nil
		}, listOpts{what: "an expression", end: scanEnd, oneOrMore: true})
	}
	if _, ok := p.acceptKw("partition"); ok {
		p.requireKw("by")
		commaList(p, exprs(p.parseUnnamed), listOpts{what: "an expression", end: scanEnd, oneOrMore: true})
	}
	if _, ok := p.acceptKw("declare"); ok {
		p.require(LParen)
		p.parseParamList()
		p.require(RParen)
	}
	p.requireKw("with")
	p.require(LParen)
	for !p.listEnd(0) {
		if _, ok := p.acceptKw("step"); !ok {
			break
		}
		p.requireName(true)
		p.acceptKw("optional")
		if _, ok := p.acceptKw("output"); ok {
			p.require(Assign)
			// none is not a keyword, so match the word.
			if w := p.tok().Text; w != "all" && w != "last" && w != "none" {
				p.expected("'all', 'last' or 'none'")
			} else {
				p.advance()
			}
		}
		p.require(Colon)
		p.requireExpr(p.parseUnnamed())
		if _, ok := p.accept(Arrow); ok {
			commaList(p, func() (bool, bool) {
				if p.parseExtendedName() == nil {
					return false, false
				}
				p.require(Assign)
				p.requireExpr(p.parseUnnamed())
				return true, true
			}, listOpts{what: "an assignment", end: p.endList, oneOrMore: true})
		}
		p.require(Semi)
	}
	p.require(RParen)
	return p.generic(base)
}

func (p *parser) parseMacroExpand() Operator {
	kw := p.advance()
	base := p.base(kw)
	base.Options = p.parseParams(macroExpandParams, true)
	switch {
	case p.isKw("entity_group"):
		p.parseEntityGroup()
	case (p.tok().Text == "database" || p.tok().Text == "cluster") && p.peek(1).Kind == LParen:
		p.parseEntityPath()
	default:
		if p.parseName() == nil {
			p.expected("an entity group")
		}
	}
	if _, ok := p.acceptKw("as"); ok {
		p.requireName(false)
	}
	p.require(LParen)
	for st := p.parseStatement(); st != nil; st = p.parseStatement() {
		if _, ok := p.accept(Semi); !ok {
			break
		}
	}
	p.require(RParen)
	return p.generic(base)
}

// ---- inline_external_table (parsed, not run)

// scanSchemaAhead reports whether a '(' at off opens a schema: a ':' comes
// before the ')'.
func (p *parser) scanSchemaAhead(off int) bool {
	if p.peek(off).Kind != LParen {
		return false
	}
	for i := off + 1; ; i++ {
		switch p.peek(i).Kind {
		case Colon, EOF:
			return true
		case RParen:
			return false
		}
	}
}

// parseInlineExternalTable parses inline_external_table [(schema)]
// kind=storage|delta [partition by (cols)] [pathformat=(...)]
// [dataformat=F] (connection strings) [with (props)]. Used without a
// schema or kind, the keyword is a name, and nil is returned.
func (p *parser) parseInlineExternalTable() Operator {
	if !p.scanSchemaAhead(1) && !isKw(p.peek(1), "kind") {
		return nil
	}
	base := p.base(p.advance())
	hasSchema := p.scanSchemaAhead(0)
	if hasSchema {
		p.advance()
		p.accept(Comma)
		commaList(p, func() (*ColumnDecl, bool) {
			d := p.parseColumnDecl()
			return d, d != nil
		}, listOpts{what: "a column declaration", end: p.endList, oneOrMore: true, trailing: true})
		p.require(RParen)
	}
	delta := false
	if _, ok := p.acceptKw("kind"); ok {
		p.require(Assign)
		switch {
		case p.acceptText("storage"):
		case p.acceptText("delta"):
			delta = true
		default:
			p.expected("'storage' or 'delta'")
		}
	} else {
		p.expected("'kind'")
	}
	if !hasSchema && !delta {
		p.expected("a schema")
	}
	if _, ok := p.acceptKw("partition"); ok {
		p.requireKw("by")
		p.require(LParen)
		p.accept(Comma)
		commaList(p, func() (bool, bool) {
			p.requireName(true)
			p.require(Colon)
			if t := p.tok(); !isKw(t, "datetime") && !isKw(t, "long") && !isKw(t, "string") {
				p.errorf(t.Span, "a partition column is datetime, long or string, got %s", p.describe(t))
			}
			p.advance()
			if _, ok := p.accept(Assign); ok {
				p.requireExpr(p.parseUnnamed())
			}
			return true, true
		}, listOpts{what: "a partition column", end: p.endList, trailing: true})
		p.require(RParen)
	}
	if _, ok := p.acceptKw("pathformat"); ok {
		p.require(Assign)
		p.require(LParen)
		p.accept(TokString)
		n := 0
		for ; !p.listEnd(0); n++ {
			if _, ok := p.acceptKw("datetime_pattern"); ok {
				p.require(LParen)
				p.require(TokString)
				p.require(Comma)
				p.requireName(false)
				p.require(RParen)
			} else if p.parseName() == nil {
				t := p.advance()
				p.errorf(t.Span, "unexpected %s in a path format", p.describe(t))
			}
			p.accept(TokString)
		}
		if n == 0 {
			p.expected("a path format")
		}
		p.require(RParen)
	}
	if _, ok := p.acceptKw("dataformat"); ok {
		p.require(Assign)
		p.require(TokIdent)
	} else if !delta {
		p.expected("'dataformat'")
	}
	if _, ok := p.accept(LParen); ok {
		commaList(p, exprs(p.parseExpression), listOpts{what: "a connection string", end: p.endList, trailing: true})
		p.require(RParen)
	} else {
		p.expected("connection strings in parentheses")
	}
	if _, ok := p.acceptKw("with"); ok {
		p.require(LParen)
		p.parsePropertyList()
		p.require(RParen)
	}
	return p.generic(base)
}

// ---- graph operators (parsed, not run)

// parseMakeGraph parses make-graph [params] Source (-->|--) Target
// [with_node_id=Name | with T on Col, ...] [partitioned-by X (Subquery)].
func (p *parser) parseMakeGraph() Operator {
	kw := p.advance()
	base := p.base(kw)
	base.Options = p.parseParams(graphMakeParams, true)
	p.requireName(false)
	if !p.acceptText("-->") && !p.acceptText("--") {
		p.expected("'-->' or '--'")
	}
	p.requireName(false)
	switch {
	case p.isKw("with_node_id"):
		p.advance()
		p.require(Assign)
		p.requireName(true)
	case p.isKw("with"):
		p.advance()
		commaList(p, func() (bool, bool) {
			if p.parseUnary() == nil {
				return false, false
			}
			p.requireKw("on")
			p.requireName(false)
			return true, true
		}, listOpts{what: "a table and key", end: p.endOr("partitioned-by"), oneOrMore: true})
	}
	if _, ok := p.acceptKw("partitioned-by"); ok {
		if p.parseSimplePath() == nil {
			p.expected("a name")
		}
		p.require(LParen)
		p.parseContextualSubquery()
		p.require(RParen)
	}
	return p.generic(base)
}

// parseGraphMatch parses graph-match and graph-shortest-paths: [params]
// Pattern, ... [where Pred] [project Cols].
func (p *parser) parseGraphMatch() Operator {
	kw := p.advance()
	base := p.base(kw)
	params := graphMatchParams
	if kw.Text == "graph-shortest-paths" {
		params = graphShortestPathsParams
	}
	base.Options = p.parseParams(params, true)
	commaList(p, func() (bool, bool) {
		n := 0
		for p.parseGraphNotation() {
			n++
		}
		if n == 0 {
			p.expected("a graph pattern")
		}
		return true, true
	}, listOpts{oneOrMore: true})
	if _, ok := p.acceptKw("where"); ok {
		p.requireExpr(p.parseExpression())
	}
	if _, ok := p.acceptKw("project"); ok {
		commaList(p, exprs(p.parseNamed), listOpts{what: "an expression", end: p.endList, oneOrMore: true})
	}
	return p.generic(base)
}

// parseGraphNotation parses one node (name) or edge (-->, <--, --,
// -[name *1..3]->, <-[name]-) of a graph pattern.
func (p *parser) parseGraphNotation() bool {
	if _, ok := p.accept(LParen); ok {
		p.parseExtendedName()
		p.require(RParen)
		return true
	}
	if p.acceptText("-->") || p.acceptText("<--") || p.acceptText("--") {
		return true
	}
	if !p.acceptText("-[") && !p.acceptText("<-[") {
		return false
	}
	p.parseExtendedName()
	if _, ok := p.accept(Star); ok {
		if p.parseUnary() == nil {
			p.missingValue()
		}
		p.require(DotDot)
		p.requireExpr(p.parseUnary())
	}
	if !p.acceptText("]->") && !p.acceptText("]-") {
		p.expected("']->' or ']-'")
	}
	return true
}

// parseGraphToTableOutput parses nodes|edges [as Name] [params] of
// graph-to-table.
func (p *parser) parseGraphToTableOutput() bool {
	params := graphToTableNodesParams
	switch {
	case p.isKw("nodes"):
	case p.isKw("edges"):
		params = graphToTableEdgesParams
	default:
		return false
	}
	p.advance()
	if _, ok := p.acceptKw("as"); ok {
		p.requireName(true)
	}
	p.parseParams(params, true)
	return true
}

// ---- operator parameters

// nameScope tells which parameter names an operator accepts.
type nameScope uint8

const (
	declaredOrKnown nameScope = iota // the operator's own or any known parameter
	knownOnly                        // any known parameter
	declaredOnly                     // the operator's own parameters only
)

// multiTokenParams are the known parameters whose names are not single
// tokens.
var multiTokenParams = []string{"hint.pass_filters", "hint.pass_filters_column"}

// scanSpecificParam reports whether the operator's own parameter starts
// at off.
func (p *parser) scanSpecificParam(specific map[string]*param, equalsNeeded bool, off int) bool {
	t := p.peek(off)
	if t.Kind != TokIdent && t.Kind != TokKeyword {
		return false
	}
	prm, ok := specific[t.Text]
	if !ok {
		return false
	}
	return prm.noEquals || !equalsNeeded || p.peek(off+1).Kind == Assign
}

// scanKnownParam returns the token length of a known parameter name at
// off, or 0.
func (p *parser) scanKnownParam(specific map[string]*param, equalsNeeded bool, off int) int {
	t := p.peek(off)
	n := 0
	if t.Kind == TokIdent || t.Kind == TokKeyword {
		if _, ok := allParams[t.Text]; ok {
			n = 1
		} else if _, ok := specific[t.Text]; ok {
			n = 1
		}
	}
	if n == 0 {
		for _, name := range multiTokenParams {
			if n = p.matchText(off, name); n > 0 {
				break
			}
		}
	}
	if n > 0 && equalsNeeded && p.peek(off+n).Kind != Assign {
		return 0
	}
	return n
}

// scanParamName returns the token length of a parameter name at off.
func (p *parser) scanParamName(specific map[string]*param, scope nameScope, equalsNeeded bool, off int) int {
	if scope != knownOnly && p.scanSpecificParam(specific, equalsNeeded, off) {
		return 1
	}
	if scope != declaredOnly {
		return p.scanKnownParam(specific, equalsNeeded, off)
	}
	return 0
}

// parseParams parses an operator's name=value parameters.
func (p *parser) parseParams(specific map[string]*param, equalsNeeded bool) []*Option {
	var opts []*Option
	for {
		o := p.parseOneParam(specific, declaredOrKnown, equalsNeeded)
		if o == nil {
			return opts
		}
		opts = append(opts, o)
	}
}

// parseParamCommaList parses name=value, ... (render's and parse-kv's
// with properties).
func (p *parser) parseParamCommaList(specific map[string]*param, scope nameScope) []*Option {
	return commaList(p, func() (*Option, bool) {
		o := p.parseOneParam(specific, scope, false)
		return o, o != nil
	}, listOpts{what: "a property", end: p.endList})
}

func (p *parser) parseOneParam(specific map[string]*param, scope nameScope, equalsNeeded bool) *Option {
	n := p.scanParamName(specific, scope, equalsNeeded, 0)
	if n == 0 {
		return nil
	}
	start := p.tok().Span
	text := ""
	for k := 0; k < n; k++ {
		text += p.advance().Text
	}
	name := &Ident{Name: text, Src: Span{Start: start.Start, End: p.toks[p.i-1].Span.End}}
	p.require(Assign)
	prm, ok := specific[text]
	if !ok {
		prm, ok = allParams[text]
	}
	var v Expr
	if ok {
		v = p.parseParamValue(prm)
	} else {
		v = p.parseAnyParamValue()
		if v == nil {
			v = p.missingValue()
		}
	}
	return &Option{Name: name, Value: v}
}

// parseParamByName parses one given parameter when it is there:
// name=value, or name value for parameters written without '='.
func (p *parser) parseParamByName(prm *param) *Option {
	n := p.matchText(0, prm.name)
	if n == 0 || !prm.noEquals && p.peek(n).Kind != Assign {
		return nil
	}
	start := p.tok().Span
	for k := 0; k < n; k++ {
		p.advance()
	}
	name := &Ident{Name: prm.name, Src: Span{Start: start.Start, End: p.toks[p.i-1].Span.End}}
	if !prm.noEquals {
		p.advance() // =
	}
	return &Option{Name: name, Value: p.parseParamValue(prm)}
}

func (p *parser) missingValue() Expr {
	p.expected("a value")
	return &BadExpr{Src: p.here()}
}

// parseAnyParamValue parses a literal or a name.
func (p *parser) parseAnyParamValue() Expr {
	if x := p.parseLiteral(); x != nil {
		return x
	}
	if canBeName(p.tok()) {
		return p.tokenName()
	}
	if id := p.parseName(); id != nil {
		return id
	}
	return nil
}

func (p *parser) parseParamValue(prm *param) Expr {
	or := func(x Expr) Expr {
		if x == nil {
			x = p.parseAnyParamValue()
		}
		if x == nil {
			return p.missingValue()
		}
		return x
	}
	switch prm.kind {
	case vAny:
		return p.parseAnyParamValue()
	case vForcedReal:
		t := p.tok()
		if (t.Kind == TokLong || t.Kind == TokReal) && isDigit(byteAt(t.Text, 0)) {
			return or(p.parseLiteral())
		}
		return or(nil)
	case vString:
		if x := p.parsePostfix(); x != nil {
			return x
		}
		return p.missingValue()
	case vWord:
		for _, w := range prm.values {
			if n := p.matchText(0, w); n > 0 {
				start := p.tok().Span
				for k := 0; k < n; k++ {
					p.advance()
				}
				return &Ident{Name: w, Src: Span{Start: start.Start, End: p.toks[p.i-1].Span.End}}
			}
		}
		return or(nil)
	case vNameDeclaration, vColumn:
		if id := p.parseName(); id != nil {
			return id
		}
		return or(nil)
	case vColumnList:
		names := commaList(p, func() (Expr, bool) {
			if p.scanSpecificParam(renderParams, true, 0) {
				return nil, false
			}
			id := p.parseExtendedName()
			return id, id != nil
		}, listOpts{what: "a column name", oneOrMore: true, end: func() bool {
			for _, w := range []string{"kind", "title", "accumulate", "with", "by"} {
				if p.matchText(0, w) > 0 {
					return true
				}
			}
			return p.listEnd(0)
		}})
		if len(names) == 1 {
			return names[0]
		}
		return &CallExpr{Fun: &Ident{Name: "$list"}, Args: names}
	}
	return or(nil)
}
