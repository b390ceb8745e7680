package funcs

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// calendarIndex returns the number of whole periods from 0001-01-01 to
// the period holding d: the value whose difference datetime_diff takes.
// Weeks start on Sunday.
func calendarIndex(period string, d value.Datetime) (int64, bool) {
	ticks := d.Ticks()
	switch strings.ToLower(period) {
	case "year":
		return int64(d.Time().Year()), true
	case "quarter":
		t := d.Time()
		return int64(t.Year())*4 + int64(t.Month()-1)/3, true
	case "month":
		t := d.Time()
		return int64(t.Year())*12 + int64(t.Month()-1), true
	case "week":
		// 0001-01-01 was a Monday; shift so that weeks start on Sunday.
		return floorDiv(ticks+value.Day, 7*value.Day), true
	case "day":
		return floorDiv(ticks, value.Day), true
	case "hour":
		return floorDiv(ticks, value.Hour), true
	case "minute":
		return floorDiv(ticks, value.Minute), true
	case "second":
		return floorDiv(ticks, value.Second), true
	case "millisecond":
		return floorDiv(ticks, value.Millisecond), true
	case "microsecond":
		return floorDiv(ticks, value.Microsecond), true
	case "nanosecond":
		return ticks * 100, true
	}
	return 0, false
}

func init() {
	register(&Func{Name: "now", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/now-function",
		Doc: "Returns the query's current UTC time, plus an optional offset; fixed for the whole query.",
		Sigs: []*Sig{
			sig(schema.Datetime, WithContext(func(ctx *Context) int64 { return int64(ctx.Now) })),
			sig(schema.Datetime, func(ctx *Context, args []*value.Column, n int, out *value.Column) {
				Map1(func(off int64) (int64, bool) { return int64(ctx.Now) + off, true })(ctx, args, n, out)
			}, p("offset", tTimespan)),
		},
		Examples: []Example{{`now() - now()`, "00:00:00"}, {`now(1h) - now()`, "01:00:00"}, {`now(-2d) - now()`, "-2.00:00:00"}}})
	register(&Func{Name: "ago", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/ago-function",
		Doc: "Returns the query's current UTC time minus a timespan.",
		Sigs: []*Sig{sig(schema.Datetime, func(ctx *Context, args []*value.Column, n int, out *value.Column) {
			Map1(func(off int64) (int64, bool) { return int64(ctx.Now) - off, true })(ctx, args, n, out)
		}, p("timespan", tTimespan))},
		Examples: []Example{{`now() - ago(1h)`, "01:00:00"}, {`ago(-1d) - now()`, "1.00:00:00"}, {`ago(1d) < now()`, "true"}}})
	register(&Func{Name: "startofday", Pure: true, ResultName: NameFirstArg, Ref: "https://learn.microsoft.com/kusto/query/startofday-function",
		Doc: "Returns the start of the day holding a datetime, shifted by an optional number of days.",
		Sigs: []*Sig{
			sig(schema.Datetime, Map1(func(d int64) (int64, bool) {
				return startOfDay(d, 0)
			}), p("date", tDatetime)),
			sig(schema.Datetime, Map2(func(d, off int64) (int64, bool) {
				return startOfDay(d, off)
			}), p("date", tDatetime), p("offset", Integer)),
		},
		Examples: []Example{{`startofday(datetime(2017-01-01 10:10:17))`, "2017-01-01T00:00:00.0000000Z"},
			{`startofday(datetime(2017-01-01 10:10:17), -1)`, "2016-12-31T00:00:00.0000000Z"}}})
	register(&Func{Name: "datetime_diff", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/datetime-diff-function",
		Doc: "Returns the number of period boundaries between two datetimes (datetime1 - datetime2).",
		Sigs: []*Sig{sig(schema.Long, Map3(func(period string, a, b int64) (int64, bool) {
			ia, ok1 := calendarIndex(period, value.Datetime(a))
			ib, ok2 := calendarIndex(period, value.Datetime(b))
			return ia - ib, ok1 && ok2
		}), Param{Name: "period", Types: tString, Const: true}, p("datetime1", tDatetime), p("datetime2", tDatetime))},
		Examples: []Example{
			{`datetime_diff('year', datetime(2017-01-01), datetime(2000-12-31))`, "17"},
			{`datetime_diff('quarter', datetime(2017-07-01), datetime(2017-03-30))`, "2"},
			{`datetime_diff('month', datetime(2017-01-01), datetime(2015-12-30))`, "13"},
			{`datetime_diff('week', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59))`, "5"},
			{`datetime_diff('day', datetime(2017-10-29 00:00), datetime(2017-09-30 23:59))`, "29"},
			{`datetime_diff('hour', datetime(2017-10-31 01:00), datetime(2017-10-30 23:59))`, "2"},
			{`datetime_diff('minute', datetime(2017-10-30 23:05:01), datetime(2017-10-30 23:00:59))`, "5"},
			{`datetime_diff('second', datetime(2017-10-30 23:00:10.100), datetime(2017-10-30 23:00:00.900))`, "10"},
			{`datetime_diff('millisecond', datetime(2017-10-30 23:00:00.200100), datetime(2017-10-30 23:00:00.100900))`, "100"},
			{`datetime_diff('microsecond', datetime(2017-10-30 23:00:00.1009001), datetime(2017-10-30 23:00:00.1008009))`, "100"},
			{`datetime_diff('nanosecond', datetime(2017-10-30 23:00:00.0000000), datetime(2017-10-30 23:00:00.0000007))`, "-700"},
		}})
}

// startOfDay returns the start of the day holding datetime d, shifted by
// offsetDays; null when the result leaves the datetime range.
func startOfDay(d, offsetDays int64) (int64, bool) {
	return dtStartOf('d', d, offsetDays)
}
