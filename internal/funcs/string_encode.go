package funcs

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file declares the encoding functions: URL percent-encoding,
// base64, zlib and gzip compression, and punycode. A failed decoding is a
// null result, which for a string is the empty string.

// urlEncode percent-encodes s as .NET's HttpUtility.UrlEncode does, which
// the reference's examples follow: letters, digits and -_.!*() are kept,
// a space is + (or %20 for url_encode_component), and every other byte
// of the UTF-8 text is %xx in lower-case hex.
// https://learn.microsoft.com/kusto/query/url-encode-function
func urlEncode(s string, spaceAsPlus bool) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-_.!*()", c) >= 0:
			b.WriteByte(c)
		case c == ' ' && spaceAsPlus:
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
	}
	return b.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// urlDecode decodes %xx escapes and + (a space), the inverse of
// url_encode(). A % that does not start an escape is kept as it is;
// decoded bytes that are not UTF-8 become U+FFFD.
// https://learn.microsoft.com/kusto/query/url-decode-function
func urlDecode(s string) string {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '+':
			b = append(b, ' ')
			continue
		case '%':
			if i+2 < len(s) {
				hi, ok1 := unhex(s[i+1])
				lo, ok2 := unhex(s[i+2])
				if ok1 && ok2 {
					b = append(b, hi<<4|lo)
					i += 2
					continue
				}
			}
		}
		b = append(b, c)
	}
	if !utf8.Valid(b) {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(b)
}

// decodeBase64 decodes standard base64 with padding; white space is
// ignored, as .NET's Convert.FromBase64String ignores it.
func decodeBase64(s string) ([]byte, bool) {
	if strings.ContainsAny(s, " \t\r\n") {
		s = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, s)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	return b, err == nil
}

// base64DecodeString implements base64_decode_tostring(): null when the
// input is not base64 or its bytes are not UTF-8.
// https://learn.microsoft.com/kusto/query/base64-decode-tostring-function
func base64DecodeString(s string) (string, bool) {
	b, ok := decodeBase64(s)
	if !ok || !utf8.Valid(b) {
		return "", false
	}
	return string(b), true
}

// guidBytes returns the 16 bytes of a canonical GUID in .NET's order: the
// first three groups little-endian, the last two as written.
func guidBytes(g string) ([]byte, bool) {
	canon, ok := value.ParseGUID(g)
	if !ok {
		return nil, false
	}
	hex := strings.ReplaceAll(canon, "-", "")
	raw := make([]byte, 16)
	for i := range raw {
		hi, _ := unhex(hex[2*i])
		lo, _ := unhex(hex[2*i+1])
		raw[i] = hi<<4 | lo
	}
	raw[0], raw[1], raw[2], raw[3] = raw[3], raw[2], raw[1], raw[0]
	raw[4], raw[5] = raw[5], raw[4]
	raw[6], raw[7] = raw[7], raw[6]
	return raw, true
}

// guidFromBytes is the inverse of guidBytes.
func guidFromBytes(b []byte) string {
	raw := append([]byte(nil), b...)
	raw[0], raw[1], raw[2], raw[3] = raw[3], raw[2], raw[1], raw[0]
	raw[4], raw[5] = raw[5], raw[4]
	raw[6], raw[7] = raw[7], raw[6]
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range raw {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&0xf])
	}
	return string(out)
}

// bytesFromArray reads a dynamic array of integers 0..255.
func bytesFromArray(v any) ([]byte, bool) {
	arr, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]byte, len(arr))
	for i, e := range arr {
		var n int64
		switch x := e.(type) {
		case int64:
			n = x
		case float64:
			if x != float64(int64(x)) {
				return nil, false
			}
			n = int64(x)
		default:
			return nil, false
		}
		if n < 0 || n > 255 {
			return nil, false
		}
		out[i] = byte(n)
	}
	return out, true
}

// inflate reads all of r, failing (null) past MaxStringSize bytes, so
// that a small input cannot expand without bound, or on invalid UTF-8.
func inflate(r io.Reader) (string, bool) {
	b, err := io.ReadAll(io.LimitReader(r, int64(maxString)+1))
	if err != nil || len(b) > maxString || !utf8.Valid(b) {
		return "", false
	}
	return string(b), true
}

