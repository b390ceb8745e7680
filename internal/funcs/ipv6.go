package funcs

import (
	"encoding/binary"
	"net/netip"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// ip6Net is an IPv6 address (IPv4 addresses are mapped into ::ffff:0:0/96)
// with its prefix length.
type ip6Net struct {
	hi, lo uint64
	bits   int
}

// ip6Masks returns the netmask of a prefix length, in two halves.
func ip6Masks(bits int) (uint64, uint64) {
	switch {
	case bits <= 0:
		return 0, 0
	case bits < 64:
		return ^uint64(0) << (64 - bits), 0
	case bits == 64:
		return ^uint64(0), 0
	case bits < 128:
		return ^uint64(0), ^uint64(0) << (128 - bits)
	}
	return ^uint64(0), ^uint64(0)
}

// masked returns the address with the bits past the prefix cleared.
func (n ip6Net) masked(bits int) (uint64, uint64) {
	mh, ml := ip6Masks(bits)
	return n.hi & mh, n.lo & ml
}

// ip6Parse parses an IPv6 or IPv4 address in IP-prefix notation. IPv4
// addresses, and IPv6 ones written with a dotted IPv4 part in the low 32
// bits (::192.168.1.1, ::ffff:192.168.1.1), are IPv4-mapped, and their
// prefix length counts from the IPv4 part.
func ip6Parse(s string) (ip6Net, bool) {
	s = strings.TrimSpace(s)
	addrText, bitsText, hasBits := strings.Cut(s, "/")
	addrText = strings.TrimSpace(addrText)
	var b [16]byte
	v4 := false
	if a, ok := ip4ParseAddr(addrText); ok {
		binary.BigEndian.PutUint32(b[12:], a)
		v4 = true
	} else {
		a, err := netip.ParseAddr(addrText)
		if err != nil || a.Zone() != "" {
			return ip6Net{}, false
		}
		b = a.As16()
		if strings.Contains(addrText, ".") && binary.BigEndian.Uint64(b[:8]) == 0 &&
			(b[8] == 0 && b[9] == 0) && (b[10] == 0 && b[11] == 0 || b[10] == 0xff && b[11] == 0xff) {
			v4 = true
		}
	}
	n := ip6Net{bits: 128}
	if v4 {
		b[10], b[11] = 0xff, 0xff
	}
	n.hi, n.lo = binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	if hasBits {
		max := 128
		if v4 {
			max = 32
		}
		bits, ok := ipParseBits(bitsText, max)
		if !ok {
			return ip6Net{}, false
		}
		if v4 {
			bits += 96
		}
		n.bits = bits
	}
	return n, true
}

// ip6Format returns the canonical form that parse_ipv6() gives: eight
// groups of four lower-case hex digits.
func ip6Format(hi, lo uint64) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 39)
	for i, half := range []uint64{hi, lo} {
		for g := 3; g >= 0; g-- {
			if i > 0 || g < 3 {
				b = append(b, ':')
			}
			v := half >> (16 * g)
			b = append(b, hex[v>>12&0xf], hex[v>>8&0xf], hex[v>>4&0xf], hex[v&0xf])
		}
	}
	return string(b)
}

// ip6Compare compares two IPv6 or IPv4 strings under their combined mask
// and an optional prefix length (extra < 0 for none).
func ip6Compare(a, b string, extra int64) (int64, bool) {
	x, ok1 := ip6Parse(a)
	y, ok2 := ip6Parse(b)
	if !ok1 || !ok2 || extra > 128 {
		return 0, false
	}
	bits := min(x.bits, y.bits)
	if extra >= 0 {
		bits = min(bits, int(extra))
	}
	xh, xl := x.masked(bits)
	yh, yl := y.masked(bits)
	switch {
	case xh < yh || xh == yh && xl < yl:
		return -1, true
	case xh > yh || xl > yl:
		return 1, true
	}
	return 0, true
}

