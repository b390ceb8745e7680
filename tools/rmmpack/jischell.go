package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/kql"
)

// cond is a condition of a jischell query, reduced to what this pack can
// write again: conjunctions, disjunctions and atoms that compare a column
// with string constants.
type cond interface{ isCond() }

type andCond []cond
type orCond []cond

// atom is `Col Op "v"`, `Col Op ("v1", "v2")` or, with Op "isempty",
// `isempty(Col)`.
type atom struct {
	Col  string
	Op   string
	Vals []string
}

func (andCond) isCond() {}
func (orCond) isCond()  {}
func (atom) isCond()    {}

// scalarOps are the binary string operators kept from jischell queries.
var scalarOps = map[string]bool{
	"has": true, "=~": true, "==": true, "startswith": true, "endswith": true, "contains": true,
}

// listOps are the list operators kept from jischell queries.
var listOps = map[string]bool{"has_any": true, "in": true, "in~": true}

// repair is a known defect of a jischell query (shared README, "Known
// defects") that the generator fixes before reading the query.
type repair struct {
	File string
	Desc string
}

// knownRepairs are applied, in order, to a query that does not parse.
var knownRepairs = []struct {
	re   *regexp.Regexp
	repl string
	desc string
}{
	{regexp.MustCompile(`,(\s*(?://[^\n]*\n\s*)*)\)`), "$1)", "removed the trailing comma before ')' in a has_any list (defect 5)"},
	{regexp.MustCompile(`\bhas_all\s+has_any\b`), "has_any", "read 'has_all has_any' as has_any, as the markdown version has it (defect 4)"},
	{regexp.MustCompile(`\|\s*Sha1\s+in\b`), "| where SHA1 in", "read '| Sha1 in' as '| where SHA1 in' (defect 3)"},
	{regexp.MustCompile(`\bdistinct\s+Sha1\b`), "distinct SHA1", "read 'distinct Sha1' as 'distinct SHA1' (defect 3)"},
}

// parseJischell parses a jischell query with kqlhunt's parser and returns
// the table its last statement reads and the conjunction of its where
// conditions, leaving out the Timestamp window. A query that does not
// parse is parsed again after knownRepairs; the repairs used are returned.
// A condition the pack cannot write again is an error that says why.
func parseJischell(query string) (table string, pred cond, reps []repair, err error) {
	text := query
	q, diags := syntax.Parse(text)
	if diags.HasErrors() {
		for _, r := range knownRepairs {
			if fixed := r.re.ReplaceAllString(text, r.repl); fixed != text {
				text = fixed
				reps = append(reps, repair{Desc: r.desc})
			}
		}
		q, diags = syntax.Parse(text)
		if diags.HasErrors() {
			return "", nil, reps, fmt.Errorf("the query does not parse: %s", diags.Errors()[0].Msg)
		}
	}
	if len(q.Stmts) == 0 {
		return "", nil, reps, fmt.Errorf("the query has no statements")
	}
	st, ok := q.Stmts[len(q.Stmts)-1].(*syntax.ExprStmt)
	if !ok {
		return "", nil, reps, fmt.Errorf("the query's last statement is not a query")
	}
	var preds []syntax.Expr
	x := st.X
	for {
		p, ok := x.(*syntax.PipeExpr)
		if !ok {
			break
		}
		if w, ok := p.Op.(*syntax.WhereOp); ok {
			preds = append([]syntax.Expr{w.Pred}, preds...)
		}
		x = p.Source
	}
	id, ok := x.(*syntax.Ident)
	if !ok {
		return "", nil, reps, fmt.Errorf("the query does not start with a table name")
	}
	var all andCond
	for _, p := range preds {
		if c := toCond(p, text); c != nil {
			all = append(all, flatten(c)...)
		}
	}
	switch len(all) {
	case 0:
		return id.Name, nil, reps, fmt.Errorf("the query has no conditions")
	case 1:
		return id.Name, all[0], reps, nil
	}
	return id.Name, all, reps, nil
}

// flatten returns the conjuncts of c.
func flatten(c cond) andCond {
	if a, ok := c.(andCond); ok {
		return a
	}
	return andCond{c}
}

// opaqueOp marks an atom that is not a comparison of a column with
// constants; its one value is the condition's text.
const opaqueOp = "?"

