// Package ruletest runs detection tests: YAML files that give a rule input
// rows, table by table, and the findings it must return. They sit next to
// the rules they test, named like them with .test.yaml for .yaml:
//
//	rule: screenmeet_netconn.yaml     # relative to this file; in a pack, the rule's file name
//	now: 2025-03-05T00:00:00Z         # optional: the instant now() reads (default DefaultNow)
//	tests:
//	  - name: finds ScreenMeet on wks-1
//	    now: 2025-03-06T00:00:00Z     # optional, for this test only
//	    input:
//	      DeviceNetworkEvents:
//	        - {Timestamp: 2025-03-04T10:00:00Z, DeviceName: wks-1, RemoteUrl: api.screenmeet.com}
//	      DeviceProcessEvents:
//	        file: rows.jsonl          # any telemetry format kqlhunt reads, relative to this file
//	    expect:
//	      - {DeviceName: wks-1, RemoteUrl: api.screenmeet.com, Count: 1}
//	  - name: benign traffic
//	    input: {...}
//	    expect: none
//
// Input values are converted to the column types of the Defender XDR
// catalog (see convert for the forms each type takes); columns a row does
// not give are null, and tables the input does not give are empty. Each
// expected finding lists some output columns; it matches a finding whose
// values in those columns are equal to it. A test passes when the
// expectations and the findings pair off one to one, in any order.
//
// LoadFile and LoadFS decode a test file, reading the data files it names;
// every problem is a diag.Diagnostic at the file's line and column, in a
// diag.List. Run runs the tests of a file against its rule and
// returns a Result per test, with a readable diff for each failure.
package ruletest

