package exec

import (
	"context"
	"net/netip"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// ipLookuper joins rows by IPv4 (or IPv6) ranges: the right side is indexed by
// prefix length and masked address, so a left address is looked up once
// per distinct prefix length.
// https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin
// https://learn.microsoft.com/kusto/query/ipv6-lookup-plugin
type ipLookuper struct {
	env   *Env
	n     *plan.IPLookup
	left  Operator
	right Operator

	built  bool
	rights []*value.Batch
	// ranges[bits][masked address] lists the right rows of that range.
	ranges  map[int]map[netip.Addr][]rowRef
	lengths []int
	extras  [][]*value.Column // per right batch, the extra key columns
	acct    account           // the right side
}

func newIPLookuper(env *Env, n *plan.IPLookup, left, right Operator) *ipLookuper {
	return &ipLookuper{env: env, n: n, left: left, right: right, acct: env.account(n)}
}

func (l *ipLookuper) Close() error {
	var err error
	if l.right != nil {
		err = l.right.Close()
	}
	if e := l.left.Close(); err == nil {
		err = e
	}
	l.rights, l.ranges, l.extras = nil, nil, nil
	l.acct.release()
	return err
}

// parseRange reads an IPv4 address or CIDR range, or with v6 an IPv6 (or
// IPv4, as its IPv4-mapped IPv6 form) address or range.
func parseRange(s string, v6 bool) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	addr, bits := s, -1
	if a, b, ok := strings.Cut(s, "/"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(b))
		if err != nil || n < 0 {
			return netip.Prefix{}, false
		}
		addr, bits = strings.TrimSpace(a), n
	}
	a, err := netip.ParseAddr(addr)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	if !v6 {
		if !a.Is4() {
			return netip.Prefix{}, false
		}
		if bits < 0 {
			bits = 32
		}
	} else {
		if a.Is4() {
			a = netip.AddrFrom16(a.As16())
			if bits >= 0 {
				bits += 96
			}
		}
		if bits < 0 {
			bits = 128
		}
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return netip.Prefix{}, false
	}
	return p, true
}

func (l *ipLookuper) build(ctx context.Context) error {
	l.built = true
	batches, err := drain(ctx, l.right, &l.acct)
	l.right = nil
	if err != nil {
		return err
	}
	l.rights = batches
	l.ranges = map[int]map[netip.Addr][]rowRef{}
	for bi, b := range batches {
		if err := l.acct.grow(int64(b.N) * entryBytes); err != nil {
			return err
		}
		keys, err := l.env.Eval(ctx, l.n.RightKey, b)
		if err != nil {
			return err
		}
		var extra []*value.Column
		for _, e := range l.n.ExtraRight {
			c, err := l.env.Eval(ctx, e, b)
			if err != nil {
				return err
			}
			extra = append(extra, c)
		}
		l.extras = append(l.extras, extra)
		for r := 0; r < b.N; r++ {
			p, ok := parseRange(funcs.ToString(l.n.RightKey.Type(), keys.Get(r)), l.n.V6)
			if !ok {
				continue
			}
			m := l.ranges[p.Bits()]
			if m == nil {
				m = map[netip.Addr][]rowRef{}
				l.ranges[p.Bits()] = m
				l.lengths = append(l.lengths, p.Bits())
			}
			m[p.Addr()] = append(m[p.Addr()], rowRef{bi, r})
		}
	}
	return nil
}

func (l *ipLookuper) Next(ctx context.Context) (*value.Batch, error) {
	if !l.built {
		if err := l.build(ctx); err != nil {
			return nil, err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := l.left.Next(ctx)
		if b == nil || err != nil {
			return nil, err
		}
		keys, err := l.env.Eval(ctx, l.n.LeftKey, b)
		if err != nil {
			return nil, err
		}
		var extra []*value.Column
		for _, e := range l.n.ExtraLeft {
			c, err := l.env.Eval(ctx, e, b)
			if err != nil {
				return nil, err
			}
			extra = append(extra, c)
		}
		out := &value.Batch{Cols: make([]*value.Column, len(l.n.Cols))}
		for i, col := range l.n.Cols {
			out.Cols[i] = value.NewColumn(col.Type, 0)
		}
		var lk, rk []byte
		for r := 0; r < b.N; r++ {
			matched := false
			if src, ok := parseRange(funcs.ToString(l.n.LeftKey.Type(), keys.Get(r)), l.n.V6); ok {
				a := src.Addr()
				lk = joinKey(lk[:0], extra, r)
				for _, bits := range l.lengths {
					if bits > src.Bits() {
						continue // a masked source is in a range no longer than its mask
					}
					p, _ := a.Prefix(bits)
					for _, m := range l.ranges[bits][p.Addr()] {
						rk = joinKey(rk[:0], l.extras[m.Batch], m.Row)
						if string(lk) != string(rk) {
							continue
						}
						matched = true
						l.emit(out, b, r, l.rights[m.Batch], m.Row)
					}
				}
			}
			if !matched && l.n.Unmatched {
				l.emit(out, b, r, nil, 0)
			}
		}
		if out.N > 0 {
			return out, nil
		}
	}
}

func (l *ipLookuper) emit(out, left *value.Batch, lr int, right *value.Batch, rr int) {
	for i, src := range l.n.Out {
		switch {
		case !src.Right:
			out.Cols[i].AppendFrom(left.Cols[src.Index], lr)
		case right == nil:
			out.Cols[i].AppendNull()
		default:
			out.Cols[i].AppendFrom(right.Cols[src.Index], rr)
		}
	}
	out.N++
}