// toCond converts a where condition. The Timestamp window gives nil; a
// condition this pack cannot write again gives an opaque atom.
func toCond(e syntax.Expr, text string) cond {
	opaque := func() cond {
		sp := e.Span()
		return atom{Op: opaqueOp, Vals: []string{strings.Join(strings.Fields(text[sp.Start:sp.End]), " ")}}
	}
	switch e := e.(type) {
	case *syntax.ParenExpr:
		return toCond(e.X, text)
	case *syntax.BetweenExpr:
		if id, ok := e.X.(*syntax.Ident); ok && id.Name == "Timestamp" && !e.Not {
			return nil
		}
	case *syntax.BinaryExpr:
		if e.Op == "and" || e.Op == "or" {
			x, y := toCond(e.X, text), toCond(e.Y, text)
			switch {
			case x == nil:
				return y
			case y == nil:
				return x
			}
			if e.Op == "and" {
				return append(flatten(x), flatten(y)...)
			}
			var or orCond
			for _, c := range []cond{x, y} {
				if o, ok := c.(orCond); ok {
					or = append(or, o...)
				} else {
					or = append(or, c)
				}
			}
			return or
		}
		id, ok := e.X.(*syntax.Ident)
		lit, ok2 := e.Y.(*syntax.Literal)
		if ok && ok2 && scalarOps[e.Op] && lit.Kind == syntax.LitString {
			return atom{Col: id.Name, Op: e.Op, Vals: []string{lit.Text}}
		}
	case *syntax.InExpr:
		id, ok := e.X.(*syntax.Ident)
		if !ok || !listOps[e.Op] {
			break
		}
		a := atom{Col: id.Name, Op: e.Op}
		for _, item := range e.List {
			lit, ok := item.(*syntax.Literal)
			if !ok || lit.Kind != syntax.LitString {
				return opaque()
			}
			a.Vals = append(a.Vals, lit.Text)
		}
		return a
	case *syntax.CallExpr:
		if e.Fun.Name == "isempty" && len(e.Args) == 1 {
			if id, ok := e.Args[0].(*syntax.Ident); ok {
				return atom{Col: id.Name, Op: "isempty"}
			}
		}
	}
	return opaque()
}

// atoms returns the atoms of c in order.
func atoms(c cond) []atom {
	switch c := c.(type) {
	case atom:
		return []atom{c}
	case andCond:
		var out []atom
		for _, x := range c {
			out = append(out, atoms(x)...)
		}
		return out
	case orCond:
		var out []atom
		for _, x := range c {
			out = append(out, atoms(x)...)
		}
		return out
	}
	return nil
}

// formatCond writes c as KQL.
func formatCond(c cond) string {
	switch c := c.(type) {
	case atom:
		switch {
		case c.Op == opaqueOp:
			return c.Vals[0]
		case c.Op == "isempty":
			return "isempty(" + c.Col + ")"
		case listOps[c.Op]:
			q := make([]string, len(c.Vals))
			for i, v := range c.Vals {
				q[i] = kql.QuoteString(v)
			}
			return c.Col + " " + c.Op + " (" + strings.Join(q, ", ") + ")"
		}
		return c.Col + " " + c.Op + " " + kql.QuoteString(c.Vals[0])
	case andCond:
		parts := make([]string, len(c))
		for i, x := range c {
			parts[i] = formatCond(x)
			if _, ok := x.(orCond); ok {
				parts[i] = "(" + parts[i] + ")"
			}
		}
		return strings.Join(parts, " and ")
	case orCond:
		parts := make([]string, len(c))
		for i, x := range c {
			parts[i] = formatCond(x)
		}
		return strings.Join(parts, " or ")
	}
	return ""
}

// satisfy returns column values for which c holds, for rule tests. It
// fails when two atoms need different values of one column.
func satisfy(c cond) (map[string]string, error) {
	row := map[string]string{}
	var walk func(c cond) error
	walk = func(c cond) error {
		switch c := c.(type) {
		case atom:
			v := ""
			if c.Op != "isempty" {
				v = c.Vals[0]
			}
			if old, ok := row[c.Col]; ok && old != v {
				return fmt.Errorf("cannot make a row for %s: column %s needs both %q and %q", formatCond(c), c.Col, old, v)
			}
			row[c.Col] = v
		case andCond:
			for _, x := range c {
				if err := walk(x); err != nil {
					return err
				}
			}
		case orCond:
			return walk(c[0])
		}
		return nil
	}
	return row, walk(c)
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
