package exec

import (
	"context"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// parser adds the captures of parse's regular expression as columns.
// https://learn.microsoft.com/kusto/query/parse-operator
type parser struct {
	env *Env
	in  Operator
	n   *plan.Parse
}

func (p *parser) Next(ctx context.Context) (*value.Batch, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := p.in.Next(ctx)
		if b == nil || err != nil {
			return nil, err
		}
		text, err := p.env.Eval(ctx, p.n.X, b)
		if err != nil {
			return nil, err
		}
		out := &value.Batch{Cols: make([]*value.Column, len(p.n.Cols))}
		for j, col := range p.n.Cols {
			out.Cols[j] = value.NewColumn(col.Type, b.N)
		}
		vals := make([]any, len(p.n.Groups))
		for r := 0; r < b.N; r++ {
			s, _ := text.Get(r).(string)
			ok := p.match(s, vals)
			if !ok && p.n.Where {
				continue
			}
			for j, src := range p.n.Keep {
				if src >= 0 {
					out.Cols[j].AppendFrom(b.Cols[src], r)
				}
			}
			for k, t := range p.n.Targets {
				if ok {
					out.Cols[t].Append(vals[k])
				} else {
					out.Cols[t].AppendNull()
				}
			}
			out.N++
		}
		if out.N > 0 {
			return out, nil
		}
	}
}

// match fills vals with the converted captures of s; it reports false
// when s does not match or, unless relaxed, a capture does not convert.
func (p *parser) match(s string, vals []any) bool {
	m := p.n.Re.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	for k, g := range p.n.Groups {
		t := p.n.Cols[p.n.Targets[k]].Type
		v, ok := parsedValue(t, m[g])
		if !ok && !p.n.Relaxed {
			return false
		}
		vals[k] = v
	}
	return true
}

// parsedValue converts captured text to type t.
func parsedValue(t schema.Type, s string) (any, bool) {
	switch t {
	case schema.String:
		return s, true
	case schema.Dynamic:
		if v, err := value.ParseJSON([]byte(s)); err == nil {
			return v, true
		}
		return s, true
	}
	v, ok := funcs.Convert(schema.String, t, s)
	if !ok {
		return nil, false
	}
	return v, true
}

func (p *parser) Close() error { return p.in.Close() }
