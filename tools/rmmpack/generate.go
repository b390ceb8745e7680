package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Rule kinds: the stem suffix of a rule file, its table and its name.
const (
	kNet  = "netconn"
	kProc = "createproc"
	kSig  = "filesig"
)

var kindTable = map[string]string{
	kNet:  "DeviceNetworkEvents",
	kProc: "DeviceProcessEvents",
	kSig:  "DeviceFileCertificateInfo",
}

var kindTitle = map[string]string{
	kNet:  "Network connection",
	kProc: "Process",
	kSig:  "File signature",
}

// source is a fact a rule was made from.
type source struct {
	origin
	Value string
}

// ruleSpec is one rule before it is written.
type ruleSpec struct {
	Tool    *tool
	Kind    string
	Sources []source
	// netconn: the host conditions, after removing those a broader one
	// covers.
	Domains []domainCond
	// createproc and filesig: the alternatives, in the order written.
	Alts []procAlt
	// netconn: the tool's programs (exact file names) and the conditions
	// on the company of their version information; a connection made by
	// one of the programs, from one of the companies, is the tool's
	// whatever its address. Both are empty, or both are not.
	Programs   []string
	Publishers []atom
}

// File is the rule's file name in the pack.
func (r *ruleSpec) File() string { return "rmm_" + r.Tool.Slug + "_" + r.Kind + ".yaml" }

// Pack is a generated pack: file contents by name, and counts.
type Pack struct {
	Files map[string][]byte
	Stats Stats
}

// Stats counts what generation did.
type Stats struct {
	ToolsCovered, ToolsRead int
	Rules                   map[string]int // by kind
	FactsRead, FactsUsed    int
	Skipped                 map[string]int // by reason
	Repairs                 int
}

// Print writes the counts for a person.
func (s Stats) Print(w io.Writer) {
	total := 0
	for _, n := range s.Rules {
		total += n
	}
	fmt.Fprintf(w, "rmmpack: %d tools covered (of %d read), %d rules: %d %s, %d %s, %d %s\n",
		s.ToolsCovered, s.ToolsRead, total, s.Rules[kNet], kNet, s.Rules[kProc], kProc, s.Rules[kSig], kSig)
	skipped := 0
	for _, n := range s.Skipped {
		skipped += n
	}
	fmt.Fprintf(w, "facts: %d read, %d used, %d skipped; %d jischell query repairs\n", s.FactsRead, s.FactsUsed, skipped, s.Repairs)
	reasons := sortedKeys(s.Skipped)
	sort.SliceStable(reasons, func(i, j int) bool { return s.Skipped[reasons[i]] > s.Skipped[reasons[j]] })
	for _, r := range reasons {
		fmt.Fprintf(w, "%6d  %s\n", s.Skipped[r], r)
	}
}

// Generate reads the catalogs under dir and makes the pack.
func Generate(dir string) (*Pack, error) {
	c, err := readCatalogs(dir)
	if err != nil {
		return nil, err
	}
	g := &generator{c: c}
	for _, t := range c.tools {
		t.words = toolWords(t, t.websites...)
	}
	if err := checkMisattributed(c.tools); err != nil {
		return nil, err
	}
	for _, t := range c.tools {
		g.judge(t)
	}
	return g.pack()
}

// generator holds the rules and skips being made.
type generator struct {
	c     *catalogs
	specs []*ruleSpec
	skips []skip
	read  int
	used  int
}

func (g *generator) skipFact(t *tool, f rawFact, reason string) {
	g.skips = append(g.skips, skip{Tool: t, origin: f.origin, Fact: f.Value, Reason: reason})
}

