package value

import (
	"math"
	"strconv"
	"strings"
)

// Timespan is a duration in ticks (100 ns).
// https://learn.microsoft.com/kusto/query/scalar-data-types/timespan
type Timespan int64

// String formats t as Kusto prints timespans: [-][d.]hh:mm:ss[.fffffff],
// the fraction given with seven digits when it is not zero.
func (t Timespan) String() string { return string(t.AppendFormat(nil)) }

// AppendFormat appends t in the form of String to b.
func (t Timespan) AppendFormat(b []byte) []byte {
	v := int64(t)
	if v < 0 {
		b = append(b, '-')
		if v == math.MinInt64 {
			v = math.MaxInt64 // off by one tick, unreachable in practice
		} else {
			v = -v
		}
	}
	days := v / Day
	v %= Day
	if days > 0 {
		b = strconv.AppendInt(b, days, 10)
		b = append(b, '.')
	}
	b = appendInt(b, int(v/Hour), 2)
	b = append(b, ':')
	b = appendInt(b, int(v%Hour/Minute), 2)
	b = append(b, ':')
	b = appendInt(b, int(v%Minute/Second), 2)
	if frac := v % Second; frac != 0 {
		b = append(b, '.')
		b = appendInt(b, int(frac), 7)
	}
	return b
}

// timespanUnits maps the unit suffixes of timespan literals to their length
// in ticks.
var timespanUnits = map[string]int64{
	"d": Day, "day": Day, "days": Day,
	"h": Hour, "hr": Hour, "hrs": Hour, "hour": Hour, "hours": Hour,
	"m": Minute, "min": Minute, "minute": Minute, "minutes": Minute,
	"s": Second, "sec": Second, "second": Second, "seconds": Second,
	"ms": Millisecond, "milli": Millisecond, "millis": Millisecond,
	"millisecond": Millisecond, "milliseconds": Millisecond,
	"microsecond": Microsecond, "microseconds": Microsecond,
	"tick": Tick, "ticks": Tick,
}

// TimespanUnit returns the length in ticks of a timespan literal's unit
// suffix ("d", "h", "ms", "microsecond", "tick", ...).
func TimespanUnit(unit string) (int64, bool) {
	v, ok := timespanUnits[strings.ToLower(unit)]
	return v, ok
}

// ParseTimespanLiteral parses a literal such as 5d, 1.5h, 100ms or 1tick:
// a decimal number followed by a unit.
func ParseTimespanLiteral(s string) (Timespan, bool) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i == 0 {
		return 0, false
	}
	unit, ok := TimespanUnit(s[i:])
	if !ok {
		return 0, false
	}
	return scaleDecimal(s[:i], unit)
}

// scaleDecimal returns num*unit for a decimal number num, exactly for
// integers and rounded to the tick otherwise.
func scaleDecimal(num string, unit int64) (Timespan, bool) {
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		if n != 0 && (n*unit)/unit != n {
			return 0, false
		}
		return Timespan(n * unit), true
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, false
	}
	v := math.Round(f * float64(unit))
	if v > math.MaxInt64 || v < math.MinInt64 {
		return 0, false
	}
	return Timespan(v), true
}

// ParseTimespan parses the text forms of a timespan: the literal forms
// (5d, 1.5h), [-][d.]hh:mm[:ss[.fffffff]] as printed by String, and a bare
// number of days, as timespan(2) means two days.
func ParseTimespan(s string) (Timespan, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if strings.ContainsRune(s, ':') {
		return parseClock(s)
	}
	if t, ok := ParseTimespanLiteral(s); ok {
		return t, true
	}
	if f := strings.Fields(s); len(f) == 2 { // "15 seconds"
		if unit, ok := TimespanUnit(f[1]); ok {
			return scaleDecimal(f[0], unit)
		}
	}
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	t, ok := scaleDecimal(s, Day)
	if neg {
		t = -t
	}
	return t, ok
}

func parseClock(s string) (Timespan, bool) {
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	var days int64
	colon := strings.IndexByte(s, ':')
	if dot := strings.IndexByte(s[:colon], '.'); dot >= 0 {
		d, err := strconv.ParseInt(s[:dot], 10, 64)
		if err != nil || d < 0 {
			return 0, false
		}
		days, s = d, s[dot+1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var total int64
	for i, p := range parts {
		if i == 2 { // seconds, with an optional fraction
			sec, frac, _ := strings.Cut(p, ".")
			v, err := strconv.ParseInt(sec, 10, 64)
			if err != nil || v < 0 || v > 59 || len(sec) == 0 {
				return 0, false
			}
			total += v * Second
			if frac != "" {
				if len(frac) > 7 {
					frac = frac[:7]
				}
				fv, err := strconv.ParseInt(frac, 10, 64)
				if err != nil || fv < 0 {
					return 0, false
				}
				for k := len(frac); k < 7; k++ {
					fv *= 10
				}
				total += fv
			}
			continue
		}
		v, err := strconv.ParseInt(p, 10, 64)
		limit := int64(59)
		if i == 0 {
			limit = 23
		}
		if err != nil || v < 0 || v > limit {
			return 0, false
		}
		if i == 0 {
			total += v * Hour
		} else {
			total += v * Minute
		}
	}
	total += days * Day
	if neg {
		total = -total
	}
	return Timespan(total), true
}
