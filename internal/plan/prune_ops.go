package plan

// pruneOps prunes the inputs of the nodes declared in ops.go. ok is false
// for a node it does not know, which keeps its inputs whole.
func (pr *pruner) pruneOps(n Node, need []bool) (Node, []int, bool) {
	switch n := n.(type) {
	case *Exclude:
		// The predicates read their columns below the rest of the plan.
		needIn := append([]bool(nil), need...)
		for _, p := range n.Preds {
			markRefs(needIn, p)
		}
		in, m := pr.prune(n.Input, needIn)
		out := &Exclude{Input: in, Names: n.Names}
		for _, p := range n.Preds {
			out.Preds = append(out.Preds, pr.remap(p, m))
		}
		return out, m, true
	case *Join:
		needL := make([]bool, len(n.Left.Schema()))
		needR := make([]bool, len(n.Right.Schema()))
		for _, k := range n.LeftKeys {
			markRefs(needL, k)
		}
		for _, k := range n.RightKeys {
			markRefs(needR, k)
		}
		for j, src := range n.Out {
			if !need[j] {
				continue
			}
			if src.Right {
				needR[src.Index] = true
			} else {
				needL[src.Index] = true
			}
		}
		left, mL := pr.prune(n.Left, needL)
		right, mR := pr.prune(n.Right, needR)
		out := &Join{Left: left, Right: right, Kind: n.Kind}
		for _, k := range n.LeftKeys {
			out.LeftKeys = append(out.LeftKeys, pr.remap(k, mL))
		}
		for _, k := range n.RightKeys {
			out.RightKeys = append(out.RightKeys, pr.remap(k, mR))
		}
		mapping := make([]int, len(n.Out))
		for j, src := range n.Out {
			mapping[j] = -1
			if !need[j] {
				continue
			}
			m := mL
			if src.Right {
				m = mR
			}
			mapping[j] = len(out.Out)
			out.Out = append(out.Out, JoinCol{Right: src.Right, Index: m[src.Index]})
			out.Cols = append(out.Cols, n.Cols[j])
		}
		return out, mapping, true
	case *MvExpand:
		needIn := make([]bool, len(n.Input.Schema()))
		for j, src := range n.Keep {
			if src >= 0 && need[j] {
				needIn[src] = true
			}
		}
		for _, e := range n.Exprs {
			markRefs(needIn, e)
		}
		in, m := pr.prune(n.Input, needIn)
		out := *n
		out.Input = in
		out.Keep = make([]int, len(n.Keep))
		for j, src := range n.Keep {
			out.Keep[j] = -1
			if src >= 0 && need[j] {
				out.Keep[j] = m[src]
			}
		}
		out.Exprs = make([]Expr, len(n.Exprs))
		for i, e := range n.Exprs {
			out.Exprs[i] = pr.remap(e, m)
		}
		return &out, identity(len(n.Cols)), true
	case *Render:
		in, m := pr.prune(n.Input, need)
		return &Render{Input: in, Chart: n.Chart, Props: n.Props, Cols: in.Schema()}, m, true
	case *Union:
		out := &Union{SourceCol: -1, Names: n.Names}
		mapping := make([]int, len(n.Cols))
		for j := range n.Cols {
			mapping[j] = -1
			if need[j] {
				mapping[j] = len(out.Cols)
				if j == n.SourceCol {
					out.SourceCol = len(out.Cols)
				}
				out.Cols = append(out.Cols, n.Cols[j])
			}
		}
		for i, part := range n.Parts {
			needP := make([]bool, len(part.Schema()))
			for j, src := range n.Maps[i] {
				if need[j] && src >= 0 {
					needP[src] = true
				}
			}
			p, mP := pr.prune(part, needP)
			m := make([]int, 0, len(out.Cols))
			for j, src := range n.Maps[i] {
				if !need[j] {
					continue
				}
				if src >= 0 {
					src = mP[src]
				}
				m = append(m, src)
			}
			out.Parts = append(out.Parts, p)
			out.Maps = append(out.Maps, m)
		}
		return out, mapping, true
	}
	return nil, nil, false
}
