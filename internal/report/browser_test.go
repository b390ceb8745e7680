package report

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/aptinstall"
)

// dumpDOM loads page#fragment in headless chromium, with the page's
// script run, and returns the DOM as the browser serializes it.
func dumpDOM(t *testing.T, bin, page, fragment string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	profile := t.TempDir()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--user-data-dir="+profile, "--dump-dom", "file://"+page+fragment)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", fragment, err, errb.String())
	}
	if !strings.Contains(out.String(), "</html>") {
		t.Fatalf("chromium %s: no page\n%s", fragment, errb.String())
	}
	return out.String()
}

var (
	findingsTable = regexp.MustCompile(`(?s)<table class="findings sortable"[^>]*>.*?</table>`)
	tableRow      = regexp.MustCompile(`(?s)<tr( hidden="")?>(.*?)</tr>`)
	firstCell     = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	shownText     = regexp.MustCompile(`<span id="shown"[^>]*>([^<]*)</span>`)
	tagText       = regexp.MustCompile(`<[^>]*>`)
)

// domRow is a row of a findings table as the browser left it.
type domRow struct {
	hidden bool
	time   string // the first cell
	text   string
}

// findingRows returns the rows of each findings table of dom (the
// header row of each left out).
func findingRows(dom string) [][]domRow {
	var out [][]domRow
	for _, table := range findingsTable.FindAllString(dom, -1) {
		var rows []domRow
		for _, m := range tableRow.FindAllStringSubmatch(table, -1) {
			if strings.Contains(m[2], "<th") {
				continue
			}
			cell := firstCell.FindStringSubmatch(m[2])
			rows = append(rows, domRow{hidden: m[1] != "", time: cell[1], text: tagText.ReplaceAllString(m[2], " ")})
		}
		out = append(out, rows)
	}
	return out
}

// TestHTMLInBrowser opens the report in headless Chromium: it renders,
// its script runs, and the filter and the sort that the address asks for
// (#filter=...&sort=...) hide and order the findings' rows.
func TestHTMLInBrowser(t *testing.T) {
	bin := aptinstall.Chromium(t)
	h, fs := testHunt()
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, []byte(writeHuntHTML(t, h, fs)), 0o644); err != nil {
		t.Fatal(err)
	}

	// Unfiltered: every finding shows, and the script says how many.
	dom := dumpDOM(t, bin, page, "")
	all := findingRows(dom)
	total := 0
	for _, rows := range all {
		for _, r := range rows {
			if r.hidden {
				t.Errorf("unfiltered: a hidden row: %s", r.text)
			}
			total++
		}
	}
	if total != len(fs) || len(all) != 3 {
		t.Fatalf("%d rows in %d tables, want %d in 3", total, len(all), len(fs))
	}
	if m := shownText.FindStringSubmatch(dom); m == nil || m[1] != fmt.Sprintf("%d findings listed", total) {
		t.Errorf("unfiltered: shown %v", m)
	}

	for _, c := range []struct {
		fragment string
		// match tells which rows of the unfiltered page the filter keeps;
		// rule is the rule's name, id and severity.
		match func(row, rule string) bool
		rules []string // the rules of the tables, in order
	}{
		{"#filter=wks-2", func(row, _ string) bool { return strings.Contains(row, "wks-2") }, nil},
		{"#filter=WKS-1%20evil.example", func(row, _ string) bool {
			return strings.Contains(row, "wks-1") && strings.Contains(row, "evil.example")
		}, nil},
		{"#filter=high", nil, nil}, // the severity of Encoded PowerShell: its rows only
		{"#filter=no-such-thing", func(string, string) bool { return false }, nil},
	} {
		dom := dumpDOM(t, bin, page, c.fragment)
		got := findingRows(dom)
		want, matched := 0, 0
		for i, rows := range got {
			for j, r := range rows {
				keep := false
				if c.match != nil {
					keep = c.match(all[i][j].text, "")
				} else {
					keep = i == 0 // the High rule's table comes first
				}
				if keep {
					want++
				}
				if r.hidden == keep {
					t.Errorf("%s: row %q hidden %v", c.fragment, r.text, r.hidden)
				}
				if !r.hidden {
					matched++
				}
			}
		}
		if want == 0 && c.fragment != "#filter=no-such-thing" {
			t.Errorf("%s: the case matches nothing: a useless case", c.fragment)
		}
		if m := shownText.FindStringSubmatch(dom); m == nil || m[1] != fmt.Sprintf("%d of %d listed findings match", matched, total) {
			t.Errorf("%s: shown %v, want %d of %d", c.fragment, m, matched, total)
		}
		// A rule left without a finding is hidden whole.
		sections := regexp.MustCompile(`<details id="rule-\d+"[^>]*>`).FindAllString(dom, -1)
		for i, s := range sections {
			empty := true
			for _, r := range got[i] {
				empty = empty && r.hidden
			}
			if strings.Contains(s, `hidden=""`) != empty {
				t.Errorf("%s: section %s, rows all hidden: %v", c.fragment, s, empty)
			}
		}
	}

	// The page renders: a screenshot of its top shows the severity boxes
	// and the chart (coloured pixels), not a blank or an error page.
	shot := filepath.Join(t.TempDir(), "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir="+t.TempDir(), "--window-size=1200,900", "--screenshot="+shot, "file://"+page)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	colored := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if max(r, g, bl)-min(r, g, bl) > 0x3000 { // not white, grey or black
				colored++
			}
		}
	}
	t.Logf("screenshot %v: %d coloured pixels of %d sampled", b, colored, b.Dx()*b.Dy()/4)
	if b.Dx() != 1200 || colored < 500 {
		t.Errorf("screenshot %v with %d coloured pixels: the page did not render", b, colored)
	}

	// #sort=-Time orders each table by time, latest first; #sort=Time
	// earliest first.
	for _, frag := range []string{"#sort=-Time", "#sort=time"} {
		desc := strings.HasPrefix(frag, "#sort=-")
		for _, rows := range findingRows(dumpDOM(t, bin, page, frag)) {
			for j := 1; j < len(rows); j++ {
				if a, b := rows[j-1].time, rows[j].time; a != "" && b != "" && (a < b) == desc && a != b {
					t.Errorf("%s: %s before %s", frag, a, b)
				}
			}
		}
	}
}
