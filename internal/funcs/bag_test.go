package funcs

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

func TestParseJSONPath(t *testing.T) {
	tests := []struct {
		path string
		want []pathStep
		ok   bool
	}{
		{"$", []pathStep{}, true},
		{"$.a", []pathStep{{key: "a"}}, true},
		{"$.hosts[1].AvailableMB", []pathStep{{key: "hosts"}, {index: 1, isIndex: true}, {key: "AvailableMB"}}, true},
		{"$['hosts'][1]['AvailableMB']", []pathStep{{key: "hosts"}, {index: 1, isIndex: true}, {key: "AvailableMB"}}, true},
		{`$["a b"]`, []pathStep{{key: "a b"}}, true},
		{`$['it\'s']`, []pathStep{{key: "it's"}}, true},
		{"a", nil, false},
		{"$.", nil, false},
		{"$[1", nil, false},
		{"$['a'", nil, false},
		{"$[x]", nil, false},
		{"$[1.5]", nil, false},
		{"$a", nil, false},
	}
	for _, tt := range tests {
		got, ok := parseJSONPath(tt.path)
		if ok != tt.ok || ok && !equalSteps(got, tt.want) {
			t.Errorf("parseJSONPath(%q) = %v, %v; want %v, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBagKeyPath(t *testing.T) {
	// A name that is not a JSONPath is a root-level key, whatever it
	// holds; array indexing and the root path are not supported.
	if steps, ok := bagKeyPath("a.b"); !ok || len(steps) != 1 || steps[0].key != "a.b" {
		t.Errorf("bagKeyPath(a.b) = %v, %v", steps, ok)
	}
	for _, s := range []string{"$", "$.a[0]", "$.a."} {
		if _, ok := bagKeyPath(s); ok {
			t.Errorf("bagKeyPath(%q) is accepted", s)
		}
	}
}

func TestBagPathsDoNotModifyInput(t *testing.T) {
	in := dyn(t, `{"a":{"b":1,"c":2},"d":3}`).(*value.Bag)
	before := jsonText(in)
	steps, _ := bagKeyPath("$.a.b")
	set := bagSetPath(in, steps, int64(9))
	removed := bagRemovePath(in, steps)
	if got := jsonText(set); got != `{"a":{"b":9,"c":2},"d":3}` {
		t.Errorf("set: %s", got)
	}
	if got := jsonText(removed); got != `{"a":{"c":2},"d":3}` {
		t.Errorf("remove: %s", got)
	}
	if jsonText(in) != before {
		t.Errorf("input changed to %s", jsonText(in))
	}
	missing, _ := bagKeyPath("$.x.y")
	if bagRemovePath(in, missing) != in {
		t.Error("removing a missing path copied the bag")
	}
	if bagHasPath(in, missing) {
		t.Error("bagHasPath found a missing path")
	}
	// A value on the way that is not a bag is replaced by one.
	through, _ := bagKeyPath("$.d.e")
	if got := jsonText(bagSetPath(in, through, "x")); got != `{"a":{"b":1,"c":2},"d":{"e":"x"}}` {
		t.Errorf("set through a scalar: %s", got)
	}
}

func TestKeyOf(t *testing.T) {
	same := [][2]any{
		{int64(1), 1.0},
		{"a", "a"},
		{nil, nil},
		{value.Datetime(5), value.Datetime(5)},
		{dyn(t, `[1,{"a":2}]`), dyn(t, `[1,{"a":2}]`)},
	}
	for _, p := range same {
		if keyOf(p[0]) != keyOf(p[1]) {
			t.Errorf("keyOf(%v) != keyOf(%v)", p[0], p[1])
		}
	}
	different := [][2]any{
		{int64(1), "1"},
		{int64(1), true},
		{1.5, int64(1)},
		{value.Datetime(5), value.Timespan(5)},
		{value.Datetime(5), int64(5)},
		{"[1]", dyn(t, `[1]`)},
	}
	for _, p := range different {
		if keyOf(p[0]) == keyOf(p[1]) {
			t.Errorf("keyOf(%v) == keyOf(%v)", p[0], p[1])
		}
	}
	if !elemEqual("2020-01-01T00:00:00Z", value.Datetime(1577836800*10_000_000)) {
		t.Error("a JSON datetime string does not equal its datetime")
	}
	if elemEqual(nil, nil) {
		t.Error("null equals null")
	}
}
