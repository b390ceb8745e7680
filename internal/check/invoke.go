package check

import (
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/suggest"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// invoke checks T | invoke f(args): the user function f, with the input
// as its first, tabular argument; or FileProfile(), when the catalog has
// the FileProfile enrichment table.
// https://learn.microsoft.com/kusto/query/invoke-operator
func (c *checker) invoke(sc *scope, in plan.Node, r *row, op *syntax.InvokeOp) plan.Node {
	call, ok := op.Call.(*syntax.CallExpr)
	if !ok {
		c.errorf(op.Call.Span(), "%s", errInvokeCall())
		return nil
	}
	name := call.Fun.Name
	if b := sc.lookup(name); b != nil && b.kind == bindFunc {
		node, _ := c.expandWith(sc, nil, b, in, call.Args, call.Span())
		if node == nil && !c.failed(call) {
			c.errorf(call.Span(), "%s", errNotTabular())
		}
		return node
	}
	if name == "FileProfile" && c.cat != nil && c.cat.Table("FileProfile") != nil {
		return c.fileProfile(sc, in, r, call)
	}
	c.errorf(call.Fun.Src, "%s", errUnknownFunction(name, suggest.Name(name, sc.all())))
	return nil
}

// fileProfile checks invoke FileProfile([HashColumn [, MaxRecords]]): a
// lookup of the input's SHA1 (or the named SHA1 or SHA256 column) in the
// FileProfile enrichment table, which adds the profile's columns; rows
// without a profile get nulls.
// https://learn.microsoft.com/defender-xdr/advanced-hunting-fileprofile-function
func (c *checker) fileProfile(sc *scope, in plan.Node, r *row, call *syntax.CallExpr) plan.Node {
	if len(call.Args) > 2 {
		c.errorf(call.Span(), "%s", errArity("FileProfile", 2, len(call.Args)))
		return nil
	}
	key := "SHA1"
	keySpan := call.Span()
	if len(call.Args) > 0 {
		id, ok := call.Args[0].(*syntax.Ident)
		if !ok {
			c.errorf(call.Args[0].Span(), "%s", errFileProfileKey())
			return nil
		}
		key, keySpan = id.Name, id.Src
	}
	if len(call.Args) > 1 {
		if e := c.scalar(sc, nil, call.Args[1]); e.Type() != schema.Unknown && !e.Type().IsInteger() {
			c.errorf(call.Args[1].Span(), "%s", errType("the maximum number of records", "an integer", e.Type()))
		}
	}
	li, ok := r.index[key]
	if !ok {
		c.errorf(keySpan, "%s", errUnknownColumn(key, suggest.Name(key, r.names())))
		return nil
	}
	if r.cols[li].Type != schema.String {
		c.errorf(keySpan, "%s", errType("the hash column", "string", r.cols[li].Type))
		return nil
	}
	profile := c.scan(c.cat.Table("FileProfile"), call.Span())
	pr := newRow(profile.Schema())
	hash := "SHA1"
	if len(key) >= 6 && key[len(key)-6:] == "SHA256" {
		hash = "SHA256"
	}
	ri := pr.index[hash]
	j := &plan.Join{Left: in, Right: profile, Kind: plan.JoinLeftOuter,
		LeftKeys:  []plan.Expr{&plan.ColRef{Index: li, Name: key, T: schema.String, Src: keySpan}},
		RightKeys: []plan.Expr{&plan.ColRef{Index: ri, Name: hash, T: schema.String, Src: keySpan}}}
	nm := c.newNamer()
	for i, col := range r.cols {
		nm.reserve(col.Name)
		j.Out = append(j.Out, plan.JoinCol{Index: i})
		j.Cols = append(j.Cols, col)
	}
	for i, col := range pr.cols {
		if i == ri && col.Name == key {
			continue
		}
		j.Out = append(j.Out, plan.JoinCol{Right: true, Index: i})
		j.Cols = append(j.Cols, schema.Column{Name: nm.unique(col.Name), Type: col.Type})
	}
	return j
}
