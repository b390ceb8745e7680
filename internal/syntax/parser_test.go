package syntax

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestPrint pins how the parser groups expressions, by printing the tree
// with every binary expression in parentheses.
func TestPrint(t *testing.T) {
	tests := []struct{ in, want string }{
		// and binds tighter than or; comparisons tighter than and.
		// https://learn.microsoft.com/kusto/query/logical-operators
		{`T | where a == 1 or b == 2 and c == 3`, "T\n| where ((a == 1) or ((b == 2) and (c == 3)))"},
		{`T | where a + b * c > d - e / f`, "T\n| where ((a + (b * c)) > (d - (e / f)))"},
		{`T | where x has "a" and y !has 'b'`, "T\n| where ((x has \"a\") and (y !has \"b\"))"},
		{`T | where x in ("a", "b") and y !in~ (1)`, "T\n| where ((x in (\"a\", \"b\")) and (y !in~ (1)))"},
		{`T | where x has_any (L) or x has_all ("a")`, "T\n| where ((x has_any (L)) or (x has_all (\"a\")))"},
		{`T | where t between (ago(1d) .. now())`, "T\n| where (t between (ago(1d) .. now()))"},
		{`T | where t !between (1..2)`, "T\n| where (t !between (1 .. 2))"},
		{`T | where x matches regex "a.*b"`, "T\n| where (x matches regex \"a.*b\")"},
		{`T | where x =~ "A" and y !~ "b" and z != 1`, "T\n| where (((x =~ \"A\") and (y !~ \"b\")) and (z != 1))"},
		{`T | extend a = d.b.c, e = d['k'][0], f = -x`, "T\n| extend a = d.b.c, e = d[\"k\"][0], f = (-x)"},
		{`T | where not(x) and isnull(y)`, "T\n| where (not(x) and isnull(y))"},
		// Literals of every type.
		// https://learn.microsoft.com/kusto/query/scalar-data-types/
		{`print a = 5d, b = 1.5h, c = 100ms, d = 10microsecond, e = 1tick, f = 1e3, g = 0x1F`,
			"print a = 5d, b = 1.5h, c = 100ms, d = 10microsecond, e = 1tick, f = 1e3, g = 0x1F"},
		{`print datetime(2015-12-31 23:59:59.9), time(0.12:34:56.7), guid(74be27de-1e4e-49d9-b579-fe0b331d3642)`,
			"print datetime(2015-12-31 23:59:59.9), timespan(0.12:34:56.7), guid(74be27de-1e4e-49d9-b579-fe0b331d3642)"},
		{`print long(null), int(5), real(-1.5), bool(true), decimal(1.5), datetime(null), dynamic(null)`,
			"print long(null), int(5), real(-1.5), bool(true), decimal(1.5), datetime(null), dynamic(null)"},
		{`print dynamic([1, -2, "s", {"a": [true, null]}])`, "print dynamic([1, (-2), \"s\", {\"a\": [true, null]}])"},
		{`print @'c:\dir', h'secret', "a\tb" 'c', ` + "```multi\nline```", "print @\"c:\\dir\", \"secret\", \"a\\tbc\", \"multi\\nline\""},
		{`print ['a b'] = 1`, "print ['a b'] = 1"},
		// Statements.
		{"let x = 5;\nlet T2 = T | take x;\nT2", "let x = 5;\nlet T2 = T\n| take x;\nT2"},
		{`let f = (a:string, b:long = 5) { T | where c == a }; f("x")`, "let f = (a:string, b:long = 5) { T\n| where (c == a) };\nf(\"x\")"},
		{`let f = (T:(*)) { T | count }; f(U)`, "let f = (T:(*)) { T\n| count };\nf(U)"},
		// Operators.
		{`T | summarize n = count(), make_set(x) by bin(t, 1h), y`, "T\n| summarize n = count(), make_set(x) by bin(t, 1h), y"},
		{`T | summarize (a, b) = arg_max(t, x) by y`, "T\n| summarize (a, b) = arg_max(t, x) by y"},
		{`T | summarize by x`, "T\n| summarize by x"},
		{`T | sort by a desc nulls first, b asc`, "T\n| sort by a desc nulls first, b asc nulls first"},
		{`T | order by a`, "T\n| order by a desc nulls last"},
		{`T | top 5 by x asc`, "T\n| top 5 by x asc nulls first"},
		{`T | project-away Init*, b | project-rename c = d | project-reorder z, a* desc`,
			"T\n| project-away Init*, b\n| project-rename c = d\n| project-reorder z, a* desc"},
		{`T | distinct *`, "T\n| distinct *"},
		{`T | limit 10 | take 1 | count`, "T\n| limit 10\n| take 1\n| count"},
		{`datatable(a:long, b:string) [1, "x", 2, "y"] | filter a > 1`, "datatable(a:long, b:string) [1, \"x\", 2, \"y\"]\n| filter (a > 1)"},
	}
	for _, tt := range tests {
		q, diags := Parse(tt.in)
		if diags.HasErrors() {
			t.Errorf("Parse(%q): %s", tt.in, diags.Format(NewSource("", tt.in)))
			continue
		}
		if got := Print(q); got != tt.want {
			t.Errorf("Parse(%q):\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestSpans checks that nodes carry the spans of their text.
func TestSpans(t *testing.T) {
	src := `T | where RemoteUrl has 'screenmeet.com'`
	q, _ := Parse(src)
	pipe := q.Stmts[0].(*ExprStmt).X.(*PipeExpr)
	where := pipe.Op.(*WhereOp)
	bin := where.Pred.(*BinaryExpr)
	for _, c := range []struct {
		n    Node
		want string
	}{
		{pipe, src},
		{where, `where RemoteUrl has 'screenmeet.com'`},
		{bin, `RemoteUrl has 'screenmeet.com'`},
		{bin.X, `RemoteUrl`},
		{bin.Y, `'screenmeet.com'`},
	} {
		sp := c.n.Span()
		if got := src[sp.Start:sp.End]; got != c.want {
			t.Errorf("%T span = %q, want %q", c.n, got, c.want)
		}
	}
}

var errorMarker = regexp.MustCompile(`// ERROR "((?:[^"\\]|\\.)*)"`)

// TestErrorFiles parses each testdata/errors file. Every line that has a
// // ERROR "regexp" comment must get an error matching the regexp, and no
// other line may get one.
func TestErrorFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/errors/*.kql")
	if len(files) == 0 {
		t.Fatal("no error files")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(data)
		_, diags := Parse(src)
		s := NewSource(f, src)
		lines := strings.Split(src, "\n")
		want := map[int]*regexp.Regexp{}
		for i, l := range lines {
			if m := errorMarker.FindStringSubmatch(l); m != nil {
				want[i+1] = regexp.MustCompile(m[1])
			}
		}
		got := map[int]bool{}
		for _, d := range diags.Errors() {
			line, col := s.LineCol(d.Span.Start)
			got[line] = true
			re, ok := want[line]
			switch {
			case !ok:
				t.Errorf("%s:%d:%d: unexpected error: %s", f, line, col, d.Msg)
			case !re.MatchString(d.Msg):
				t.Errorf("%s:%d:%d: error %q does not match %q", f, line, col, d.Msg, re)
			}
		}
		for line, re := range want {
			if !got[line] {
				t.Errorf("%s:%d: missing error matching %q", f, line, re)
			}
		}
	}
}

// TestFormat checks the rendering of diagnostics: position, source line
// and caret, capped list.
func TestFormat(t *testing.T) {
	src := "T\n| where x ==\n| take 1"
	_, diags := Parse(src)
	got := diags.Format(NewSource("q.kql", src))
	want := "q.kql:3:1: expected an expression, got '|'\n    | take 1\n    ^\n"
	if got != want {
		t.Errorf("Format:\n%s\nwant:\n%s", got, want)
	}
	var many Diagnostics
	for i := 0; i < MaxShown+3; i++ {
		many = append(many, Diagnostic{Span: Span{Start: 0, End: 1}, Msg: "x"})
	}
	if out := many.Format(NewSource("", "T")); !strings.HasSuffix(out, "(and 3 more errors)\n") {
		t.Errorf("capped list ends with %q", out[len(out)-20:])
	}
}

// TestDepth checks that hostile nesting is an error at the bracket that
// goes too deep, not a crash, and that MaxNesting levels are accepted.
func TestDepth(t *testing.T) {
	nest := func(open, close string, n int) string {
		return "print " + strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
	}
	tooDeep := []struct {
		name, src string
		col       int // of the bracket that opens level MaxNesting+1
	}{
		{"parens", nest("(", ")", 1_000_000), 7 + MaxNesting},
		{"calls", nest("abs(", ")", 100_000), 7 + 4*MaxNesting + 3},
		{"dynamic", "print dynamic(" + strings.Repeat("[", 5000) + "]", 15 + MaxNesting - 1},
		{"subqueries", "print " + strings.Repeat("toscalar(print x=", 2000) + "1" + strings.Repeat(")", 2000), 7 + 17*MaxNesting + 8},
	}
	for _, tc := range tooDeep {
		start := time.Now()
		_, diags := Parse(tc.src)
		want := fmt.Sprintf("1:%d: expression nested too deeply (more than %d levels)", tc.col, MaxNesting)
		if got := diags.Format(NewSource("", tc.src)); !strings.HasPrefix(got, want+"\n") {
			t.Errorf("%s: got %.200q, want %q", tc.name, got, want)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%s: took %v", tc.name, d)
		}
	}
	for _, src := range []string{nest("(", ")", MaxNesting), nest("abs(", ")", MaxNesting), nest("strcat(1, ", ")", MaxNesting),
		nest("toscalar(print x=", ")", MaxNesting), nest("toscalar(print x=1 | join (print x=", ") on x)", MaxNesting/2),
		nest("dynamic([", "])", MaxNesting/2), "print " + strings.Repeat("iff(true, ", MaxNesting) + "1" + strings.Repeat(", 2)", MaxNesting)} {
		if _, diags := Parse(src); len(diags) > 0 {
			t.Errorf("%.30s...: %v", src, diags[0].Msg)
		}
	}
}

// TestLongChains checks that chains of operators, which the parser takes
// in a loop and not by recursion, are not limited by MaxNesting.
func TestLongChains(t *testing.T) {
	for _, src := range []string{
		"print 1" + strings.Repeat(" + 1", 100_000),
		"print true" + strings.Repeat(" and true", 100_000),
		"print x=1" + strings.Repeat(" | where true", 100_000),
		"print x=dynamic({})" + strings.Repeat(".a", 100_000),
	} {
		q, diags := Parse(src)
		if len(diags) > 0 {
			t.Fatalf("%.30s...: %v", src, diags[0].Msg)
		}
		if sp := q.Stmts[0].Span(); sp != (Span{Start: 0, End: len(src)}) {
			t.Errorf("%.30s...: span %v, want [0, %d)", src, sp, len(src))
		}
	}
}

// countingContext is a context whose Err turns to Canceled after a number
// of calls, to cancel a parse at a known point.
type countingContext struct {
	context.Context
	calls, cancelAt int
}

func (c *countingContext) Err() error {
	c.calls++
	if c.calls >= c.cancelAt {
		return context.Canceled
	}
	return nil
}

// TestParseContext checks that a parse stops when its context is done:
// before it starts, while the text is lexed, and in the middle of the
// parse, near where the context was done.
func TestParseContext(t *testing.T) {
	src := "print x=1" + strings.Repeat(" | extend y = x + 1", 100_000)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := ParseContext(ctx, src); err != context.Canceled {
		t.Errorf("cancelled before: err = %v", err)
	}
	// How often a whole parse looks at its context: half while lexing,
	// half while parsing.
	never := &countingContext{Context: context.Background(), cancelAt: 1 << 62}
	if _, diags, err := ParseContext(never, src); err != nil || len(diags) > 0 {
		t.Fatalf("not cancelled: %v %v", diags, err)
	}
	n := never.calls
	for _, tc := range []struct {
		name     string
		cancelAt int
		lo, hi   int // where the parse stops
	}{
		{"while lexing", 3, 0, 0},
		{"while parsing", 3 * n / 4, len(src) / 4, 3 * len(src) / 4},
	} {
		cc := &countingContext{Context: context.Background(), cancelAt: tc.cancelAt}
		_, diags, err := ParseContext(cc, src)
		if err != context.Canceled {
			t.Fatalf("%s: err = %v", tc.name, err)
		}
		if !diags.HasErrors() || !strings.HasPrefix(diags[0].Msg, "parsing stopped: context canceled") {
			t.Fatalf("%s: diags %v", tc.name, diags)
		}
		if at := diags[0].Span.Start; at < tc.lo || at > tc.hi {
			t.Errorf("%s: stopped at byte %d, want between %d and %d", tc.name, at, tc.lo, tc.hi)
		}
		if cc.calls != tc.cancelAt+1 { // and once for the result
			t.Errorf("%s: the context was asked %d times, want %d", tc.name, cc.calls, tc.cancelAt+1)
		}
	}
}

// TestColumnDeclSchema checks that a table schema where a column's type
// belongs is an error, and that the tree still prints (FuzzParse found a
// nil type there).
func TestColumnDeclSchema(t *testing.T) {
	for _, src := range []string{"datatable(A(0", "datatable(A:(x:long))[1]", "print 1 | parse-kv x as (A:(y:long))", "print typeof(*, a:long)"} {
		q, diags := Parse(src)
		if src != "print typeof(*, a:long)" && !diags.HasErrors() {
			t.Errorf("%s: no error", src)
		}
		_ = Print(q)
	}
}

// TestPrintDeep checks that printing a chain deeper than the printer goes
// ends in "…" rather than in a stack overflow.
func TestPrintDeep(t *testing.T) {
	q, diags := Parse("print 1" + strings.Repeat(" + 1", 200_000))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if out := Print(q); !strings.Contains(out, "(…") || len(out) > 3_000_000 {
		t.Errorf("printed %d bytes: %.80s", len(out), out)
	}
}
