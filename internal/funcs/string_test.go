package funcs

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

// TestXXHash64 checks XXH64 against the reference implementation's
// command-line tool (xxhsum -H1 of Debian's xxhash package) on inputs of
// every code path: empty, under 4, 4 to 7, 8 to 31 and 32 or more bytes.
func TestXXHash64(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
	}{
		{"", 0xef46db3751d8e999},
		{"abc", 0x44bc2cf5ad770999},
		{"World", 1846988464401551951}, // the reference's hash("World")
		{"Hello", 753694413698530628},  // the reference's hash_combine example
		{"Nobody inspects the spammish repetition", 0xfbcea83c8a378bf1},
		{"The quick brown fox jumps over the lazy dog, again and again and again.", 0x4cf8a242630ac3ee},
		{"0123456789012345678901234567890", 0x8b80da128591b789},
		{"01234567890123456789012345678901", 0xe5cc9f411ea110ba},
	} {
		if got := xxhash64([]byte(c.in), 0); got != c.want {
			t.Errorf("xxhash64(%q) = %#x, want %#x", c.in, got, c.want)
		}
	}
}

// TestPunycode checks the encoder and decoder on RFC 3492's sample
// strings and on well-known domain labels, both ways.
func TestPunycode(t *testing.T) {
	for _, c := range []struct{ plain, enc string }{
		// RFC 3492 section 7.1, (A) Arabic (Egyptian) and (L) 3年B組金八先生.
		{"\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F", "egbpdaj6bu4bxfgehfvwxn"},
		{"3\u5E74B\u7D44\u91D1\u516B\u5148\u751F", "3B-ww4c5e180e575a65lsy2b"},
		// RFC 3492 section 7.1, (R) <sono><supiido><de>.
		{"\u305D\u306E\u30B9\u30D4\u30FC\u30C9\u3067", "d9juau41awczczp"},
		{"münchen", "mnchen-3ya"},
		{"académie-française", "acadmie-franaise-npb1a"},
	} {
		enc, ok := punycodeEncode(c.plain)
		if !ok || enc != c.enc {
			t.Errorf("punycodeEncode(%q) = %q, %v; want %q", c.plain, enc, ok, c.enc)
		}
		dec, ok := punycodeDecode(c.enc)
		if !ok || dec != c.plain {
			t.Errorf("punycodeDecode(%q) = %q, %v; want %q", c.enc, dec, ok, c.plain)
		}
	}
	for _, bad := range []string{"ü", "abc-9", "a-!!"} {
		if got, ok := punycodeDecode(bad); ok {
			t.Errorf("punycodeDecode(%q) = %q, want a failure", bad, got)
		}
	}
}

