package gen

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

var testNow = value.DatetimeOf(mustTime("2026-01-01T00:00:00Z"))

func opts(seed uint64, rows int) Options {
	return Options{Seed: seed, Rows: rows, Now: testNow, BatchRows: 7}
}

// rows returns the generated rows of t as boxed values.
func rows(t *schema.Table, o Options) [][]any {
	var out [][]any
	for _, b := range Table(t, o) {
		for i := 0; i < b.N; i++ {
			out = append(out, b.Row(i))
		}
	}
	return out
}

// column returns the values of column name.
func column(t *schema.Table, rs [][]any, name string) []any {
	j := t.Lookup(name)
	out := make([]any, len(rs))
	for i, r := range rs {
		out[i] = r[j]
	}
	return out
}

// TestEveryTableTyped generates every table of the built-in catalog
// (Defender XDR and Sentinel) and checks that each value has the Go type
// its column's type boxes to, and that batches have the schema's shape.
func TestEveryTableTyped(t *testing.T) {
	cat := schema.Builtin()
	for _, name := range cat.Names() {
		tab := cat.Table(name)
		n := 0
		for _, b := range Table(tab, opts(1, 20)) {
			if len(b.Cols) != len(tab.Columns) {
				t.Fatalf("%s: batch has %d columns, want %d", name, len(b.Cols), len(tab.Columns))
			}
			if b.N > 7 {
				t.Errorf("%s: batch of %d rows, want at most 7", name, b.N)
			}
			for j, c := range b.Cols {
				col := tab.Columns[j]
				if c.Type != col.Type || c.Len() != b.N {
					t.Fatalf("%s.%s: column of type %s and %d values, want %s and %d", name, col.Name, c.Type, c.Len(), col.Type, b.N)
				}
				for i := 0; i < b.N; i++ {
					if err := checkBoxed(col.Type, c.Get(i)); err != "" {
						t.Errorf("%s.%s row %d: %s", name, col.Name, n+i, err)
					}
				}
			}
			n += b.N
		}
		if n != 20 {
			t.Errorf("%s: %d rows, want 20", name, n)
		}
	}
}

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// checkBoxed returns what is wrong with v as a value of type t, or "".
func checkBoxed(t schema.Type, v any) string {
	if v == nil {
		if t == schema.String {
			return "nil string"
		}
		return ""
	}
	ok := false
	switch t {
	case schema.Bool:
		_, ok = v.(bool)
	case schema.Int:
		x, isInt := v.(int64)
		ok = isInt && x == int64(int32(x))
	case schema.Long:
		_, ok = v.(int64)
	case schema.Real, schema.Decimal:
		_, ok = v.(float64)
	case schema.String:
		_, ok = v.(string)
	case schema.Guid:
		s, isStr := v.(string)
		ok = isStr && guidRE.MatchString(s)
	case schema.Datetime:
		_, ok = v.(value.Datetime)
	case schema.Timespan:
		_, ok = v.(value.Timespan)
	case schema.Dynamic:
		ok = dynamicOK(v)
	}
	if !ok {
		return "value " + value.DynamicString(v) + " is not a " + t.String()
	}
	return ""
}

// dynamicOK reports whether v holds only the dynamic types that survive
// JSON: no datetimes, timespans or integral floats.
func dynamicOK(v any) bool {
	switch x := v.(type) {
	case nil, bool, int64, string:
		return true
	case float64:
		return x != float64(int64(x))
	case []any:
		for _, e := range x {
			if !dynamicOK(e) {
				return false
			}
		}
		return true
	case *value.Bag:
		for _, e := range x.Vals {
			if !dynamicOK(e) {
				return false
			}
		}
		return true
	}
	return false
}

func TestDeterministic(t *testing.T) {
	tab := schema.Defender().Table("DeviceProcessEvents")
	a, b := rows(tab, opts(7, 50)), rows(tab, opts(7, 50))
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("two runs differ (-first +second):\n%s", diff)
	}
	if cmp.Equal(a, rows(tab, opts(8, 50))) {
		t.Error("seeds 7 and 8 give the same rows")
	}
	// Batch size does not change the values.
	o := opts(7, 50)
	o.BatchRows = 1000
	if diff := cmp.Diff(a, rows(tab, o)); diff != "" {
		t.Errorf("batch size changes the rows (-7 rows +1000 rows):\n%s", diff)
	}
	// A prefix of the rows does not depend on the row count.
	if diff := cmp.Diff(a[:10], rows(tab, opts(7, 10))); diff != "" {
		t.Errorf("row count changes the first rows:\n%s", diff)
	}
}

// TestColumnIndependent checks that a column's values depend on its name,
// not on the schema around it.
func TestColumnIndependent(t *testing.T) {
	full := schema.Defender().Table("DeviceNetworkEvents")
	small := schema.NewTable("DeviceNetworkEvents", []schema.Column{
		{Name: "RemoteUrl", Type: schema.String},
		{Name: "Timestamp", Type: schema.Datetime},
		{Name: "DeviceName", Type: schema.String},
	})
	a, b := rows(full, opts(3, 30)), rows(small, opts(3, 30))
	for _, c := range small.Columns {
		if diff := cmp.Diff(column(full, a, c.Name), column(small, b, c.Name)); diff != "" {
			t.Errorf("%s differs between schemas:\n%s", c.Name, diff)
		}
	}
}

