package funcs

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// A dtFormat is a compiled format_datetime() or format_timespan() format:
// a run of one specifier letter, or literal text.
type dtFormat []dtFormatToken

type dtFormatToken struct {
	spec byte // 0 for literal text
	n    int  // how many times spec repeats
	lit  string
}

// dtCompileFormat splits a format into specifier runs (of the letters in
// specs) and literal text. Characters that are not specifiers, such as
// the documented delimiters " /-:,._[]", are copied as they are.
func dtCompileFormat(format, specs string) dtFormat {
	var out dtFormat
	for i := 0; i < len(format); {
		c := format[i]
		if strings.IndexByte(specs, c) < 0 {
			j := i + 1
			for j < len(format) && strings.IndexByte(specs, format[j]) < 0 {
				j++
			}
			out = append(out, dtFormatToken{lit: format[i:j]})
			i = j
			continue
		}
		j := i + 1
		for j < len(format) && format[j] == c {
			j++
		}
		out = append(out, dtFormatToken{spec: c, n: j - i})
		i = j
	}
	return out
}

// dtAppendPadded appends v with at least width digits.
func dtAppendPadded(b []byte, v int64, width int) []byte {
	s := strconv.AppendInt(nil, v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// dtAppendFraction appends the first n digits of a fraction of a second
// given in ticks (seven digits). With trim (the F specifiers), trailing
// zeros are dropped, and when nothing is left a decimal point just
// before is dropped too, as .NET does.
func dtAppendFraction(b []byte, ticks int64, n int, trim bool) []byte {
	n = min(n, 7)
	digits := dtAppendPadded(nil, ticks, 7)[:n]
	if !trim {
		return append(b, digits...)
	}
	digits = []byte(strings.TrimRight(string(digits), "0"))
	if len(digits) == 0 && len(b) > 0 && b[len(b)-1] == '.' {
		return b[:len(b)-1]
	}
	return append(b, digits...)
}

// dtFormatDatetime formats datetime d as format_datetime() does.
// https://learn.microsoft.com/kusto/query/format-datetime-function
func dtFormatDatetime(d int64, f dtFormat) string {
	t := value.Datetime(d).Time()
	frac := value.Datetime(d).Ticks() % value.Second
	var b []byte
	for _, tok := range f {
		n := tok.n
		switch tok.spec {
		case 0:
			b = append(b, tok.lit...)
		case 'd':
			switch {
			case n <= 2:
				b = dtAppendPadded(b, int64(t.Day()), n)
			case n == 3:
				b = append(b, t.Weekday().String()[:3]...)
			default:
				b = append(b, t.Weekday().String()...)
			}
		case 'f', 'F':
			b = dtAppendFraction(b, frac, n, tok.spec == 'F')
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b = dtAppendPadded(b, int64(h), min(n, 2))
		case 'H':
			b = dtAppendPadded(b, int64(t.Hour()), min(n, 2))
		case 'm':
			b = dtAppendPadded(b, int64(t.Minute()), min(n, 2))
		case 's':
			b = dtAppendPadded(b, int64(t.Second()), min(n, 2))
		case 'M':
			switch {
			case n <= 2:
				b = dtAppendPadded(b, int64(t.Month()), n)
			case n == 3:
				b = append(b, t.Month().String()[:3]...)
			default:
				b = append(b, t.Month().String()...)
			}
		case 't':
			ampm := "AM"
			if t.Hour() >= 12 {
				ampm = "PM"
			}
			b = append(b, ampm[:min(n, 2)]...)
		case 'y':
			if n <= 2 {
				b = dtAppendPadded(b, int64(t.Year()%100), n)
			} else {
				b = dtAppendPadded(b, int64(t.Year()), n)
			}
		}
	}
	return string(b)
}

// dtFormatTimespan formats timespan ts as format_timespan() does. A
// negative timespan is formatted as its magnitude after a minus sign.
// https://learn.microsoft.com/kusto/query/format-timespan-function
func dtFormatTimespan(ts int64, f dtFormat) string {
	var b []byte
	if ts < 0 {
		b = append(b, '-')
		ts = -ts // the most negative timespan is out of any range KQL prints
	}
	for _, tok := range f {
		n := tok.n
		switch tok.spec {
		case 0:
			b = append(b, tok.lit...)
		case 'd':
			b = dtAppendPadded(b, ts/value.Day, min(n, 8))
		case 'h', 'H':
			b = dtAppendPadded(b, ts%value.Day/value.Hour, min(n, 2))
		case 'm':
			b = dtAppendPadded(b, ts%value.Hour/value.Minute, min(n, 2))
		case 's':
			b = dtAppendPadded(b, ts%value.Minute/value.Second, min(n, 2))
		case 'f', 'F':
			b = dtAppendFraction(b, ts%value.Second, n, tok.spec == 'F')
		}
	}
	return string(b)
}

// dtFormatKernel lifts a formatting function into a kernel that compiles
// each distinct format once (the format is a constant, so once a call).
func dtFormatKernel(specs string, format func(int64, dtFormat) string) Kernel {
	return func(ctx *Context, args []*value.Column, n int, out *value.Column) {
		var last string
		var compiled dtFormat
		Map2(func(v int64, f string) (string, bool) {
			if compiled == nil || f != last {
				last, compiled = f, dtCompileFormat(f, specs)
			}
			return format(v, compiled), true
		})(ctx, args, n, out)
	}
}

func init() {
	defer inCategory(CatDatetime)()
	register(&Func{Name: "format_datetime", Pure: true, ResultName: NameFirstArg, Ref: refFuncPage + "format-datetime-function",
		Doc:  "Formats a datetime by a format of specifiers (d, dd, f to fffffff, F to FFFFFFF, h, hh, H, HH, m, mm, M, MM, s, ss, tt, y, yy, yyyy; also .NET's ddd, dddd, MMM and MMMM in English); other characters are copied.",
		Sigs: []*Sig{sig(schema.String, dtFormatKernel("dfFhHmMsty", dtFormatDatetime), p("date", tDatetime), Param{Name: "format", Types: tString, Const: true})},
		Examples: []Example{
			{`format_datetime(datetime(2017-01-29 09:00:05), 'yy-MM-dd [HH:mm:ss]')`, "17-01-29 [09:00:05]"},
			{`format_datetime(datetime(2017-01-29 09:00:05), 'yyyy-M-dd [H:mm:ss]')`, "2017-1-29 [9:00:05]"},
			{`format_datetime(datetime(2017-01-29 09:00:05), 'yy-MM-dd [hh:mm:ss tt]')`, "17-01-29 [09:00:05 AM]"},
			{`format_datetime(datetime(2009-06-15 13:45:30.6175425), 'fffffff F y d h')`, "6175425 6 9 15 1"},
			{`format_datetime(datetime(2009-06-15 13:45:30), 'HH:mm:ss.FFF')`, "13:45:30"},
		}})
	register(&Func{Name: "format_timespan", Pure: true, ResultName: NameFirstArg, Ref: refFuncPage + "format-timespan-function",
		Doc:  "Formats a timespan by a format of specifiers (d to dddddddd, h, hh, H, HH, m, mm, s, ss, f to fffffff, F to FFFFFFF); other characters are copied, and a negative timespan gets a leading minus sign.",
		Sigs: []*Sig{sig(schema.String, dtFormatKernel("dfFhHms", dtFormatTimespan), p("timespan", tTimespan), Param{Name: "format", Types: tString, Const: true})},
		Examples: []Example{
			{`format_timespan(time(29.09:00:05.12345), 'dd.hh:mm:ss:FF')`, "29.09:00:05:12"},
			{`format_timespan(time(29.09:00:05.12345), 'ddd.h:mm:ss [fffffff]')`, "029.9:00:05 [1234500]"},
			{`format_timespan(-90m, 'h:mm')`, "-1:30"},
		}})
}
