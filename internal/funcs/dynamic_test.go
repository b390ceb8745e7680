package funcs

import (
	"testing"

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
