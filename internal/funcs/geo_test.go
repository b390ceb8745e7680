package funcs

import (
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

// TestGeoInfoWithoutDatabase checks the offline answer: every documented
// field null for a valid address, null for an invalid one, and a fresh
// bag each time (bags are shared by reference).
func TestGeoInfoWithoutDatabase(t *testing.T) {
	for _, ip := range []string{"20.53.203.50", "2a03:2880:f12c:83:face:b00c::25de", "10.0.0.1/8"} {
		v, ok := geoInfo(ip)
		if !ok {
			t.Fatalf("geoInfo(%q) is null", ip)
		}
		if got := string(value.AppendJSON(nil, v)); got != `{"country":null,"state":null,"city":null,"latitude":null,"longitude":null}` {
			t.Errorf("geoInfo(%q) = %s", ip, got)
		}
	}
	a, _ := geoInfo("1.1.1.1")
	b, _ := geoInfo("1.1.1.1")
	if a.(*value.Bag) == b.(*value.Bag) {
		t.Error("geoInfo shares one bag between calls")
	}
	for _, ip := range []string{"", "nope", "1.2.3.4.5", "1.1.1.1/33"} {
		if _, ok := geoInfo(ip); ok {
			t.Errorf("geoInfo(%q) is not null", ip)
		}
	}
}
