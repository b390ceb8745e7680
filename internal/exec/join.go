package exec

import (
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// joiner is a hash join: it reads the right side into a table keyed by
// the join keys, then streams the left side through it. Rows of the right
// side that a kind must report unmatched (rightouter, fullouter,
// rightsemi, rightanti) come after the left side is exhausted. Keys are
// encoded as for grouping, so nulls match nulls as they group together.
// https://learn.microsoft.com/kusto/query/join-operator
type joiner struct {
	env   *Env
	n     *plan.Join
	left  Operator
	right Operator

	built   bool
	rights  []*value.Batch
	table   map[string][]rowRef
	matched [][]bool // per right batch and row: matched by some left row
	seen    map[string]bool
	done    bool
}

// rowRef names row Row of batch Batch.
type rowRef struct {
	Batch, Row int
}

func newJoiner(env *Env, n *plan.Join, left, right Operator) *joiner {
	return &joiner{env: env, n: n, left: left, right: right}
}

func (j *joiner) build() error {
	j.built = true
	batches, err := Drain(j.right)
	j.right = nil
	if err != nil {
		return err
	}
	j.rights = batches
	j.table = map[string][]rowRef{}
	j.matched = make([][]bool, len(batches))
	var key []byte
	for bi, b := range batches {
		keys, err := j.evalKeys(j.n.RightKeys, b)
		if err != nil {
			return err
		}
		j.matched[bi] = make([]bool, b.N)
		for r := 0; r < b.N; r++ {
			key = joinKey(key[:0], keys, r)
			j.table[string(key)] = append(j.table[string(key)], rowRef{bi, r})
		}
	}
	if j.n.Kind == plan.JoinInnerUnique {
		j.seen = map[string]bool{}
	}
	return nil
}

func (j *joiner) evalKeys(exprs []plan.Expr, b *value.Batch) ([]*value.Column, error) {
	cols := make([]*value.Column, len(exprs))
	for i, e := range exprs {
		c, err := j.env.Eval(e, b)
		if err != nil {
			return nil, err
		}
		cols[i] = c
	}
	return cols, nil
}

func joinKey(key []byte, cols []*value.Column, r int) []byte {
	for _, c := range cols {
		key = appendKey(key, c, r)
	}
	return key
}

func (j *joiner) Next() (*value.Batch, error) {
	if !j.built {
		if err := j.build(); err != nil {
			return nil, err
		}
	}
	for !j.done {
		if err := j.env.checkCtx(); err != nil {
			return nil, err
		}
		b, err := j.left.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			j.done = true
			return j.unmatchedRight(), nil
		}
		out, err := j.probe(b)
		if err != nil {
			return nil, err
		}
		if out.N > 0 {
			return out, nil
		}
	}
	return nil, nil
}

// probe joins one batch of left rows.
func (j *joiner) probe(b *value.Batch) (*value.Batch, error) {
	keys, err := j.evalKeys(j.n.LeftKeys, b)
	if err != nil {
		return nil, err
	}
	out := j.newOut()
	var key []byte
	for r := 0; r < b.N; r++ {
		key = joinKey(key[:0], keys, r)
		if j.seen != nil {
			// innerunique keeps one left row per key.
			if j.seen[string(key)] {
				continue
			}
			j.seen[string(key)] = true
		}
		matches := j.table[string(key)]
		for _, m := range matches {
			j.matched[m.Batch][m.Row] = true
		}
		switch j.n.Kind {
		case plan.JoinLeftSemi:
			if len(matches) > 0 {
				j.emit(out, b, r, nil, 0)
			}
		case plan.JoinLeftAnti:
			if len(matches) == 0 {
				j.emit(out, b, r, nil, 0)
			}
		case plan.JoinRightSemi, plan.JoinRightAnti:
			// Reported at the end.
		default:
			for _, m := range matches {
				j.emit(out, b, r, j.rights[m.Batch], m.Row)
			}
			if len(matches) == 0 && (j.n.Kind == plan.JoinLeftOuter || j.n.Kind == plan.JoinFullOuter) {
				j.emit(out, b, r, nil, 0)
			}
		}
	}
	return out, nil
}

// unmatchedRight returns the right rows the kind reports at the end.
func (j *joiner) unmatchedRight() *value.Batch {
	want := map[plan.JoinKind]bool{plan.JoinRightOuter: false, plan.JoinFullOuter: false, plan.JoinRightAnti: false, plan.JoinRightSemi: true}
	matchedWanted, ok := want[j.n.Kind]
	if !ok {
		return nil
	}
	out := j.newOut()
	for bi, rb := range j.rights {
		for r := 0; r < rb.N; r++ {
			if j.matched[bi][r] == matchedWanted {
				j.emit(out, nil, 0, rb, r)
			}
		}
	}
	return out
}

func (j *joiner) newOut() *value.Batch {
	out := &value.Batch{Cols: make([]*value.Column, len(j.n.Cols))}
	for i, c := range j.n.Cols {
		out.Cols[i] = value.NewColumn(c.Type, 0)
	}
	return out
}

// emit appends one output row from left row lr of l and right row rr of
// rb; a nil side reads as nulls.
func (j *joiner) emit(out, l *value.Batch, lr int, rb *value.Batch, rr int) {
	for i, src := range j.n.Out {
		side, row := l, lr
		if src.Right {
			side, row = rb, rr
		}
		if side == nil {
			out.Cols[i].AppendNull()
			continue
		}
		out.Cols[i].AppendFrom(side.Cols[src.Index], row)
	}
	out.N++
}

func (j *joiner) Close() error {
	var err error
	if j.right != nil {
		err = j.right.Close()
	}
	if e := j.left.Close(); err == nil {
		err = e
	}
	return err
}
