package rules

import (
	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/schema"

	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LoadResult is what LoadAll found: the rules, and an account of every
// file and of everything it did not load.
type LoadResult struct {
	// Rules are the rules that loaded without error, in the order of
	// their files' sorted paths and, within a Markdown file, of their
	// blocks. Their ids are unique, compared case-insensitively.
	Rules []*Rule
	// Rejected are rules that decoded but have load errors: a field of
	// the wrong type, a missing query, an id used before. They must not
	// run; their queries can still be checked, as `kqlhunt rules validate`
	// does.
	Rejected []*Rule
	// Files has an entry for each file read, in order.
	Files []FileResult
	// Ignored are the files met in folders whose names no rule format
	// has (README.txt, data.csv), sorted.
	Ignored []string
	// Exclusions are the YAML files that are exclusions files (see
	// IsExclusions), which a folder of rules may hold beside the rules:
	// they are not loaded as rules.
	Exclusions []string
	// Diags holds every error and warning, sorted by file and position:
	// unreadable paths, YAML errors, repairs, skipped Markdown blocks,
	// duplicate ids.
	Diags ErrorList
}

// FileResult is the account of one file that LoadAll read.
type FileResult struct {
	Path   string
	Format Format
	// Rules and Rejected count the file's rules that loaded and that
	// did not (see LoadResult).
	Rules, Rejected int
	// Errors counts the errors about the file. A file with errors and no
	// rule loaded is refused.
	Errors int
	// Repairs counts the repairs made to read the file, each reported
	// with a warning.
	Repairs int
	// Skipped counts the Markdown blocks (or the .kql file) left out
	// with a warning because they were empty or not KQL.
	Skipped int
	// Other counts the Markdown code blocks in another language
	// (```powershell), which are not read.
	Other int
}

// Refused reports whether nothing loaded from the file because of errors.
func (f *FileResult) Refused() bool { return f.Errors > 0 && f.Rules == 0 }

// ruleExts are the extensions of the files that LoadAll looks for in
// folders.
var ruleExts = map[string]bool{
	".yaml": true, ".yml": true,
	".md": true, ".markdown": true,
	".kql": true, ".kusto": true, ".csl": true,
}

// LoadAll loads the rules in paths, each a file or a folder. A file is
// loaded whatever its name, in the format its extension tells (FormatOf);
// a folder is searched recursively, below folders whose names do not start
// with a dot, for files named *.yaml, *.yml, *.md, *.markdown, *.kql,
// *.kusto or *.csl (in any case), leaving out rule tests (*.test.yaml and
// *.test.yml, see `kqlhunt test`), the folder's schema file
// (schema.SchemaFileNames) and the files its functions' bodies are read
// from (schema.FuncFiles). Each file is loaded once, in the order
// of the sorted paths.
//
// Loading goes on past every problem, so that one bad file does not hide
// the rest; LoadResult says what each file gave. YAML files are read as
// ParseBytes reads them, with the known indentation defect repaired and a
// warning. A rule whose id (compared case-insensitively) an earlier rule
// has is an error, and the later rule is rejected.
//
// The error is nil when there were only warnings; otherwise it is an
// ErrorList of the errors in res.Diags. res is never nil.
func LoadAll(paths []string) (res *LoadResult, err error) {
	res = &LoadResult{}
	files, ignored, errs := findFiles(paths, func(p string) bool {
		return ruleExts[strings.ToLower(filepath.Ext(p))] && !isTestFile(p) && !schema.IsSchemaFile(p)
	})
	res.Ignored = ignored
	for _, err := range errs {
		res.Diags = append(res.Diags, ioError(err))
	}
	byID := map[string]*Rule{}
	for _, f := range files {
		fr := FileResult{Path: f, Format: FormatOf(f)}
		src, err := os.ReadFile(f)
		if err != nil {
			res.Diags = append(res.Diags, ioError(err))
			fr.Errors++
			res.Files = append(res.Files, fr)
			continue
		}
		if fr.Format == YAML && IsExclusions(src) {
			res.Exclusions = append(res.Exclusions, f)
			continue
		}
		p := parseFile(f, src)
		res.Diags = append(res.Diags, p.diags...)
		fr.Errors, fr.Repairs, fr.Skipped, fr.Other = len(p.diags.Errors()), p.repairs, p.skipped, p.other
		for _, r := range p.rules {
			if fr.Errors > 0 && r.Format == YAML { // a YAML file is one rule
				res.Rejected = append(res.Rejected, r)
				fr.Rejected++
				continue
			}
			id := strings.ToLower(r.ID)
			if first, dup := byID[id]; dup {
				res.Diags = append(res.Diags, duplicate(r, first))
				res.Rejected = append(res.Rejected, r)
				fr.Errors++
				fr.Rejected++
				continue
			}
			byID[id] = r
			res.Rules = append(res.Rules, r)
			fr.Rules++
		}
		res.Files = append(res.Files, fr)
	}
	res.Diags = res.Diags.Sort(nil)
	return res, res.Diags.Errors().Err()
}

// duplicate returns the error about r, whose id first already has.
func duplicate(r, first *Rule) Error {
	line, col, _ := r.KeyPosition("id")
	fline, _, _ := first.KeyPosition("id")
	msg := fmt.Sprintf("duplicate rule id %q, already used by %s:%d", r.ID, first.File, fline)
	if r.Format != YAML {
		msg += " (the id derives from the file name; rename one of the files)"
	}
	return r.diagFile().Errorf(line, col, "%s", msg)
}

// ParseBytes parses the rule file src, held in memory (an embedded file,
// say); name is its path, which tells its format (FormatOf) and names it
// in the rules and in messages. It returns the file's rules, the warnings
// about it (repairs made, blocks skipped) and, when there are errors, an
// ErrorList of them, each sorted by position.
//
// A YAML file gives one rule. When its text is not valid YAML only
// because a key of a list item sits at the indentation of the item's dash
// (every file of jischell-msft's RMM catalog has its dataTypes so), the key
// is read as part of the item and a warning says so; positions in the rule
// and in messages stay those of src. A YAML file that fails otherwise
// gives no rule; one whose fields are wrong gives the rule as far as it
// decoded, which must not be run. A Markdown file gives a rule per KQL
// block, a .kql file one rule.
func ParseBytes(name string, src []byte) ([]*Rule, ErrorList, error) {
	p := parseFile(name, src)
	return p.rules, p.diags.Warnings(), p.diags.Errors().Err()
}

// parseFile parses a file of any format.
func parseFile(name string, src []byte) (p *parsed) {
	defer func() {
		if x := recover(); x != nil {
			p = &parsed{diags: ErrorList{diag.NewFile(name, nil).Errorf(0, 0, "internal error loading the file: %v", x)}}
		}
	}()
	switch FormatOf(name) {
	case Markdown:
		p = parseMarkdown(name, src)
	case KQL:
		p = parseKQL(name, src)
	default:
		r, warns, err := parseYAMLRule(name, src, true)
		p = &parsed{diags: warns, repairs: len(warns)}
		if r != nil {
			p.rules = []*Rule{r}
		}
		var l ErrorList
		if errors.As(err, &l) {
			p.diags = append(p.diags, l...)
		}
	}
	p.diags = p.diags.Sort(nil)
	return p
}

// IsExclusions reports whether src, the text of a YAML file, is an
// exclusions file (see package exclude) rather than a rule: its top level
// is a mapping with an "exclusions" key and no "query" key.
func IsExclusions(src []byte) bool {
	if !bytes.Contains(src, []byte("exclusions")) {
		return false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 {
		return false
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return false
	}
	found := false
	for i := 0; i+1 < len(top.Content); i += 2 {
		switch top.Content[i].Value {
		case "exclusions":
			found = true
		case "query":
			return false
		}
	}
	return found
}

// isTestFile reports whether a file is a rule's tests, named like the rule
// with .test.yaml or .test.yml, in any case: a folder of rules holds them
// beside the rules, but they are not rules.
func isTestFile(name string) bool {
	l := strings.ToLower(name)
	return strings.HasSuffix(l, ".test.yaml") || strings.HasSuffix(l, ".test.yml")
}

// ioError turns an error reading a path into an Error about the path.
func ioError(err error) Error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return diag.NewFile(pe.Path, nil).Errorf(0, 0, "%s", pe.Err.Error())
	}
	return Error{Msg: err.Error()}
}

