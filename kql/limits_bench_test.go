package kql_test

import (
	"context"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

// BenchmarkMemoryBudget measures what the budget's checks cost a query
// of several operators.
func BenchmarkMemoryBudget(b *testing.B) {
	const query = `range i from 1 to 300000 step 1 | extend s = strcat("a", tostring(i)) | where s has "9" | summarize n=count() by k = i % 100 | sort by k`
	for _, bc := range []struct {
		name string
		max  int64
	}{{"unlimited", 0}, {"limited", 1 << 30}} {
		b.Run(bc.name, func(b *testing.B) {
			q, err := kql.Compile(query, schema.Defender(), kql.Options{MaxMemory: bc.max})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := q.Run(context.Background(), kql.NewMemTables(), 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
