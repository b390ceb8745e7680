package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Catalog names, as rules and SKIPPED.md cite them.
const (
	catLOLRMM   = "LOLRMM"
	catJischell = "jischell"
)

// factKind says what a fact is about, and so how it may become a condition.
type factKind int

const (
	fDomain      factKind = iota // a network domain or host pattern
	fFileName                    // a program's file name (PEMetadata.Filename)
	fPath                        // an installation path: a folder or a program
	fDiskFile                    // a file the tool writes (Artifacts.Disk)
	fOriginal                    // PE OriginalFileName
	fProduct                     // PE ProductName
	fCompany                     // PE CompanyName
	fDescription                 // PE FileDescription
	fPEOther                     // a PE field this pack does not match on
	fSigner                      // a code-signing certificate's subject
	fProcFormula                 // a jischell create-process condition
	fSigFormula                  // a jischell file-signature condition
	fNetProcess                  // a process condition inside a jischell network query
)

// origin is where a catalog states a fact: the catalog, the file inside
// the catalog's folder, and the field or query condition.
type origin struct {
	Catalog string
	File    string
	Where   string
}

// rawFact is a fact as the catalog states it, before it is judged.
type rawFact struct {
	origin
	Kind  factKind
	Value string
	// Has is set for domains taken from a jischell `has` condition or the
	// jischell CSV, which stand for the domain and its subdomains.
	Has bool
	// SignedFileCompany is the company named in the version information of
	// the file a LOLRMM certificate was taken from, when the catalog gives it.
	SignedFileCompany string
	// Formula is the condition of a jischell query (fProcFormula,
	// fSigFormula), or one atom of it (fNetProcess).
	Formula cond
}

// tool is one RMM tool with the facts of both catalogs.
type tool struct {
	Name     string
	Slug     string
	Category string // LOLRMM's RMM or RAT; "" for tools only jischell lists
	// Description is the LOLRMM description, one paragraph.
	Description string
	LOLFiles    []string // LOLRMM files, relative to lolrmm/
	JDirs       []string // jischell tool folders
	facts       []rawFact
	websites    []string
	// words is the lowercased text of the tool's entries, which a signer
	// must share a word with to be believed (see corroborated).
	words string
}

// catalogs is what Generate reads.
type catalogs struct {
	tools     []*tool
	byLOLFile map[string]*tool
	// jischellCommit and lolrmmCommit are the upstream commits the shared
	// copies were taken at, from the shared README.
	jischellCommit, lolrmmCommit   string
	jischellLicense, lolrmmLicense []byte
	repairs                        []repair
	// ignored lists what was read but holds no facts for this pack.
	ignored []skip
}

// readCatalogs reads both catalogs under dir.
func readCatalogs(dir string) (*catalogs, error) {
	c := &catalogs{byLOLFile: map[string]*tool{}}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		return nil, fmt.Errorf("reading the catalogs' README for their commits: %w", err)
	}
	if c.jischellCommit, err = commitOf(readme, "jischell/"); err != nil {
		return nil, err
	}
	if c.lolrmmCommit, err = commitOf(readme, "lolrmm/"); err != nil {
		return nil, err
	}
	if c.jischellLicense, err = os.ReadFile(filepath.Join(dir, "jischell", "LICENSE")); err != nil {
		return nil, err
	}
	if c.lolrmmLicense, err = os.ReadFile(filepath.Join(dir, "lolrmm", "LICENSE")); err != nil {
		return nil, err
	}
	if err := c.readLOLRMM(filepath.Join(dir, "lolrmm")); err != nil {
		return nil, err
	}
	if err := c.readJischell(filepath.Join(dir, "jischell")); err != nil {
		return nil, err
	}
	for _, t := range c.tools {
		if err := t.setSlug(); err != nil {
			return nil, err
		}
	}
	sort.Slice(c.tools, func(i, j int) bool { return c.tools[i].Slug < c.tools[j].Slug })
	for i := 1; i < len(c.tools); i++ {
		if c.tools[i].Slug == c.tools[i-1].Slug {
			return nil, fmt.Errorf("tools %q and %q have the same file name stem %q", c.tools[i-1].Name, c.tools[i].Name, c.tools[i].Slug)
		}
	}
	return c, nil
}

