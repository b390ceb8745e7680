package funcs

import (
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// estimate_data_size(columns): the estimated size in bytes of the given
// columns of the row, '*' for all of them (only column references, as
// Kusto's analyzer requires). The page gives the sizes of two
// types: a long is 8 bytes, a string its length (in UTF-8 bytes, as
// kqlhunt holds it; a null string is empty, 0). Kusto's estimates for the
// other types (a dynamic value's "internal representation" in particular)
// are not documented, so arguments of other types are refused, without
// implicit conversions (an int is not taken for a long).
// https://learn.microsoft.com/kusto/query/estimate-data-size-function
func init() {
	defer inCategory(CatMetadata)()
	register(&Func{Name: "estimate_data_size", Pure: true, StarArgs: true, Ref: refFuncPage + "estimate-data-size-function",
		Doc: "Returns the estimated data size in bytes of the given columns ('*' for all): 8 for a long, the length of a string.",
		Sigs: []*Sig{{Params: []Param{{Name: "columns", Types: Of(schema.Long, schema.String), Exact: true}}, Variadic: true,
			Result: Returns(schema.Long), Eval: estimateDataSize}},
		Examples: []Example{{`datatable(x:long, s:string)[1, '1234567890'] | project estimate_data_size(*)`, "18"},
			{`datatable(s:string)[''] | project estimate_data_size(s)`, "0"},
			{`datatable(x:long, s:string)[long(null), 'ab'] | project estimate_data_size(x, s)`, "10"}}})
}

func estimateDataSize(_ *Context, args []*value.Column, n int, out *value.Column) {
	w := writer[int64](out)
	n = rows(args, n, out)
	for i := 0; i < n; i++ {
		var size int64
		for _, a := range args {
			if a.Type == schema.String {
				size += int64(len(a.Get(i).(string)))
			} else {
				size += 8
			}
		}
		w(size, true)
	}
}
