package funcs

import (
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

func dt(t *testing.T, s string) int64 {
	t.Helper()
	d, ok := value.ParseDatetime(s)
	if !ok {
		t.Fatalf("bad datetime %q", s)
	}
	return int64(d)
}

func dtString(ticks int64, ok bool) string {
	if !ok {
		return "null"
	}
	return value.Datetime(ticks).String()
}

// TestTZLocalToUTC checks the reference's daylight saving example for
// Europe/Brussels, where clocks went from 02:00 to 03:00 on 2022-03-27,
// and the autumn change, when 02:00 to 03:00 happened twice.
// https://learn.microsoft.com/kusto/query/datetime-local-to-utc-function
func TestTZLocalToUTC(t *testing.T) {
	for _, c := range []struct{ local, zone, utc string }{
		{"2022-03-27 01:00", "Europe/Brussels", "2022-03-27T00:00:00.0000000Z"},
		{"2022-03-27 02:00", "Europe/Brussels", "2022-03-27T00:00:00.0000000Z"},
		{"2022-03-27 03:00", "Europe/Brussels", "2022-03-27T01:00:00.0000000Z"},
		{"2022-03-27 04:00", "Europe/Brussels", "2022-03-27T02:00:00.0000000Z"},
		// The repeated hour reads with the offset after the change (+1).
		{"2022-10-30 02:30", "Europe/Brussels", "2022-10-30T01:30:00.0000000Z"},
		{"2022-10-30 01:30", "Europe/Brussels", "2022-10-29T23:30:00.0000000Z"},
		{"2022-10-30 03:30", "Europe/Brussels", "2022-10-30T02:30:00.0000000Z"},
		{"2020-02-02 20:02:20", "US/Pacific", "2020-02-03T04:02:20.0000000Z"},
		{"2020-02-02 20:02:20", "UTC", "2020-02-02T20:02:20.0000000Z"},
		{"2020-02-02 20:02:20", "Local", "null"},
		{"2020-02-02 20:02:20", "", "null"},
		{"0001-01-01 00:30", "Asia/Tokyo", "null"},
	} {
		if got := dtString(tzLocalToUTC(dt(t, c.local), c.zone)); got != c.utc {
			t.Errorf("tzLocalToUTC(%s, %s) = %s, want %s", c.local, c.zone, got, c.utc)
		}
	}
	// Back and forth gives the reference's table: 02:00 returns as 01:00.
	u, _ := tzLocalToUTC(dt(t, "2022-03-27 02:00"), "Europe/Brussels")
	if got := dtString(tzUTCToLocal(u, "Europe/Brussels")); got != "2022-03-27T01:00:00.0000000Z" {
		t.Errorf("round trip of 02:00 = %s", got)
	}
}

// TestTimezoneList checks that every listed time zone loads, with the
// embedded database as well as any on the machine.
func TestTimezoneList(t *testing.T) {
	names := strings.Fields(tzNamesText)
	if len(names) < 400 {
		t.Fatalf("only %d time zones", len(names))
	}
	for i, n := range names {
		if _, err := time.LoadLocation(n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
		if i > 0 && names[i-1] >= n {
			t.Errorf("not sorted at %s", n)
		}
	}
}

func TestDatetimeCalendar(t *testing.T) {
	for _, c := range []struct {
		name string
		got  string
		want string
	}{
		{"start of week of Sunday", dtString(dtStartOf('w', dt(t, "2017-01-01 10:10"), 0)), "2017-01-01T00:00:00.0000000Z"},
		{"start of week of Saturday", dtString(dtStartOf('w', dt(t, "2017-01-07 23:59"), 0)), "2017-01-01T00:00:00.0000000Z"},
		{"first week", dtString(dtStartOf('w', dt(t, "0001-01-01"), 0)), "null"},
		{"end of last year", dtString(dtEndOf('y', dt(t, "9999-12-31"), 0)), "9999-12-31T23:59:59.9999999Z"},
		{"past the last year", dtString(dtEndOf('y', dt(t, "9999-12-31"), 1)), "null"},
		{"huge offset", dtString(dtStartOf('d', dt(t, "2017-01-01"), 1<<40)), "null"},
		{"offset at the bound", dtString(dtStartOf('m', dt(t, "2017-01-01"), -dtMaxOffset)), "null"},
		{"end of February", dtString(dtEndOf('m', dt(t, "2024-02-10"), 0)), "2024-02-29T23:59:59.9999999Z"},
		{"add a month to Jan 31", dtString(dtAdd("month", 1, dt(t, "2017-01-31 10:00"))), "2017-02-28T10:00:00.0000000Z"},
		{"add a year to Feb 29", dtString(dtAdd("Year", 1, dt(t, "2024-02-29"))), "2025-02-28T00:00:00.0000000Z"},
		{"subtract quarters", dtString(dtAdd("quarter", -1, dt(t, "2024-05-31"))), "2024-02-29T00:00:00.0000000Z"},
		{"add nanoseconds", dtString(dtAdd("nanosecond", 250, dt(t, "2024-01-01"))), "2024-01-01T00:00:00.0000002Z"},
		{"add too many days", dtString(dtAdd("day", 1<<50, dt(t, "2024-01-01"))), "null"},
		{"add too many months", dtString(dtAdd("month", 1<<50, dt(t, "2024-01-01"))), "null"},
		{"add years that overflow", dtString(dtAdd("year", 1<<62, dt(t, "2024-01-01"))), "null"},
		{"unknown period", dtString(dtAdd("fortnight", 1, dt(t, "2024-01-01"))), "null"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, c.got, c.want)
		}
	}
}

func TestDatetimeMake(t *testing.T) {
	for _, c := range []struct {
		parts []float64
		want  string
	}{
		{[]float64{2017, 10, 1}, "2017-10-01T00:00:00.0000000Z"},
		{[]float64{2017, 10, 1, 12, 11, 0.1234567}, "2017-10-01T12:11:00.1234567Z"},
		{[]float64{2017, 10, 1, 12}, "2017-10-01T12:00:00.0000000Z"},
		{[]float64{2017, 13, 1}, "null"},
		{[]float64{2017, 2, 29}, "null"},
		{[]float64{0, 1, 1}, "null"},
		{[]float64{2017, 1, 1, 24}, "null"},
		{[]float64{2017, 1, 1, 0, 60}, "null"},
		{[]float64{2017, 1, 1, 0, 0, 60}, "null"},
		{[]float64{2017, 1, 1, 0, 0, -1}, "null"},
	} {
		if got := dtString(dtMake(c.parts)); got != c.want {
			t.Errorf("dtMake(%v) = %s, want %s", c.parts, got, c.want)
		}
	}
}

// TestFormatDatetimeSpecifiers checks the examples of the reference's
// table of format specifiers.
// https://learn.microsoft.com/kusto/query/format-datetime-function
func TestFormatDatetimeSpecifiers(t *testing.T) {
	for _, c := range []struct{ date, format, want string }{
		{"2009-06-01T13:45:30", "d", "1"}, {"2009-06-15T13:45:30", "d", "15"},
		{"2009-06-01T13:45:30", "dd", "01"},
		{"2009-06-15T13:45:30.6170000", "f", "6"}, {"2009-06-15T13:45:30.05", "f", "0"},
		{"2009-06-15T13:45:30.6170000", "ff", "61"}, {"2009-06-15T13:45:30.0050000", "ff", "00"},
		{"2009-06-15T13:45:30.617", "fff", "617"}, {"2009-06-15T13:45:30.0005", "fff", "000"},
		{"2009-06-15T13:45:30.6175000", "ffff", "6175"}, {"2009-06-15T13:45:30.0000500", "ffff", "0000"},
		{"2009-06-15T13:45:30.6175400", "fffff", "61754"}, {"2009-06-15T13:45:30.000005", "fffff", "00000"},
		{"2009-06-15T13:45:30.6175420", "ffffff", "617542"}, {"2009-06-15T13:45:30.0000005", "ffffff", "000000"},
		{"2009-06-15T13:45:30.6175425", "fffffff", "6175425"}, {"2009-06-15T13:45:30.0001150", "fffffff", "0001150"},
		{"2009-06-15T13:45:30.6170000", "F", "6"}, {"2009-06-15T13:45:30.0500000", "F", ""},
		{"2009-06-15T13:45:30.6170000", "FF", "61"}, {"2009-06-15T13:45:30.0050000", "FF", ""},
		{"2009-06-15T13:45:30.6170000", "FFF", "617"}, {"2009-06-15T13:45:30.0005000", "FFF", ""},
		{"2009-06-15T13:45:30.5275000", "FFFF", "5275"}, {"2009-06-15T13:45:30.0000500", "FFFF", ""},
		{"2009-06-15T13:45:30.6175400", "FFFFF", "61754"}, {"2009-06-15T13:45:30.0000050", "FFFFF", ""},
		{"2009-06-15T13:45:30.6175420", "FFFFFF", "617542"}, {"2009-06-15T13:45:30.0000005", "FFFFFF", ""},
		{"2009-06-15T13:45:30.6175425", "FFFFFFF", "6175425"}, {"2009-06-15T13:45:30.0001150", "FFFFFFF", "000115"},
		{"2009-06-15T01:45:30", "h", "1"}, {"2009-06-15T13:45:30", "h", "1"},
		{"2009-06-15T01:45:30", "hh", "01"}, {"2009-06-15T13:45:30", "hh", "01"},
		{"2009-06-15T01:45:30", "H", "1"}, {"2009-06-15T13:45:30", "H", "13"},
		{"2009-06-15T01:45:30", "HH", "01"}, {"2009-06-15T13:45:30", "HH", "13"},
		{"2009-06-15T01:09:30", "m", "9"}, {"2009-06-15T13:29:30", "m", "29"},
		{"2009-06-15T01:09:30", "mm", "09"}, {"2009-06-15T01:45:30", "mm", "45"},
		{"2009-06-15T13:45:30", "M", "6"}, {"2009-06-15T13:45:30", "MM", "06"},
		{"2009-06-15T13:45:09", "s", "9"}, {"2009-06-15T13:45:09", "ss", "09"},
		{"0001-01-01T00:00:00", "y", "1"}, {"0900-01-01T00:00:00", "y", "0"}, {"1900-01-01T00:00:00", "y", "0"},
		{"2009-06-15T13:45:30", "y", "9"}, {"2019-06-15T13:45:30", "y", "19"},
		{"0001-01-01T00:00:00", "yy", "01"}, {"0900-01-01T00:00:00", "yy", "00"}, {"2019-06-15T13:45:30", "yy", "19"},
		{"0001-01-01T00:00:00", "yyyy", "0001"}, {"0900-01-01T00:00:00", "yyyy", "0900"}, {"2009-06-15T13:45:30", "yyyy", "2009"},
		{"2009-06-15T13:45:09", "tt", "PM"}, {"2009-06-15T00:45:09", "h tt", "12 AM"},
		{"2009-06-15T13:45:09", "ddd dddd MMM MMMM", "Mon Monday Jun June"},
		{"2009-06-15T13:45:09", "yyyy-MM-ddTHH:mm:ssZ", "2009-06-15T13:45:09Z"},
	} {
		got := dtFormatDatetime(dt(t, c.date), dtCompileFormat(c.format, "dfFhHmMsty"))
		if got != c.want {
			t.Errorf("format_datetime(%s, %q) = %q, want %q", c.date, c.format, got, c.want)
		}
	}
}

// TestFormatTimespanSpecifiers checks the examples of the reference's
// table of format specifiers.
// https://learn.microsoft.com/kusto/query/format-timespan-function
func TestFormatTimespanSpecifiers(t *testing.T) {
	ts := func(s string) int64 {
		v, ok := value.ParseTimespan(s)
		if !ok {
			t.Fatalf("bad timespan %q", s)
		}
		return int64(v)
	}
	for _, c := range []struct{ span, format, want string }{
		{"15.13:45:30", "d", "15"}, {"15.13:45:30", "dd", "15"}, {"15.13:45:30", "ddd", "015"},
		{"15.13:45:30.6170000", "f", "6"}, {"15.13:45:30.05", "f", "0"},
		{"15.13:45:30.6170000", "ff", "61"}, {"15.13:45:30.0050000", "ff", "00"},
		{"15.13:45:30.6175425", "fffffff", "6175425"}, {"15.13:45:30.0001150", "fffffff", "0001150"},
		{"15.13:45:30.0500000", "F", ""}, {"15.13:45:30.0001150", "FFFFFFF", "000115"},
		{"15.01:45:30", "H", "1"}, {"15.13:45:30", "H", "13"}, {"15.01:45:30", "HH", "01"},
		{"15.01:09:30", "m", "9"}, {"15.13:29:30", "m", "29"}, {"15.01:09:30", "mm", "09"},
		{"15.13:45:09", "s", "9"}, {"15.13:45:09", "ss", "09"},
		{"15.13:45:09", "ss.FFF", "09"},
		{"-01:30:00", "hh:mm", "-01:30"},
	} {
		got := dtFormatTimespan(ts(c.span), dtCompileFormat(c.format, "dfFhHms"))
		if got != c.want {
			t.Errorf("format_timespan(%s, %q) = %q, want %q", c.span, c.format, got, c.want)
		}
	}
}