// commitOf finds the commit of the catalog folder in the shared README's
// table: a row starting "| `folder` |" that holds a 40-digit hash.
func commitOf(readme []byte, folder string) (string, error) {
	re := regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(folder) + "` \\|.*?\\b([0-9a-f]{40})\\b")
	m := re.FindSubmatch(readme)
	if m == nil {
		return "", fmt.Errorf("the shared README has no commit for %s (expected a table row \"| `%s` | ... | <40-hex commit> |\")", folder, folder)
	}
	return string(m[1]), nil
}

// nameKey is the key tools are merged by: the name's letters and digits,
// lowercased, so that "Remote Utilities" and "RemoteUtilities" are one tool.
func nameKey(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// setSlug sets the stem of the tool's rule files from its name.
func (t *tool) setSlug() error {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(t.Name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			sep = false
		} else {
			sep = true
		}
	}
	if b.Len() == 0 {
		return fmt.Errorf("tool %q has no letters or digits to name its files by", t.Name)
	}
	t.Slug = b.String()
	return nil
}

// lolEntry is the part of a LOLRMM entry this pack reads. Fields whose
// shape varies between entries are yaml.Nodes.
type lolEntry struct {
	Name        string `yaml:"Name"`
	Category    string `yaml:"Category"`
	Description string `yaml:"Description"`
	Details     struct {
		Website           any       `yaml:"Website"`
		PEMetadata        yaml.Node `yaml:"PEMetadata"`
		InstallationPaths []any     `yaml:"InstallationPaths"`
	} `yaml:"Details"`
	Artifacts struct {
		Disk []struct {
			File any `yaml:"File"`
		} `yaml:"Disk"`
		Network []struct {
			Domains []any `yaml:"Domains"`
		} `yaml:"Network"`
	} `yaml:"Artifacts"`
	CodeSigning struct {
		Certificates []struct {
			SignerName     any `yaml:"signer_name"`
			SrcFileCompany any `yaml:"src_file_company"`
		} `yaml:"certificates"`
		SignerNames  []any `yaml:"signer_names"`
		CompanyNames []any `yaml:"company_names"`
	} `yaml:"CodeSigning"`
}

// str renders a YAML scalar decoded into an any as text; nil is "".
func str(v any) string {
	if v == nil {
		return ""
	}
	return strings.TrimSpace(fmt.Sprint(v))
}

func (c *catalogs) readLOLRMM(dir string) error {
	var files []string
	for _, pat := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(filepath.Join(dir, "yaml", pat))
		if err != nil {
			return err
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		return fmt.Errorf("no LOLRMM entries in %s", filepath.Join(dir, "yaml"))
	}
	sort.Strings(files)
	byKey := map[string]*tool{}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel := "yaml/" + filepath.Base(path)
		var e lolEntry
		if err := yaml.Unmarshal(src, &e); err != nil {
			return fmt.Errorf("lolrmm/%s: %w", rel, err)
		}
		name := strings.TrimSpace(e.Name)
		if name == "" {
			return fmt.Errorf("lolrmm/%s: no Name", rel)
		}
		key := nameKey(name)
		t := byKey[key]
		if t == nil {
			t = &tool{Name: name, Category: strings.TrimSpace(e.Category), Description: oneParagraph(e.Description)}
			byKey[key] = t
			c.tools = append(c.tools, t)
		}
		t.LOLFiles = append(t.LOLFiles, rel)
		c.byLOLFile[filepath.Base(path)] = t
		t.websites = append(t.websites, str(e.Details.Website))
		c.lolFacts(t, rel, &e)
	}
	return nil
}

