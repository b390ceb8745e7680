package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

const evilName = `<script>alert(1)</script>`

// testHunt is a hunt of six rules: two with the findings of testFindings,
// one whose name and output are hostile, one not evaluated, one that
// failed and one without findings; with suppressions and warnings.
func testHunt() (*Hunt, []*Finding) {
	fs := testFindings()
	evilCols := []schema.Column{
		{Name: "Timestamp", Type: schema.Datetime},
		{Name: "DeviceName", Type: schema.String},
		{Name: "AccountUpn", Type: schema.String},
		{Name: "RemoteUrl", Type: schema.String},
		{Name: "Note", Type: schema.String},
	}
	for _, row := range [][]any{
		{date("2026-11-13T23:59:59Z"), "wks-1", "=cmd|' /C calc'!A0", "https://evil.example/a", `<img src="https://evil.example/x.png">`},
		{date("2026-11-14T00:00:00Z"), "", "bob@example.com", "http://evil.example/b", "line one\nline two\x1b[31m"},
	} {
		f := &Finding{RuleID: "evil", RuleName: evilName, Severity: "Low",
			Tactics: []string{"Execution"}, Techniques: []string{"T1059"}, Columns: evilCols, Row: row}
		f.Entities = Entities(nil, f.Columns, f.Row)
		fs = append(fs, f)
	}
	h := &Hunt{
		Started:     time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC),
		Now:         time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		Elapsed:     1234567 * time.Microsecond,
		RowsScanned: 1200,
		BytesRead:   2150,
		Rules: []RuleReport{
			{ID: "f413b02c", Name: "ScreenMeet, network", Severity: "Medium", Tactics: []string{"CommandAndControl"},
				Techniques: []string{"T1219"}, File: "rules/screenmeet.yaml", Findings: 2,
				Suppressed: []Suppression{{Exclusion: "exclusions.yaml:3 (IT jump hosts)", Rows: 5, Findings: 1}}, SuppressedRows: 5, FindingsRemoved: 1},
			{ID: "r2", Name: "Encoded PowerShell", Severity: "High", File: "rules/encoded.yaml", Findings: 1},
			{ID: "evil", Name: evilName, Severity: "Low", Tactics: []string{"Execution"}, Techniques: []string{"T1059"},
				File: "rules/evil.yaml", Findings: 2, Warnings: []string{`column "Note" holds <b>markup</b>`}},
			{ID: "anydesk", Name: "AnyDesk", Severity: "Medium", File: "rules/anydesk.yaml",
				NotEvaluated: "no DeviceProcessEvents data"},
			{File: "rules/broken.yaml", Errors: []string{"rules/broken.yaml:3:1: expected a mapping, got a sequence\n    - x\x1b\n    ^\n"}},
			{ID: "quiet", Name: "Quiet rule", File: "rules/quiet.yaml",
				Suppressed: []Suppression{{Exclusion: "exclusions.yaml:3 (IT jump hosts)", Rows: 0},
					{Exclusion: "exclusions.yaml:9 (backup server)", Rows: 2}}, SuppressedRows: 2},
		},
		Warnings:         []string{"data/DeviceNetworkEvents.jsonl: skipped 2 malformed lines"},
		ExclusionEntries: 3,
	}
	return h, fs
}

