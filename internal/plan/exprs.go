package plan

// NodeExprs returns the expressions a node evaluates (not those of its
// inputs): predicates, projections, keys, aggregate arguments. Rewrites
// and analyses that must see every expression use it; a node type it
// does not know yields none.
func NodeExprs(n Node) []Expr {
	var out []Expr
	aggs := func(calls []*AggCall) {
		for _, a := range calls {
			if a != nil {
				out = append(out, a.Args...)
			}
		}
	}
	keys := func(ks []SortKey) {
		for _, k := range ks {
			out = append(out, k.X)
		}
	}
	add := func(es ...Expr) {
		for _, e := range es {
			if e != nil {
				out = append(out, e)
			}
		}
	}
	switch n := n.(type) {
	case *Values:
		for _, row := range n.Rows {
			add(row...)
		}
	case *Filter:
		add(n.Pred)
	case *Project:
		add(n.Exprs...)
	case *Aggregate:
		add(n.Keys...)
		aggs(n.Aggs)
	case *Sort:
		keys(n.Keys)
	case *TopN:
		add(n.N)
		keys(n.Keys)
	case *Limit:
		add(n.N)
	case *Join:
		add(n.LeftKeys...)
		add(n.RightKeys...)
	case *MvExpand:
		add(n.Exprs...)
		add(n.Limit)
	case *Parse:
		add(n.X)
	case *Range:
		add(n.From, n.To, n.Step)
	case *Sample:
		add(n.N, n.Distinct)
	case *Window:
		for _, c := range n.Calls {
			add(c.Args...)
		}
	case *TopNested:
		for _, l := range n.Levels {
			add(l.N, l.Of, l.Others)
			aggs([]*AggCall{l.Agg})
		}
	case *Apply:
		add(n.Key)
		if n.Expand != nil {
			add(n.Expand.Exprs...)
			add(n.Expand.Limit)
		}
	case *BagUnpack:
		add(n.X)
	case *Pivot:
		add(n.Of)
		add(n.Keys...)
		aggs([]*AggCall{n.Agg})
	case *IPLookup:
		add(n.LeftKey, n.RightKey)
		add(n.ExtraLeft...)
		add(n.ExtraRight...)
	case *Exclude:
		add(n.Preds...)
	case *ActivityCounts:
		add(n.ID, n.Time, n.Start, n.End, n.Step, n.Lookback)
		add(n.Dims...)
	case *MakeSeries:
		add(n.Keys...)
		aggs(n.Aggs)
		add(n.Values...)
		add(n.Axis, n.From, n.To, n.Step)
	}
	return out
}

// Subplans returns the plans of the subqueries (toscalar, in with a
// tabular operand) in n's own expressions, in order: the nodes that n
// reads besides its Inputs.
func Subplans(n Node) []Node {
	var out []Node
	for _, e := range NodeExprs(n) {
		Walk(e, func(x Expr) bool {
			if sq, ok := x.(*Subquery); ok {
				out = append(out, sq.Node)
			}
			return true
		})
	}
	return out
}
