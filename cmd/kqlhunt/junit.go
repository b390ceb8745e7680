package main

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/ruletest"
)

// testExts are the extensions that name a format of kqlhunt test.
var testExts = map[string]string{".xml": "junit", ".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "text"}

// junitReport collects the results of kqlhunt test as JUnit XML, in the
// form that CI systems read (the Ant JUnit task's, which Jenkins, GitLab,
// GitHub Actions reporters and Azure Pipelines accept): a <testsuites>
// root, a <testsuite> per test file in the order run, a <testcase> per
// test. A failed test has a <failure> whose message is the diff's first
// line and whose text is the diff; a test that could not run (its rule
// does not compile, say) an <error>; a file that does not load is a test
// case of its own with an <error>. With -v each case's findings are its
// <system-out>.
type junitReport struct {
	suites []*junitSuite
	index  map[string]*junitSuite
}

type junitSuites struct {
	XMLName  xml.Name      `xml:"testsuites"`
	Name     string        `xml:"name,attr"`
	Tests    int           `xml:"tests,attr"`
	Failures int           `xml:"failures,attr"`
	Errors   int           `xml:"errors,attr"`
	Suites   []*junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Cases    []*junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// suite returns the suite of test file name, made when new.
func (j *junitReport) suite(name string) *junitSuite {
	if j.index == nil {
		j.index = map[string]*junitSuite{}
	}
	s := j.index[name]
	if s == nil {
		s = &junitSuite{Name: name}
		j.index[name] = s
		j.suites = append(j.suites, s)
	}
	return s
}

// add records the result of one test.
func (j *junitReport) add(r ruletest.Result, verbose bool) {
	s := j.suite(r.File)
	c := &junitCase{Name: r.Name, Classname: classname(r), File: r.File, Line: r.Line, Time: "0"}
	s.Tests++
	switch {
	case r.Err != nil:
		s.Errors++
		c.Error = &junitProblem{Message: firstLine(r.Err.Error()), Type: "error", Text: xmlText(r.Diff)}
	case !r.Pass:
		s.Failures++
		c.Failure = &junitProblem{Message: firstLine(r.Diff), Type: "failure", Text: xmlText(r.Diff)}
	}
	if verbose && r.Err == nil {
		var b strings.Builder
		for _, f := range r.Findings {
			b.WriteString(f.String())
			b.WriteByte('\n')
		}
		c.SystemOut = xmlText(b.String())
	}
	s.Cases = append(s.Cases, c)
}

// broken records a test file or rule that did not load, as a case with
// an error.
func (j *junitReport) broken(err error, msg string) {
	name := firstLine(err.Error())
	file := "kqlhunt test"
	var list diag.List
	var nr *ruletest.NoRuleError
	var one diag.Diagnostic
	switch {
	case errors.As(err, &nr):
		file = nr.Err.FileName()
	case errors.As(err, &list) && len(list) > 0:
		file = list[0].FileName()
	case errors.As(err, &one):
		file = one.FileName()
	}
	s := j.suite(file)
	s.Tests++
	s.Errors++
	s.Cases = append(s.Cases, &junitCase{Name: "load " + file, Classname: file, File: file, Time: "0",
		Error: &junitProblem{Message: xmlText(name), Type: "load error", Text: xmlText(msg)}})
}

// classname is the test's class, by which JUnit reporters group cases:
// the rule file's path, else the test file's.
func classname(r ruletest.Result) string {
	p := r.Rule
	if p == "" {
		p = r.File
	}
	return p
}

// write writes the report as an XML document to w.
func (j *junitReport) write(w io.Writer) error {
	root := junitSuites{Name: "kqlhunt test", Suites: j.suites}
	for _, s := range j.suites {
		root.Tests += s.Tests
		root.Failures += s.Failures
		root.Errors += s.Errors
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return xmlText(l)
}

// xmlText replaces the characters that XML 1.0 cannot hold (control
// characters other than tab and line breaks, invalid UTF-8) by U+FFFD:
// encoding/xml would write them as character references that XML
// parsers refuse.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r == 0xFFFD:
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
