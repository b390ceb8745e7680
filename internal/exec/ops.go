package exec

import (
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// values yields the rows of a literal table in one batch.
type values struct {
	batch *value.Batch
}

func newValues(env *Env, n *plan.Values) (*values, error) {
	b := value.NewBatch(types(n.Cols), len(n.Rows))
	one := &value.Batch{N: 1}
	for _, row := range n.Rows {
		for j, e := range row {
			col, err := env.Eval(e, one)
			if err != nil {
				return nil, err
			}
			b.Cols[j].AppendFrom(col, 0)
		}
	}
	b.N = len(n.Rows)
	return &values{batch: b}, nil
}

func (v *values) Next() (*value.Batch, error) {
	b := v.batch
	v.batch = nil
	return b, nil
}

func (v *values) Close() error { return nil }

// filter keeps the rows whose predicate is true (not false or null).
type filter struct {
	env  *Env
	in   Operator
	pred plan.Expr
	idx  []int
}

func (f *filter) Next() (*value.Batch, error) {
	for {
		if err := f.env.checkCtx(); err != nil {
			return nil, err
		}
		b, err := f.in.Next()
		if b == nil || err != nil {
			return nil, err
		}
		mask, err := f.env.Eval(f.pred, b)
		if err != nil {
			return nil, err
		}
		if mask.Const {
			if !mask.IsNull(0) && mask.Bools[0] {
				return b, nil
			}
			continue
		}
		f.idx = f.idx[:0]
		for i := 0; i < b.N; i++ {
			if mask.Bools[i] && (mask.Nulls == nil || !mask.Nulls[i]) {
				f.idx = append(f.idx, i)
			}
		}
		switch len(f.idx) {
		case 0:
			continue
		case b.N:
			return b, nil
		}
		return b.Take(f.idx), nil
	}
}

func (f *filter) Close() error { return f.in.Close() }

// project computes one column per expression.
type project struct {
	env   *Env
	in    Operator
	exprs []plan.Expr
}

func (p *project) Next() (*value.Batch, error) {
	b, err := p.in.Next()
	if b == nil || err != nil {
		return nil, err
	}
	out := &value.Batch{Cols: make([]*value.Column, len(p.exprs)), N: b.N}
	for i, e := range p.exprs {
		col, err := p.env.Eval(e, b)
		if err != nil {
			return nil, err
		}
		out.Cols[i] = col
	}
	return out, nil
}

func (p *project) Close() error { return p.in.Close() }

// limiter passes the first rows of its input and then stops reading.
type limiter struct {
	in   Operator
	left int64
}

func (l *limiter) Next() (*value.Batch, error) {
	if l.left <= 0 {
		return nil, nil
	}
	b, err := l.in.Next()
	if b == nil || err != nil {
		return nil, err
	}
	if int64(b.N) > l.left {
		idx := make([]int, l.left)
		for i := range idx {
			idx[i] = i
		}
		b = b.Take(idx)
	}
	l.left -= int64(b.N)
	return b, nil
}

func (l *limiter) Close() error { return l.in.Close() }