import (
	"github.com/kqlhunt/kqlhunt/internal/diag/yamlpos"

	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/suggest"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// DefaultNow is the instant now() reads in a test file that gives no now:
// 2025-01-01T00:00:00Z. Tests never read the wall clock, so that they give
// the same result on every day.
var DefaultNow = value.DatetimeOf(mustTime("2025-01-01T00:00:00Z"))

// File is a decoded test file. Loading fills it; after that it is only
// read, and safe for concurrent use.
type File struct {
	// Path is the file's path as given to LoadFile, or its name in the
	// file system given to LoadFS.
	Path string
	// Rule names the rule under test as the file writes it: a path
	// relative to the test file's folder or, in a pack, the rule's file
	// name. RuleLine and RuleCol are the position of the value.
	Rule              string
	RuleLine, RuleCol int
	// Now is the instant now() reads in tests that do not set their own.
	Now   value.Datetime
	Tests []*Test

	yf    *yamlpos.File // the file's text and YAML tree, for messages
	dir   string        // the OS folder of the file, for LoadFile; "" for LoadFS
	files dataFiles     // opens the data files the tests name
}

// Test is one test of a file.
type Test struct {
	Name string
	// Line and Col are the position of the test's name.
	Line, Col int
	// Now is the instant now() reads: the test's own now, else the file's.
	Now value.Datetime
	// OwnNow tells that the test sets its own now.
	OwnNow bool
	// Inputs holds the rows of each table the test gives, sorted by table
	// name.
	Inputs []*Input
	// Expect lists the expected findings; empty for expect: none.
	Expect []*Expectation
}

// Input is the rows a test gives one table.
type Input struct {
	Table *schema.Table
	// Line and Col are the position of the table's name in the test file.
	Line, Col int
	// Rows holds the rows, every column of Table in order.
	Rows *value.Batch
	// DataFile is the file the rows come from, as the test file writes
	// it; "" for rows written inline.
	DataFile string
}

// Expectation is one expected finding: values of some output columns.
type Expectation struct {
	// Line and Col are the position of the mapping.
	Line, Col int
	// Cols are the columns in the order written.
	Cols []ExpectedColumn
}

// ExpectedColumn is one column of an Expectation. Its value is converted
// when the rule's output types are known, at Run.
type ExpectedColumn struct {
	Name      string
	Line, Col int // of the name

	node *yaml.Node
}

// RulePath returns the path of the rule file named by f.Rule, relative to
// the test file's folder; for a file loaded with LoadFS, the path in that
// file system.
func (f *File) RulePath() string {
	if f.dir == "" {
		return path.Join(path.Dir(f.Path), f.Rule)
	}
	if filepath.IsAbs(f.Rule) {
		return f.Rule
	}
	return filepath.Join(f.dir, filepath.FromSlash(f.Rule))
}

// Excerpt returns line line of the test file with a caret under column
// col, as diag.Diagnostic.Excerpt does.
func (f *File) Excerpt(line, col int) string { return f.yf.Errorf(line, col, "").Excerpt(nil) }

// IsTestFile reports whether name is a test file's name: it ends with
// .test.yaml or .test.yml, in any case.
func IsTestFile(name string) bool {
	l := strings.ToLower(name)
	return strings.HasSuffix(l, ".test.yaml") || strings.HasSuffix(l, ".test.yml")
}

// Find returns the test files that paths name, sorted and each once. A
// path may be a test file; a rule file (X.yaml), which names its test file
// X.test.yaml (or X.test.yml) next to it; or a folder, searched
// recursively for test files below folders whose names do not start with
// a dot. A rule without a test file, a folder without test files and a
// path that does not exist are errors; the files found elsewhere are
// still returned.
func Find(paths []string) ([]string, []error) {
	var errs []error
	var files []string
	for _, root := range paths {
		info, err := os.Stat(root)
		switch {
		case err != nil:
			errs = append(errs, err)
		case info.IsDir():
			n := len(files)
			below, werrs := rules.FilesBelow(root)
			errs = append(errs, werrs...)
			for _, p := range below {
				if IsTestFile(filepath.Base(p)) {
					files = append(files, p)
				}
			}
			if len(files) == n {
				errs = append(errs, fmt.Errorf("%s: no test files (*.test.yaml) in this folder", root))
			}
		default:
			p, err := testsOf(root)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			files = append(files, filepath.Clean(p))
		}
	}
	sort.Strings(files)
	return slices.Compact(files), errs
}

// testsOf returns the test file that the file p names: p itself, or for a
// rule X.yaml the test file X.test.yaml (or X.test.yml) beside it.
func testsOf(p string) (string, error) {
	if IsTestFile(p) {
		return p, nil
	}
	ext := filepath.Ext(p)
	switch strings.ToLower(ext) {
	case ".yaml", ".yml":
	default:
		return "", fmt.Errorf("%s: expected a rule (.yaml), a test file (.test.yaml) or a folder", p)
	}
	stem := strings.TrimSuffix(p, ext)
	for _, x := range []string{".test.yaml", ".test.yml"} {
		if st, err := os.Stat(stem + x); err == nil && !st.IsDir() {
			return stem + x, nil
		}
	}
	return "", fmt.Errorf("%s: no tests for this rule: expected them in %s", p, stem+".test.yaml")
}

// FindFS returns the names of the test files in fsys, sorted, for packs
// whose rules and tests are embedded.
func FindFS(fsys fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != "." && strings.HasPrefix(e.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if IsTestFile(e.Name()) {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// LoadFile reads and decodes the test file at path, with the tables of the
// Defender XDR catalog, and reads the data files it names (relative to its
// folder). An error reading path itself is returned as it is; every other
// error is an ErrorList sorted by position.
func LoadFile(path string) (*File, error) { return LoadFileCatalog(path, schema.Builtin()) }

// LoadFileCatalog is LoadFile with the tables of cat (the Defender XDR
// catalog extended with user schemas and watchlists, say).
func LoadFileCatalog(path string, cat *schema.Catalog) (*File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	return parse(path, src, dir, cat, osData{dir: dir})
}

// LoadFS is LoadFile for the test file name in fsys, whose data files are
// read from fsys too (relative to name's folder).
func LoadFS(fsys fs.FS, name string) (*File, error) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	return parse(name, src, "", schema.Builtin(), fsData{fsys: fsys, dir: path.Dir(name)})
}

// dataFiles gives the OS paths of the data files a test file names.
type dataFiles interface {
	// open returns the OS path of the file rel names and a function that
	// releases it.
	open(rel string) (p string, release func(), err error)
}

// osData finds data files relative to an OS folder.
type osData struct{ dir string }

func (d osData) open(rel string) (string, func(), error) {
	p := filepath.FromSlash(rel)
	if !filepath.IsAbs(p) {
		p = filepath.Join(d.dir, p)
	}
	if _, err := os.Stat(p); err != nil {
		return "", nil, err
	}
	return p, func() {}, nil
}

// fsData copies data files from a file system to a temporary folder, since
// the readers read OS files.
type fsData struct {
	fsys fs.FS
	dir  string
}

func (d fsData) open(rel string) (string, func(), error) {
	name := path.Join(d.dir, rel)
	data, err := fs.ReadFile(d.fsys, name)
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "kqlhunt-ruletest-")
	if err != nil {
		return "", nil, err
	}
	release := func() { os.RemoveAll(tmp) }
	p := filepath.Join(tmp, path.Base(name))
	if err := os.WriteFile(p, data, 0o600); err != nil {
		release()
		return "", nil, err
	}
	return p, release, nil
}

// LoadRule loads the rule f names from disk (see RulePath). A rule file
// that cannot be read gives a *NoRuleError at f's rule: value; the test
// file is wrong. A rule file that reads but does not decode gives the
// diag.List of rules.LoadFile; the rule is wrong, and Failed makes
// the failed results.
func (f *File) LoadRule() (*rules.Rule, error) {
	if f.dir == "" {
		return nil, f.ruleError("the rule of a test file in a pack is found with FindRule")
	}
	p := f.RulePath()
	r, err := rules.LoadFile(p)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = "no such file"
		}
		return nil, f.ruleError(fmt.Sprintf("cannot read rule %s: %s", p, msg))
	}
	return r, err
}

// FindRule returns the rule of rs whose file name is f.Rule, for test
// files of a pack, or a *NoRuleError at f's rule: value when there is
// none.
func (f *File) FindRule(rs []*rules.Rule) (*rules.Rule, error) {
	var names []string
	for _, r := range rs {
		if r.File == f.Rule || path.Base(filepath.ToSlash(r.File)) == path.Base(f.Rule) {
			return r, nil
		}
		names = append(names, path.Base(filepath.ToSlash(r.File)))
	}
	sort.Strings(names)
	return nil, f.ruleError(fmt.Sprintf("no rule file %q in the pack%s", f.Rule, suggest.DidYouMean(suggest.Name(f.Rule, names))))
}

func (f *File) ruleError(msg string) *NoRuleError {
	return &NoRuleError{Err: f.yf.Errorf(f.RuleLine, f.RuleCol, "%s", msg)}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
