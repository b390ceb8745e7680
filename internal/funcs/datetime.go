package funcs

import (
	"math"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file declares the calendar functions: the start and end of days,
// weeks, months and years, the parts of a datetime, calendar arithmetic,
// and the constructors of datetimes and timespans. Weeks start on Sunday,
// as in every KQL calendar function but week_of_year(), which follows
// ISO 8601.

// refFuncPage is where the reference pages of functions live.
const refFuncPage = "https://learn.microsoft.com/kusto/query/"

// dtMaxOffset bounds the offsets of the startof and endof functions and
// the amounts of calendar arithmetic: no larger offset, in any unit,
// lands within the datetime range, and smaller ones cannot overflow.
const dtMaxOffset = 4_000_000

// dtChecked returns ticks as a datetime result, which is null when it is
// outside KQL's datetime range.
func dtChecked(ticks int64) (int64, bool) {
	return ticks, ticks >= int64(value.MinDatetime) && ticks <= int64(value.MaxDatetime)
}

// dtOfTime converts t to ticks since the Unix epoch; ok is false when its
// year is outside 1..10000 (year 10000 is allowed so that the end of
// year 9999 can be computed from the start of the next; callers check
// the datetime range).
func dtOfTime(t time.Time) (int64, bool) {
	if y := t.Year(); y < 1 || y > 10000 {
		return 0, false
	}
	return int64(value.DatetimeOf(t)), true
}

// dtPeriodStart returns the start of the period holding datetime d,
// shifted by off periods: period is 'd' (day), 'w' (week, from Sunday),
// 'm' (month) or 'y' (year). ok is false when off is out of bounds.
func dtPeriodStart(period byte, d, off int64) (time.Time, bool) {
	if off > dtMaxOffset || off < -dtMaxOffset {
		return time.Time{}, false
	}
	t := value.Datetime(d).Time()
	y, m, day := t.Date()
	o := int(off)
	switch period {
	case 'w':
		return time.Date(y, m, day-int(t.Weekday())+7*o, 0, 0, 0, 0, time.UTC), true
	case 'm':
		return time.Date(y, m+time.Month(o), 1, 0, 0, 0, 0, time.UTC), true
	case 'y':
		return time.Date(y+o, 1, 1, 0, 0, 0, 0, time.UTC), true
	}
	return time.Date(y, m, day+o, 0, 0, 0, 0, time.UTC), true
}

// dtStartOf returns the start of a period as startofday() and its
// siblings do; null when the result leaves the datetime range.
func dtStartOf(period byte, d, off int64) (int64, bool) {
	t, ok := dtPeriodStart(period, d, off)
	if !ok {
		return 0, false
	}
	start, ok := dtOfTime(t)
	if !ok {
		return 0, false
	}
	return dtChecked(start)
}

// dtEndOf returns the last tick of a period, as endofday() and its
// siblings do: one tick before the start of the next period.
func dtEndOf(period byte, d, off int64) (int64, bool) {
	t, ok := dtPeriodStart(period, d, off+1)
	if !ok {
		return 0, false
	}
	end, ok := dtOfTime(t)
	if !ok {
		return 0, false
	}
	return dtChecked(end - 1)
}

// dtPeriodFuncs declares startofX() and endofX() for one period.
func dtPeriodFuncs(name string, period byte, unit string, startExamples, endExamples []Example) {
	for _, end := range []bool{false, true} {
		f, fname, doc := dtStartOf, "startof"+name, "Returns the start of the "+name+" holding a datetime, shifted by an optional number of "+unit+"."
		if end {
			f, fname, doc = dtEndOf, "endof"+name, "Returns the last tick of the "+name+" holding a datetime, shifted by an optional number of "+unit+"."
		}
		if period == 'w' {
			doc += " Weeks start on Sunday."
		}
		ex := startExamples
		if end {
			ex = endExamples
		}
		register(&Func{Name: fname, Pure: true, Ref: refFuncPage + fname + "-function", Doc: doc, Examples: ex,
			Sigs: []*Sig{
				sig(schema.Datetime, Map1(func(d int64) (int64, bool) { return f(period, d, 0) }), p("date", tDatetime)),
				sig(schema.Datetime, Map2(func(d, off int64) (int64, bool) { return f(period, d, off) }), p("date", tDatetime), p("offset", Integer)),
			}})
	}
}

// dtPart returns a part of datetime d as datetime_part() names it (in
// any case); ok is false for an unknown part.
func dtPart(part string, d int64) (int64, bool) {
	t := value.Datetime(d).Time()
	frac := int64(value.Datetime(d).Ticks() % value.Second)
	switch strings.ToLower(part) {
	case "year":
		return int64(t.Year()), true
	case "quarter":
		return int64(t.Month()-1)/3 + 1, true
	case "month":
		return int64(t.Month()), true
	case "week_of_year":
		_, w := t.ISOWeek()
		return int64(w), true
	case "day":
		return int64(t.Day()), true
	case "dayofyear":
		return int64(t.YearDay()), true
	case "hour":
		return int64(t.Hour()), true
	case "minute":
		return int64(t.Minute()), true
	case "second":
		return int64(t.Second()), true
	case "millisecond":
		return frac / value.Millisecond, true
	case "microsecond":
		return frac / value.Microsecond, true
	case "nanosecond":
		return frac * 100, true
	}
	return 0, false
}

// dtAddMonths adds months to datetime d as .NET's AddMonths does: the day
// is clamped to the length of the resulting month and the time of day is
// kept.
func dtAddMonths(d, months int64) (int64, bool) {
	if months > 12*dtMaxOffset || months < -12*dtMaxOffset {
		return 0, false
	}
	t := value.Datetime(d).Time()
	y, m, day := t.Date()
	total := int64(y)*12 + int64(m-1) + months
	ny, nm := floorDiv(total, 12), int(total-floorDiv(total, 12)*12)+1
	if ny < 1 || ny > 9999 {
		return 0, false
	}
	if last := time.Date(int(ny), time.Month(nm)+1, 0, 0, 0, 0, 0, time.UTC).Day(); day > last {
		day = last
	}
	start, ok := dtOfTime(time.Date(int(ny), time.Month(nm), day, 0, 0, 0, 0, time.UTC))
	if !ok {
		return 0, false
	}
	tod := value.Datetime(d).Ticks() % value.Day
	return dtChecked(start + tod)
}

// dtAdd adds amount periods to datetime d, as datetime_add() does.
func dtAdd(period string, amount, d int64) (int64, bool) {
	var unit int64
	period = strings.ToLower(period)
	switch period {
	case "year", "quarter", "month":
		if amount > 12*dtMaxOffset || amount < -12*dtMaxOffset {
			return 0, false // and amount*12 cannot overflow below
		}
	}
	switch period {
	case "year":
		return dtAddMonths(d, amount*12)
	case "quarter":
		return dtAddMonths(d, amount*3)
	case "month":
		return dtAddMonths(d, amount)
	case "week":
		unit = 7 * value.Day
	case "day":
		unit = value.Day
	case "hour":
		unit = value.Hour
	case "minute":
		unit = value.Minute
	case "second":
		unit = value.Second
	case "millisecond":
		unit = value.Millisecond
	case "microsecond":
		unit = value.Microsecond
	case "nanosecond":
		return dtChecked(d + amount/100)
	default:
		return 0, false
	}
	// The datetime range spans less than 2^62 ticks: a larger shift is
	// out of range, and a smaller one cannot overflow.
	if amount > (1<<62)/unit || amount < -(1<<62)/unit {
		return 0, false
	}
	return dtChecked(d + amount*unit)
}

// dtByArgType picks an integer or a real kernel by the type of the first
// argument, so that whole numbers keep their precision.
func dtByArgType(ik, fk Kernel) Kernel {
	return func(ctx *Context, args []*value.Column, n int, out *value.Column) {
		if value.Storage(args[0].Type) == value.StoreInt {
			ik(ctx, args, n, out)
		} else {
			fk(ctx, args, n, out)
		}
	}
}

// dtUnix declares unixtime_X_todatetime(), for a unit of num/den ticks.
func dtUnix(unit string, num, den int64, example string) {
	name := "unixtime_" + unit + "_todatetime"
	limit := (int64(1) << 62) / num
	register(&Func{Name: name, Pure: true, Ref: refFuncPage + strings.ReplaceAll(name, "_", "-") + "-function",
		Doc: "Converts a count of " + unit + " since the Unix epoch (1970-01-01) to a datetime; null when out of range. Whole numbers convert exactly, fractions to the nearest tick.",
		Sigs: []*Sig{sig(schema.Datetime, dtByArgType(
			Map1(func(x int64) (int64, bool) {
				if x > limit || x < -limit {
					return 0, false
				}
				return dtChecked(x * num / den)
			}),
			Map1(func(x float64) (int64, bool) {
				t := math.Round(x * float64(num) / float64(den))
				if math.IsNaN(t) || t > float64(value.MaxDatetime) || t < float64(value.MinDatetime) {
					return 0, false
				}
				return dtChecked(int64(t))
			})), p(unit, Numeric))},
		Examples: []Example{{name + "(" + example + ")", "2019-01-01T00:00:00.0000000Z"},
			{name + "(-1)", value.Datetime(-num / den).String()}, {"isnull(" + name + "(1e30))", "true"}}})
}

// dtMake builds a datetime from its parts, as make_datetime() does: each
// part must be within its range, and seconds may have a fraction.
func dtMake(parts []float64) (int64, bool) {
	var v [6]float64
	copy(v[:], parts)
	for _, x := range v[:5] {
		if math.IsNaN(x) || x < 0 || x > 10000 {
			return 0, false
		}
	}
	year, month, day, hour, minute := int(v[0]), int(v[1]), int(v[2]), int(v[3]), int(v[4])
	sec := v[5]
	if year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || !(sec >= 0 && sec < 60) {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, 0, 0, time.UTC)
	if t.Day() != day {
		return 0, false
	}
	return dtChecked(int64(value.DatetimeOf(t)) + int64(math.Round(sec*float64(value.Second))))
}

// dtBoxedReals reads boxed numbers as reals; ok is false when one is null.
func dtBoxedReals(args []any) ([]float64, bool) {
	out := make([]float64, len(args))
	for i, a := range args {
		f, ok := toReal(a)
		if a == nil || !ok {
			return nil, false
		}
		out[i] = f
	}
	return out, true
}

// dtConvertOnly is the kernel of a one-argument form that converts its
// argument to the result type, as the to*() functions do.
func dtConvertOnly(ctx *Context, args []*value.Column, n int, out *value.Column) {
	CastKernel(args[0].Type, out.Type)(ctx, args, n, out)
}

// dtMakeTimespan adds up days, hours, minutes and seconds (which may have
// a fraction) into a timespan; null when the total overflows.
func dtMakeTimespan(days, hours, minutes, seconds float64) (int64, bool) {
	t := days*float64(value.Day) + hours*float64(value.Hour) + minutes*float64(value.Minute) + math.Round(seconds*float64(value.Second))
	if math.IsNaN(t) || t >= math.MaxInt64 || t < math.MinInt64 {
		return 0, false
	}
	// Whole parts add up exactly in integers.
	if days == math.Trunc(days) && hours == math.Trunc(hours) && minutes == math.Trunc(minutes) && math.Abs(t) < 1<<62 {
		return int64(days)*value.Day + int64(hours)*value.Hour + int64(minutes)*value.Minute + int64(math.Round(seconds*float64(value.Second))), true
	}
	return int64(t), true
}

// dtBinAt rounds v down to a multiple of size counted from fixed, as
// bin_at() does; null for a size that is not positive.
func dtBinAt(v, size, fixed int64) (int64, bool) {
	if size <= 0 {
		return 0, false
	}
	return fixed + floorDiv(v-fixed, size)*size, true
}

func dtBinAtReal(v, size, fixed float64) (float64, bool) {
	if !(size > 0) {
		return 0, false
	}
	return fixed + math.Floor((v-fixed)/size)*size, true
}

func init() {
	defer inCategory(CatDatetime)()
	dtPeriodFuncs("week", 'w', "weeks",
		[]Example{{`startofweek(datetime(2017-01-01 10:10:17))`, "2017-01-01T00:00:00.0000000Z"},
			{`startofweek(datetime(2017-01-01 10:10:17), -1)`, "2016-12-25T00:00:00.0000000Z"},
			{`startofweek(datetime(2017-01-01 10:10:17), 1)`, "2017-01-08T00:00:00.0000000Z"},
			{`startofweek(datetime(2025-06-14))`, "2025-06-08T00:00:00.0000000Z"}},
		[]Example{{`endofweek(datetime(2017-01-01 10:10:17))`, "2017-01-07T23:59:59.9999999Z"},
			{`endofweek(datetime(2017-01-01 10:10:17), -1)`, "2016-12-31T23:59:59.9999999Z"},
			{`endofweek(datetime(2017-01-01 10:10:17), 1)`, "2017-01-14T23:59:59.9999999Z"}})
	dtPeriodFuncs("month", 'm', "months",
		[]Example{{`startofmonth(datetime(2017-01-01 10:10:17))`, "2017-01-01T00:00:00.0000000Z"},
			{`startofmonth(datetime(2017-01-01 10:10:17), -1)`, "2016-12-01T00:00:00.0000000Z"},
			{`startofmonth(datetime(2017-01-01 10:10:17), 1)`, "2017-02-01T00:00:00.0000000Z"}},
		[]Example{{`endofmonth(datetime(2017-01-01 10:10:17))`, "2017-01-31T23:59:59.9999999Z"},
			{`endofmonth(datetime(2017-01-01 10:10:17), -1)`, "2016-12-31T23:59:59.9999999Z"},
			{`endofmonth(datetime(2017-01-01 10:10:17), 1)`, "2017-02-28T23:59:59.9999999Z"}})
	dtPeriodFuncs("year", 'y', "years",
		[]Example{{`startofyear(datetime(2017-01-01 10:10:17))`, "2017-01-01T00:00:00.0000000Z"},
			{`startofyear(datetime(2017-01-01 10:10:17), -1)`, "2016-01-01T00:00:00.0000000Z"},
			{`startofyear(datetime(2017-01-01 10:10:17), 1)`, "2018-01-01T00:00:00.0000000Z"}},
		[]Example{{`endofyear(datetime(2017-01-01 10:10:17))`, "2017-12-31T23:59:59.9999999Z"},
			{`endofyear(datetime(2017-01-01 10:10:17), -1)`, "2016-12-31T23:59:59.9999999Z"},
			{`endofyear(datetime(2017-01-01 10:10:17), 1)`, "2018-12-31T23:59:59.9999999Z"},
			{`endofyear(datetime(9999-06-01))`, "9999-12-31T23:59:59.9999999Z"}})
	register(&Func{Name: "endofday", Pure: true, Ref: refFuncPage + "endofday-function",
		Doc: "Returns the last tick of the day holding a datetime, shifted by an optional number of days.",
		Sigs: []*Sig{
			sig(schema.Datetime, Map1(func(d int64) (int64, bool) { return dtEndOf('d', d, 0) }), p("date", tDatetime)),
			sig(schema.Datetime, Map2(func(d, off int64) (int64, bool) { return dtEndOf('d', d, off) }), p("date", tDatetime), p("offset", Integer)),
		},
		Examples: []Example{{`endofday(datetime(2017-01-01 10:10:17))`, "2017-01-01T23:59:59.9999999Z"},
			{`endofday(datetime(2017-01-01 10:10:17), -1)`, "2016-12-31T23:59:59.9999999Z"},
			{`endofday(datetime(2017-01-01 10:10:17), 1)`, "2017-01-02T23:59:59.9999999Z"}}})

	register(&Func{Name: "dayofweek", Pure: true, Ref: refFuncPage + "day-of-week-function",
		Doc: "Returns the number of whole days since the preceding Sunday, as a timespan.",
		Sigs: []*Sig{sig(schema.Timespan, Map1(func(d int64) (int64, bool) {
			// 0001-01-01 was a Monday.
			days := floorDiv(value.Datetime(d).Ticks(), value.Day)
			return ((days+1)%7 + 7) % 7 * value.Day, true
		}), p("date", tDatetime))},
		Examples: []Example{{`dayofweek(datetime(1947-11-30 10:00:05))`, "00:00:00"}, {`dayofweek(datetime(1970-05-11))`, "1.00:00:00"},
			{`toint(dayofweek(datetime(1970-05-12))/1d)`, "2"}}})
	datePart := func(name, ref, doc, part string, examples ...Example) *Func {
		return register(&Func{Name: name, Pure: true, Ref: refFuncPage + ref, Doc: doc, Examples: examples,
			Sigs: []*Sig{sig(schema.Int, Map1(func(d int64) (int64, bool) { return dtPart(part, d) }), p("date", tDatetime))}})
	}
	datePart("dayofmonth", "day-of-month-function", "Returns the day of the month, from 1 to 31.", "day",
		Example{`dayofmonth(datetime(2015-12-14))`, "14"})
	datePart("dayofyear", "day-of-year-function", "Returns the day of the year, from 1 to 366.", "dayofyear",
		Example{`dayofyear(datetime(2015-12-14))`, "348"}, Example{`dayofyear(datetime(2016-12-31))`, "366"})
	datePart("hourofday", "hour-of-day-function", "Returns the hour of the day, from 0 to 23.", "hour",
		Example{`hourofday(datetime(2015-12-14 18:54:00))`, "18"})
	datePart("getyear", "getyear-function", "Returns the year of a datetime.", "year",
		Example{`getyear(datetime(2015-10-12))`, "2015"})
	datePart("monthofyear", "monthofyear-function", "Returns the month of the year, from 1 to 12.", "month",
		Example{`monthofyear(datetime(2015-12-14))`, "12"})
	datePart("getmonth", "monthofyear-function", "Returns the month of the year, from 1 to 12; the same as monthofyear().", "month",
		Example{`getmonth(datetime(2015-10-12))`, "10"})
	datePart("week_of_year", "week-of-year-function", "Returns the ISO 8601 week number: week 1 is the one holding the year's first Thursday, and weeks start on Monday.", "week_of_year",
		Example{`week_of_year(datetime(2020-12-31))`, "53"}, Example{`week_of_year(datetime(2020-06-15))`, "25"},
		Example{`week_of_year(datetime(1970-01-01))`, "1"}, Example{`week_of_year(datetime(2000-01-01))`, "52"})

	alias("datepart", register(&Func{Name: "datetime_part", Pure: true, Ref: refFuncPage + "datetime-part-function",
		Doc:  "Returns a part of a datetime as an integer: year, quarter, month, week_of_year (ISO 8601), day, dayofyear, hour, minute, second, millisecond, microsecond or nanosecond (in any case); null for another part.",
		Sigs: []*Sig{sig(schema.Int, Map2(dtPart), Param{Name: "part", Types: tString, Const: true}, p("date", tDatetime))},
		Examples: []Example{
			{`datetime_part("year", datetime(2017-10-30 01:02:03.7654321))`, "2017"},
			{`datetime_part("quarter", datetime(2017-10-30 01:02:03.7654321))`, "4"},
			{`datetime_part("month", datetime(2017-10-30 01:02:03.7654321))`, "10"},
			{`datetime_part("week_of_year", datetime(2017-10-30 01:02:03.7654321))`, "44"},
			{`datetime_part("day", datetime(2017-10-30 01:02:03.7654321))`, "30"},
			{`datetime_part("dayOfYear", datetime(2017-10-30 01:02:03.7654321))`, "303"},
			{`datetime_part("hour", datetime(2017-10-30 01:02:03.7654321))`, "1"},
			{`datetime_part("minute", datetime(2017-10-30 01:02:03.7654321))`, "2"},
			{`datetime_part("second", datetime(2017-10-30 01:02:03.7654321))`, "3"},
			{`datetime_part("millisecond", datetime(2017-10-30 01:02:03.7654321))`, "765"},
			{`datetime_part("microsecond", datetime(2017-10-30 01:02:03.7654321))`, "765432"},
			{`datetime_part("nanosecond", datetime(2017-10-30 01:02:03.7654321))`, "765432100"},
		}}))

	register(&Func{Name: "datetime_add", Pure: true, Ref: refFuncPage + "datetime-add-function",
		Doc:  "Adds a number of periods (year, quarter, month, week, day, hour, minute, second, millisecond, microsecond or nanosecond) to a datetime; adding months keeps the day, clamped to the month's length.",
		Sigs: []*Sig{sig(schema.Datetime, Map3(dtAdd), Param{Name: "period", Types: tString, Const: true}, p("amount", Integer), p("datetime", tDatetime))},
		Examples: []Example{
			{`datetime_add('year',1,make_datetime(2017,1,1))`, "2018-01-01T00:00:00.0000000Z"},
			{`datetime_add('quarter',1,make_datetime(2017,1,1))`, "2017-04-01T00:00:00.0000000Z"},
			{`datetime_add('month',1,make_datetime(2017,1,1))`, "2017-02-01T00:00:00.0000000Z"},
			{`datetime_add('week',1,make_datetime(2017,1,1))`, "2017-01-08T00:00:00.0000000Z"},
			{`datetime_add('day',1,make_datetime(2017,1,1))`, "2017-01-02T00:00:00.0000000Z"},
			{`datetime_add('hour',1,make_datetime(2017,1,1))`, "2017-01-01T01:00:00.0000000Z"},
			{`datetime_add('minute',1,make_datetime(2017,1,1))`, "2017-01-01T00:01:00.0000000Z"},
			{`datetime_add('second',1,make_datetime(2017,1,1))`, "2017-01-01T00:00:01.0000000Z"},
			{`datetime_add('year',-5,make_datetime(2017,1,1))`, "2012-01-01T00:00:00.0000000Z"},
			{`datetime_add('quarter',12,make_datetime(2017,1,1))`, "2020-01-01T00:00:00.0000000Z"},
			{`datetime_add('month',-15,make_datetime(2017,1,1))`, "2015-10-01T00:00:00.0000000Z"},
			{`datetime_add('week',100,make_datetime(2017,1,1))`, "2018-12-02T00:00:00.0000000Z"},
		}})

	dtUnix("seconds", value.Second, 1, "1546300800")
	dtUnix("milliseconds", value.Millisecond, 1, "1546300800000")
	dtUnix("microseconds", value.Microsecond, 1, "1546300800000000")
	dtUnix("nanoseconds", 1, 100, "1546300800000000000")

	register(&Func{Name: "make_datetime", Pure: true, ResultName: NameOnlyArg, Ref: refFuncPage + "make-datetime-function",
		Doc: "Builds a datetime from a year, month and day, and optionally an hour, minute and second (which may have a fraction); null when a part is out of range. With one argument, converts it as todatetime() does.",
		Sigs: []*Sig{
			{Params: []Param{p("year", Numeric), p("month", Numeric), p("day", Numeric), opt("hour", Numeric), opt("minute", Numeric), opt("second", Numeric)},
				Result: Returns(schema.Datetime), Eval: MapBoxed(func(args []any) (int64, bool) {
					parts, ok := dtBoxedReals(args)
					if !ok {
						return 0, false
					}
					return dtMake(parts)
				})},
			{Params: []Param{p("value", Any)}, Result: Returns(schema.Datetime), Eval: dtConvertOnly},
		},
		Examples: []Example{{`make_datetime(2017,10,01)`, "2017-10-01T00:00:00.0000000Z"},
			{`make_datetime(2017,10,01,12,10)`, "2017-10-01T12:10:00.0000000Z"},
			{`make_datetime(2017,10,01,12,11,0.1234567)`, "2017-10-01T12:11:00.1234567Z"},
			{`isnull(make_datetime(2017,2,30))`, "true"}, {`make_datetime("2017-10-01")`, "2017-10-01T00:00:00.0000000Z"}}})
	register(&Func{Name: "make_timespan", Pure: true, ResultName: NameOnlyArg, Ref: refFuncPage + "make-timespan-function",
		Doc: "Builds a timespan from hours and minutes, and optionally seconds (which may have a fraction), or from days, hours, minutes and seconds. With one argument, converts it as totimespan() does.",
		Sigs: []*Sig{
			{Params: []Param{p("days", Integer), p("hours", Integer), p("minutes", Integer), p("seconds", Numeric)},
				Result: Returns(schema.Timespan), Eval: MapBoxed(func(args []any) (int64, bool) {
					v, ok := dtBoxedReals(args)
					if !ok {
						return 0, false
					}
					return dtMakeTimespan(v[0], v[1], v[2], v[3])
				})},
			{Params: []Param{p("hours", Integer), p("minutes", Integer), opt("seconds", Numeric)},
				Result: Returns(schema.Timespan), Eval: MapBoxed(func(args []any) (int64, bool) {
					v, ok := dtBoxedReals(args)
					if !ok {
						return 0, false
					}
					v = append(v, 0)
					return dtMakeTimespan(0, v[0], v[1], v[2])
				})},
			{Params: []Param{p("value", Any)}, Result: Returns(schema.Timespan), Eval: dtConvertOnly},
		},
		Examples: []Example{{`make_timespan(1,12,30,55.123)`, "1.12:30:55.1230000"}, {`make_timespan(8, 30)`, "08:30:00"},
			{`make_timespan(8, 30, 15)`, "08:30:15"}, {`make_timespan("01:00:00")`, "01:00:00"}}})

	register(&Func{Name: "ingestion_time", Category: CatMetadata, Pure: true, Ref: refFuncPage + "ingestion-time-function",
		Doc: "Returns null: kqlhunt reads telemetry offline, where records carry no ingestion time.",
		Sigs: []*Sig{sig(schema.Datetime, func(_ *Context, _ []*value.Column, _ int, out *value.Column) {
			out.AppendNull()
			out.Const = true
		})},
		Examples: []Example{{`isnull(ingestion_time())`, "true"}}})
}

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
	defer inCategory(CatDatetime)()
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
