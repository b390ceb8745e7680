package prefilter

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestTerm(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"screenmeet.com", "'screenmeet.com'"},
		{"Projector Inc", "'projector inc'"},
		{"", "TRUE"},
		{"123", "TRUE"},
		{"1.5e-3", "TRUE"},
		{"443x", "'443x'"},
		{`a"b`, "TRUE"},
		{`c:\temp`, "TRUE"},
		{"a,b", "TRUE"},
		{"{x", "TRUE"},
		{"caf\u00e9", "TRUE"},
		{"tab\there", "TRUE"},
	} {
		if got := Term(tc.in).String(); got != tc.want {
			t.Errorf("Term(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestAndOr(t *testing.T) {
	a, b, c := Term("a1"), Term("b1"), Term("c1")
	for _, tc := range []struct {
		c    *Cond
		want string
	}{
		{And(a, nil, b), "('a1' and 'b1')"},
		{And(nil, nil), "TRUE"},
		{And(a), "'a1'"},
		{Or(a, b), "('a1' or 'b1')"},
		{Or(a, nil), "TRUE"},
		{Or(), "TRUE"},
		{And(a, Or(b, c), And(b, c)), "('a1' and ('b1' or 'c1') and 'b1' and 'c1')"},
	} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
}

// TestFoldsToASCII checks the runes that normalize treats as folding to
// ASCII against the unicode tables.
func TestFoldsToASCII(t *testing.T) {
	var want []rune
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		hit := unicode.ToLower(r) < utf8.RuneSelf || unicode.ToUpper(r) < utf8.RuneSelf || unicode.ToTitle(r) < utf8.RuneSelf
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			hit = hit || f < utf8.RuneSelf
		}
		if hit {
			want = append(want, r)
		}
	}
	if fmt.Sprint(want) != fmt.Sprint(foldsToASCII[:]) {
		t.Fatalf("runes folding to ASCII: %U, list has %U", want, foldsToASCII)
	}
	for _, r := range want {
		if r > 0xffff || r >= 0xd800 && r < 0xe000 {
			t.Fatalf("%U is outside the BMP or a surrogate: normalize assumes none is", r)
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{`{"A":"ScreenMeet.COM"}`, `{"a":"screenmeet.com"}`, true},
		{`{"a":"scr\u0065enmeet\/x"}`, `{"a":"screenmeet/x"}`, true},
		{`{"a":"q\"b\\c\n\t\u0001\u0022"}`, `{"a":"q\"b\\c\n\t\u0001\""}`, true},
		{"{\"a\":\"x\ty\"}", `{"a":"x\ty"}`, true},
		{`{"a":"\u212a"}`, "", false},
		{"{\"a\":\"\u212a\"}", "", false},
		{"{\"a\":\"\u017f\"}", "", false},
		{`{"a":"\u00e9x"}`, "{\"a\":\"\x80x\"}", true},
		{"{\"a\":\"\u00e9X\"}", "{\"a\":\"\u00e9x\"}", true},
		{`{"a":"\x"}`, "", false},
		{`{"a":"\u12"}`, "", false},
		{`ABCDEFGHIJKLMNOPQRSTUVWXYZ@[`, `abcdefghijklmnopqrstuvwxyz@[`, true},
	} {
		got, ok := normalize(nil, []byte(tc.in))
		if ok != tc.ok || ok && string(got) != tc.want {
			t.Errorf("normalize(%s) = %q, %v, want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestNormalizeLower compares the word-at-a-time lowering with a byte
// loop over every ASCII byte at every alignment.
func TestNormalizeLower(t *testing.T) {
	var line []byte
	for c := 0x20; c < 0x7f; c++ {
		if c != '\\' {
			line = append(line, byte(c))
		}
	}
	for off := 0; off < 8; off++ {
		in := line[off:]
		got, ok := normalize(nil, in)
		if !ok || string(got) != strings.ToLower(string(in)) {
			t.Fatalf("normalize(%q) = %q, %v", in, got, ok)
		}
	}
}

// TestAutomaton compares the gramIndex pass (terms of mixed lengths, so
// that it samples windows with steps of 1 to 9) and the Aho–Corasick
// pass with bytes.Contains, over texts in mixed case with bytes that
// share a gram key with letters ('@' and '`').
func TestAutomaton(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(n int, alphabet string) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 2000 {
		var terms []string
		seen := map[string]bool{}
		minLen := 1 + rng.IntN(12)
		for range 1 + rng.IntN(20) {
			w := word(minLen+rng.IntN(5), "abcab.-`")
			if !seen[w] {
				seen[w] = true
				terms = append(terms, w)
			}
		}
		a := newAutomaton(terms)
		var bterms [][]byte
		var anchors []int
		for _, term := range terms {
			bterms = append(bterms, []byte(term))
			anchors = append(anchors, rarest(term))
		}
		g := newGramIndex(bterms)
		text := []byte(word(rng.IntN(80), "abcABC.-@`") + "xyz")
		if rng.IntN(2) == 0 {
			// Plant a term, in upper case, at a random place.
			term := strings.ToUpper(terms[rng.IntN(len(terms))])
			at := rng.IntN(len(text))
			text = append(text[:at:at], append([]byte(term), text[at:]...)...)
		}
		lower := bytes.ToLower(text)
		got, got2 := make([]int8, len(terms)), make([]int8, len(terms))
		a.find(lower, got)
		for i := range got2 {
			got2[i] = -1
		}
		anyFound := len(g.find(text, bterms, anchors, got2, nil)) > 0
		wantAny := false
		for i, term := range terms {
			want := bytes.Contains(lower, []byte(term))
			wantAny = wantAny || want
			if want != (got[i] > 0) || want != (got2[i] > 0) {
				t.Fatalf("terms %q text %q: term %q found=%v (automaton), %v (grams), want %v", terms, text, term, got[i] > 0, got2[i] > 0, want)
			}
		}
		if anyFound != wantAny {
			t.Fatalf("terms %q text %q: find reported %v", terms, text, anyFound)
		}
	}
}

// TestContainsFold compares containsFold with bytes.Contains on the text
// lowered, over texts in mixed case.
func TestContainsFold(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 4000 {
		text := make([]byte, rng.IntN(30))
		for i := range text {
			text[i] = "abcmABCM.@`"[rng.IntN(11)]
		}
		term := make([]byte, 1+rng.IntN(4))
		for i := range term {
			term[i] = "abcm.`"[rng.IntN(6)]
		}
		k := rarest(string(term))
		if got, want := containsFold(text, term, k), bytes.Contains(bytes.ToLower(text), term); got != want {
			t.Fatalf("containsFold(%q, %q, %d) = %v, want %v", text, term, k, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	seed := And(Term("screenmeet.com"), Term("Projector Inc"), Term("ScreenMeet"))
	var kids []*Cond
	for i := range 30 {
		kids = append(kids, And(Term(fmt.Sprintf("host%d.example", i)), Term("agent")))
	}
	many := Or(kids...)
	for _, tc := range []struct {
		c    *Cond
		line string
		want bool
	}{
		{seed, `{"RemoteUrl":"api.SCREENMEET.com","Co":"Projector Inc."}`, true},
		{seed, `{"RemoteUrl":"api.screenmeet.org","Co":"Projector Inc."}`, false},
		{seed, `{"RemoteUrl":"api.screenme\u0065t.com","Co":"Projector Inc"}`, true},
		{seed, `{"RemoteUrl":"api.screenmeet.com","Co":"Projector\u0020Inc"}`, true},
		{seed, `{"RemoteUrl":"api.screenmeet.com","Co":"Projector\tInc"}`, false},
		{seed, "{\"RemoteUrl\":\"api.screenmeet.com\",\"Co\":\"Projector In\u212a\"}", true},
		{many, `{"u":"HOST17.example","p":"Agent"}`, true},
		{many, `{"u":"HOST17.example","p":"Agen"}`, false},
		{many, `{"u":"HOST7.exampl","p":"agent"}`, false},
		// Escapes that normalize rewrites make a line not plain: it is
		// looked at again, decoded.
		{Term("a/b"), `{"u":"x a\/b"}`, true},
		{Term("a/b"), `{"u":"x a\\/b"}`, false},
		{Term("abc"), `{"u":"\u0041bc"}`, true},
		{Term("abc"), `{"u":"\"abc\" \\abc"}`, true},
		{Term("abd"), `{"u":"\"abc\" \\abc\n\r\t"}`, false},
		// Characters that fold to i, k or s matter to terms with them.
		{Term("site"), "{\"u\":\"\u017fite\"}", true},
		{Term("site"), "{\"u\":\"s\u0131te\"}", true},
		{Term("bad"), "{\"u\":\"s\u0131te \u212a\"}", false},
		{Term("bad"), "{\"u\":\"BAD\u212a\"}", true},
		{many, `{"u":"xHOST29.EXAMPLEx","p":"AGENT"}`, true},
		{nil, `anything`, true},
	} {
		m := Compile(tc.c).NewMatcher()
		if got := m.Match([]byte(tc.line)); got != tc.want {
			t.Errorf("%s on %s = %v, want %v", tc.c, tc.line, got, tc.want)
		}
	}
}

// TestMatchParts checks that the bit of each part is what a program of
// that part alone answers, and that the result is the or's answer, over
// random parts and lines with escapes and folding characters.
func TestMatchParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	words := []string{"anydesk.com", "screenmeet", "projector inc", "set.me", "abc", "kit", "sso", "x/y"}
	pieces := []string{"AnyDesk.COM", "anydesk", ".com", "screen", "meet", "ScreenMeet", "Projector Inc", "set.me", "ABC", "kit",
		`\u006bit`, "\u212ait", `s\u017fo`, "ss\u017f", "x\\/y", "x/y", `\"`, `\\`, " ", "\t", "é"}
	cond := func() *Cond {
		var kids []*Cond
		for range 1 + rng.IntN(3) {
			kids = append(kids, Term(words[rng.IntN(len(words))]))
		}
		if rng.IntN(2) == 0 {
			return And(kids...)
		}
		return Or(kids...)
	}
	for range 500 {
		parts := make([]*Cond, 1+rng.IntN(70))
		for i := range parts {
			parts[i] = cond()
		}
		p := CompileParts(parts)
		m := p.NewMatcher()
		bits := make([]uint64, (len(parts)+63)/64)
		for range 5 {
			var b strings.Builder
			b.WriteString(`{"u":"`)
			for range rng.IntN(6) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			b.WriteString(`"}`)
			line := []byte(b.String())
			got := m.MatchParts(line, bits)
			if want := Compile(Or(parts...)).NewMatcher().Match(line); got != want {
				t.Fatalf("%s on %s: MatchParts %v, Match %v", Or(parts...), line, got, want)
			}
			// A line with a character that folds to ASCII is kept for
			// every part when one part's terms have the letter it folds
			// to: more than a part alone would keep, which is sound.
			_, normal := normalize(nil, line)
			for i, c := range parts {
				want := Compile(c).NewMatcher().Match(line)
				if bit := bits[i>>6]&(1<<(i&63)) != 0; bit != want && (want || normal) {
					t.Fatalf("part %d %s on %q: bit %v, Match %v", i, c, line, bit, want)
				}
			}
		}
	}
}
