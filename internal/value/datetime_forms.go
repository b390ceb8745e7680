package value

import (
	"strconv"
	"strings"
	"time"
)

// parseCommaDate parses the date form "yyyy, M, d" (a four-digit year, a
// month and a day separated by commas and optional spaces) that Kusto's
// datetime parsing accepts, as in the endofweek() reference example
// datetime(2025, 6, 14). The time is midnight UTC.
// https://learn.microsoft.com/kusto/query/endofweek-function
func parseCommaDate(s string) (Datetime, bool) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return 0, false
	}
	var nums [3]int
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" || len(p) > 4 || !isDigits(p) || (i == 0) != (len(p) == 4) {
			return 0, false
		}
		nums[i], _ = strconv.Atoi(p)
	}
	year, month, day := nums[0], nums[1], nums[2]
	if month < 1 || month > 12 || day < 1 || day > time.Date(year, time.Month(month+1), 0, 0, 0, 0, 0, time.UTC).Day() {
		return 0, false
	}
	return DatetimeOf(time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)), true
}

// parseDashedMDY parses "MM-dd-yyyy" with an optional time, the invariant
// culture's month-first form with dashes, as in the array_iff() reference
// example datetime("01-01-2022"): it is the slashed form with dashes.
// https://learn.microsoft.com/kusto/query/array-iff-function
func parseDashedMDY(s string) (Datetime, bool) {
	date, clock, hasClock := strings.Cut(s, " ")
	parts := strings.Split(date, "-")
	if len(parts) != 3 || len(parts[0]) > 2 || len(parts[1]) > 2 || len(parts[2]) != 4 {
		return 0, false
	}
	date = strings.Join(parts, "/")
	if hasClock {
		date += " " + clock
	}
	return parseSlashed(date)
}
