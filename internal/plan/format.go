package plan

import (
	"fmt"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Format renders a plan as stable, indented text, one node per line with
// its inputs below it, for golden tests and debugging. Column references
// print as the column's name; calls print as name(args), operators
// included (==(a, b)); casts as type(x).
//
// The values of lets (see Let) print first, one per line, as
// "Let name = value", and as their name where they are used; a node that
// several parents share prints in full under the first and as
// "(shared) Type" under the others, so that the text is as large as the
// plan, not as the tree it unfolds into.
func Format(n Node) string {
	var b strings.Builder
	var lets []*Let
	seenLets := map[*Let]bool{}
	seenNodes := map[Node]bool{}
	var visit func(n Node)
	visit = func(n Node) {
		if seenNodes[n] {
			return
		}
		seenNodes[n] = true
		for _, e := range NodeExprs(n) {
			collectLets(e, seenLets, &lets)
		}
		for _, in := range n.Inputs() {
			visit(in)
		}
	}
	visit(n)
	for _, l := range lets {
		fmt.Fprintf(&b, "Let %s = %s\n", l.Name, FormatExpr(l.X))
	}
	formatNode(&b, n, 0, map[Node]bool{})
	return b.String()
}

// collectLets appends the Lets in e to out, each after the Lets its value
// uses.
func collectLets(e Expr, seen map[*Let]bool, out *[]*Let) {
	Walk(e, func(x Expr) bool {
		l, ok := x.(*Let)
		if !ok {
			return true
		}
		if !seen[l] {
			seen[l] = true
			collectLets(l.X, seen, out)
			*out = append(*out, l)
		}
		return false
	})
}

func formatNode(b *strings.Builder, n Node, depth int, done map[Node]bool) {
	b.WriteString(strings.Repeat("  ", depth))
	if done[n] {
		fmt.Fprintf(b, "(shared) %s\n", strings.TrimPrefix(fmt.Sprintf("%T", n), "*plan."))
		return
	}
	done[n] = true
	switch n := n.(type) {
	case *Scan:
		names := make([]string, len(n.Cols))
		for i, c := range n.Cols {
			names[i] = n.Table.Columns[c].Name
		}
		fmt.Fprintf(b, "Scan %s [%s]", n.Table.Name, strings.Join(names, ", "))
	case *Values:
		fmt.Fprintf(b, "Values %d rows %s", len(n.Rows), columns(n.Cols))
	case *Filter:
		fmt.Fprintf(b, "Filter %s", FormatExpr(n.Pred))
	case *Project:
		items := make([]string, len(n.Exprs))
		for i, e := range n.Exprs {
			items[i] = n.Cols[i].Name + "=" + FormatExpr(e)
		}
		fmt.Fprintf(b, "Project %s", strings.Join(items, ", "))
	case *Aggregate:
		keys := make([]string, len(n.Keys))
		for i, k := range n.Keys {
			keys[i] = FormatExpr(k)
		}
		aggs := make([]string, len(n.Aggs))
		for i, a := range n.Aggs {
			args := make([]string, len(a.Args))
			for j, e := range a.Args {
				args[j] = FormatExpr(e)
			}
			aggs[i] = a.Fn.Name + "(" + strings.Join(args, ", ") + ")"
		}
		fmt.Fprintf(b, "Aggregate by [%s] [%s] -> %s", strings.Join(keys, ", "), strings.Join(aggs, ", "), columns(n.Cols))
	case *Sort:
		fmt.Fprintf(b, "Sort %s", sortKeys(n.Keys))
	case *TopN:
		fmt.Fprintf(b, "TopN %s by %s", FormatExpr(n.N), sortKeys(n.Keys))
	case *Limit:
		fmt.Fprintf(b, "Limit %s", FormatExpr(n.N))
	case *Exclude:
		items := make([]string, len(n.Preds))
		for i, e := range n.Preds {
			items[i] = n.Names[i] + "=" + FormatExpr(e)
		}
		fmt.Fprintf(b, "Exclude %s", strings.Join(items, ", "))
	case *MakeSeries:
		keys := make([]string, len(n.Keys))
		for i, k := range n.Keys {
			keys[i] = FormatExpr(k)
		}
		aggs := make([]string, len(n.Aggs))
		for i, a := range n.Aggs {
			args := make([]string, len(a.Args))
			for j, e := range a.Args {
				args[j] = FormatExpr(e)
			}
			aggs[i] = a.Fn.Name + "(" + strings.Join(args, ", ") + ")"
		}
		vals := make([]string, len(n.Values))
		for i, e := range n.Values {
			vals[i] = FormatExpr(e) + " default " + string(value.AppendJSON(nil, n.Defaults[i]))
		}
		rng := ""
		if n.From != nil {
			rng += " from " + FormatExpr(n.From)
		}
		if n.To != nil {
			rng += " to " + FormatExpr(n.To)
		}
		rng += " step " + FormatExpr(n.Step)
		if n.InRange {
			rng += " inclusive"
		}
		if n.NonEmpty {
			rng += " nonempty"
		}
		fmt.Fprintf(b, "MakeSeries by [%s] [%s] values [%s] on %s%s -> %s", strings.Join(keys, ", "), strings.Join(aggs, ", "),
			strings.Join(vals, ", "), FormatExpr(n.Axis), rng, columns(n.Cols))
	case *ActivityCounts:
		args := []string{FormatExpr(n.ID), FormatExpr(n.Time), FormatExpr(n.Start), FormatExpr(n.End)}
		if n.Sliding {
			args = append(args, FormatExpr(n.Lookback))
		}
		if n.Calendar != "" {
			args = append(args, n.Calendar)
		} else {
			args = append(args, FormatExpr(n.Step))
		}
		for _, d := range n.Dims {
			args = append(args, FormatExpr(d))
		}
		fmt.Fprintf(b, "%s(%s) -> %s", n.Plugin(), strings.Join(args, ", "), columns(n.Cols))
	default:
		fmt.Fprintf(b, "%T", n)
	}
	b.WriteByte('\n')
	for _, in := range n.Inputs() {
		formatNode(b, in, depth+1, done)
	}
}

func columns(cols []schema.Column) string {
	s := make([]string, len(cols))
	for i, c := range cols {
		s[i] = c.Name + ":" + c.Type.String()
	}
	return "(" + strings.Join(s, ", ") + ")"
}

func sortKeys(keys []SortKey) string {
	s := make([]string, len(keys))
	for i, k := range keys {
		dir, nulls := "asc", "last"
		if k.Desc {
			dir = "desc"
		}
		if k.NullsFirst {
			nulls = "first"
		}
		s[i] = FormatExpr(k.X) + " " + dir + " nulls " + nulls
	}
	return strings.Join(s, ", ")
}

// FormatExpr renders an expression as FormatNode does.
func FormatExpr(e Expr) string {
	switch e := e.(type) {
	case *ColRef:
		return e.Name
	case *Const:
		if e.Value == nil {
			return e.T.String() + "(null)"
		}
		switch v := e.Value.(type) {
		case string:
			return fmt.Sprintf("%q", v)
		case int64, float64, bool:
			return fmt.Sprint(v)
		}
		return e.T.String() + "(" + string(value.AppendJSON(nil, e.Value)) + ")"
	case *Call:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			args[i] = FormatExpr(a)
		}
		return e.Fn.Name + "(" + strings.Join(args, ", ") + ")"
	case *Cast:
		return e.T.String() + "(" + FormatExpr(e.X) + ")"
	case *Let:
		return e.Name
	case *Subquery:
		kind := "toscalar"
		if e.List {
			kind = "list"
		}
		return kind + "(" + strings.TrimSpace(strings.ReplaceAll(Format(e.Node), "\n", "; ")) + ")"
	}
	return fmt.Sprintf("%T", e)
}
