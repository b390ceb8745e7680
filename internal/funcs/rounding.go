package funcs

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

func init() {
	defer inCategory(CatRounding)()
	register(&Func{Name: "floor", Pure: true, ResultName: NameFirstArg, Ref: "https://learn.microsoft.com/kusto/query/bin-function",
		Doc:  "Rounds values down to a multiple of the bin size; an alias of bin().",
		Sigs: binSigs(), Examples: []Example{{`floor(4.5, 1)`, "4"}}})
	register(&Func{Name: "bin", Pure: true, ResultName: NameFirstArg, Ref: "https://learn.microsoft.com/kusto/query/bin-function",
		Doc:  "Rounds values down to a multiple of the bin size (null when it is not positive); datetimes are binned from 0001-01-01, and a datetime bin size counts its ticks since 0001-01-01.",
		Sigs: binSigs(),
		Examples: []Example{{`bin(4.5, 1)`, "4"}, {`bin(-4.5, 1)`, "-5"}, {`bin(10, 3)`, "9"}, {`bin(time(16d), 7d)`, "14.00:00:00"},
			{`bin(datetime(1970-05-11 13:45:07), 1d)`, "1970-05-11T00:00:00.0000000Z"}, {`bin(datetime(2024-01-03), 7d)`, "2024-01-01T00:00:00.0000000Z"},
			{`bin(datetime(1970-05-11 13:45:07), datetime(0001-01-02))`, "1970-05-11T00:00:00.0000000Z"}, {`isnull(bin(4.5, -1))`, "true"}}})

	register(&Func{Name: "ceiling", Pure: true, ResultName: NameFirstArg, Ref: refFuncPage + "ceiling-function",
		Doc:      "Returns the smallest integer greater than or equal to a number, of the number's type.",
		Sigs:     []*Sig{{Params: []Param{p("number", Numeric)}, Result: SameAs(0), Eval: numeric1Dec(ok64, mathRealOK(math.Ceil), value.Decimal.Ceil)}},
		Examples: []Example{{`ceiling(-1.1)`, "-1"}, {`ceiling(0)`, "0"}, {`ceiling(25.2)`, "26"}, {`isnull(ceiling(long(null)))`, "true"}}})

	register(&Func{Name: "bin_at", Pure: true, ResultName: NameFirstArg, Ref: refFuncPage + "bin-at-function",
		Doc: "Rounds values down to a multiple of the bin size, with bins aligned to a fixed point; null for a bin size that is not positive. A number as the bin size of a timespan or datetime counts ticks.",
		Sigs: []*Sig{
			{Params: []Param{p("value", Numeric), p("bin_size", Numeric), p("fixed_point", Numeric)}, Result: Promote,
				Eval: func(ctx *Context, args []*value.Column, n int, out *value.Column) {
					switch out.Type {
					case schema.Int, schema.Long:
						Map3(dtBinAt)(ctx, args, n, out)
					case schema.Decimal:
						Map3(decimalBinAt)(ctx, args, n, out)
					default:
						Map3(dtBinAtReal)(ctx, args, n, out)
					}
				}},
			sig(schema.Timespan, Map3(dtBinAt), p("value", tTimespan), p("bin_size", Numeric|tTimespan), p("fixed_point", tTimespan)),
			sig(schema.Datetime, Map3(func(v, size, fixed int64) (int64, bool) {
				r, ok := dtBinAt(v, size, fixed)
				if !ok {
					return 0, false
				}
				return dtChecked(r)
			}), p("value", tDatetime), p("bin_size", Numeric|tTimespan), p("fixed_point", tDatetime)),
		},
		Examples: []Example{{`bin_at(6.5, 2.5, 7)`, "4.5"}, {`bin_at(time(1h), 1d, 12h)`, "-12:00:00"},
			{`bin_at(datetime(2017-05-15 10:20:00.0), 1d, datetime(1970-01-01 12:00:00.0))`, "2017-05-14T12:00:00.0000000Z"},
			{`bin_at(datetime(2017-05-17 10:20:00.0), 7d, datetime(2017-06-04 00:00:00.0))`, "2017-05-14T00:00:00.0000000Z"},
			{`bin_at(7, 5, 1)`, "6"}, {`isnull(bin_at(7, 0, 1))`, "true"}}})
}

func binSigs() []*Sig {
	return []*Sig{
		{Params: []Param{p("value", Numeric), p("roundTo", Numeric)}, Result: func(ts []schema.Type) schema.Type {
			return Promote(ts)
		}, Eval: numericDec(func(v, size int64) (int64, bool) {
			if size <= 0 {
				return 0, false
			}
			return floorDiv(v, size) * size, true
		}, func(v, size float64) (float64, bool) {
			if size <= 0 {
				return 0, false
			}
			return math.Floor(v/size) * size, true
		}, func(v, size value.Decimal) (value.Decimal, bool) {
			if size.Sign() <= 0 {
				return value.Decimal{}, false
			}
			q, ok := v.Div(size)
			if !ok {
				return q, false
			}
			return q.Floor().Mul(size)
		})},
		sig(schema.Datetime, Map2(func(v, size int64) (int64, bool) {
			if size <= 0 {
				return 0, false
			}
			t := v + value.EpochTicks
			return floorDiv(t, size)*size - value.EpochTicks, true
		}), p("value", tDatetime), p("roundTo", tTimespan)),
		sig(schema.Timespan, Map2(func(v, size int64) (int64, bool) {
			if size <= 0 {
				return 0, false
			}
			return floorDiv(v, size) * size, true
		}), p("value", tTimespan), p("roundTo", tTimespan)),
		// Kusto also declares a datetime bin size: its ticks since
		// 0001-01-01 are the size (datetime(0001-01-02) is one day).
		sig(schema.Datetime, Map2(func(v, size int64) (int64, bool) {
			size = value.Datetime(size).Ticks()
			if size <= 0 {
				return 0, false
			}
			t := v + value.EpochTicks
			return floorDiv(t, size)*size - value.EpochTicks, true
		}), p("value", tDatetime), p("roundTo", tDatetime)),
	}
}

// floorDiv divides rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// decimalBinAt is bin_at() on decimals, exactly: fixed + floor((v -
// fixed) / size) × size; null for a size that is not positive.
func decimalBinAt(a, b, c any) (any, bool) {
	v, ok1 := toDecimal(a)
	size, ok2 := toDecimal(b)
	fixed, ok3 := toDecimal(c)
	if !ok1 || !ok2 || !ok3 || size.Sign() <= 0 {
		return nil, false
	}
	d, ok := v.Sub(fixed)
	if !ok {
		return nil, false
	}
	if d, ok = d.Div(size); !ok {
		return nil, false
	}
	if d, ok = d.Floor().Mul(size); !ok {
		return nil, false
	}
	if d, ok = fixed.Add(d); !ok {
		return nil, false
	}
	return d, true
}
