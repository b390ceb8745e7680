package schema

import (
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/diag"
)

func TestUserSchemaExtends(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"s.yaml", "tables:\n  MyApp_CL:\n    TimeGenerated: datetime\n    Msg: string\n    Level: int\n  DeviceProcessEvents:\n    CustomTag: string\n    FileName: string\n"},
		{"s.json", `{"tables": {"MyApp_CL": {"TimeGenerated": "datetime", "Msg": "string", "Level": "Int32"},
			"DeviceProcessEvents": {"CustomTag": "string", "FileName": "string"}}}`},
	} {
		u, err := ParseUserSchema(tc.name, []byte(tc.src))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		base := Defender()
		cat, err := u.Extend(base)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		app := cat.Table("MyApp_CL")
		if app == nil || strings.Join(app.Names(), ",") != "TimeGenerated,Msg,Level" || app.Columns[2].Type != Int {
			t.Errorf("%s: MyApp_CL = %+v", tc.name, app)
		}
		dpe, old := cat.Table("DeviceProcessEvents"), base.Table("DeviceProcessEvents")
		if len(dpe.Columns) != len(old.Columns)+1 || dpe.Columns[len(dpe.Columns)-1].Name != "CustomTag" {
			t.Errorf("%s: DeviceProcessEvents has %d columns, ends with %s; want %d ending with CustomTag", tc.name, len(dpe.Columns), dpe.Columns[len(dpe.Columns)-1].Name, len(old.Columns)+1)
		}
		if base.Table("MyApp_CL") != nil || old.Lookup("CustomTag") >= 0 {
			t.Errorf("%s: Extend modified the built-in catalog", tc.name)
		}
	}
}

func TestUserSchemaErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"tables:\n  X_CL:\n    A: strin\n", "s.yaml:3:8: unknown type \"strin\" for column 'A'"},
		{"tables:\n  X_CL:\n    A: [string]\n", "s.yaml:3:8: expected the type of column 'A', got a list"},
		{"tables:\n  X_CL:\n    A: string\n    A: long\n", "s.yaml:4:5: column 'A' of table 'X_CL' is declared twice"},
		{"tables:\n  X_CL:\n  Y_CL: {A: string}\n", "s.yaml:2:8: expected the columns of table 'X_CL'"},
		{"tables:\n  bad name:\n    A: string\n", "s.yaml:2:3: expected a table name, got \"bad name\""},
		{"table:\n  X_CL:\n    A: string\n", "s.yaml:1:1: unknown key 'table' in a schema file; expected 'tables' or 'functions'"},
		{"- a\n", "s.yaml:1:1: expected a mapping with a 'tables' or 'functions' key, got a list"},
		{"tables: [\n", "s.yaml:1:9: did not find expected node content"},
		{"tables:\n  X_CL: {A: string}\n---\ntables: {}\n", "s.yaml:3:1: expected one YAML document, got 2"},
		{"", "s.yaml: empty schema file"},
		{"tables:\n  DeviceProcessEvents:\n    FileName: long\n", "s.yaml:3:5: column 'FileName' of table 'DeviceProcessEvents' is string, not long"},
	} {
		u, err := ParseUserSchema("s.yaml", []byte(tc.src))
		if err == nil {
			_, err = u.Extend(Defender())
		}
		if err == nil {
			t.Errorf("%q: no error, want %s", tc.src, tc.want)
			continue
		}
		var list diag.List
		if !errorsAs(err, &list) {
			t.Errorf("%q: error %T is not a diag.List", tc.src, err)
		}
		if got := err.Error(); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%q:\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
}

func errorsAs(err error, list *diag.List) bool {
	l, ok := err.(diag.List)
	*list = l
	return ok
}

func TestIsSchemaFile(t *testing.T) {
	for name, want := range map[string]bool{
		"rules/kqlhunt-schema.yaml": true, "KQLHunt-Schema.YML": true, "a/kqlhunt-schema.json": true,
		"schema.yaml": false, "rules/kqlhunt-schema.yaml.bak": false,
	} {
		if got := IsSchemaFile(name); got != want {
			t.Errorf("IsSchemaFile(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestUserSchemaAliases(t *testing.T) {
	u, err := ParseUserSchema("s.yaml", []byte("tables:\n  A_CL: &cols\n    X: string\n    N: long\n  B_CL: *cols\n"))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := u.Extend(NewCatalog())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"A_CL", "B_CL"} {
		if tb := cat.Table(name); tb == nil || strings.Join(tb.Names(), ",") != "X,N" || tb.Columns[1].Type != Long {
			t.Errorf("%s = %+v", name, tb)
		}
	}
}
