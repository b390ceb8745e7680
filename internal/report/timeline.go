package report

import (
	"encoding/csv"
	"io"
	"slices"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// TimelineColumns are the columns of findings written as CSV, in order.
var TimelineColumns = []string{
	"Timestamp", "RuleId", "RuleName", "Severity", "Tactics", "Techniques",
	"Host", "Account", "Entities", "Details",
}

// timeColumns are the columns a finding's time is read from, in order of
// preference.
var timeColumns = []string{"FirstSeen", "Timestamp", "LastSeen", "TimeGenerated"}

// Time returns the time of f: the value of its first non-null datetime
// column among FirstSeen, Timestamp, LastSeen and TimeGenerated, in that
// order, and false when it has none.
func (f *Finding) Time() (value.Datetime, bool) {
	for _, name := range timeColumns {
		for i, c := range f.Columns {
			if c.Name != name || i >= len(f.Row) {
				continue
			}
			if d, ok := f.Row[i].(value.Datetime); ok && (c.Type == schema.Datetime || c.Type == schema.Dynamic) {
				return d, true
			}
		}
	}
	return 0, false
}

// Host returns the host a finding is about: the value of its first Host
// entity, preferring the identifiers HostName, FullName and NetBiosName
// over the others; "" when it names no host.
func (f *Finding) Host() string {
	return primary(f.Entities, "Host", "HostName", "FullName", "NetBiosName")
}

// Account returns the account a finding is about: the value of its first
// Account entity, preferring FullName (a UPN), then Name, then
// DisplayName, over the other identifiers; "" when it names no account.
func (f *Finding) Account() string {
	return primary(f.Entities, "Account", "FullName", "Name", "DisplayName")
}

// primary returns the value of the first entity of type typ whose
// identifier comes first in prefer, or of the first entity of type typ
// when none has such an identifier.
func primary(es []Entity, typ string, prefer ...string) string {
	best, bestRank := "", len(prefer)+1
	for _, e := range es {
		if e.Type != typ {
			continue
		}
		rank := slices.Index(prefer, e.Identifier)
		if rank < 0 {
			rank = len(prefer)
		}
		if rank < bestRank {
			best, bestRank = e.Value, rank
		}
	}
	return best
}

// entitiesText returns es as "Type.Identifier=Value" joined by " | ".
func entitiesText(es []Entity) string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString(detailSep)
		}
		b.WriteString(e.Type)
		b.WriteByte('.')
		b.WriteString(e.Identifier)
		b.WriteByte('=')
		b.WriteString(e.Value)
	}
	return b.String()
}

// detailSep separates the pairs of the Entities and Details cells.
const detailSep = " | "

// timelineFindings buffers findings as timeline records and writes them
// at End as CSV, sorted by time (see the package comment).
type timelineFindings struct {
	state
	w    io.Writer
	recs []timelineRecord
	buf  []byte
}

// timelineRecord is a finding's CSV record and its time for sorting.
type timelineRecord struct {
	time    value.Datetime
	hasTime bool
	cells   []string
}

func (t *timelineFindings) Write(f *Finding) error {
	if err := t.write(false); err != nil {
		return err
	}
	if err := checkFinding(f); err != nil {
		return err
	}
	r := timelineRecord{cells: make([]string, len(TimelineColumns))}
	if r.time, r.hasTime = f.Time(); r.hasTime {
		r.cells[0] = r.time.String()
	}
	r.cells[1], r.cells[2], r.cells[3] = f.RuleID, f.RuleName, f.Severity
	r.cells[4], r.cells[5] = strings.Join(f.Tactics, ";"), strings.Join(f.Techniques, ";")
	r.cells[6], r.cells[7] = f.Host(), f.Account()
	r.cells[8] = entitiesText(f.Entities)
	b := t.buf[:0]
	for i, c := range f.Columns {
		if i > 0 {
			b = append(b, detailSep...)
		}
		b = append(b, c.Name...)
		b = append(b, '=')
		b = appendText(b, c.Type, f.Row[i])
	}
	t.buf = b
	r.cells[9] = string(b)
	for i, c := range r.cells {
		r.cells[i] = defuse(visible(c))
	}
	t.recs = append(t.recs, r)
	return nil
}

func (t *timelineFindings) End() error {
	if err := t.end(); err != nil {
		return err
	}
	slices.SortStableFunc(t.recs, func(a, b timelineRecord) int {
		switch {
		case a.hasTime != b.hasTime:
			if a.hasTime {
				return -1
			}
			return 1
		case a.time < b.time:
			return -1
		case a.time > b.time:
			return 1
		}
		return 0
	})
	cw := csv.NewWriter(t.w)
	err := cw.Write(TimelineColumns)
	for _, r := range t.recs {
		if err != nil {
			break
		}
		err = cw.Write(r.cells)
	}
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	if err != nil {
		t.err = err
	}
	t.recs = nil
	return t.err
}

// defuse keeps a spreadsheet from taking cell s for a formula: a cell that
// starts with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe, as OWASP recommends, unless it is a plain number (-7, +1.5,
// -2E+21), which a spreadsheet reads as the number it is.
func defuse(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) || isNumber(s) {
		return s
	}
	return "'" + s
}

// isNumber reports whether s is a decimal number: an optional sign,
// digits with an optional fraction, and an optional exponent.
func isNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > start
	}
	if !digits() {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}
