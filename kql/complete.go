package kql

import (
	"strings"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/check"
	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// Completion is what may be typed at a cursor in a query: Items replace
// the text from From (a byte offset, where the word at the cursor starts)
// to the cursor.
type Completion struct {
	From  int
	Items []CompletionItem
}

// CompletionItem is one suggestion. Kind is one of the Kind* constants;
// Detail describes it (a column's type, a function's signatures); Insert
// is the text that replaces the word at the cursor.
type CompletionItem struct {
	Label  string
	Kind   string
	Detail string
	Insert string
}

// The kinds of completion items.
const (
	KindTable     = "table"
	KindColumn    = "column"
	KindFunction  = "function"
	KindAggregate = "aggregate"
	KindOperator  = "operator"
	KindKeyword   = "keyword"
)

// Complete returns what may be typed at byte offset offset of text,
// from what the engine knows: the tables of cat and the query's tabular
// let names where a table is expected (at the start of a statement,
// after union, in join's parentheses); the query operators after '|';
// inside an operator, the columns of its input (the text up to the last
// '|' before the cursor, checked against cat, errors after it
// tolerated), the functions, the aggregates where summarize and
// make-series take them, the scalar let names and the word operators.
// Items are filtered by the word at the cursor, ignoring case. Inside a
// string or a comment there is nothing to complete. Complete is safe for
// concurrent use and never panics.
func Complete(text string, offset int, cat *Catalog) (c Completion) {
	offset = max(0, min(offset, len(text)))
	for offset > 0 && offset < len(text) && !utf8.RuneStart(text[offset]) {
		offset--
	}
	defer func() {
		if recover() != nil {
			c = Completion{From: offset}
		}
	}()
	return completeAt(text, offset, cat)
}

// completeAt is Complete without the recovery of panics, for the fuzz
// test; offset is within text, at the start of a character.
func completeAt(text string, offset int, cat *Catalog) Completion {
	if cat == nil {
		cat = Builtin()
	}
	cp := &completer{text: text[:offset], cat: cat}
	return cp.complete()
}

type completer struct {
	text string // the query up to the cursor
	cat  *Catalog
	toks []syntax.Token
}

// frame is a group of tokens between brackets, or the whole text.
type frame struct {
	open     int  // index of the opening token, -1 for the whole text
	tabular  bool // the group holds a query (a subquery, a function body)
	segStart int  // index of the first token of the current query in the group
	lastPipe int  // index of the last '|' of the current query, -1 for none
}

func (cp *completer) complete() Completion {
	text := cp.text
	toks, _ := syntax.Lex(text)
	if n := len(toks); n > 0 && toks[n-1].Kind == syntax.EOF {
		toks = toks[:n-1]
	}
	cp.toks = toks
	if inStringOrComment(text, toks) {
		return Completion{From: len(text)}
	}
	// The word at the cursor: letters, digits and '_' (and '-' in an
	// operator's name).
	from := len(text)
	for from > 0 && isWordByte(text[from-1]) {
		from--
	}
	if from > 0 && text[from-1] == '$' { // $left, $right
		from--
	}
	// A word with '-' inside may be an operator's name being typed.
	hy := from
	for hy > 0 && (isWordByte(text[hy-1]) || text[hy-1] == '-') {
		hy--
	}
	ctx := cp.context(from)
	if hy != from {
		if c2 := cp.context(hy); c2.kind == ctxOperator {
			from, ctx = hy, c2
		}
	}
	items := cp.items(ctx)
	prefix := strings.ToLower(text[from:])
	out := Completion{From: from}
	seen := map[string]bool{}
	for _, it := range items {
		if !strings.HasPrefix(strings.ToLower(it.Label), prefix) || seen[it.Kind+"\x00"+it.Label] {
			continue
		}
		seen[it.Kind+"\x00"+it.Label] = true
		out.Items = append(out.Items, it)
	}
	return out
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

// inStringOrComment reports whether the end of text is inside a string
// literal or a comment.
func inStringOrComment(text string, toks []syntax.Token) bool {
	end := 0
	if n := len(toks); n > 0 {
		last := toks[n-1]
		end = last.Span.End
		if last.Span.End == len(text) && (last.Kind == syntax.TokString || last.Kind == syntax.Bad) {
			// A string that ends at the cursor is open unless its closing
			// quote is there.
			s := text[last.Span.Start:last.Span.End]
			return !closedString(s)
		}
		if last.Span.End > len(text) {
			return true
		}
	}
	gap := text[end:]
	if i := strings.LastIndex(gap, "//"); i >= 0 && !strings.Contains(gap[i:], "\n") {
		return true
	}
	return false
}

// closedString reports whether s, the text of a string token, ends with
// its closing quote.
func closedString(s string) bool {
	body := strings.TrimLeft(s, "@hH")
	switch {
	case strings.HasPrefix(body, "```"):
		return len(body) >= 6 && strings.HasSuffix(body, "```")
	case len(body) >= 2 && (body[0] == '"' || body[0] == '\''):
		q := body[0]
		if body[len(body)-1] != q {
			return false
		}
		if s[0] == '@' || strings.HasPrefix(s, "h@") || strings.HasPrefix(s, "H@") {
			return true
		}
		// The closing quote must not be escaped.
		n := 0
		for i := len(body) - 2; i > 0 && body[i] == '\\'; i-- {
			n++
		}
		return n%2 == 0
	}
	return false
}

type ctxKind int

const (
	ctxNone     ctxKind = iota
	ctxTable            // a table is expected
	ctxStart            // the start of a statement: tables and statement keywords
	ctxOperator         // after '|'
	ctxExpr             // inside an operator
	ctxScalar           // an expression with no input columns (print)
	ctxRender           // the chart kind of render
)

type completionContext struct {
	kind ctxKind
	// op is the keyword of the operator the cursor is in (ctxExpr).
	op string
	// afterBy is set when the cursor is after the operator's 'by'.
	afterBy bool
	// operand is set when the token before the cursor ends an operand,
	// so that a word operator (has, and, in) may follow.
	operand bool
	// input is the text of the operator's input query, with the let
	// statements before it.
	input string
}

// tabularBefore lists the keywords after which '(' opens a query.
var tabularBefore = map[string]bool{"join": true, "lookup": true, "union": true, "materialize": true, "toscalar": true,
	"view": true, "in": true, "!in": true, "fork": true, "facet": true}

// context finds where the word starting at byte from sits.
func (cp *completer) context(from int) completionContext {
	toks := cp.toks
	n := 0
	for n < len(toks) && toks[n].Span.End <= from {
		n++
	}
	stack := []*frame{{open: -1, tabular: true, segStart: 0, lastPipe: -1}}
	for i := 0; i < n; i++ {
		t := toks[i]
		top := stack[len(stack)-1]
		switch t.Kind {
		case syntax.LParen, syntax.LBrack, syntax.LBrace:
			f := &frame{open: i, segStart: i + 1, lastPipe: -1}
			f.tabular = t.Kind == syntax.LBrace || t.Kind == syntax.LParen && cp.opensQuery(i, top)
			stack = append(stack, f)
		case syntax.RParen, syntax.RBrack, syntax.RBrace:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case syntax.Pipe:
			if top.tabular {
				top.lastPipe = i
			}
		case syntax.Semi:
			if top.tabular {
				top.segStart, top.lastPipe = i+1, -1
			}
		}
	}
	// The innermost group that holds a query.
	var seg *frame
	for k := len(stack) - 1; k >= 0; k-- {
		if stack[k].tabular {
			seg = stack[k]
			break
		}
	}
	start := seg.segStart
	// let NAME = ...: the query starts after '='.
	if start+2 < n && toks[start].Kind == syntax.TokKeyword && toks[start].Text == "let" && toks[start+2].Kind == syntax.Assign {
		start += 3
	}
	var prev *syntax.Token
	if n > 0 {
		prev = &toks[n-1]
	}
	if prev != nil && (prev.Kind == syntax.Dot) {
		return completionContext{}
	}
	if seg.lastPipe < start {
		if n <= start {
			if seg.open < 0 && start == seg.segStart {
				return completionContext{kind: ctxStart}
			}
			return completionContext{kind: ctxTable}
		}
		first := toks[start]
		if first.Kind == syntax.TokKeyword && first.Text == "union" && (prev.Kind == syntax.Comma || n-1 == start) {
			return completionContext{kind: ctxTable}
		}
		if first.Kind == syntax.TokKeyword && (first.Text == "print" || first.Text == "range") {
			return completionContext{kind: ctxScalar, operand: endsOperand(*prev)}
		}
		return completionContext{}
	}
	if n-1 == seg.lastPipe {
		return completionContext{kind: ctxOperator}
	}
	opTok := toks[seg.lastPipe+1]
	op := strings.ToLower(opTok.Text)
	switch {
	case op == "render" && n-1 == seg.lastPipe+1:
		return completionContext{kind: ctxRender}
	case (op == "union" || op == "join" || op == "lookup") && (n-1 == seg.lastPipe+1 || op == "union" && prev.Kind == syntax.Comma):
		return completionContext{kind: ctxTable}
	}
	ctx := completionContext{kind: ctxExpr, op: op, operand: n-1 > seg.lastPipe+1 && endsOperand(*prev)}
	for i := seg.lastPipe + 2; i < n; i++ {
		if t := toks[i]; t.Kind == syntax.TokKeyword && (t.Text == "by" || t.Text == "on") {
			ctx.afterBy = true
		}
	}
	ctx.input = cp.lets(seg) + cp.text[toks[start].Span.Start:toks[seg.lastPipe].Span.Start]
	return ctx
}

// opensQuery reports whether the '(' at token i opens a query: after
// join, lookup, union and the like (join's kind=... options skipped), at
// the start of a statement, or after ',' in union's list.
func (cp *completer) opensQuery(i int, outer *frame) bool {
	toks := cp.toks
	j := i - 1
	// name=value options between the operator and '(' (join kind=inner).
	for j >= 3 && toks[j-1].Kind == syntax.Assign && (toks[j-2].Kind == syntax.TokIdent || toks[j-2].Kind == syntax.TokKeyword) && toks[j-3].Text != "let" {
		j -= 3
	}
	if j < 0 {
		return true
	}
	p := toks[j]
	switch {
	case p.Kind == syntax.TokKeyword && tabularBefore[p.Text]:
		return true
	case p.Kind == syntax.Semi || p.Kind == syntax.Pipe:
		return true
	case p.Kind == syntax.Assign && j >= 2 && toks[j-2].Kind == syntax.TokKeyword && toks[j-2].Text == "let":
		// let x = (...): a query or a function's parameters; the
		// parameters hold no '|', so calling it a query is harmless.
		return true
	case p.Kind == syntax.Comma && outer.tabular && outer.lastPipe >= 0 && outer.lastPipe+1 < i &&
		toks[outer.lastPipe+1].Text == "union":
		return true
	case p.Kind == syntax.Comma && outer.tabular && outer.segStart < len(toks) && toks[outer.segStart].Text == "union":
		return true
	}
	return false
}

// endsOperand reports whether t ends an operand, after which a binary
// word operator may come.
func endsOperand(t syntax.Token) bool {
	switch t.Kind {
	case syntax.TokIdent, syntax.TokString, syntax.TokLong, syntax.TokReal, syntax.TokTimespan, syntax.TokBool,
		syntax.TokGoo, syntax.RParen, syntax.RBrack:
		return true
	}
	return false
}

// lets returns the text of the top-level let statements before the
// statement the cursor is in, each ending with ';'.
func (cp *completer) lets(seg *frame) string {
	var b strings.Builder
	depth := 0
	stmt := 0 // index of the first token of the current statement
	limit := len(cp.toks)
	if seg.open < 0 {
		limit = seg.segStart
	}
	for i := 0; i < limit; i++ {
		t := cp.toks[i]
		switch t.Kind {
		case syntax.LParen, syntax.LBrack, syntax.LBrace:
			depth++
		case syntax.RParen, syntax.RBrack, syntax.RBrace:
			depth--
		case syntax.Semi:
			if depth == 0 {
				if first := cp.toks[stmt]; first.Kind == syntax.TokKeyword && first.Text == "let" {
					b.WriteString(cp.text[first.Span.Start:t.Span.End])
					b.WriteByte('\n')
				}
				stmt = i + 1
			}
		}
	}
	return b.String()
}

// letName is a name bound by a let statement before the cursor.
type letName struct {
	name    string
	tabular bool
	lambda  bool
}

// letNames returns the names the query's let statements bind before the
// cursor, telling tabular ones from scalars and functions by checking
// them.
func (cp *completer) letNames() []letName {
	var out []letName
	toks := cp.toks
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].Kind != syntax.TokKeyword || toks[i].Text != "let" || toks[i+2].Kind != syntax.Assign {
			continue
		}
		ln := letName{name: toks[i+1].Text}
		if i+3 < len(toks) {
			v := toks[i+3]
			switch {
			case v.Kind == syntax.LParen && cp.isLambda(i+3):
				ln.lambda = true
			case v.Kind == syntax.TokIdent && (cp.cat.Table(v.Text) != nil || tabularLet(out, v.Text)):
				ln.tabular = true
			case v.Kind == syntax.TokKeyword && (v.Text == "datatable" || v.Text == "union" || v.Text == "materialize" ||
				v.Text == "view" || v.Text == "range" || v.Text == "print" || v.Text == "externaldata" || v.Text == "find" || v.Text == "search"):
				ln.tabular = true
			}
		}
		out = append(out, ln)
	}
	return out
}

