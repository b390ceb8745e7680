package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// contractAPI is a stand-in for the API that answers as the contract in
// docs/serve.md says, with fixed data, so that the console's views are
// tested on their own. It records the Authorization headers it saw.
type contractAPI struct {
	token string // required when set
	mu    sync.Mutex
	auth  []string
}

func (c *contractAPI) handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range (&consolePart{}).routes() {
		mux.Handle(r.pattern, r.handler)
	}
	api := func(pattern string, answer func(r *http.Request) any) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			c.mu.Lock()
			c.auth = append(c.auth, r.Header.Get("Authorization"))
			c.mu.Unlock()
			if c.token != "" && r.Header.Get("Authorization") != "Bearer "+c.token {
				writeError(w, http.StatusUnauthorized, "a bearer token is required (Authorization: Bearer TOKEN)")
				return
			}
			writeJSON(w, http.StatusOK, answer(r))
		})
	}
	api("POST /api/query", func(r *http.Request) any {
		var q struct{ Query, Now string }
		json.NewDecoder(r.Body).Decode(&q)
		return contractQuery(q.Query)
	})
	api("POST /api/check", func(r *http.Request) any { return map[string]any{"diagnostics": []any{}} })
	api("POST /api/complete", func(r *http.Request) any { return map[string]any{"from": 0, "items": []any{}} })
	api("GET /api/findings", func(r *http.Request) any {
		fs := []map[string]any{
			contractFinding("r1", "Rule one", "High", "2025-03-04T08:10:00Z", "ws-1"),
			contractFinding("r1", "Rule one", "High", "2025-03-04T09:20:00Z", "ws-2"),
			contractFinding("r1", "Rule one", "High", "2025-03-04T09:40:00Z", "ws-1"),
			contractFinding("r2", "Rule two", "Low", "2025-03-04T10:05:00Z", "ws-1"),
		}
		var out []map[string]any
		for _, f := range fs {
			if rule := r.URL.Query().Get("rule"); rule != "" && f["rule"] != rule {
				continue
			}
			if dev := r.URL.Query().Get("device"); dev != "" && f["device"] != dev {
				continue
			}
			out = append(out, f)
		}
		return map[string]any{"findings": out}
	})
	api("GET /api/alerts", func(r *http.Request) any {
		return map[string]any{"alerts": []any{map[string]any{
			"id": "a1", "rule": "r1", "ruleName": "Rule one", "severity": "High", "tactics": []string{"Execution"}, "techniques": []string{"T1059"},
			"windowStart": "2025-03-04T08:00:00Z", "windowEnd": "2025-03-04T09:00:00Z",
			"entities": []any{map[string]any{"type": "Host", "identifier": "HostName", "value": "ws-1", "column": "DeviceName"}},
			"rows":     []any{map[string]any{"DeviceName": "ws-1"}}, "created": "2025-03-04T09:00:05Z", "delivered": true,
		}}}
	})
	api("GET /api/rules", func(r *http.Request) any {
		return map[string]any{"rules": []any{
			map[string]any{"id": "r1", "name": "Rule one", "file": "rules/one.yaml", "severity": "High", "tactics": []string{}, "techniques": []string{},
				"queryFrequency": "1h", "queryPeriod": "1d", "triggerOperator": "gt", "triggerThreshold": 0, "scheduled": true, "valid": true,
				"diagnostics": []string{}, "suppressed": 7, "exclusions": []any{map[string]any{"name": "sanctioned", "rows": 7}}, "findings": 3, "query": "DeviceNetworkEvents\n| where RemoteUrl has 'x'\n", "lastWindowEnd": "2025-03-04T09:00:00Z", "nextRun": "2025-03-04T10:00:00Z"},
			map[string]any{"id": "r2", "name": "Rule two", "file": "rules/two.yaml", "severity": "Low", "tactics": []string{}, "techniques": []string{},
				"scheduled": false, "valid": false, "diagnostics": []string{"1:9: unknown column 'Nope'"}, "suppressed": 0, "notEvaluated": "no rows of DeviceEvents"},
		}}
	})
	api("GET /api/tables", func(r *http.Request) any {
		return map[string]any{"tables": []any{
			map[string]any{"name": "DeviceNetworkEvents", "rows": 18, "columns": []any{
				map[string]any{"name": "Timestamp", "type": "datetime"}, map[string]any{"name": "RemoteUrl", "type": "string"}}},
			map[string]any{"name": "DeviceEvents", "rows": 0, "columns": []any{map[string]any{"name": "Timestamp", "type": "datetime"}}},
		}}
	})
	return mux
}

