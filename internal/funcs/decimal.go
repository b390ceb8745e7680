package funcs

import (
	"cmp"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file holds decimal's share of the operators and conversions: a
// decimal is a value.Decimal (.NET's System.Decimal), and arithmetic whose
// result is decimal, and comparisons with a decimal operand, are computed
// on decimals, not on reals.
// https://learn.microsoft.com/kusto/query/scalar-data-types/decimal

// toDecimal converts as todecimal() does: integers exactly, reals as
// .NET converts a double (15 significant digits), bools as 1 or 0,
// strings holding a decimal number (an exponent allowed), timespans as
// their ticks; anything else is null.
// https://learn.microsoft.com/kusto/query/todecimal-function
func toDecimal(v any) (value.Decimal, bool) {
	switch x := v.(type) {
	case value.Decimal:
		return x, true
	case int64:
		return value.DecimalFromInt(x), true
	case float64:
		return value.DecimalFromFloat(x)
	case bool:
		if x {
			return value.DecimalFromInt(1), true
		}
		return value.Decimal{}, true
	case string:
		return value.ParseDecimal(x)
	case value.Timespan:
		return value.DecimalFromInt(int64(x)), true
	}
	return value.Decimal{}, false
}

// hasDecimal reports whether any column is of type decimal.
func hasDecimal(args []*value.Column) bool {
	for _, a := range args {
		if a.Type == schema.Decimal {
			return true
		}
	}
	return false
}

// decimalOp is the kernel of a binary operator on decimals: both operands
// are converted to decimal; op's failure (overflow, a zero divisor) is
// null.
func decimalOp(op func(a, b value.Decimal) (value.Decimal, bool)) Kernel {
	return Map2(func(a, b any) (any, bool) {
		x, ok1 := toDecimal(a)
		y, ok2 := toDecimal(b)
		if !ok1 || !ok2 {
			return nil, false
		}
		r, ok := op(x, y)
		if !ok {
			return nil, false
		}
		return r, true
	})
}

// decimalMod is KQL's modulo on decimals: the remainder made
// non-negative, 0 <= N % D < abs(D), as for the other numbers.
func decimalMod(a, b value.Decimal) (value.Decimal, bool) {
	r, ok := a.Mod(b)
	if !ok {
		return r, false
	}
	if r.Sign() < 0 {
		return r.Add(b.Abs())
	}
	return r, true
}

// decimalCompare compares two values of which one at least is a decimal;
// ok is false when either does not convert.
func decimalCompare(a, b any) (int, bool) {
	x, ok1 := toDecimal(a)
	y, ok2 := toDecimal(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	return x.Cmp(y), true
}

// withDecimal runs dk instead of k when an argument is decimal.
func withDecimal(k, dk Kernel) Kernel {
	return func(ctx *Context, args []*value.Column, n int, out *value.Column) {
		if hasDecimal(args) {
			dk(ctx, args, n, out)
			return
		}
		k(ctx, args, n, out)
	}
}

// decimalComparison returns the kernel of a comparison on decimals.
func decimalComparison(test func(c int) bool) Kernel {
	return Map2(func(a, b any) (bool, bool) {
		c, ok := decimalCompare(a, b)
		if !ok {
			return false, false
		}
		return test(c), true
	})
}

// compareDecimalAny is CompareAny for a decimal a.
func compareDecimalAny(a value.Decimal, b any) (int, bool) {
	switch y := b.(type) {
	case value.Decimal, int64:
		return decimalCompare(a, y)
	case float64:
		return cmp.Compare(a.Float(), y), true
	}
	return 0, false
}
