package funcs

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"io"
	"strings"
	"testing"
)

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
