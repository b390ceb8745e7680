package check_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/check"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// TestDeepChain checks that a chain of operators deeper than the checker
// walks is an error with a position, not a stack overflow, and that a long
// chain below the bound is checked.
func TestDeepChain(t *testing.T) {
	for _, tc := range []struct {
		src  string
		fail bool
	}{
		{"print x=1" + strings.Repeat(" | where x > 0", 20_000), false},
		{"print 1" + strings.Repeat(" + 1", 100_000), false},
		{"print true" + strings.Repeat(" and true", 160_000), true},
		{"print x=1" + strings.Repeat(" | where x > 0", 160_000), true},
	} {
		res, diags := checkQuery(t, tc.src)
		if !tc.fail {
			if diags.HasErrors() || len(res.Plans) != 1 {
				t.Errorf("%.30s...: %v", tc.src, diags)
			}
			continue
		}
		if !diags.HasErrors() || !strings.HasPrefix(diags[0].Msg, "expression nested too deeply (more than 150000 levels") {
			t.Errorf("%.30s...: got %v", tc.src, diags)
		}
	}
}

// TestExpansionBudget checks that user functions calling each other twice
// per level, whose expansion doubles with each level, stop at the work
// bound with an error instead of running for ages.
func TestExpansionBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("let f0 = (a: long) { a };\n")
	for i := 1; i <= 40; i++ {
		p := "f" + strconv.Itoa(i-1)
		b.WriteString("let f" + strconv.Itoa(i) + " = (a: long) { " + p + "(a) + " + p + "(a + 1) };\n")
	}
	b.WriteString("print f40(1)")
	start := time.Now()
	_, diags := checkQuery(t, b.String())
	if !diags.HasErrors() || !strings.HasPrefix(diags[0].Msg, "query too large to check") {
		t.Errorf("got %v", diags)
	}
	if d := time.Since(start); d > 30*time.Second { // a hang guard: exponential work takes minutes
		t.Errorf("took %v", d)
	}
}

// cancelAfter is a context whose Err turns to Canceled after a number of
// calls, to cancel a check at a known point.
type cancelAfter struct {
	context.Context
	calls, at int
}

func (c *cancelAfter) Err() error {
	c.calls++
	if c.calls >= c.at {
		return context.Canceled
	}
	return nil
}

// TestCheckContext checks that a check stops when its context is done.
func TestCheckContext(t *testing.T) {
	src := "print x=1" + strings.Repeat(" | extend y = x + 1", 20_000)
	ast, diags := syntax.Parse(src)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := check.CheckContext(ctx, ast, src, testCatalog(), check.Options{}); err != context.Canceled {
		t.Errorf("cancelled before: err = %v", err)
	}
	cc := &cancelAfter{Context: context.Background(), at: 3}
	_, diags, err := check.CheckContext(cc, ast, src, testCatalog(), check.Options{})
	if err != context.Canceled || !diags.HasErrors() || !strings.HasPrefix(diags[0].Msg, "checking stopped: context canceled") {
		t.Errorf("cancelled during: err = %v, diags %v", err, diags)
	}
	if cc.calls > 4 { // 3 while checking, 1 for the result
		t.Errorf("the context was asked %d times, want the check to stop at the 3rd", cc.calls)
	}
	res, diags, err := check.CheckContext(context.Background(), ast, src, testCatalog(), check.Options{})
	if err != nil || diags.HasErrors() || len(res.Plans) != 1 {
		t.Errorf("not cancelled: %v %v", diags, err)
	}
}

// TestPlanSizeBudget checks that a chain of extends, each adding a column,
// whose plan grows with the square of its length (every operator carries
// every column), stops at the work bound instead of taking minutes.
func TestPlanSizeBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("print x=1")
	for i := range 3000 {
		b.WriteString(" | extend c" + strconv.Itoa(i) + "=1")
	}
	start := time.Now()
	_, diags := checkQuery(t, b.String())
	if !diags.HasErrors() || !strings.HasPrefix(diags[0].Msg, "query too large to check") {
		t.Errorf("got %v", diags)
	}
	if d := time.Since(start); d > 30*time.Second { // a hang guard: exponential work takes minutes
		t.Errorf("took %v", d)
	}
}
