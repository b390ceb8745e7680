package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"go.yaml.in/yaml/v3"

	"github.com/kqlhunt/kqlhunt/internal/aptinstall"
	"github.com/kqlhunt/kqlhunt/internal/serve/clock"
)

// page is a console open in headless chromium, with what the page did:
// the URLs it requested and the errors it logged.
type browserPage struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu       sync.Mutex
	requests []string
	errors   []string
}

// openConsole starts chromium and opens the console served at base.
func openConsole(t *testing.T, base string) *browserPage {
	t.Helper()
	bin := aptinstall.Chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	p := &browserPage{t: t, base: base}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(p.event))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	p.ctx = ctx
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	p.do("opening the console", chromedp.Navigate(base+"/"))
	p.waitJS("the console to start", `document.body.dataset.ready === "true" && document.body.dataset.started === "true"`)
	return p
}

// event records the requests and the errors of the page.
func (p *browserPage) event(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		p.requests = append(p.requests, e.Request.URL)
	case *runtime.EventExceptionThrown:
		p.errors = append(p.errors, "exception: "+e.ExceptionDetails.Text+" "+consoleException(e.ExceptionDetails))
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			p.errors = append(p.errors, "console.error: "+strings.Join(parts, " "))
		}
	case *log.EventEntryAdded:
		// CSP violations and failed loads land here. A 4xx answer of
		// the API that the page expects is logged too: those are
		// network entries and are left to the tests.
		if e.Entry.Level == log.EntryLevelError && e.Entry.Source != log.EntrySourceNetwork {
			p.errors = append(p.errors, "log: "+e.Entry.Text)
		}
	}
}

func consoleException(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// checkClean fails t when the page logged errors or asked for anything
// beyond the server.
func (p *browserPage) checkClean() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.errors {
		p.t.Errorf("the page logged an error: %s", e)
	}
	if len(p.requests) == 0 {
		p.t.Errorf("no request was seen: the network events are not recorded")
	}
	for _, u := range p.requests {
		if !strings.HasPrefix(u, p.base+"/") && !strings.HasPrefix(u, "data:") {
			p.t.Errorf("the page requested %q, beyond the server %s", u, p.base)
		}
	}
}

func (p *browserPage) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates the JavaScript expression js and decodes its value into v.
func (p *browserPage) eval(js string, v any) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](js))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", js, err)
	}
	if v != nil {
		if err := json.Unmarshal(raw, v); err != nil {
			p.t.Fatalf("evaluating %s: %v (%s)", js, err, raw)
		}
	}
}

// waitJS waits until the JavaScript expression js is truthy.
func (p *browserPage) waitJS(what, js string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		var state string
		p.eval(`document.getElementById("status") ? document.getElementById("status").textContent : ""`, &state)
		p.t.Fatalf("waiting for %s: %v (status: %q)", what, err, state)
	}
}

// typeQuery replaces the editor's text by typing query, key by key.
func (p *browserPage) typeQuery(query string) {
	p.t.Helper()
	p.typeFrom(0, query)
}

// typeFrom replaces the editor's text from the UTF-16 offset from to the
// end by typing tail, key by key.
func (p *browserPage) typeFrom(from int, tail string) {
	p.t.Helper()
	var before string
	p.eval(fmt.Sprintf(`(() => { const e = document.getElementById("editor-input"); e.focus(); e.setSelectionRange(%d, e.value.length); return e.value.slice(0, %d) })()`, from, from), &before)
	p.do("typing the query", chromedp.KeyEvent(kb.Delete), chromedp.SendKeys(chromedp.ID("editor-input"), tail))
	var got string
	p.eval(`document.getElementById("editor-input").value`, &got)
	if got != before+tail {
		p.t.Fatalf("the editor holds %q after typing, expected %q", got, before+tail)
	}
}

// key presses keys with modifiers in the focused element.
func (p *browserPage) key(keys string, mods ...chromedp.Modifier) {
	p.t.Helper()
	p.do("pressing "+fmt.Sprintf("%q", keys), chromedp.KeyEvent(keys, chromedp.KeyModifiers(mods...)))
}

