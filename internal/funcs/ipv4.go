package funcs

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file declares the IPv4 functions and the IPv4 text match
// functions (has_ipv4, ...); ipv6.go the IPv6 functions. Addresses may carry a
// prefix length in IP-prefix (CIDR) notation, 10.0.0.0/8; comparisons
// use the shorter of the prefixes involved (the combined mask). An IPv4
// address compared as IPv6 is the IPv4-mapped address ::ffff:a.b.c.d, and
// its prefix counts from the IPv4 part (192.168.1.1/24 is a /120).
// https://learn.microsoft.com/kusto/query/scalar-functions#ipv4ipv6-functions

// ip4Net is an IPv4 address with its prefix length (32 when none is
// given).
type ip4Net struct {
	addr uint32
	bits int
}

// ip4Mask returns the netmask of a prefix length.
func ip4Mask(bits int) uint32 {
	if bits <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - bits)
}

// masked returns the address with the bits past the prefix cleared.
func (n ip4Net) masked() uint32 { return n.addr & ip4Mask(n.bits) }

// ip4ParseAddr parses a dotted-quad IPv4 address: four decimal numbers of
// one to three digits, each at most 255.
func ip4ParseAddr(s string) (uint32, bool) {
	var addr uint32
	for part := 0; part < 4; part++ {
		if part > 0 {
			if s == "" || s[0] != '.' {
				return 0, false
			}
			s = s[1:]
		}
		v, n := 0, 0
		for n < len(s) && n < 4 && s[n] >= '0' && s[n] <= '9' {
			v = v*10 + int(s[n]-'0')
			n++
		}
		if n == 0 || n > 3 || v > 255 {
			return 0, false
		}
		addr = addr<<8 | uint32(v)
		s = s[n:]
	}
	return addr, s == ""
}

// ip4ParseBits parses a prefix length from 0 to max.
func ipParseBits(s string, max int) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 3 {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 || v > max || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	return v, true
}

// ip4Parse parses an IPv4 address in IP-prefix notation.
func ip4Parse(s string) (ip4Net, bool) {
	s = strings.TrimSpace(s)
	addrText, bitsText, hasBits := strings.Cut(s, "/")
	addr, ok := ip4ParseAddr(strings.TrimSpace(addrText))
	if !ok {
		return ip4Net{}, false
	}
	n := ip4Net{addr: addr, bits: 32}
	if hasBits {
		if n.bits, ok = ipParseBits(bitsText, 32); !ok {
			return ip4Net{}, false
		}
	}
	return n, true
}

// ip4Format returns the dotted-quad text of an address.
func ip4Format(a uint32) string {
	b := make([]byte, 0, 15)
	for i := 3; i >= 0; i-- {
		b = strconv.AppendUint(b, uint64(a>>(8*i)&0xff), 10)
		if i > 0 {
			b = append(b, '.')
		}
	}
	return string(b)
}

// ip4Compare compares two IPv4 strings under their combined mask and an
// optional prefix length (extra < 0 for none), as ipv4_compare() does.
func ip4Compare(a, b string, extra int64) (int64, bool) {
	x, ok1 := ip4Parse(a)
	y, ok2 := ip4Parse(b)
	if !ok1 || !ok2 || extra > 32 {
		return 0, false
	}
	bits := min(x.bits, y.bits)
	if extra >= 0 {
		bits = min(bits, int(extra))
	}
	m := ip4Mask(bits)
	switch xa, ya := x.addr&m, y.addr&m; {
	case xa < ya:
		return -1, true
	case xa > ya:
		return 1, true
	}
	return 0, true
}

// ip4InRange reports whether address ip (itself masked by its own
// prefix) is in the network r.
func ip4InRange(ip, r ip4Net) bool {
	m := ip4Mask(r.bits)
	return ip.masked()&m == r.addr&m
}

// ip4Private lists the private IPv4 networks of RFC 1918.
var ip4Private = []ip4Net{{0x0a000000, 8}, {0xac100000, 12}, {0xc0a80000, 16}}

// ip4IsPrivate reports whether every address of network n is private.
func ip4IsPrivate(n ip4Net) bool {
	for _, r := range ip4Private {
		if n.bits >= r.bits && ip4InRange(n, r) {
			return true
		}
	}
	return false
}

