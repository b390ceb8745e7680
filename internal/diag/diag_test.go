package diag

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestFormatQuery(t *testing.T) {
	src := NewSource("q.kql", "T\n| where\tx ==\n| take 1")
	l := List{
		{Span: Span{15, 16}, Msg: "expected an expression, got '|'"},
		{Span: Span{10, 11}, Severity: Warning, Msg: "'x' shadows a column"},
	}
	want := "q.kql:3:1: expected an expression, got '|'\n    | take 1\n    ^\n" +
		"q.kql:2:9: warning: 'x' shadows a column\n    | where x ==\n            ^\n"
	if got := l.Format(src); got != want {
		t.Errorf("Format:\n%s\nwant:\n%s", got, want)
	}
	// Without a name the position is LINE:COL; without a source, none.
	if got, want := l[0].Text(NewSource("", src.Text)), "3:1: expected an expression, got '|'"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if got, want := l[1].Error(), "warning: 'x' shadows a column"; got != want {
		t.Errorf("Error = %q, want %q", got, want)
	}
}

// TestFormatEmbedded checks that a query inside a YAML file is placed by
// Source.Pos while its excerpt is the query's own line.
func TestFormatEmbedded(t *testing.T) {
	src := NewSource("rule.yaml", "T | where Nope == 1")
	src.Pos = func(off int) (int, int) { return 7, 3 + off }
	l := List{{Span: Span{10, 14}, Msg: "unknown column 'Nope'"}}
	want := "rule.yaml:7:13: unknown column 'Nope'\n    T | where Nope == 1\n              ^\n"
	if got := l.Format(src); got != want {
		t.Errorf("Format:\n%s\nwant:\n%s", got, want)
	}
}

func TestFormatFile(t *testing.T) {
	f := NewFile("x.yaml", []byte("a: 1\r\nb:\t[2\r\n"))
	l := List{
		f.Errorf(2, 4, "b: expected a string, got %s", "a list"),
		{File: f, Msg: "line unknown"},
		{File: f, Line: 1, Msg: "column unknown"},
		{File: NewFile("gone.yaml", nil), Line: 3, Col: 1, Severity: Warning, Msg: "no text"},
	}
	want := "x.yaml:2:4: b: expected a string, got a list\n    b: [2\n       ^\n" +
		"x.yaml: line unknown\n" +
		"x.yaml:1: column unknown\n    a: 1\n" +
		"gone.yaml:3:1: warning: no text\n"
	if got := l.Format(nil); got != want {
		t.Errorf("Format:\n%s\nwant:\n%s", got, want)
	}
	if got, want := l[3].Labeled(nil), "gone.yaml:3:1: warning: no text"; got != want {
		t.Errorf("Labeled = %q, want %q", got, want)
	}
	if got, want := l[0].Labeled(nil), "x.yaml:2:4: error: b: expected a string, got a list"; got != want {
		t.Errorf("Labeled = %q, want %q", got, want)
	}
	// A line past the end, where yaml.v3 puts some nodes, is the last.
	if d := f.Errorf(9, 9, "x"); d.Line != 3 || d.Col != 1 {
		t.Errorf("Errorf past the end at %d:%d, want 3:1", d.Line, d.Col)
	}
}

// TestCap checks the documented summary line after MaxShown diagnostics.
func TestCap(t *testing.T) {
	for _, tt := range []struct {
		errs, warns int
		want        string
	}{
		{MaxShown + 3, 0, "(and 3 more errors)\n"},
		{MaxShown, 2, "(and 2 more warnings)\n"},
		{MaxShown + 1, 2, "(and 1 more errors, 2 more warnings)\n"},
	} {
		var l List
		for range tt.errs {
			l = append(l, Diagnostic{Span: Span{0, 1}, Msg: "x"})
		}
		for range tt.warns {
			l = append(l, Diagnostic{Span: Span{0, 1}, Severity: Warning, Msg: "w"})
		}
		out := l.Format(NewSource("", "T"))
		if !strings.HasSuffix(out, tt.want) {
			t.Errorf("%d errors, %d warnings: list ends with %q, want %q", tt.errs, tt.warns, out[len(out)-30:], tt.want)
		}
		if n := strings.Count(out, "^\n"); n != MaxShown {
			t.Errorf("%d diagnostics shown, want %d", n, MaxShown)
		}
	}
	if out := (List{{Msg: "x"}}).Format(nil); strings.Contains(out, "more") {
		t.Errorf("short list summed up: %q", out)
	}
}

func TestSort(t *testing.T) {
	src := NewSource("q", "a b\nc d")
	a, b := NewFile("a.yaml", []byte("x\ny\n")), NewFile("b.yaml", []byte("x\ny\n"))
	l := List{
		{Span: Span{6, 7}, Msg: "second on line 2"},
		{File: b, Line: 1, Col: 1, Msg: "b"},
		{Span: Span{4, 5}, Msg: "first on line 2"},
		{Span: Span{2, 3}, Severity: Warning, Msg: "warning on line 1"},
		{Span: Span{2, 3}, Msg: "error on line 1"},
		{File: a, Line: 2, Col: 1, Msg: "a2"},
		{File: a, Line: 1, Col: 2, Msg: "a1"},
		{File: a, Line: 1, Col: 2, Msg: "a1"},
		{File: a, Line: 1, Col: 2, Msg: "a1 too"},
		{File: a, Line: 2, Col: 1, Severity: Warning, Msg: "a2w"},
		{File: a, Line: 2, Col: 1, Severity: Warning, Msg: "a2w"},
	}
	var got []string
	for _, d := range l.Sort(src) {
		got = append(got, d.Msg)
	}
	want := "a1 a1 too a2 a2w b error on line 1 warning on line 1 first on line 2"
	if strings.Join(got, " ") != want {
		t.Errorf("Sort = %q, want %q", strings.Join(got, " "), want)
	}
}

