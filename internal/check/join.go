package check

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/suggest"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// joinKinds maps the kind= values of join to kinds; anti and semi are
// the left ones.
// https://learn.microsoft.com/kusto/query/join-operator
var joinKinds = map[string]plan.JoinKind{
	"innerunique": plan.JoinInnerUnique, "inner": plan.JoinInner,
	"leftouter": plan.JoinLeftOuter, "rightouter": plan.JoinRightOuter, "fullouter": plan.JoinFullOuter,
	"leftanti": plan.JoinLeftAnti, "anti": plan.JoinLeftAnti, "leftantisemi": plan.JoinLeftAnti,
	"rightanti": plan.JoinRightAnti, "rightantisemi": plan.JoinRightAnti,
	"leftsemi": plan.JoinLeftSemi, "rightsemi": plan.JoinRightSemi,
}

// optionWord returns the text of an operator option's value (kind=inner,
// kind="inner"), or "" when it is absent.
func optionWord(base *syntax.OpBase, name string) (string, syntax.Span) {
	v := base.Option(name)
	switch v := v.(type) {
	case *syntax.Ident:
		return v.Name, v.Src
	case *syntax.Literal:
		return v.Text, v.Src
	case nil:
		return "", base.Span()
	}
	return "", v.Span()
}

// join checks join and lookup: the right side, the kind, and the
// conditions, which pair a column of each side (on A, on $left.A ==
// $right.B).
// https://learn.microsoft.com/kusto/query/join-operator
// https://learn.microsoft.com/kusto/query/lookup-operator
func (c *checker) join(sc *scope, left plan.Node, lr *row, op *syntax.JoinOp) plan.Node {
	right := c.tabular(sc, op.Right)
	if right == nil {
		return nil
	}
	rr := newRow(right.Schema())
	lookup := op.Word == "lookup"
	kind := plan.JoinInnerUnique
	if lookup {
		kind = plan.JoinLeftOuter
	}
	if word, sp := optionWord(&op.OpBase, "kind"); word != "" {
		k, ok := joinKinds[word]
		if lookup && k != plan.JoinLeftOuter && k != plan.JoinInner {
			ok = false
		}
		if !ok {
			c.errorf(sp, "%s", errJoinKind(op.Word, word))
			return nil
		}
		kind = k
	}
	if op.Where != nil {
		c.errorf(op.Where.Span(), "%s", errUnsupportedOperator(op.Word+" ... where"))
		return nil
	}
	j := &plan.Join{Left: left, Right: right, Kind: kind}
	rightKey := map[int]bool{}
	var conds []syntax.Expr
	for _, x := range op.On {
		conds = append(conds, splitAnd(x)...)
	}
	if len(conds) == 0 {
		c.errorf(op.Span(), "%s", errJoinNoKeys(op.Word))
		return nil
	}
	for _, cond := range conds {
		li, ri, ok := c.joinCondition(lr, rr, cond)
		if !ok {
			continue
		}
		lt, rt := lr.cols[li].Type, rr.cols[ri].Type
		if lt == schema.Unknown || rt == schema.Unknown {
			// A column whose type the data tells (bag_unpack), or one
			// already reported: the join is checked again once the data
			// is seen.
			lt, rt = schema.Unknown, schema.Unknown
		}
		if _, common := cond.(*syntax.Ident); common && lt != rt {
			c.errorf(cond.Span(), "%s", errJoinKeyTypes(lr.cols[li].Name, lt, rt))
			continue
		}
		if lt != rt && !(lt.IsNumeric() && rt.IsNumeric()) {
			c.errorf(cond.Span(), "%s", errJoinKeyTypes(lr.cols[li].Name, lt, rt))
			continue
		}
		var lk, rk plan.Expr = &plan.ColRef{Index: li, Name: lr.cols[li].Name, T: lt, Src: cond.Span()},
			&plan.ColRef{Index: ri, Name: rr.cols[ri].Name, T: rt, Src: cond.Span()}
		if lt != rt {
			// Numbers of different types compare by value.
			t := funcs.Promote([]schema.Type{lt, rt})
			lk, rk = &plan.Cast{X: lk, T: t}, &plan.Cast{X: rk, T: t}
		}
		j.LeftKeys = append(j.LeftKeys, lk)
		j.RightKeys = append(j.RightKeys, rk)
		rightKey[ri] = true
	}
	if len(j.LeftKeys) != len(conds) {
		return nil
	}
	// Output columns: the left side's, then the right side's, the right
	// ones renamed with a numeric suffix when their name is taken; lookup
	// leaves out the right keys, semi and anti joins keep one side.
	nm := c.newNamer()
	addLeft := kind != plan.JoinRightSemi && kind != plan.JoinRightAnti
	addRight := kind != plan.JoinLeftSemi && kind != plan.JoinLeftAnti
	if addLeft {
		for i, col := range lr.cols {
			nm.reserve(col.Name)
			j.Out = append(j.Out, plan.JoinCol{Index: i})
			j.Cols = append(j.Cols, col)
		}
	}
	if addRight {
		for i, col := range rr.cols {
			if lookup && rightKey[i] {
				continue
			}
			j.Out = append(j.Out, plan.JoinCol{Right: true, Index: i})
			j.Cols = append(j.Cols, schema.Column{Name: nm.unique(col.Name), Type: col.Type})
		}
	}
	if c.open[left] || c.open[right] {
		// A side whose columns the data tells (bag_unpack) makes a join
		// whose columns it tells too.
		c.open[j] = true
	}
	return j
}

