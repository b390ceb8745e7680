package kql_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/kql"
)

// workspaceSchema declares tables and functions as a Sentinel workspace
// holds them; AWSIdentityRole's body is in a file of its own.
const workspaceSchema = `tables:
  Logins_CL:
    TimeGenerated: datetime
    User: string
    Hour: long
functions:
  IsWorkingTime:
    params: "date_time:datetime = datetime(null)"
    body: |
      let t = iff(isnull(date_time), datetime(2026-11-19 10:00), date_time);
      hourofday(t) between (8 .. 17)
  Double:
    params: "x:long, factor:long = 2"
    body: x * factor
  Tagged:
    params: "T:(*), tag:string"
    body: |
      T
      | extend Tag = tag, Doubled = Double(Hour)
  AllLogins:
    body: Logins_CL
  Role:
    params: "T:(*)"
    file: funcs/role.kql
`

const roleBody = `// The role of each user.
T
| extend Role = iff(User startswith "adm", "admin", "user")
`

// workspaceCatalog writes the schema file and its function file and
// returns the catalog they declare, with rows of Logins_CL.
func workspaceCatalog(t *testing.T, schemaText string) (*kql.Catalog, *kql.MemTables, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "funcs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "funcs", "role.kql"), []byte(roleBody), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ws.yaml")
	if err := os.WriteFile(path, []byte(schemaText), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := kql.LoadSchema(path, kql.Builtin())
	if err != nil {
		t.Fatalf("%s", diag.FormatError(err))
	}
	mem := kql.NewMemTables()
	err = mem.AddRows(cat.Table("Logins_CL"), []map[string]any{
		{"TimeGenerated": "2026-11-19T07:00:00Z", "User": "admin1", "Hour": 7},
		{"TimeGenerated": "2026-11-19T12:00:00Z", "User": "bob", "Hour": 12},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat, mem, dir
}

func TestWorkspaceFunctions(t *testing.T) {
	cat, mem, _ := workspaceCatalog(t, workspaceSchema)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		// Called without arguments: the default applies.
		{`print w = IsWorkingTime()`, []string{"w", "true"}},
		// With one.
		{`Logins_CL | project User, w = IsWorkingTime(TimeGenerated)`, []string{"User w", "admin1 false", "bob true"}},
		// Defaults, and a number of another numeric type.
		{`print a = Double(3), b = Double(3, 10), c = Double(int(4))`, []string{"a b c", "6 30 8"}},
		// A tabular parameter, a function calling another, a function
		// without parameters referenced as a table.
		{`Tagged(AllLogins, "t") | project User, Tag, Doubled`, []string{"User Tag Doubled", "admin1 t 14", "bob t 24"}},
		{`AllLogins() | count`, []string{"Count", "2"}},
		{`AllLogins | invoke Role() | project User, Role`, []string{"User Role", "admin1 admin", "bob user"}},
		{`Role((Logins_CL | where Hour > 10)) | project User, Role`, []string{"User Role", "bob user"}},
		// The query's own let shadows a workspace function.
		{`let Double = (x:long) { x * 3 }; print d = Double(2)`, []string{"d", "6"}},
		{`let AllLogins = datatable(User:string)["x"]; AllLogins`, []string{"User", "x"}},
	} {
		got := rowsOf(t, cat, mem, tc.query)
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.query, got, tc.want)
		}
	}
}

// TestWorkspaceFunctionErrors checks where the errors about functions
// are shown: in the schema file, in the function's own file, never at a
// wrong place in the query.
func TestWorkspaceFunctionErrors(t *testing.T) {
	cat, _, dir := workspaceCatalog(t, workspaceSchema)
	compileErr := func(cat *kql.Catalog, q string) string {
		t.Helper()
		_, err := kql.Compile(q, cat, kql.Options{Name: "q.kql"})
		if err == nil {
			t.Fatalf("%s: compiled", q)
		}
		return err.Error()
	}
	for _, tc := range []struct{ query, want string }{
		{`print Double()`, "q.kql:1:7: Double() expects 1 to 2 arguments, got 0"},
		// A string converts to a long parameter, as Kusto's analyzer
		// accepts it; the body cannot multiply it.
		{`print Double("a")`, "ws.yaml:14:11: in function 'Double': operator '*' is not defined for string and long"},
		{`print Double("a")`, "q.kql:1:7: function 'Double' (declared in " + filepath.Join(dir, "ws.yaml") + ") has errors here"},
		// An error inside a body, for the columns of the table passed:
		// placed in the function's file, and the call is marked.
		{`Role((print x = 1))`, filepath.Join(dir, "funcs", "role.kql") + ":3:21: in function 'Role': unknown column 'User'"},
		{`Role((print x = 1))`, "q.kql:1:1: function 'Role' (declared in " + filepath.Join(dir, "ws.yaml") + ") has errors here"},
		{`Tagged((print x = 1), "a")`, filepath.Join(dir, "ws.yaml") + ":19:44: in function 'Tagged': unknown column 'Hour'"},
	} {
		got := compileErr(cat, tc.query)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.query, got, tc.want)
		}
	}

	// Recursion is refused, directly and through another function.
	rec, err := kql.ParseSchema(filepath.Join(dir, "rec.yaml"), []byte(`functions:
  A:
    body: B()
  B:
    body: |
      1 + A()
`), kql.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	got := compileErr(rec, `print A()`)
	for _, want := range []string{"rec.yaml:6:11: in function 'B': function 'A' calls itself; recursion is not allowed", "q.kql:1:7: function 'A' (declared in"} {
		if !strings.Contains(got, want) {
			t.Errorf("recursion:\ngot  %s\nwant %s", got, want)
		}
	}
}

