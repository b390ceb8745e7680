package funcs

import (
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// geoInfoKeys are the fields of geo_info_from_ip_address()'s result.
var geoInfoKeys = []string{"country", "state", "city", "latitude", "longitude"}

// geoInfo returns what geo_info_from_ip_address() knows of an address
// without a GeoIP database: a bag with every documented field null for a
// valid IPv4 or IPv6 address, null for anything else.
func geoInfo(ip string) (any, bool) {
	if _, ok := ip6Parse(ip); !ok {
		return nil, false
	}
	b := &value.Bag{Keys: append([]string(nil), geoInfoKeys...), Vals: make([]any, len(geoInfoKeys))}
	return b, true
}

func init() {
	defer inCategory(CatIP)()
	register(&Func{Name: "geo_info_from_ip_address", Pure: true, Ref: refFuncPage + "geo-info-from-ip-address-function",
		Doc:  "Returns the geolocation of an IPv4 or IPv6 address as a bag of country, state, city, latitude and longitude. kqlhunt has no GeoIP database yet, so every field is null (the whole value is null for an invalid address).",
		Sigs: []*Sig{sig(schema.Dynamic, Map1(geoInfo), p("ip", tString))},
		Examples: []Example{{`geo_info_from_ip_address('20.53.203.50')`, `{"country":null,"state":null,"city":null,"latitude":null,"longitude":null}`},
			{`isnull(geo_info_from_ip_address('20.53.203.50').country)`, "true"}, {`isnull(geo_info_from_ip_address('nope'))`, "true"}}})
}
