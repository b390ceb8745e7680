package kql_test

import (
	"context"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

// TestRenderChart checks that render passes the rows through and carries
// the chart kind and its properties with the result.
// https://learn.microsoft.com/kusto/query/render-operator
func TestRenderChart(t *testing.T) {
	q, err := kql.Compile(`range x from 1 to 3 step 1 | extend y = x * 2 | render timechart with (title="Doubling", ytitle = "y")`, schema.Defender(), kql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Run(context.Background(), kql.NewMemTables(), 0)
	if err != nil {
		t.Fatal(err)
	}
	r := res[0]
	if r.Rows() != 3 || len(r.Columns) != 2 {
		t.Errorf("got %d rows of %d columns, want 3 of 2", r.Rows(), len(r.Columns))
	}
	if r.Chart == nil || r.Chart.Kind != "timechart" || r.Chart.Props["title"] != "Doubling" || r.Chart.Props["ytitle"] != "y" {
		t.Errorf("chart = %+v", r.Chart)
	}
	q, err = kql.Compile(`print 1`, schema.Defender(), kql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, _ = q.Run(context.Background(), kql.NewMemTables(), 0)
	if res[0].Chart != nil {
		t.Errorf("no render: chart = %+v", res[0].Chart)
	}
}
