package check

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// search checks search and find: the rows of the tables named (by default
// every table of the catalog, or the piped input) that match the
// predicate, with the name of each row's table first ($table for
// search, source_ for find). In search, a lone string is a term that any
// column may have ("ntds", "ntds*" for a prefix), and Column:"term" a
// term of one column; find may project columns.
// https://learn.microsoft.com/kusto/query/search-operator
// https://learn.microsoft.com/kusto/query/find-operator
func (c *checker) search(sc *scope, in plan.Node, op *syntax.SearchOp) plan.Node {
	find := op.Word == "find"
	source := "$table"
	if find {
		source = "source_"
		if id, ok := op.Option("withsource").(*syntax.Ident); ok {
			source = id.Name
		}
	}
	var parts []unionPart
	switch {
	case in != nil:
		parts = append(parts, unionPart{node: in, name: ""})
	case op.In != nil:
		for _, x := range op.In {
			added, ok := c.unionArg(sc, x, false, len(parts))
			if !ok {
				return nil
			}
			parts = append(parts, added...)
		}
	default:
		// The views of the query (let NAME = view () {...}) come
		// first, then the catalog's tables.
		for _, name := range sc.views() {
			node, _ := c.ident(sc, nil, &syntax.Ident{Name: name, Src: op.Span()})
			if node != nil {
				parts = append(parts, unionPart{node: node, name: name})
			}
		}
		if c.cat != nil {
			for _, name := range c.cat.Names() {
				parts = append(parts, unionPart{node: c.scan(c.cat.Table(name), op.Span()), name: name})
			}
		}
	}
	if len(parts) == 0 {
		c.errorf(op.Span(), "%s", errUnionEmpty())
		return nil
	}
	u := unionOf(parts, false, source)
	r := newRow(u.Cols)
	var node plan.Node = u
	if op.Pred != nil {
		caseSensitive := false
		if word, _ := optionWord(&op.OpBase, "kind"); word == "case_sensitive" {
			caseSensitive = true
		}
		pred := c.scalar(sc, r, searchTerms(op.Pred, caseSensitive, !find))
		if t := pred.Type(); t != schema.Bool && t != schema.Unknown {
			c.errorf(op.Pred.Span(), "%s", errType("the predicate of '"+op.Word+"'", "bool", t))
		}
		node = &plan.Filter{Input: u, Pred: pred, Cols: u.Schema()}
	}
	if !find || op.Project == nil && op.ProjectAway == nil {
		return node
	}
	p := &plan.Project{Input: node}
	p.Exprs = append(p.Exprs, &plan.ColRef{Index: 0, Name: source, T: schema.String})
	p.Cols = append(p.Cols, u.Cols[0])
	if op.Project != nil {
		nm := c.newNamer()
		nm.reserve(source)
		for _, item := range op.Project {
			names, x := named(item)
			e := c.scalar(sc, r, x)
			p.Exprs = append(p.Exprs, e)
			p.Cols = append(p.Cols, schema.Column{Name: nm.name(names, x), Type: e.Type()})
		}
		return p
	}
	away := map[int]bool{}
	for _, item := range op.ProjectAway {
		if id, ok := item.(*syntax.Ident); ok {
			for _, i := range matchNames(u.Cols, id.Name) {
				away[i] = true
			}
		}
	}
	for i, col := range u.Cols[1:] {
		if !away[i+1] {
			p.Exprs = append(p.Exprs, &plan.ColRef{Index: i + 1, Name: col.Name, T: col.Type})
			p.Cols = append(p.Cols, col)
		}
	}
	return p
}

// searchTerms rewrites the terms of a search predicate: a lone string
// becomes * has "term" (hasprefix, hassuffix or contains for term*,
// *term and *term*), Column:"term" becomes Column has "term"; with
// kind=case_sensitive, the _cs operators.
func searchTerms(x syntax.Expr, caseSensitive, search bool) syntax.Expr {
	cs := func(op string) string {
		if caseSensitive {
			return op + "_cs"
		}
		return op
	}
	switch x := x.(type) {
	case *syntax.Literal:
		if !search || x.Kind != syntax.LitString {
			return x
		}
		op, term := "has", x.Text
		switch {
		case len(term) > 1 && strings.HasPrefix(term, "*") && strings.HasSuffix(term, "*"):
			op, term = "contains", term[1:len(term)-1]
		case strings.HasSuffix(term, "*"):
			op, term = "hasprefix", strings.TrimSuffix(term, "*")
		case strings.HasPrefix(term, "*"):
			op, term = "hassuffix", strings.TrimPrefix(term, "*")
		}
		lit := *x
		lit.Text = term
		return &syntax.BinaryExpr{Op: cs(op), OpPos: x.Src, X: &syntax.StarExpr{Src: x.Src}, Y: &lit}
	case *syntax.BinaryExpr:
		switch x.Op {
		case "and", "or":
			return &syntax.BinaryExpr{Op: x.Op, OpPos: x.OpPos, X: searchTerms(x.X, caseSensitive, search), Y: searchTerms(x.Y, caseSensitive, search), Src: x.Src}
		case ":":
			return &syntax.BinaryExpr{Op: cs("has"), OpPos: x.OpPos, X: x.X, Y: x.Y, Src: x.Src}
		}
	case *syntax.ParenExpr:
		return &syntax.ParenExpr{X: searchTerms(x.X, caseSensitive, search), Src: x.Src}
	case *syntax.CallExpr:
		if x.Fun.Name == "not" && len(x.Args) == 1 {
			return &syntax.CallExpr{Fun: x.Fun, Args: []syntax.Expr{searchTerms(x.Args[0], caseSensitive, search)}, End: x.End}
		}
	}
	return x
}
