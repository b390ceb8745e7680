package report

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestHuntStats(t *testing.T) {
	h, _ := testHunt()
	want := Stats{Rules: 6, RulesRun: 4, NotEvaluated: 1, Failed: 1, WithFindings: 3, Findings: 5,
		Suppressed: 7, Exclusions: 2, RowsScanned: 1200, BytesRead: 2150, Elapsed: 1234567 * time.Microsecond}
	if diff := cmp.Diff(want, h.Stats()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	// A failed rule that also says why it was not evaluated is failed.
	h = &Hunt{Rules: []RuleReport{{Errors: []string{"x"}, NotEvaluated: "y", Findings: 2}}}
	if s := h.Stats(); s.Failed != 1 || s.NotEvaluated != 0 || s.RulesRun != 0 || s.WithFindings != 0 || s.Findings != 2 {
		t.Errorf("failed rule stats %+v", s)
	}
}

func TestWriteSummary(t *testing.T) {
	h, _ := testHunt()
	h.Rules = append(h.Rules, RuleReport{ID: "x\x1b[2J", Name: "Forged\nkqlhunt: 0 rules run", NotEvaluated: "no\rdata"})
	var buf bytes.Buffer
	if err := WriteSummary(&buf, h); err != nil {
		t.Fatal(err)
	}
	want := `kqlhunt: 4 rules run, 3 with findings (5 findings), 2 not evaluated, 1 failed; 1200 rows (2.1 KiB) scanned in 1.235s (1.7 KiB/s)
kqlhunt: 7 rows suppressed by 2 exclusions, 1 finding removed
kqlhunt: exclusion "exclusions.yaml:3 (IT jump hosts)" removed 5 rows, 1 finding from ScreenMeet, network (f413b02c)
kqlhunt: exclusion "exclusions.yaml:9 (backup server)" removed 2 rows, 0 findings from Quiet rule (quiet)
kqlhunt: 1 other exclusion removed nothing
kqlhunt: not evaluated: AnyDesk (anydesk): no DeviceProcessEvents data
kqlhunt: not evaluated: Forged\nkqlhunt: 0 rules run (x\x1b[2J): no\rdata
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}

	buf.Reset()
	one := &Hunt{Rules: []RuleReport{{ID: "a", Name: "A", Findings: 1}}, RowsScanned: 1, BytesRead: 3 << 20, Elapsed: 12 * time.Millisecond, PeakMemory: 45 << 20}
	WriteSummary(&buf, one)
	if got, want := buf.String(), "kqlhunt: 1 rule run, 1 with findings (1 finding), 0 not evaluated, 0 failed; 1 row (3.0 MiB) scanned in 12ms (250.0 MiB/s); peak memory 45.0 MiB\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestWriteSummaryGroups: more than maxListed rules not evaluated for one
// reason are summed up on one line, so that a pack over partial data
// does not print hundreds of lines.
func TestWriteSummaryGroups(t *testing.T) {
	h := &Hunt{}
	for i := range maxListed + 2 {
		h.Rules = append(h.Rules, RuleReport{ID: fmt.Sprint(i), Name: fmt.Sprintf("R%d", i), NotEvaluated: "no DeviceFileCertificateInfo data"})
	}
	h.Rules = append(h.Rules, RuleReport{ID: "x", Name: "X", NotEvaluated: "no DeviceEvents data"})
	var buf bytes.Buffer
	WriteSummary(&buf, h)
	want := `kqlhunt: 0 rules run, 0 with findings (0 findings), 8 not evaluated, 0 failed; 0 rows (0 B) scanned in 0s
kqlhunt: not evaluated: 7 rules: no DeviceFileCertificateInfo data (R0, R1, R2 and 4 more)
kqlhunt: not evaluated: X (x): no DeviceEvents data
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 2150: "2.1 KiB", 5 << 20: "5.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := HumanBytes(n); got != want {
			t.Errorf("HumanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestFinish checks that Finish ends writers of every format, giving the
// hunt to the HTML writer only.
func TestFinish(t *testing.T) {
	h, fs := testHunt()
	for _, f := range []Format{Table, CSV, JSON, JSONL, HTML} {
		var a, b bytes.Buffer
		wa, wb := NewFindingWriter(&a, f), NewFindingWriter(&b, f)
		for _, x := range fs {
			wa.Write(x)
			wb.Write(x)
		}
		if err := Finish(wa, h); err != nil {
			t.Fatal(err)
		}
		if err := wb.End(); err != nil {
			t.Fatal(err)
		}
		if same := a.String() == b.String(); same == (f == HTML) {
			t.Errorf("%s: Finish and End give the same output: %v", f, same)
		}
		if err := Finish(wa, h); err == nil {
			t.Errorf("%s: second Finish: no error", f)
		}
	}
}

func TestSuppressions(t *testing.T) {
	got := Suppressions(map[string]int64{"b": 2, "a": 0, "c": 7})
	want := []Suppression{{"a", 0, 0}, {"b", 2, 0}, {"c", 7, 0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := Suppressions(nil); len(got) != 0 {
		t.Errorf("Suppressions(nil) = %v", got)
	}
}