// TestParseCommandLine checks the CommandLineToArgvW rules. The cases
// are the table of Microsoft's "Parsing C command-line arguments", after
// a program name; the last follows CommandLineToArgvW's own rule for two
// quotes inside quotes (a literal quote that ends the quoting), where the
// C runtime since 2008 differs.
func TestParseCommandLine(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`p "a b c" d e`, []string{"p", "a b c", "d", "e"}},
		{`p "ab\"c" "\\" d`, []string{"p", `ab"c`, `\`, "d"}},
		{`p a\\\b d"e f"g h`, []string{"p", `a\\\b`, "de fg", "h"}},
		{`p a\\\"b c d`, []string{"p", `a\"b`, "c", "d"}},
		{`p a\\\\"b c" d e`, []string{"p", `a\\b c`, "d", "e"}},
		{`"C:\Program Files\x.exe" -a`, []string{`C:\Program Files\x.exe`, "-a"}},
		{`C:\x\"y.exe" z`, []string{`C:\x\"y.exe"`, "z"}},
		{"p\t a  \t", []string{"p", "a"}},
		{` p`, []string{"", "p"}},
		{`p a"b"" c d`, []string{"p", `ab"`, "c", "d"}},
		{``, []string{}},
	} {
		got := parseCommandLine(c.in)
		if fmt.Sprint(got) != fmt.Sprint(c.want) || len(got) != len(c.want) {
			t.Errorf("parseCommandLine(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestParseCSV checks quoting, doubled quotes, empty fields and the end
// of the first record.
func TestParseCSV(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`aa,"b,b,b",cc,"Escaping quotes: ""Title""","line1` + "\n" + `line2"`, []string{"aa", "b,b,b", "cc", `Escaping quotes: "Title"`, "line1\nline2"}},
		{"record1,a,b,c\nrecord2,x,y,z", []string{"record1", "a", "b", "c"}},
		{"", []string{""}},
		{",", []string{"", ""}},
		{`a"b,c`, []string{`a"b`, "c"}},
		{"a,b\r\nc", []string{"a", "b"}},
	} {
		got := parseCSV(c.in)
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want) {
			t.Errorf("parseCSV(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestParseURL checks the parts of URLs beyond the reference's example.
func TestParseURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://www.bing.com/", `{"Scheme":"https","Host":"www.bing.com","Port":"","Path":"/","Username":"","Password":"","Query Parameters":{},"Fragment":""}`},
		{"http://[::1]:8080/a?x=1&y&x=2#f", `{"Scheme":"http","Host":"[::1]","Port":"8080","Path":"/a","Username":"","Password":"","Query Parameters":{"x":"2","y":""},"Fragment":"f"}`},
		{"ftp://user@h", `{"Scheme":"ftp","Host":"h","Port":"","Path":"","Username":"user","Password":"","Query Parameters":{},"Fragment":""}`},
		{"www.bing.com/x", `{"Scheme":"","Host":"","Port":"","Path":"","Username":"","Password":"","Query Parameters":{},"Fragment":""}`},
		{"1http://x", `{"Scheme":"","Host":"","Port":"","Path":"","Username":"","Password":"","Query Parameters":{},"Fragment":""}`},
	} {
		if got := string(value.AppendJSON(nil, parseURL(c.in))); got != c.want {
			t.Errorf("parseURL(%q) = %s\nwant %s", c.in, got, c.want)
		}
	}
}

// TestReplaceRegexRewrite checks RE2's rewrite syntax: \0 to \9, \\ for
// a backslash, $ and other backslashes literal.
func TestReplaceRegexRewrite(t *testing.T) {
	re, err := CompileRegex(`(a)(b)?`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ rw, want string }{
		{`[\0]`, "[ab]x[a]"},
		{`\2\1`, "baxa"},
		{`$1\\\n`, `$1\\nx$1\\n`},
		{`\9`, "x"},
	} {
		if got := replaceRegex("abxa", re, parseRewrite(c.rw)); got != c.want {
			t.Errorf("replace_regex(abxa, (a)(b)?, %q) = %q, want %q", c.rw, got, c.want)
		}
	}
}

// TestIndexOfUnicode checks that positions count code points.
func TestIndexOfUnicode(t *testing.T) {
	if got, ok := indexOf("⒦⒰⒮⒯⒪ kusto", "k", 0, -1, 1); !ok || got != 6 {
		t.Errorf("indexof = %d, %v; want 6", got, ok)
	}
	if got, ok := indexOf("⒦⒰⒮⒯⒪", "⒯", -2, -1, 1); !ok || got != 3 {
		t.Errorf("indexof negative start = %d, %v; want 3", got, ok)
	}
	if got, ok := indexOfRegex("⒦⒰ab⒦ab", "ab", 0, -1, 2); !ok || got != 5 {
		t.Errorf("indexof_regex = %d, %v; want 5", got, ok)
	}
	if _, ok := indexOf("abc", "a", -4, -1, 1); ok {
		t.Errorf("indexof with a start before the string: want null")
	}
	if got := substring("⒦⒰⒮⒯⒪", -2, 5, true); got != "⒯⒪" {
		t.Errorf("substring = %q, want ⒯⒪", got)
	}
}

// TestCompressionFormats checks that compressed output is standard zlib
// and gzip (decodable by the inverse functions, also for texts that
// deflate shrinks and texts longer than one stored block).
func TestCompressionFormats(t *testing.T) {
	for _, s := range []string{"", "x", strings.Repeat("abc", 1000), strings.Repeat("\x01\x7f", 40000)} {
		z := zlibCompress(s)
		if got, ok := zlibDecompress(z); !ok || got != s {
			t.Errorf("zlib round trip of %d bytes failed", len(s))
		}
		g := gzipCompress(s)
		if got, ok := gzipDecompress(g); !ok || got != s {
			t.Errorf("gzip round trip of %d bytes failed", len(s))
		}
		raw, _ := base64.StdEncoding.DecodeString(z)
		if len(s) > 1000 && len(raw) >= len(s) && s[0] == 'a' {
			t.Errorf("zlib did not compress a repetitive text: %d bytes for %d", len(raw), len(s))
		}
	}
}

// TestStoredBlocks checks stored blocks, which split a text longer than
// 65535 bytes, with a standard inflater.
func TestStoredBlocks(t *testing.T) {
	for _, n := range []int{0, 1, 65535, 65536, 200000} {
		s := strings.Repeat("k", n)
		got, err := io.ReadAll(flate.NewReader(bytes.NewReader(storedBlocks(s))))
		if err != nil || string(got) != s {
			t.Errorf("stored blocks of %d bytes: %d bytes back, %v", n, len(got), err)
		}
	}
}

// TestGUIDBytes checks .NET's GUID byte order against the reference's
// base64_encode_fromguid example.
func TestGUIDBytes(t *testing.T) {
	b, ok := guidBytes("ae3133f2-6e22-49ae-b06a-16e6a9b212eb")
	if !ok || base64.StdEncoding.EncodeToString(b) != "8jMxriJurkmwahbmqbIS6w==" {
		t.Fatalf("guidBytes = %x", b)
	}
	if g := guidFromBytes(b); g != "ae3133f2-6e22-49ae-b06a-16e6a9b212eb" {
		t.Errorf("guidFromBytes = %s", g)
	}
}

// TestTextHelpersTotal runs the helpers on awkward inputs (empty, invalid
// UTF-8, extreme positions) to check that none panics.
func TestTextHelpersTotal(t *testing.T) {
	inputs := []string{"", "a", "\xff\xfe", "⒦⒰", `\\"`, "xn--", "-", "%", "%4", "a\x00b", strings.Repeat("é", 70)}
	nums := []int64{math.MinInt64, -1 << 62, -3, -1, 0, 1, 2, 1 << 62, math.MaxInt64}
	for _, s := range inputs {
		for _, u := range inputs {
			for _, n := range nums {
				substring(s, n, n, true)
				substring(s, n, 0, false)
				indexOf(s, u, n, n, 1)
				indexOf(s, u, 0, -1, n)
				indexOfRegex(s, u, n, -1, 2)
				strrep(s, min(n, 3), u)
			}
			countOf(s, u, "normal")
			countOf(s, u, "regex")
			translate(s, u, s)
			replaceStrings(s, []any{u, s, int64(1)}, []any{s})
		}
		reverseString(s)
		regexQuote(s)
		urlDecode(s)
		urlEncode(s, true)
		base64DecodeString(s)
		zlibDecompress(s)
		gzipDecompress(s)
		punycodeEncode(s)
		punycodeDecode(s)
		punycodeDomainEncode(s)
		punycodeDomainDecode(s)
		parseURL(s)
		parsePath(s)
		parseCommandLine(s)
		parseCSV(s)
		parseVersion(s)
	}
}