// oneParagraph joins the lines of a description into one paragraph.
func oneParagraph(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// lolFacts collects the facts of one LOLRMM entry.
func (c *catalogs) lolFacts(t *tool, file string, e *lolEntry) {
	add := func(kind factKind, where, value string) *rawFact {
		if value == "" {
			return nil
		}
		t.facts = append(t.facts, rawFact{origin: origin{catLOLRMM, file, where}, Kind: kind, Value: value})
		return &t.facts[len(t.facts)-1]
	}
	for i, n := range e.Artifacts.Network {
		for j, d := range n.Domains {
			add(fDomain, fmt.Sprintf("Artifacts.Network[%d].Domains[%d]", i, j), str(d))
		}
	}
	for i, p := range e.Details.InstallationPaths {
		add(fPath, fmt.Sprintf("Details.InstallationPaths[%d]", i), str(p))
	}
	for i, d := range e.Artifacts.Disk {
		add(fDiskFile, fmt.Sprintf("Artifacts.Disk[%d].File", i), str(d.File))
	}
	// PEMetadata is a mapping in most entries and a list of mappings in
	// some.
	pe := &e.Details.PEMetadata
	var entries []*yaml.Node
	switch pe.Kind {
	case yaml.MappingNode:
		entries = []*yaml.Node{pe}
	case yaml.SequenceNode:
		entries = pe.Content
	}
	for i, m := range entries {
		if m.Kind != yaml.MappingNode {
			continue
		}
		prefix := "Details.PEMetadata"
		if pe.Kind == yaml.SequenceNode {
			prefix = fmt.Sprintf("Details.PEMetadata[%d]", i)
		}
		for k := 0; k+1 < len(m.Content); k += 2 {
			key, val := m.Content[k].Value, m.Content[k+1]
			if val.Kind != yaml.ScalarNode {
				continue
			}
			v := strings.TrimSpace(val.Value)
			where := prefix + "." + key
			switch key {
			case "Filename":
				add(fFileName, where, v)
			case "OriginalFileName":
				add(fOriginal, where, v)
			case "Product":
				add(fProduct, where, v)
			case "Company":
				add(fCompany, where, v)
			case "Description":
				add(fDescription, where, oneParagraph(v))
			default:
				add(fPEOther, where, v)
			}
		}
	}
	for i, cert := range e.CodeSigning.Certificates {
		if f := add(fSigner, fmt.Sprintf("CodeSigning.certificates[%d].signer_name", i), str(cert.SignerName)); f != nil {
			f.SignedFileCompany = str(cert.SrcFileCompany)
		}
	}
	for i, s := range e.CodeSigning.SignerNames {
		add(fSigner, fmt.Sprintf("CodeSigning.signer_names[%d]", i), str(s))
	}
	for i, s := range e.CodeSigning.CompanyNames {
		add(fCompany, fmt.Sprintf("CodeSigning.company_names[%d]", i), str(s))
	}
}

// jischellQuery is the part of a jischell hunting-query file this pack
// reads.
type jischellQuery struct {
	Name  string `yaml:"name"`
	Query string `yaml:"query"`
}

// jischellFile matches the hunting-query files of a tool folder.
var jischellFile = regexp.MustCompile(`^rmm_(.+)_(createproc|filesig|netconn)\.yaml$`)

func (c *catalogs) readJischell(dir string) error {
	dirs, err := os.ReadDir(filepath.Join(dir, "RMM"))
	if err != nil {
		return err
	}
	byDir := map[string]*tool{}
	toolOf := func(d string) (*tool, error) {
		if t := byDir[d]; t != nil {
			return t, nil
		}
		lol, ok := jischellTools[d]
		if !ok {
			return nil, fmt.Errorf("jischell tool folder RMM/%s is not in jischellTools (tools.go): map it to its LOLRMM file, or to \"\" for a tool of its own", d)
		}
		var t *tool
		if lol == "" {
			t = &tool{Name: d}
			c.tools = append(c.tools, t)
		} else if t = c.byLOLFile[lol]; t == nil {
			return nil, fmt.Errorf("jischellTools maps RMM/%s to %s, which is not a LOLRMM entry", d, lol)
		}
		t.JDirs = append(t.JDirs, d)
		byDir[d] = t
		return t, nil
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, "RMM", d.Name()))
		if err != nil {
			return err
		}
		for _, f := range files {
			m := jischellFile.FindStringSubmatch(f.Name())
			if m == nil {
				continue
			}
			t, err := toolOf(d.Name())
			if err != nil {
				return err
			}
			rel := "RMM/" + d.Name() + "/" + f.Name()
			if err := c.readJischellQuery(t, filepath.Join(dir, filepath.FromSlash(rel)), rel, m[2]); err != nil {
				return err
			}
		}
	}
	return c.readJischellCSV(dir, toolOf)
}

