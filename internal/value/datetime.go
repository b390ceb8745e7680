// Package value holds kqlhunt's runtime representation of KQL values: the
// scalar types that Go lacks (datetime, timespan, dynamic), their parsing
// and formatting, and the columnar batches that operators exchange.
//
// A scalar is boxed in an any when it must travel alone. The static KQL
// type, known from the checker, tells how to read it:
//
//	bool      bool
//	int, long int64
//	real      float64
//	decimal   Decimal
//	string    string (never null: the empty string stands in)
//	datetime  Datetime
//	timespan  Timespan
//	guid      string, canonical lowercase 8-4-4-4-12 form
//	dynamic   nil, bool, int64, float64, string, Datetime, Timespan,
//	          []any or *Bag
//
// A nil any is null, for every type but string.
package value

import (
	"strconv"
	"strings"
	"time"
)

// Tick is the unit of datetime and timespan values: 100 nanoseconds.
const (
	Tick        int64 = 1
	Microsecond       = 10 * Tick
	Millisecond       = 1000 * Microsecond
	Second            = 1000 * Millisecond
	Minute            = 60 * Second
	Hour              = 60 * Minute
	Day               = 24 * Hour
)

// Datetime is a UTC instant, in ticks since 1970-01-01T00:00:00Z. Its
// range is that of KQL: 0001-01-01 to 9999-12-31.
// https://learn.microsoft.com/kusto/query/scalar-data-types/datetime
type Datetime int64

// Bounds of the KQL datetime range, in ticks since the Unix epoch.
const (
	MinDatetime Datetime = -621355968000000000 // 0001-01-01T00:00:00Z
	MaxDatetime Datetime = 2534023007999999999 // 9999-12-31T23:59:59.9999999Z
)

// EpochTicks is the number of ticks from 0001-01-01, where KQL's (and
// .NET's) tick count starts, to the Unix epoch. Calendar arithmetic that
// KQL defines on ticks, such as bin(), must be done on Ticks.
const EpochTicks int64 = 621355968000000000

// Ticks returns d as a tick count since 0001-01-01T00:00:00Z.
func (d Datetime) Ticks() int64 { return int64(d) + EpochTicks }

// DatetimeFromTicks returns the Datetime of a tick count since 0001-01-01.
func DatetimeFromTicks(t int64) Datetime { return Datetime(t - EpochTicks) }

// DatetimeOf returns the Datetime of t, truncated to a whole tick.
func DatetimeOf(t time.Time) Datetime {
	return Datetime(t.Unix()*Second + int64(t.Nanosecond())/100)
}

// Time returns d as a time.Time in UTC.
func (d Datetime) Time() time.Time {
	sec := int64(d) / Second
	rem := int64(d) % Second
	if rem < 0 {
		sec--
		rem += Second
	}
	return time.Unix(sec, rem*100).UTC()
}

// String formats d as ISO 8601 UTC with exactly seven fractional digits,
// the form Kusto prints: 2026-11-20T12:00:00.0000000Z.
func (d Datetime) String() string {
	return string(d.AppendFormat(make([]byte, 0, 28)))
}

// AppendFormat appends d in the form of String to b.
func (d Datetime) AppendFormat(b []byte) []byte {
	t := d.Time()
	year, month, day := t.Date()
	hour, min, sec := t.Clock()
	b = appendInt(b, year, 4)
	b = append(b, '-')
	b = appendInt(b, int(month), 2)
	b = append(b, '-')
	b = appendInt(b, day, 2)
	b = append(b, 'T')
	b = appendInt(b, hour, 2)
	b = append(b, ':')
	b = appendInt(b, min, 2)
	b = append(b, ':')
	b = appendInt(b, sec, 2)
	b = append(b, '.')
	b = appendInt(b, t.Nanosecond()/100, 7)
	return append(b, 'Z')
}

