package rules

import (
	"github.com/kqlhunt/kqlhunt/internal/diag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// markerPos returns the line and character column of the first "BAD" in
// text, computed independently of the package's own position code. Lines
// end at LF (CR before it is part of the previous line's end).
func markerPos(t *testing.T, text string) (int, int) {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if j := strings.Index(l, "BAD"); j >= 0 {
			return i + 1, utf8.RuneCountInString(l[:j]) + 1
		}
	}
	t.Fatalf("no BAD in %q", text)
	return 0, 0
}

var positionTests = []struct {
	name      string
	text      string
	line, col int // where the BAD of the query is in the file
}{
	{"literal", `id: x
name: n
query: |
  T
  | where A == 1
  | where BAD
`, 6, 11},
	{"literal strip, indent 4, blank line", `id: x
name: n
query: |-
    T

    | where BAD == 1
`, 6, 13},
	{"literal keep, trailing blank lines", `query: |+
  T | BAD


id: x
name: n
`, 2, 7},
	{"literal indentation indicator", `id: x
name: n
query: |2
      T
    | where BAD
`, 5, 13},
	{"literal indicator and chomping, indented mapping", `  id: x
  name: n
  query: |-2
        T
      | where BAD
`, 5, 15},
	{"literal chomping then indicator", `id: x
name: n
query: |+1
  T
 | where BAD
`, 5, 10},
	{"literal header comment and tag", `id: x
name: n
query: !!str | # the query
  T
  | where BAD
`, 5, 11},
	{"literal non-ASCII before the error", `id: x
name: n
query: |
  DeviceFileCertificateInfo
  | where Signer has 'DWSNET OÜ' and BAD
`, 5, 38},
	{"folded", `id: x
name: n
query: >
  DeviceNetworkEvents
  | where RemoteUrl has 'x'
  | where BAD
`, 6, 11},
	{"folded blank and more-indented lines", `id: x
name: n
query: >-
  T

  | where A
    | extend more = indented
  | where BAD
`, 8, 11},
	{"plain one line", `id: x
name: n
query: T | where BAD
`, 3, 18},
	{"plain multi-line", `id: x
name: n
query: T
  | where A == 1

  | where BAD
`, 6, 11},
	{"single-quoted", `id: x
name: n
query: 'T | where x == ''a'' and BAD'
`, 3, 34},
	{"single-quoted multi-line", `id: x
name: n
query: 'T | where x == ''a''
   and BAD'
`, 4, 8},
	{"double-quoted escapes", `id: x
name: n
query: "T | where x == \"a\tb\" and \u00fc BAD"
`, 3, 44},
	{"double-quoted escaped line break", `id: x
name: n
query: "T | where A == 1 \
  | where B
  | where BAD"
`, 5, 11},
}

func TestQueryPosition(t *testing.T) {
	for _, tt := range positionTests {
		for _, eol := range []string{"\n", "\r\n"} {
			name := tt.name
			if eol == "\r\n" {
				name += " CRLF"
			}
			t.Run(name, func(t *testing.T) {
				text := strings.ReplaceAll(tt.text, "\n", eol)
				if l, c := markerPos(t, text); l != tt.line || c != tt.col {
					t.Fatalf("test is wrong: BAD is at %d:%d in the file, not %d:%d", l, c, tt.line, tt.col)
				}
				r, err := Parse("q.yaml", []byte(text))
				if err != nil {
					t.Fatal(err)
				}
				off := strings.Index(r.Query, "BAD")
				if off < 0 {
					t.Fatalf("no BAD in query %q", r.Query)
				}
				if l, c := r.QueryPosition(off); l != tt.line || c != tt.col {
					t.Errorf("QueryPosition(%d) = %d:%d, want %d:%d (query %q)", off, l, c, tt.line, tt.col, r.Query)
				}
				checkMap(t, r)
			})
		}
	}
}

