package funcs

import (
	"math/bits"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

func init() {
	defer inCategory(CatBinary)()
	binary := func(name, doc string, f func(a, b int64) (int64, bool), examples ...Example) {
		register(&Func{Name: name, Pure: true, ResultName: NameFirstArg, Ref: refFuncPage + strings.ReplaceAll(name, "_", "-") + "-function", Doc: doc, Examples: examples,
			Sigs: []*Sig{sig(schema.Long, Map2(f), p("value1", Integer), p("value2", Integer))}})
	}
	binary("binary_and", "Returns the bitwise and of two integers.", func(a, b int64) (int64, bool) { return a & b, true },
		Example{`binary_and(6, 3)`, "2"})
	binary("binary_or", "Returns the bitwise or of two integers.", func(a, b int64) (int64, bool) { return a | b, true },
		Example{`binary_or(6, 3)`, "7"})
	binary("binary_xor", "Returns the bitwise exclusive or of two integers.", func(a, b int64) (int64, bool) { return a ^ b, true },
		Example{`binary_xor(6, 3)`, "5"})
	shift := func(left bool) func(v, n int64) (int64, bool) {
		return func(v, n int64) (int64, bool) {
			if n < 0 {
				return 0, false
			}
			if left {
				return v << (n % 64), true
			}
			return v >> (n % 64), true
		}
	}
	binary("binary_shift_left", "Shifts an integer left by a number of bits, modulo 64; null for a negative shift.", shift(true),
		Example{`binary_shift_left(1, 2)`, "4"}, Example{`binary_shift_left(1, 65)`, "2"}, Example{`isnull(binary_shift_left(1, -1))`, "true"})
	binary("binary_shift_right", "Shifts an integer right by a number of bits (keeping its sign), modulo 64; null for a negative shift.", shift(false),
		Example{`binary_shift_right(8, 2)`, "2"}, Example{`binary_shift_right(-8, 1)`, "-4"})
	register(&Func{Name: "binary_not", Pure: true, ResultName: NameFirstArg, Ref: refFuncPage + "binary-not-function",
		Doc:      "Returns the bitwise negation of an integer.",
		Sigs:     []*Sig{sig(schema.Long, Map1(func(v int64) (int64, bool) { return ^v, true }), p("value", Integer))},
		Examples: []Example{{`binary_not(100)`, "-101"}}})
	register(&Func{Name: "bitset_count_ones", Pure: true, ResultName: NameFirstArg, Ref: refFuncPage + "bitset-count-ones-function",
		Doc:      "Returns the number of bits set in the 64-bit two's complement form of an integer.",
		Sigs:     []*Sig{sig(schema.Long, Map1(func(v int64) (int64, bool) { return int64(bits.OnesCount64(uint64(v))), true }), p("value", Integer))},
		Examples: []Example{{`bitset_count_ones(42)`, "3"}, {`bitset_count_ones(-1)`, "64"}}})
}
