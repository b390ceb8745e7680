package funcs

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// dyn parses JSON text for a test.
func dyn(t *testing.T, s string) any {
	t.Helper()
	v, err := value.ParseJSON([]byte(s))
	if err != nil {
		t.Fatalf("bad test JSON %q: %v", s, err)
	}
	return v
}

func jsonText(v any) string { return string(value.AppendJSON(nil, v)) }

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

func equalSteps(a, b []pathStep) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
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

func TestSortOrder(t *testing.T) {
	arr := dyn(t, `[null, "b", 2, {"x":1}, 1.5, "a", true, null, -3]`).([]any)
	apply := func(order []int) string {
		out := make([]any, len(order))
		for i, j := range order {
			out[i] = arr[j]
		}
		return jsonText(out)
	}
	tests := []struct {
		desc, nullsLast bool
		want            string
	}{
		{false, true, `[-3,1.5,2,"a","b",{"x":1},true,null,null]`},
		{false, false, `[null,null,-3,1.5,2,"a","b",{"x":1},true]`},
		{true, true, `[{"x":1},true,"b","a",2,1.5,-3,null,null]`},
		{true, false, `[null,null,{"x":1},true,"b","a",2,1.5,-3]`},
	}
	for _, tt := range tests {
		if got := apply(sortOrder(arr, tt.desc, tt.nullsLast)); got != tt.want {
			t.Errorf("sortOrder(desc=%v, nullsLast=%v) = %s, want %s", tt.desc, tt.nullsLast, got, tt.want)
		}
	}
}

func TestArrayHelpers(t *testing.T) {
	arr := dyn(t, `[1,2,3,4,5]`).([]any)
	if got := jsonText(rotateArray(arr, 7)); got != "[3,4,5,1,2]" {
		t.Errorf("rotate by 7: %s", got)
	}
	if got := jsonText(rotateArray(arr, -7)); got != "[4,5,1,2,3]" {
		t.Errorf("rotate by -7: %s", got)
	}
	if got := jsonText(shiftArray(arr, 9, nil)); got != "[null,null,null,null,null]" {
		t.Errorf("shift by 9: %s", got)
	}
	if got := jsonText(arraySlice(arr, 3, 1)); got != "[]" {
		t.Errorf("slice 3..1: %s", got)
	}
	// A slice must not let an append write into the original array.
	s := arraySlice(arr, 0, 1)
	_ = append(s, "x")
	if jsonText(arr) != "[1,2,3,4,5]" {
		t.Errorf("append to a slice changed the array: %s", jsonText(arr))
	}
}

func TestExtractJSON(t *testing.T) {
	doc := `{"a": {"b": [10, 20.50, "x\"y", null, true]}, "s": "text"}`
	tests := []struct {
		path, want string
		ok         bool
	}{
		{"$.s", "text", true},
		{"$.a.b[1]", "20.50", true}, // numbers as written
		{"$.a.b[2]", `x"y`, true},
		{"$.a.b[4]", "true", true},
		{"$.a.b", `[10,20.50,"x\"y",null,true]`, true},
		{"$.a.b[3]", "", false},
		{"$.a.b[9]", "", false},
		{"$.a[0]", "", false},
		{"$.s.t", "", false},
		{"a", "", false},
		{"$", `{"a":{"b":[10,20.50,"x\"y",null,true]},"s":"text"}`, true},
	}
	for _, tt := range tests {
		got, ok := extractJSON(tt.path, doc)
		if got != tt.want || ok != tt.ok {
			t.Errorf("extractJSON(%q) = %q, %v; want %q, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
	if _, ok := extractJSON("$.a", `{"a":1`); ok {
		t.Error("extractJSON accepted invalid JSON")
	}
}

func TestParseXML(t *testing.T) {
	tests := []struct{ xml, want string }{
		{"<e></e>", `{"e":""}`},
		{"<e/>", `{"e":null}`},
		{`<e a="1"><a>x</a><b/><a>y</a>tail</e>`, `{"e":{"@a":"1","a":["x","y"],"b":null,"#text":"tail"}}`},
		{`<x:e xmlns:x="urn:x" x:a="1">t</x:e>`, `{"x:e":{"@xmlns:x":"urn:x","@x:a":"1","#text":"t"}}`},
		{`<e>a &amp; b<![CDATA[ <c> ]]></e>`, `{"e":"a & b <c>"}`},
		{"<!DOCTYPE e><!-- c --><e><?pi x?>v</e>", `{"e":"v"}`},
	}
	for _, tt := range tests {
		v, ok := parseXML(tt.xml)
		if !ok {
			t.Errorf("parseXML(%q) failed", tt.xml)
			continue
		}
		if got := jsonText(v); got != tt.want {
			t.Errorf("parseXML(%q) = %s, want %s", tt.xml, got, tt.want)
		}
	}
	for _, bad := range []string{"", "<a></b>", "<a/><b/>", "text<a/>", "<a>", "<a>&nbsp;</a>"} {
		if v, ok := parseXML(bad); ok {
			t.Errorf("parseXML(%q) = %s, want null", bad, jsonText(v))
		}
	}
}

func TestTreePaths(t *testing.T) {
	got := jsonText(treePaths(dyn(t, `{"a":{"b":[[1],[{"c":1}]]},"it's":1}`)))
	want := `["['a']","['a']['b']","['a']['b'][0]","['a']['b'][0][0]","['a']['b'][0][0]['c']","['it\\'s']"]`
	if got != want {
		t.Errorf("treePaths = %s, want %s", got, want)
	}
}

func TestRange(t *testing.T) {
	run := func(types []schema.Type, row ...any) string {
		v, ok := rangeKernel(types)(row)
		if !ok {
			return "null"
		}
		return jsonText(v)
	}
	long2 := []schema.Type{schema.Long, schema.Long, schema.Long}
	if got := run(long2, int64(5), int64(1), int64(-2)); got != "[5,3,1]" {
		t.Errorf("range(5, 1, -2) = %s", got)
	}
	if got := run(long2, int64(5), int64(1), int64(1)); got != "[]" {
		t.Errorf("range(5, 1, 1) = %s", got)
	}
	if got := run(long2, int64(1), int64(5), int64(0)); got != "null" {
		t.Errorf("range(1, 5, 0) = %s", got)
	}
	reals := []schema.Type{schema.Real, schema.Real, schema.Real}
	if got := run(reals, 1.0, 2.0, 0.25); got != "[1,1.25,1.5,1.75,2]" {
		t.Errorf("range(1.0, 2.0, 0.25) = %s", got)
	}
	near := []schema.Type{schema.Long, schema.Long, schema.Long}
	if got := run(near, int64(9223372036854775806), int64(9223372036854775807), int64(5)); got != "[9223372036854775806]" {
		t.Errorf("range near the largest long = %s", got)
	}
}
