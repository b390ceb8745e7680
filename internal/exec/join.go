package exec

import (
	"context"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// joiner is a hash join: it reads the right side into a table keyed by
// the join keys, then streams the left side through it. Rows of the right
// side that a kind must report unmatched (rightouter, fullouter,
// rightsemi, rightanti) come after the left side is exhausted. Keys are
// encoded as for grouping, so nulls match nulls as they group together.
// It yields at most BatchSize rows per Next, keeping its place in the left
// batch (a key that matches many rows would otherwise make one huge
// batch), and accounts for the right side it holds.
// https://learn.microsoft.com/kusto/query/join-operator
type joiner struct {
	env   *Env
	n     *plan.Join
	left  Operator
	right Operator
	acct  account

	built   bool
	rights  []*value.Batch
	table   map[string][]rowRef
	matched [][]bool // per right batch and row: matched by some left row
	seen    map[string]bool

	// The left batch being probed and the place in it.
	cur     *value.Batch
	keys    []*value.Column
	r       int      // the left row
	started bool     // row r's key is looked up
	matches []rowRef // row r's matches
	m       int      // the next of them to emit
	key     []byte

	leftDone bool
	// The place in the right rows reported at the end.
	rb, rr int
}

// rowRef names row Row of batch Batch.
type rowRef struct {
	Batch, Row int
}

func newJoiner(env *Env, n *plan.Join, left, right Operator) *joiner {
	return &joiner{env: env, n: n, left: left, right: right, acct: env.account(n)}
}

func (j *joiner) build(ctx context.Context) error {
	j.built = true
	batches, err := drain(ctx, j.right, &j.acct)
	j.right = nil
	if err != nil {
		return err
	}
	j.rights = batches
	j.table = map[string][]rowRef{}
	j.matched = make([][]bool, len(batches))
	var key []byte
	for bi, b := range batches {
		if err := ctx.Err(); err != nil {
			return err
		}
		keys, err := j.evalKeys(ctx, j.n.RightKeys, b)
		if err != nil {
			return err
		}
		j.matched[bi] = make([]bool, b.N)
		grown := int64(b.N)
		for r := 0; r < b.N; r++ {
			key = joinKey(key[:0], keys, r)
			refs, ok := j.table[string(key)]
			if !ok {
				grown += entryBytes + int64(len(key))
			}
			j.table[string(key)] = append(refs, rowRef{bi, r})
			grown += 2 * wordBytes
		}
		if err := j.acct.grow(grown); err != nil {
			return err
		}
	}
	if j.n.Kind == plan.JoinInnerUnique {
		j.seen = map[string]bool{}
	}
	return nil
}

func (j *joiner) evalKeys(ctx context.Context, exprs []plan.Expr, b *value.Batch) ([]*value.Column, error) {
	cols := make([]*value.Column, len(exprs))
	for i, e := range exprs {
		c, err := j.env.Eval(ctx, e, b)
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

func (j *joiner) Next(ctx context.Context) (*value.Batch, error) {
	if !j.built {
		if err := j.build(ctx); err != nil {
			return nil, err
		}
	}
	out := j.newOut()
	for !j.leftDone {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if j.cur == nil {
			b, err := j.left.Next(ctx)
			if err != nil {
				return nil, err
			}
			if b == nil {
				j.leftDone = true
				break
			}
			if j.keys, err = j.evalKeys(ctx, j.n.LeftKeys, b); err != nil {
				return nil, err
			}
			j.cur, j.r, j.started = b, 0, false
		}
		j.probe(out)
		if out.N >= BatchSize {
			return out, nil
		}
	}
	if j.leftDone {
		j.unmatchedRight(out)
	}
	if out.N == 0 {
		return nil, nil
	}
	return out, nil
}

// probe joins rows of the current left batch into out, until out has
// BatchSize rows or the batch is done.
func (j *joiner) probe(out *value.Batch) {
	b := j.cur
	for j.r < b.N && out.N < BatchSize {
		r := j.r
		if !j.started {
			j.key = joinKey(j.key[:0], j.keys, r)
			if j.seen != nil {
				// innerunique keeps one left row per key.
				if j.seen[string(j.key)] {
					j.r++
					continue
				}
				j.seen[string(j.key)] = true
			}
			j.matches, j.m, j.started = j.table[string(j.key)], 0, true
			for _, m := range j.matches {
				j.matched[m.Batch][m.Row] = true
			}
		}
		switch j.n.Kind {
		case plan.JoinLeftSemi:
			if len(j.matches) > 0 {
				j.emit(out, b, r, nil, 0)
			}
		case plan.JoinLeftAnti:
			if len(j.matches) == 0 {
				j.emit(out, b, r, nil, 0)
			}
		case plan.JoinRightSemi, plan.JoinRightAnti:
			// Reported at the end.
		default:
			for ; j.m < len(j.matches) && out.N < BatchSize; j.m++ {
				m := j.matches[j.m]
				j.emit(out, b, r, j.rights[m.Batch], m.Row)
			}
			if j.m < len(j.matches) {
				return // out is full; row r goes on at the next call
			}
			if len(j.matches) == 0 && (j.n.Kind == plan.JoinLeftOuter || j.n.Kind == plan.JoinFullOuter) {
				j.emit(out, b, r, nil, 0)
			}
		}
		j.r++
		j.started = false
	}
	if j.r >= b.N {
		j.cur, j.keys, j.matches = nil, nil, nil
	}
}

// unmatchedRight appends to out, up to BatchSize rows, the right rows the
// kind reports at the end.
func (j *joiner) unmatchedRight(out *value.Batch) {
	var matchedWanted bool
	switch j.n.Kind {
	case plan.JoinRightOuter, plan.JoinFullOuter, plan.JoinRightAnti:
	case plan.JoinRightSemi:
		matchedWanted = true
	default:
		return
	}
	for ; j.rb < len(j.rights); j.rb, j.rr = j.rb+1, 0 {
		rb := j.rights[j.rb]
		for ; j.rr < rb.N; j.rr++ {
			if out.N >= BatchSize {
				return
			}
			if j.matched[j.rb][j.rr] == matchedWanted {
				j.emit(out, nil, 0, rb, j.rr)
			}
		}
	}
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
	j.rights, j.table, j.matched = nil, nil, nil
	j.acct.release()
	return err
}
