package check

import (
	"path"
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// unionPart is one input of a union and the name withsource gives it.
type unionPart struct {
	node plan.Node
	name string
}

// union checks union, piped (in is the input) or not (in is nil).
// Columns are matched by name; kind=outer (the default) keeps every
// column, a name with several types becoming name_type columns, and
// kind=inner keeps the columns all inputs share. withsource= adds a
// first column naming each row's input. Names may hold wildcards
// (Device*Events), and isfuzzy=true skips the names that match nothing.
// https://learn.microsoft.com/kusto/query/union-operator
func (c *checker) union(sc *scope, in plan.Node, op *syntax.UnionOp) plan.Node {
	kind, kindSpan := optionWord(&op.OpBase, "kind")
	if kind != "" && kind != "inner" && kind != "outer" {
		c.errorf(kindSpan, "%s", errUnionKind(kind))
		return nil
	}
	fuzzy := false
	if v, ok := op.Option("isfuzzy").(*syntax.Literal); ok && v.Kind == syntax.LitBool {
		fuzzy = v.Text == "true"
	}
	var parts []unionPart
	if in != nil {
		name := "union_arg0"
		if as, ok := c.asNames[in]; ok {
			name = as
		}
		parts = append(parts, unionPart{node: in, name: name})
	}
	ok := true
	for _, x := range op.Tables {
		added, good := c.unionArg(sc, x, fuzzy, len(parts))
		parts = append(parts, added...)
		ok = ok && good
	}
	if !ok {
		return nil
	}
	if len(parts) == 0 {
		c.errorf(op.Span(), "%s", errUnionEmpty())
		return nil
	}
	n := unionOf(parts, kind == "inner", sourceName(op))
	for _, p := range parts {
		if c.open[p.node] && n != nil {
			// An input whose columns the data tells (bag_unpack) makes a
			// union whose columns it tells too.
			c.open[n] = true
		}
	}
	return n
}

// sourceName returns the withsource= column name, or "".
func sourceName(op *syntax.UnionOp) string {
	if id, ok := op.Option("withsource").(*syntax.Ident); ok {
		return id.Name
	}
	if id, ok := op.Option("with_source").(*syntax.Ident); ok {
		return id.Name
	}
	return ""
}

// unionArg checks one argument of union: a table name or pattern, or a
// tabular expression.
func (c *checker) unionArg(sc *scope, x syntax.Expr, fuzzy bool, index int) ([]unionPart, bool) {
	if id, ok := x.(*syntax.Ident); ok && (id.Wildcard || isPattern(id.Name)) {
		var parts []unionPart
		for _, name := range c.tablesMatching(sc, id.Name) {
			node, _ := c.ident(sc, nil, &syntax.Ident{Name: name, Src: id.Src})
			if node != nil {
				parts = append(parts, unionPart{node: node, name: name})
			}
		}
		if len(parts) == 0 {
			if !fuzzy {
				c.errorf(id.Src, "%s", errNoTableMatches(id.Name))
				return nil, false
			}
			c.warnf(id.Src, "%s", errFuzzyMissing(id.Name))
		}
		return parts, true
	}
	if id, ok := x.(*syntax.Ident); ok && fuzzy && sc.lookup(id.Name) == nil && (c.cat == nil || c.cat.Table(id.Name) == nil) {
		c.warnf(id.Src, "%s", errFuzzyMissing(id.Name))
		return nil, true
	}
	if id := pipeSource(x); id != nil && fuzzy && sc.lookup(id.Name) == nil && (c.cat == nil || c.cat.Table(id.Name) == nil) {
		// (Missing | where ...): a subquery over a table that does
		// not exist is left out too (the union page's isfuzzy example).
		c.warnf(id.Src, "%s", errFuzzyMissing(id.Name))
		return nil, true
	}
	node := c.tabular(sc, x)
	if node == nil {
		return nil, false
	}
	name := "union_arg" + strconv.Itoa(index)
	if as, ok := c.asNames[node]; ok {
		name = as
	}
	if id, ok := x.(*syntax.Ident); ok {
		name = id.Name
	}
	return []unionPart{{node: node, name: name}}, true
}

// pipeSource returns the table name a parenthesized pipeline starts
// from, or nil.
func pipeSource(x syntax.Expr) *syntax.Ident {
	p, ok := x.(*syntax.ParenExpr)
	if !ok {
		return nil
	}
	src := p.X
	for {
		switch e := src.(type) {
		case *syntax.PipeExpr:
			src = e.Source
		case *syntax.ParenExpr:
			src = e.X
		case *syntax.Ident:
			if e.Wildcard || isPattern(e.Name) {
				return nil
			}
			return e
		default:
			return nil
		}
	}
}

func isPattern(name string) bool {
	for _, r := range name {
		if r == '*' {
			return true
		}
	}
	return false
}

// tablesMatching returns the let-bound tables and catalog tables whose
// names match pattern, let-bound ones first.
func (c *checker) tablesMatching(sc *scope, pattern string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range sc.all() {
		if b := sc.lookup(n); b != nil && (b.kind == bindTable || b.kind == bindFunc && b.fn != nil && b.fn.View && b.ws == nil) && !seen[n] {
			if ok, _ := path.Match(pattern, n); ok {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	if c.cat != nil {
		for _, n := range c.cat.Names() {
			if ok, _ := path.Match(pattern, n); ok && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// unionOf builds the Union of parts.
func unionOf(parts []unionPart, inner bool, source string) *plan.Union {
	type slot struct {
		name string
		t    schema.Type
	}
	// Output columns in order of first appearance of each name; a name
	// seen with several types gets one column per type, next to each
	// other.
	var names []string
	typesOf := map[string][]schema.Type{}
	count := map[slot]int{}
	for _, p := range parts {
		for _, col := range p.node.Schema() {
			ts, seen := typesOf[col.Name]
			if !seen {
				names = append(names, col.Name)
			}
			has := false
			for _, t := range ts {
				has = has || t == col.Type
			}
			if !has {
				typesOf[col.Name] = append(ts, col.Type)
			}
			count[slot{col.Name, col.Type}]++
		}
	}
	u := &plan.Union{SourceCol: -1}
	if source != "" {
		u.SourceCol = 0
		u.Cols = append(u.Cols, schema.Column{Name: source, Type: schema.String})
	}
	var slots []slot
	// A name made of a column's name and type (x_long) that another
	// column already has is numbered (x_long1), as Kusto does.
	used := map[string]bool{}
	for _, n := range names {
		used[n] = true
	}
	for _, n := range names {
		ts := typesOf[n]
		if len(ts) > 1 {
			// A column whose type the data tells (bag_unpack) before the
			// data is seen: the known type stands for it until then.
			known := ts[:0:0]
			for _, t := range ts {
				if t != schema.Unknown {
					known = append(known, t)
				}
			}
			ts = known
		}
		for _, t := range ts {
			if inner && count[slot{n, t}] < len(parts) {
				continue
			}
			name := n
			if len(ts) > 1 {
				name = n + "_" + t.String()
				for k := 1; used[name]; k++ {
					name = n + "_" + t.String() + strconv.Itoa(k)
				}
				used[name] = true
			}
			slots = append(slots, slot{n, t})
			u.Cols = append(u.Cols, schema.Column{Name: name, Type: t})
		}
	}
	for _, p := range parts {
		u.Parts = append(u.Parts, p.node)
		u.Names = append(u.Names, p.name)
		m := make([]int, len(u.Cols))
		for j := range m {
			m[j] = -1
		}
		cols := p.node.Schema()
		for j, s := range slots {
			for i, col := range cols {
				if col.Name == s.name && col.Type == s.t {
					m[j+len(u.Cols)-len(slots)] = i
					break
				}
			}
		}
		u.Maps = append(u.Maps, m)
	}
	return u
}
