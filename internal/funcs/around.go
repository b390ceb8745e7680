package funcs

import "github.com/kqlhunt/kqlhunt/internal/schema"

// around(value, center, delta) tells whether value lies in
// [center - delta, center + delta]; null when an argument is null.
// https://learn.microsoft.com/kusto/query/around-function
func init() {
	defer inCategory(CatConditional)()
	register(&Func{Name: "around", Pure: true, Ref: refFuncPage + "around-function",
		Doc: "Tells whether a value is within delta of a center: center - delta <= value <= center + delta.",
		Sigs: []*Sig{
			sig(schema.Bool, Map3(func(v, c, d float64) (bool, bool) { return v >= c-d && v <= c+d, true }),
				p("value", Numeric), p("center", Numeric), p("delta", Numeric)),
			// Datetimes and timespans are read as their ticks.
			sig(schema.Bool, Map3(aroundTicks), p("value", Of(schema.Datetime)), p("center", Of(schema.Datetime)), p("delta", Of(schema.Timespan))),
			sig(schema.Bool, Map3(aroundTicks),
				p("value", Of(schema.Timespan)), p("center", Of(schema.Timespan)), p("delta", Of(schema.Timespan))),
		},
		Examples: []Example{{`around(1.5, 1, 0.5)`, "true"}, {`around(1.6, 1, 0.5)`, "false"},
			{`around(datetime(2021-01-01 01:31), datetime(2021-01-01 01:30), 1min)`, "true"},
			{`around(datetime(2021-01-01 01:32), datetime(2021-01-01 01:30), 1min)`, "false"},
			{`around(2h, 1h, 30m)`, "false"}}})
}

// aroundTicks is around() of datetimes or timespans, as ticks.
func aroundTicks(v, c, d int64) (bool, bool) { return v >= c-d && v <= c+d, true }
