package yamlpos

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/diag"
	"go.yaml.in/yaml/v3"
)

// TestSyntaxError checks that a syntax error is placed where the problem
// is, not at the line yaml.v3 names, and that its message says what to do.
func TestSyntaxError(t *testing.T) {
	for _, tt := range []struct {
		name, src, want string
	}{
		// yaml.v3 says "line 2" (the list it was reading); the key is on
		// line 4, one level too far left.
		{"indentation", "a:\n  - b: 1\n    c: 2\n  d: 3\n", "x.yaml:4:3: did not find expected '-' indicator (check the indentation)"},
		{"tab", "a: 1\n\tb: 2\n", "x.yaml:2:1: found a tab character that violates indentation"},
		{"reserved", "a: 1\nb: @x\n", "x.yaml:2:4: found character '@' that cannot start any token"},
		// The problem is found at the colon; the key before it is shown.
		{"colon", "a: b: c\n", `x.yaml:1:4: mapping values are not allowed in this context (quote a value that contains ": ")`},
		{"two documents", "a: 1\n---\nb: 2\n", "x.yaml:2:1: expected one YAML document, got 2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.src))
			var l diag.List
			if err == nil || !asList(err, &l) || len(l) != 1 {
				t.Fatalf("Parse = %v, want one diagnostic", err)
			}
			if got := l[0].Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func asList(err error, l *diag.List) bool {
	x, ok := err.(diag.List)
	*l = x
	return ok
}

// TestScalarPosition checks that offsets of a decoded block scalar map to
// the file's own lines and columns.
func TestScalarPosition(t *testing.T) {
	src := "name: x\nquery: |\n  T\n  | where Nope == 1\n"
	f, err := Parse("r.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	key, val := f.Root.Content[2], f.Root.Content[3]
	pos := f.ScalarPosition(key, val)
	off := strings.Index(val.Value, "Nope")
	if line, col := pos(off); line != 4 || col != 11 {
		t.Errorf("position of Nope = %d:%d, want 4:11", line, col)
	}
	line, col := pos(off)
	want := "r.yaml:4:11: unknown column 'Nope'\n      | where Nope == 1\n              ^\n"
	if got := diag.FormatError(f.Errorf(line, col, "unknown column 'Nope'")); got != want {
		t.Errorf("FormatError:\n%s\nwant:\n%s", got, want)
	}
}

func TestDescribe(t *testing.T) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte("[5, 1.5, true, null, x, {a: 1}, [1], !!binary aGk=]"), &n); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range n.Content[0].Content {
		got = append(got, Describe(c))
	}
	want := `integer 5|number 1.5|boolean true|null|string "x"|a mapping|a list|binary "aGk="`
	if strings.Join(got, "|") != want {
		t.Errorf("Describe = %s, want %s", strings.Join(got, "|"), want)
	}
	if s, ok := StringValue(n.Content[0].Content[4]); !ok || s != "x" {
		t.Errorf("StringValue(x) = %q, %v", s, ok)
	}
	if _, ok := StringValue(n.Content[0].Content[0]); ok {
		t.Error("StringValue of an integer is ok")
	}
}
