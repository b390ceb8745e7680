package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/clickhouse"
	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/hunt"
	"github.com/kqlhunt/kqlhunt/internal/packs"
	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/ruletest"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

// exitTestsFailed is the exit code of `kqlhunt test` when a test failed
// (the code hunt uses for --fail-on-findings).
const exitTestsFailed = exitFindings

// rulePacks is what `kqlhunt test --pack` needs of the built-in rule packs:
// their names, their rules and their test files.
type rulePacks interface {
	// Names returns the pack names, sorted.
	Names() []string
	// Load returns the rules of pack name.
	Load(name string) ([]*rules.Rule, error)
	// Tests returns a file system holding the pack's test files
	// (*.test.yaml, anywhere in it) and the data files they name.
	Tests(name string) (fs.FS, error)
}

// builtinPacks adapts internal/packs to rulePacks.
type builtinPacks struct{}

func (builtinPacks) Names() []string                         { return packs.Names() }
func (builtinPacks) Load(name string) ([]*rules.Rule, error) { return packs.Load(name) }

func (builtinPacks) Tests(name string) (fs.FS, error) { return packs.Tests(name) }

func testCommand(e *env) *cobra.Command { return newTestCommand(e, builtinPacks{}) }

// testFlags are the options of `kqlhunt test`.
type testFlags struct {
	pack    string
	run     string
	outputs outputFlags
	verbose bool
	engine  string
	catalog catalogFlags
	quiet   bool
	sel     hunt.Selection
}