// TestWorkspaceSchemaErrors checks the errors of the functions section,
// at the schema file's positions or the function file's.
func TestWorkspaceSchemaErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.kql"), []byte("T\n| where x >\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ src, want string }{
		{"functions:\n  F:\n    params: \"x:lng\"\n    body: x\n", "s.yaml:3:16: in function 'F': invalid type name 'lng'"},
		{"functions:\n  F:\n    body: |\n      print a =\n", "s.yaml:4:16: in function 'F': expected an expression, got '}'"},
		{"functions:\n  F:\n    params: \"T:(*)\"\n    file: bad.kql\n", filepath.Join(dir, "bad.kql") + ":2:12: in function 'F': expected an expression"},
		{"functions:\n  F:\n    file: missing.kql\n", "s.yaml:3:11: function 'F': open "},
		{"functions:\n  F:\n    params: x:long\n", "s.yaml:2:3: function 'F' has no 'body' or 'file'"},
		{"functions:\n  F:\n    body: 1\n    file: f.kql\n", "s.yaml:4:5: function 'F' has both a 'body' and a 'file'; expected one"},
		{"functions:\n  F:\n    bdy: 1\n", "s.yaml:3:5: unknown key 'bdy' of function 'F'; expected 'params', 'body' or 'file'"},
		{"functions:\n  F-1:\n    body: 1\n", "s.yaml:2:3: expected a function name, got \"F-1\""},
		{"functions: [1]\n", "s.yaml:1:12: expected a mapping of function names to their params and body, got a list"},
		{"functions:\n  F:\n    params: \"x:long) { 1 }; let G = (y:long\"\n    body: y\n", "s.yaml:2:3: function 'F': expected parameters and a body"},
		{"fns: {}\n", "s.yaml:1:1: unknown key 'fns' in a schema file; expected 'tables' or 'functions'"},
	} {
		_, err := kql.ParseSchema(filepath.Join(dir, "s.yaml"), []byte(tc.src), kql.Builtin())
		if err == nil {
			t.Errorf("%q: no error", tc.src)
			continue
		}
		got := diag.FormatError(err)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%q:\ngot  %s\nwant %s", tc.src, got, tc.want)
		}
	}
}

// TestWorkspaceFunctionSQL checks that a construct the ClickHouse
// translation refuses inside a workspace function is placed in the
// function's file, not in the query.
func TestWorkspaceFunctionSQL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ws.yaml")
	cat, err := kql.ParseSchema(path, []byte("functions:\n  Lower:\n    params: \"T:(*)\"\n    body: |\n      T\n      | extend u = tolower(RemoteUrl)\n"), kql.Defender())
	if err != nil {
		t.Fatal(err)
	}
	q, err := kql.Compile("DeviceNetworkEvents | invoke Lower()", cat, kql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = q.SQL(0)
	want := "sql: 'tolower' at " + path + ":6:20 in function 'Lower' is not translated"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got  %v\nwant %s...", err, want)
	}
}

// TestWorkspaceFunctionsConcurrent compiles and runs queries that call the
// same functions at once: the functions' trees are shared by every query
// of the catalog and must only be read (go test -race).
func TestWorkspaceFunctionsConcurrent(t *testing.T) {
	cat, mem, _ := workspaceCatalog(t, workspaceSchema)
	const text = `Tagged((AllLogins | invoke Role()), "x") | project User, Role, Doubled, w = IsWorkingTime(TimeGenerated)`
	want := rowsOf(t, cat, mem, text)
	done := make(chan error)
	for range 8 {
		go func() {
			q, err := kql.Compile(text, cat, kql.Options{})
			if err != nil {
				done <- err
				return
			}
			res, err := q.Run(context.Background(), mem, kql.Now())
			if err == nil && res[0].Rows() != len(want)-1 {
				err = fmt.Errorf("%d rows, want %d", res[0].Rows(), len(want)-1)
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if got := strings.Join(want, "\n"); got != "User Role Doubled w\nadmin1 admin 14 false\nbob user 24 true" {
		t.Errorf("got %q", got)
	}
}

func TestWorkspaceCatalogFuncs(t *testing.T) {
	cat, _, dir := workspaceCatalog(t, workspaceSchema)
	var names []string
	for _, f := range cat.Funcs() {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, " "); got != "AllLogins Double IsWorkingTime Role Tagged" {
		t.Errorf("Funcs: %s", got)
	}
	var f *kql.Function = cat.Func("Role")
	if f == nil || f.Where != filepath.Join(dir, "ws.yaml") {
		t.Errorf("Func(Role): %+v", f)
	}
	if kql.Builtin().Func("Role") != nil || len(kql.Builtin().Funcs()) != 0 {
		t.Error("the built-in catalog declares functions")
	}
}
