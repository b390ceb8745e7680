package source

import (
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// utf16Encoding tells from the first bytes of a file whether it is UTF-16
// text, as some Windows tools export: "UTF-16LE" or "UTF-16BE" by the byte
// order mark, or by the NUL byte that ASCII characters have in every other
// position; "" otherwise.
func utf16Encoding(m []byte) string {
	if len(m) >= 2 {
		switch {
		case m[0] == 0xff && m[1] == 0xfe:
			return "UTF-16LE"
		case m[0] == 0xfe && m[1] == 0xff:
			return "UTF-16BE"
		}
	}
	if len(m) >= 4 {
		switch {
		case m[0] != 0 && m[1] == 0 && m[2] != 0 && m[3] == 0 && m[0] < 0x80 && m[2] < 0x80:
			return "UTF-16LE"
		case m[0] == 0 && m[1] != 0 && m[2] == 0 && m[3] != 0 && m[1] < 0x80 && m[3] < 0x80:
			return "UTF-16BE"
		}
	}
	return ""
}

// utf16Reader decodes UTF-16 text into UTF-8 as it is read. A byte order
// mark becomes the UTF-8 one, which the readers skip; unpaired surrogates
// and a final odd byte become U+FFFD.
type utf16Reader struct {
	r   io.Reader
	be  bool
	in  []byte // raw bytes read and not decoded: in[:nin]
	nin int
	out []byte // decoded bytes not yet returned: out[off:]
	off int
	hi  rune // a high surrogate waiting for its pair, or 0
	err error
}

func newUTF16Reader(r io.Reader, enc string) *utf16Reader {
	return &utf16Reader{r: r, be: enc == "UTF-16BE", in: make([]byte, 32<<10), out: make([]byte, 0, 48<<10)}
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for u.off == len(u.out) {
		if u.err != nil {
			return 0, u.err
		}
		u.decode()
	}
	n := copy(p, u.out[u.off:])
	u.off += n
	return n, nil
}

// decode reads a chunk and decodes the complete code units in it.
func (u *utf16Reader) decode() {
	u.out, u.off = u.out[:0], 0
	n, err := u.r.Read(u.in[u.nin:])
	u.nin += n
	if err != nil {
		u.err = err
	}
	i := 0
	for ; i+1 < u.nin; i += 2 {
		var c rune
		if u.be {
			c = rune(u.in[i])<<8 | rune(u.in[i+1])
		} else {
			c = rune(u.in[i+1])<<8 | rune(u.in[i])
		}
		switch {
		case u.hi != 0 && utf16.IsSurrogate(c) && c >= 0xdc00:
			u.out = utf8.AppendRune(u.out, utf16.DecodeRune(u.hi, c))
			u.hi = 0
			continue
		case u.hi != 0:
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
			u.hi = 0
		}
		switch {
		case c >= 0xd800 && c < 0xdc00:
			u.hi = c
		case utf16.IsSurrogate(c):
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
		default:
			u.out = utf8.AppendRune(u.out, c)
		}
	}
	u.nin = copy(u.in, u.in[i:u.nin])
	if u.err != nil {
		if u.hi != 0 || u.nin > 0 {
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
			u.hi, u.nin = 0, 0
		}
	}
}
