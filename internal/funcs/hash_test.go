package funcs

import "testing"

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
