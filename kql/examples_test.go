package kql_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

// refPrefix is where every function's reference page must live.
const refPrefix = "https://learn.microsoft.com/kusto/"

// aggTable is the input of aggregate examples (see funcs.Agg.Examples).
const aggTable = `datatable(x:long, y:string)[1,"a",2,"b",2,"c",long(null),"d"]`

// exampleNow is the now() of example runs.
const exampleNow = "2026-11-20T12:00:00Z"

// runOne compiles and runs query and returns its only result.
func runOne(t *testing.T, query string) (*kql.Result, bool) {
	t.Helper()
	q, err := kql.Compile(query, schema.Defender(), kql.Options{})
	if err != nil {
		t.Errorf("%s\ncompile: %v", query, err)
		return nil, false
	}
	now, err := kql.ParseNow(exampleNow)
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Run(context.Background(), kql.NewMemTables(), now)
	if err != nil {
		t.Errorf("%s\nrun: %v", query, err)
		return nil, false
	}
	if len(res) != 1 || res[0].Rows() != 1 {
		t.Errorf("%s\ngot %d results, want one result of one row", query, len(res))
		return nil, false
	}
	return res[0], true
}

// rowText renders the only row of r as its values' text joined by single
// spaces.
func rowText(r *kql.Result) string {
	b := r.Batches[0]
	for _, bt := range r.Batches {
		if bt.N > 0 {
			b = bt
			break
		}
	}
	cells := make([]string, len(r.Columns))
	for j, col := range r.Columns {
		cells[j] = funcs.ToString(col.Type, b.Cols[j].Get(0))
	}
	return strings.Join(cells, " ")
}

// TestFunctionExamples runs every Example of every scalar function and
// operator, hidden ones included, as print x = <Expr>.
func TestFunctionExamples(t *testing.T) {
	all := funcs.All()
	if len(all) == 0 {
		t.Fatal("no functions registered")
	}
	for _, f := range all {
		t.Run(f.Name, func(t *testing.T) {
			for _, ex := range f.Examples {
				// An example that needs a row is a whole query over a
				// datatable, projecting the one column to compare.
				query := "print x = " + ex.Expr
				if strings.HasPrefix(ex.Expr, "datatable(") {
					query = ex.Expr
				}
				res, ok := runOne(t, query)
				if !ok {
					continue
				}
				if got := rowText(res); got != ex.Want {
					t.Errorf("%s = %q, want %q", ex.Expr, got, ex.Want)
				}
			}
		})
	}
}

// TestAggregateExamples runs every Example of every aggregate over
// aggTable; the output row's values are joined with single spaces.
func TestAggregateExamples(t *testing.T) {
	names := funcs.AggNames()
	if len(names) == 0 {
		t.Fatal("no aggregates registered")
	}
	for _, name := range names {
		a := funcs.LookupAgg(name)
		t.Run(name, func(t *testing.T) {
			for _, ex := range a.Examples {
				res, ok := runOne(t, aggTable+" | summarize "+ex.Expr)
				if !ok {
					continue
				}
				if got := rowText(res); got != ex.Want {
					t.Errorf("summarize %s = %q, want %q", ex.Expr, got, ex.Want)
				}
			}
		})
	}
}

// TestFunctionsDocumented requires every function, operator and aggregate
// to cite its reference page and to carry at least one example, so that
// later additions stay documented and tested.
func TestFunctionsDocumented(t *testing.T) {
	for _, f := range funcs.All() {
		if !strings.HasPrefix(f.Ref, refPrefix) {
			t.Errorf("function %q: Ref %q is not a page under %s", f.Name, f.Ref, refPrefix)
		}
		if f.Doc == "" {
			t.Errorf("function %q has no Doc", f.Name)
		}
		if len(f.Examples) == 0 {
			t.Errorf("function %q has no Examples", f.Name)
		}
	}
	for _, name := range funcs.Names() {
		if funcs.Lookup(name) == nil {
			t.Errorf("Names() lists %q, which Lookup does not find", name)
		}
	}
	for _, name := range funcs.AggNames() {
		a := funcs.LookupAgg(name)
		if !strings.HasPrefix(a.Ref, refPrefix) {
			t.Errorf("aggregate %q: Ref %q is not a page under %s", name, a.Ref, refPrefix)
		}
		if a.Doc == "" {
			t.Errorf("aggregate %q has no Doc", name)
		}
		if len(a.Examples) == 0 {
			t.Errorf("aggregate %q has no Examples", name)
		}
	}
}
