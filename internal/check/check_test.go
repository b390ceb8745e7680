package check_test

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/check"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

var update = flag.Bool("update", false, "rewrite testdata/plans.golden with the current plans (review the diff)")

// testCatalog is the Defender catalog plus T, the table Microsoft's
// analyzer was asked about when the expected names and types were taken.
func testCatalog() *schema.Catalog {
	return schema.Defender().With(schema.NewTable("T", []schema.Column{
		{Name: "x", Type: schema.Long}, {Name: "y", Type: schema.String}, {Name: "d", Type: schema.Dynamic},
		{Name: "t", Type: schema.Datetime}, {Name: "r", Type: schema.Real}, {Name: "i", Type: schema.Int},
	}))
}

func checkQuery(t *testing.T, q string) (*check.Result, syntax.Diagnostics) {
	t.Helper()
	ast, diags := syntax.Parse(q)
	if diags.HasErrors() {
		t.Fatalf("parse %q: %s", q, diags.Format(syntax.NewSource("", q)))
	}
	return check.Check(ast, q, testCatalog())
}

// TestResultColumns pins the names and types of result columns. Each
// expectation was taken from Microsoft's Kusto analyzer
// (@kusto/language-service-next 12.4.1, KustoCode.ResultType) on the same
// query and table.
func TestResultColumns(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{`T | summarize count(), sum(x), min(t), make_set(y), dcount(y), avg(r), countif(x>1), arg_max(t, y), sum(x*2), count() by bin(t, 1h), tolower(y)`,
			"t:datetime, Column1:string, count_:long, sum_x:long, min_t:datetime, set_y:dynamic, dcount_y:long, avg_r:real, countif_:long, t1:datetime, y:string, sum_:long, count_1:long"},
		{`T | project tolower(y), x+1, d.a, d["b"], x`, "Column1:string, Column2:long, d_a:dynamic, d_b:dynamic, x:long"},
		{`T | extend tolower(y), x = x + 1`, "x:long, y:string, d:dynamic, t:datetime, r:real, i:int, Column1:string"},
		{`T | summarize arg_max(t, *) by y`, "y:string, t:datetime, x:long, d:dynamic, r:real, i:int"},
		{`T | summarize count(), count()`, "count_:long, count_1:long"},
		{`T | count`, "Count:long"},
		{`T | distinct y, x`, "y:string, x:long"},
		{`T | summarize max(i), sum(i), avg(i)`, "max_i:int, sum_i:long, avg_i:real"},
		{`print i=int(1)+int(2), j = 5/2, k=1.0*2, s = 1d*2, q = 1d/1h, z = 5 % 3`, "i:long, j:long, k:real, s:timespan, q:real, z:long"},
		{`T | extend a=iff(x > 1, 1, 2.5), b=case(x>1, "a", "b"), c=coalesce(i, x)`, "x:long, y:string, d:dynamic, t:datetime, r:real, i:int, a:real, b:string, c:long"},
		{`T | summarize make_set(x, 10) by y | extend n = array_length(set_x)`, "y:string, set_x:dynamic, n:long"},
		{`T | summarize count() by tolong(y), toint(y), todatetime(y), floor(t, 1d), tostring(x), strcat(y, "a")`,
			"y:long, y1:int, y2:datetime, t:datetime, x:string, Column1:string, count_:long"},
		{`T | project y, x = x + 1, Column1 = 5, tolower(y)`, "y:string, x:long, Column1:long, Column11:string"},
		{`T | project-away x, y* | project-rename z = d`, "z:dynamic, t:datetime, r:real, i:int"},
		{`T | extend t2 = t + 1h, n = now(-1d), m = ago(1d), s = t - now()`, "x:long, y:string, d:dynamic, t:datetime, r:real, i:int, t2:datetime, n:datetime, m:datetime, s:timespan"},
		{`T | extend a = bin(x, 2), b = bin(r, 0.5), c = bin(i, 2)`, "x:long, y:string, d:dynamic, t:datetime, r:real, i:int, a:long, b:real, c:long"},
		{`let f = (a:string) { T | where y == a }; f("x") | count`, "Count:long"},
		{`T | extend a = strlen(d.a), b = d.a == "x", c = d.a has "x", f = tolower(d.a)`, "x:long, y:string, d:dynamic, t:datetime, r:real, i:int, a:long, b:bool, c:bool, f:string"},
		{`T | extend q = toscalar(T | count)`, "x:long, y:string, d:dynamic, t:datetime, r:real, i:int, q:long"},
		{`T | summarize n = count() by y | top 3 by n desc`, "y:string, n:long"},
	} {
		res, diags := checkQuery(t, c.q)
		if diags.HasErrors() {
			t.Errorf("%s: %s", c.q, diags.Format(syntax.NewSource("", c.q)))
			continue
		}
		cols := res.Plans[0].Schema()
		got := make([]string, len(cols))
		for i, col := range cols {
			got[i] = col.Name + ":" + col.Type.String()
		}
		if strings.Join(got, ", ") != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.q, strings.Join(got, ", "), c.want)
		}
	}
}

