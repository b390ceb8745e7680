package funcs

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestIP4Parse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // masked address/bits, or "" when it does not parse
	}{
		{"192.168.1.1", "192.168.1.1/32"}, {" 192.168.1.1/24 ", "192.168.1.0/24"}, {"10.0.0.1/0", "0.0.0.0/0"},
		{"255.255.255.255/31", "255.255.255.254/31"}, {"01.002.3.4", "1.2.3.4/32"},
		{"256.1.1.1", ""}, {"1.2.3", ""}, {"1.2.3.4.5", ""}, {"1.2.3.4/33", ""}, {"1.2.3.4/", ""}, {"1.2.3.4/-1", ""},
		{"1.2.3.4/+8", ""}, {"1..2.3", ""}, {"1.2.3.0004", ""}, {"", ""}, {"::1", ""},
	} {
		got := ""
		if n, ok := ip4Parse(c.in); ok {
			got = ip4Format(n.masked()) + "/" + strconv.Itoa(n.bits)
		}
		if got != c.want {
			t.Errorf("ip4Parse(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestIP4Scan(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"These requests came from: 192.168.1.1, 10.1.1.115 and 10.1.1.201", "192.168.1.1 10.1.1.115 10.1.1.201"},
		{"05:04:54 127.0.0.1 GET /favicon.ico 404", "127.0.0.1"},
		{"05:04:54127.0.0.1 GET", ""},
		{"at 10.0.0.1.", "10.0.0.1"},
		{"ip=10.0.0.1;x", "10.0.0.1"},
		{"v1.2.3.4 1.2.3.4a 1.2.3.4.5 1.2.3.256", ""},
		{"é1.2.3.4 (1.2.3.4)", "1.2.3.4"},
		{"1.2.3.4", "1.2.3.4"},
	} {
		var found []string
		ip4Scan(c.text, func(a uint32) bool {
			found = append(found, ip4Format(a))
			return false
		})
		if got := strings.Join(found, " "); got != c.want {
			t.Errorf("ip4Scan(%q) found %q, want %q", c.text, got, c.want)
		}
	}
}

// TestIP4RangeToCIDRs checks on random ranges that the networks are
// aligned, contiguous, cover the range exactly and that no two adjacent
// ones could merge.
func TestIP4RangeToCIDRs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		a, b := r.Uint32(), r.Uint32()
		if i%3 == 0 {
			b = a + r.Uint32N(300)
			if b < a {
				b = a
			}
		}
		if a > b {
			a, b = b, a
		}
		next := uint64(a)
		var prevBits int
		for j, c := range ip4RangeToCIDRs(a, b) {
			n, ok := ip4Parse(c.(string))
			if !ok || n.masked() != n.addr {
				t.Fatalf("%s-%s: bad network %v", ip4Format(a), ip4Format(b), c)
			}
			if uint64(n.addr) != next {
				t.Fatalf("%s-%s: %v does not start at %s", ip4Format(a), ip4Format(b), c, ip4Format(uint32(next)))
			}
			if j > 0 && n.bits == prevBits && n.addr>>(32-n.bits)&1 == 1 {
				t.Fatalf("%s-%s: %v could merge with the one before", ip4Format(a), ip4Format(b), c)
			}
			prevBits = n.bits
			next += uint64(1) << (32 - n.bits)
		}
		if next != uint64(b)+1 {
			t.Fatalf("%s-%s: covered up to %d", ip4Format(a), ip4Format(b), next)
		}
	}
}