// deflateOrStore returns the deflate stream of s: deflated at the
// fastest level when that is shorter than s, else s in stored blocks, as
// the reference's examples of zlib and gzip compression show for a short
// text.
func deflateOrStore(s string) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestSpeed)
	io.WriteString(w, s)
	w.Close()
	if buf.Len() < len(s) {
		return buf.Bytes()
	}
	return storedBlocks(s)
}

// storedBlocks returns s as a deflate stream of stored (uncompressed)
// blocks of at most 65535 bytes, the last one final.
func storedBlocks(s string) []byte {
	out := make([]byte, 0, len(s)+5*(len(s)/65535+1))
	for first := true; first || len(s) > 0; first = false {
		n := min(len(s), 65535)
		final := byte(0)
		if n == len(s) {
			final = 1
		}
		out = append(out, final, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		out = append(out, s[:n]...)
		s = s[n:]
	}
	return out
}

// zlibCompress implements zlib_compress_to_base64_string(): the header
// 78 01, the deflate stream and the Adler-32 checksum.
// https://learn.microsoft.com/kusto/query/zlib-base64-compress-function
func zlibCompress(s string) string {
	out := append([]byte{0x78, 0x01}, deflateOrStore(s)...)
	out = binary.BigEndian.AppendUint32(out, adler32.Checksum([]byte(s)))
	return base64.StdEncoding.EncodeToString(out)
}

// zlibDecompress implements zlib_decompress_from_base64_string().
// https://learn.microsoft.com/kusto/query/zlib-base64-decompress-function
func zlibDecompress(s string) (string, bool) {
	b, ok := decodeBase64(s)
	if !ok {
		return "", false
	}
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return "", false
	}
	return inflate(r)
}

// gzipCompress implements gzip_compress_to_base64_string(): a header
// with no flags, no time and an unknown OS, the deflate stream, and the
// CRC-32 and length of the text.
// https://learn.microsoft.com/kusto/query/gzip-base64-compress
func gzipCompress(s string) string {
	out := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}
	out = append(out, deflateOrStore(s)...)
	out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE([]byte(s)))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(s)))
	return base64.StdEncoding.EncodeToString(out)
}

// gzipDecompress implements gzip_decompress_from_base64_string().
// https://learn.microsoft.com/kusto/query/gzip-base64-decompress
func gzipDecompress(s string) (string, bool) {
	b, ok := decodeBase64(s)
	if !ok {
		return "", false
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return "", false
	}
	return inflate(r)
}

// Punycode (RFC 3492) parameters.
const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
)

func pcAdapt(delta, points int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / points
	k := 0
	for delta > (pcBase-pcTMin)*pcTMax/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}

func pcThreshold(k, bias int) int {
	switch {
	case k <= bias:
		return pcTMin
	case k >= bias+pcTMax:
		return pcTMax
	}
	return k - bias
}

func pcDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