// findFiles returns the files that paths name: each path that is a file,
// and the files below each path that is a folder for which want is true,
// skipping folders whose names start with a dot. The files are sorted and
// unique. ignored are the files below folders for which want is false;
// errs the paths that could not be read.
func findFiles(paths []string, want func(string) bool) (files, ignored []string, errs []error) {
	seen := map[string]bool{}
	add := func(p string) {
		p = filepath.Clean(p)
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !info.IsDir() {
			add(root)
			continue
		}
		below, werrs := FilesBelow(root)
		errs = append(errs, werrs...)
		// The files that the folder's schema files name as the bodies of
		// workspace functions are not rules.
		bodies := map[string]bool{}
		for _, p := range below {
			if schema.IsSchemaFile(p) {
				for _, f := range schema.FuncFiles(p) {
					bodies[f] = true
				}
			}
		}
		for _, p := range below {
			if want(p) && !bodies[filepath.Clean(p)] {
				add(p)
			} else {
				ignored = append(ignored, p)
			}
		}
	}
	sort.Strings(files)
	sort.Strings(ignored)
	return files, slices.Compact(ignored), errs
}

// FilesBelow returns the files below the folder dir, recursively and in
// lexical order, leaving out the folders below dir whose names start with
// a dot (.git, say). errs holds the errors reading folders, in the order
// met; the files found elsewhere are still returned.
func FilesBelow(dir string) (files []string, errs []error) {
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, err)
			if e != nil && e.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			if p != dir && strings.HasPrefix(e.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	return files, errs
}