func TestListError(t *testing.T) {
	f := NewFile("r.yaml", nil)
	l := List{f.Errorf(1, 2, "bad"), f.Errorf(3, 0, "worse"), f.Warnf(4, 1, "meh")}
	if got, want := l.Error(), "r.yaml:1:2: bad (and 2 more errors)"; got != want {
		t.Errorf("Error = %q, want %q", got, want)
	}
	if !l.HasErrors() || len(l.Errors()) != 2 || len(l.Warnings()) != 1 || l.Warnings()[0].Msg != "meh" {
		t.Errorf("Errors/Warnings split wrong: %v / %v", l.Errors(), l.Warnings())
	}
	if l.Warnings().HasErrors() {
		t.Error("warnings have errors")
	}
	if (List{}).Err() != nil || l.Err() == nil {
		t.Error("Err of an empty list is not nil, or of a full one nil")
	}
	wrapped := fmt.Errorf("loading: %w", l.Err())
	var d Diagnostic
	if !errors.As(wrapped, &d) || d.Msg != "bad" {
		t.Errorf("errors.As found %v", d)
	}
	if got, want := FormatError(wrapped), "r.yaml:1:2: bad\nr.yaml:3: worse\nr.yaml:4:1: warning: meh\n"; got != want {
		t.Errorf("FormatError = %q, want %q", got, want)
	}
	if got, want := FormatError(d), "r.yaml:1:2: bad\n"; got != want {
		t.Errorf("FormatError(one) = %q, want %q", got, want)
	}
	if got, want := FormatError(errors.New("plain")), "plain\n"; got != want {
		t.Errorf("FormatError(plain) = %q, want %q", got, want)
	}
}

// TestFilePositions checks that File counts lines and columns as yaml.v3
// does: every YAML line break, characters not bytes, no column for a BOM.
func TestFilePositions(t *testing.T) {
	text := []byte("\xef\xbb\xbfa: é\r\nb\rc\u0085d\u2028e\u2029f\ng")
	f := NewFile("f", text)
	if f.Lines() != 7 {
		t.Fatalf("Lines = %d, want 7", f.Lines())
	}
	for _, tt := range []struct {
		line, col int
		at        string
	}{
		{1, 1, "a"}, {1, 4, "é"}, {2, 1, "b"}, {3, 1, "c"}, {4, 1, "d"}, {5, 1, "e"}, {6, 1, "f"}, {7, 1, "g"},
	} {
		off := f.Offset(tt.line, tt.col)
		if off < 0 || !strings.HasPrefix(string(text[off:]), tt.at) {
			t.Errorf("Offset(%d, %d) = %d, not at %q", tt.line, tt.col, off, tt.at)
			continue
		}
		if line, col := f.Position(off); line != tt.line || col != tt.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", off, line, col, tt.line, tt.col)
		}
	}
	// An offset inside "é" is that character's column.
	if _, col := f.Position(f.Offset(1, 4) + 1); col != 4 {
		t.Errorf("inside é: column %d, want 4", col)
	}
	if f.Offset(8, 1) != -1 {
		t.Error("Offset of a missing line is not -1")
	}
	if got, want := f.Excerpt(1, 4), "    a: é\n       ^"; got != want {
		t.Errorf("Excerpt = %q, want %q", got, want)
	}
	if got := f.Excerpt(9, 1); got != "" {
		t.Errorf("Excerpt past the end = %q", got)
	}
}

func TestSourceLineCol(t *testing.T) {
	s := NewSource("", "ab\r\nçd\nx")
	for _, tt := range []struct{ off, line, col int }{{0, 1, 1}, {1, 1, 2}, {4, 2, 1}, {6, 2, 2}, {8, 3, 1}, {99, 3, 2}, {-5, 1, 1}} {
		if line, col := s.LineCol(tt.off); line != tt.line || col != tt.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tt.off, line, col, tt.line, tt.col)
		}
	}
	if got := s.Line(1); got != "ab" {
		t.Errorf("Line = %q, want %q (no CR)", got, "ab")
	}
}

// TestExcerptLongLine checks that a long line is cut to a window around
// the column, with the caret still under it.
func TestExcerptLongLine(t *testing.T) {
	line := strings.Repeat("a", 500) + "X" + strings.Repeat("b", 500)
	got := excerpt(line, 501)
	lines := strings.Split(got, "\n")
	if len(lines) != 2 || len([]rune(lines[0])) > maxExcerpt+6 {
		t.Fatalf("excerpt of a 1001-character line:\n%s", got)
	}
	caret := strings.IndexRune(lines[1], '^')
	if r := []rune(lines[0]); caret < 0 || caret >= len(r) || r[caret] != 'X' {
		t.Errorf("the caret is not under X:\n%s", got)
	}
	if !strings.HasPrefix(lines[0], "    …") || !strings.HasSuffix(lines[0], "…") {
		t.Errorf("the cut is not marked:\n%s", got)
	}
	if got := excerpt("short", 2); got != "    short\n     ^" {
		t.Errorf("short line: %q", got)
	}
	// Near the start: no cut before.
	if got := excerpt(line, 3); !strings.HasPrefix(got, "    aaa") || !strings.Contains(got, "\n      ^") {
		t.Errorf("near the start:\n%s", got)
	}
}
