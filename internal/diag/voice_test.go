package diag

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The voice of kqlhunt's messages (docs/architecture.md, "Errors"):
// lowercase, no final period. TestMessageVoice holds every message written
// as a literal in the module's non-test Go files to the first two rules;
// quoting and "expected X, got Y" are for reviewers.

// voiceCallees are the functions whose first string literal argument is a
// message: errors.New and fmt.Errorf, and the Errorf, Warnf and errorAt
// helpers with which the packages report diagnostics, and the CLI's fail.
// The Msg and Reason fields of composite literals are messages too.
var voiceCallees = regexp.MustCompile(`^(Errorf|errorf|Warnf|warnf|errorAt|errorNode|ruleError|fail)$`)

// voiceUpper are the words a message may start with although they are
// capitalized: acronyms, and names whose case is their spelling.
var voiceUpper = regexp.MustCompile(`^(?:(?:KQL|JSON|CSV|YAML|GUID|IP|IPv4|IPv6|URL|HTML|SHA1|SHA256|MD5|ECS|HTTP)\b|FileProfile\(\))`)

// voiceProblems returns a line per message of f that breaks the voice.
// In a file named errors.go, the strings its functions return are
// messages too (the checker's messages live in such a file).
func voiceProblems(fset *token.FileSet, f *ast.File, name string) []string {
	var out []string
	check := func(lit *ast.BasicLit) {
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			return
		}
		s = strings.TrimSpace(s)
		if s == "" || strings.HasPrefix(s, "%") {
			return
		}
		switch r := s[0]; {
		case r >= 'A' && r <= 'Z' && !voiceUpper.MatchString(s):
			out = append(out, fset.Position(lit.Pos()).String()+": starts with a capital letter: "+lit.Value)
		case strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "..."):
			out = append(out, fset.Position(lit.Pos()).String()+": ends with a period: "+lit.Value)
		}
	}
	firstString := func(args []ast.Expr) {
		for _, a := range args {
			if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				check(lit)
				return
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			switch fn := n.Fun.(type) {
			case *ast.SelectorExpr:
				pkg, _ := fn.X.(*ast.Ident)
				switch {
				case pkg != nil && pkg.Name == "errors" && fn.Sel.Name == "New",
					pkg != nil && pkg.Name == "fmt" && fn.Sel.Name == "Errorf",
					voiceCallees.MatchString(fn.Sel.Name):
					firstString(n.Args)
				}
			case *ast.Ident:
				if voiceCallees.MatchString(fn.Name) {
					firstString(n.Args)
				}
			}
		case *ast.KeyValueExpr:
			if k, ok := n.Key.(*ast.Ident); ok && (k.Name == "Msg" || k.Name == "Reason") {
				firstString([]ast.Expr{n.Value})
			}
		case *ast.ReturnStmt:
			if filepath.Base(name) != "errors.go" || len(n.Results) != 1 {
				break
			}
			switch r := n.Results[0].(type) {
			case *ast.BasicLit:
				if r.Kind == token.STRING {
					check(r)
				}
			case *ast.CallExpr:
				if sel, ok := r.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" {
					firstString(r.Args)
				}
			}
		}
		return true
	})
	return out
}

// TestVoiceProblems checks that voiceProblems finds what it is for.
func TestVoiceProblems(t *testing.T) {
	src := `package p
func f() {
	_ = errors.New("Bad thing")
	_ = fmt.Errorf("bad thing %d.", 1)
	_ = fmt.Errorf("JSON is fine")
	_ = fmt.Errorf("so is this...")
	d.errorAt(n, "Capital")
	c.Errorf(1, 2, "%s", "Not a format")
	_ = Diagnostic{Msg: "Keyed."}
}
func msg() string { return "Returned." }
func two() string { return fmt.Sprintf("Two %s", x) }
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "errors.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := voiceProblems(fset, f, "errors.go")
	want := []string{`"Bad thing"`, `"bad thing %d."`, `"Capital"`, `"Keyed."`, `"Returned."`, `"Two %s"`}
	if len(got) != len(want) {
		t.Fatalf("found %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		if !strings.HasSuffix(got[i], w) {
			t.Errorf("problem %d = %s, want one about %s", i, got[i], w)
		}
	}
}

// TestMessageVoice scans the module's non-test Go files.
func TestMessageVoice(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Skip("module root not found:", err)
	}
	fset := token.NewFileSet()
	n := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		n++
		for _, problem := range voiceProblems(fset, f, p) {
			t.Error(problem)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Errorf("scanned %d files; the walk missed the module", n)
	}
}
