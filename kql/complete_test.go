package kql

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// complete runs Complete with the cursor at '‸' in text.
func complete(t *testing.T, text string, cat *Catalog) Completion {
	t.Helper()
	off := strings.Index(text, "‸")
	if off < 0 {
		t.Fatalf("no cursor '‸' in %q", text)
	}
	return Complete(text[:off]+text[off+len("‸"):], off, cat)
}

// labels returns the labels of the items of kind (every kind when "").
func labels(c Completion, kind string) []string {
	var out []string
	for _, it := range c.Items {
		if kind == "" || it.Kind == kind {
			out = append(out, it.Label)
		}
	}
	return out
}

func has(list []string, want string) bool {
	for _, s := range list {
		if s == want {
			return true
		}
	}
	return false
}

func TestCompleteContexts(t *testing.T) {
	cat := Defender()
	for _, c := range []struct {
		name, text string
		kind       string
		want       []string // labels of that kind present
		not        []string // labels absent (of any kind)
		onlyKind   bool     // every item is of kind
		none       bool     // nothing to complete
	}{
		{name: "table at start", text: "DeviceNet‸", kind: KindTable, want: []string{"DeviceNetworkEvents", "DeviceNetworkInfo"}, not: []string{"DeviceProcessEvents"}, onlyKind: true},
		{name: "table ignores case", text: "devicepro‸", kind: KindTable, want: []string{"DeviceProcessEvents"}},
		{name: "start keywords", text: "le‸", kind: KindKeyword, want: []string{"let"}},
		{name: "operator after pipe", text: "DeviceProcessEvents | su‸", kind: KindOperator, want: []string{"summarize"}, not: []string{"where"}, onlyKind: true},
		{name: "every operator", text: "DeviceProcessEvents |‸", kind: KindOperator, want: []string{"where", "project-away", "mv-expand", "render", "summarize"}, onlyKind: true},
		{name: "hyphenated operator", text: "DeviceProcessEvents | project-a‸", kind: KindOperator, want: []string{"project-away"}, not: []string{"project"}},
		{name: "column after where", text: "DeviceProcessEvents | where Fil‸", kind: KindColumn, want: []string{"FileName", "FileSize"}, not: []string{"DeviceName"}},
		{name: "function after where", text: "DeviceProcessEvents | where strl‸", kind: KindFunction, want: []string{"strlen"}},
		{name: "no aggregate in where", text: "DeviceProcessEvents | where dcou‸", kind: KindAggregate, not: []string{"dcount"}},
		{name: "aggregate in summarize", text: "DeviceProcessEvents | summarize dcou‸", kind: KindAggregate, want: []string{"dcount", "dcountif"}},
		{name: "no aggregate after by", text: "DeviceProcessEvents | summarize count() by dcou‸", not: []string{"dcount"}},
		{name: "columns after project", text: "DeviceProcessEvents | project DeviceName, Cmd = ProcessCommandLine | where ‸", kind: KindColumn, want: []string{"DeviceName", "Cmd"}, not: []string{"FileName", "ProcessCommandLine"}},
		{name: "columns after extend", text: "DeviceProcessEvents | extend Host = tolower(DeviceName) | where Ho‸", kind: KindColumn, want: []string{"Host"}},
		{name: "columns after summarize", text: "DeviceProcessEvents | summarize n = count() by DeviceName | where ‸", kind: KindColumn, want: []string{"n", "DeviceName"}, not: []string{"FileName"}},
		{name: "errors after the pipe tolerated", text: "DeviceProcessEvents | where Fil‸ == ", kind: KindColumn, want: []string{"FileName"}},
		{name: "let table", text: "let procs = DeviceProcessEvents | where FileName == 'x';\npro‸", kind: KindTable, want: []string{"procs"}},
		{name: "let scalar", text: "let threshold = 5;\nDeviceProcessEvents | where FileSize > thre‸", kind: KindColumn, want: []string{"threshold"}},
		{name: "let table columns", text: "let procs = DeviceProcessEvents | project DeviceName, Cmd = ProcessCommandLine;\nprocs | where ‸", kind: KindColumn, want: []string{"Cmd", "DeviceName"}, not: []string{"FileName"}},
		{name: "table after union", text: "union DeviceNetworkEvents, DeviceFile‸", kind: KindTable, want: []string{"DeviceFileEvents"}},
		{name: "table in join", text: "DeviceProcessEvents | join kind=inner (DeviceNet‸", kind: KindTable, want: []string{"DeviceNetworkEvents"}},
		{name: "columns in join subquery", text: "DeviceProcessEvents | join kind=inner (DeviceNetworkEvents | where Remote‸", kind: KindColumn, want: []string{"RemoteUrl", "RemoteIP"}},
		{name: "columns after join subquery", text: "DeviceProcessEvents | join (DeviceNetworkEvents | project DeviceId, RemoteUrl) on DeviceId | where Remote‸", kind: KindColumn, want: []string{"RemoteUrl"}},
		{name: "function argument", text: "DeviceProcessEvents | where tolower(Fil‸", kind: KindColumn, want: []string{"FileName"}},
		{name: "render kinds", text: "DeviceProcessEvents | summarize count() by bin(Timestamp, 1h) | render time‸", kind: KindKeyword, want: []string{"timechart"}, onlyKind: true},
		{name: "word operator", text: "DeviceProcessEvents | where FileName h‸", kind: KindKeyword, want: []string{"has", "hasprefix"}},
		{name: "inside a string", text: "DeviceProcessEvents | where FileName == \"Dev‸", none: true},
		{name: "inside a comment", text: "DeviceProcessEvents // where Dev‸", none: true},
		{name: "after a dot", text: "DeviceProcessEvents | where AdditionalFields.Fi‸", not: []string{"FileName"}},
		{name: "second statement", text: "DeviceProcessEvents | take 1;\nDeviceNetworkEvents | where Rem‸", kind: KindColumn, want: []string{"RemoteUrl"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := complete(t, c.text, cat)
			cursor := strings.Index(c.text, "‸")
			if c.none {
				if len(got.Items) > 0 || got.From != cursor {
					t.Errorf("expected nothing at %d, got %d items from %d", cursor, len(got.Items), got.From)
				}
				return
			}
			if word := c.text[min(got.From, cursor):cursor]; got.From > cursor || word != wordBefore(c.text[:cursor]) {
				t.Errorf("expected the word %q to be replaced, got %q", wordBefore(c.text[:cursor]), word)
			}
			kinds := labels(got, c.kind)
			for _, w := range c.want {
				if !has(kinds, w) {
					t.Errorf("expected %s %q among %d items, got %v", c.kind, w, len(kinds), head(kinds))
				}
			}
			all := labels(got, c.kind)
			for _, n := range c.not {
				if has(all, n) {
					t.Errorf("expected no %q, got it", n)
				}
			}
			if c.onlyKind {
				for _, it := range got.Items {
					if it.Kind != c.kind {
						t.Errorf("expected only %s items, got %s %q", c.kind, it.Kind, it.Label)
						break
					}
				}
			}
		})
	}
}

