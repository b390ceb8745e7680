package kql

import (
	"context"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// bestCompile returns the shortest of three compilations of text, each
// after a garbage collection, so that the garbage of one does not slow
// another.
func bestCompile(t *testing.T, text string) time.Duration {
	t.Helper()
	best := time.Duration(1 << 62)
	for range 3 {
		runtime.GC()
		start := time.Now()
		if _, err := Compile(text, schema.Defender(), Options{}); err != nil {
			t.Fatalf("%.40s...: %v", text, err)
		}
		best = min(best, time.Since(start))
	}
	return best
}

// TestCompileTimeLinear compiles long chains at two lengths and checks
// that making them 8 times longer makes the compilation at most 24 times
// slower: 8 is linear (but deep recursion grows and scans stacks, and the
// machine may be busy), and 64 quadratic, which it was when spans and
// schemas were recomputed from the whole left side at each step (40,000
// terms took 12 s, 5,000 0.23 s).
func TestCompileTimeLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	shapes := map[string]func(n int) string{
		"1+1+...":  func(n int) string { return "print 1" + strings.Repeat("+1", n) },
		"| extend": func(n int) string { return "print x=1, y=1" + strings.Repeat(" | extend y=1", n) },
		"| where":  func(n int) string { return "print x=1" + strings.Repeat(" | where true", n) },
	}
	for name, text := range shapes {
		t5, t40 := bestCompile(t, text(5_000)), bestCompile(t, text(40_000))
		t.Logf("%s: 5,000 in %v, 40,000 in %v", name, t5, t40)
		if t40 > 24*t5 {
			t.Errorf("%s: 40,000 took %v, 5,000 %v: more than 24 times", name, t40, t5)
		}
	}
}

// lets returns 'let v0 = first;' then n lets, each defined from two uses
// of the one before, and the final statement with v<n> in it.
func lets(first, step, final string, n int) string {
	var b strings.Builder
	b.WriteString("let v0 = " + first + ";\n")
	for i := 1; i <= n; i++ {
		prev := "v" + strconv.Itoa(i-1)
		b.WriteString("let v" + strconv.Itoa(i) + " = " + strings.ReplaceAll(step, "PREV", prev) + ";\n")
	}
	b.WriteString(strings.ReplaceAll(final, "LAST", "v"+strconv.Itoa(n)))
	return b.String()
}

// TestLetOnce checks that a let built from two uses of the one before is
// computed once, not unfolded into a tree that doubles with each level:
// 60 levels compile and run at once.
// https://learn.microsoft.com/kusto/query/let-statement
func TestLetOnce(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{lets("1", "PREV + PREV", "print x = LAST", 60), "1152921504606846976"},
		{lets(`"ab"`, "strcat(substring(PREV, 0, 1), substring(PREV, 0, 1))", "print x = LAST", 60), "aa"},
		{lets("toscalar(print 3)", "PREV * 1 + PREV - PREV", "print x = LAST", 60), "3"},
		{lets("2", "max_of(PREV, PREV)", "print x = 1 | where x < LAST | extend y = LAST | project y", 60), "2"},
	} {
		start := time.Now()
		q, err := Compile(tc.text, schema.Defender(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if f := plan.Format(q.plans[0]); len(f) > 100*len(tc.text) {
			t.Errorf("plan of %d bytes for a query of %d", len(f), len(tc.text))
		}
		res, err := q.Run(context.Background(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := res[0].Batches[0].Cols[0].Get(0); strconv.Quote(strings.Trim(formatAny(got), `"`)) != strconv.Quote(tc.want) {
			t.Errorf("%.40s...: got %v, want %s", tc.text, got, tc.want)
		}
		if d := time.Since(start); d > 10*time.Second { // a hang guard: exponential work takes minutes
			t.Errorf("%.40s...: took %v", tc.text, d)
		}
	}
}

func formatAny(v any) string {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		return v
	}
	return "?"
}

// TestTabularLetPlanLinear checks that tabular lets built from two uses
// of the one before compile into a plan that shares them, not one that
// doubles with each level. (Running such a query re-evaluates each use,
// as Kusto does without materialize(): its rows do double.)
func TestTabularLetPlanLinear(t *testing.T) {
	text := lets("print x = 1", "PREV | union PREV", "LAST | count", 60)
	start := time.Now()
	q, err := Compile(text, schema.Defender(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f := plan.Format(q.plans[0]); len(f) > 100*len(text) {
		t.Errorf("plan of %d bytes for a query of %d", len(f), len(text))
	}
	if d := time.Since(start); d > 10*time.Second { // a hang guard: exponential work takes minutes
		t.Errorf("took %v", d)
	}
	text = lets("print x = 1", "union PREV, PREV | summarize by x", "LAST | count", 12)
	q, err = Compile(text, schema.Defender(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Run(context.Background(), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := res[0].Batches[0].Cols[0].Get(0); got != int64(1) {
		t.Errorf("count = %v, want 1", got)
	}
}
