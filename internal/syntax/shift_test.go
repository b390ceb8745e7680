package syntax

import (
	"reflect"
	"strings"
	"testing"
)

// TestShift checks that shifting a parsed tree gives the tree of the same
// text parsed after as many bytes of padding, for queries that use every
// kind of node the corpus tests cover.
func TestShift(t *testing.T) {
	queries := []string{
		`let f = (T:(*), x:long = 5) { T | where a > x | project b = a * 2 }; f(datatable(a:long)[1, 2, 3])`,
		`SigninLogs | where TimeGenerated > ago(1d) | summarize count() by bin(TimeGenerated, 1h), UserPrincipalName | top 10 by count_`,
		`let x = dynamic({"a": [1, 2]}); range i from 1 to 3 step 1 | extend y = x.a[0], s = strcat("a", 'b') | join kind=leftouter (print z = 1) on $left.i == $right.z`,
		`T | parse Message with * "user=" User:string " " * | mv-expand d = pack_array(1, 2) to typeof(long) | invoke f() | render timechart`,
		`union withsource=Src A, (B | where x in~ ("a", "b")) | make-series n = count() default = 0 on T from ago(1d) to now() step 1h by K`,
	}
	for _, q := range queries {
		const pad = 1000
		a, da := Parse(q)
		b, db := Parse(strings.Repeat(" ", pad) + q)
		if len(da) != len(db) {
			t.Fatalf("%s: %d and %d diagnostics", q, len(da), len(db))
		}
		Shift(a, pad)
		// The query's own span covers the whole text, padding included.
		if !reflect.DeepEqual(a.Stmts, b.Stmts) || a.Src.End != b.Src.End {
			t.Errorf("%s: the shifted tree differs from the padded parse", q)
		}
	}
}