// wordBefore returns the word that ends text: letters, digits, '_', '-'
// after '| ', '$'.
func wordBefore(text string) string {
	i := len(text)
	for i > 0 && strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-$", rune(text[i-1])) {
		i--
	}
	return text[i:]
}

func head(s []string) []string {
	if len(s) > 20 {
		return s[:20]
	}
	return s
}

func TestCompleteDetails(t *testing.T) {
	c := complete(t, "DeviceProcessEvents | where strlen‸", Defender())
	var fn, col *CompletionItem
	for i, it := range c.Items {
		if it.Label == "strlen" && it.Kind == KindFunction {
			fn = &c.Items[i]
		}
	}
	if fn == nil || !strings.Contains(fn.Detail, "strlen(") || fn.Insert != "strlen(" {
		t.Errorf("expected strlen with its signature, got %+v", fn)
	}
	c = complete(t, "DeviceProcessEvents | where FileSi‸", Defender())
	for i, it := range c.Items {
		if it.Label == "FileSize" {
			col = &c.Items[i]
		}
	}
	if col == nil || col.Detail != "long" || col.Insert != "FileSize" {
		t.Errorf("expected FileSize of type long, got %+v", col)
	}
	c = complete(t, "datatable(['my col']: string) ['x'] | where my‸", Defender())
	if len(c.Items) == 0 || c.Items[0].Insert != `["my col"]` {
		t.Errorf("expected the column quoted, got %+v", c.Items)
	}
}

// TestCompleteNeverPanics completes at every offset of a few queries.
func TestCompleteNeverPanics(t *testing.T) {
	for _, q := range []string{
		"let x = (a:long) { a + 1 };\nDeviceProcessEvents | where x(FileSize) > 1 | summarize count() by bin(Timestamp, 1h) | render timechart",
		"DeviceProcessEvents | join kind=leftouter (DeviceNetworkEvents | where RemoteUrl has 'é') on DeviceId | take 5",
		"print s = \"unterminated",
		")))|||((( ; ;",
	} {
		for off := 0; off <= len(q); off++ {
			c := Complete(q, off, Defender())
			if c.From > off || c.From < 0 {
				t.Fatalf("%q at %d: from %d", q, off, c.From)
			}
		}
	}
}

// TestCharts checks that Charts gives each statement's render request
// before the query runs.
func TestCharts(t *testing.T) {
	q, err := Compile("range x from 1 to 3 step 1 | render timechart with (title=\"t\");\nprint 1", Defender(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs := q.Charts()
	if len(cs) != 2 || cs[0] == nil || cs[0].Kind != "timechart" || cs[0].Props["title"] != "t" || cs[1] != nil {
		t.Errorf("expected a timechart then nothing, got %+v", cs)
	}
}

// FuzzComplete completes at an offset of any text: no panic, and the
// replaced word lies before the cursor.
func FuzzComplete(f *testing.F) {
	for _, q := range []string{
		"DeviceProcessEvents | where FileName has 'x' | summarize count() by bin(Timestamp, 1h) | render timechart",
		"let x = (a:long) { a + 1 };\nunion DeviceNetworkEvents, (DeviceProcessEvents | project-away Fi",
		"DeviceProcessEvents | join kind=inner (DeviceNetworkEvents | where RemoteUrl has_any ('a', \"b\")) on DeviceId",
		"print s = @'raw' // comment\n| extend y = strlen(s)",
	} {
		f.Add(q, len(q)/2)
	}
	cat := Defender()
	f.Fuzz(func(t *testing.T, text string, offset int) {
		if offset < 0 || offset > len(text) || offset < len(text) && !utf8.RuneStart(text[offset]) {
			return
		}
		c := completeAt(text, offset, cat)
		if c.From < 0 || c.From > offset {
			t.Fatalf("%q at %d: from %d", text, offset, c.From)
		}
	})
}