// connectorIndent matches a `dataTypes:` key that sits level with the `-
// connectorId:` item above it, the indentation defect of every jischell
// query file (shared README, defect 1).
var connectorIndent = regexp.MustCompile(`(?m)^( *)(- connectorId:[^\r\n]*\r?\n)( *)(dataTypes:)`)

// readJischellQuery reads the facts of one hunting-query file of kind
// createproc, filesig or netconn.
func (c *catalogs) readJischellQuery(t *tool, path, rel, kind string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	fixed := connectorIndent.ReplaceAllFunc(src, func(m []byte) []byte {
		sub := connectorIndent.FindSubmatch(m)
		if len(sub[1]) != len(sub[3]) {
			return m
		}
		return bytes.Join([][]byte{sub[1], sub[2], sub[3], []byte("  "), sub[4]}, nil)
	})
	var q jischellQuery
	if err := yaml.Unmarshal(fixed, &q); err != nil {
		return fmt.Errorf("jischell/%s: %w", rel, err)
	}
	if strings.TrimSpace(q.Query) == "" {
		return fmt.Errorf("jischell/%s: no query", rel)
	}
	table, pred, reps, err := parseJischell(q.Query)
	for _, r := range reps {
		r.File = rel
		c.repairs = append(c.repairs, r)
	}
	o := origin{Catalog: catJischell, File: rel, Where: "query"}
	if err != nil {
		c.ignored = append(c.ignored, skip{Tool: t, origin: o, Fact: "the whole query", Reason: err.Error()})
		return nil
	}
	want := map[string]string{"createproc": "DeviceProcessEvents", "filesig": "DeviceFileCertificateInfo", "netconn": "DeviceNetworkEvents"}[kind]
	if table != want {
		return fmt.Errorf("jischell/%s: the query reads %s, expected %s", rel, table, want)
	}
	switch kind {
	case "netconn":
		// The network rule keys on domains: the RemoteUrl constants. The
		// query's conditions on the initiating process are recorded as
		// not used.
		var other []cond
		for _, a := range atoms(pred) {
			if a.Col == "RemoteUrl" && (a.Op == "has" || a.Op == "has_any") {
				for i, v := range a.Vals {
					t.facts = append(t.facts, rawFact{origin: origin{catJischell, rel, fmt.Sprintf("query: RemoteUrl %s [%d]", a.Op, i)}, Kind: fDomain, Value: v, Has: true})
				}
				continue
			}
			other = append(other, a)
		}
		for _, a := range other {
			t.facts = append(t.facts, rawFact{origin: origin{catJischell, rel, "query"}, Kind: fNetProcess, Value: formatCond(a), Formula: a})
		}
	case "createproc":
		t.facts = append(t.facts, rawFact{origin: o, Kind: fProcFormula, Value: formatCond(pred), Formula: pred})
	case "filesig":
		t.facts = append(t.facts, rawFact{origin: o, Kind: fSigFormula, Value: formatCond(pred), Formula: pred})
	}
	return nil
}

// readJischellCSV reads the domains of Network Indicators/RMM_SummaryNetworkURI.csv.
func (c *catalogs) readJischellCSV(dir string, toolOf func(string) (*tool, error)) error {
	rel := "Network Indicators/RMM_SummaryNetworkURI.csv"
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 2
	recs, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("jischell/%s: %w", rel, err)
	}
	if len(recs) == 0 || recs[0][0] != "URI" || recs[0][1] != "RMM_Tool" {
		return fmt.Errorf("jischell/%s: expected the header URI,RMM_Tool", rel)
	}
	for i, rec := range recs[1:] {
		name := strings.ToLower(strings.TrimSpace(rec[1]))
		d, ok := jischellCSVTools[name]
		if !ok {
			return fmt.Errorf("jischell/%s:%d: tool %q is not in jischellCSVTools (tools.go)", rel, i+2, rec[1])
		}
		t, err := toolOf(d)
		if err != nil {
			return err
		}
		t.facts = append(t.facts, rawFact{origin: origin{catJischell, rel, fmt.Sprintf("line %d", i+2)}, Kind: fDomain, Value: strings.TrimSpace(rec[0]), Has: true})
	}
	return nil
}