// ip4FromValue reads an IPv4 address as format_ipv4() does: a string in
// IP-prefix notation, or a number (also as text) holding the address in
// big-endian order.
func ip4FromValue(v any) (ip4Net, bool) {
	var num int64
	switch x := v.(type) {
	case string:
		if n, ok := ip4Parse(x); ok {
			return n, true
		}
		i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return ip4Net{}, false
		}
		num = i
	case int64:
		num = x
	case float64:
		if x != float64(int64(x)) {
			return ip4Net{}, false
		}
		num = int64(x)
	default:
		return ip4Net{}, false
	}
	if num < 0 || num > 0xffffffff {
		return ip4Net{}, false
	}
	return ip4Net{addr: uint32(num), bits: 32}, true
}

// ip4FormatKernel is format_ipv4() (withMask false) or format_ipv4_mask():
// the masked address, "" when it does not parse or the prefix is not
// within 0..32.
func ip4FormatKernel(withMask bool) Kernel {
	return MapBoxed(func(args []any) (string, bool) {
		n, ok := ip4FromValue(args[0])
		if !ok {
			return "", true
		}
		if len(args) > 1 {
			extra, ok := toLong(args[1])
			if args[1] == nil || !ok || extra < 0 || extra > 32 {
				return "", true
			}
			n.bits = min(n.bits, int(extra))
		}
		s := ip4Format(n.masked())
		if withMask {
			s += "/" + strconv.Itoa(n.bits)
		}
		return s, true
	})
}

// ip4RangeToCIDRs returns the fewest CIDR networks covering the addresses
// from start to end.
func ip4RangeToCIDRs(start, end uint32) []any {
	out := []any{}
	lo, hi := uint64(start), uint64(end)
	for lo <= hi {
		// The largest block aligned at lo that ends at or before hi.
		size := uint64(1)
		for size < 1<<32 && lo%(size*2) == 0 && lo+size*2-1 <= hi {
			size *= 2
		}
		bits := 32
		for s := size; s > 1; s /= 2 {
			bits--
		}
		out = append(out, ip4Format(uint32(lo))+"/"+strconv.Itoa(bits))
		lo += size
	}
	return out
}

// ipListStrings appends the strings of the list arguments of the
// *_any_* functions: strings, and the strings in dynamic arrays.
func ipListStrings(dst []string, args []any) []string {
	for _, a := range args {
		switch x := a.(type) {
		case string:
			dst = append(dst, x)
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok {
					dst = append(dst, s)
				}
			}
		}
	}
	return dst
}

// ipText returns the text of a string or dynamic argument.
func ipText(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	}
	return value.DynamicString(v), true
}

// ipAnyKernel lifts a test of an address against a list (the strings
// after the first argument, or the dynamic arrays among them) into a
// kernel. parse turns the list's strings into items once per call when
// the list is constant; a string that does not parse is left out.
func ipAnyKernel[T any](parse func(string) (T, bool), test func(text string, items []T) (bool, bool)) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		n = rows(args, n, out)
		w := writer[bool](out)
		constList := true
		for _, a := range args[1:] {
			constList = constList && a.Const
		}
		var items []T
		var strs []string
		boxed := make([]any, len(args)-1)
		for i := 0; i < n; i++ {
			if i == 0 || !constList {
				for j, a := range args[1:] {
					boxed[j] = a.Get(i)
				}
				strs = ipListStrings(strs[:0], boxed)
				items = items[:0]
				for _, s := range strs {
					if it, ok := parse(s); ok {
						items = append(items, it)
					}
				}
			}
			text, ok := ipText(args[0].Get(i))
			if !ok {
				w(false, false)
				continue
			}
			w(test(text, items))
		}
	}
}

// ip4Scan calls found for every IPv4 address in text that is delimited
// by characters that are not letters or digits (a dot may end a sentence
// after it), until found returns true.
func ip4Scan(text string, found func(addr uint32) bool) bool {
	for i := 0; i < len(text); {
		c := text[i]
		if c != '.' && (c < '0' || c > '9') {
			i++
			continue
		}
		j := i
		for j < len(text) && (text[j] == '.' || text[j] >= '0' && text[j] <= '9') {
			j++
		}
		start, end := i, j
		for start < end && text[start] == '.' {
			start++
		}
		for end > start && text[end-1] == '.' {
			end--
		}
		i = j
		if start == end || ipIsAlnumBefore(text, start) || ipIsAlnumAfter(text, end) {
			continue
		}
		if a, ok := ip4ParseAddr(text[start:end]); ok && found(a) {
			return true
		}
	}
	return false
}

func ipIsAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func ipIsAlnumBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return ipIsAlnum(r)
}

func ipIsAlnumAfter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return ipIsAlnum(r)
}

// ip4Prefix is a has_ipv4_prefix() prefix: the first octets of an
// address.
type ip4Prefix struct {
	addr   uint32 // the octets, left-aligned
	octets int
}

// ip4ParsePrefix parses a prefix: a complete IPv4 address, or one to
// three octets each followed by a dot (192., 192.168., 192.168.1.).
func ip4ParsePrefix(s string) (ip4Prefix, bool) {
	s = strings.TrimSpace(s)
	if a, ok := ip4ParseAddr(s); ok {
		return ip4Prefix{a, 4}, true
	}
	if !strings.HasSuffix(s, ".") {
		return ip4Prefix{}, false
	}
	parts := strings.Split(strings.TrimSuffix(s, "."), ".")
	if len(parts) > 3 {
		return ip4Prefix{}, false
	}
	full := strings.TrimSuffix(s, ".") + strings.Repeat(".0", 4-len(parts))
	a, ok := ip4ParseAddr(full)
	if !ok {
		return ip4Prefix{}, false
	}
	return ip4Prefix{a, len(parts)}, true
}

func (p ip4Prefix) matches(a uint32) bool {
	m := ip4Mask(8 * p.octets)
	return a&m == p.addr&m
}

// ip4HasAny reports whether text holds one of addrs.
func ip4HasAny(text string, addrs []uint32) (bool, bool) {
	if len(addrs) == 0 {
		return false, true
	}
	return ip4Scan(text, func(a uint32) bool {
		for _, x := range addrs {
			if a == x {
				return true
			}
		}
		return false
	}), true
}

// ip4HasAnyPrefix reports whether text holds an address with one of
// prefixes.
func ip4HasAnyPrefix(text string, prefixes []ip4Prefix) (bool, bool) {
	if len(prefixes) == 0 {
		return false, true
	}
	return ip4Scan(text, func(a uint32) bool {
		for _, p := range prefixes {
			if p.matches(a) {
				return true
			}
		}
		return false
	}), true
}

// ip4Strict parses an IPv4 address without a prefix, as the has_ipv4
// functions take it.
func ip4Strict(s string) (uint32, bool) { return ip4ParseAddr(strings.TrimSpace(s)) }

// tIPList is the type of the list arguments of the *_any_* functions.
var tIPList = tString | tDynamic

// ipRef returns the reference page of an IP function.
func ipRef(name string) string { return refFuncPage + strings.ReplaceAll(name, "_", "-") + "-function" }

