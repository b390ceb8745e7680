package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
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

	"github.com/kqlhunt/kqlhunt/internal/aptinstall"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// browserPath returns the path of headless chromium for t, installed with
// apt-get when it is missing. The browser tests run under CI=true or
// KQLHUNT_BROWSER=1 and skip elsewhere, saying so.
func browserPath(t *testing.T) string {
	t.Helper()
	if os.Getenv("CI") != "true" && os.Getenv("KQLHUNT_BROWSER") != "1" {
		t.Skip("console browser tests: set CI=true or KQLHUNT_BROWSER=1 to run them (they install Debian's chromium with apt-get when it is missing)")
	}
	if err := aptinstall.Install(aptinstall.File(chromiumPath), "chromium"); err != nil {
		t.Fatalf("installing chromium: %v", err)
	}
	return chromiumPath
}

// page is a console open in headless chromium, with what the page did:
// the URLs it requested and the errors it logged.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu       sync.Mutex
	requests []string
	errors   []string
}

// openConsole starts chromium and opens the console served at base.
func openConsole(t *testing.T, base string) *page {
	t.Helper()
	bin := browserPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	p := &page{t: t, base: base}
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
	p.waitJS("the console to start", `document.body.dataset.ready === "true"`)
	return p
}

// event records the requests and the errors of the page.
func (p *page) event(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		p.requests = append(p.requests, e.Request.URL)
	case *runtime.EventExceptionThrown:
		p.errors = append(p.errors, "exception: "+e.ExceptionDetails.Text+" "+describeException(e.ExceptionDetails))
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

func describeException(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// checkClean fails t when the page logged errors or asked for anything
// beyond the server.
func (p *page) checkClean() {
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

func (p *page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates the JavaScript expression js and decodes its value into v.
func (p *page) eval(js string, v any) {
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
func (p *page) waitJS(what, js string) {
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
func (p *page) typeQuery(query string) {
	p.t.Helper()
	p.eval(`(() => { const e = document.getElementById("editor-input"); e.focus(); e.select(); return true })()`, nil)
	p.do("typing the query", chromedp.KeyEvent(kb.Delete), chromedp.SendKeys(chromedp.ID("editor-input"), query))
	var got string
	p.eval(`document.getElementById("editor-input").value`, &got)
	if got != query {
		p.t.Fatalf("the editor holds %q after typing, expected %q", got, query)
	}
}

// key presses keys with modifiers in the focused element.
func (p *page) key(keys string, mods ...chromedp.Modifier) {
	p.t.Helper()
	p.do("pressing "+fmt.Sprintf("%q", keys), chromedp.KeyEvent(keys, chromedp.KeyModifiers(mods...)))
}

// runQuery presses Shift+Enter in the editor and waits for the answer.
func (p *page) runQuery() {
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

func (p *page) grid() gridState {
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
func (p *page) mouseOver(selector string) {
	p.t.Helper()
	var at struct{ X, Y float64 }
	p.eval(fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return {X: r.left + r.width / 2, Y: r.top + r.height / 2} })()`, selector), &at)
	p.do("moving the mouse", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, at.X, at.Y))
}

// cellText is what the grid shows for a value of the API's answer
// (decoded with UseNumber): the text, JSON for arrays and objects, cut
// at 80 UTF-16 units with an ellipsis.
func cellText(v any) string {
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
