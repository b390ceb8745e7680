package source

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// quickSeeds are objects whose category quickCategory must read as
// classifyRaw does, or leave to it.
var quickSeeds = []string{
	`{"time":"t","category":"AdvancedHunting-DeviceEvents","properties":{"A":"x}, y","B":{"c":[1,{"d":"}"}]}}}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties":{"A":1},"category":"AdvancedHunting-EmailEvents"}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties":{"A":1},"properties":5}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties":{"A":{"b":1} , "C":2}}`,
	`{"properties":{"A":"\"}\\","B":"\\\\"},"category":"AdvancedHunting-Device\u0045vents"}`,
	`{"category":"AdvancedHunting-DeviceEvents","category":5,"properties":{}}`,
	`{"c\u0061tegory":"AdvancedHunting-AlertInfo","properties":{}}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties":{"A":1}}{"category":"X","properties":{}}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties":{"A":tru}}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties":{"A":"\u00zz"}}`,
	`{"category":"AdvancedHunting-DeviceEvents","properties":{"A":1}`,
	`{"category": "AdvancedHunting-DeviceEvents" , "properties" : { "A" : [ ] } , "x" : null }`,
	`{"Timestamp":"2025-01-01T00:00:00Z","DeviceName":"a"}`,
}

// checkQuick fails when quickCategory gives a table that classifyRaw,
// which validates, would not: for a valid record it must give the same
// table, for a valid object that is not a record none. For invalid JSON
// any answer is right, as the index then lists nothing whatever it is.
func checkQuick(t *testing.T, obj []byte) {
	i := 0
	for i < len(obj) && (obj[i] == ' ' || obj[i] == '\t' || obj[i] == '\r' || obj[i] == '\n') {
		i++
	}
	var buf []byte
	qt, ok := quickCategory(obj, i, &buf)
	tb, kind := classifyRaw(obj, i)
	switch {
	case kind == kindRecord && ok && !bytes.Equal(qt, tb):
		t.Fatalf("%q: quickCategory gives %q, classifyRaw %q", obj, qt, tb)
	case kind == kindRow && ok:
		t.Fatalf("%q: quickCategory gives %q for an object that is not a record", obj, qt)
	}
}

func TestQuickCategory(t *testing.T) {
	for _, s := range quickSeeds {
		checkQuick(t, []byte(s))
	}
	// The common layout is read quickly.
	var buf []byte
	if tb, ok := quickCategory([]byte(quickSeeds[0]), 0, &buf); !ok || string(tb) != "DeviceEvents" {
		t.Fatalf("quickCategory = %q, %v; want DeviceEvents, true", tb, ok)
	}
}

func FuzzQuickCategory(f *testing.F) {
	for _, s := range quickSeeds {
		f.Add([]byte(s))
	}
	for _, s := range mixedSeeds {
		for _, line := range strings.Split(s, "\n") {
			f.Add([]byte(line))
		}
	}
	f.Fuzz(func(t *testing.T, obj []byte) { checkQuick(t, obj) })
}

// TestIndexValidatesNewTablesOnly checks that the index pass validates
// (classifyRaw) only the records that may name a table not yet listed,
// and reads the others' category from their structure: a file of many
// records of two tables costs two validations, whatever its size.
func TestIndexValidatesNewTablesOnly(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 500 {
		tab := []string{"DeviceEvents", "EmailEvents"}[i%2]
		fmt.Fprintf(&b, `{"time":"2025-03-04T09:20:00Z","category":"AdvancedHunting-%s","properties":{"ReportId":%d,"AdditionalFields":{"a":"}, {"}}}`+"\n", tab, i)
	}
	path := filepath.Join(dir, "PT1H.json")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	d := open(t, []string{path}, nil, Options{})
	if got := strings.Join(d.Tables(), ","); got != "DeviceEvents,EmailEvents" {
		t.Fatalf("tables %s, want DeviceEvents,EmailEvents", got)
	}
	var f *fileEntry
	for _, x := range d.files {
		f = x
	}
	fi := indexFile(f, 1)
	if fi.slow != 2 || len(fi.tables) != 2 || fi.rows {
		t.Fatalf("index: %d records validated, tables %v, rows %v; want 2, 2 tables, no rows", fi.slow, fi.tables, fi.rows)
	}
}

func TestQuoteOrBackslash(t *testing.T) {
	for _, s := range []string{``, `abc`, `a"b`, `a\b"c`, `a"b\c`, `\`, `"`, `ab\`, `x\"y"`} {
		if got, want := quoteOrBackslash([]byte(s)), strings.IndexAny(s, `"\`); got != want {
			t.Errorf("quoteOrBackslash(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestIndexParts checks that indexing a file of records in parts lists
// the tables, in the order, rows and overflow that one reader finds,
// wherever the parts cut the lines.
func TestIndexParts(t *testing.T) {
	defer func(c, m int) { chunkSize, maxLine = c, m }(chunkSize, maxLine)
	chunkSize, maxLine = 16, 300
	rng := rand.New(rand.NewSource(1))
	dir := t.TempDir()
	names := []string{"DeviceEvents", "EmailEvents", "deviceevents", "AlertInfo", "IdentityLogonEvents"}
	for n := range 200 {
		var b strings.Builder
		for range rng.Intn(40) {
			switch rng.Intn(8) {
			case 0:
				b.WriteString(`{"Timestamp":"x","DeviceName":"a"}`)
			case 1:
				b.WriteString(`not json`)
			case 2:
				fmt.Fprintf(&b, `{"category":"AdvancedHunting-%s","properties":{"A":"%s"}}`, names[rng.Intn(len(names))], strings.Repeat("x", 300))
			case 3:
				fmt.Fprintf(&b, `{"category":"AdvancedHunting-%s","properties":{"A":tru}}`, names[rng.Intn(len(names))])
			default:
				fmt.Fprintf(&b, `{"time":"t","category":"AdvancedHunting-%s","properties":{"A":"}, \"{","B":%d}}`, names[rng.Intn(len(names))], rng.Intn(100))
			}
			b.WriteString([]string{"\n", "\r\n", "\n\n"}[rng.Intn(3)])
		}
		data := b.String()
		if rng.Intn(2) == 0 && len(data) > 0 {
			data = data[:rng.Intn(len(data))]
		}
		path := filepath.Join(dir, fmt.Sprintf("PT1H-%d.json", n))
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		f := &fileEntry{path: path, format: FormatStorage, size: int64(len(data))}
		want := indexFile(f, 1)
		for parts := 2; parts <= 7; parts++ {
			got := indexFile(f, parts)
			if fmt.Sprint(got.tables, got.rows, got.more) != fmt.Sprint(want.tables, want.rows, want.more) {
				t.Fatalf("%q in %d parts: tables %v rows %v more %v; one reader: %v %v %v",
					data, parts, got.tables, got.rows, got.more, want.tables, want.rows, want.more)
			}
		}
	}
}
