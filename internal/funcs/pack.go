package funcs

import (
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// The function behind pack_all(true), which the checker turns into a
// call with the row's columns as alternating names and values.
func init() {
	register(&Func{Name: "$pack_nonempty", Hidden: true, Pure: true, Ref: "https://learn.microsoft.com/kusto/query/pack-all-function",
		Doc: "Packs name, value pairs into a property bag, leaving out null and empty values (pack_all(true)).",
		Sigs: []*Sig{{Params: []Param{p("key", tString), p("value", Any)}, Variadic: true,
			Result: Returns(schema.Dynamic), Eval: boxedKernel(func(types []schema.Type) func(row []any) (any, bool) {
				return func(row []any) (any, bool) {
					b := &value.Bag{}
					for i := 0; i+1 < len(row); i += 2 {
						v := ToDynamic(types[i+1], row[i+1])
						if v == nil || v == "" {
							continue
						}
						b.Set(ToString(types[i], row[i]), v)
					}
					return b, true
				}
			})}},
		Examples: []Example{{`datatable(a:long, b:string, c:long)[1, "", long(null)] | project x = pack_all(true)`, `{"a":1}`}}})
}
