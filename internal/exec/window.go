package exec

import (
	"context"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// windower computes the window functions of a serialized row set: it
// reads all its input (prev and next look across batches), then appends
// one column per call, in row order.
// https://learn.microsoft.com/kusto/query/window-functions
type windower struct {
	env  *Env
	in   Operator
	n    *plan.Window
	out  []*value.Batch
	done bool
	acct account // its input and the computed columns
}

func newWindower(env *Env, in Operator, n *plan.Window) *windower {
	return &windower{env: env, in: in, n: n, acct: env.account(n)}
}

func (w *windower) Next(ctx context.Context) (*value.Batch, error) {
	if !w.done {
		w.done = true
		batches, err := drain(ctx, w.in, &w.acct)
		if err != nil {
			return nil, err
		}
		if err := w.compute(ctx, batches); err != nil {
			return nil, err
		}
	}
	if len(w.out) == 0 {
		w.acct.release()
		return nil, nil
	}
	b := w.out[0]
	w.out = w.out[1:]
	return b, nil
}

func (w *windower) Close() error {
	w.out = nil
	w.acct.release()
	if !w.done {
		return w.in.Close()
	}
	return nil
}

// compute evaluates the calls over the rows of batches, in order: a call
// may read the columns of the calls before it (row_cumsum(x, g !=
// prev(g))).
func (w *windower) compute(ctx context.Context, batches []*value.Batch) error {
	total := 0
	for _, b := range batches {
		total += b.N
	}
	outs := make([]*value.Batch, len(batches))
	for i, b := range batches {
		outs[i] = &value.Batch{N: b.N, Cols: append([]*value.Column(nil), b.Cols...)}
	}
	for _, call := range w.n.Calls {
		args := make([]*value.Column, len(call.Args))
		for i, a := range call.Args {
			col := value.NewColumn(a.Type(), total)
			for _, b := range outs {
				c, err := w.env.Eval(ctx, a, b)
				if err != nil {
					return err
				}
				col.AppendColumn(c, b.N)
			}
			args[i] = col
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		result := windowColumn(call, args, total)
		if err := w.acct.grow(2 * columnBytes(result, total)); err != nil {
			return err
		}
		at := 0
		for _, b := range outs {
			idx := make([]int, b.N)
			for i := range idx {
				idx[i] = at + i
			}
			b.Cols = append(b.Cols, result.Take(idx))
			at += b.N
		}
	}
	w.out = outs
	return nil
}

// windowColumn computes one call over n rows of its argument columns.
func windowColumn(call plan.WindowCall, args []*value.Column, n int) *value.Column {
	out := value.NewColumn(call.T, n)
	if n == 0 {
		return out
	}
	restart := func(i int) bool {
		last := len(args) - 1
		if last < 1 && call.Name != "row_number" || len(args) == 0 {
			return false
		}
		if call.Name == "row_number" && len(args) < 2 || call.Name == "row_window_session" && len(args) < 4 {
			return false
		}
		v, _ := args[last].Get(i).(bool)
		return v
	}
	switch call.Name {
	case "row_number":
		start := int64(1)
		if len(args) > 0 {
			if v, ok := args[0].Get(0).(int64); ok {
				start = v
			}
		}
		next := start
		for i := 0; i < n; i++ {
			if restart(i) {
				next = start
			}
			out.Append(next)
			next++
		}
	case "prev", "next":
		offset := int64(1)
		if len(args) > 1 {
			if v, ok := args[1].Get(0).(int64); ok {
				offset = v
			}
		}
		if call.Name == "next" {
			offset = -offset
		}
		for i := 0; i < n; i++ {
			j := int64(i) - offset
			switch {
			case j >= 0 && j < int64(n):
				out.AppendFrom(args[0], int(j))
			case len(args) > 2:
				out.AppendFrom(args[2], i)
			default:
				out.AppendNull()
			}
		}
	case "row_cumsum":
		var isum int64
		var fsum float64
		var dsum value.Decimal
		real := call.T == schema.Real
		for i := 0; i < n; i++ {
			if restart(i) {
				isum, fsum, dsum = 0, 0, value.Decimal{}
			}
			v := args[0].Get(i)
			if call.T == schema.Decimal {
				// Decimals add exactly; an overflow makes the rest null.
				if d, ok := funcs.Convert(args[0].Type, schema.Decimal, v); ok {
					if sum, ok := dsum.Add(d.(value.Decimal)); ok {
						dsum = sum
					} else {
						out.AppendNull()
						continue
					}
				}
				out.Append(dsum)
				continue
			}
			if real {
				if f, ok := funcs.Convert(args[0].Type, schema.Real, v); ok {
					fsum += f.(float64)
				}
				out.Append(fsum)
				continue
			}
			switch v := v.(type) {
			case int64:
				isum += v
			case value.Timespan:
				isum += int64(v)
			}
			if call.T == schema.Timespan {
				out.Append(value.Timespan(isum))
			} else {
				out.Append(isum)
			}
		}
	case "row_window_session":
		// A value starts a session when there is no session (the first
		// row, or after a null), when it is at or past the session's
		// start plus MaxDistanceFromFirst, or the previous value plus
		// MaxDistanceBetweenNeighbors, or when Restart is true; the
		// result is the session's first value.
		// https://learn.microsoft.com/kusto/query/row-window-session-function
		var start, prev value.Datetime
		open := false
		for i := 0; i < n; i++ {
			v, ok := args[0].Get(i).(value.Datetime)
			if !ok {
				open = false
				out.AppendNull()
				continue
			}
			fromFirst, okF := args[1].Get(i).(value.Timespan)
			between, okB := args[2].Get(i).(value.Timespan)
			if !open || restart(i) ||
				okF && int64(v) >= int64(start)+int64(fromFirst) ||
				okB && int64(v) >= int64(prev)+int64(between) {
				start, open = v, true
			}
			prev = v
			out.Append(start)
		}
	case "row_rank_dense", "row_rank_min":
		var rank, pos int64
		var key, prevKey []byte
		for i := 0; i < n; i++ {
			pos++
			key = appendKey(key[:0], args[0], i)
			switch {
			case i == 0 || restart(i):
				rank, pos = 1, 1
			case string(key) != string(prevKey):
				if call.Name == "row_rank_dense" {
					rank++
				} else {
					rank = pos
				}
			}
			prevKey = append(prevKey[:0], key...)
			out.Append(rank)
		}
	}
	return out
}
