package funcs

import (
	"fmt"
	"slices"
	"sync"

	"github.com/ua-parser/uap-go/uaparser"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file declares parse_user_agent(). Kusto matches the text against
// the ua-parser project's regular expressions (uap-core); kqlhunt uses the
// same expressions through github.com/ua-parser/uap-go, whose version
// go.mod pins, so a user agent that uap-core's later releases classify
// differently may differ from the cluster's answer.

// uaParser compiles the ua-parser expressions on first use (they are
// many, and most queries do not parse user agents). uaparser.Parser is
// safe for concurrent use: its cache is a locked LRU and its matchers are
// read only.
var uaParser = sync.OnceValue(func() *uaparser.Parser {
	p, err := uaparser.New()
	if err != nil {
		panic("funcs: the embedded ua-parser expressions do not compile: " + err.Error())
	}
	return p
})

// userAgentTargets are the look_for values parse_user_agent() knows, in
// the order their members appear in its result.
var userAgentTargets = []string{"browser", "os", "device"}

// parseUserAgent implements parse_user_agent(): a bag with a member for
// each target look_for names (a string, or an array of strings), in the
// order Browser, OperatingSystem, Device. An agent the expressions do not
// know has the family "Other" and empty versions, as uap-core says. A
// look_for that names no known target, or holds anything but strings,
// gives null.
// https://learn.microsoft.com/kusto/query/parse-user-agent-function
func parseUserAgent(ua string, lookFor any) (any, bool) {
	want := map[string]bool{}
	switch l := lookFor.(type) {
	case string:
		want[l] = true
	case []any:
		for _, x := range l {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			want[s] = true
		}
	default:
		return nil, false
	}
	for k := range want {
		known := false
		for _, t := range userAgentTargets {
			known = known || k == t
		}
		if !known {
			return nil, false
		}
	}
	if len(want) == 0 {
		return nil, false
	}
	p := uaParser()
	out := &value.Bag{}
	if want["browser"] {
		b := p.ParseUserAgent(ua)
		out.Set("Browser", &value.Bag{Keys: []string{"Family", "MajorVersion", "MinorVersion", "Patch"},
			Vals: []any{b.Family, b.Major, b.Minor, b.Patch}})
	}
	if want["os"] {
		o := p.ParseOs(ua)
		out.Set("OperatingSystem", &value.Bag{Keys: []string{"Family", "MajorVersion", "MinorVersion", "Patch", "PatchMinor"},
			Vals: []any{o.Family, o.Major, o.Minor, o.Patch, o.PatchMinor}})
	}
	if want["device"] {
		d := p.ParseDevice(ua)
		out.Set("Device", &value.Bag{Keys: []string{"Family", "Brand", "Model"},
			Vals: []any{d.Family, d.Brand, d.Model}})
	}
	return out, true
}

// checkLookFor validates a constant look_for: "browser", "os", "device",
// or an array of them.
func checkLookFor(v any) error {
	targets := []any{v}
	if arr, ok := v.([]any); ok {
		targets = arr
		if len(arr) == 0 {
			return fmt.Errorf(`look_for must name at least one of "browser", "os" and "device"`)
		}
	}
	for _, t := range targets {
		s, _ := t.(string)
		if !slices.Contains(userAgentTargets, s) {
			return fmt.Errorf(`look_for must be "browser", "os", "device" or an array of them, got %s`, value.AppendJSON(nil, t))
		}
	}
	return nil
}

func init() {
	defer inCategory(CatString)()
	register(&Func{Name: "parse_user_agent", Pure: true, Ref: refText + "parse-user-agent-function",
		Doc: `Parses a user-agent string with the ua-parser expressions into a dynamic bag of what look_for names ("browser", "os", "device", or an array of them): Browser {Family, MajorVersion, MinorVersion, Patch}, OperatingSystem {Family, MajorVersion, MinorVersion, Patch, PatchMinor}, Device {Family, Brand, Model}.`,
		Sigs: []*Sig{
			sig(schema.Dynamic, Map2(func(ua, lookFor string) (any, bool) { return parseUserAgent(ua, lookFor) }),
				p("user_agent", tString), Param{Name: "look_for", Types: tString, Check: checkLookFor}),
			sig(schema.Dynamic, Map2(parseUserAgent), p("user_agent", tString), Param{Name: "look_for", Types: tDynamic, Check: checkLookFor}),
		},
		Examples: []Example{
			{`parse_user_agent("Mozilla/5.0 (Windows; U; en-US) AppleWebKit/531.9 (KHTML, like Gecko) AdobeAIR/2.5.1", "browser")`,
				`{"Browser":{"Family":"AdobeAIR","MajorVersion":"2","MinorVersion":"5","Patch":"1"}}`},
			{`parse_user_agent("Mozilla/5.0 (SymbianOS/9.2; U; Series60/3.1 NokiaN81-3/10.0.032 Profile/MIDP-2.0 Configuration/CLDC-1.1 ) AppleWebKit/413 (KHTML, like Gecko) Safari/4", dynamic(["browser","os","device"]))`,
				`{"Browser":{"Family":"Nokia OSS Browser","MajorVersion":"3","MinorVersion":"1","Patch":""},"OperatingSystem":{"Family":"Symbian OS","MajorVersion":"9","MinorVersion":"2","Patch":"","PatchMinor":""},"Device":{"Family":"Nokia N81","Brand":"Nokia","Model":"N81-3"}}`},
		}})
}
