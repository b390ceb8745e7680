package funcs

import (
	_ "embed"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// datetime_zones.txt lists the IANA time zone names of the tz database
// embedded by time/tzdata, one a line, sorted (the names in Go's
// lib/time/zoneinfo.zip, but for "Factory").
//
//go:embed datetime_zones.txt
var tzNamesText string

// tzCache maps a time zone name to its location, nil for an unknown
// name. It holds at most tzCacheMax names, so that a column of junk
// cannot grow it without bound.
var tzCache struct {
	sync.Mutex
	m map[string]*time.Location
}

const tzCacheMax = 1024

// tzLoad returns the location of an IANA time zone name, or nil. "Local"
// and the empty name are not time zones here: results must not depend on
// the machine.
func tzLoad(name string) *time.Location {
	tzCache.Lock()
	defer tzCache.Unlock()
	if loc, ok := tzCache.m[name]; ok {
		return loc
	}
	var loc *time.Location
	if name != "" && name != "Local" {
		if l, err := time.LoadLocation(name); err == nil {
			loc = l
		}
	}
	if tzCache.m == nil {
		tzCache.m = map[string]*time.Location{}
	}
	if len(tzCache.m) < tzCacheMax {
		tzCache.m[name] = loc
	}
	return loc
}

// tzOffset returns the offset from UTC, in ticks, of loc at the UTC
// instant u (a datetime).
func tzOffset(loc *time.Location, u int64) int64 {
	_, off := value.Datetime(u).Time().In(loc).Zone()
	return int64(off) * value.Second
}

// tzUTCToLocal returns the local wall time of the UTC datetime u.
func tzUTCToLocal(u int64, zone string) (int64, bool) {
	loc := tzLoad(zone)
	if loc == nil {
		return 0, false
	}
	return dtChecked(u + tzOffset(loc, u))
}

// tzLocalToUTC returns the UTC datetime of the local wall time l. A wall
// time that occurs twice (when clocks go back) is read with the offset in
// force after the change; one that does not occur (when clocks go
// forward) is read with the offset in force after the change too, as the
// reference's Europe/Brussels example shows: 02:00 on 2022-03-27 is
// 00:00 UTC.
func tzLocalToUTC(l int64, zone string) (int64, bool) {
	loc := tzLoad(zone)
	if loc == nil {
		return 0, false
	}
	// Offsets change at most twice a year: the offsets a day before and
	// a day after are the two candidates.
	before := tzOffset(loc, l-value.Day)
	after := tzOffset(loc, l+value.Day)
	if u := l - after; tzOffset(loc, u) == after {
		return dtChecked(u)
	}
	if u := l - before; tzOffset(loc, u) == before {
		return dtChecked(u)
	}
	return dtChecked(l - after)
}

func init() {
	defer inCategory(CatDatetime)()
	register(&Func{Name: "datetime_utc_to_local", Pure: true, Ref: refFuncPage + "datetime-utc-to-local-function",
		Doc:  "Converts a UTC datetime to the local time of an IANA time zone (such as Europe/Paris); null for an unknown time zone.",
		Sigs: []*Sig{sig(schema.Datetime, Map2(tzUTCToLocal), p("from", tDatetime), p("timezone", tString))},
		Examples: []Example{{`datetime_utc_to_local(datetime(2022-07-11 22:18:48.4678620), 'US/Pacific')`, "2022-07-11T15:18:48.4678620Z"},
			{`datetime_utc_to_local(datetime(2022-07-11 22:18:48.4678620), 'Australia/Canberra')`, "2022-07-12T08:18:48.4678620Z"},
			{`isnull(datetime_utc_to_local(datetime(2022-07-11), 'Nowhere/Special'))`, "true"}}})
	register(&Func{Name: "datetime_local_to_utc", Pure: true, Ref: refFuncPage + "datetime-local-to-utc-function",
		Doc:  "Converts a local time of an IANA time zone (such as Europe/Paris) to UTC; null for an unknown time zone. A local time skipped by a daylight saving change reads with the offset after the change.",
		Sigs: []*Sig{sig(schema.Datetime, Map2(tzLocalToUTC), p("from", tDatetime), p("timezone", tString))},
		Examples: []Example{{`datetime_local_to_utc(datetime(2020-02-02 20:02:20), 'US/Pacific')`, "2020-02-03T04:02:20.0000000Z"},
			{`datetime_local_to_utc(datetime(2020-02-02 20:02:20), 'America/Chicago')`, "2020-02-03T02:02:20.0000000Z"},
			{`datetime_local_to_utc(datetime(2020-02-02 20:02:20), 'Europe/Paris')`, "2020-02-02T19:02:20.0000000Z"},
			{`datetime_local_to_utc(datetime(2022-03-27 02:00:00), 'Europe/Brussels')`, "2022-03-27T00:00:00.0000000Z"}}})
	register(&Func{Name: "datetime_list_timezones", Pure: true, Ref: refFuncPage + "datetime-list-timezones",
		Doc: "Returns the names of the supported IANA time zones, as a sorted dynamic array: those of the tz database built into kqlhunt.",
		Sigs: []*Sig{sig(schema.Dynamic, func(_ *Context, _ []*value.Column, _ int, out *value.Column) {
			names := strings.Fields(tzNamesText)
			list := make([]any, len(names))
			for i, n := range names {
				list[i] = n
			}
			out.Append(list)
			out.Const = true
		})},
		Examples: []Example{{`tostring(datetime_list_timezones()[0])`, "Africa/Abidjan"}, {`datetime_list_timezones() has "Europe/Paris"`, "true"}}})
}
