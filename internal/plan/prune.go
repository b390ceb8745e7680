package plan

// Prune returns node with every Scan narrowed to the columns that the
// rest of the plan reads, so that readers decode only those. Column
// references are renumbered to match. The output columns of node itself
// are all kept.
func Prune(node Node) Node {
	need := make([]bool, len(node.Schema()))
	for i := range need {
		need[i] = true
	}
	pr := &pruner{nodes: map[pruneKey]pruned{}, lets: map[*Let]*Let{}, subs: map[*Subquery]*Subquery{}}
	out, _ := pr.prune(node, need)
	return out
}

// pruner holds what one Prune has done, so that a node or expression
// shared by several parents (a let-bound table or value used twice) is
// pruned once and stays shared, rather than copied once per path, which
// doubles with each let built from two uses of the one before.
type pruner struct {
	nodes map[pruneKey]pruned
	lets  map[*Let]*Let
	subs  map[*Subquery]*Subquery
}

// pruneKey is a node and the outputs asked of it, as a string of 0 and 1.
type pruneKey struct {
	n    Node
	need string
}

type pruned struct {
	n Node
	m []int
}

// prune rewrites n so that at least the outputs marked in need remain.
// It returns the new node and, for each old output index, its new index
// (-1 when dropped); the mapping must not be modified.
func (pr *pruner) prune(n Node, need []bool) (Node, []int) {
	key := make([]byte, len(need))
	for i, b := range need {
		key[i] = '0'
		if b {
			key[i] = '1'
		}
	}
	k := pruneKey{n, string(key)}
	if p, ok := pr.nodes[k]; ok {
		return p.n, p.m
	}
	out, m := pr.pruneNode(n, need)
	pr.nodes[k] = pruned{out, m}
	return out, m
}

// pruneNode is prune without the memory.
func (pr *pruner) pruneNode(n Node, need []bool) (Node, []int) {
	switch n := n.(type) {
	case *Scan:
		s := &Scan{Table: n.Table, Src: n.Src}
		mapping := make([]int, len(n.Cols))
		for i, c := range n.Cols {
			mapping[i] = -1
			if need[i] {
				mapping[i] = len(s.Cols)
				s.Cols = append(s.Cols, c)
			}
		}
		return s, mapping
	case *Filter:
		needIn := append([]bool(nil), need...)
		markRefs(needIn, n.Pred)
		in, m := pr.prune(n.Input, needIn)
		return &Filter{Input: in, Pred: pr.remap(n.Pred, m), Cols: in.Schema()}, m
	case *Project:
		needIn := make([]bool, len(n.Input.Schema()))
		for i, e := range n.Exprs {
			if need[i] {
				markRefs(needIn, e)
			}
		}
		in, m := pr.prune(n.Input, needIn)
		p := &Project{Input: in}
		mapping := make([]int, len(n.Exprs))
		for i, e := range n.Exprs {
			mapping[i] = -1
			if need[i] {
				mapping[i] = len(p.Exprs)
				p.Exprs = append(p.Exprs, pr.remap(e, m))
				p.Cols = append(p.Cols, n.Cols[i])
			}
		}
		return p, mapping
	case *Aggregate:
		needIn := make([]bool, len(n.Input.Schema()))
		for _, k := range n.Keys {
			markRefs(needIn, k)
		}
		for _, a := range n.Aggs {
			for _, e := range a.Args {
				markRefs(needIn, e)
			}
		}
		in, m := pr.prune(n.Input, needIn)
		out := &Aggregate{Input: in, Cols: n.Cols}
		for _, k := range n.Keys {
			out.Keys = append(out.Keys, pr.remap(k, m))
		}
		for _, a := range n.Aggs {
			args := make([]Expr, len(a.Args))
			for i, e := range a.Args {
				args[i] = pr.remap(e, m)
			}
			out.Aggs = append(out.Aggs, &AggCall{Fn: a.Fn, Sig: a.Sig, Args: args, T: a.T, Src: a.Src})
		}
		return out, identity(len(n.Cols))
	case *Sort:
		needIn := append([]bool(nil), need...)
		for _, k := range n.Keys {
			markRefs(needIn, k.X)
		}
		in, m := pr.prune(n.Input, needIn)
		return &Sort{Input: in, Keys: pr.remapKeys(n.Keys, m), Cols: in.Schema()}, m
	case *TopN:
		needIn := append([]bool(nil), need...)
		for _, k := range n.Keys {
			markRefs(needIn, k.X)
		}
		in, m := pr.prune(n.Input, needIn)
		return &TopN{Input: in, N: n.N, Keys: pr.remapKeys(n.Keys, m), Cols: in.Schema()}, m
	case *Limit:
		in, m := pr.prune(n.Input, need)
		return &Limit{Input: in, N: n.N, Cols: in.Schema()}, m
	case *MakeSeries:
		// Values read the cells, not the input; From, To and Step are
		// constants.
		needIn := make([]bool, len(n.Input.Schema()))
		markRefs(needIn, n.Axis)
		for _, k := range n.Keys {
			markRefs(needIn, k)
		}
		for _, a := range n.Aggs {
			for _, e := range a.Args {
				markRefs(needIn, e)
			}
		}
		in, m := pr.prune(n.Input, needIn)
		out := *n
		out.Input, out.Axis, out.Keys, out.Aggs = in, pr.remap(n.Axis, m), nil, nil
		for _, k := range n.Keys {
			out.Keys = append(out.Keys, pr.remap(k, m))
		}
		for _, a := range n.Aggs {
			args := make([]Expr, len(a.Args))
			for i, e := range a.Args {
				args[i] = pr.remap(e, m)
			}
			out.Aggs = append(out.Aggs, &AggCall{Fn: a.Fn, Sig: a.Sig, Args: args, T: a.T, Src: a.Src})
		}
		return &out, identity(len(n.Cols))
	}
	if a, ok := n.(*ActivityCounts); ok {
		// The output is made of the counts; the input is read for the
		// id, the timeline and the dimensions only.
		needIn := make([]bool, len(a.Input.Schema()))
		markRefs(needIn, a.ID)
		markRefs(needIn, a.Time)
		for _, d := range a.Dims {
			markRefs(needIn, d)
		}
		in, m := pr.prune(a.Input, needIn)
		out := *a
		out.Input, out.ID, out.Time, out.Dims = in, pr.remap(a.ID, m), pr.remap(a.Time, m), nil
		for _, d := range a.Dims {
			out.Dims = append(out.Dims, pr.remap(d, m))
		}
		return &out, identity(len(a.Cols))
	}
	if out, m, ok := pr.pruneOps(n, need); ok {
		return out, m
	}
	return n, identity(len(n.Schema()))
}