// punycodeEncode encodes s by RFC 3492, without the xn-- prefix: the
// ASCII characters in order, a '-' when there are any, then the others.
// https://learn.microsoft.com/kusto/query/punycode-from-string-function
func punycodeEncode(s string) (string, bool) {
	in := []rune(s)
	var out []byte
	for _, r := range in {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	if b > 0 {
		out = append(out, '-')
	}
	n, delta, bias, h := pcInitialN, 0, pcInitialBias, b
	const maxInt = 1<<31 - 1
	for h < len(in) {
		m := maxInt
		for _, r := range in {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		if (m - n) > (maxInt-delta)/(h+1) {
			return "", false
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range in {
			if int(r) < n {
				delta++
				if delta > maxInt {
					return "", false
				}
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := pcBase; ; k += pcBase {
				t := pcThreshold(k, bias)
				if q < t {
					break
				}
				out = append(out, pcDigit(t+(q-t)%(pcBase-t)))
				q = (q - t) / (pcBase - t)
			}
			out = append(out, pcDigit(q))
			bias = pcAdapt(delta, h+1, h == b)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return string(out), true
}

// punycodeDecode decodes RFC 3492 text (without the xn-- prefix); it
// fails on anything that is not valid punycode.
// https://learn.microsoft.com/kusto/query/punycode-to-string-function
func punycodeDecode(s string) (string, bool) {
	if !isASCII(s) {
		return "", false
	}
	var out []rune
	rest := s
	if d := strings.LastIndexByte(s, '-'); d >= 0 {
		for _, c := range s[:d] {
			out = append(out, c)
		}
		rest = s[d+1:]
	}
	n, i, bias := pcInitialN, 0, pcInitialBias
	const maxInt = 1<<31 - 1
	for p := 0; p < len(rest); {
		old, w := i, 1
		for k := pcBase; ; k += pcBase {
			if p >= len(rest) {
				return "", false
			}
			c := rest[p]
			p++
			var d int
			switch {
			case 'a' <= c && c <= 'z':
				d = int(c - 'a')
			case 'A' <= c && c <= 'Z':
				d = int(c - 'A')
			case '0' <= c && c <= '9':
				d = int(c-'0') + 26
			default:
				return "", false
			}
			if d > (maxInt-i)/w {
				return "", false
			}
			i += d * w
			t := pcThreshold(k, bias)
			if d < t {
				break
			}
			if w > maxInt/(pcBase-t) {
				return "", false
			}
			w *= pcBase - t
		}
		points := len(out) + 1
		bias = pcAdapt(i-old, points, old == 0)
		if i/points > maxInt-n {
			return "", false
		}
		n += i / points
		i %= points
		if n > utf8.MaxRune || n >= 0xD800 && n <= 0xDFFF {
			return "", false
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = rune(n)
		i++
	}
	return string(out), true
}

// isDomainDot reports whether r separates labels of an internationalized
// domain name: the full stop and its ideographic, full-width and
// half-width forms.
func isDomainDot(r rune) bool { return r == '.' || r == '\u3002' || r == '\uFF0E' || r == '\uFF61' }

// punycodeDomainEncode encodes each label that is not ASCII as xn--
// followed by its punycode.
// https://learn.microsoft.com/kusto/query/punycode-domain-to-string-function
func punycodeDomainEncode(s string) (string, bool) {
	labels := strings.Split(strings.Map(func(r rune) rune {
		if isDomainDot(r) {
			return '.'
		}
		return r
	}, s), ".")
	for i, l := range labels {
		if isASCII(l) {
			continue
		}
		enc, ok := punycodeEncode(l)
		if !ok {
			return "", false
		}
		labels[i] = "xn--" + enc
	}
	return strings.Join(labels, "."), true
}

// punycodeDomainDecode decodes each label that starts with xn--.
// https://learn.microsoft.com/kusto/query/punycode-domain-from-string-function
func punycodeDomainDecode(s string) (string, bool) {
	labels := strings.Split(s, ".")
	for i, l := range labels {
		if len(l) < 4 || !strings.EqualFold(l[:4], "xn--") {
			continue
		}
		dec, ok := punycodeDecode(l[4:])
		if !ok {
			return "", false
		}
		labels[i] = dec
	}
	return strings.Join(labels, "."), true
}

func init() {
	defer inCategory(CatString)()
	str1 := func(name, ref, doc string, f func(string) (string, bool), examples ...Example) *Func {
		fn := &Func{Name: name, Pure: true, Ref: ref, Doc: doc, Examples: examples,
			Sigs: []*Sig{sig(schema.String, Map1(f), p("string", tString))}}
		register(fn)
		return fn
	}
	total := func(f func(string) string) func(string) (string, bool) {
		return func(s string) (string, bool) { return f(s), true }
	}

	str1("url_encode", refText+"url-encode-function", "Percent-encodes a URL for transmission, a space as '+'.",
		total(func(s string) string { return urlEncode(s, true) }),
		Example{`url_encode("https://www.bing.com/hello world")`, "https%3a%2f%2fwww.bing.com%2fhello+world"},
		Example{`url_encode("ä~")`, "%c3%a4%7e"})
	str1("url_encode_component", refText+"url-encode-component-function", "Percent-encodes a URL for transmission, a space as '%20'.",
		total(func(s string) string { return urlEncode(s, false) }),
		Example{`url_encode_component("https://www.bing.com/hello world/")`, "https%3a%2f%2fwww.bing.com%2fhello%20world%2f"})
	str1("url_decode", refText+"url-decode-function", "Decodes a percent-encoded URL ('+' is a space).",
		total(urlDecode),
		Example{`url_decode("https%3a%2f%2fwww.bing.com%2f")`, "https://www.bing.com/"},
		Example{`url_decode("a+b%20c%zz%")`, "a b c%zz%"}, Example{`url_decode("%C3%A4")`, "ä"})

	encode := str1("base64_encode_tostring", refText+"base64-encode-tostring-function", "Encodes a string's UTF-8 bytes as base64.",
		total(func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }),
		Example{`base64_encode_tostring("Kusto")`, "S3VzdG8="}, Example{`base64_encode_tostring("")`, ""})
	alias("base64_encodestring", encode)
	decode := str1("base64_decode_tostring", refText+"base64-decode-tostring-function", "Decodes a base64 string to a UTF-8 string; null when the bytes are not UTF-8.",
		base64DecodeString,
		Example{`base64_decode_tostring("S3VzdG8=")`, "Kusto"}, Example{`base64_decode_tostring("U3RyaW5n0KHR0tGA0L7Rh9C60LA=")`, ""},
		Example{`base64_decode_tostring("not base64!")`, ""})
	alias("base64_decodestring", decode)
	register(&Func{Name: "base64_decode_toarray", Pure: true, Ref: refText + "base64-decode-toarray-function",
		Doc: "Decodes a base64 string to a dynamic array of its bytes, as longs.",
		Sigs: []*Sig{sig(schema.Dynamic, Map1(func(s string) (any, bool) {
			b, ok := decodeBase64(s)
			if !ok {
				return nil, false
			}
			out := make([]any, len(b))
			for i, c := range b {
				out[i] = int64(c)
			}
			return out, true
		}), p("base64_string", tString))},
		Examples: []Example{{`base64_decode_toarray("S3VzdG8=")`, "[75,117,115,116,111]"}, {`isnull(base64_decode_toarray("U3RyaW5n0KHR0tGA0L7Rh9C60LA"))`, "true"}}})
	register(&Func{Name: "base64_encode_fromarray", Pure: true, Ref: refText + "base64-encode-fromarray-function",
		Doc: "Encodes a dynamic array of bytes (integers 0 to 255) as base64; null when an element is not a byte.",
		Sigs: []*Sig{sig(schema.String, Map1(func(v any) (string, bool) {
			b, ok := bytesFromArray(v)
			if !ok {
				return "", false
			}
			return base64.StdEncoding.EncodeToString(b), true
		}), p("base64_string_decoded_as_array", tDynamic))},
		Examples: []Example{{`base64_encode_fromarray(base64_decode_toarray("S3VzdG8="))`, "S3VzdG8="},
			{`base64_encode_fromarray(base64_decode_toarray("U3RyaW5n0KHR0tGA0L7Rh9C60LA"))`, ""},
			{`base64_encode_fromarray(dynamic([75, 300]))`, ""}}})
	register(&Func{Name: "base64_decode_toguid", Pure: true, Ref: refText + "base64-decode-toguid-function",
		Doc: "Decodes a base64 string of 16 bytes to a GUID (.NET byte order); null otherwise.",
		Sigs: []*Sig{sig(schema.Guid, Map1(func(s string) (string, bool) {
			b, ok := decodeBase64(s)
			if !ok || len(b) != 16 {
				return "", false
			}
			return guidFromBytes(b), true
		}), p("base64_string", tString))},
		Examples: []Example{{`base64_decode_toguid(base64_encode_fromguid(guid(ae3133f2-6e22-49ae-b06a-16e6a9b212eb)))`, "ae3133f2-6e22-49ae-b06a-16e6a9b212eb"},
			{`isnull(base64_decode_toguid("abcd1231"))`, "true"}}})
	register(&Func{Name: "base64_encode_fromguid", Pure: true, Ref: refText + "base64-encode-fromguid-function",
		Doc: "Encodes a GUID's 16 bytes (.NET byte order) as base64.",
		Sigs: []*Sig{sig(schema.String, Map1(func(g string) (string, bool) {
			b, ok := guidBytes(g)
			if !ok {
				return "", false
			}
			return base64.StdEncoding.EncodeToString(b), true
		}), p("guid", tGuid))},
		Examples: []Example{{`base64_encode_fromguid(toguid("ae3133f2-6e22-49ae-b06a-16e6a9b212eb"))`, "8jMxriJurkmwahbmqbIS6w=="}}})

	str1("zlib_compress_to_base64_string", refText+"zlib-base64-compress-function", "Compresses a string with zlib and encodes the result as base64.",
		total(zlibCompress),
		Example{`zlib_compress_to_base64_string("1234567890qwertyuiop")`, "eAEBFADr/zEyMzQ1Njc4OTBxd2VydHl1aW9wOAkGdw=="},
		Example{`zlib_decompress_from_base64_string(zlib_compress_to_base64_string(strrep("abc", 100)))`, strings.Repeat("abc", 100)})
	str1("zlib_decompress_from_base64_string", refText+"zlib-base64-decompress-function", "Decodes a base64 string and decompresses it with zlib; empty when either fails.",
		zlibDecompress,
		Example{`zlib_decompress_from_base64_string("eJwLSS0uUSguKcrMS1cwNDIGACxqBQ4=")`, "Test string 123"},
		Example{`zlib_decompress_from_base64_string("x0x0x0")`, ""})
	str1("gzip_compress_to_base64_string", refText+"gzip-base64-compress", "Compresses a string with gzip and encodes the result as base64.",
		total(gzipCompress),
		Example{`gzip_compress_to_base64_string("1234567890qwertyuiop")`, "H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA=="},
		Example{`gzip_decompress_from_base64_string(gzip_compress_to_base64_string(strrep("abc", 100)))`, strings.Repeat("abc", 100)})
	str1("gzip_decompress_from_base64_string", refText+"gzip-base64-decompress", "Decodes a base64 string and decompresses it with gzip; empty when either fails.",
		gzipDecompress,
		Example{`gzip_decompress_from_base64_string("H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA==")`, "1234567890qwertyuiop"},
		Example{`gzip_decompress_from_base64_string("x0x0x0")`, ""})

	str1("punycode_from_string", refText+"punycode-from-string-function", "Encodes a string in punycode (RFC 3492), without the xn-- prefix.",
		punycodeEncode,
		Example{`punycode_from_string('académie-française')`, "acadmie-franaise-npb1a"}, Example{`punycode_from_string('艺术')`, "cqv902d"})
	str1("punycode_to_string", refText+"punycode-to-string-function", "Decodes a punycode (RFC 3492) string; empty when it is not valid punycode.",
		punycodeDecode,
		Example{`punycode_to_string('acadmie-franaise-npb1a')`, "académie-française"}, Example{`punycode_to_string('cqv902d')`, "艺术"},
		Example{`punycode_to_string('ü')`, ""})
	str1("punycode_domain_to_string", refText+"punycode-domain-to-string-function", "Encodes the labels of an internationalized domain name that are not ASCII as xn-- punycode.",
		punycodeDomainEncode,
		Example{`punycode_domain_to_string('Riðill｡Skáldskaparmál｡org')`, "xn--Riill-jta.xn--Skldskaparml-dbbj.org"},
		Example{`punycode_domain_to_string("Kaledvoulc'h.Artorījos.edu")`, "Kaledvoulc'h.xn--Artorjos-ejb.edu"},
		Example{`punycode_domain_to_string('Lê Lợi。Thuận Thiên。com')`, "xn--L Li-gpa4517b.xn--Thun Thin-s4a7194f.com"})
	str1("punycode_domain_from_string", refText+"punycode-domain-from-string-function", "Decodes the xn-- punycode labels of an internationalized domain name.",
		punycodeDomainDecode,
		Example{`punycode_domain_from_string("xn--Ge-mia.Bulg.edu")`, "Gáe.Bulg.edu"},
		Example{`punycode_domain_from_string("xn--Lin-8na.Celtchair.org")`, "Lúin.Celtchair.org"},
		Example{`punycode_domain_from_string("xn--Ry-lja8c.xn--Jng-uta63a.xn--Bng-9ka.com")`, "Rúyì.Jīngū.Bàng.com"})
}