// TestQueryPositionEdges checks the start and end of a query and the
// inserted bytes: a folded space and a literal line break.
func TestQueryPositionEdges(t *testing.T) {
	const text = "id: x\r\nname: n\r\nquery: >\r\n  DeviceNetworkEvents\r\n  | take 1\r\n"
	r, err := Parse("q.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if r.Query != "DeviceNetworkEvents | take 1\n" {
		t.Fatalf("query = %q", r.Query)
	}
	tests := []struct{ off, line, col int }{
		{-1, 4, 3},
		{0, 4, 3},
		{19, 4, 22}, // the space that folding put for the line break
		{20, 5, 3},
		{27, 5, 10},
		{28, 5, 11}, // the final "\n": the line break
		{29, 5, 11}, // the end
		{100, 5, 11},
	}
	for _, tt := range tests {
		if l, c := r.QueryPosition(tt.off); l != tt.line || c != tt.col {
			t.Errorf("QueryPosition(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
	r, err = Parse("q.yaml", []byte("id: x\nname: n\nquery: T | take 1"))
	if err != nil {
		t.Fatal(err)
	}
	if l, c := r.QueryPosition(len(r.Query)); l != 3 || c != 18 {
		t.Errorf("end of a plain query at the end of the file = %d:%d, want 3:18", l, c)
	}
}

// TestQueryPositionFallback checks a query the mapper does not follow: a
// plain scalar inside a flow mapping maps every offset to its start.
func TestQueryPositionFallback(t *testing.T) {
	r, err := Parse("q.yaml", []byte("{id: x, name: n,\n query: T | where BAD}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r.query.Exact {
		t.Fatal("flow mapping: want the fallback map")
	}
	if l, c := r.QueryPosition(strings.Index(r.Query, "BAD")); l != 2 || c != 9 {
		t.Errorf("QueryPosition = %d:%d, want the query's start 2:9", l, c)
	}
}

// checkMap checks the map of r.Query: verified, monotonic, and every byte
// either copied from the file or standing for a break, a fold or an escape.
func checkMap(t *testing.T, r *Rule) {
	t.Helper()
	if !r.query.Exact {
		t.Fatalf("query map fell back for %q", r.Query)
	}
	prev := -1
	for off := 0; off < len(r.Query); off++ {
		p := r.query.FileOffset(r.src, r.Query, off)
		if p < prev || p >= len(r.src) {
			t.Fatalf("offset %d maps to %d after %d (file length %d)", off, p, prev, len(r.src))
		}
		prev = p
		q, s := r.Query[off], r.src[p]
		switch {
		case q == s:
		case diag.LineBreak(r.src, p) > 0: // a break, a fold, or LS or PS kept as they are
		case s == '\\':
		default:
			t.Fatalf("offset %d (%q) maps to file offset %d (%q)", off, q, p, s)
		}
	}
}

// roundTripStrings are queries to write in every scalar style.
var roundTripStrings = []string{
	"T | take 1",
	"let a = 1;\nT\n| where x == 'y'\n| take 10\n",
	"T\n\n\n| where BAD\n\n",
	"  leading spaces\nand more\n",
	"trailing spaces   \nnext line",
	"tab\there\tand there",
	"key: value # not a comment",
	"'single' and \"double\" quotes, back\\slash",
	"ünïcödé: 'DWSNET OÜ'\n| where Signer has 'ä'",
	"a line that is long enough for the yaml encoder to fold it when it writes a plain or quoted scalar, more than eighty characters wide, twice over, so that it folds at least two times",
	"- dash\n# hash\n? question",
	"control \x07 bell and \u2028 line separator",
	"\nstarts with a break",
	"ends with breaks\n\n\n",
}

var styles = []yaml.Style{0, yaml.LiteralStyle, yaml.FoldedStyle, yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle}

// roundTrip writes q with yaml.v3 in style at indent and checks its map.
func roundTrip(t *testing.T, q string, style yaml.Style, indent int) {
	t.Helper()
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "id"}, {Kind: yaml.ScalarNode, Value: "x"},
		{Kind: yaml.ScalarNode, Value: "name"}, {Kind: yaml.ScalarNode, Value: "n"},
		{Kind: yaml.ScalarNode, Value: "query"}, {Kind: yaml.ScalarNode, Tag: "!!str", Value: q, Style: style},
	}}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(indent)
	if err := enc.Encode(doc); err != nil {
		t.Skip(err)
	}
	text := b.String()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(text), &n); err != nil {
		t.Skipf("yaml.v3 does not read back what it wrote: %v\n%s", err, text)
	}
	r, err := Parse("q.yaml", []byte(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	// yaml.v3's emitter does not always write what reads back the same
	// (folded scalars with kept trailing breaks); the map must be exact for
	// whatever the file holds.
	checkMap(t, r)
	crlf := strings.ReplaceAll(text, "\n", "\r\n")
	r2, err := Parse("q.yaml", []byte(crlf))
	if err != nil {
		t.Fatalf("CRLF: %v", err)
	}
	if r2.Query != r.Query {
		t.Fatalf("CRLF query = %q, want %q", r2.Query, r.Query)
	}
	checkMap(t, r2)
}

func TestQueryPositionRoundTrip(t *testing.T) {
	for _, q := range roundTripStrings {
		for _, style := range styles {
			for _, indent := range []int{2, 4} {
				roundTrip(t, q, style, indent)
			}
		}
	}
}

func FuzzQueryPosition(f *testing.F) {
	for _, q := range roundTripStrings {
		for i := range styles {
			f.Add(q, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, q string, style uint8) {
		if strings.TrimSpace(q) == "" || !utf8.ValidString(q) {
			t.Skip()
		}
		roundTrip(t, q, styles[int(style)%len(styles)], 2)
	})
}

// TestQueryPositionCatalog maps every query of the jischell catalog, with
// its dataTypes indentation repaired in memory.
func TestQueryPositionCatalog(t *testing.T) {
	files, _ := filepath.Glob("/work/shared/rmm/jischell/RMM/*/*.yaml")
	if len(files) == 0 {
		t.Skip("no jischell catalog in /work/shared/rmm")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src = []byte(strings.ReplaceAll(string(src), "\n    dataTypes:", "\n      dataTypes:"))
		r, err := Parse(f, src)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		checkMap(t, r)
		// The query's first line is the line after "query: |".
		line, _, _ := r.KeyPosition("query")
		if l, c := r.QueryPosition(0); l != line+1 || c != 3 {
			t.Errorf("%s: query starts at %d:%d, want %d:3", f, l, c, line+1)
		}
	}
}