func tabularLet(ls []letName, name string) bool {
	for _, l := range ls {
		if l.name == name && l.tabular {
			return true
		}
	}
	return false
}

// isLambda reports whether the '(' at token i opens a function's
// parameters: its ')' is followed by '{'.
func (cp *completer) isLambda(i int) bool {
	depth := 0
	for j := i; j < len(cp.toks); j++ {
		switch cp.toks[j].Kind {
		case syntax.LParen:
			depth++
		case syntax.RParen:
			depth--
			if depth == 0 {
				return j+1 < len(cp.toks) && cp.toks[j+1].Kind == syntax.LBrace
			}
		}
	}
	return false
}

// inputColumns checks the input query text and returns the columns of
// its last tabular statement, nil when it does not get that far.
func (cp *completer) inputColumns(input string) []schema.Column {
	ast, _ := syntax.Parse(input)
	res, _ := check.Check(ast, input, cp.cat)
	if res == nil || len(res.Plans) == 0 {
		return nil
	}
	return res.Plans[len(res.Plans)-1].Schema()
}

// chartKinds are render's chart kinds.
var chartKinds = []string{"anomalychart", "areachart", "barchart", "card", "columnchart", "ladderchart", "linechart",
	"piechart", "pivotchart", "scatterchart", "stackedareachart", "table", "timechart", "timepivot", "treemap"}

