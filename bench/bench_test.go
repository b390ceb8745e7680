package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestTermRegexp checks the SQL form of `has` on the cases that tell a term
// match from a substring match. DuckDB's regexp_matches uses RE2, as Go's
// regexp does, so the pattern means the same in both.
func TestTermRegexp(t *testing.T) {
	sql := termRegexp("RemoteUrl", "screenmeet.com")
	m := regexp.MustCompile(`'(.*)'\)$`).FindStringSubmatch(sql)
	if m == nil {
		t.Fatalf("no pattern in %s", sql)
	}
	re := regexp.MustCompile(m[1])
	for in, want := range map[string]bool{
		"api.screenmeet.com":          true,
		"https://ScreenMeet.com/join": true,
		"screenmeet.com":              true,
		"screenmeet.com.evil.net":     true,
		"notscreenmeet.com":           false,
		"screenmeet.community":        false,
		"screenmeetXcom":              false,
		"éscreenmeet.com":             false, // é is a letter: no term boundary
		"":                            false,
	} {
		if got := re.MatchString(strings.ToLower(in)); got != want {
			t.Errorf("%q: got %v, want %v (pattern %s)", in, got, want, m[1])
		}
	}
	if got := termRegexp("c", "it's"); !strings.Contains(got, `it''s`) {
		t.Errorf("quote not doubled: %s", got)
	}
}

func TestSameRows(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	k := write("k", `{"D":"a","T":"2025-12-30T09:40:36.9675843Z","R":[3,1],"N":2,"S":""}
{"D":"b","T":"2025-12-30T09:40:36.0000000Z","R":[],"N":1.5,"S":"x"}
`)
	d := write("d", `{"N":1.5,"D":"b","T":"2025-12-30T09:40:36Z","R":[],"S":"x"}
{"S":null,"N":2.0,"R":[1,3],"T":"2025-12-30T09:40:36.967584Z","D":"a"}
`)
	if diff, err := sameRows(k, d); err != nil || diff != "" {
		t.Errorf("same rows reported different: %q, %v", diff, err)
	}
	other := write("o", `{"N":1.5,"D":"b","T":"2025-12-30T09:40:36Z","R":[],"S":"x"}
{"S":null,"N":3,"R":[1,3],"T":"2025-12-30T09:40:36.967584Z","D":"a"}
`)
	if diff, err := sameRows(k, other); err != nil || diff == "" {
		t.Errorf("different rows reported the same: %v", err)
	}
	dup := write("dup", `{"N":1.5,"D":"b","T":"2025-12-30T09:40:36Z","R":[],"S":"x"}
`)
	if diff, _ := sameRows(k, dup); diff == "" {
		t.Error("a missing row went unnoticed")
	}
}

func TestDilute(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	for i := range 100 {
		url := []string{"api.screenmeet.com", "relay.anydesk.com", "www.google.com"}[i%3]
		company := "Microsoft Corporation"
		if i%2 == 0 {
			company = "Projector Inc"
		}
		lines = append(lines, `{"Timestamp":"2025-12-30T09:40:36.9675843Z","RemoteUrl":"`+url+`","InitiatingProcessVersionInfoCompanyName":"`+company+`"}`)
	}
	src, out := filepath.Join(dir, "src"), filepath.Join(dir, "out")
	if err := os.WriteFile(src, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := dilute(src, out, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(got) != 100 || r.rows != 100 {
		t.Fatalf("%d lines, %d rows counted, want 100", len(got), r.rows)
	}
	rmm, seed := 0, 0
	for _, l := range got {
		if strings.Contains(l, "screenmeet") || strings.Contains(l, "anydesk") {
			rmm++
			if strings.Contains(l, "screenmeet") && strings.Contains(l, "Projector") {
				seed++
			}
		}
		if !strings.HasPrefix(l, `{"Timestamp":"2025-12-30T09:40:36.9675843Z","RemoteUrl":"`) {
			t.Errorf("line changed beyond its RemoteUrl: %s", l)
		}
	}
	if rmm != r.rmm || seed != r.seed {
		t.Errorf("counted %d remote-access rows and %d seed rows, found %d and %d", r.rmm, r.seed, rmm, seed)
	}
	// 67 remote-access rows, one in 10 kept, and the first 5 seed rows.
	if seed < 5 || rmm > 14 {
		t.Errorf("%d remote-access rows (%d seed) left of 67", rmm, seed)
	}
	if n := strings.Count(string(b), "www.google.com"); n != 33 {
		t.Errorf("%d benign rows kept as they were, want 33", n)
	}
}

func TestCells(t *testing.T) {
	line := []byte(`{"A":"x,y","B":12,"C":null,"D":true,"E":{"k":[1]}}`)
	keys, err := objectKeys(line)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys, []string{"A", "B", "C", "D", "E"}) {
		t.Fatalf("keys %v", keys)
	}
	record := make([]string, len(keys))
	if err := cells(line, keys, record); err != nil {
		t.Fatal(err)
	}
	if want := []string{"x,y", "12", "", "true", `{"k":[1]}`}; !slices.Equal(record, want) {
		t.Errorf("got %q, want %q", record, want)
	}
	if err := cells([]byte(`{"A":"x","Z":1}`), keys, record); err == nil {
		t.Error("an unknown column went unnoticed")
	}
}

func TestTimestampOf(t *testing.T) {
	if got := string(timestampOf([]byte(`{"Timestamp":"2025-12-30T09:40:36Z","X":1}`))); got != "2025-12-30T09:40:36Z" {
		t.Errorf("got %q", got)
	}
	if got := timestampOf([]byte(`{"X":1}`)); got != nil {
		t.Errorf("got %q, want nil", got)
	}
}
