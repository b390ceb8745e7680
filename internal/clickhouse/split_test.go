package clickhouse_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/packs"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/kql"
)

// TestRMMSplit checks what of each RMM pack rule runs on a server: the
// network rules on domains, which do not translate whole (trim_end), push
// down exactly their scan and its has_any filter (on RemoteUrl, or on it
// and the initiating program's name), so that only the candidate rows
// leave the server; the network rules on programs alone translate whole;
// the other rules that do not translate whole still push their scan
// down.
func TestRMMSplit(t *testing.T) {
	rs, err := packs.Load("rmm")
	if err != nil {
		t.Fatal(err)
	}
	now, err := kql.ParseNow("2026-01-01T00:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	list := `"[^"]+"(, "[^"]+")*`
	part := regexp.MustCompile(`^Filter (has_any\(RemoteUrl, ` + list + `\)|or\(has_any\(RemoteUrl, ` + list + `\), has_any\(InitiatingProcessFileName, ` + list + `\)\))\n  Scan DeviceNetworkEvents \[[A-Za-z, ]+\]\n$`)
	whole, split, scanOnly := 0, 0, 0
	for _, r := range rs {
		q, errs := rules.Check(r, kql.Defender())
		if q == nil || errs.HasErrors() {
			t.Fatalf("%s: %v", r.File, errs)
		}
		s, err := q.SplitSQL(kql.SQLOptions{Now: now, Version: "18.16.1"})
		if err != nil {
			t.Fatalf("%s: %v", r.File, err)
		}
		if s == nil {
			whole++
			if strings.HasSuffix(r.File, "_netconn.yaml") && strings.Contains(r.Query, "RemoteUrl has_any") {
				t.Errorf("%s translates whole: the test expects its trim_end to be refused", r.File)
			}
			continue
		}
		split++
		if !strings.HasSuffix(r.File, "_netconn.yaml") || !strings.Contains(r.Query, "RemoteUrl has_any") {
			// A rule split elsewhere must still filter on the server.
			filtered := false
			for _, p := range s.Parts {
				filtered = filtered || strings.Contains(p.Plan, "Filter ")
			}
			if !filtered {
				// matches regex, in~ of non-ASCII strings: the filter
				// itself does not translate, so the table's columns are
				// read whole.
				scanOnly++
			}
			if len(s.Parts) == 0 {
				t.Errorf("%s: nothing runs on the server (%v)", r.File, s.NotPushed)
			}
			continue
		}
		if s.NotPushed.Construct != "trim_end" {
			t.Errorf("%s: not pushed at %q, want trim_end", r.File, s.NotPushed.Construct)
		}
		if len(s.Parts) != 1 || !part.MatchString(s.Parts[0].Plan) {
			t.Errorf("%s: parts pushed down:\n%v\nwant one, the scan of DeviceNetworkEvents and its has_any filter", r.File, s.Parts)
			continue
		}
		if !strings.Contains(s.Parts[0].SQL, "WHERE ") || !strings.Contains(s.Parts[0].SQL, "FROM `DeviceNetworkEvents`") {
			t.Errorf("%s: the part's SQL has no WHERE on DeviceNetworkEvents:\n%s", r.File, s.Parts[0].SQL)
		}
	}
	if split == 0 {
		t.Fatal("no RMM rule runs split")
	}
	t.Logf("RMM pack on ClickHouse 18.16: %d rules translate whole, %d run split, %d of them reading their table's columns whole (their filter does not translate)", whole, split, scanOnly)
}

// TestSplitConjuncts: of a filter that does not translate whole, the
// conjuncts that translate run on the server, above the scan, and the
// whole filter again in kqlhunt.
func TestSplitConjuncts(t *testing.T) {
	q, err := kql.Compile(`DeviceNetworkEvents | where RemoteUrl has "anydesk.com" and trim_end("/", RemoteUrl) endswith "relay" and RemotePort == 443 | project DeviceName, RemoteUrl`, kql.Defender(), kql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := q.SplitSQL(kql.SQLOptions{})
	if err != nil || s == nil {
		t.Fatalf("want a split, got %v, %v", s, err)
	}
	// RemotePort == 443 (an int against a long) translates too: it runs
	// on the server, above the first conjunct.
	want := "Filter ==(RemotePort, 443)\n  Filter has(RemoteUrl, \"anydesk.com\")\n    Scan DeviceNetworkEvents [DeviceName, RemotePort, RemoteUrl]\n"
	if s.NotPushed.Construct != "trim_end" || len(s.Parts) != 1 || s.Parts[0].Plan != want {
		t.Errorf("not pushed: %v; parts:\n%v\nwant one:\n%s", s.NotPushed, s.Parts, want)
	}
}