// splitAnd splits a && b && c (written with and) into its operands.
func splitAnd(x syntax.Expr) []syntax.Expr {
	if b, ok := x.(*syntax.BinaryExpr); ok && b.Op == "and" {
		return append(splitAnd(b.X), splitAnd(b.Y)...)
	}
	if p, ok := x.(*syntax.ParenExpr); ok {
		return splitAnd(p.X)
	}
	return []syntax.Expr{x}
}

// joinCondition resolves one join condition to a column of each side.
func (c *checker) joinCondition(lr, rr *row, x syntax.Expr) (li, ri int, ok bool) {
	switch x := x.(type) {
	case *syntax.Ident:
		li, lok := lr.index[x.Name]
		ri, rok := rr.index[x.Name]
		switch {
		case !lok:
			c.errorf(x.Src, "%s", errJoinColumn("left", x.Name, suggest.Name(x.Name, lr.names())))
		case !rok:
			c.errorf(x.Src, "%s", errJoinColumn("right", x.Name, suggest.Name(x.Name, rr.names())))
		default:
			return li, ri, true
		}
		return 0, 0, false
	case *syntax.BinaryExpr:
		if x.Op != "==" {
			break
		}
		a, aside, aok := c.sideColumn(lr, rr, x.X)
		b, bside, bok := c.sideColumn(lr, rr, x.Y)
		if !aok || !bok {
			return 0, 0, false
		}
		if aside == bside {
			c.errorf(x.Span(), "%s", errJoinSides())
			return 0, 0, false
		}
		if aside == "right" {
			a, b = b, a
		}
		return a, b, true
	case *syntax.ParenExpr:
		return c.joinCondition(lr, rr, x.X)
	}
	c.errorf(x.Span(), "%s", errJoinCondition())
	return 0, 0, false
}

// sideColumn resolves $left.Name or $right.Name.
func (c *checker) sideColumn(lr, rr *row, x syntax.Expr) (int, string, bool) {
	m, ok := x.(*syntax.MemberExpr)
	if !ok || m.Name == nil {
		c.errorf(x.Span(), "%s", errJoinCondition())
		return 0, "", false
	}
	base, ok := m.X.(*syntax.Ident)
	if !ok || (base.Name != "$left" && base.Name != "$right") {
		c.errorf(x.Span(), "%s", errJoinCondition())
		return 0, "", false
	}
	side := strings.TrimPrefix(base.Name, "$")
	r := lr
	if side == "right" {
		r = rr
	}
	i, found := r.index[m.Name.Name]
	if !found {
		c.errorf(m.Name.Src, "%s", errJoinColumn(side, m.Name.Name, suggest.Name(m.Name.Name, r.names())))
		return 0, "", false
	}
	return i, side, true
}