// judge turns the facts of t into rule specs.
func (g *generator) judge(t *tool) {
	net := &ruleSpec{Tool: t, Kind: kNet}
	proc := &ruleSpec{Tool: t, Kind: kProc}
	sig := &ruleSpec{Tool: t, Kind: kSig}
	// Domains, with the facts each condition stands for.
	type dom struct {
		c   domainCond
		src []source
	}
	var doms []*dom
	addDomain := func(c domainCond, s source) {
		for _, d := range doms {
			if d.c.Kind == c.Kind && d.c.Host == c.Host {
				d.src = append(d.src, s)
				return
			}
		}
		doms = append(doms, &dom{c: c, src: []source{s}})
	}
	np := &netProcess{}
	procSeen := map[string]int{}
	addAlt := func(r *ruleSpec, a procAlt, s source) {
		k := a.key()
		if _, ok := procSeen[r.Kind+k]; !ok {
			procSeen[r.Kind+k] = len(r.Alts)
			r.Alts = append(r.Alts, a)
		}
		r.Sources = append(r.Sources, s)
	}
	for _, f := range t.facts {
		g.read++
		s := source{origin: f.origin, Value: f.Value}
		var why string
		switch f.Kind {
		case fDomain:
			var c domainCond
			if c, why = judgeDomain(f.Value, t.Slug, f.Has); why == "" {
				addDomain(c, s)
			}
		case fFileName:
			if why = judgeProgramName(f.Value, true, t.Slug); why == "" {
				addAlt(proc, nameAlt(f.Value), s)
				np.program(f.Value, s)
			}
		case fPath, fDiskFile:
			var a procAlt
			if a, why = judgePath(f.Value, f.Kind == fDiskFile, t.Slug); why == "" {
				addAlt(proc, a, s)
				if a.Col == "FileName" && a.Op == "in~" { // a bare program name
					np.program(a.Vals[0], s)
				}
			}
		case fOriginal:
			if why = judgeOriginalName(f.Value); why == "" {
				addAlt(proc, procAlt{Col: "ProcessVersionInfoOriginalFileName", Op: "in~", Vals: []string{f.Value}}, s)
			}
		case fProduct, fCompany:
			col := "ProcessVersionInfoProductName"
			if f.Kind == fCompany {
				col = "ProcessVersionInfoCompanyName"
			}
			if why = judgeVendorText(f.Value); why == "" && len(f.Value) < 3 {
				why = rsShortName
			}
			if why == "" {
				addAlt(proc, procAlt{Col: col, Op: "in~", Vals: []string{f.Value}}, s)
				if f.Kind == fCompany {
					np.publisher(atom{Col: ipCompany, Op: "in~", Vals: []string{f.Value}}, s)
				}
			}
		case fDescription:
			if why = judgeDescription(f.Value, t); why == "" {
				addAlt(proc, procAlt{Col: "ProcessVersionInfoFileDescription", Op: "in~", Vals: []string{f.Value}}, s)
			}
		case fPEOther:
			why = rsPEOther
		case fSigner:
			name := cleanSigner(f.Value)
			if why = judgeSigner(name, f.SignedFileCompany, t); why == "" {
				why = judgeMultiProduct(name)
			}
			if why == "" {
				addAlt(sig, procAlt{Col: "Signer", Op: "in~", Vals: []string{name}}, s)
				np.publisher(atom{Col: ipCompany, Op: "in~", Vals: []string{name}}, s)
			}
		case fProcFormula, fSigFormula:
			if why = judgeFormula(f.Formula, f.Kind == fSigFormula); why == "" {
				r := proc
				if f.Kind == fSigFormula {
					r = sig
				}
				addAlt(r, procAlt{Formula: f.Formula}, source{origin: f.origin, Value: f.Value})
				np.formula(f.Formula, t.Slug, s)
			}
		case fNetProcess:
			if a, ok := f.Formula.(atom); ok && netPublisher(a) {
				// Used when the tool has a program to pair it with;
				// counted below.
				np.pending = append(np.pending, f)
				np.publisher(atom{Col: ipCompany, Op: a.Op, Vals: a.Vals}, s)
				continue
			}
			why = rsNetProcess
		}
		if why != "" {
			g.skipFact(t, f, why)
		} else {
			g.used++
		}
	}
	// Keep the domain conditions no other one covers; their facts, and
	// the facts of the covered ones, are the rule's sources.
	for i, d := range doms {
		covered := false
		for j, e := range doms {
			if i != j && e.c.covers(d.c) {
				covered = true
				break
			}
		}
		if !covered {
			net.Domains = append(net.Domains, d.c)
		}
		net.Sources = append(net.Sources, d.src...)
	}
	if len(np.programs) > 0 && len(np.publishers) > 0 {
		net.Programs, net.Publishers = np.programs, mergeAtoms(np.publishers)
		for _, s := range np.sources {
			if !slices.Contains(net.Sources, s) {
				net.Sources = append(net.Sources, s)
			}
		}
		g.used += len(np.pending)
	} else {
		for _, f := range np.pending {
			g.skipFact(t, f, rsNetPublisherAlone)
		}
	}
	for _, r := range []*ruleSpec{net, proc, sig} {
		if len(r.Domains) > 0 || len(r.Alts) > 0 || len(r.Programs) > 0 {
			r.Alts = mergeAlts(r.Alts)
			g.specs = append(g.specs, r)
		}
	}
}