func identity(n int) []int {
	m := make([]int, n)
	for i := range m {
		m[i] = i
	}
	return m
}

// markRefs marks the input columns that e reads.
func markRefs(need []bool, e Expr) {
	Walk(e, func(x Expr) bool {
		if r, ok := x.(*ColRef); ok {
			need[r.Index] = true
		}
		return true
	})
}

// remap renumbers the column references of e through m, and prunes the
// plans of subqueries to the one column they read.
func (pr *pruner) remap(e Expr, m []int) Expr {
	switch e := e.(type) {
	case *ColRef:
		return &ColRef{Index: m[e.Index], Name: e.Name, T: e.T, Src: e.Src}
	case *Call:
		args := make([]Expr, len(e.Args))
		for i, a := range e.Args {
			args[i] = pr.remap(a, m)
		}
		return &Call{Fn: e.Fn, Sig: e.Sig, Args: args, T: e.T, Src: e.Src}
	case *Cast:
		return &Cast{X: pr.remap(e.X, m), T: e.T}
	case *Subquery:
		if s, ok := pr.subs[e]; ok {
			return s
		}
		need := make([]bool, len(e.Node.Schema()))
		need[0] = true
		node, _ := pr.prune(e.Node, need)
		s := &Subquery{Node: node, List: e.List, T: e.T, Src: e.Src}
		pr.subs[e] = s
		return s
	case *Let:
		// A Let reads no column: only the subqueries in it change.
		if l, ok := pr.lets[e]; ok {
			return l
		}
		l := &Let{Name: e.Name, X: pr.remap(e.X, nil), Src: e.Src}
		pr.lets[e] = l
		return l
	}
	return e
}

func (pr *pruner) remapKeys(keys []SortKey, m []int) []SortKey {
	out := make([]SortKey, len(keys))
	for i, k := range keys {
		out[i] = SortKey{X: pr.remap(k.X, m), Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	return out
}