func init() {
	defer inCategory(CatIP)()
	register(&Func{Name: "parse_ipv4", Pure: true, Ref: ipRef("parse_ipv4"),
		Doc: "Converts an IPv4 address (which may have a prefix, which masks it) to a long in big-endian order; null when it does not parse.",
		Sigs: []*Sig{sig(schema.Long, Map1(func(s string) (int64, bool) {
			n, ok := ip4Parse(s)
			return int64(n.masked()), ok
		}), p("ip", tString))},
		Examples: []Example{{`parse_ipv4('192.168.1.1')`, "3232235777"}, {`parse_ipv4('192.168.1.1/24')`, "3232235776"},
			{`parse_ipv4('255.255.255.255/31')`, "4294967294"}, {`isnull(parse_ipv4('256.1.1.1'))`, "true"}}})
	register(&Func{Name: "parse_ipv4_mask", Pure: true, Ref: ipRef("parse_ipv4_mask"),
		Doc: "Converts an IPv4 address masked to a prefix length (0 to 32) to a long in big-endian order; null when it does not parse.",
		Sigs: []*Sig{sig(schema.Long, Map2(func(s string, bits int64) (int64, bool) {
			n, ok := ip4Parse(s)
			if !ok || bits < 0 || bits > 32 {
				return 0, false
			}
			return int64(n.addr & ip4Mask(min(n.bits, int(bits)))), true
		}), p("ip", tString), p("prefix", Integer))},
		Examples: []Example{{`parse_ipv4_mask("127.0.0.1", 24)`, "2130706432"}, {`parse_ipv4_mask("192.1.168.2", 16)`, "3221291008"}}})
	register(&Func{Name: "ipv4_netmask_suffix", Pure: true, Ref: ipRef("ipv4_netmask_suffix"),
		Doc: "Returns the prefix length of an IPv4 address in IP-prefix notation (32 when it has none); null when it does not parse.",
		Sigs: []*Sig{sig(schema.Long, Map1(func(s string) (int64, bool) {
			n, ok := ip4Parse(s)
			return int64(n.bits), ok
		}), p("ip", tString))},
		Examples: []Example{{`ipv4_netmask_suffix('10.1.2.3')`, "32"}, {`ipv4_netmask_suffix('192.168.1.1/24')`, "24"}, {`ipv4_netmask_suffix('127.0.0.1/16')`, "16"}}})
	register(&Func{Name: "ipv4_is_private", Pure: true, Ref: ipRef("ipv4_is_private"),
		Doc: "Returns true when an IPv4 address (or every address of a network in IP-prefix notation) is in a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16; null when it does not parse.",
		Sigs: []*Sig{sig(schema.Bool, Map1(func(s string) (bool, bool) {
			n, ok := ip4Parse(s)
			return ok && ip4IsPrivate(n), ok
		}), p("ip", tString))},
		Examples: []Example{{`ipv4_is_private('192.168.1.1/24')`, "true"}, {`ipv4_is_private('10.1.2.3/24')`, "true"},
			{`ipv4_is_private('202.1.2.3')`, "false"}, {`ipv4_is_private("127.0.0.1")`, "false"}, {`ipv4_is_private("172.32.0.1")`, "false"}}})
	register(&Func{Name: "ipv4_compare", Pure: true, Ref: ipRef("ipv4_compare"),
		Doc: "Compares two IPv4 addresses under their combined mask and an optional prefix length: -1, 0 or 1; null when one does not parse.",
		Sigs: []*Sig{
			sig(schema.Long, Map2(func(a, b string) (int64, bool) { return ip4Compare(a, b, -1) }), p("ip1", tString), p("ip2", tString)),
			sig(schema.Long, Map3(func(a, b string, bits int64) (int64, bool) {
				if bits < 0 {
					return 0, false
				}
				return ip4Compare(a, b, bits)
			}), p("ip1", tString), p("ip2", tString), p("prefix", Integer)),
		},
		Examples: []Example{{`ipv4_compare('192.168.1.1', '192.168.1.255')`, "-1"}, {`ipv4_compare('192.168.1.1/24', '192.168.1.255')`, "0"},
			{`ipv4_compare('192.168.1.1/30', '192.168.1.255/24')`, "0"}, {`ipv4_compare('192.168.1.1', '192.168.1.0', 31)`, "0"},
			{`ipv4_compare('192.168.1.2', '192.168.1.1')`, "1"}}})
	register(&Func{Name: "ipv4_is_match", Pure: true, Ref: ipRef("ipv4_is_match"),
		Doc: "Returns true when two IPv4 addresses are equal under their combined mask and an optional prefix length; null when one does not parse.",
		Sigs: []*Sig{
			sig(schema.Bool, Map2(func(a, b string) (bool, bool) {
				c, ok := ip4Compare(a, b, -1)
				return c == 0, ok
			}), p("ip1", tString), p("ip2", tString)),
			sig(schema.Bool, Map3(func(a, b string, bits int64) (bool, bool) {
				c, ok := ip4Compare(a, b, bits)
				return c == 0, ok && bits >= 0
			}), p("ip1", tString), p("ip2", tString), p("prefix", Integer)),
		},
		Examples: []Example{{`ipv4_is_match('192.168.1.1/24', '192.168.1.255')`, "true"}, {`ipv4_is_match('192.168.1.1', '192.168.1.255/24')`, "true"},
			{`ipv4_is_match('192.168.1.1', '192.168.1.255', 24)`, "true"}, {`ipv4_is_match('192.168.1.1', '192.168.1.255')`, "false"}}})
	register(&Func{Name: "ipv4_is_in_range", Pure: true, Ref: ipRef("ipv4_is_in_range"),
		Doc: "Returns true when an IPv4 address is in a network in IP-prefix notation; null when one does not parse.",
		Sigs: []*Sig{sig(schema.Bool, Map2(func(a, r string) (bool, bool) {
			x, ok1 := ip4Parse(a)
			y, ok2 := ip4Parse(r)
			return ok1 && ok2 && ip4InRange(x, y), ok1 && ok2
		}), p("ip", tString), p("ip_range", tString))},
		Examples: []Example{{`ipv4_is_in_range('192.168.1.1', '192.168.1.1')`, "true"}, {`ipv4_is_in_range('192.168.1.1', '192.168.1.255/24')`, "true"},
			{`ipv4_is_in_range('192.168.2.1', '192.168.1.255/24')`, "false"}}})
	register(&Func{Name: "ipv4_is_in_any_range", Pure: true, Ref: ipRef("ipv4_is_in_any_range"),
		Doc: "Returns true when an IPv4 address is in any of a list of networks in IP-prefix notation (strings, or dynamic arrays of them); null when the address does not parse.",
		Sigs: []*Sig{{Params: []Param{p("ip", tIPList), p("ranges", tIPList)}, Variadic: true, Result: Returns(schema.Bool),
			Eval: ipAnyKernel(ip4Parse, func(text string, nets []ip4Net) (bool, bool) {
				ip, ok := ip4Parse(text)
				if !ok {
					return false, false
				}
				for _, r := range nets {
					if ip4InRange(ip, r) {
						return true, true
					}
				}
				return false, true
			})}},
		Examples: []Example{{`ipv4_is_in_any_range('192.168.1.6', '192.168.1.1/24', '10.0.0.1/8', '127.1.0.1/16')`, "true"},
			{`ipv4_is_in_any_range("127.0.0.1", dynamic(["127.0.0.1", "192.168.1.1"]))`, "true"},
			{`ipv4_is_in_any_range("1.1.1.1", dynamic(["192.168.1.1/16", "127.0.0.1/8", "10.0.0.1/8"]))`, "false"}}})
	register(&Func{Name: "format_ipv4", Pure: true, Ref: ipRef("format_ipv4"),
		Doc:  "Formats an IPv4 address (a string, or a number in big-endian order) masked by its prefix and an optional prefix length; \"\" when it does not parse.",
		Sigs: []*Sig{{Params: []Param{p("ip", Any), opt("prefix", Integer)}, Result: Returns(schema.String), Eval: ip4FormatKernel(false)}},
		Examples: []Example{{`format_ipv4('192.168.1.255', 24)`, "192.168.1.0"}, {`format_ipv4(3232236031, 24)`, "192.168.1.0"},
			{`format_ipv4('192.168.1.1/24', 32)`, "192.168.1.0"}, {`format_ipv4('192.168.1.1/24', long(-1))`, ""}, {`format_ipv4(3232236031)`, "192.168.1.255"}}})
	register(&Func{Name: "format_ipv4_mask", Pure: true, Ref: ipRef("format_ipv4_mask"),
		Doc:  "Formats an IPv4 address (a string, or a number in big-endian order) in IP-prefix notation, masked by its prefix and a prefix length; \"\" when it does not parse.",
		Sigs: []*Sig{{Params: []Param{p("ip", Any), p("prefix", Integer)}, Result: Returns(schema.String), Eval: ip4FormatKernel(true)}},
		Examples: []Example{{`format_ipv4_mask('192.168.1.1', 24)`, "192.168.1.0/24"}, {`format_ipv4_mask('192.168.1.1', 32)`, "192.168.1.1/32"},
			{`format_ipv4_mask('192.168.1.1/24', 32)`, "192.168.1.0/24"}, {`format_ipv4_mask(3232236031, 24)`, "192.168.1.0/24"}}})
	register(&Func{Name: "ipv4_range_to_cidr_list", Pure: true, Ref: ipRef("ipv4_range_to_cidr_list"),
		Doc: "Returns the fewest networks in IP-prefix notation that cover an IPv4 address range, as a dynamic array (empty when the start is after the end); null when an address does not parse.",
		Sigs: []*Sig{sig(schema.Dynamic, Map2(func(a, b string) (any, bool) {
			x, ok1 := ip4Parse(a)
			y, ok2 := ip4Parse(b)
			if !ok1 || !ok2 {
				return nil, false
			}
			if x.masked() > y.masked() {
				return []any{}, true
			}
			return ip4RangeToCIDRs(x.masked(), y.masked()), true
		}), p("start_ip", tString), p("end_ip", tString))},
		Examples: []Example{{`ipv4_range_to_cidr_list("1.1.128.0", "1.1.140.255")`, `["1.1.128.0/21","1.1.136.0/22","1.1.140.0/24"]`},
			{`ipv4_range_to_cidr_list("0.0.0.0", "255.255.255.255")`, `["0.0.0.0/0"]`}}})

	inCategory(CatIPText)
	register(&Func{Name: "has_ipv4", Pure: true, Ref: ipRef("has_ipv4"),
		Doc: "Returns true when a text holds an IPv4 address, delimited by characters that are not letters or digits; false when the address is not valid.",
		Sigs: []*Sig{sig(schema.Bool, Map2(func(text, ip string) (bool, bool) {
			a, ok := ip4Strict(ip)
			if !ok {
				return false, true
			}
			return ip4HasAny(text, []uint32{a})
		}), p("source", tIPList), p("ip", tString))},
		Examples: []Example{{`has_ipv4('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.0.1')`, "true"},
			{`has_ipv4('05:04:54 127.0.0.256 GET /favicon.ico 404', '127.0.0.256')`, "false"},
			{`has_ipv4('05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.0.1')`, "false"},
			{`has_ipv4('These requests came from: 192.168.1.1, 10.1.1.115 and 10.1.1.201.', '10.1.1.201')`, "true"}}})
	register(&Func{Name: "has_ipv4_prefix", Pure: true, Ref: ipRef("has_ipv4_prefix"),
		Doc: "Returns true when a text holds an IPv4 address, delimited by characters that are not letters or digits, that starts with a prefix (a complete address, or 1 to 3 octets each followed by a dot); false when the prefix is not valid.",
		Sigs: []*Sig{sig(schema.Bool, Map2(func(text, prefix string) (bool, bool) {
			pr, ok := ip4ParsePrefix(prefix)
			if !ok {
				return false, true
			}
			return ip4HasAnyPrefix(text, []ip4Prefix{pr})
		}), p("source", tIPList), p("ip_prefix", tString))},
		Examples: []Example{{`has_ipv4_prefix('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.')`, "true"},
			{`has_ipv4_prefix('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0')`, "false"},
			{`has_ipv4_prefix('05:04:54 127.0.0.256 GET /favicon.ico 404', '127.0.')`, "false"},
			{`has_ipv4_prefix('05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.')`, "false"}}})
	register(&Func{Name: "has_any_ipv4", Pure: true, Ref: ipRef("has_any_ipv4"),
		Doc: "Returns true when a text holds one of a list of IPv4 addresses (strings, or dynamic arrays of them), delimited by characters that are not letters or digits; invalid addresses are ignored.",
		Sigs: []*Sig{{Params: []Param{p("source", tIPList), p("ips", tIPList)}, Variadic: true, Result: Returns(schema.Bool),
			Eval: ipAnyKernel(ip4Strict, ip4HasAny)}},
		Examples: []Example{{`has_any_ipv4('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.0.1', '127.0.0.2')`, "true"},
			{`has_any_ipv4('05:04:54 127.0.0.256 GET /favicon.ico 404', dynamic(["127.0.0.256", "192.168.1.1"]))`, "false"},
			{`has_any_ipv4('05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.0.1', '192.168.1.1')`, "false"}}})
	register(&Func{Name: "has_any_ipv4_prefix", Pure: true, Ref: ipRef("has_any_ipv4_prefix"),
		Doc: "Returns true when a text holds an IPv4 address, delimited by characters that are not letters or digits, that starts with one of a list of prefixes (strings, or dynamic arrays of them); invalid prefixes are ignored.",
		Sigs: []*Sig{{Params: []Param{p("source", tIPList), p("ip_prefixes", tIPList)}, Variadic: true, Result: Returns(schema.Bool),
			Eval: ipAnyKernel(ip4ParsePrefix, ip4HasAnyPrefix)}},
		Examples: []Example{{`has_any_ipv4_prefix('05:04:54 127.0.0.1 GET /favicon.ico 404', '127.0.', '192.168.')`, "true"},
			{`has_any_ipv4_prefix('05:04:54 127.0.0.1 GET /favicon.ico 404', dynamic(["127.0", "192.168."]))`, "false"},
			{`has_any_ipv4_prefix('05:04:54 127.0.0.256 GET /favicon.ico 404', '127.0.', '192.168.')`, "false"},
			{`has_any_ipv4_prefix('05:04:54127.0.0.1 GET /favicon.ico 404', '127.0.', '192.')`, "false"}}})
}