// ip6InRange reports whether address ip (masked by its own prefix) is in
// the network r.
func ip6InRange(ip, r ip6Net) bool {
	ih, il := ip.masked(ip.bits)
	mh, ml := ip6Masks(r.bits)
	return ih&mh == r.hi&mh && il&ml == r.lo&ml
}

func init() {
	defer inCategory(CatIP)()
	register(&Func{Name: "parse_ipv6", Pure: true, Ref: ipRef("parse_ipv6"),
		Doc: "Converts an IPv6 or IPv4 address (which may have a prefix, which masks it) to the canonical IPv6 form of eight four-digit groups; \"\" when it does not parse.",
		Sigs: []*Sig{sig(schema.String, Map1(func(s string) (string, bool) {
			n, ok := ip6Parse(s)
			if !ok {
				return "", true
			}
			return ip6Format(n.masked(n.bits)), true
		}), p("ip", tString))},
		Examples: []Example{{`parse_ipv6('192.168.255.255')`, "0000:0000:0000:0000:0000:ffff:c0a8:ffff"},
			{`parse_ipv6('192.168.255.255/24')`, "0000:0000:0000:0000:0000:ffff:c0a8:ff00"},
			{`parse_ipv6('fe80::85d:e82c:9446:7994/120')`, "fe80:0000:0000:0000:085d:e82c:9446:7900"}, {`parse_ipv6('nope')`, ""}}})
	register(&Func{Name: "parse_ipv6_mask", Pure: true, Ref: ipRef("parse_ipv6_mask"),
		Doc: "Converts an IPv6 or IPv4 address, masked to a prefix length from 0 to 128, to the canonical IPv6 form; \"\" when it does not parse.",
		Sigs: []*Sig{sig(schema.String, Map2(func(s string, bits int64) (string, bool) {
			n, ok := ip6Parse(s)
			if !ok || bits < 0 || bits > 128 {
				return "", true
			}
			return ip6Format(n.masked(min(n.bits, int(bits)))), true
		}), p("ip", tString), p("prefix", Integer))},
		Examples: []Example{{`parse_ipv6_mask('192.168.255.255', 120)`, "0000:0000:0000:0000:0000:ffff:c0a8:ff00"},
			{`parse_ipv6_mask('192.168.255.255/24', 124)`, "0000:0000:0000:0000:0000:ffff:c0a8:ff00"},
			{`parse_ipv6_mask('fe80::85d:e82c:9446:7994', 128)`, "fe80:0000:0000:0000:085d:e82c:9446:7994"},
			{`parse_ipv6_mask('fe80::85d:e82c:9446:7994/120', 124)`, "fe80:0000:0000:0000:085d:e82c:9446:7900"},
			{`parse_ipv6_mask('::192.168.255.255', 128)`, "0000:0000:0000:0000:0000:ffff:c0a8:ffff"},
			{`parse_ipv6_mask('::192.168.255.255/24', 128)`, "0000:0000:0000:0000:0000:ffff:c0a8:ff00"}}})
	register(&Func{Name: "ipv6_compare", Pure: true, Ref: ipRef("ipv6_compare"),
		Doc: "Compares two IPv6 or IPv4 addresses under their combined mask and an optional prefix length: -1, 0 or 1; null when one does not parse.",
		Sigs: []*Sig{
			sig(schema.Long, Map2(func(a, b string) (int64, bool) { return ip6Compare(a, b, -1) }), p("ip1", tString), p("ip2", tString)),
			sig(schema.Long, Map3(func(a, b string, bits int64) (int64, bool) {
				if bits < 0 {
					return 0, false
				}
				return ip6Compare(a, b, bits)
			}), p("ip1", tString), p("ip2", tString), p("prefix", Integer)),
		},
		Examples: []Example{{`ipv6_compare('fe80::85d:e82c:9446:7994/120', 'fe80::85d:e82c:9446:7998')`, "0"},
			{`ipv6_compare('192.168.1.1', '::ffff:c0a8:0101')`, "0"}, {`ipv6_compare('::192.168.1.1/30', '192.168.1.255/24')`, "0"},
			{`ipv6_compare('fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995', 127)`, "0"},
			{`ipv6_compare('fe80::1', 'fe80::2')`, "-1"}, {`ipv6_compare('fe81::1', 'fe80::2')`, "1"}}})
	register(&Func{Name: "ipv6_is_match", Pure: true, Ref: ipRef("ipv6_is_match"),
		Doc: "Returns true when two IPv6 or IPv4 addresses are equal under their combined mask and an optional prefix length; null when one does not parse.",
		Sigs: []*Sig{
			sig(schema.Bool, Map2(func(a, b string) (bool, bool) {
				c, ok := ip6Compare(a, b, -1)
				return c == 0, ok
			}), p("ip1", tString), p("ip2", tString)),
			sig(schema.Bool, Map3(func(a, b string, bits int64) (bool, bool) {
				c, ok := ip6Compare(a, b, bits)
				return c == 0, ok && bits >= 0
			}), p("ip1", tString), p("ip2", tString), p("prefix", Integer)),
		},
		Examples: []Example{{`ipv6_is_match('::ffff:c0a8:0101', '192.168.1.255/24')`, "true"},
			{`ipv6_is_match('fe80::85d:e82c:9446:7994/127', 'fe80::85d:e82c:9446:7998', 120)`, "true"},
			{`ipv6_is_match('fe80::1', 'fe80::2')`, "false"}}})
	register(&Func{Name: "ipv6_is_in_range", Pure: true, Ref: ipRef("ipv6_is_in_range"),
		Doc: "Returns true when an IPv6 or IPv4 address is in a network in IP-prefix notation; null when one does not parse.",
		Sigs: []*Sig{sig(schema.Bool, Map2(func(a, r string) (bool, bool) {
			x, ok1 := ip6Parse(a)
			y, ok2 := ip6Parse(r)
			return ok1 && ok2 && ip6InRange(x, y), ok1 && ok2
		}), p("ip", tString), p("ip_range", tString))},
		Examples: []Example{
			{`ipv6_is_in_range('a5e:f127:8a9d:146d:e102:b5d3:c755:abcd', 'a5e:f127:8a9d:146d:e102:b5d3:c755:0000/112')`, "true"},
			{`ipv6_is_in_range('a5e:f127:8a9d:146d:e102:b5d3:c755:abcd', 'a5e:f127:8a9d:146d:e102:b5d3:c755:abcd')`, "true"},
			{`ipv6_is_in_range('a5e:f127:8a9d:146d:e102:b5d3:c755:abcd', '0:0:0:0:0:ffff:c0a8:ac/60')`, "false"}}})
	register(&Func{Name: "ipv6_is_in_any_range", Pure: true, Ref: ipRef("ipv6_is_in_any_range"),
		Doc: "Returns true when an IPv6 or IPv4 address is in any of a list of networks in IP-prefix notation (strings, or dynamic arrays of them); null when the address does not parse.",
		Sigs: []*Sig{{Params: []Param{p("ip", tIPList), p("ranges", tIPList)}, Variadic: true, Result: Returns(schema.Bool),
			Eval: ipAnyKernel(ip6Parse, func(text string, nets []ip6Net) (bool, bool) {
				ip, ok := ip6Parse(text)
				if !ok {
					return false, false
				}
				for _, r := range nets {
					if ip6InRange(ip, r) {
						return true, true
					}
				}
				return false, true
			})}},
		Examples: []Example{
			{`ipv6_is_in_any_range("a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd", dynamic(["a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd/112", "0:0:0:0:0:ffff:c0a8:ac/60"]))`, "true"},
			{`ipv6_is_in_any_range("a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd", "a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd/112", "0:0:0:0:0:ffff:c0a8:ac/60")`, "true"},
			{`ipv6_is_in_any_range("a5e:f127:8a9d:146d:e102:b5d3:c756:abd1", "a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd/112", "0:0:0:0:0:ffff:c0a8:ac/60")`, "false"}}})
}
