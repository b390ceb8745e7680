package plan

import (
	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// Prefilters sets Pre on every Scan of roots: the or, over every path by
// which the plan reads the scan, of the and of what the filters directly
// above it on that path imply about the raw bytes of a record that
// passes them. Only the filters below an exclusion count: an exclusion
// counts the rows it drops (Result.Suppressed), so every row that
// reaches it must be read, even one that a filter above would reject. A path without such
// a filter makes the scan's Pre nil (TRUE). The scans must belong to the
// caller (fresh from Prune): Prefilters sets their field in place.
func Prefilters(roots []Node) {
	paths := map[*Scan][]*prefilter.Cond{}
	order := scanPaths(roots, func(s *Scan, preds []Expr) {
		conds := make([]*prefilter.Cond, len(preds))
		for i, p := range preds {
			conds[i] = Prefilter(p)
		}
		paths[s] = append(paths[s], prefilter.And(conds...))
	})
	for _, s := range order {
		s.Pre = prefilter.Or(paths[s]...)
	}
}

// scanPaths calls fn for every path by which roots read a Scan, with the
// predicates of the filters directly above the scan on that path (below
// any exclusion, which counts the rows it drops and so must see every row
// that reaches it), nearest last; paths through subqueries count. It
// returns the scans in the order first met.
func scanPaths(roots []Node, fn func(s *Scan, preds []Expr)) []*Scan {
	var order []*Scan
	met := map[*Scan]bool{}
	seen := map[Node]bool{}
	var visit, entry func(n Node)
	// entry is a path into n from a node that is not a filter or an
	// exclusion: it collects the filter chain below n.
	entry = func(n Node) {
		var preds []Expr
		for m := n; m != nil; {
			switch x := m.(type) {
			case *Filter:
				preds = append(preds, x.Pred)
				m = x.Input
				continue
			case *Exclude:
				preds = preds[:0]
				m = x.Input
				continue
			case *Scan:
				if !met[x] {
					met[x] = true
					order = append(order, x)
				}
				fn(x, preds)
			}
			break
		}
		visit(n)
	}
	visit = func(n Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		for _, sub := range Subplans(n) {
			entry(sub)
		}
		_, chain := n.(*Filter)
		if _, ok := n.(*Exclude); ok {
			chain = true
		}
		for _, in := range n.Inputs() {
			if chain {
				visit(in)
			} else {
				entry(in)
			}
		}
	}
	for _, r := range roots {
		entry(r)
	}
	return order
}

// Prefilter returns a condition on the raw bytes of a record that every
// row for which pred is true satisfies, or nil (TRUE) when it cannot
// tell. It reads string operators (has, contains, ==, =~, startswith,
// endswith, hasprefix, hassuffix, their case-sensitive forms, in, in~,
// has_any, has_all) of a string column with string literals, under and
// and or; a comparison of another type, a negation, or anything under
// not gives TRUE. A row's string value appears in its record as text
// (see prefilter.Term for the terms that may be looked for).
func Prefilter(pred Expr) *prefilter.Cond {
	c, ok := pred.(*Call)
	if !ok {
		return nil
	}
	args := c.Args
	switch c.Fn.Name {
	case "and":
		if len(args) == 2 {
			return prefilter.And(Prefilter(args[0]), Prefilter(args[1]))
		}
	case "or":
		if len(args) == 2 {
			return prefilter.Or(Prefilter(args[0]), Prefilter(args[1]))
		}
	case "has", "has_cs", "contains", "contains_cs", "startswith", "startswith_cs", "endswith", "endswith_cs",
		"hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs":
		if len(args) == 2 && stringColumn(args[0]) {
			if s, ok := stringLiteral(args[1]); ok {
				return prefilter.Term(s)
			}
		}
	case "==", "=~":
		if len(args) == 2 {
			a, b := args[0], args[1]
			if !stringColumn(a) {
				a, b = b, a
			}
			if stringColumn(a) {
				if s, ok := stringLiteral(b); ok {
					return prefilter.Term(s)
				}
			}
		}
	case "in", "in~", "has_any", "has_all":
		if len(args) < 2 || !stringColumn(args[0]) {
			return nil
		}
		var terms []*prefilter.Cond
		for _, a := range args[1:] {
			k, ok := a.(*Const)
			if !ok {
				return nil
			}
			switch v := k.Value.(type) {
			case string:
				if k.T != schema.String {
					return nil
				}
				terms = append(terms, prefilter.Term(v))
			case []any:
				for _, m := range v {
					s, ok := m.(string)
					if !ok {
						// A member of another type: has_any matches its
						// text, in~ compares it by type; give up.
						return nil
					}
					terms = append(terms, prefilter.Term(s))
				}
			default:
				return nil
			}
		}
		if c.Fn.Name == "has_all" {
			return prefilter.And(terms...)
		}
		return prefilter.Or(terms...)
	}
	return nil
}

// stringColumn reports whether e reads a string column.
func stringColumn(e Expr) bool {
	c, ok := e.(*ColRef)
	return ok && c.T == schema.String
}

// stringLiteral returns the value of a string literal.
func stringLiteral(e Expr) (string, bool) {
	c, ok := e.(*Const)
	if !ok || c.T != schema.String {
		return "", false
	}
	s, ok := c.Value.(string)
	return s, ok
}
