package exclude

import (
	"strings"
	"testing"
)

// show renders a parsed filter with every group in parentheses.
func show(x expr) string {
	switch x := x.(type) {
	case *logical:
		op := " AND "
		if x.or {
			op = " OR "
		}
		return "(" + show(x.x) + op + show(x.y) + ")"
	case *negation:
		return "NOT " + show(x.x)
	case *compare:
		vals := make([]string, len(x.vals))
		for i, v := range x.vals {
			vals[i] = v.text
			if v.kind == litString {
				vals[i] = "'" + v.text + "'"
			}
		}
		if x.op == "in" || x.op == "!in" {
			return x.field + " " + x.op + " [" + strings.Join(vals, ",") + "]"
		}
		return x.field + " " + x.op + " " + vals[0]
	}
	return "?"
}

func TestParseFilter(t *testing.T) {
	tests := []struct{ in, want string }{
		{`process.name == "a"`, `process.name == 'a'`},
		// AND binds tighter than OR, NOT tighter than AND.
		{`a.b == "1" OR c.d == "2" AND e.f == "3"`, `(a.b == '1' OR (c.d == '2' AND e.f == '3'))`},
		{`a.b == "1" AND c.d == "2" OR e.f == "3"`, `((a.b == '1' AND c.d == '2') OR e.f == '3')`},
		{`NOT a.b == "1" AND c.d == "2"`, `(NOT a.b == '1' AND c.d == '2')`},
		{`NOT (a.b == "1" AND c.d == "2")`, `NOT (a.b == '1' AND c.d == '2')`},
		{`a.b == "1" OR c.d == "2" OR e.f == "3"`, `((a.b == '1' OR c.d == '2') OR e.f == '3')`},
		{`(a.b == "1" OR c.d == "2") AND e.f == "3"`, `((a.b == '1' OR c.d == '2') AND e.f == '3')`},
		{`not not a.b == "1"`, `NOT NOT a.b == '1'`},
		// Keywords in any case; field names lower-cased.
		{`Process.Name CONTAINS "x" or A.B StartsWith 'y' And not C.D endswith "z"`,
			`(process.name contains 'x' OR (a.b startswith 'y' AND NOT c.d endswith 'z'))`},
		{`a.b MATCHES "^x.*"`, `a.b matches '^x.*'`},
		{`a.b IN ("x", 'y',"z")`, `a.b in ['x','y','z']`},
		{`a.b not IN (1, 2)`, `a.b !in [1,2]`},
		{`a.b NOT in ("x")`, `a.b !in ['x']`},
		{`destination.port >= 8000 and destination.port < -1.5`, `(destination.port >= 8000 AND destination.port < -1.5)`},
		{`a.b != TRUE`, `a.b != true`},
		// Strings: no escapes, doubled quotes.
		{`file.path == "C:\Windows\"`, `file.path == 'C:\Windows\'`},
		{`a.b == "say ""hi"""`, `a.b == 'say "hi"'`},
		{`a.b == 'it''s'`, `a.b == 'it's'`},
		{"a.b ==\n\t\"x\"", `a.b == 'x'`},
		// Seed scenario.
		{`process.name != "ScreenMeet.exe" OR process.parent.name == "Task Scheduler" OR process.command_line contains "maintenance"`,
			`((process.name != 'ScreenMeet.exe' OR process.parent.name == 'Task Scheduler') OR process.command_line contains 'maintenance')`},
	}
	for _, tt := range tests {
		x, err := parseFilter(tt.in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if got := show(x); got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// TestParseFilterErrors checks each error's message and offset, which is
// the column of the ^ under the filter (0-based).
func TestParseFilterErrors(t *testing.T) {
	tests := []struct{ in, caret, msg string }{
		{``, `^`, `the filter is empty`},
		{`   `, `^`, `the filter is empty`},
		{`a.b = "x"`, `    ^`, `expected '==' to compare, got '='`},
		{`a.b "x"`, `    ^`, `expected ==, !=, <, <=, >, >=, contains, startswith, endswith, matches or in after a.b, got string "x"`},
		{`a.b ==`, `      ^`, `expected a value (a quoted string, a number, true or false), got the end of the filter`},
		{`a.b == x`, `       ^`, `expected a value, got 'x' (quote a string: "x")`},
		{`a.b == "x`, `       ^`, `unterminated string: expected a closing "`},
		{`a.b == 'x" OR`, `       ^`, `unterminated string: expected a closing '`},
		{`a.b == "x" c.d == "y"`, `           ^`, `expected AND or OR between conditions, got 'c.d'`},
		{`a.b == "x" AND`, `              ^`, `expected a field name, got the end of the filter`},
		{`(a.b == "x"`, `           ^`, `expected ')' or a condition joined by AND or OR, got the end of the filter`},
		{`a.b == "x")`, `          ^`, `expected AND or OR between conditions, got ')'`},
		{`a.b in "x"`, `       ^`, `expected '(' and a list of values, got string "x"`},
		{`a.b in ("x" "y")`, `            ^`, `expected ',' or ')', got string "y"`},
		{`a.b in ()`, `        ^`, `expected a value (a quoted string, a number, true or false), got ')'`},
		{`a.b not "x"`, `        ^`, `expected IN after NOT, got string "x"`},
		{`a.b == 1.2.3`, `       ^`, `invalid number '1.2.3'`},
		{`a.b == "x" & c.d == "y"`, `           ^`, `unexpected character '&'`},
		{`and == "x"`, `^`, `expected a field name, got 'and'`},
		{`a.b == "x" OR OR`, `              ^`, `expected a field name, got 'OR'`},
		{`a.b !== "x"`, `      ^`, `expected a value (a quoted string, a number, true or false), got '='`},
		{`a.b ! "x"`, `    ^`, `expected ==, !=, <, <=, >, >=, contains, startswith, endswith, matches or in after a.b, got '!'`},
		{strings.Repeat("(", 2000) + `a.b == "x"` + strings.Repeat(")", 2000), strings.Repeat(" ", 1001) + "^", `the filter is nested too deeply`},
	}
	for _, tt := range tests {
		_, err := parseFilter(tt.in)
		if err == nil {
			t.Errorf("%q: no error, want %q", tt.in, tt.msg)
			continue
		}
		if err.msg != tt.msg || err.at != len(tt.caret)-1 {
			t.Errorf("%q:\n got %d: %s\nwant %d: %s", tt.in, err.at, err.msg, len(tt.caret)-1, tt.msg)
		}
	}
}

// FuzzParseFilter checks that the parser neither panics nor fails to
// report an error position inside the text.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{`process.name != "ScreenMeet.exe" OR process.parent.name == "Task Scheduler"`,
		`NOT (a.b in (1, 2) AND c.d matches "x")`, `a.b == 'it''s'`, `((`, `a.b not in (`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := parseFilter(s)
		if err != nil && (err.at < 0 || err.at > len(s)) {
			t.Fatalf("%q: error at %d, outside the text", s, err.at)
		}
	})
}
