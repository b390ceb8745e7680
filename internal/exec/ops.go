package exec

import (
	"context"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// values yields the rows of a literal table in one batch.
type values struct {
	env  *Env
	n    *plan.Values
	done bool
}

func (v *values) Next(ctx context.Context) (*value.Batch, error) {
	if v.done {
		return nil, nil
	}
	v.done = true
	b := value.NewBatch(types(v.n.Cols), len(v.n.Rows))
	one := &value.Batch{N: 1}
	for _, row := range v.n.Rows {
		for j, e := range row {
			col, err := v.env.Eval(ctx, e, one)
			if err != nil {
				return nil, err
			}
			b.Cols[j].AppendFrom(col, 0)
		}
	}
	b.N = len(v.n.Rows)
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

func (f *filter) Next(ctx context.Context) (*value.Batch, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := f.in.Next(ctx)
		if b == nil || err != nil {
			return nil, err
		}
		mask, err := f.env.Eval(ctx, f.pred, b)
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

func (p *project) Next(ctx context.Context) (*value.Batch, error) {
	b, err := p.in.Next(ctx)
	if b == nil || err != nil {
		return nil, err
	}
	out := &value.Batch{Cols: make([]*value.Column, len(p.exprs)), N: b.N}
	for i, e := range p.exprs {
		col, err := p.env.Eval(ctx, e, b)
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
	env     *Env
	in      Operator
	n       plan.Expr
	started bool
	left    int64
}

func (l *limiter) Next(ctx context.Context) (*value.Batch, error) {
	if !l.started {
		l.started = true
		n, err := constInt(ctx, l.env, l.n)
		if err != nil {
			return nil, err
		}
		l.left = n
	}
	if l.left <= 0 {
		return nil, nil
	}
	b, err := l.in.Next(ctx)
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