func contractFinding(rule, name, sev, at, device string) map[string]any {
	return map[string]any{"rule": rule, "ruleName": name, "severity": sev, "time": at, "device": device,
		"entities": []any{map[string]any{"type": "Host", "identifier": "HostName", "value": device, "column": "DeviceName"}},
		"row":      map[string]any{"DeviceName": device}}
}

var contractColumns = []map[string]string{{"name": "Name", "type": "string"}, {"name": "N", "type": "long"},
	{"name": "When", "type": "datetime"}, {"name": "Long", "type": "string"}}

// contractQuery answers a query of the contract test: the query names
// the chart it wants.
func contractQuery(q string) map[string]any {
	if strings.Contains(q, "bigint") {
		// Longs beyond 2^53, which a JavaScript number would round.
		return map[string]any{"columns": []map[string]string{{"name": "Id", "type": "long"}},
			"rows":     [][]any{{int64(9007199254740993)}, {int64(5)}, {int64(9007199254740992)}},
			"warnings": []string{}, "truncated": false, "chart": nil, "stats": map[string]any{"rows": 3, "durationMs": 1}}
	}
	long := strings.Repeat("x", 120) + "END"
	rows := [][]any{
		{"b", 10, "2025-03-04T10:00:00.0000000Z", "short"},
		{"a", 9, "2025-03-04T08:00:00.0000000Z", long},
		{"c", 100, "2025-03-04T09:00:00.0000000Z", `with "quotes", and comma`},
	}
	ans := map[string]any{"columns": contractColumns, "rows": rows, "warnings": []string{"a warning about the query"},
		"truncated": true, "chart": nil, "stats": map[string]any{"rows": 3, "durationMs": 4}}
	for _, kind := range []string{"barchart", "columnchart", "piechart"} {
		if strings.Contains(q, kind) {
			ans["chart"] = map[string]any{"kind": kind, "title": "the " + kind, "xcolumn": "Name", "ycolumns": []string{"N"}, "series": []string{}}
		}
	}
	return ans
}

