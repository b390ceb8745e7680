package funcs

import (
	"math"
	"math/rand"
	"reflect"
	"sort"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// runAgg runs aggregate name over one group of rows, fed in batches of
// batch rows, and returns its outputs.
func runAgg(t *testing.T, name string, args []*value.Column, n, batch int, outTypes ...schema.Type) []any {
	t.Helper()
	a := LookupAgg(name)
	types := make([]schema.Type, len(args))
	for i, c := range args {
		types[i] = c.Type
	}
	sig, _, result, err := a.Resolve(types)
	if err != nil {
		t.Fatal(err)
	}
	st := sig.New(types)
	for lo := 0; lo < n; lo += batch {
		hi := min(n, lo+batch)
		part := make([]*value.Column, len(args))
		idx := make([]int, hi-lo)
		for i := range idx {
			idx[i] = lo + i
		}
		for j, c := range args {
			if c.Const {
				part[j] = c
			} else {
				part[j] = c.Take(idx)
			}
		}
		st.Update(make([]int, hi-lo), part, hi-lo)
	}
	if len(outTypes) == 0 {
		outTypes = []schema.Type{result}
	}
	outs := make([]*value.Column, len(outTypes))
	for i, ot := range outTypes {
		outs[i] = value.NewColumn(ot, 1)
	}
	st.Result(outs, 1)
	vals := make([]any, len(outs))
	for i, o := range outs {
		vals[i] = o.Get(0)
	}
	return vals
}

func longColumn(vs []int64) *value.Column {
	c := value.NewColumn(schema.Long, len(vs))
	for _, v := range vs {
		c.Append(v)
	}
	return c
}

// TestDcountExact checks that dcount() is exact at every accuracy level,
// which is within the error Kusto documents for each (the standard
// deviation of its relative error is 1.6% at accuracy 0 and 0.2% at 4),
// also past the sizes Kusto counts exactly (1000 values at accuracy 1,
// 8000 at 2), and for longs too large for a float64.
func TestDcountExact(t *testing.T) {
	const distinct = 100_000
	vals := make([]int64, 0, 3*distinct)
	for i := 0; i < 3*distinct; i++ {
		vals = append(vals, int64(i%distinct)*7919)
	}
	rand.New(rand.NewSource(1)).Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
	col := longColumn(vals)
	errBound := []float64{0.016, 0.008, 0.004, 0.0028, 0.002}
	for acc := int64(0); acc <= 4; acc++ {
		got := runAgg(t, "dcount", []*value.Column{col, value.ConstColumn(schema.Long, acc)}, len(vals), 4096)[0].(int64)
		if got != distinct {
			t.Errorf("dcount(x, %d) = %d, want exactly %d", acc, got, distinct)
		}
		if rel := math.Abs(float64(got-distinct)) / distinct; rel > 3*errBound[acc] {
			t.Errorf("dcount(x, %d): relative error %g beyond Kusto's bound %g", acc, rel, 3*errBound[acc])
		}
	}
	big := longColumn([]int64{1 << 60, 1<<60 + 1, 1<<60 + 2, 1 << 60, math.MaxInt64, math.MinInt64})
	if got := runAgg(t, "dcount", []*value.Column{big}, 6, 6)[0]; got != int64(5) {
		t.Errorf("dcount of large longs = %v, want 5", got)
	}
	if got := runAgg(t, "hll", []*value.Column{big}, 6, 2)[0]; len(got.([]any)[1].([]any)) != 5 {
		t.Errorf("hll of large longs = %v, want 5 hashes", got)
	}
}

// nearestRank is the reference's definition of the P-th percentile: the
// smallest value such that P percent of the values are less or equal.
func nearestRank(sorted []int64, p float64) int64 {
	for _, v := range sorted {
		le := 0
		for _, w := range sorted {
			if w <= v {
				le++
			}
		}
		if float64(le)*100 >= p*float64(len(sorted)) {
			return v
		}
	}
	return sorted[len(sorted)-1]
}

// TestPercentileNearestRank compares percentile() with the nearest-rank
// definition on random data, unweighted and weighted (a weight repeats
// its value).
func TestPercentileNearestRank(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for trial := 0; trial < 40; trial++ {
		n := 1 + r.Intn(60)
		vals := make([]int64, n)
		weights := make([]int64, n)
		var expanded []int64
		for i := range vals {
			vals[i] = int64(r.Intn(40) - 10)
			weights[i] = int64(1 + r.Intn(4))
			for k := int64(0); k < weights[i]; k++ {
				expanded = append(expanded, vals[i])
			}
		}
		sortedVals := append([]int64(nil), vals...)
		sort.Slice(sortedVals, func(i, j int) bool { return sortedVals[i] < sortedVals[j] })
		sort.Slice(expanded, func(i, j int) bool { return expanded[i] < expanded[j] })
		for _, p := range []float64{0, 1, 5, 10, 25, 33.3, 50, 66.7, 75, 90, 95, 99, 99.9, 100} {
			pc := value.ConstColumn(schema.Real, p)
			got := runAgg(t, "percentile", []*value.Column{longColumn(vals), pc}, n, 7)[0]
			if want := nearestRank(sortedVals, p); got != want {
				t.Errorf("percentile(%v, %v) = %v, want %d", vals, p, got, want)
			}
			got = runAgg(t, "percentilew", []*value.Column{longColumn(vals), longColumn(weights), pc}, n, 5)[0]
			if want := nearestRank(expanded, p); got != want {
				t.Errorf("percentilew(%v, %v, %v) = %v, want %d", vals, weights, p, got, want)
			}
		}
	}
}

// TestIfStateBatches checks that a predicate filters rows of every batch
// and that groups that never pass get the default.
func TestIfStateBatches(t *testing.T) {
	a := LookupAgg("sumif")
	types := []schema.Type{schema.Long, schema.Bool}
	sig, _, _, err := a.Resolve(types)
	if err != nil {
		t.Fatal(err)
	}
	st := sig.New(types)
	pred := value.NewColumn(schema.Bool, 4)
	for _, b := range []any{true, false, nil, true} {
		pred.Append(b)
	}
	st.Update([]int{0, 1, 0, 0}, []*value.Column{longColumn([]int64{1, 2, 3, 4}), pred}, 4)
	st.Update([]int{0, 2}, []*value.Column{value.ConstColumn(schema.Long, int64(10)), value.ConstColumn(schema.Bool, true)}, 2)
	out := value.NewColumn(schema.Long, 4)
	st.Result([]*value.Column{out}, 4)
	if got, want := out.Ints, []int64{15, 0, 10, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("sumif by group = %v, want %v", got, want)
	}
}

func TestLiteralName(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{{int64(50), "50"}, {99.9, "99_9"}, {50.0, "50"}, {0.5, "0_5"}, {int64(-5), "_5"}, {1e-7, "1E_07"}, {"a b", "a_b"}} {
		if got := LiteralName(c.v); got != c.want {
			t.Errorf("LiteralName(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

// TestOutputNames pins the default output names of the aggregates whose
// naming is their own, as Kusto's analyzer gives them.
func TestOutputNames(t *testing.T) {
	x := AggArg{Name: "x", Column: true}
	y := AggArg{Name: "y", Column: true, Index: 1}
	unnamed := func(i int) AggArg { return AggArg{Index: i} }
	for _, c := range []struct {
		agg  string
		args []AggArg
		want []string
	}{
		{"count", nil, []string{"count_"}},
		{"sum", []AggArg{x}, []string{"sum_x"}},
		{"make_set_if", []AggArg{x, unnamed(1)}, []string{"set_x"}},
		{"take_any", []AggArg{x, y, unnamed(2)}, []string{"x", "y", "any_arg2"}},
		{"take_any", []AggArg{{Name: "x", Star: true}}, []string{"x"}},
		{"any", []AggArg{x}, []string{"any_x"}},
		{"any", []AggArg{{Name: "x", Star: true}}, []string{"x"}},
		{"any", []AggArg{x, unnamed(1)}, []string{"x", "arg1"}},
		{"take_anyif", []AggArg{x, unnamed(1)}, []string{"x"}},
		{"take_anyif", []AggArg{unnamed(0), unnamed(1)}, []string{""}},
		{"anyif", []AggArg{x, unnamed(1)}, []string{"anyif_x"}},
		{"arg_max", []AggArg{x, y, unnamed(2)}, []string{"x", "y", "max_x_arg2"}},
		{"arg_min", []AggArg{unnamed(0), y}, []string{"min_", "y"}},
		{"argmax", []AggArg{x, y, unnamed(2)}, []string{"x", "x_y", "x_arg2"}},
		{"binary_all_xor", []AggArg{x}, []string{"x"}},
		{"percentile", []AggArg{x, {Literal: "99_9", Index: 1}}, []string{"percentile_x_99_9"}},
		{"percentilew", []AggArg{x, y, {Literal: "50", Index: 2}}, []string{"percentile_x_50"}},
		{"percentiles_array", []AggArg{x, {Literal: "5"}, {Literal: "50"}}, []string{"percentiles_x"}},
		{"percentilesw_array", []AggArg{x, y, unnamed(2)}, []string{"percentile_x"}},
		{"covariance", []AggArg{x, y}, []string{"covariance_x_y"}},
		{"covariancepif", []AggArg{x, y, unnamed(2)}, []string{"covariancepif_x_y"}},
		{"covariancep", []AggArg{x, unnamed(1)}, []string{"covariancep_x"}},
		{"buildschema", []AggArg{x}, []string{"schema_x"}},
	} {
		if got := LookupAgg(c.agg).OutputNames(c.args); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s%v names = %q, want %q", c.agg, c.args, got, c.want)
		}
	}
}

// TestSplitAggregates checks that every aggregate with one output per
// trailing argument splits into an aggregate of one fewer repeating
// argument.
func TestSplitAggregates(t *testing.T) {
	for _, name := range AggNames() {
		a := LookupAgg(name)
		if a.Split == "" {
			continue
		}
		part := LookupAgg(a.Split)
		if part == nil || part.Split != "" || part.Multi {
			t.Errorf("%s splits into %q, which is not a single-output aggregate", name, a.Split)
			continue
		}
		if len(part.Sigs) != 1 || len(part.Sigs[0].Params) != len(a.Sigs[0].Params) || !a.Sigs[0].Variadic {
			t.Errorf("%s: its signature is not %s's with a repeating last parameter", name, a.Split)
		}
	}
}

// TestAggDefaults checks the value of every aggregate over a group with
// no rows against the reference's table of defaults: 0 for counts, sums,
// variance and stdev, [] for the make_* family, null for the others (avg
// gives NaN, as the reference's example shows).
func TestAggDefaults(t *testing.T) {
	zero := map[string]bool{"count": true, "cnt": true, "countif": true, "dcount": true, "dcountif": true,
		"count_distinct": true, "count_distinctif": true, "sum": true, "sumif": true, "variance": true,
		"varianceif": true, "stdev": true, "stdevif": true}
	empty := map[string]bool{"make_bag": true, "make_bag_if": true, "make_dictionary": true, "make_list": true,
		"make_list_if": true, "make_list_with_nulls": true, "makelist": true, "make_set": true, "make_set_if": true, "makeset": true}
	for _, name := range AggNames() {
		a := LookupAgg(name)
		s := a.Sigs[0]
		types := make([]schema.Type, len(s.Params))
		for i, prm := range s.Params {
			for _, ty := range []schema.Type{schema.Long, schema.Bool, schema.Dynamic, schema.String} {
				if prm.Types.Has(ty) {
					types[i] = ty
					break
				}
			}
		}
		st := s.New(types)
		out := value.NewColumn(s.Result(types), 1)
		outs := []*value.Column{out}
		if a.Multi {
			for _, ty := range types[1:] {
				outs = append(outs, value.NewColumn(ty, 1))
			}
		}
		st.Result(outs, 1)
		got := out.Get(0)
		switch {
		case zero[name]:
			if got != int64(0) && got != 0.0 {
				t.Errorf("%s of nothing = %v, want 0", name, got)
			}
		case empty[name]:
			if l, ok := got.([]any); !ok || len(l) != 0 {
				t.Errorf("%s of nothing = %v, want []", name, got)
			}
		case name == "avg" || name == "avgif":
			if f, ok := got.(float64); !ok || !math.IsNaN(f) {
				t.Errorf("%s of nothing = %v, want NaN", name, got)
			}
		default:
			if got != nil {
				t.Errorf("%s of nothing = %v, want null", name, got)
			}
		}
	}
}