// runQuery presses Shift+Enter in the editor and waits for the answer.
func (p *browserPage) runQuery() {
	p.t.Helper()
	p.eval(`(() => { document.getElementById("status").dataset.state = ""; document.getElementById("editor-input").focus(); return true })()`, nil)
	p.key(kb.Enter, chromedp.ModifierShift)
	p.waitJS("the query's answer", `["done", "error"].includes(document.getElementById("status").dataset.state)`)
}

// gridState is what the results grid shows.
type gridState struct {
	Names []string   `json:"names"`
	Types []string   `json:"types"`
	Rows  [][]string `json:"rows"`
	Count string     `json:"count"`
}

func (p *browserPage) grid() gridState {
	p.t.Helper()
	var g gridState
	p.eval(`({
		names: [...document.querySelectorAll("#grid th .name")].map(e => e.textContent),
		types: [...document.querySelectorAll("#grid th .type")].map(e => e.textContent),
		rows: [...document.querySelectorAll("#grid tbody tr")].map(tr => [...tr.cells].map(td => td.textContent)),
		count: (document.querySelector("#status .row-count") || {}).textContent || "",
	})`, &g)
	return g
}

// mouseOver moves the mouse to the middle of the first element that
// selector matches.
func (p *browserPage) mouseOver(selector string) {
	p.t.Helper()
	var at struct{ X, Y float64 }
	p.eval(fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return {X: r.left + r.width / 2, Y: r.top + r.height / 2} })()`, selector), &at)
	p.do("moving the mouse", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, at.X, at.Y))
}

// cellText is what the grid shows for a value of the API's answer
// (decoded with UseNumber): the text, JSON for arrays and objects, cut
// at 80 UTF-16 units with an ellipsis.
func consoleCellText(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		s = ""
	case string:
		s = x
	case json.Number:
		s = x.String()
	case bool:
		s = fmt.Sprint(x)
	default:
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(x)
		s = strings.TrimSuffix(b.String(), "\n")
	}
	if u := utf16.Encode([]rune(s)); len(u) > 80 {
		s = string(utf16.Decode(u[:80])) + "…"
	}
	return s
}

// serveConsole serves h on a test server and returns its URL.
func serveConsole(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// seedQuery returns the query of the seed rule, as its file has it.
func consoleSeedQuery(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/rules/screenmeet_netconn.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var rule struct {
		Query string `yaml:"query"`
	}
	if err := yaml.Unmarshal(b, &rule); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(rule.Query)
}

// consoleNow is a time whose last five days hold the example telemetry
// (2025-03-04), so that the seed rule's now(-5d)..now() window reaches it.
const consoleNow = "2025-03-06T00:00:00Z"

// startSeedServer runs the server in process over the example telemetry
// and rules, its clock at consoleNow.
func consoleSeedServer(t *testing.T) string {
	t.Helper()
	now, _ := time.Parse(time.RFC3339, consoleNow)
	s, err := New(context.Background(), Options{
		Store:     t.TempDir(),
		Data:      []string{"../../examples/telemetry"},
		RulePaths: []string{"../../examples/rules"},
		Clock:     clock.NewManual(now),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return serveConsole(t, s.Handler())
}

// apiQuery asks the server for query's answer, values decoded with
// UseNumber, as the console would show them.
func consoleAPIQuery(t *testing.T, base, query, now string) (cols []map[string]string, rows [][]any) {
	t.Helper()
	req := map[string]string{"query": query}
	if now != "" {
		req["now"] = now
	}
	body, _ := json.Marshal(req)
	res, err := http.Post(base+"/api/query", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("POST /api/query %q answered %d: %s", query, res.StatusCode, b)
	}
	var ans struct {
		Columns []map[string]string
		Rows    [][]any
	}
	dec := json.NewDecoder(res.Body)
	dec.UseNumber()
	if err := dec.Decode(&ans); err != nil {
		t.Fatal(err)
	}
	return ans.Columns, ans.Rows
}

// checkGrid compares the grid with the API's answer to the same query.
func (p *browserPage) checkGrid(query string, cols []map[string]string, rows [][]any) {
	p.t.Helper()
	g := p.grid()
	var names, types []string
	for _, c := range cols {
		names = append(names, c["name"])
		types = append(types, c["type"])
	}
	if fmt.Sprint(g.Names) != fmt.Sprint(names) || fmt.Sprint(g.Types) != fmt.Sprint(types) {
		p.t.Errorf("%s: the grid's columns are %v %v, the API's %v %v", query, g.Names, g.Types, names, types)
	}
	var want [][]string
	for _, r := range rows {
		var cells []string
		for _, v := range r {
			cells = append(cells, consoleCellText(v))
		}
		want = append(want, cells)
	}
	if fmt.Sprintf("%q", g.Rows) != fmt.Sprintf("%q", want) {
		p.t.Errorf("%s: the grid shows\n%q\nthe API answers\n%q", query, g.Rows, want)
	}
	wantCount := fmt.Sprintf("%d rows", len(rows))
	if len(rows) == 1 {
		wantCount = "1 row"
	}
	if g.Count != wantCount {
		p.t.Errorf("%s: the row count reads %q, expected %q", query, g.Count, wantCount)
	}
}

// TestConsoleSeed is the walk through the console: type the seed
// rule's query, run it with Shift+Enter, read the grid and, for its
// timechart variant, the chart; see a diagnostic for a misspelt column;
// pick a completion. The page must request nothing beyond the server.
func TestConsoleSeed(t *testing.T) {
	base := consoleSeedServer(t)
	p := openConsole(t, base)
	// The console opens with something to run (README: "open the console
	// and press Shift+Enter on the query"): at the server's clock it gives
	// the rows the API gives.
	var starter string
	p.eval(`document.getElementById("editor-input").value`, &starter)
	if starter != consoleSeedQuery(t) {
		t.Fatalf("the console opens with %q, expected the seed rule's query (GET /api/rules gives it)", starter)
	}
	p.runQuery()
	cols, rows := consoleAPIQuery(t, base, starter, "")
	if len(rows) == 0 {
		t.Errorf("the starter query %q gives no rows", starter)
	}
	p.checkGrid("the starter query", cols, rows)

	p.eval(fmt.Sprintf(`(() => { document.getElementById("now").value = %q; return true })()`, consoleNow), nil)

	seed := consoleSeedQuery(t)
	p.typeQuery(seed)
	p.runQuery()
	cols, rows = consoleAPIQuery(t, base, seed, consoleNow)
	if len(rows) == 0 {
		t.Fatalf("the seed query finds no rows at %s: the test would prove nothing", consoleNow)
	}
	p.checkGrid("the seed query", cols, rows)

	// The seed query has no render: the chart picker draws its rows, a
	// column per device name with the sum of Count (README: "sees the
	// rows and a chart").
	name, count := -1, -1
	for i, c := range cols {
		switch c["name"] {
		case "DeviceName":
			name = i
		case "Count":
			count = i
		}
	}
	if name < 0 || count < 0 {
		t.Fatalf("the seed query's columns %v lack DeviceName or Count", cols)
	}
	wantBars := map[string]float64{}
	for _, r := range rows {
		var n float64
		if _, err := fmt.Sscan(fmt.Sprint(r[count]), &n); err != nil {
			t.Fatalf("Count %v: %v", r[count], err)
		}
		wantBars[fmt.Sprint(r[name])] += n
	}
	p.eval(`document.querySelector("#chart-pick button[data-kind=columnchart]").click()`, nil)
	var bars map[string]float64
	p.eval(`Object.fromEntries([...document.querySelectorAll("#chart svg[data-kind=columnchart] rect.bar")].map(b => [b.dataset.x, Number(b.dataset.y)]))`, &bars)
	if len(wantBars) == 0 || fmt.Sprint(bars) != fmt.Sprint(wantBars) {
		t.Errorf("the picked column chart has the bars %v, expected %v", bars, wantBars)
	}

	// The timechart variant: the seed's filters, counted per hour.
	cut := strings.LastIndex(seed, "| summarize")
	if cut < 0 {
		t.Fatalf("the seed query has no summarize: %s", seed)
	}
	tail := "| summarize count() by bin(Timestamp, 1h)\n| render timechart"
	variant := seed[:cut] + tail
	p.typeFrom(len(utf16.Encode([]rune(seed[:cut]))), tail)
	p.runQuery()
	cols, rows = consoleAPIQuery(t, base, variant, consoleNow)
	p.checkGrid("the timechart variant", cols, rows)
	var points []string
	p.eval(`[...document.querySelectorAll("#chart svg[data-kind=timechart] .series circle.point")].map(c => c.dataset.x + "=" + c.dataset.y)`, &points)
	var want []string
	for _, r := range rows {
		want = append(want, consoleCellText(r[0])+"="+consoleCellText(r[1]))
	}
	sort.Strings(want) // the chart draws its points in time order
	if fmt.Sprint(points) != fmt.Sprint(want) {
		t.Errorf("the timechart's points are %v, expected the rows %v", points, want)
	}

	// Several series: one line per device.
	multi := "DeviceNetworkEvents | summarize count() by bin(Timestamp, 1h), DeviceName | render timechart"
	p.typeQuery(multi)
	p.runQuery()
	_, rows = consoleAPIQuery(t, base, multi, consoleNow)
	devices := map[string]int{}
	for _, r := range rows {
		devices[consoleCellText(r[1])]++
	}
	var series map[string]int
	p.eval(`Object.fromEntries([...document.querySelectorAll("#chart svg .series")].map(g => [g.dataset.series, g.querySelectorAll("circle.point").length]))`, &series)
	if fmt.Sprint(series) != fmt.Sprint(devices) || len(devices) < 2 {
		t.Errorf("the chart's series and their points are %v, expected %v (more than one)", series, devices)
	}
	var legend int
	p.eval(`document.querySelectorAll("#chart svg .legend text").length`, &legend)
	if legend != len(devices) {
		t.Errorf("the legend names %d series, expected %d", legend, len(devices))
	}

	// A misspelt column: a squiggle under it, the message in the list and
	// on hover.
	typo := `DeviceNetworkEvents | where RemoteUrll has "screenmeet.com"`
	p.typeQuery(typo)
	p.waitJS("a diagnostic", `document.querySelector("#editor-hl .diag-error") && document.querySelector("#diagnostics li.error")`)
	var squiggle, message string
	p.eval(`[...document.querySelectorAll("#editor-hl .diag-error")].map(e => e.textContent).join("")`, &squiggle)
	p.eval(`document.querySelector("#diagnostics li.error").textContent`, &message)
	if squiggle != "RemoteUrll" || !strings.Contains(message, "RemoteUrll") {
		t.Errorf("the squiggle is under %q with the message %q, expected it under %q with a message naming it", squiggle, message, "RemoteUrll")
	}
	p.mouseOver("#editor-hl .diag-error")
	p.waitJS("the diagnostic's tooltip", `!document.getElementById("diag-tip").hidden`)
	var tip string
	p.eval(`document.getElementById("diag-tip").textContent`, &tip)
	if !strings.Contains(message, tip) || tip == "" {
		t.Errorf("the tooltip says %q, expected the diagnostic's message (%q)", tip, message)
	}
	// Offsets are UTF-16 code units, as JavaScript counts: after a
	// character outside the BMP (two units) the squiggle still lands on
	// the misspelt name.
	p.eval(`(() => { const e = document.getElementById("editor-input"); e.value = 'DeviceNetworkEvents | where RemoteUrl == "é😀" and RemoteUrll == ""'; e.dispatchEvent(new Event("input")); return true })()`, nil)
	p.waitJS("a diagnostic after the emoji", `[...document.querySelectorAll("#editor-hl .diag-error")].map(e => e.textContent).join("") === "RemoteUrll"`)
	// Fixed, the diagnostic goes away.
	p.typeQuery(`DeviceNetworkEvents | where RemoteUrl has "screenmeet.com"`)
	p.waitJS("the diagnostics to clear", `!document.querySelector("#editor-hl .diag-error") && !document.querySelector("#diagnostics li")`)

	// Completion: Ctrl+Space after "Remote" offers the columns; arrows and
	// Enter pick one.
	p.typeQuery("DeviceNetworkEvents | where Remote")
	p.key(" ", chromedp.ModifierCtrl)
	p.waitJS("the completion popup", `!document.getElementById("completion").hidden && document.querySelectorAll("#completion li").length > 0`)
	var labels []string
	p.eval(`[...document.querySelectorAll("#completion li .label")].map(e => e.textContent)`, &labels)
	pick := slices.Index(labels, "RemoteUrl")
	if pick < 0 {
		t.Fatalf("the completion offers %v, expected RemoteUrl among them", labels)
	}
	for range pick {
		p.key(kb.ArrowDown)
	}
	var active string
	p.eval(`document.querySelector("#completion li.active .label").textContent`, &active)
	if active != "RemoteUrl" {
		t.Errorf("after %d arrows down the active item is %q, expected RemoteUrl", pick, active)
	}
	p.key(kb.Enter)
	var text string
	p.eval(`document.getElementById("editor-input").value`, &text)
	if text != "DeviceNetworkEvents | where RemoteUrl" {
		t.Errorf("after the completion the editor holds %q, expected %q", text, "DeviceNetworkEvents | where RemoteUrl")
	}
	var hidden bool
	p.eval(`document.getElementById("completion").hidden`, &hidden)
	if !hidden {
		t.Errorf("the completion popup stays open after Enter")
	}
	// Escape closes it without a change.
	p.key(" ", chromedp.ModifierCtrl)
	p.waitJS("the completion popup", `!document.getElementById("completion").hidden`)
	p.key(kb.Escape)
	p.eval(`document.getElementById("completion").hidden`, &hidden)
	p.eval(`document.getElementById("editor-input").value`, &text)
	if !hidden || text != "DeviceNetworkEvents | where RemoteUrl" {
		t.Errorf("after Escape the popup is hidden=%v and the editor holds %q, expected it hidden and the text unchanged", hidden, text)
	}
	p.checkClean()
}

// TestConsoleFindings runs the seed rule from the findings view (Hunt
// now, POST /api/hunt) and checks that the view shows the rule's
// findings as GET /api/findings lists them, per rule, per device and in
// its time chart, that the alerts view shows the alerts of the rule's
// first scheduled window likewise, and that the rules view shows the rule
// valid and scheduled.
func TestConsoleFindings(t *testing.T) {
	base := consoleSeedServer(t)
	p := openConsole(t, base)
	p.eval(`location.hash = "#findings"`, nil)
	p.waitJS("the findings view", `document.querySelector("#view-findings .count")`)
	p.eval(`(() => { document.querySelector("#view-findings .status").textContent = ""; document.querySelector("#view-findings .hunt").click(); return true })()`, nil)
	p.waitJS("the hunt", `/the hunt ran/.test(document.querySelector("#view-findings .status").textContent)`)

	res, err := http.Get(base + "/api/findings")
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		Findings []struct{ Rule, RuleName, Device string }
	}
	err = json.NewDecoder(res.Body).Decode(&ans)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Findings) == 0 {
		t.Fatalf("the seed rule finds nothing at %s: the test would prove nothing", consoleNow)
	}
	perRule, perDevice := map[string]int{}, map[string]int{}
	for _, f := range ans.Findings {
		perRule[f.RuleName]++
		if f.Device != "" {
			perDevice[f.Device]++
		}
	}
	var status string
	p.eval(`document.querySelector("#view-findings .count").textContent`, &status)
	if want := fmt.Sprintf("%d findings", len(ans.Findings)); status != want && !(len(ans.Findings) == 1 && status == "1 finding") {
		t.Errorf("the findings view counts %q, expected %q", status, want)
	}
	var gotRule, gotDevice map[string]int
	p.eval(`Object.fromEntries([...document.querySelectorAll("#view-findings .per-rule tbody tr")].map(tr => [tr.cells[0].textContent, Number(tr.cells[2].textContent)]))`, &gotRule)
	p.eval(`Object.fromEntries([...document.querySelectorAll("#view-findings .per-device tbody tr")].map(tr => [tr.cells[0].textContent, Number(tr.cells[1].textContent)]))`, &gotDevice)
	if fmt.Sprint(gotRule) != fmt.Sprint(perRule) || fmt.Sprint(gotDevice) != fmt.Sprint(perDevice) {
		t.Errorf("the view counts %v per rule and %v per device, the API's findings %v and %v", gotRule, gotDevice, perRule, perDevice)
	}
	if _, ok := gotRule["Remote Management and Monitoring tool - ScreenMeet - Network Connection"]; !ok {
		t.Errorf("the seed rule is not among the findings' rules %v", gotRule)
	}
	var charted int
	p.eval(`[...document.querySelectorAll("#view-findings .chart circle.point")].reduce((n, c) => n + Number(c.dataset.y), 0)`, &charted)
	if charted != len(ans.Findings) {
		t.Errorf("the findings chart counts %d findings, expected %d", charted, len(ans.Findings))
	}
	var listed int
	p.eval(`document.querySelectorAll("#view-findings .list tbody tr").length`, &listed)
	if listed != len(ans.Findings) {
		t.Errorf("the findings list has %d rows, expected %d", listed, len(ans.Findings))
	}

	// Alerts: the seed rule's first scheduled window, run at start, raises
	// them; the view counts them per rule and per device (Host entities).
	type alert struct {
		RuleName string
		Entities []struct{ Type, Value string }
	}
	var alerts []alert
	for deadline := time.Now().Add(10 * time.Second); len(alerts) == 0 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		res, err := http.Get(base + "/api/alerts")
		if err != nil {
			t.Fatal(err)
		}
		var ans struct{ Alerts []alert }
		err = json.NewDecoder(res.Body).Decode(&ans)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		alerts = ans.Alerts
	}
	if len(alerts) == 0 {
		t.Fatalf("the seed rule raised no alert at %s: the alerts view would prove nothing", consoleNow)
	}
	perRule, perDevice = map[string]int{}, map[string]int{}
	for _, a := range alerts {
		perRule[a.RuleName]++
		for _, e := range a.Entities {
			if e.Type == "Host" {
				perDevice[e.Value]++
			}
		}
	}
	p.eval(`location.hash = "#alerts"`, nil)
	p.waitJS("the alerts view", `/^\d+ alerts?$/.test(document.querySelector("#view-alerts .count")?.textContent || "")`)
	p.eval(`Object.fromEntries([...document.querySelectorAll("#view-alerts .per-rule tbody tr")].map(tr => [tr.cells[0].textContent, Number(tr.cells[2].textContent)]))`, &gotRule)
	p.eval(`Object.fromEntries([...document.querySelectorAll("#view-alerts .per-device tbody tr")].map(tr => [tr.cells[0].textContent, Number(tr.cells[1].textContent)]))`, &gotDevice)
	if fmt.Sprint(gotRule) != fmt.Sprint(perRule) || fmt.Sprint(gotDevice) != fmt.Sprint(perDevice) {
		t.Errorf("the alerts view counts %v per rule and %v per device, the API's alerts %v and %v", gotRule, gotDevice, perRule, perDevice)
	}
	p.eval(`[...document.querySelectorAll("#view-alerts .chart circle.point")].reduce((n, c) => n + Number(c.dataset.y), 0)`, &charted)
	if charted != len(alerts) {
		t.Errorf("the alerts chart counts %d alerts, expected %d", charted, len(alerts))
	}

	p.eval(`location.hash = "#rules"`, nil)
	p.waitJS("the rules", `document.querySelectorAll("#view-rules tbody tr").length > 0`)
	var rule []string
	p.eval(`[...document.querySelector("#view-rules tbody tr").cells].slice(0, 4).map(c => c.textContent)`, &rule)
	want := []string{"Remote Management and Monitoring tool - ScreenMeet - Network Connection (query)", "Medium", "valid", "every 1h over 5d, alert when count gt 0"}
	if fmt.Sprint(rule) != fmt.Sprint(want) {
		t.Errorf("the rules view shows %q, expected %q", rule, want)
	}
	// The rule's "(query)" link puts its query in the editor.
	p.eval(`document.querySelector("#editor-input").value = ""`, nil)
	p.eval(`document.querySelector("#view-rules tbody tr .open-query").click()`, nil)
	var opened string
	p.eval(`document.querySelector("#editor-input").value.trim()`, &opened)
	if opened != consoleSeedQuery(t) {
		t.Errorf("the rule's query link put %q in the editor, expected the rule's query", opened)
	}
	p.eval(`location.hash = "#tables"`, nil)
	p.waitJS("the tables", `document.querySelector("#view-tables li[data-table=DeviceNetworkEvents]")`)
	var tableLine string
	p.eval(`document.querySelector("#view-tables li[data-table=DeviceNetworkEvents]").textContent`, &tableLine)
	if !strings.Contains(tableLine, "rows") {
		t.Errorf("the tables view shows %q for DeviceNetworkEvents, expected its row count", tableLine)
	}
	p.checkClean()
}
