package prefilter

import (
	"fmt"
	"strings"
	"testing"
)

// benchLine is a DeviceNetworkEvents row as Advanced Hunting exports it:
// about 2 KB, with the escaped quotes and backslashes of command lines
// and paths.
var benchLine = []byte(`{"Timestamp":"2025-03-04T09:12:44.1234567Z","DeviceId":"0f3c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b","DeviceName":"ws-0042.contoso.local",` +
	`"ActionType":"ConnectionSuccess","RemoteIP":"203.0.113.7","RemotePort":443,"RemoteUrl":"host417.example.com","LocalIP":"10.20.14.42",` +
	`"LocalPort":50123,"Protocol":"Tcp","LocalIPType":"Private","RemoteIPType":"Public",` +
	`"InitiatingProcessSHA1":"a94a8fe5ccb19ba61c4c0873d391e987982fbbd3","InitiatingProcessSHA256":null,"InitiatingProcessMD5":"098f6bcd4621d373cade4e832627b4f6",` +
	`"InitiatingProcessFileName":"proc7.exe","InitiatingProcessFileSize":123456,"InitiatingProcessVersionInfoCompanyName":"Company 7",` +
	`"InitiatingProcessVersionInfoProductName":"Product 7","InitiatingProcessVersionInfoProductVersion":"1.0.7.0",` +
	`"InitiatingProcessVersionInfoInternalFileName":"proc7.exe","InitiatingProcessVersionInfoOriginalFileName":"proc7.exe",` +
	`"InitiatingProcessVersionInfoFileDescription":"Process 7","InitiatingProcessId":4242,` +
	`"InitiatingProcessCommandLine":"\"proc7.exe\" --session 12","InitiatingProcessCreationTime":"2025-03-04T09:00:01.1234567Z",` +
	`"InitiatingProcessFolderPath":"c:\\program files\\app7\\proc7.exe","InitiatingProcessParentFileName":"explorer.exe",` +
	`"InitiatingProcessParentId":1111,"InitiatingProcessParentCreationTime":"2025-03-04T08:00:00.0000000Z",` +
	`"InitiatingProcessAccountDomain":"contoso","InitiatingProcessAccountName":"user42",` +
	`"InitiatingProcessAccountSid":"S-1-5-21-1111111111-2222222222-3333333333-1042","InitiatingProcessAccountUpn":"user42@contoso.com",` +
	`"InitiatingProcessAccountObjectId":null,"InitiatingProcessIntegrityLevel":"Medium",` +
	`"InitiatingProcessTokenElevation":"TokenElevationTypeDefault","ReportId":9876,"AppGuardContainerId":"",` +
	`"AdditionalFields":null,"MachineGroup":null}`)

// plainLine is benchLine without backslashes.
var plainLine = []byte(strings.NewReplacer(`\"`, `'`, `\\`, `/`).Replace(string(benchLine)))

func seedCond() *Cond {
	return And(Term("screenmeet.com"), Term("Projector Inc"), Term("ScreenMeet"))
}

// packCond is an or of n rules, each an and of a domain and a company.
func packCond(n int) *Cond {
	var kids []*Cond
	for i := range n {
		kids = append(kids, And(Term(fmt.Sprintf("rmm-tool%d.com", i)), Term(fmt.Sprintf("Vendor %d Inc", i))))
	}
	return Or(kids...)
}

// BenchmarkMatch measures Match on a line that fails: the seed rule's
// three terms (bytes.Index), and packs of rules found by one
// Aho–Corasick pass or by bytes.Index per term, to choose when to use
// the gramIndex (lazySearches).
func BenchmarkMatch(b *testing.B) {
	run := func(name string, p *Program, line []byte) {
		var a *automaton
		if strings.HasSuffix(name, "aho-corasick") {
			a = newAutomaton(p.terms)
		}
		b.Run(name, func(b *testing.B) {
			m := p.NewMatcher()
			b.ReportAllocs()
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				hit := false
				if a != nil {
					hit = m.matchAC(a, line)
				} else {
					hit = m.Match(line)
				}
				if hit {
					b.Fatal("matched")
				}
			}
		})
	}
	run("seed/escaped", Compile(seedCond()), benchLine)
	run("seed/plain", Compile(seedCond()), plainLine)
	seedGrams := Compile(seedCond())
	seedGrams.grams = newGramIndex(seedGrams.bterms)
	run("seed/grams", seedGrams, benchLine)
	for _, n := range []int{2, 4, 8, 32, 200} {
		grams := Compile(packCond(n))
		grams.grams = newGramIndex(grams.bterms)
		idx := Compile(packCond(n))
		idx.grams = nil
		run(fmt.Sprintf("pack%d/aho-corasick", n), idx, benchLine)
		run(fmt.Sprintf("pack%d/grams", n), grams, benchLine)
		run(fmt.Sprintf("pack%d/index", n), idx, benchLine)
	}
}

// BenchmarkNormalize is the cost of lowering and unescaping a line.
func BenchmarkNormalize(b *testing.B) {
	for _, tc := range []struct {
		name string
		line []byte
	}{{"escaped", benchLine}, {"plain", plainLine}} {
		b.Run(tc.name, func(b *testing.B) {
			var buf []byte
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.line)))
			for b.Loop() {
				buf, _ = normalize(buf[:0], tc.line)
			}
		})
	}
}
