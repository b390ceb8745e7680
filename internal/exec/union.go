package exec

import (
	"context"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// unioner reads its parts one after the other, placing each part's
// columns where the union's schema has them.
// https://learn.microsoft.com/kusto/query/union-operator
type unioner struct {
	n     *plan.Union
	parts []Operator
	cur   int
}

func (u *unioner) Next(ctx context.Context) (*value.Batch, error) {
	for u.cur < len(u.parts) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := u.parts[u.cur].Next(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			u.cur++
			continue
		}
		out := &value.Batch{N: b.N, Cols: make([]*value.Column, len(u.n.Cols))}
		for j, col := range u.n.Cols {
			switch src := u.n.Maps[u.cur][j]; {
			case j == u.n.SourceCol:
				out.Cols[j] = value.ConstColumn(schema.String, u.n.Names[u.cur])
			case src < 0:
				out.Cols[j] = value.ConstColumn(col.Type, nil)
			default:
				out.Cols[j] = b.Cols[src]
			}
		}
		return out, nil
	}
	return nil, nil
}

func (u *unioner) Close() error { return closeAll(u.parts) }