// writeHuntHTML writes fs and h through the HTML FindingWriter.
func writeHuntHTML(t *testing.T, h *Hunt, fs []*Finding) string {
	t.Helper()
	var buf bytes.Buffer
	w := NewFindingWriter(&buf, HTML)
	for _, f := range fs {
		if err := w.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := Finish(w, h); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestHTMLGolden(t *testing.T) {
	h, fs := testHunt()
	got := writeHuntHTML(t, h, fs)
	golden(t, "hunt.html", got)

	// WriteHTML with the findings in the model writes the same page.
	for _, f := range fs {
		h.Findings = append(h.Findings, *f)
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, h); err != nil {
		t.Fatal(err)
	}
	if buf.String() != got {
		t.Error("WriteHTML and the HTML FindingWriter differ")
	}
}

// htmlDoc is what parseHTML learns of a page.
type htmlDoc struct {
	elements map[string]int      // element name to count
	attrs    []xml.Attr          // every attribute
	text     strings.Builder     // all character data
	byID     map[string][]string // id to the names of the elements it holds
}

// parseHTML parses page strictly as XML, which the report is written to
// be (void elements closed with />), so that a missing or misnested end
// tag fails the test.
func parseHTML(t *testing.T, page string) *htmlDoc {
	t.Helper()
	if !strings.HasPrefix(page, "<!DOCTYPE html>\n") {
		t.Errorf("page does not start with <!DOCTYPE html>")
	}
	page = withoutScript(t, page)
	d := xml.NewDecoder(strings.NewReader(page))
	doc := &htmlDoc{elements: map[string]int{}, byID: map[string][]string{}}
	var open []string // ids of the open elements that have one
	var stack []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("page is not well formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			doc.elements[name]++
			id := ""
			for _, a := range tok.Attr {
				doc.attrs = append(doc.attrs, a)
				if a.Name.Local == "id" {
					id = a.Value
				}
			}
			for _, o := range open {
				if o != "" {
					doc.byID[o] = append(doc.byID[o], name)
				}
			}
			open = append(open, id)
			stack = append(stack, name)
		case xml.EndElement:
			open = open[:len(open)-1]
			stack = stack[:len(stack)-1]
		case xml.CharData:
			doc.text.Write(tok)
		}
	}
	if len(stack) != 0 {
		t.Errorf("unclosed elements %v", stack)
	}
	return doc
}

// withoutScript checks that page has one script, kqlhunt's own, inline
// and last in the body, and returns the page without it.
func withoutScript(t *testing.T, page string) string {
	t.Helper()
	i, j := strings.Index(page, "<script>\n"), strings.Index(page, "\n</script>\n</body>")
	if i < 0 || j < i || strings.Count(strings.ToLower(page), "<script") != 1 {
		t.Errorf("the page has not exactly one inline script at the end of its body")
		return page
	}
	script := page[i+len("<script>\n") : j]
	if !strings.Contains(script, "function filter()") {
		t.Errorf("the script is not html.js")
	}
	for _, bad := range []string{"fetch", "XMLHttpRequest", "import", "http", "src", "eval", "innerHTML", "WebSocket"} {
		if strings.Contains(script, bad) {
			t.Errorf("the script holds %q", bad)
		}
	}
	return page[:i] + page[j+len("\n</script>"):]
}

// TestHTMLStructure checks that the report parses, fetches nothing and
// escapes what rules and data hold.
func TestHTMLStructure(t *testing.T) {
	h, fs := testHunt()
	page := writeHuntHTML(t, h, fs)
	doc := parseHTML(t, page)

	for _, name := range []string{"html", "head", "body", "style", "svg", "main"} {
		if doc.elements[name] == 0 {
			t.Errorf("no <%s> element", name)
		}
	}
	for _, name := range []string{"script", "link", "img", "iframe", "object", "embed", "base", "form", "use", "image", "foreignObject"} {
		if n := doc.elements[name]; n > 0 {
			t.Errorf("%d <%s> elements", n, name)
		}
	}
	for _, a := range doc.attrs {
		v := strings.ToLower(a.Value)
		switch {
		case strings.HasPrefix(strings.ToLower(a.Name.Local), "on"):
			t.Errorf("event handler attribute %s=%q", a.Name.Local, a.Value)
		case a.Name.Local == "style":
			t.Errorf("style attribute %q", a.Value)
		case a.Name.Local == "src" || a.Name.Local == "href" || a.Name.Local == "action":
			if !strings.HasPrefix(v, "#") {
				t.Errorf("%s=%q refers to another resource", a.Name.Local, a.Value)
			}
		case strings.Contains(v, "http:") || strings.Contains(v, "https:") || strings.Contains(v, "//"):
			t.Errorf("attribute %s=%q holds an address", a.Name.Local, a.Value)
		}
	}
	style := page[strings.Index(page, "<style>"):strings.Index(page, "</style>")]
	for _, bad := range []string{"url(", "@import", "@font-face", "http"} {
		if strings.Contains(style, bad) {
			t.Errorf("style holds %q", bad)
		}
	}

	// The hostile rule name and cells are text, escaped in the source.
	if strings.Count(strings.ToLower(page), "<script") != 1 || strings.Contains(page, "<img") || strings.Contains(page, "<b>markup") {
		t.Error("markup from a rule or the data reached the page unescaped")
	}
	text := doc.text.String()
	for _, want := range []string{evilName, `<img src="https://evil.example/x.png">`, `column "Note" holds <b>markup</b>`,
		`line one\nline two\x1b[31m`, "no DeviceProcessEvents data", "rules/broken.yaml:3:1: expected a mapping, got a sequence\n    - x\\x1b\n    ^",
		"data/DeviceNetworkEvents.jsonl: skipped 2 malformed lines", "exclusions.yaml:9 (backup server)"} {
		if !strings.Contains(text, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
	if strings.ContainsRune(text, 0x1b) {
		t.Error("a control character reached the page")
	}

	// Every rule with findings has its section, linked from the summary.
	for _, id := range []string{"rules", "timeline", "devices", "findings", "suppressed", "not-evaluated", "errors", "warnings",
		"rule-1", "rule-2", "rule-3"} {
		if _, ok := doc.byID[id]; !ok {
			t.Errorf("no element with id %q", id)
		}
	}
	if got := strings.Count(page, `<details id="rule-`); got != 3 {
		t.Errorf("%d rule sections, want 3", got)
	}
}

// TestHTMLChart checks the time chart of findings across days: one bar
// per rule and day, heights adding up to the findings of the day.
func TestHTMLChart(t *testing.T) {
	h, fs := testHunt()
	c := collector{}
	for _, f := range fs {
		c.add(f)
	}
	out, err := c.render(h)
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	doc := parseHTML(t, page)
	// Findings: 2026-11-13T23:59:59 and 2026-11-14T00:00 (evil), three on
	// 2026-11-19 (two ScreenMeet, one PowerShell): more than 96 hours, so
	// by day, over the two weeks from Monday 2026-11-09 to Sunday
	// 2026-11-22.
	if !strings.Contains(page, "Findings per day (UTC)") {
		t.Error("chart is not by day")
	}
	if got := doc.elements["rect"] - 3; got != 4 { // less the three legend squares
		t.Errorf("%d bars, want 4", got)
	}

	var rules []*htmlRule
	by := map[*ruleFindings]*htmlRule{}
	for i, rf := range c.order {
		r := &htmlRule{Name: rf.key.name, Anchor: "rule-" + strconv.Itoa(i+1), findings: rf}
		rules = append(rules, r)
		by[rf] = r
	}
	ch, untimed := c.chart(rules, by)
	if ch == nil || untimed != 0 || ch.Buckets != 14 || ch.Unit != "day" {
		t.Fatalf("chart %+v, untimed %d", ch, untimed)
	}
	var titles []string
	for _, b := range ch.Bars {
		titles = append(titles, b.Title)
	}
	want := []string{
		"2026-11-13 · " + evilName + ": 1 finding",
		"2026-11-14 · " + evilName + ": 1 finding",
		"2026-11-19 · ScreenMeet, network: 2 findings",
		"2026-11-19 · Encoded PowerShell: 1 finding",
	}
	if diff := cmp.Diff(want, titles); diff != "" {
		t.Errorf("bars (-want +got):\n%s", diff)
	}
	// The tallest bucket (3 findings) scales to a y axis of 5; its two
	// bars stack from the bottom of the plot.
	if ch.Bars[2].H != num(2.0/5*chartPlotH) || ch.Bars[3].H != num(1.0/5*chartPlotH) ||
		ch.Bars[2].Y != num(chartTop+chartPlotH-2.0/5*chartPlotH) || ch.Bars[3].Y != num(chartTop+chartPlotH-3.0/5*chartPlotH) {
		t.Errorf("stack geometry %+v %+v", ch.Bars[2], ch.Bars[3])
	}
	if ch.Bars[2].X != ch.Bars[3].X || ch.Bars[0].X == ch.Bars[1].X {
		t.Errorf("bars are not placed by day: %+v", ch.Bars)
	}
}

// TestChartFrame checks that hours are widened to whole days.
func TestChartFrame(t *testing.T) {
	cols := []schema.Column{{Name: "Timestamp", Type: schema.Datetime}}
	tests := []struct {
		times []string
		n     int
		first string
	}{
		{[]string{"2026-11-19T09:15:00Z", "2026-11-19T10:20:00Z"}, 24, "2026-11-19 00:00"},
		{[]string{"2026-11-18T12:00:00Z", "2026-11-22T11:00:00Z"}, 120, "2026-11-18 00:00"},
		{[]string{"1969-12-31T23:30:00Z"}, 24, "1969-12-31 00:00"},
	}
	for _, tt := range tests {
		c := collector{}
		for _, s := range tt.times {
			c.add(&Finding{RuleID: "r", Columns: cols, Row: []any{date(s)}})
		}
		r := &htmlRule{Anchor: "rule-1", findings: c.order[0]}
		ch, _ := c.chart([]*htmlRule{r}, map[*ruleFindings]*htmlRule{c.order[0]: r})
		if ch.Buckets != tt.n || ch.XTicks[0].Label != tt.first || ch.Unit != "hour" {
			t.Errorf("%v: %d %s buckets from %s, want %d from %s", tt.times, ch.Buckets, ch.Unit, ch.XTicks[0].Label, tt.n, tt.first)
		}
	}
}

func TestBucketUnit(t *testing.T) {
	at := func(s string) value.Datetime { return date(s) }
	tests := []struct {
		lo, hi string
		unit   int64
		off    int64
		name   string
	}{
		{"2026-11-19T10:00:00Z", "2026-11-19T10:00:00Z", value.Hour, 0, "hour"},
		{"2026-11-19T00:00:00Z", "2026-11-22T23:59:59Z", value.Hour, 0, "hour"}, // 96 hours
		{"2026-11-19T00:00:00Z", "2026-11-23T00:00:00Z", value.Day, 0, "day"},   // 97 hours
		{"2026-01-01T00:00:00Z", "2026-04-06T23:00:00Z", value.Day, 0, "day"},   // 96 days
		{"2026-01-01T00:00:00Z", "2026-04-07T00:00:00Z", 7 * value.Day, 4 * value.Day, "week (from Monday)"},
		{"2000-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 100 * value.Day, 0, "100 days"},
		{"1969-12-31T23:00:00Z", "1970-01-01T01:00:00Z", value.Hour, 0, "hour"},
	}
	for _, tt := range tests {
		unit, off, name := bucketUnit(at(tt.lo), at(tt.hi))
		if unit != tt.unit || off != tt.off || name != tt.name {
			t.Errorf("bucketUnit(%s, %s) = %d, %d, %q; want %d, %d, %q", tt.lo, tt.hi, unit, off, name, tt.unit, tt.off, tt.name)
		}
		if n := floorDiv(int64(at(tt.hi))-off, unit) - floorDiv(int64(at(tt.lo))-off, unit) + 1; n > maxBuckets {
			t.Errorf("bucketUnit(%s, %s): %d buckets", tt.lo, tt.hi, n)
		}
	}
	if floorDiv(-1, 10) != -1 || floorDiv(-10, 10) != -1 || floorDiv(9, 10) != 0 {
		t.Error("floorDiv rounds towards zero")
	}
	for n, want := range map[int]int{0: 1, 1: 1, 2: 2, 3: 5, 5: 5, 6: 10, 11: 20, 999: 1000} {
		if got := niceCeil(n); got != want {
			t.Errorf("niceCeil(%d) = %d, want %d", n, got, want)
		}
	}
}

// TestHTMLEmpty checks the report of a hunt without findings, and of
// findings without a hunt (End rather than Finish).
func TestHTMLEmpty(t *testing.T) {
	var buf bytes.Buffer
	w := NewFindingWriter(&buf, HTML)
	if err := Finish(w, &Hunt{Rules: []RuleReport{{ID: "a", Name: "A", Severity: "High"}}}); err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, buf.String())
	if doc.elements["svg"] != 0 || !strings.Contains(buf.String(), "No finding has a time") {
		t.Error("an empty hunt has a chart")
	}
	for _, want := range []string{"No findings.", "Every rule was evaluated.", "No rule failed.", "No warnings.", "No exclusion removed anything."} {
		if !strings.Contains(doc.text.String(), want) {
			t.Errorf("empty report lacks %q", want)
		}
	}

	buf.Reset()
	w = NewFindingWriter(&buf, HTML)
	for _, f := range testFindings() {
		w.Write(f)
	}
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	parseHTML(t, buf.String())
	if got := strings.Count(buf.String(), `<details id="rule-`); got != 2 {
		t.Errorf("%d rule sections, want 2", got)
	}
	if err := w.Write(testFindings()[0]); err == nil {
		t.Error("write after end: no error")
	}
}

// TestHTMLCap checks that a rule's findings past MaxHTMLFindings are
// counted and charted but not listed.
func TestHTMLCap(t *testing.T) {
	cols := []schema.Column{{Name: "Timestamp", Type: schema.Datetime}, {Name: "DeviceName", Type: schema.String}}
	c := collector{}
	for i := 0; i < MaxHTMLFindings+5; i++ {
		f := &Finding{RuleID: "many", RuleName: "Many", Columns: cols,
			Row: []any{date("2026-11-19T10:00:00Z") + value.Datetime(i)*value.Datetime(value.Second), "wks-1"}}
		f.Entities = Entities(nil, cols, f.Row)
		c.add(f)
	}
	out, err := c.render(&Hunt{})
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	if got := strings.Count(page, "<tr><td class=\"t\">2026-11-19"); got != MaxHTMLFindings {
		t.Errorf("%d findings listed, want %d", got, MaxHTMLFindings)
	}
	if !strings.Contains(page, "5 more findings are not listed here") {
		t.Error("no note of the findings left out")
	}
	if !strings.Contains(page, "Many: 1005 findings") || !strings.Contains(page, `<td class="n">1005</td>`) {
		t.Error("the findings left out are not counted")
	}
}