func TestPlausible(t *testing.T) {
	cat := schema.Defender()
	span := value.Datetime(DefaultSpan)
	for _, name := range []string{"DeviceProcessEvents", "DeviceNetworkEvents", "DeviceFileEvents", "DeviceLogonEvents"} {
		tab := cat.Table(name)
		rs := rows(tab, opts(1, 200))
		for i, v := range column(tab, rs, "Timestamp") {
			ts := v.(value.Datetime)
			if ts > testNow || ts < testNow-span {
				t.Errorf("%s row %d: Timestamp %v outside the %v before now", name, i, ts, value.Timespan(span))
			}
		}
		// Entities agree within a row.
		names, ids := column(tab, rs, "DeviceName"), column(tab, rs, "DeviceId")
		byName := map[any]any{}
		for i := range names {
			if prev, ok := byName[names[i]]; ok && prev != ids[i] {
				t.Errorf("%s: device %v has ids %v and %v", name, names[i], prev, ids[i])
			}
			byName[names[i]] = ids[i]
		}
		files, sha := column(tab, rs, "InitiatingProcessFileName"), column(tab, rs, "InitiatingProcessSHA1")
		for i := range files {
			if sha[i] == "" {
				continue
			}
			if s := sha[i].(string); len(s) != 40 || strings.Trim(s, "0123456789abcdef") != "" {
				t.Errorf("%s row %d: SHA1 %q", name, i, s)
			}
			for j := range files {
				if files[i] == files[j] && sha[j] != "" && sha[i] != sha[j] {
					t.Fatalf("%s: %v has hashes %v and %v", name, files[i], sha[i], sha[j])
				}
			}
		}
	}
	// Hunts filter on these values: they must occur.
	want := map[string][]string{
		"DeviceProcessEvents": {"FileName=powershell.exe", "FileName=cmd.exe", "FileName=rundll32.exe", "ActionType=ProcessCreated"},
		"DeviceNetworkEvents": {"ActionType=ConnectionSuccess", "RemotePort=443", "RemoteIPType=Public"},
		"DeviceFileEvents":    {"ActionType=FileCreated"},
		"DeviceLogonEvents":   {"ActionType=LogonSuccess", "ActionType=LogonFailed", "LogonType=Network"},
	}
	for name, pairs := range want {
		tab := cat.Table(name)
		rs := rows(tab, opts(1, 500))
		for _, p := range pairs {
			col, val, _ := strings.Cut(p, "=")
			found := false
			for _, v := range column(tab, rs, col) {
				if value.DynamicString(v) == val || v == val {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s: no row with %s in 500", name, p)
			}
		}
	}
}

// TestJSONInStrings checks that string columns Defender fills with JSON hold
// JSON, and dynamic AdditionalFields a bag.
func TestJSONInStrings(t *testing.T) {
	cat := schema.Defender()
	for _, c := range []struct{ table, col string }{
		{"DeviceNetworkInfo", "IPAddresses"},
		{"DeviceInfo", "LoggedOnUsers"},
		{"DeviceEvents", "AdditionalFields"},
		{"EmailEvents", "AuthenticationDetails"},
	} {
		tab := cat.Table(c.table)
		j := tab.Lookup(c.col)
		if j < 0 {
			t.Fatalf("%s has no %s", c.table, c.col)
		}
		for i, v := range column(tab, rows(tab, opts(1, 40)), c.col) {
			s := v.(string)
			if s == "" {
				continue
			}
			d, err := value.ParseJSON([]byte(s))
			if err != nil {
				t.Errorf("%s.%s row %d: %q is not JSON: %v", c.table, c.col, i, s, err)
				continue
			}
			switch d.(type) {
			case []any, *value.Bag:
			default:
				t.Errorf("%s.%s row %d: %q is not an object or array", c.table, c.col, i, s)
			}
		}
	}
	tab := cat.Table("AlertEvidence")
	for i, v := range column(tab, rows(tab, opts(1, 20)), "AdditionalFields") {
		if _, ok := v.(*value.Bag); !ok && v != nil {
			t.Errorf("AlertEvidence.AdditionalFields row %d: %#v is not a bag", i, v)
		}
	}
}

// TestAdapt checks the conversions between a rule's type and a column's.
func TestAdapt(t *testing.T) {
	tab := schema.NewTable("T", []schema.Column{
		{Name: "ReportId", Type: schema.String},         // a long rule
		{Name: "RemotePort", Type: schema.String},       // a long rule
		{Name: "DeviceId", Type: schema.Guid},           // a string rule, not a GUID
		{Name: "AadDeviceId", Type: schema.Guid},        // a string rule, a GUID
		{Name: "OSBuild", Type: schema.Int},             // a long rule
		{Name: "AdditionalFields", Type: schema.String}, // a dynamic rule
		{Name: "Timestamp", Type: schema.String},        // a datetime rule
		{Name: "LogonType", Type: schema.Long},          // a string rule, not a number
	})
	r := rows(tab, opts(1, 30))
	for i := range r {
		for j, c := range tab.Columns {
			if err := checkBoxed(c.Type, r[i][j]); err != "" {
				t.Errorf("%s row %d: %s", c.Name, i, err)
			}
		}
		if s := r[i][6].(string); s != "" {
			if _, ok := value.ParseDatetime(s); !ok {
				t.Errorf("Timestamp as string %q does not parse", s)
			}
		}
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