func appendInt(b []byte, v, width int) []byte {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

var monthNames = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

// ParseDatetime parses s in one of the formats that datetime() literals and
// todatetime() accept: ISO 8601 (with 'T' or a space, optional seconds,
// fraction and zone: 2014-05-25T08:20:03.123456Z, 2014-11-08 15:55,
// 2014-11-08), RFC 822 (Sat, 8 Nov 14 15:05:02 GMT), RFC 850
// (Saturday, 08-Nov-14 15:05:02 GMT) and the sortable form
// (2014-11-08 15:05:25 GMT). Times without a zone are UTC. Fractions finer
// than a tick are truncated.
// https://learn.microsoft.com/kusto/query/scalar-data-types/datetime
func ParseDatetime(s string) (Datetime, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if len(s) >= 8 && isDigits(s[:4]) && s[4] == '-' {
		return parseISO(s)
	}
	if s[0] >= '0' && s[0] <= '9' && strings.IndexByte(s, '/') > 0 {
		return parseSlashed(s)
	}
	if date, clock, _ := strings.Cut(s, " "); isDashedDate(date) {
		// .NET reads 12-02-2022 as 12/02/2022 (MM-dd-yyyy), as in the
		// todatetime() reference example.
		return parseSlashed(strings.ReplaceAll(date, "-", "/") + " " + clock)
	}
	return parseRFC(s)
}

// isDashedDate reports whether s is M-d-yyyy: three dash-separated runs
// of digits, the last of four.
func isDashedDate(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) != 3 || len(parts[2]) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 4 || !isDigits(p) {
			return false
		}
	}
	return true
}

// ParseDatetimeParts parses the comma-separated form of a datetime
// literal, datetime(2025, 6, 14) or datetime(2025, 6, 14, 10, 5, 3): a
// year, month and day, then optionally an hour, minute and second, all
// integers, in UTC.
func ParseDatetimeParts(s string) (Datetime, bool) {
	parts := strings.Split(s, ",")
	if len(parts) < 3 || len(parts) > 6 {
		return 0, false
	}
	var n [6]int
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v < 0 {
			return 0, false
		}
		n[i] = v
	}
	return fromParts(n[0], n[1], n[2], n[3], n[4], n[5], 0, 0)
}

// parseSlashed parses the invariant-culture forms with slashes that
// Kusto's conversions accept besides the documented ones, as in the
// parse operator's reference example (02/17/2016 08:40:01):
// MM/dd/yyyy or yyyy/MM/dd, then an optional H:mm[:ss[.fffffff]] and
// AM or PM. Times are UTC.
func parseSlashed(s string) (Datetime, bool) {
	date, clock, _ := strings.Cut(s, " ")
	parts := strings.Split(date, "/")
	if len(parts) != 3 {
		return 0, false
	}
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || p == "" || len(p) > 4 {
			return 0, false
		}
		nums[i] = n
	}
	year, month, day := nums[2], nums[0], nums[1]
	if len(parts[0]) == 4 {
		year, month, day = nums[0], nums[1], nums[2]
	} else if len(parts[2]) != 4 {
		return 0, false
	}
	var hour, min, sec, frac int
	clock = strings.TrimSpace(clock)
	if clock != "" {
		ampm := ""
		if i := strings.LastIndexByte(clock, ' '); i > 0 {
			ampm = strings.ToUpper(strings.TrimSpace(clock[i+1:]))
			clock = clock[:i]
		}
		hms := strings.Split(clock, ":")
		if len(hms) < 2 || len(hms) > 3 {
			return 0, false
		}
		var err error
		if hour, err = strconv.Atoi(hms[0]); err != nil {
			return 0, false
		}
		if min, err = strconv.Atoi(hms[1]); err != nil {
			return 0, false
		}
		if len(hms) == 3 {
			secText, fracText, hasFrac := strings.Cut(hms[2], ".")
			if sec, err = strconv.Atoi(secText); err != nil {
				return 0, false
			}
			if hasFrac {
				p := isoParser{s: fracText}
				frac = p.fraction()
				if p.bad || p.i != len(fracText) {
					return 0, false
				}
			}
		}
		switch ampm {
		case "":
		case "AM", "PM":
			if hour < 1 || hour > 12 {
				return 0, false
			}
			hour %= 12
			if ampm == "PM" {
				hour += 12
			}
		default:
			return 0, false
		}
	}
	return fromParts(year, month, day, hour, min, sec, frac, 0)
}

// parseISO parses YYYY-MM-DD[(T| )HH:MM[:SS[.fffffff]]][Z|(+|-)HH[:MM]| GMT| UTC].
func parseISO(s string) (Datetime, bool) {
	p := isoParser{s: s}
	year := p.digits(4)
	if !p.lit('-') {
		return 0, false
	}
	month := p.upTo(2)
	if !p.lit('-') {
		return 0, false
	}
	day := p.upTo(2)
	var hour, min, sec, frac int
	if p.i < len(s) && (s[p.i] == 'T' || s[p.i] == ' ') && p.i+1 < len(s) && s[p.i+1] >= '0' && s[p.i+1] <= '9' {
		p.i++
		hour = p.digits(2)
		if !p.lit(':') {
			return 0, false
		}
		min = p.digits(2)
		if p.lit(':') {
			sec = p.digits(2)
			if p.lit('.') || p.lit(',') {
				frac = p.fraction()
			}
		}
	}
	offset := 0
	rest := strings.TrimSpace(s[p.i:])
	switch {
	case rest == "" || rest == "Z" || rest == "z" || strings.EqualFold(rest, "GMT") || strings.EqualFold(rest, "UTC"):
	case rest[0] == '+' || rest[0] == '-':
		q := isoParser{s: rest, i: 1}
		oh := q.digits(2)
		om := 0
		if q.lit(':') {
			om = q.digits(2)
		} else if q.i < len(rest) {
			om = q.digits(2)
		}
		if q.bad || q.i != len(rest) || oh > 23 || om > 59 {
			return 0, false
		}
		offset = oh*3600 + om*60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return 0, false
	}
	if p.bad {
		return 0, false
	}
	return fromParts(year, month, day, hour, min, sec, frac, offset)
}