// TestConsoleContract drives the console against a stand-in API that
// answers as the contract says: the grid's typed sorting, long values,
// warnings and truncation, CSV, the bar, column and pie charts, the
// findings, alerts, rules and tables views, and the token.
func TestConsoleContract(t *testing.T) {
	api := &contractAPI{token: "s3cret"}
	base := serveConsole(t, api.handler())
	p := openConsole(t, base)

	// A 401 shows the banner; the token typed is sent from then on.
	p.typeQuery("T | render barchart")
	p.runQuery()
	p.waitJS("the token banner", `!document.getElementById("auth-banner").hidden`)
	// The field is marked, the focus stays where the user types.
	var focus string
	p.eval(`document.getElementById("token").classList.contains("wanted") ? document.activeElement.id : "the token field is not marked"`, &focus)
	if focus != "editor-input" {
		t.Errorf("after a 401: %q, expected the token field marked and the focus in the editor", focus)
	}
	p.eval(`(() => { const t = document.getElementById("token"); t.value = "s3cret"; t.dispatchEvent(new Event("change")); return true })()`, nil)
	var stored string
	p.eval(`sessionStorage.getItem("kqlhunt.token")`, &stored)
	if stored != "s3cret" {
		t.Errorf("sessionStorage holds the token %q, expected %q", stored, "s3cret")
	}
	p.runQuery()
	api.mu.Lock()
	last := api.auth[len(api.auth)-1]
	api.mu.Unlock()
	if last != "Bearer s3cret" {
		t.Errorf("the console sent Authorization %q, expected %q", last, "Bearer s3cret")
	}

	// The grid: names, types, count, warnings, truncation.
	g := p.grid()
	if fmt.Sprint(g.Names) != "[Name N When Long]" || fmt.Sprint(g.Types) != "[string long datetime string]" {
		t.Errorf("the grid's header is %v %v, expected [Name N When Long] [string long datetime string]", g.Names, g.Types)
	}
	if g.Count != "3 rows" {
		t.Errorf("the row count reads %q, expected %q", g.Count, "3 rows")
	}
	var statusText string
	p.eval(`document.getElementById("status").textContent`, &statusText)
	for _, want := range []string{"a warning about the query", "truncated"} {
		if !strings.Contains(statusText, want) {
			t.Errorf("the status %q does not show %q", statusText, want)
		}
	}
	// Sorting: numbers as numbers, datetimes as times, strings as text;
	// a second click reverses.
	col := func(i int) string {
		var s []string
		for _, r := range p.grid().Rows {
			s = append(s, r[i])
		}
		return strings.Join(s, ",")
	}
	for _, c := range []struct {
		header int
		clicks int
		col    int
		want   string
	}{
		{1, 1, 1, "9,10,100"},
		{1, 1, 1, "100,10,9"},
		{2, 1, 0, "a,c,b"},
		{0, 1, 0, "a,b,c"},
		{0, 1, 0, "c,b,a"},
	} {
		p.eval(fmt.Sprintf(`document.querySelectorAll("#grid th")[%d].click()`, c.header), nil)
		if got := col(c.col); got != c.want {
			t.Errorf("after clicking header %d the column reads %s, expected %s", c.header, got, c.want)
		}
	}
	// A long value is cut; a click shows it whole.
	p.eval(`document.querySelector("#grid td.long").click()`, nil)
	var full string
	p.eval(`document.querySelector("#cell-dialog").open ? document.querySelector("#cell-dialog pre").textContent : ""`, &full)
	if want := strings.Repeat("x", 120) + "END"; full != want {
		t.Errorf("the cell dialog shows %q, expected the whole value %q", full, want)
	}
	p.eval(`document.querySelector("#cell-dialog").close()`, nil)
	// CSV in the order shown (sorted by Name, descending).
	p.eval(`document.getElementById("copy-csv").click()`, nil)
	p.waitJS("the CSV", `document.getElementById("copy-csv").dataset.csv`)
	var csvText string
	p.eval(`document.getElementById("copy-csv").dataset.csv`, &csvText)
	wantCSV := "Name,N,When,Long\r\nc,100,2025-03-04T09:00:00.0000000Z,\"with \"\"quotes\"\", and comma\"\r\nb,10,2025-03-04T10:00:00.0000000Z,short\r\na,9,2025-03-04T08:00:00.0000000Z," + strings.Repeat("x", 120) + "END\r\n"
	if csvText != wantCSV {
		t.Errorf("the CSV is\n%q\nexpected\n%q", csvText, wantCSV)
	}

	// Longs beyond 2^53 are shown and sorted exactly.
	p.typeQuery("T | bigint")
	p.runQuery()
	if got, want := col(0), "9007199254740993,5,9007199254740992"; got != want {
		t.Errorf("the grid shows the longs %s, expected %s", got, want)
	}
	p.eval(`document.querySelector("#grid th").click()`, nil)
	if got, want := col(0), "5,9007199254740992,9007199254740993"; got != want {
		t.Errorf("sorted, the grid shows the longs %s, expected %s", got, want)
	}

	// The Run button runs the query as Shift+Enter does.
	p.typeQuery("T | render columnchart")
	p.eval(`(() => { document.getElementById("status").dataset.state = ""; document.getElementById("run").click(); return true })()`, nil)
	p.waitJS("the Run button's answer", `document.getElementById("status").dataset.state === "done" && document.querySelector("#chart svg[data-kind=columnchart]")`)

	// The charts: one mark per row, labelled with the row's values.
	for _, c := range []struct{ kind, mark string }{{"barchart", "rect.bar"}, {"columnchart", "rect.bar"}, {"piechart", ".slice"}} {
		p.typeQuery("T | render " + c.kind)
		p.runQuery()
		var marks []struct{ X, Y string }
		p.eval(fmt.Sprintf(`[...document.querySelectorAll("#chart svg[data-kind=%s] %s")].map(e => ({X: e.dataset.x, Y: e.dataset.y}))`, c.kind, c.mark), &marks)
		if fmt.Sprint(marks) != "[{b 10} {a 9} {c 100}]" {
			t.Errorf("the %s draws %v, expected [{b 10} {a 9} {c 100}]", c.kind, marks)
		}
		var title, legend string
		p.eval(`(document.querySelector("#chart svg .title") || {}).textContent || ""`, &title)
		p.eval(`[...document.querySelectorAll("#chart svg .legend text")].map(e => e.textContent).join("|")`, &legend)
		if title != "the "+c.kind || legend == "" {
			t.Errorf("the %s has the title %q and the legend %q, expected the title %q and a legend", c.kind, title, legend, "the "+c.kind)
		}
	}

	// Findings: counts per rule and per device, a time chart, filters.
	p.eval(`location.hash = "#findings"`, nil)
	p.waitJS("the findings", `document.querySelector("#view-findings .count")?.textContent === "4 findings"`)
	var perRule, perDevice string
	p.eval(`[...document.querySelectorAll("#view-findings .per-rule tbody tr")].map(tr => [...tr.cells].map(c => c.textContent).join(" ")).join("|")`, &perRule)
	p.eval(`[...document.querySelectorAll("#view-findings .per-device tbody tr")].map(tr => [...tr.cells].map(c => c.textContent).join(" ")).join("|")`, &perDevice)
	if perRule != "Rule one High 3|Rule two Low 1" || perDevice != "ws-1 3|ws-2 1" {
		t.Errorf("per rule %q and per device %q, expected %q and %q", perRule, perDevice, "Rule one High 3|Rule two Low 1", "ws-1 3|ws-2 1")
	}
	var times string
	p.eval(`[...document.querySelectorAll("#view-findings .list tbody tr")].map(tr => tr.cells[0].textContent).join(",")`, &times)
	if want := "2025-03-04T10:05:00Z,2025-03-04T09:40:00Z,2025-03-04T09:20:00Z,2025-03-04T08:10:00Z"; times != want {
		t.Errorf("the findings are listed at %s, expected newest first: %s", times, want)
	}
	var points []struct{ S, X, Y string }
	p.eval(`[...document.querySelectorAll("#view-findings .chart .series")].flatMap(g => [...g.querySelectorAll("circle.point")].filter(c => c.dataset.y !== "0").map(c => ({S: g.dataset.series, X: c.dataset.x, Y: c.dataset.y})))`, &points)
	// The findings span 08:10..10:05: one-minute bins would be too many,
	// five-minute bins hold them.
	want := "[{Rule one 2025-03-04T08:10:00.000Z 1} {Rule one 2025-03-04T09:20:00.000Z 1} {Rule one 2025-03-04T09:40:00.000Z 1} {Rule two 2025-03-04T10:05:00.000Z 1}]"
	if fmt.Sprint(points) != want {
		t.Errorf("the findings chart has the points %v, expected %s", points, want)
	}
	p.eval(`document.querySelector("#view-findings .per-device .link").click()`, nil)
	p.waitJS("the device filter", `document.querySelector("#view-findings .count")?.textContent === "3 findings"`)

	// Alerts: per rule and per device (from the Host entities).
	p.eval(`location.hash = "#alerts"`, nil)
	p.waitJS("the alerts", `document.querySelector("#view-alerts .count")?.textContent === "1 alert"`)
	p.eval(`[...document.querySelectorAll("#view-alerts .per-device tbody tr")].map(tr => [...tr.cells].map(c => c.textContent).join(" ")).join("|")`, &perDevice)
	if perDevice != "ws-1 1" {
		t.Errorf("alerts per device %q, expected %q", perDevice, "ws-1 1")
	}

	// Rules: validation, schedule, suppression counts; a click shows the
	// rule's findings.
	p.eval(`location.hash = "#rules"`, nil)
	p.waitJS("the rules", `document.querySelectorAll("#view-rules tbody tr").length === 2`)
	var rules []string
	p.eval(`[...document.querySelectorAll("#view-rules tbody tr")].map(tr => [...tr.cells].slice(0, 6).map(c => c.textContent).join(" / "))`, &rules)
	wantRules := []string{"Rule one (query) / High / valid / every 1h over 1d, alert when count gt 0 / 7 (sanctioned: 7) / 3 findings",
		"Rule two / Low / invalid: 1:9: unknown column 'Nope' / not scheduled / 0 / not evaluated: no rows of DeviceEvents"}
	if fmt.Sprint(rules) != fmt.Sprint(wantRules) {
		t.Errorf("the rules read\n%q\nexpected\n%q", rules, wantRules)
	}
	p.eval(`document.querySelector("#view-rules tbody tr .link").click()`, nil)
	p.waitJS("the rule's findings", `location.hash === "#findings" && document.querySelector("#view-findings .count")?.textContent === "2 findings"`)

	// A rule's query goes to the editor.
	p.eval(`location.hash = "#rules"`, nil)
	p.waitJS("the rules", `document.querySelector("#view-rules .open-query")`)
	p.eval(`document.querySelector("#view-rules .open-query").click()`, nil)
	p.waitJS("the query view", `!document.getElementById("view-query").hidden`)
	var ruleQuery string
	p.eval(`document.getElementById("editor-input").value`, &ruleQuery)
	if want := "DeviceNetworkEvents\n| where RemoteUrl has 'x'"; ruleQuery != want {
		t.Errorf("the rule's query link puts %q in the editor, expected %q", ruleQuery, want)
	}

	// Tables: a click puts "Table | take 100" in the editor.
	p.eval(`location.hash = "#tables"`, nil)
	p.waitJS("the tables", `document.querySelectorAll("#view-tables li").length === 2`)
	// The filter keeps the tables whose name or a column holds the text.
	p.eval(`(() => { const f = document.querySelector("#view-tables .filter"); f.value = "remoteurl"; f.dispatchEvent(new Event("input")); return true })()`, nil)
	var shown []string
	p.eval(`[...document.querySelectorAll("#view-tables li[data-table]")].filter(li => !li.hidden).map(li => li.dataset.table)`, &shown)
	if fmt.Sprint(shown) != "[DeviceNetworkEvents]" {
		t.Errorf("the filter \"remoteurl\" shows the tables %v, expected [DeviceNetworkEvents]", shown)
	}
	p.eval(`(() => { const f = document.querySelector("#view-tables .filter"); f.value = ""; f.dispatchEvent(new Event("input")); return true })()`, nil)
	p.eval(`document.querySelector("#view-tables .table-name").click()`, nil)
	p.waitJS("the query view", `!document.getElementById("view-query").hidden`)
	var text string
	p.eval(`document.getElementById("editor-input").value`, &text)
	if text != "DeviceNetworkEvents | take 100" {
		t.Errorf("the editor holds %q, expected %q", text, "DeviceNetworkEvents | take 100")
	}
	// Undo gives the previous text back: the editor keeps the browser's
	// undo for the text it inserts.
	p.do("undo", chromedp.Focus(chromedp.ID("editor-input")))
	// Headless chromium has no native key bindings: the key event
	// carries the editing command that Ctrl+Z is bound to.
	p.do("pressing Ctrl+Z", chromedp.KeyEvent("z", chromedp.KeyModifiers(chromedp.ModifierCtrl),
		func(k *input.DispatchKeyEventParams) { k.Commands = []string{"undo"} }))
	p.eval(`document.getElementById("editor-input").value`, &text)
	if text != "DeviceNetworkEvents\n| where RemoteUrl has 'x'" {
		t.Errorf("after undo the editor holds %q, expected the text before, %q", text, "DeviceNetworkEvents\n| where RemoteUrl has 'x'")
	}
	// Tab indents.
	p.eval(`(() => { const e = document.getElementById("editor-input"); e.setSelectionRange(0, 0); return true })()`, nil)
	p.key(kb.Tab)
	p.eval(`document.getElementById("editor-input").value`, &text)
	if text != "    DeviceNetworkEvents\n| where RemoteUrl has 'x'" {
		t.Errorf("after Tab the editor holds %q, expected %q", text, "    DeviceNetworkEvents\n| where RemoteUrl has 'x'")
	}
	// A long query: the highlighted layer scrolls with the text area, and
	// both are as tall.
	p.eval(`(() => { const e = document.getElementById("editor-input"); e.value = Array.from({length: 300}, (_, i) => "| where Column" + i + " has 'value " + i + "' // a comment " + "x".repeat(i % 90)).join("\n"); e.dispatchEvent(new Event("input")); e.scrollTop = 2000; e.scrollLeft = 150; return true })()`, nil)
	p.waitJS("the layer to follow the scroll", `(() => { const e = document.getElementById("editor-input"), l = document.getElementById("editor-hl"); return e.scrollTop > 0 && l.scrollTop === e.scrollTop && l.scrollLeft === e.scrollLeft })()`)
	var heights []int
	p.eval(`[document.getElementById("editor-input").scrollHeight, document.getElementById("editor-hl").scrollHeight]`, &heights)
	if len(heights) != 2 || heights[1]-heights[0] > 24 || heights[0]-heights[1] > 24 {
		t.Errorf("the text area and its highlighted layer are %v pixels tall, expected the same within a line", heights)
	}
	p.checkClean()
}
