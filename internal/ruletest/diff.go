package ruletest

import (
	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/diag/yamlpos"

	"fmt"
	"math"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/report"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/suggest"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// maxUnexpected is how many unexpected findings a diff lists before
// counting the rest.
const maxUnexpected = 20

// expected is an Expectation with its values converted to the output
// column types.
type expected struct {
	e     *Expectation
	types []schema.Type
	vals  []any
}

// text renders x as a flow mapping, like Finding.String.
func (x *expected) text() string {
	var b []byte
	b = append(b, '{')
	for i, c := range x.e.Cols {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendCell(b, c.Name, x.types[i], x.vals[i])
	}
	return string(append(b, '}'))
}

// comparison is the outcome of comparing a test's expectations with the
// findings.
type comparison struct {
	pass bool
	diff string
	errs diag.List
}

// compare pairs the expectations of t with found (sorted, texts their
// text) and describes what did not pair.
func compare(f *File, t *Test, cols []schema.Column, found []Finding, texts []string) comparison {
	exps, errs := convertExpectations(f, t, cols)
	if len(errs) > 0 {
		var b strings.Builder
		b.WriteString("the expected findings do not fit the rule's output:")
		for _, e := range errs {
			b.WriteString("\n    ")
			b.WriteString(e.Error())
		}
		return comparison{diff: b.String(), errs: errs}
	}

	// Pair expectations with findings: a maximum bipartite matching, so
	// that an expectation that fits several findings does not take the
	// only one another expectation fits.
	fits := make([][]int, len(exps))
	for i, x := range exps {
		for j := range found {
			if matches(x, &found[j]) {
				fits[i] = append(fits[i], j)
			}
		}
	}
	owner := make([]int, len(found)) // expectation paired with each finding, or -1
	for j := range owner {
		owner[j] = -1
	}
	var try func(i int, seen []bool) bool
	try = func(i int, seen []bool) bool {
		for _, j := range fits[i] {
			if seen[j] {
				continue
			}
			seen[j] = true
			if owner[j] < 0 || try(owner[j], seen) {
				owner[j] = i
				return true
			}
		}
		return false
	}
	paired := make([]bool, len(exps))
	for i := range exps {
		paired[i] = try(i, make([]bool, len(found)))
	}
	var missing, extra []int
	for i, ok := range paired {
		if !ok {
			missing = append(missing, i)
		}
	}
	for j, o := range owner {
		if o < 0 {
			extra = append(extra, j)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return comparison{pass: true}
	}

	var b strings.Builder
	switch {
	case len(exps) == 0:
		fmt.Fprintf(&b, "expected no findings, got %d", len(found))
	case len(exps) != len(found):
		fmt.Fprintf(&b, "expected %s, got %d", count(len(exps), "finding", "findings"), len(found))
	default:
		fmt.Fprintf(&b, "expected %s, got %d, but %d did not match", count(len(exps), "finding", "findings"), len(found), len(missing))
	}

	// A missing expectation is shown next to the unexpected finding that
	// differs from it in the fewest columns, when they share a value or
	// are the only two left.
	used := make(map[int]bool)
	for _, i := range missing {
		x := exps[i]
		best, bestDiff := -1, 0
		for _, j := range extra {
			if used[j] {
				continue
			}
			if d := len(differences(x, &found[j])); best < 0 || d < bestDiff {
				best, bestDiff = j, d
			}
		}
		near := best >= 0 && (bestDiff < len(x.e.Cols) || len(missing) == 1 && len(extra) == 1)
		if !near {
			fmt.Fprintf(&b, "\n- missing (line %d): %s", x.e.Line, x.text())
			continue
		}
		used[best] = true
		label := fmt.Sprintf("- line %d: ", x.e.Line)
		fmt.Fprintf(&b, "\n%s%s", label, x.text())
		fmt.Fprintf(&b, "\n%-*s%s", len(label), "+ got:", project(x, &found[best]))
		for _, d := range differences(x, &found[best]) {
			fmt.Fprintf(&b, "\n  %s", d)
		}
	}
	shown := 0
	for _, j := range extra {
		if used[j] {
			continue
		}
		if shown == maxUnexpected {
			fmt.Fprintf(&b, "\n(and %d more unexpected findings)", len(extra)-len(used)-shown)
			break
		}
		shown++
		fmt.Fprintf(&b, "\n+ unexpected: %s", texts[j])
	}
	return comparison{diff: b.String()}
}

// convertExpectations converts the values of t's expectations to the
// types of the output columns cols they name.
func convertExpectations(f *File, t *Test, cols []schema.Column) ([]*expected, diag.List) {
	types := map[string]schema.Type{}
	var names []string
	for _, c := range cols {
		if _, ok := types[c.Name]; !ok {
			types[c.Name] = c.Type
			names = append(names, c.Name)
		}
	}
	var errs diag.List
	budget := maxNodes
	out := make([]*expected, 0, len(t.Expect))
	for _, e := range t.Expect {
		x := &expected{e: e, types: make([]schema.Type, len(e.Cols)), vals: make([]any, len(e.Cols))}
		for i, c := range e.Cols {
			typ, ok := types[c.Name]
			if !ok {
				errs = append(errs, f.yf.Errorf(c.Line, c.Col, "unknown column '%s' in the rule's output (%s)%s",
					c.Name, strings.Join(names, ", "), suggest.DidYouMean(suggest.Name(c.Name, names))))
				continue
			}
			v, why := convert(c.node, typ, &budget)
			if why != "" {
				n := yamlpos.Resolve(c.node)
				errs = append(errs, f.yf.Errorf(n.Line, n.Column, "%s: %s", c.Name, why))
				continue
			}
			x.types[i], x.vals[i] = typ, v
		}
		out = append(out, x)
	}
	return out, errs.Sort(nil)
}

// matches reports whether finding fd has every value x expects.
func matches(x *expected, fd *Finding) bool {
	for i, c := range x.e.Cols {
		j := column(fd, c.Name)
		if j < 0 || !equal(x.vals[i], fd.Row[j]) {
			return false
		}
	}
	return true
}

// differences describes the columns where fd differs from x.
func differences(x *expected, fd *Finding) []string {
	var out []string
	for i, c := range x.e.Cols {
		j := column(fd, c.Name)
		want := string(report.AppendJSONValue(nil, x.types[i], x.vals[i]))
		switch {
		case j < 0:
			out = append(out, fmt.Sprintf("%s: expected %s, got no such column", c.Name, want))
		case !equal(x.vals[i], fd.Row[j]):
			got := string(report.AppendJSONValue(nil, fd.Columns[j].Type, fd.Row[j]))
			out = append(out, fmt.Sprintf("%s: expected %s, got %s", c.Name, want, got))
		}
	}
	return out
}

// project renders fd's values in the columns x lists, in x's order.
func project(x *expected, fd *Finding) string {
	var b []byte
	b = append(b, '{')
	for i, c := range x.e.Cols {
		if i > 0 {
			b = append(b, ", "...)
		}
		j := column(fd, c.Name)
		if j < 0 {
			b = appendKey(b, c.Name)
			b = append(b, ": (no such column)"...)
			continue
		}
		b = appendCell(b, c.Name, fd.Columns[j].Type, fd.Row[j])
	}
	return string(append(b, '}'))
}

// column returns the index of fd's column name, or -1.
func column(fd *Finding, name string) int {
	for i, c := range fd.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// equal compares two values boxed as package value describes. Reals are
// equal within a relative 1e-9, so that an expected 0.3 matches a computed
// 0.30000000000000004; in dynamic values, integers and reals of the same
// number are equal, lists compare in order and property bags as sets of
// keys.
func equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case float64:
		switch y := b.(type) {
		case float64:
			return realEqual(x, y)
		case int64:
			return realEqual(x, float64(y))
		}
		return false
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case float64:
			return realEqual(float64(x), y)
		}
		return false
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case *value.Bag:
		y, ok := b.(*value.Bag)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i, k := range x.Keys {
			v, ok := y.Get(k)
			if !ok || !equal(x.Vals[i], v) {
				return false
			}
		}
		return true
	case bool, string, value.Datetime, value.Timespan:
		return a == b
	}
	return false
}

func realEqual(x, y float64) bool {
	if x == y || math.IsNaN(x) && math.IsNaN(y) {
		return true
	}
	return math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
}

// count returns "1 finding" or "N findings".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
