package kql

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The differential test of prefilters: generated queries over generated
// adversarial JSON lines (escapes, case variants, characters that fold to
// ASCII, nested values in string columns, numbers written several ways)
// give the same rows with prefilters (the default) as without
// (Options.NoPrefilter), alone and in one pass (RunMany).

// chooser draws the choices of a generated case: from the fuzzer's bytes
// while they last, then from a seeded generator.
type chooser struct {
	b   []byte
	rng *rand.Rand
	// theme are the terms a data folder and its queries favour, so that
	// rows and filters meet often.
	theme []string
}

// term picks a query literal, most often from the theme.
func (c *chooser) term() string {
	if len(c.theme) > 0 && c.intn(4) != 0 {
		return c.pick(c.theme)
	}
	return c.pick(terms)
}

// disguise writes term as a JSON string body that decodes to it, or to a
// case variant of it, or to text that Unicode case folding relates to it:
// escapes, \/, the Kelvin sign, the long s, dotted and dotless i.
func disguise(c *chooser, term string) string {
	var b strings.Builder
	for _, r := range term {
		switch {
		case r == 'k' || r == 'K':
			if c.intn(3) == 0 {
				b.WriteString(c.pick([]string{"\u212a", `\u212a`, `\u212A`}))
				continue
			}
		case r == 's' || r == 'S':
			if c.intn(3) == 0 {
				b.WriteString(c.pick([]string{"\u017f", `\u017f`}))
				continue
			}
		case r == 'i' || r == 'I':
			if c.intn(3) == 0 {
				b.WriteString(c.pick([]string{"\u0130", "\u0131", `\u0130`, `\u0131`}))
				continue
			}
		case r == '/':
			if c.intn(2) == 0 {
				b.WriteString(`\/`)
				continue
			}
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
			continue
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		if c.intn(6) == 0 {
			fmt.Fprintf(&b, c.pick([]string{`\u%04x`, `\u%04X`}), r)
			continue
		}
		if c.intn(3) == 0 {
			if strings.ToUpper(string(r)) != string(r) {
				b.WriteString(strings.ToUpper(string(r)))
			} else {
				b.WriteString(strings.ToLower(string(r)))
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (c *chooser) intn(n int) int {
	if len(c.b) > 0 {
		v := int(c.b[0]) % n
		c.b = c.b[1:]
		return v
	}
	return c.rng.IntN(n)
}

func (c *chooser) pick(xs []string) string { return xs[c.intn(len(xs))] }

// rawPieces are pieces of JSON string bodies, as written in the line.
var rawPieces = []string{
	"screenmeet", "ScreenMeet", "SCREENMEET", "screen", "meet", ".com", "Projector", " ", "Inc", "inc",
	`\u0073`, `\u0053`, `\u0063reen`, `\/`, "/", `\\`, `\"`, `\n`, `\t`, `\u0000`, `\u212a`, `\u212A`, "\u212a",
	"\u017f", `\u017f`, "\u0130", `\u0131`, "é", `\u00e9`, `\ud83d\ude00`, "k", "K", "s", "S", "a", "b", "1", "e3", "u0041",
	`\u0041`, "n", "t", "{", "}", ",", ":", "[", "]",
	`\nb`, `\tb`, `\u0001b`,
	// Pieces that spell a term only once decoded or folded.
	`a\/b`, `scr\u0065enmeet.com`, `\u212a`, "\u212a", `\u017f`, "\u017f", "\u0130", `\u0131`, `Pro\u006aector Inc`,
}

// terms are the query literals, as Go strings.
var terms = []string{
	"screenmeet", "ScreenMeet.com", "screenmeet.com", "projector inc", "Projector Inc", "screen", "meet", ".com",
	"k", "K", "s", "S", "\u017f", "\u212a", "é", "E", "/", "a/b", `\`, `"`, "inc", "1000", "1e3", "1.5", "true",
	"nul", "u0041", "A", "n", "t", " ", "", "meet.", "k1", "sk", "{", "a\"b", "\\n", "\n", "i", "I",
	"k", "s", "i", "a/b", "screenmeet.com", "projector inc", "kiosk", "Kiosk.exe", "ski", "sis", "Desk",
	// Text that a nested value re-serialized into a string column holds
	// and its line may not: separators without spaces, escapes of
	// control characters, rewritten numbers.
	",null", "1000,null", "true]", "rue]", "x:", "nb", "tb", "u0001b", "n:1000",
}

var stringCols = []string{"RemoteUrl", "InitiatingProcessVersionInfoCompanyName", "DeviceName"}

// rawValue writes a JSON value for a string column.
func rawValue(c *chooser) string {
	body := func() string {
		var b strings.Builder
		for range c.intn(2) + c.intn(3) {
			if len(c.theme) > 0 && c.intn(2) == 0 {
				b.WriteString(disguise(c, c.pick(c.theme)))
			} else {
				b.WriteString(c.pick(rawPieces))
			}
		}
		return b.String()
	}
	switch c.intn(13) {
	case 0:
		return `{"x":"` + body() + `","n":1e3,"m":[1.50,true]}`
	case 3:
		return `{"x" : "` + body() + `", "n" : 1e3, "m" : [ 1.50 , true ] }`
	case 1:
		return `["` + body() + `", 1000, null]`
	case 2:
		return c.pick([]string{"1e3", "1000", "1.50", "true", "false", "null", "-0"})
	}
	s := body()
	// A piece may have split an escape or left a quote open: keep the
	// line valid JSON, or malformed on purpose now and then.
	if strings.Count(s, `\`)%2 == 1 || strings.HasSuffix(s, `\`) {
		s += `\\`
	}
	return `"` + s + `"`
}

// rowLine writes one JSON object; records selects the streaming format.
func rowLine(c *chooser, records bool) string {
	var members []string
	for _, col := range append(slices.Clone(stringCols), "AdditionalFields", "RemotePort") {
		if c.intn(5) == 0 {
			continue
		}
		key := col
		switch c.intn(8) {
		case 0:
			key = strings.ToLower(col)
		case 1:
			key = col + "_s"
		}
		v := rawValue(c)
		if col == "RemotePort" {
			v = c.pick([]string{"443", "80", `"443"`, "1e3", "null"})
		}
		members = append(members, fmt.Sprintf("%q:%s", key, v))
	}
	members = append(members, `"Timestamp":"2026-11-19T10:00:00Z"`)
	obj := "{" + strings.Join(members, ",") + "}"
	if records {
		return `{"time":"2026-11-19T10:00:00Z","category":"AdvancedHunting-DeviceNetworkEvents","properties":` + obj + "}"
	}
	return obj
}

// kqlString writes s as a KQL string literal.
func kqlString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// genPred writes a random predicate over the string columns.
func genPred(c *chooser, depth int) string {
	if depth > 0 {
		switch c.intn(6) {
		case 0:
			return "(" + genPred(c, depth-1) + " and " + genPred(c, depth-1) + ")"
		case 1:
			return "(" + genPred(c, depth-1) + " or " + genPred(c, depth-1) + ")"
		case 2:
			return "not(" + genPred(c, depth-1) + ")"
		}
	}
	col := c.pick(stringCols)
	switch c.intn(20) {
	case 0:
		col = "AdditionalFields"
	case 1:
		return fmt.Sprintf("RemotePort == %s", c.pick([]string{"443", "1000", "80"}))
	case 2:
		col = "tostring(AdditionalFields)"
	}
	list := func() string {
		var xs []string
		for range 1 + c.intn(3) {
			xs = append(xs, kqlString(c.term()))
		}
		if c.intn(6) == 0 {
			return "(dynamic([" + strings.Join(xs, ", ") + "]))"
		}
		return "(" + strings.Join(xs, ", ") + ")"
	}
	switch op := c.pick([]string{"has", "!has", "has_cs", "contains", "!contains", "contains_cs", "startswith",
		"endswith", "startswith_cs", "endswith_cs", "hasprefix", "hassuffix", "hasprefix_cs", "hassuffix_cs",
		"==", "!=", "=~", "!~", "in", "in~", "!in", "has_any", "has_all", "lit==",
		// The operators that fold case beyond ASCII, again.
		"=~", "in~", "endswith", "=~", "in~", "endswith"}); op {
	case "in", "in~", "!in", "has_any", "has_all":
		return col + " " + op + " " + list()
	case "lit==":
		return kqlString(c.term()) + " == " + col
	default:
		return col + " " + op + " " + kqlString(c.term())
	}
}

// genQuery writes a query with filters on scans of DeviceNetworkEvents.
func genQuery(c *chooser) string {
	const proj = " | project RemoteUrl, InitiatingProcessVersionInfoCompanyName, DeviceName, RemotePort, tostring(AdditionalFields)"
	switch c.intn(8) {
	case 0:
		return "DeviceNetworkEvents | where " + genPred(c, 2) + " | where " + genPred(c, 1) + proj
	case 1:
		return "let t = DeviceNetworkEvents | where " + genPred(c, 1) + "; t | where " + genPred(c, 1) +
			" | union (t | where " + genPred(c, 1) + ")" + proj
	case 2:
		return "DeviceNetworkEvents | where " + genPred(c, 2) + " | summarize n = count() by DeviceName"
	case 3:
		return "DeviceNetworkEvents | where " + genPred(c, 1) + " | join kind=leftouter (DeviceNetworkEvents | where " +
			genPred(c, 1) + " | project DeviceName, R2 = RemoteUrl) on DeviceName | project RemoteUrl, R2"
	case 4:
		return "DeviceNetworkEvents | where " + genPred(c, 3) + proj
	}
	return "DeviceNetworkEvents | where " + genPred(c, c.intn(2)) + proj
}

// prefilterCase writes a data folder of generated lines into dir and
// checks nq generated queries on it; it returns how many lines the
// prefilters skipped. With format "parquet" the lines are converted to
// Parquet (a few rows per row group), with "csv" to a CSV export, and the
// queries read that instead; "json" reads the lines.
func prefilterCase(t *testing.T, c *chooser, dir string, nq int, format string) int64 {
	t.Helper()
	c.theme = nil
	for range 1 + c.intn(3) {
		c.theme = append(c.theme, c.pick(terms))
	}
	records := c.intn(3) == 0
	name := "DeviceNetworkEvents.jsonl"
	if records {
		name = "export.json"
	}
	var lines []string
	for range 1 + c.intn(12) {
		lines = append(lines, rowLine(c, records))
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cat := Defender()
	switch format {
	case "parquet":
		dir = convertParquet(t, dir, cat, 1+c.intn(3))
	case "csv":
		dir = convertCSV(t, dir, cat)
	}
	data, err := OpenData(DataOptions{Paths: []string{dir}}, cat)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := Datetime(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).UnixNano() / 100)
	var with, without []*Query
	var texts []string
	for range nq {
		text := genQuery(c)
		q, err := Compile(text, cat, Options{})
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		qn, err := Compile(text, cat, Options{NoPrefilter: true})
		if err != nil {
			t.Fatal(err)
		}
		with, without, texts = append(with, q), append(without, qn), append(texts, text)
	}
	data2, err := OpenData(DataOptions{Paths: []string{dir}}, cat) // for RunMany, with its own stats
	if err != nil {
		t.Fatal(err)
	}
	many := make([][]string, nq)
	outs := RunMany(ctx, with, data2, now, func(i, _ int, cols []Column, b *Batch) error {
		many[i] = append(many[i], renderRows(cols, b)...)
		return nil
	})
	// Routed: a pass of only the queries that have a prefilter, so that
	// the reader hands each query only its own candidate rows (one query
	// without a prefilter turns routing off for the table).
	var routed []*Query
	var routedIdx []int
	for i, q := range with {
		if q.Prefilters()["DeviceNetworkEvents"] != "" {
			routed, routedIdx = append(routed, q), append(routedIdx, i)
		}
	}
	routedRows := make([][]string, nq)
	if len(routed) > 1 {
		data3, err := OpenData(DataOptions{Paths: []string{dir}}, cat)
		if err != nil {
			t.Fatal(err)
		}
		outs := RunMany(ctx, routed, data3, now, func(i, _ int, cols []Column, b *Batch) error {
			routedRows[routedIdx[i]] = append(routedRows[routedIdx[i]], renderRows(cols, b)...)
			return nil
		})
		for i, o := range outs {
			if o.Err != nil {
				t.Fatalf("RunMany of the prefiltered queries, %s: %v", texts[routedIdx[i]], o.Err)
			}
		}
		for _, i := range routedIdx {
			slices.Sort(routedRows[i])
		}
	}
	var skipped int64
	for i := range with {
		want := runRows(t, without[i], data, now)
		if len(routed) > 1 && slices.Contains(routedIdx, i) && !slices.Equal(routedRows[i], want) {
			t.Fatalf("query %s\nprefilters %v\ndata:\n%s\nwithout prefilters: %q\nin a routed pass: %q",
				texts[i], with[i].Prefilters(), strings.Join(lines, "\n"), want, routedRows[i])
		}
		fresh, err := OpenData(DataOptions{Paths: []string{dir}}, cat) // its stats count this run's skips
		if err != nil {
			t.Fatal(err)
		}
		got := runRows(t, with[i], fresh, now)
		skipped += fresh.Stats().Prefiltered
		slices.Sort(many[i])
		if outs[i].Err != nil {
			t.Fatalf("RunMany %s: %v", texts[i], outs[i].Err)
		}
		if !slices.Equal(got, want) || !slices.Equal(many[i], want) {
			t.Fatalf("query %s\nprefilters %v\ndata:\n%s\nwithout prefilters: %q\nwith: %q\nwith, in one pass: %q",
				texts[i], with[i].Prefilters(), strings.Join(lines, "\n"), want, got, many[i])
		}
	}
	return skipped + data2.Stats().Prefiltered
}

func runRows(t *testing.T, q *Query, data *Data, now Datetime) []string {
	t.Helper()
	res, err := q.Run(context.Background(), data, now)
	if err != nil {
		t.Fatalf("%s: %v", q.Source.Text, err)
	}
	var out []string
	for _, r := range res {
		for _, b := range r.Batches {
			out = append(out, renderRows(r.Columns, b)...)
		}
	}
	slices.Sort(out)
	return out
}

func renderRows(cols []Column, b *Batch) []string {
	var out []string
	for i := 0; i < b.N; i++ {
		var row []string
		for j, c := range b.Cols {
			row = append(row, ValueString(cols[j].Type, c.Get(i)))
		}
		out = append(out, strings.Join(row, "\x1f"))
	}
	return out
}

// TestPrefilterDifferential runs 2,000 generated queries, 20 per data
// folder, from a fixed seed.
func TestPrefilterDifferential(t *testing.T) {
	c := &chooser{rng: rand.New(rand.NewPCG(9, 3))}
	var skipped int64
	for range 100 {
		skipped += prefilterCase(t, c, t.TempDir(), 20, "json")
	}
	if skipped == 0 {
		t.Fatal("the prefilters skipped no line: the test does not exercise them")
	}
	t.Logf("%d lines skipped by prefilters", skipped)
}

// FuzzPrefilter is TestPrefilterDifferential driven by the fuzzer:
//
//	go test -fuzz FuzzPrefilter -fuzztime 10m ./kql
func FuzzPrefilter(f *testing.F) {
	f.Add(uint64(1), []byte{})
	f.Add(uint64(2), []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Fuzz(func(t *testing.T, seed uint64, choices []byte) {
		c := &chooser{b: choices, rng: rand.New(rand.NewPCG(seed, 1))}
		// Mostly JSON lines, whose raw bytes are tested; also Parquet and
		// CSV, whose decoded values are.
		format := [...]string{"json", "parquet", "csv", "json"}[seed%4]
		prefilterCase(t, c, t.TempDir(), 4, format)
	})
}

// TestPrefilterDerivation checks the conditions derived from queries.
func TestPrefilterDerivation(t *testing.T) {
	cat := Defender()
	tab := cat.Table("DeviceNetworkEvents")
	excl, err := CompilePredicate(`DeviceName == "ws-1"`, tab)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		excl  bool
		want  string
	}{
		{seedQuery, false, "('screenmeet.com' and 'projector inc' and 'screenmeet')"},
		{`DeviceNetworkEvents | where RemoteUrl has "a.com" or RemoteUrl in~ ("b.org", "C.net")`, false, "('a.com' or 'b.org' or 'c.net')"},
		{`DeviceNetworkEvents | where RemoteUrl has_all ("alpha", "beta") and DeviceName has_any (dynamic(["x1", "y1"]))`, false, "('alpha' and 'beta' and ('x1' or 'y1'))"},
		{`DeviceNetworkEvents | where "Host.Example" == RemoteUrl and RemoteUrl startswith "host" and RemoteUrl endswith_cs "ample"`, false, "('host.example' and 'host' and 'ample')"},
		// Negations, not, numbers, computed values and unusable terms give TRUE.
		{`DeviceNetworkEvents | where RemoteUrl !has "a.com"`, false, ""},
		{`DeviceNetworkEvents | where not(RemoteUrl has "a.com")`, false, ""},
		{`DeviceNetworkEvents | where RemotePort == 443`, false, ""},
		{`DeviceNetworkEvents | where tostring(RemotePort) has "abc"`, false, ""},
		{`DeviceNetworkEvents | where RemoteUrl has "1000" or RemoteUrl has "x"`, false, ""},
		{`DeviceNetworkEvents | where RemoteUrl == ""`, false, ""},
		{`DeviceNetworkEvents | where RemoteUrl has "a\\b"`, false, ""},
		{`DeviceNetworkEvents | where RemoteUrl in ("a.com", 5)`, false, ""},
		// Every path to a scan counts: a path without a filter gives TRUE.
		{`let t = DeviceNetworkEvents; t | where RemoteUrl has "a.com" | union t`, false, ""},
		{`let t = DeviceNetworkEvents; t | where RemoteUrl has "a.com" | union (t | where DeviceName has "ws1")`, false, "('a.com' or 'ws1')"},
		// An exclusion counts what it drops: filters above it do not prefilter.
		{seedQuery, true, ""},
	} {
		opts := Options{}
		if tc.excl {
			opts.Exclusions = []Exclusion{{Name: "e", Where: []*Expr{excl}}}
		}
		q, err := Compile(tc.query, cat, opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		got := q.Prefilters()["DeviceNetworkEvents"]
		if got != tc.want {
			t.Errorf("%s: prefilter %q, want %q", tc.query, got, tc.want)
		}
	}
}

const seedQuery = `DeviceNetworkEvents
| where Timestamp between (ago(5d)..now())
| where RemoteUrl has 'screenmeet.com' and InitiatingProcessVersionInfoCompanyName has 'Projector Inc'
  and InitiatingProcessVersionInfoProductName has 'ScreenMeet'
| summarize n = count() by DeviceName`
