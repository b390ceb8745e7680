package funcs

import (
	"math"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

func init() {
	defer inCategory(CatType)()
	register(&Func{Name: "gettype", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/gettype-function",
		Doc: "Returns the name of the runtime type of its argument; for a dynamic value, the kind of value it holds.",
		Sigs: []*Sig{sig(schema.String, boxedKernel(func(types []schema.Type) func([]any) (any, bool) {
			return func(row []any) (any, bool) { return typeName(types[0], row[0]), true }
		}), p("value", Any))},
		Examples: []Example{{`gettype("a")`, "string"}, {`gettype(111)`, "long"}, {`gettype(1==1)`, "bool"}, {`gettype(now())`, "datetime"},
			{`gettype(1s)`, "timespan"}, {`gettype(parse_json('1'))`, "int"}, {`gettype(parse_json(' "abc" '))`, "string"},
			{`gettype(parse_json(' {"abc":1} '))`, "dictionary"}, {`gettype(parse_json(' [1, 2, 3] '))`, "array"}, {`gettype(123.45)`, "real"},
			{`gettype(guid(12e8b78d-55b4-46ae-b068-26d7a0080254))`, "guid"}, {`gettype(parse_json(''))`, "null"}}})
}

// typeName returns what gettype() says of a value of static type t: the
// type's name, or for a dynamic value the kind of value it holds.
// https://learn.microsoft.com/kusto/query/gettype-function
func typeName(t schema.Type, v any) string {
	if t != schema.Dynamic {
		return t.String()
	}
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64:
		// Kusto holds a JSON integer that fits 32 bits as an int.
		if x >= math.MinInt32 && x <= math.MaxInt32 {
			return "int"
		}
		return "long"
	case float64:
		return "real"
	case string:
		return "string"
	case value.Datetime:
		return "datetime"
	case value.Timespan:
		return "timespan"
	case []any:
		return "array"
	case *value.Bag:
		return "dictionary"
	}
	return "unknown"
}
