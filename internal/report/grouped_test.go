package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// TestTableFit fits the findings table to 40 columns: cells are cut with
// "…", columns that do not fit even at minColumn are left out and
// counted, and no line is longer than the width.
func TestTableFit(t *testing.T) {
	var b bytes.Buffer
	w := NewTableFindingWriter(&b, TableOptions{Width: 40})
	for _, f := range testFindings() {
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	want := `High  Encoded PowerShell (r2) · 1 findi…
Timestamp      DeviceName  ProcessComma…
-------------  ----------  -------------
2026-11-19T1…  wks-2       powershell -…

Medium  ScreenMeet, network (f413b02c) …
DeviceName  Count  FirstSeen      Report
----------  -----  -------------  ------
wks-1           2  2026-11-19T1…  [7,8]
wks-3          10  2026-11-19T1…

(3 findings of 2 rules)
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	for _, l := range strings.Split(b.String(), "\n") {
		if n := utf8.RuneCountInString(l); n > 40 {
			t.Errorf("line of %d runes: %q", n, l)
		}
	}

	b.Reset()
	w = NewTableFindingWriter(&b, TableOptions{Width: 20})
	f := testFindings()[1]
	w.Write(f)
	w.End()
	if !strings.Contains(b.String(), "(1 more column not") {
		t.Errorf("no note of the column left out:\n%s", b.String())
	}
}

func TestTableColor(t *testing.T) {
	for _, color := range []bool{false, true} {
		var b bytes.Buffer
		w := NewTableFindingWriter(&b, TableOptions{Color: color})
		for _, f := range testFindings() {
			w.Write(f)
		}
		w.End()
		hasEsc := strings.Contains(b.String(), "\x1b[")
		if hasEsc != color {
			t.Errorf("Color %v: escape codes %v:\n%q", color, hasEsc, b.String())
		}
		if color && !strings.Contains(b.String(), "\x1b[1;31mHigh\x1b[0m  Encoded PowerShell") {
			t.Errorf("High is not red:\n%q", b.String())
		}
	}
}
