package report

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// TestTimelineGuards checks formula-injection guarding, one line per
// record, and sorting: timeless findings last, ties in written order.
func TestTimelineGuards(t *testing.T) {
	cols := []schema.Column{
		{Name: "Timestamp", Type: schema.Datetime},
		{Name: "DeviceName", Type: schema.String},
		{Name: "AccountName", Type: schema.String},
		{Name: "Delta", Type: schema.Long},
	}
	mk := func(name string, row ...any) *Finding {
		f := &Finding{RuleID: "r", RuleName: name, Severity: "Low", Columns: cols, Row: row}
		f.Entities = Entities(nil, cols, row)
		return f
	}
	fs := []*Finding{
		mk("untimed", nil, "=HYPERLINK(\"http://x\")", "+cmd", int64(-7)),
		mk("@SUM(1+1)", date("2026-11-19T12:00:00Z"), "-2+3", "-7", int64(1)),
		mk("multi\nline", date("2026-11-19T11:00:00Z"), "wks\t1", "\tTAB", int64(2)),
		mk("second at 11:00", date("2026-11-19T11:00:00Z"), "wks-2", "ok", int64(3)),
	}
	got := writeFindings(t, CSV, fs)
	want := `Timestamp,RuleId,RuleName,Severity,Tactics,Techniques,Host,Account,Entities,Details
2026-11-19T11:00:00.0000000Z,r,multi\nline,Low,,,wks\t1,\tTAB,Host.HostName=wks\t1 | Account.Name=\tTAB,Timestamp=2026-11-19T11:00:00.0000000Z | DeviceName=wks\t1 | AccountName=\tTAB | Delta=2
2026-11-19T11:00:00.0000000Z,r,second at 11:00,Low,,,wks-2,ok,Host.HostName=wks-2 | Account.Name=ok,Timestamp=2026-11-19T11:00:00.0000000Z | DeviceName=wks-2 | AccountName=ok | Delta=3
2026-11-19T12:00:00.0000000Z,r,'@SUM(1+1),Low,,,'-2+3,-7,Host.HostName=-2+3 | Account.Name=-7,Timestamp=2026-11-19T12:00:00.0000000Z | DeviceName=-2+3 | AccountName=-7 | Delta=1
,r,untimed,Low,,,"'=HYPERLINK(""http://x"")",'+cmd,"Host.HostName==HYPERLINK(""http://x"") | Account.Name=+cmd","Timestamp= | DeviceName==HYPERLINK(""http://x"") | AccountName=+cmd | Delta=-7"
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("timeline (-want +got):\n%s", diff)
	}
	records, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != len(fs)+1 || strings.Count(got, "\n") != len(fs)+1 {
		t.Errorf("%d records on %d lines, want %d", len(records), strings.Count(got, "\n"), len(fs)+1)
	}
	for _, r := range records {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) {
				t.Errorf("cell %q starts a formula", cell)
			}
			if cell != "" && cell[0] == '-' && !isNumber(cell) {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}
}

func TestDefuse(t *testing.T) {
	tests := map[string]string{
		"":             "",
		"plain":        "plain",
		"=1+1":         "'=1+1",
		"+1":           "+1",
		"-7":           "-7",
		"-1.5E+21":     "-1.5E+21",
		"-1.":          "'-1.",
		"-1e":          "'-1e",
		"-0x10":        "'-0x10",
		"-Infinity":    "'-Infinity",
		"+1+cmd|' /C'": "'+1+cmd|' /C'",
		"@cmd":         "'@cmd",
		"\t=1":         "'\t=1",
		"\r=1":         "'\r=1",
		"a=1":          "a=1",
		"'=1":          "'=1",
	}
	for in, want := range tests {
		if got := defuse(in); got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestVisible(t *testing.T) {
	tests := map[string]string{
		"plain, ünïcode 東京":         "plain, ünïcode 東京",
		"a\tb\r\nc\x00\x7f":         `a\tb\r\nc\x00\x7f`,
		"csi \u009b31m, ls \u2028.": `csi \u009b31m, ls \u2028.`,
		"bad \xff utf-8":            "bad \ufffd utf-8",
		`C:\Windows\x`:              `C:\Windows\x`,
	}
	for in, want := range tests {
		if got := visible(in); got != want {
			t.Errorf("visible(%q) = %q, want %q", in, got, want)
		}
	}
}