// TestErrors pins the checker's messages and positions (1-based line:col).
func TestErrors(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"DeviceNetworkEvents\n| where AccountUpn has 'x'", "2:9: unknown column 'AccountUpn'; did you mean 'InitiatingProcessAccountUpn'?"},
		{"DeviceNetworkEvent | take 1", "1:1: unknown table 'DeviceNetworkEvent'; did you mean 'DeviceNetworkEvents'?"},
		{"T | where x", "1:11: the predicate of 'where' must be bool, got long"},
		{"T | where d", "1:11: the predicate of 'where' must be bool, got dynamic"},
		{"T | extend z = parse_url(x)", "1:26: parse_url(): argument 1 (url) must be string, got long"},
		{"T | extend z = count()", "1:16: aggregate function 'count' is only allowed in summarize"},
		{"T | summarize count() by d.a", "1:26: cannot group by 'd_a' of type dynamic; convert it with tostring() first"},
		{"T | summarize x by y", "1:15: 'x' is not an aggregate function; summarize expects aggregations such as count(), sum(x), make_set(x)"},
		{"T | extend z = frobnicate(x)", "1:16: unknown function 'frobnicate'"},
		{"T | extend z = tolowr(y)", "1:16: unknown function 'tolowr'; did you mean 'tolower'?"},
		{"T | extend z = t > '2020-01-01'", "1:16: operator '>' is not defined for datetime and string"},
		{"T | extend z = y has 5", "1:16: operator 'has' is not defined for string and long"},
		{"T | extend z = x.a", "1:16: cannot access a member of a value of type long; only dynamic values have members"},
		{"T | take y", "1:10: the row count must be an integer, got string"},
		{"let f = (a:string) { f(a) }; print f('x')", "1:22: function 'f' calls itself; recursion is not allowed"},
		{"T | project-away nope", "1:18: unknown column 'nope'"},
		{"print x = 1; T | where x == 1 | extend y2 = extract(y, 1, y)", "1:53: extract(): argument 'regex' must be a constant"},
		{"T | extend z = case(x, 1, 2)", "1:21: case(): argument 1 (predicate) must be bool, got long"},
		{"T | extend z = case(true, 1, x, 2, 3)", "1:30: case(): argument 3 must be a bool predicate, got long"},
		{"T | take x", "1:10: the row count must be a constant"},
		{"datatable(a:long)[1, 'x']", "1:22: the value for column 'a' must be long, got string"},
	} {
		_, diags := checkQuery(t, c.q)
		errs := diags.Errors()
		if len(errs) == 0 {
			t.Errorf("%s: no error, want %s", c.q, c.want)
			continue
		}
		line, col := syntax.NewSource("", c.q).LineCol(errs[0].Span.Start)
		if got := strings.TrimSpace(strings.Join([]string{itoa(line) + ":" + itoa(col) + ":", errs[0].Msg}, " ")); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.q, got, c.want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestPlans compares the optimized plans of queries with
// testdata/plans.golden, so that changes to planning and pruning show up
// as diffs. Run with -update to rewrite the file.
func TestPlans(t *testing.T) {
	queries := []string{
		"let Time_start = now(-5d);\nlet Time_end = now();\nDeviceNetworkEvents\n| where Timestamp between (Time_start..Time_end)\n| where RemoteUrl has 'screenmeet.com'\nand InitiatingProcessVersionInfoCompanyName has 'Projector Inc'\nand InitiatingProcessVersionInfoProductName has 'ScreenMeet'\n| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp),\nReport=make_set(ReportId), Count=count() by DeviceId, DeviceName,\nRemoteUrl",
		"T | where y in (T | where x > 1 | project y) | project x",
		"T | summarize total = sum(x) / count() by y",
		"T | extend z = x * 2 | top 3 by z desc | project y",
		"T | where i == 1 and r > 0.5 | count",
	}
	var b strings.Builder
	for _, q := range queries {
		res, diags := checkQuery(t, q)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", q, diags.Format(syntax.NewSource("", q)))
		}
		b.WriteString("# " + strings.ReplaceAll(q, "\n", "\n# ") + "\n")
		b.WriteString(plan.Format(plan.Prune(res.Plans[0])))
		b.WriteString("\n")
	}
	golden := filepath.Join("testdata", "plans.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("plans differ from %s (run with -update and review the diff):\n%s", golden, b.String())
	}
}
