package source

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// decodeTwoWalks is objDecoder.decode as it was before it read records
// in one walk: the object walked whole, then a record's properties walked
// again. The one-walk decode must find the same spans, kinds and errors.
func decodeTwoWalks(d *objDecoder, data []byte, i int) (int, rowKind, error) {
	d.reset()
	cat, props, tm, tenant, stamp := span{s: -1}, span{s: -1}, span{s: -1}, span{s: -1}, span{s: -1}
	var end int
	err := jsonscan.Members(data, i, func(key []byte, escaped bool, s, e int) bool {
		r := d.lookup(key, escaped)
		switch r.special {
		case keyCategory:
			cat = span{s: s, e: e}
		case keyProperties:
			props = span{s: s, e: e}
		case keyTime:
			tm = span{s: s, e: e, prio: 2}
		case keyTenant:
			tenant = span{s: s, e: e, prio: 2}
		case keyStamp:
			stamp = span{s: s, e: e, prio: 2}
		}
		if r.col >= 0 {
			d.set(d.spans, r, data, s, e)
		}
		return true
	}, &end)
	if err != nil {
		return end, kindRow, err
	}
	if cat.s < 0 || props.s < 0 || data[cat.s] != '"' || data[props.s] != '{' {
		if !d.rowsOK {
			return end, kindOrphan, nil
		}
		if d.stampFill && d.spans[d.timeOut].s < 0 {
			d.spans[d.timeOut] = stamp
		}
		return end, kindRow, nil
	}
	if !d.forced {
		if k := d.category(data[cat.s+1 : cat.e-1]); k != kindRecord {
			return end, k, nil
		}
	}
	d.reset()
	stamp = span{s: -1}
	var pend int
	_ = jsonscan.Members(data, props.s, func(key []byte, escaped bool, s, e int) bool {
		r := d.lookup(key, escaped)
		if r.special == keyStamp {
			stamp = span{s: s, e: e, prio: 2}
		}
		if r.col >= 0 {
			d.set(d.spans, r, data, s, e)
		}
		return true
	}, &pend)
	if d.timeOut >= 0 && d.spans[d.timeOut].s < 0 {
		d.spans[d.timeOut] = tm
		if tm.s < 0 && d.stampFill {
			d.spans[d.timeOut] = stamp
		}
	}
	if d.tenantOut >= 0 && d.spans[d.tenantOut].s < 0 {
		d.spans[d.tenantOut] = tenant
	}
	return end, kindRecord, nil
}

var decodeSeeds = []string{
	`{"time":"2025-01-01T00:00:00Z","tenantId":"t","category":"AdvancedHunting-DeviceEvents","properties":{"Timestamp":"x","DeviceName":"a","ReportId":1}}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties":{"DeviceName":"a"},"properties":{"ReportId":2}}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties":{"DeviceName":"a"},"properties":5}`,
	`{"properties":{"devicename":"a","ReportId_long":3,"ReportId_string":"3"},"category":"AdvancedHunting-deviceevents","time":"t"}`,
	`{"category":"AdvancedHunting-EmailEvents","properties":{"DeviceName":"a"}}`,
	`{"c\u0061tegory":"AdvancedHunting-DeviceEvents","pr\u006fperties":{"Device\u004eame":"a"}}`,
	`{"Timestamp":"x","DeviceName":"a","TenantId":"t"}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties":{"DeviceName":"a",}}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties":{"DeviceName":[[[1]]]}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties":{"DeviceName" "a"}}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties"`,
	`{"category":"AdvancedHunting-DeviceEvents","PROPERTIES":{"DeviceName":"a"},"Category":"x"}`,
	`{}`,
	`[1]`,
}

// checkDecode compares the one-walk decode with decodeTwoWalks on obj, for
// a table with the columns that records and rows fill in special ways,
// after both decoded prev (nil for none): prev's keys are the key hints of
// the one-walk decode's first pass over obj.
func checkDecode(t *testing.T, prev, obj []byte) {
	tab := schema.NewTable("DeviceEvents", []schema.Column{
		{Name: "TimeGenerated", Type: schema.Datetime}, {Name: "Timestamp", Type: schema.Datetime},
		{Name: "DeviceName", Type: schema.String}, {Name: "ReportId", Type: schema.Long},
		{Name: "TenantId", Type: schema.String}, {Name: "properties", Type: schema.Dynamic},
	})
	cols := []int{0, 1, 2, 3, 4, 5, 2}
	for _, mode := range []struct{ rowsOK, forced bool }{{true, false}, {false, false}, {false, true}} {
		one := newObjDecoder(&rowWriter{}, tab, cols)
		two := newObjDecoder(&rowWriter{}, tab, cols)
		for _, d := range []*objDecoder{one, two} {
			d.table, d.rowsOK, d.forced = tab.Name, mode.rowsOK, mode.forced
		}
		if prev != nil {
			_, _, _ = one.decode(prev, 0)
			_, _, _ = decodeTwoWalks(two, prev, 0)
		}
		// Twice: the second time through the key caches.
		for range 2 {
			e1, k1, err1 := one.decode(obj, 0)
			e2, k2, err2 := decodeTwoWalks(two, obj, 0)
			got := fmt.Sprint(e1, k1, err1)
			want := fmt.Sprint(e2, k2, err2)
			if got != want {
				t.Fatalf("%q %+v: decode gives %s, want %s", obj, mode, got, want)
			}
			if err1 == nil && (k1 == kindRow || k1 == kindRecord) && fmt.Sprint(one.spans) != fmt.Sprint(two.spans) {
				t.Fatalf("%q %+v: spans %v, want %v", obj, mode, one.spans, two.spans)
			}
		}
	}
}

func TestDecodeOneWalk(t *testing.T) {
	for i, s := range decodeSeeds {
		checkDecode(t, nil, []byte(s))
		checkDecode(t, []byte(decodeSeeds[(i+1)%len(decodeSeeds)]), []byte(s))
	}
	deep := []byte(`{"category":"AdvancedHunting-DeviceEvents","properties":{"DeviceName":` +
		string(bytes.Repeat([]byte("["), jsonscan.MaxDepth-1)) + string(bytes.Repeat([]byte("]"), jsonscan.MaxDepth-1)) + `}}`)
	checkDecode(t, nil, deep)
	checkDecode(t, nil, deep[:len(deep)-2]) // the nesting limit counts from the record
	if _, _, err := newObjDecoder(&rowWriter{}, schema.NewTable("T", nil), nil).decode(deep, 0); err == nil {
		t.Fatal("nesting deeper than jsonscan.MaxDepth accepted in a record's properties")
	}
}

func FuzzDecodeOneWalk(f *testing.F) {
	for i, s := range decodeSeeds {
		f.Add([]byte(decodeSeeds[(i+1)%len(decodeSeeds)]), []byte(s))
	}
	f.Fuzz(func(t *testing.T, prev, obj []byte) { checkDecode(t, prev, obj) })
}
