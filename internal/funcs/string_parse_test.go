package funcs

import (
	"fmt"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

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

// TestParseCommandLine checks the CommandLineToArgvW rules. The cases
// are the table of Microsoft's "Parsing C command-line arguments", after
// a program name; the last follows CommandLineToArgvW's own rule for two
// quotes inside quotes (a literal quote that ends the quoting), where the
// C runtime since 2008 differs.
func TestParseCommandLine(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`p "a b c" d e`, []string{"p", "a b c", "d", "e"}},
		{`p "ab\"c" "\\" d`, []string{"p", `ab"c`, `\`, "d"}},
		{`p a\\\b d"e f"g h`, []string{"p", `a\\\b`, "de fg", "h"}},
		{`p a\\\"b c d`, []string{"p", `a\"b`, "c", "d"}},
		{`p a\\\\"b c" d e`, []string{"p", `a\\b c`, "d", "e"}},
		{`"C:\Program Files\x.exe" -a`, []string{`C:\Program Files\x.exe`, "-a"}},
		{`C:\x\"y.exe" z`, []string{`C:\x\"y.exe"`, "z"}},
		{"p\t a  \t", []string{"p", "a"}},
		{` p`, []string{"", "p"}},
		{`p a"b"" c d`, []string{"p", `ab"`, "c", "d"}},
		{``, []string{}},
	} {
		got := parseCommandLine(c.in)
		if fmt.Sprint(got) != fmt.Sprint(c.want) || len(got) != len(c.want) {
			t.Errorf("parseCommandLine(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestParseCSV checks quoting, doubled quotes, empty fields and the end
// of the first record.
func TestParseCSV(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`aa,"b,b,b",cc,"Escaping quotes: ""Title""","line1` + "\n" + `line2"`, []string{"aa", "b,b,b", "cc", `Escaping quotes: "Title"`, "line1\nline2"}},
		{"record1,a,b,c\nrecord2,x,y,z", []string{"record1", "a", "b", "c"}},
		{"", []string{""}},
		{",", []string{"", ""}},
		{`a"b,c`, []string{`a"b`, "c"}},
		{"a,b\r\nc", []string{"a", "b"}},
	} {
		got := parseCSV(c.in)
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want) {
			t.Errorf("parseCSV(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestParseURL checks the parts of URLs beyond the reference's example.
func TestParseURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://www.bing.com/", `{"Scheme":"https","Host":"www.bing.com","Port":"","Path":"/","Username":"","Password":"","Query Parameters":{},"Fragment":""}`},
		{"http://[::1]:8080/a?x=1&y&x=2#f", `{"Scheme":"http","Host":"[::1]","Port":"8080","Path":"/a","Username":"","Password":"","Query Parameters":{"x":"2","y":""},"Fragment":"f"}`},
		{"ftp://user@h", `{"Scheme":"ftp","Host":"h","Port":"","Path":"","Username":"user","Password":"","Query Parameters":{},"Fragment":""}`},
		{"www.bing.com/x", `{"Scheme":"","Host":"","Port":"","Path":"","Username":"","Password":"","Query Parameters":{},"Fragment":""}`},
		{"1http://x", `{"Scheme":"","Host":"","Port":"","Path":"","Username":"","Password":"","Query Parameters":{},"Fragment":""}`},
	} {
		if got := string(value.AppendJSON(nil, parseURL(c.in))); got != c.want {
			t.Errorf("parseURL(%q) = %s\nwant %s", c.in, got, c.want)
		}
	}
}
