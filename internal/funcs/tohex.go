package funcs

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// tohex(value[, minLength]) writes an integer in lowercase hexadecimal; a
// negative value is its two's complement in 32 bits for an int, in 64
// bits for a long. minLength pads with zeros on the left and never
// truncates.
// https://learn.microsoft.com/kusto/query/tohex-function
func init() {
	defer inCategory(CatConversion)()
	hex := func(bits int) func(v int64) string {
		return func(v int64) string {
			if bits == 32 {
				return strconv.FormatUint(uint64(uint32(v)), 16)
			}
			return strconv.FormatUint(uint64(v), 16)
		}
	}
	padded := func(f func(int64) string) func(v, n int64) (string, bool) {
		return func(v, n int64) (string, bool) {
			s := f(v)
			if pad := n - int64(len(s)); pad > 0 {
				if pad > MaxStringSize {
					return "", false
				}
				s = strings.Repeat("0", int(pad)) + s
			}
			return s, true
		}
	}
	plain := func(f func(int64) string) func(v int64) (string, bool) {
		return func(v int64) (string, bool) { return f(v), true }
	}
	int32Hex, int64Hex := hex(32), hex(64)
	register(&Func{Name: "tohex", Pure: true, ResultName: NameFirstArg, Ref: "https://learn.microsoft.com/kusto/query/tohex-function",
		Doc: "Converts an integer to its lowercase hexadecimal string (two's complement when negative: 32 bits for int, 64 for long), " +
			"padded with zeros to an optional minimum length.",
		Sigs: []*Sig{
			sig(schema.String, Map1(plain(int32Hex)), p("value", Of(schema.Int))),
			sig(schema.String, Map1(plain(int64Hex)), p("value", Of(schema.Long))),
			sig(schema.String, Map2(padded(int32Hex)), p("value", Of(schema.Int)), p("minLength", Integer)),
			sig(schema.String, Map2(padded(int64Hex)), p("value", Of(schema.Long)), p("minLength", Integer)),
		},
		Examples: []Example{{`tohex(256)`, "100"}, {`tohex(-256)`, "ffffffffffffff00"}, {`tohex(toint(-256), 8)`, "ffffff00"},
			{`tohex(256, 8)`, "00000100"}, {`tohex(256, 2)`, "100"}}})
}
