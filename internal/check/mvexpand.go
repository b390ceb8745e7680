package check

import (
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// mvExpand checks mv-expand. Each item is a column, which is replaced in
// place, or an expression, whose column is named by Name = or after the
// expression (parse_json(e) is e) and replaces an input column of that
// name or comes after the input's. Expanded columns are dynamic unless
// `to typeof(T)` says otherwise; with_itemindex= adds a long column
// last.
// https://learn.microsoft.com/kusto/query/mv-expand-operator
func (c *checker) mvExpand(sc *scope, in plan.Node, r *row, op *syntax.MvExpandOp) plan.Node {
	n := c.expansion(sc, r, op.Items, &op.OpBase)
	if n == nil {
		return nil
	}
	n.Input = in
	if op.Limit != nil {
		n.Limit = c.count(sc, r, op.Limit)
	}
	return n
}

// expansion checks the items of mv-expand or mv-apply over the columns r
// and returns the node without its input.
func (c *checker) expansion(sc *scope, r *row, items []*syntax.ExpandItem, base *syntax.OpBase) *plan.MvExpand {
	n := &plan.MvExpand{IndexCol: -1}
	for i, col := range r.cols {
		n.Keep = append(n.Keep, i)
		n.Cols = append(n.Cols, col)
	}
	ok := true
	nm := c.newNamer()
	for _, it := range items {
		if it.X == nil {
			c.errorf(base.Span(), "%s", errExpandItem())
			ok = false
			continue
		}
		names, x := named(it.X)
		e := c.scalar(sc, r, x)
		t := schema.Dynamic
		if it.Type != nil {
			if tt, good := typeofArg(it.Type); good {
				t = tt
			} else {
				c.errorf(it.Type.Src, "%s", errExpandType())
				ok = false
			}
		}
		if et := e.Type(); et != schema.Dynamic && et != schema.Unknown {
			c.errorf(x.Span(), "%s", errType("an expanded value", "dynamic (an array or a property bag)", et))
			ok = false
			continue
		}
		var name string
		switch {
		case len(names) > 0:
			name = names[0].Name
		default:
			var o origin
			if name, o = exprName(x); o == noName {
				name = nm.auto()
			}
		}
		target := -1
		for j, col := range n.Cols {
			if col.Name == name {
				target = j
				break
			}
		}
		if target < 0 {
			target = len(n.Cols)
			n.Cols = append(n.Cols, schema.Column{Name: name})
			n.Keep = append(n.Keep, -1)
		}
		n.Keep[target] = -1
		n.Cols[target].Type = t
		n.Exprs = append(n.Exprs, e)
		n.Targets = append(n.Targets, target)
	}
	if word, sp := optionWord(base, "bagexpansion"); word != "" {
		n.BagArray = word == "array"
		if word != "array" && word != "bag" {
			c.errorf(sp, "%s", errBagExpansion(word))
			ok = false
		}
	}
	if word, _ := optionWord(base, "kind"); word == "array" {
		n.BagArray = true
	}
	if id, isName := base.Option("with_itemindex").(*syntax.Ident); isName {
		n.IndexCol = len(n.Cols)
		n.Cols = append(n.Cols, schema.Column{Name: id.Name, Type: schema.Long})
		n.Keep = append(n.Keep, -1)
	}
	if !ok {
		return nil
	}
	return n
}