// wordOperators are the binary operators that are words.
var wordOperators = []string{"and", "or", "has", "!has", "has_cs", "!has_cs", "has_any", "has_all", "hasprefix",
	"hassuffix", "contains", "!contains", "contains_cs", "startswith", "!startswith", "endswith", "!endswith",
	"in", "!in", "in~", "!in~", "between", "!between", "matches regex"}

// operatorKeywords are the keywords an operator takes after an operand.
var operatorKeywords = map[string][]string{
	"summarize": {"by"}, "make-series": {"on", "from", "to", "step", "by", "default"}, "sort": {"by", "asc", "desc", "nulls first", "nulls last"},
	"order": {"by", "asc", "desc", "nulls first", "nulls last"}, "top": {"by", "asc", "desc"}, "join": {"on"}, "lookup": {"on"},
	"mv-expand": {"to typeof"}, "parse": {"with"}, "render": {"with"}, "top-nested": {"of", "by", "with others"},
}

// items lists every suggestion of a context, unfiltered.
func (cp *completer) items(ctx completionContext) []CompletionItem {
	var out []CompletionItem
	lets := cp.letNames()
	tables := func() {
		for _, l := range lets {
			if l.tabular {
				out = append(out, CompletionItem{Label: l.name, Kind: KindTable, Detail: "let", Insert: quoteName(l.name)})
			}
		}
		for _, name := range cp.cat.Names() {
			t := cp.cat.Table(name)
			out = append(out, CompletionItem{Label: name, Kind: KindTable, Detail: tableDetail(t), Insert: quoteName(name)})
		}
		for _, f := range cp.cat.Funcs() {
			out = append(out, CompletionItem{Label: f.Name, Kind: KindFunction, Detail: "workspace function", Insert: f.Name + "("})
		}
	}
	scalars := func(aggregates bool) {
		for _, l := range lets {
			switch {
			case l.lambda:
				out = append(out, CompletionItem{Label: l.name, Kind: KindFunction, Detail: "let function", Insert: l.name + "("})
			case !l.tabular:
				out = append(out, CompletionItem{Label: l.name, Kind: KindColumn, Detail: "let", Insert: quoteName(l.name)})
			}
		}
		if aggregates {
			for _, name := range funcs.AggNames() {
				a := funcs.LookupAgg(name)
				out = append(out, CompletionItem{Label: name, Kind: KindAggregate, Detail: strings.Join(a.Signatures(), "\n"), Insert: name + "("})
			}
		}
		for _, name := range funcs.Names() {
			f := funcs.Lookup(name)
			ins := name + "("
			if len(f.Sigs) == 1 && len(f.Sigs[0].Params) == 0 {
				ins = name + "()"
			}
			out = append(out, CompletionItem{Label: name, Kind: KindFunction, Detail: strings.Join(f.Signatures(), "\n"), Insert: ins})
		}
	}
	keywords := func(words ...string) {
		for _, w := range words {
			out = append(out, CompletionItem{Label: w, Kind: KindKeyword, Insert: w})
		}
	}
	switch ctx.kind {
	case ctxStart:
		tables()
		keywords("let", "union", "print", "range", "datatable", "search", "find", "set", "declare")
	case ctxTable:
		tables()
	case ctxOperator:
		for _, op := range syntax.QueryOperators() {
			out = append(out, CompletionItem{Label: op, Kind: KindOperator, Insert: op})
		}
	case ctxRender:
		keywords(chartKinds...)
	case ctxScalar:
		if ctx.operand {
			keywords(wordOperators...)
		}
		scalars(false)
	case ctxExpr:
		if ctx.operand {
			keywords(operatorKeywords[ctx.op]...)
			keywords(wordOperators...)
		}
		for _, c := range cp.inputColumns(ctx.input) {
			out = append(out, CompletionItem{Label: c.Name, Kind: KindColumn, Detail: c.Type.String(), Insert: quoteName(c.Name)})
		}
		switch ctx.op {
		case "project-away", "project-keep", "project-reorder", "project-rename", "distinct":
			return out
		}
		if ctx.op == "join" || ctx.op == "lookup" {
			out = append(out, CompletionItem{Label: "$left", Kind: KindKeyword, Insert: "$left"},
				CompletionItem{Label: "$right", Kind: KindKeyword, Insert: "$right"})
		}
		scalars((ctx.op == "summarize" || ctx.op == "make-series") && !ctx.afterBy)
	}
	return out
}

func tableDetail(t *schema.Table) string {
	if t == nil {
		return ""
	}
	if t.Doc != "" {
		return t.Doc
	}
	return "table"
}

// quoteName returns name as a query writes it: bare when it is an
// identifier that is not a keyword, else ['name'].
func quoteName(name string) string {
	toks, diags := syntax.Lex(name)
	if len(diags) == 0 && len(toks) == 2 && toks[0].Kind == syntax.TokIdent && toks[0].Text == name {
		return name
	}
	return "[" + QuoteString(name) + "]"
}