// checkMisattributed makes sure every entry of misattributed names a tool
// that lists the domain, so that a renamed tool or a fixed catalog does not
// leave a stale entry behind.
func checkMisattributed(tools []*tool) error {
	bySlug := map[string]*tool{}
	for _, t := range tools {
		bySlug[t.Slug] = t
	}
	for _, k := range sortedPairs(misattributed) {
		t := bySlug[k[1]]
		if t == nil {
			return fmt.Errorf("misattributed (facts.go) names tool %q, which no catalog has", k[1])
		}
		found := false
		for _, f := range t.facts {
			v := strings.ToLower(strings.TrimPrefix(f.Value, "*."))
			if f.Kind == fDomain && (v == k[0] || strings.HasSuffix(v, "."+k[0])) {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("misattributed (facts.go) lists %s for %s, which has no such domain", k[0], t.Name)
		}
	}
	return nil
}

func sortedPairs(m map[[2]string]string) [][2]string {
	keys := make([][2]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+"\x00"+keys[i][1] < keys[j][0]+"\x00"+keys[j][1] })
	return keys
}

// judgeMultiProduct leaves out signers of vendors that sign many products
// besides the tool.
func judgeMultiProduct(s string) string {
	low := strings.ToLower(s)
	for _, v := range []struct{ word, why string }{
		{"nch software", "NCH Software signs many products besides the tool (WavePad, Express Scribe and others)"},
		{"famatech", "Famatech also signs Advanced IP Scanner, which admins run widely"},
		{"barracuda networks", "Barracuda Networks signs many security products besides the RMM"},
	} {
		if strings.Contains(low, v.word) {
			return "a signer of many products: " + v.why
		}
	}
	return ""
}

// judgeFormula leaves out a jischell condition that rests only on a large
// vendor's name: a signer check, or company checks with nothing else.
func judgeFormula(c cond, signer bool) string {
	as := atoms(c)
	for _, a := range as {
		if a.Op == opaqueOp {
			return fmt.Sprintf("the condition %q is not a comparison of a column with constants", a.Vals[0])
		}
	}
	onlyCompany := true
	for _, a := range as {
		if a.Col != "ProcessVersionInfoCompanyName" && a.Col != "Signer" {
			onlyCompany = false
		}
	}
	if !onlyCompany {
		return ""
	}
	for _, a := range as {
		for _, v := range a.Vals {
			if why := judgeVendorText(v); why != "" {
				return why
			}
			if signer {
				if why := judgeMultiProduct(v); why != "" {
					return why
				}
			}
		}
	}
	return ""
}

