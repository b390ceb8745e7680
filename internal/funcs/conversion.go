package funcs

import (
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// conversion declares a to*() function converting any value to type t.
func conversion(name string, t schema.Type, ref, doc string, examples ...Example) {
	register(&Func{Name: name, Pure: true, Ref: ref, Doc: doc, Examples: examples, ResultName: NameFirstArg,
		Sigs: []*Sig{{Params: []Param{p("value", Any)}, Result: Returns(t),
			Eval: func(ctx *Context, args []*value.Column, n int, out *value.Column) {
				CastKernel(args[0].Type, t)(ctx, args, n, out)
			}}}})
}

func init() {
	defer inCategory(CatConversion)()
	conversion("tostring", schema.String, "https://learn.microsoft.com/kusto/query/tostring-function",
		"Converts a value to its string representation; null becomes the empty string.",
		Example{`tostring(123)`, "123"}, Example{`tostring(1.5)`, "1.5"}, Example{`tostring(datetime(2024-01-02))`, "2024-01-02T00:00:00.0000000Z"},
		Example{`tostring(dynamic({"a":1}))`, `{"a":1}`}, Example{`strlen(tostring(long(null)))`, "0"})
	conversion("tolong", schema.Long, "https://learn.microsoft.com/kusto/query/tolong-function",
		"Converts a value to long; null when it does not convert.",
		Example{`tolong("123")`, "123"}, Example{`tolong(12.7)`, "12"}, Example{`isnull(tolong("abc"))`, "true"})
	conversion("toint", schema.Int, "https://learn.microsoft.com/kusto/query/toint-function",
		"Converts a value to int; null when it does not convert.",
		Example{`toint("42")`, "42"}, Example{`toint(2.9)`, "2"})
	conversion("toreal", schema.Real, "https://learn.microsoft.com/kusto/query/toreal-function",
		"Converts a value to real; null when it does not convert.",
		Example{`toreal("1.5")`, "1.5"}, Example{`toreal(3)`, "3"})
	alias("todouble", registry["toreal"])
	conversion("tobool", schema.Bool, "https://learn.microsoft.com/kusto/query/tobool-function",
		"Converts a value to bool; null when it does not convert.",
		Example{`tobool("true")`, "true"}, Example{`tobool("FALSE")`, "false"}, Example{`tobool(1)`, "true"}, Example{`isnull(tobool("yes"))`, "true"})
	alias("toboolean", registry["tobool"])
	inCategory(CatDatetime) // as the function index lists them
	conversion("todatetime", schema.Datetime, "https://learn.microsoft.com/kusto/query/todatetime-function",
		"Converts a string to a datetime; null when it does not parse.",
		Example{`todatetime("2015-12-24")`, "2015-12-24T00:00:00.0000000Z"}, Example{`isnull(todatetime("nope"))`, "true"})
	conversion("totimespan", schema.Timespan, "https://learn.microsoft.com/kusto/query/totimespan-function",
		"Converts a string to a timespan; null when it does not parse.",
		Example{`totimespan("0.00:01:00")`, "00:01:00"})
	alias("totime", registry["totimespan"])
	inCategory(CatConversion)
	conversion("toguid", schema.Guid, "https://learn.microsoft.com/kusto/query/toguid-function",
		"Converts a string to a guid; null when it does not parse.",
		Example{`toguid("74BE27DE-1E4E-49D9-B579-FE0B331D3642")`, "74be27de-1e4e-49d9-b579-fe0b331d3642"})

}