func newTestCommand(e *env, pks rulePacks) *cobra.Command {
	tf := testFlags{outputs: outputFlags{def: "text", exts: testExts}}
	cmd := &cobra.Command{
		Use:   "test PATH... [--pack NAME] [--run REGEX] [--rule GLOB]... [--format text|jsonl|junit [-o FILE]]... [--engine URL] [-q] [-v]",
		Short: "Run detection tests: rules over given rows, compared with the expected findings",
		Long: `Run the detection tests of rules: YAML files named like the rule with .test.yaml,
which give the rule input rows, table by table, and list the findings it must
return (or expect: none). A PATH may be a test file, a rule (whose X.test.yaml
is run) or a folder, searched recursively for *.test.yaml files; --pack runs
the tests of a built-in rule pack.

Each test prints PASS or FAIL with its name and position; a failure shows what
differed: expected findings that are missing, findings that were not expected,
and, for a near miss, the columns that differ. A summary follows.

Input values convert to the columns' types in the built-in catalog
(datetimes in ISO 8601, dynamic values as YAML mappings and lists or JSON
text); columns a row does not give are null. now() reads the file's now:,
else 2025-01-01T00:00:00Z, never the clock.

--format junit writes JUnit XML for CI systems (GitHub Actions, GitLab, Jenkins,
Azure Pipelines): a <testsuite> per test file, a <testcase> per test, with a
<failure> holding the diff, or an <error> when the test could not run; a file
that does not load is a test case with an <error>. Several outputs can be
written at once: --format junit -o junit.xml keeps the text on the terminal.

Exit codes: 0 every test passed; 1 a test failed; 2 usage error, or a test
file or rule file that does not load.`,
		Example: `  kqlhunt test examples/rules
  kqlhunt test examples/rules/screenmeet_netconn.yaml --run 'notscreenmeet' -v
  kqlhunt test --pack rmm --format jsonl
  kqlhunt test rules/ --format junit -o junit.xml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTests(e, pks, args, tf)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&tf.pack, "pack", "", "run the tests of the built-in rule pack `NAME`")
	fl.StringVar(&tf.run, "run", "", "run only the tests whose names match `REGEX`")
	tf.outputs.register(cmd, "output `FORMAT`: text, jsonl or junit (JUnit XML)")
	fl.BoolVarP(&tf.verbose, "verbose", "v", false, "print every test's findings, passing or not")
	engineFlag(cmd, &tf.engine, "run each test's rule over its rows (loaded into a scratch database, dropped afterwards)")
	tf.catalog.register(cmd, true)
	fl.BoolVarP(&tf.quiet, "quiet", "q", false, "print only the tests that fail, and the summary when some did")
	selectFlags(cmd, &tf.sel)
	return cmd
}

// testRun accumulates the outcome of `kqlhunt test`.
type testRun struct {
	e *env
	// outs are the outputs, each with its format: text, jsonl or junit.
	outs    []testOutput
	junit   *junitReport // when some output is junit
	verbose bool
	quiet   bool
	opts    ruletest.Options
	passed  int
	failed  int
	broken  int // test files and rules that did not load
	sel     hunt.Selection
	// deselected counts the test files whose rule the selection left out.
	deselected int
}

func runTests(e *env, pks rulePacks, paths []string, tf testFlags) error {
	if len(paths) == 0 && tf.pack == "" {
		return fail(exitUsage, "no tests: give a test file, rule or folder, or --pack NAME")
	}
	if err := checkSelection(tf.sel); err != nil {
		return err
	}
	tr := &testRun{e: e, verbose: tf.verbose, quiet: tf.quiet, sel: tf.sel}
	cat, err := tf.catalog.catalog(paths)
	if err != nil {
		return err
	}
	tr.opts.Catalog = cat
	tr.opts.Watchlists = tf.catalog.loaded
	specs, err := tf.outputs.resolve(func(s string) (string, error) {
		s = strings.ToLower(s)
		if s != "text" && s != "jsonl" && s != "junit" {
			return "", fmt.Errorf("unknown format %q, expected text, jsonl or junit", s)
		}
		return s, nil
	})
	if err != nil {
		return err
	}
	ws, closeOutputs, err := openOutputs(e.stdout, specs)
	if err != nil {
		return err
	}
	defer closeOutputs()
	for i, sp := range specs {
		tr.outs = append(tr.outs, testOutput{format: sp.format, w: ws[i], stdout: sp.path == ""})
		if sp.format == "junit" && tr.junit == nil {
			tr.junit = &junitReport{}
		}
	}
	if tf.run != "" {
		re, err := regexp.Compile(tf.run)
		if err != nil {
			return fail(exitUsage, "--run: %v", err)
		}
		tr.opts.Match = re.MatchString
	}
	if tf.engine != "" {
		if len(tr.opts.Watchlists) > 0 {
			return fail(exitUsage, "--watchlist: a ClickHouse server has no watchlists; test --engine runs without them")
		}
		run, err := serverTests(e, tf.engine, cat)
		if err != nil {
			return err
		}
		tr.opts.Run = run
	}
	if tf.pack != "" {
		if err := tr.pack(pks, tf.pack); err != nil {
			return err
		}
	}
	if len(paths) > 0 {
		files, errs := ruletest.Find(paths)
		for _, err := range errs {
			tr.broken++
			fmt.Fprintf(e.stderr, "kqlhunt: %v\n", err)
		}
		for _, p := range files {
			if err := e.ctx.Err(); err != nil {
				return err
			}
			tr.file(p)
		}
	}
	err = tr.finish(tf.run)
	if cerr := closeError(closeOutputs()); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// testOutput is one output of kqlhunt test.
type testOutput struct {
	format string
	w      io.Writer
	stdout bool
}

// serverTests returns what runs a test's rule on the server at url
// (test --engine): over the test's rows, in a scratch database. A rule
// that runs in part in kqlhunt is said once, on standard error.
func serverTests(e *env, url string, cat *kql.Catalog) (func(context.Context, *kql.Query, []*ruletest.Input, kql.Datetime) ([]*kql.Result, error), error) {
	c, err := serverConn(url)
	if err != nil {
		return nil, err
	}
	if err := c.Ping(0); err != nil {
		return nil, fail(exitUsage, "--engine: %v", err)
	}
	said := map[string]bool{}
	return func(ctx context.Context, q *kql.Query, inputs []*ruletest.Input, now kql.Datetime) ([]*kql.Result, error) {
		tables := make([]clickhouse.TableRows, len(inputs))
		for i, in := range inputs {
			tables[i] = clickhouse.TableRows{Table: in.Table, Rows: in.Rows}
		}
		return clickhouse.RunOnRows(ctx, c, cat, q, tables, now, func(w string) {
			if !said[w] {
				said[w] = true
				fmt.Fprintf(e.stderr, "kqlhunt: warning: %s\n", w)
			}
		})
	}, nil
}

// file runs the tests of the test file at p.
func (tr *testRun) file(p string) {
	f, err := ruletest.LoadFileCatalog(p, tr.opts.Catalog)
	if err != nil {
		tr.loadError(err)
		return
	}
	r, err := f.LoadRule()
	var ne *ruletest.NoRuleError
	switch {
	case errors.As(err, &ne):
		tr.loadError(err)
	case err != nil:
		tr.print(ruletest.Failed(f, f.RulePath(), err, tr.opts))
	case !tr.sel.Match(r):
		tr.deselected++
	default:
		tr.print(ruletest.Run(tr.e.ctx, f, r, tr.opts))
	}
}

// pack runs the tests of the built-in pack name.
func (tr *testRun) pack(pks rulePacks, name string) error {
	known := pks.Names()
	found := false
	for _, n := range known {
		found = found || n == name
	}
	if !found {
		if len(known) == 0 {
			return fail(exitUsage, "--pack: unknown pack %q: this build has no rule packs", name)
		}
		known = append([]string(nil), known...)
		sort.Strings(known)
		return fail(exitUsage, "--pack: unknown pack %q, expected one of %s", name, strings.Join(known, ", "))
	}
	rs, err := pks.Load(name)
	if err != nil {
		return fail(exitUsage, "--pack %s: %s", name, strings.TrimRight(diag.FormatError(err), "\n"))
	}
	fsys, err := pks.Tests(name)
	if err != nil {
		return fail(exitUsage, "--pack %s: %v", name, err)
	}
	files, err := ruletest.FindFS(fsys)
	if err != nil {
		return fail(exitUsage, "--pack %s: %v", name, err)
	}
	if len(files) == 0 {
		return fail(exitUsage, "--pack %s: the pack has no tests", name)
	}
	for _, p := range files {
		if err := tr.e.ctx.Err(); err != nil {
			return err
		}
		f, err := ruletest.LoadFS(fsys, p)
		if err != nil {
			tr.loadError(packError(name, err))
			continue
		}
		r, err := f.FindRule(rs)
		if err != nil {
			tr.loadError(packError(name, err))
			continue
		}
		if !tr.sel.Match(r) {
			tr.deselected++
			continue
		}
		res := ruletest.Run(tr.e.ctx, f, r, tr.opts)
		for i := range res {
			res[i].File = packPath(name, res[i].File)
		}
		tr.print(res)
	}
	return nil
}

// packPath names file p of pack name in messages: pack:NAME/p.
func packPath(name, p string) string { return "pack:" + path.Join(name, p) }

// packError names the files of err after the pack they are in.
func packError(name string, err error) error {
	renamed := map[*diag.File]*diag.File{}
	rename := func(d *diag.Diagnostic) {
		if d.File == nil {
			return
		}
		f, ok := renamed[d.File]
		if !ok {
			f = diag.NewFile(packPath(name, d.File.Name), d.File.Text)
			renamed[d.File] = f
		}
		d.File = f
	}
	var list diag.List
	var nr *ruletest.NoRuleError
	var one diag.Diagnostic
	switch {
	case errors.As(err, &list):
		for i := range list { // list shares its elements with err's
			rename(&list[i])
		}
	case errors.As(err, &nr):
		rename(&nr.Err)
	case errors.As(err, &one):
		rename(&one)
		return one
	}
	return err
}

// loadError reports a test file or rule that did not load.
func (tr *testRun) loadError(err error) {
	tr.broken++
	msg := ruletest.FormatError(err)
	fmt.Fprint(tr.e.stderr, withNewline(msg))
	if tr.junit != nil {
		tr.junit.broken(err, msg)
	}
}

// print writes results and counts them.
func (tr *testRun) print(results []ruletest.Result) {
	for _, r := range results {
		if r.Pass {
			tr.passed++
		} else {
			tr.failed++
		}
		if tr.junit != nil {
			tr.junit.add(r, tr.verbose)
		}
		if tr.quiet && r.Pass {
			continue
		}
		for _, o := range tr.outs {
			switch o.format {
			case "jsonl":
				o.w.Write(resultJSON(r, tr.verbose))
			case "text":
				writeResultText(o.w, r, tr.verbose)
			}
		}
	}
}

// writeResultText writes r as text: PASS or FAIL, the name and position,
// the diff, and with verbose the findings.
func writeResultText(w io.Writer, r ruletest.Result, verbose bool) {
	status := "PASS"
	if !r.Pass {
		status = "FAIL"
	}
	fmt.Fprintf(w, "%s %s (%s:%d)\n", status, r.Name, r.File, r.Line)
	if r.Diff != "" {
		io.WriteString(w, indentLines(r.Diff, "    "))
	}
	if verbose && r.Err == nil {
		if len(r.Findings) == 0 {
			io.WriteString(w, "    findings: none\n")
		} else {
			io.WriteString(w, "    findings:\n")
			for _, fd := range r.Findings {
				fmt.Fprintf(w, "      - %s\n", fd)
			}
		}
	}
}

// finish prints the summary and returns the exit status.
func (tr *testRun) finish(run string) error {
	total := tr.passed + tr.failed
	summary := fmt.Sprintf("%d passed, %d failed", tr.passed, tr.failed)
	if tr.broken > 0 {
		summary += fmt.Sprintf(", %d %s did not load", tr.broken, pluralInt(tr.broken, "file", "files"))
	}
	if !tr.quiet || tr.failed > 0 || tr.broken > 0 {
		// The summary ends each text output, and goes to stderr when
		// standard output is not text.
		onStdout := false
		for _, o := range tr.outs {
			if o.format == "text" {
				fmt.Fprintln(o.w, summary)
				onStdout = onStdout || o.stdout
			}
		}
		if !onStdout {
			fmt.Fprintln(tr.e.stderr, summary)
		}
	}
	for _, o := range tr.outs {
		if o.format == "junit" {
			if err := tr.junit.write(o.w); err != nil {
				return err
			}
		}
	}
	switch {
	case tr.broken > 0:
		return fail(exitUsage, "")
	case total == 0 && tr.deselected > 0:
		return fail(exitUsage, "no test's rule matches %s", tr.sel)
	case total == 0 && run != "":
		return fail(exitUsage, "no test matches --run %q", run)
	case total == 0:
		return fail(exitUsage, "no tests found")
	case tr.failed > 0:
		return fail(exitTestsFailed, "")
	}
	return nil
}

// resultJSON renders a result as one JSON line: file, line, name, rule,
// pass, expected, got, and when set diff, error and (verbose) findings.
func resultJSON(r ruletest.Result, verbose bool) []byte {
	b := []byte(`{"file":`)
	b = value.AppendQuoted(b, r.File)
	b = fmt.Appendf(b, `,"line":%d,"name":`, r.Line)
	b = value.AppendQuoted(b, r.Name)
	b = append(b, `,"rule":`...)
	b = value.AppendQuoted(b, r.Rule)
	b = fmt.Appendf(b, `,"pass":%t,"expected":%d,"got":%d`, r.Pass, r.Expected, len(r.Findings))
	if r.Diff != "" {
		b = append(b, `,"diff":`...)
		b = value.AppendQuoted(b, r.Diff)
	}
	if r.Err != nil {
		b = append(b, `,"error":`...)
		b = value.AppendQuoted(b, r.Err.Error())
	}
	if verbose {
		b = append(b, `,"findings":[`...)
		for i, fd := range r.Findings {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			for j, c := range fd.Columns {
				if j > 0 {
					b = append(b, ',')
				}
				b = value.AppendQuoted(b, c.Name)
				b = append(b, ':')
				b = report.AppendJSONValue(b, c.Type, fd.Row[j])
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, "}\n"...)
}

// indentLines prefixes every line of s with prefix and ends it with a
// newline.
func indentLines(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(prefix)
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}