// mergeAlts joins the in~ alternatives of one column into one list,
// keeping the first spelling of values equal but for case, in the order
// first seen; other alternatives keep their order after them.
func mergeAlts(alts []procAlt) []procAlt {
	var out []procAlt
	lists := map[string]int{}
	seen := map[string]bool{}
	for _, a := range alts {
		if a.Op != "in~" {
			out = append(out, a)
			continue
		}
		i, ok := lists[a.Col]
		if !ok {
			i = len(out)
			lists[a.Col] = i
			out = append(out, procAlt{Col: a.Col, Op: "in~"})
		}
		for _, v := range a.Vals {
			k := a.Col + "\x00" + strings.ToLower(v)
			if !seen[k] {
				seen[k] = true
				out[i].Vals = append(out[i].Vals, v)
			}
		}
	}
	// Lists first, in a fixed column order, then the rest as they came.
	order := map[string]int{
		"FileName": 0, "ProcessVersionInfoOriginalFileName": 1, "ProcessVersionInfoProductName": 2,
		"ProcessVersionInfoCompanyName": 3, "ProcessVersionInfoFileDescription": 4, "Signer": 5,
	}
	out = pruneFolders(out)
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := 10, 10
		if out[i].Op == "in~" {
			ri = order[out[i].Col]
		}
		if out[j].Op == "in~" {
			rj = order[out[j].Col]
		}
		return ri < rj
	})
	return out
}

// pruneFolders drops FolderPath alternatives that another one covers: a
// path under a startswith prefix, or one holding a contains part. Their
// facts stay in the rule's sources.
func pruneFolders(alts []procAlt) []procAlt {
	covers := func(b, a procAlt) bool {
		if a.Col != "FolderPath" || b.Col != "FolderPath" || a.Op == "matches regex" {
			return false
		}
		av, bv := strings.ToLower(a.Vals[0]), strings.ToLower(b.Vals[0])
		switch b.Op {
		case "startswith":
			return (a.Op == "startswith" || a.Op == "=~") && strings.HasPrefix(av, bv)
		case "contains":
			return strings.Contains(av, bv)
		}
		return false
	}
	var out []procAlt
	for i, a := range alts {
		covered := false
		for j, b := range alts {
			if i != j && covers(b, a) && !(covers(a, b) && j > i) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, a)
		}
	}
	return out
}

// pack writes every file of the pack and checks each rule loads and
// compiles.
func (g *generator) pack() (*Pack, error) {
	p := &Pack{Files: map[string][]byte{}, Stats: Stats{Rules: map[string]int{}, Skipped: map[string]int{}}}
	cat := schema.Defender()
	covered := map[*tool]bool{}
	for _, r := range g.specs {
		name := r.File()
		text := g.ruleText(r)
		rule, err := rules.Parse("pack:rmm/"+name, text)
		if err != nil {
			return nil, fmt.Errorf("generated rule does not load: %w", err)
		}
		if _, err := kql.Compile(rule.Query, cat, kql.Options{Name: rule.File, Pos: rule.QueryPosition}); err != nil {
			return nil, fmt.Errorf("generated rule %s does not compile:\n%v", name, err)
		}
		test, err := testText(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		p.Files[name] = text
		p.Files[strings.TrimSuffix(name, ".yaml")+".test.yaml"] = test
		p.Stats.Rules[r.Kind]++
		covered[r.Tool] = true
	}
	for _, s := range append(g.c.ignored, g.skips...) {
		p.Stats.Skipped[s.Reason]++
	}
	p.Stats.ToolsCovered = len(covered)
	p.Stats.ToolsRead = len(g.c.tools)
	p.Stats.FactsRead = g.read + len(g.c.ignored)
	p.Stats.FactsUsed = g.used
	p.Stats.Repairs = len(g.c.repairs)
	p.Files["SKIPPED.md"] = g.skippedText(covered)
	p.Files["README.md"] = g.readmeText(p.Stats)
	p.Files["LICENSE-jischell"] = g.c.jischellLicense
	p.Files["LICENSE-LOLRMM"] = g.c.lolrmmLicense
	return p, nil
}

// Write writes the pack into dir, creating it, and removes the files of dir
// that the pack does not have. It refuses a dir with subfolders, which the
// generator never makes.
func (p *Pack) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			return fmt.Errorf("%s holds the folder %s; the pack folder holds only generated files", dir, e.Name())
		}
	}
	for _, e := range entries {
		if _, ok := p.Files[e.Name()]; !ok {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	for _, name := range sortedKeys(p.Files) {
		if err := os.WriteFile(filepath.Join(dir, name), p.Files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
