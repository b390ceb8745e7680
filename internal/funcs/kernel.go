package funcs

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file lifts plain Go functions of one row into kernels over columns,
// so that most functions are declared as a one-line func. The element
// type parameters choose how a column is read:
//
//	bool      Bools
//	int64     Ints (int, long, datetime and timespan ticks)
//	float64   Reals, or Ints converted (numbers widen to real)
//	string    Strs, or the text of a dynamic value
//	any       the boxed value (see package value)
//
// A null argument makes the result null without calling the function,
// unless the kernel says otherwise.

// reader returns a function reading row i of c as an A, and whether it is
// not null.
func reader[A any](c *value.Column) func(i int) (A, bool) {
	var zero A
	var f any
	switch any(zero).(type) {
	case bool:
		f = func(i int) (bool, bool) {
			i = c.Row(i)
			if c.Nulls != nil && c.Nulls[i] {
				return false, false
			}
			if c.Bools == nil {
				return toBool(c.Get(i))
			}
			return c.Bools[i], true
		}
	case int64:
		f = func(i int) (int64, bool) {
			i = c.Row(i)
			if c.Nulls != nil && c.Nulls[i] {
				return 0, false
			}
			switch value.Storage(c.Type) {
			case value.StoreInt:
				return c.Ints[i], true
			case value.StoreReal:
				return int64(c.Reals[i]), true
			}
			return toLong(c.Get(i))
		}
	case float64:
		f = func(i int) (float64, bool) {
			i = c.Row(i)
			if c.Nulls != nil && c.Nulls[i] {
				return 0, false
			}
			switch value.Storage(c.Type) {
			case value.StoreReal:
				return c.Reals[i], true
			case value.StoreInt:
				return float64(c.Ints[i]), true
			}
			return toReal(c.Get(i))
		}
	case string:
		f = func(i int) (string, bool) {
			i = c.Row(i)
			if c.Strs != nil {
				if c.Nulls != nil && c.Nulls[i] {
					return "", false
				}
				return c.Strs[i], true
			}
			v := c.Get(i)
			if v == nil {
				return "", false
			}
			return ToString(c.Type, v), true
		}
	default:
		f = func(i int) (any, bool) {
			v := c.Get(i)
			return v, v != nil
		}
	}
	return f.(func(int) (A, bool))
}

// writer returns a function appending an R to out (a null when ok is
// false).
func writer[R any](out *value.Column) func(v R, ok bool) {
	var zero R
	var f any
	switch any(zero).(type) {
	case bool:
		f = func(v bool, ok bool) {
			if !ok {
				out.AppendNull()
				return
			}
			out.Bools = append(out.Bools, v)
			if out.Nulls != nil {
				out.Nulls = append(out.Nulls, false)
			}
		}
	case int64:
		f = func(v int64, ok bool) {
			if !ok {
				out.AppendNull()
				return
			}
			if out.Type == schema.Int {
				v = int64(int32(v))
			}
			out.Ints = append(out.Ints, v)
			if out.Nulls != nil {
				out.Nulls = append(out.Nulls, false)
			}
		}
	case float64:
		f = func(v float64, ok bool) {
			if !ok {
				out.AppendNull()
				return
			}
			if out.Type == schema.Decimal {
				// A function computed in real math whose result is
				// decimal (abs, round, ...): the real converts as
				// todecimal() converts it.
				d, ok := value.DecimalFromFloat(v)
				if !ok {
					out.AppendNull()
					return
				}
				out.Append(d)
				return
			}
			out.Reals = append(out.Reals, v)
			if out.Nulls != nil {
				out.Nulls = append(out.Nulls, false)
			}
		}
	case string:
		f = func(v string, ok bool) {
			if !ok {
				out.AppendNull()
				return
			}
			out.Strs = append(out.Strs, v)
			if out.Nulls != nil {
				out.Nulls = append(out.Nulls, false)
			}
		}
	default:
		f = func(v any, ok bool) {
			if !ok || v == nil {
				out.AppendNull()
				return
			}
			out.Append(v)
		}
	}
	return f.(func(R, bool))
}

// rows returns how many rows a kernel must compute: 1 when every
// argument is Const (and marks out Const), else n.
func rows(args []*value.Column, n int, out *value.Column) int {
	for _, a := range args {
		if !a.Const {
			return n
		}
	}
	out.Const = true
	return 1
}

// Map1 lifts f into a kernel of one argument.
func Map1[A, R any](f func(A) (R, bool)) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		ra := reader[A](args[0])
		w := writer[R](out)
		n = rows(args, n, out)
		for i := 0; i < n; i++ {
			a, ok := ra(i)
			if !ok {
				var zero R
				w(zero, false)
				continue
			}
			w(f(a))
		}
	}
}

// Map2 lifts f into a kernel of two arguments.
func Map2[A, B, R any](f func(A, B) (R, bool)) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		ra, rb := reader[A](args[0]), reader[B](args[1])
		w := writer[R](out)
		n = rows(args, n, out)
		var zero R
		for i := 0; i < n; i++ {
			a, ok1 := ra(i)
			b, ok2 := rb(i)
			if !ok1 || !ok2 {
				w(zero, false)
				continue
			}
			w(f(a, b))
		}
	}
}

// Map3 lifts f into a kernel of three arguments.
func Map3[A, B, C, R any](f func(A, B, C) (R, bool)) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		ra, rb, rc := reader[A](args[0]), reader[B](args[1]), reader[C](args[2])
		w := writer[R](out)
		n = rows(args, n, out)
		var zero R
		for i := 0; i < n; i++ {
			a, ok1 := ra(i)
			b, ok2 := rb(i)
			c, ok3 := rc(i)
			if !ok1 || !ok2 || !ok3 {
				w(zero, false)
				continue
			}
			w(f(a, b, c))
		}
	}
}

// MapBoxed lifts f over any number of arguments, boxed; nulls are passed
// as nil (strings as "") and do not short-circuit. It suits functions
// whose null handling is their own (coalesce, case) and variadic ones.
func MapBoxed[R any](f func(args []any) (R, bool)) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		w := writer[R](out)
		n = rows(args, n, out)
		row := make([]any, len(args))
		for i := 0; i < n; i++ {
			for j, a := range args {
				row[j] = a.Get(i)
			}
			w(f(row))
		}
	}
}

// WithContext lifts a function of the query context and no arguments,
// such as now(), into a constant kernel.
func WithContext[R any](f func(ctx *Context) R) Kernel {
	return func(ctx *Context, _ []*value.Column, _ int, out *value.Column) {
		writer[R](out)(f(ctx), true)
		out.Const = true
	}
}

// Eval runs kernel k of a resolved call. A result over the limits of
// limits.go fails the call with a *LimitError. It recovers a panic in the
// kernel and returns it as an error naming the function, so that a bug in
// one function fails the query cleanly.
func Eval(ctx *Context, f *Func, k Kernel, args []*value.Column, n int, out *value.Column) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if le, ok := r.(*LimitError); ok {
				le.Func = f.Name
				err = le
				return
			}
			err = fmt.Errorf("internal error in %s(): %v", f.Name, r)
		}
	}()
	k(ctx, args, n, out)
	checkResult(out)
	return nil
}
