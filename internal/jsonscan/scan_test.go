package jsonscan

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMembers(t *testing.T) {
	data := []byte(`{"a": 1, "b\"c": [1, {"x": null}], "d": "e\u00e9", "f": {}}`)
	var keys, vals []string
	var escaped []bool
	end := 0
	err := Members(data, 0, func(k []byte, esc bool, s, e int) bool {
		keys = append(keys, string(k))
		escaped = append(escaped, esc)
		vals = append(vals, string(data[s:e]))
		return true
	}, &end)
	if err != nil || end != len(data) {
		t.Fatalf("err %v, end %d of %d", err, end, len(data))
	}
	if strings.Join(keys, "|") != `a|b\"c|d|f` || strings.Join(vals, "|") != `1|[1, {"x": null}]|"e\u00e9"|{}` {
		t.Errorf("keys %q vals %q", keys, vals)
	}
	if !escaped[1] || escaped[0] {
		t.Errorf("escaped flags %v", escaped)
	}
	if got := StringValue(data, strings.Index(string(data), `"e\u`), strings.Index(string(data), `, "f"`), true); got != "eé" {
		t.Errorf("StringValue = %q", got)
	}
}

func TestErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"a" 1}`:      `byte 6: expected ':' after member name, got "1"`,
		`{"a": 1,}`:    `byte 9: expected a member name, got "}"`,
		`{"a": [1 2]}`: `byte 10: expected ',' or ']' in array, got "2"`,
		`{"a": "x`:     `byte 7: unterminated string`,
		`{"a": tru}`:   `byte 7: expected true, got "t"`,
		`{"a": "\q"}`:  `byte 8: invalid escape "q"`,
		`{"a": 01}`:    `byte 7: number with a leading zero`,
	} {
		end := 0
		err := Members([]byte(in), 0, func([]byte, bool, int, int) bool { return true }, &end)
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("%s: error %v, want ...%s", in, err, want)
		}
	}
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	if _, err := Skip([]byte(deep), 0); err == nil || !strings.Contains(err.Error(), "nesting deeper") {
		t.Errorf("deep nesting: %v", err)
	}
}

// FuzzSkip checks the scanner against encoding/json: a document is valid
// for one exactly when it is valid for the other (within the nesting
// limit), and skipping never panics.
func FuzzSkip(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}],"c":"\u00e9"}`, `[1e5,-0.5,true,false]`, `"x\"y"`, `{"a":`, `[01]`, `{"a":1}x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		data := []byte(s)
		i := SkipSpace(data, 0)
		end, err := Skip(data, i)
		ok := err == nil && SkipSpace(data, end) == len(data)
		if strings.Count(s, "[")+strings.Count(s, "{") >= MaxDepth {
			return
		}
		if want := json.Valid(data); ok != want {
			t.Fatalf("Skip ok=%v (err %v), json.Valid=%v for %q", ok, err, want, s)
		}
	})
}

// TestScanStringWords checks the word-at-a-time string scan against
// encoding/json with the character that ends the fast path (a quote, a
// backslash, a control character, a byte above ASCII) at every offset of
// the first and second words, so that each byte lane of the word is
// exercised.
func TestScanStringWords(t *testing.T) {
	for _, special := range []string{`"`, `\"`, `\\`, `\u0041`, "\x01", "\x1f", " ", "\x7f", "é", "\xff", `\/`, `\x`} {
		for n := 0; n < 20; n++ {
			for tail := 0; tail < 10; tail++ {
				s := `"` + strings.Repeat("a", n) + special + strings.Repeat("b", tail) + `"`
				data := []byte(s)
				end, esc, err := ScanString(data, 0)
				if special == `"` {
					// The string ends at the special character.
					data = data[:n+2]
				}
				var v string
				jerr := json.Unmarshal(data, &v)
				if (err == nil) != (jerr == nil) {
					t.Fatalf("%q: err %v, encoding/json %v", s, err, jerr)
				}
				if err != nil {
					continue
				}
				if end != len(data) || esc != strings.Contains(special, `\`) {
					t.Fatalf("%q: end %d of %d, escaped %v", s, end, len(data), esc)
				}
				// (StringValue keeps invalid UTF-8 as it is, where
				// encoding/json writes U+FFFD.)
				if got := StringValue(data, 0, end, esc); got != v && utf8.ValidString(special) {
					t.Fatalf("%q: value %q, want %q", s, got, v)
				}
			}
		}
	}
}

// BenchmarkScanString measures the scan of a typical telemetry string.
func BenchmarkScanString(b *testing.B) {
	data := []byte(`"C:\\Program Files\\ScreenMeet\\ScreenMeetSupport.exe a long command line with words in it"`)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := ScanString(data, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzMembersHint checks that hints change nothing: the keys of a first
// object are the hints for a second, which MembersDepth must walk exactly
// as Members does (same members, spans, errors), whether the hints are
// right, prefixes of the real keys, or wrong.
func FuzzMembersHint(f *testing.F) {
	f.Add(`{"a":1,"bc":"x","d":[1]}`, `{"a":2,"bc":"yy","d":[]}`)
	f.Add(`{"a":1,"bc":"x"}`, `{"a":2,"bcd":"y"}`)
	f.Add(`{"ab":1}`, `{"a":1}`)
	f.Add(`{"ab":1}`, `{"ab`)
	f.Add(`{"a":1,"b":2}`, `{"b":1,"a":2}`)
	f.Add(`{"a\"b":1}`, `{"a\"b":1}`)
	f.Fuzz(func(t *testing.T, first, second string) {
		var hints [][]byte
		end := 0
		_ = Members([]byte(first), 0, func(k []byte, esc bool, _, _ int) bool {
			if esc {
				hints = append(hints, nil)
			} else {
				hints = append(hints, append([]byte(nil), k...))
			}
			return true
		}, &end)
		hint := func(pos int) []byte {
			if pos < len(hints) {
				return hints[pos]
			}
			return nil
		}
		type member struct {
			key  string
			esc  bool
			s, e int
		}
		walk := func(h KeyHint) ([]member, int, string) {
			var ms []member
			end := 0
			err := MembersDepth([]byte(second), 0, 1, h, func(k []byte, esc bool, s, e int) bool {
				ms = append(ms, member{string(k), esc, s, e})
				return true
			}, &end)
			msg := ""
			if err != nil {
				msg = err.Error()
			}
			return ms, end, msg
		}
		m1, e1, err1 := walk(nil)
		m2, e2, err2 := walk(hint)
		if fmt.Sprint(m1) != fmt.Sprint(m2) || e1 != e2 || err1 != err2 {
			t.Fatalf("hints %q changed the walk of %s:\n%v %d %s\n%v %d %s", hints, second, m1, e1, err1, m2, e2, err2)
		}
	})
}