type isoParser struct {
	s   string
	i   int
	bad bool
}

func (p *isoParser) digits(n int) int {
	v := 0
	for k := 0; k < n; k++ {
		if p.i >= len(p.s) || p.s[p.i] < '0' || p.s[p.i] > '9' {
			p.bad = true
			return 0
		}
		v = v*10 + int(p.s[p.i]-'0')
		p.i++
	}
	return v
}

// upTo reads one to n digits.
func (p *isoParser) upTo(n int) int {
	v, k := 0, 0
	for ; k < n && p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9'; k++ {
		v = v*10 + int(p.s[p.i]-'0')
		p.i++
	}
	if k == 0 {
		p.bad = true
	}
	return v
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ParseTimeOfDay parses a time of day without a date, H:mm[:ss[.f]]
// with an optional AM or PM, as the time since midnight.
func ParseTimeOfDay(s string) (Timespan, bool) {
	d, ok := parseSlashed("1/1/2000 " + strings.TrimSpace(s))
	if !ok || strings.TrimSpace(s) == "" {
		return 0, false
	}
	base, _ := parseSlashed("1/1/2000")
	return Timespan(d - base), true
}

func (p *isoParser) lit(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// fraction reads up to seven digits as ticks and skips finer digits.
func (p *isoParser) fraction() int {
	v, n := 0, 0
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		if n < 7 {
			v = v*10 + int(p.s[p.i]-'0')
			n++
		}
		p.i++
	}
	if p.i == start {
		p.bad = true
	}
	for ; n < 7; n++ {
		v *= 10
	}
	return v
}

func fromParts(year, month, day, hour, min, sec, frac, offset int) (Datetime, bool) {
	if year < 1 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59 {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, 0, time.UTC)
	if t.Day() != day { // 2023-02-30 normalizes to March
		return 0, false
	}
	d := Datetime(t.Unix()*Second+int64(frac)) - Datetime(int64(offset)*Second)
	if d < MinDatetime || d > MaxDatetime {
		return 0, false
	}
	return d, true
}

// parseRFC parses the RFC 822 and RFC 850 forms: an optional weekday and
// comma, a day, month name and 2- or 4-digit year (separated by spaces or
// dashes), HH:MM[:SS] and an optional zone name.
func parseRFC(s string) (Datetime, bool) {
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = strings.TrimSpace(s[i+1:])
	}
	fields := strings.Fields(s)
	if len(fields) == 2 || len(fields) == 3 {
		dmy := strings.Split(fields[0], "-")
		if len(dmy) == 3 {
			fields = append(dmy, fields[1:]...)
		}
	}
	if len(fields) != 4 && len(fields) != 5 {
		return 0, false
	}
	day, err1 := strconv.Atoi(fields[0])
	month, ok := monthNames[strings.ToLower(fields[1])]
	year, err2 := strconv.Atoi(fields[2])
	if err1 != nil || err2 != nil || !ok {
		return 0, false
	}
	switch len(fields[2]) {
	case 2:
		year += 2000
		if year > 2049 { // .NET's two-digit year window
			year -= 100
		}
	case 4:
	default:
		return 0, false
	}
	clock := strings.Split(fields[3], ":")
	if len(clock) != 2 && len(clock) != 3 {
		return 0, false
	}
	var hms [3]int
	for i, c := range clock {
		v, err := strconv.Atoi(c)
		if err != nil || len(c) > 2 {
			return 0, false
		}
		hms[i] = v
	}
	if len(fields) == 5 {
		switch strings.ToUpper(fields[4]) {
		case "GMT", "UTC", "UT", "Z":
		default:
			return 0, false
		}
	}
	return fromParts(year, int(month), day, hms[0], hms[1], hms[2], 0, 0)
}
