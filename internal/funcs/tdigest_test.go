package funcs

import (
	"math/rand"
	"reflect"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// TestTdigestAgreesWithPercentile checks the promise of tdigest.go: the
// percentiles read from a digest are percentile()'s, and the merge of the
// digests of parts is the digest of the whole.
func TestTdigestAgreesWithPercentile(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	for trial := 0; trial < 50; trial++ {
		n := 1 + rng.Intn(200)
		vs := make([]int64, n)
		for i := range vs {
			vs[i] = rng.Int63n(40) - 20
		}
		col := longColumn(vs)
		whole := runAgg(t, "tdigest", []*value.Column{col}, n, 17)[0]
		for _, pct := range []float64{0, 1, 5, 25, 50, 50.5, 75, 95, 99.9, 100} {
			want := runAgg(t, "percentile", []*value.Column{col, value.ConstColumn(schema.Real, pct)}, n, n)[0]
			d, ok := parseDigest(whole)
			if !ok {
				t.Fatalf("not a digest: %v", whole)
			}
			if got := d.percentile(pct); got != want {
				t.Errorf("trial %d: percentile_tdigest(tdigest(x), %v) = %v, percentile(x, %v) = %v", trial, pct, got, pct, want)
			}
		}
		// Digests of three parts, merged by the aggregate and by the
		// scalar function.
		cut1, cut2 := rng.Intn(n+1), rng.Intn(n+1)
		cut1, cut2 = min(cut1, cut2), max(cut1, cut2)
		var parts []any
		for _, p := range [][]int64{vs[:cut1], vs[cut1:cut2], vs[cut2:]} {
			if len(p) == 0 {
				continue
			}
			parts = append(parts, runAgg(t, "tdigest", []*value.Column{longColumn(p)}, len(p), 5)[0])
		}
		dyn := value.NewColumn(schema.Dynamic, len(parts))
		for _, p := range parts {
			dyn.Append(p)
		}
		merged := runAgg(t, "tdigest_merge", []*value.Column{dyn}, len(parts), 1)[0]
		if !reflect.DeepEqual(merged, whole) {
			t.Errorf("trial %d: tdigest_merge of the parts = %v, tdigest of the whole = %v", trial, merged, whole)
		}
		if got, _ := mergeDigests(parts); !reflect.DeepEqual(got, whole) {
			t.Errorf("trial %d: merge_tdigest of the parts = %v, tdigest of the whole = %v", trial, got, whole)
		}
	}
}

func TestTdigestWeightsAndTypes(t *testing.T) {
	vals := value.NewColumn(schema.Real, 4)
	ws := value.NewColumn(schema.Long, 4)
	for i, v := range []float64{2, 1, 2, 3} {
		vals.Append(v)
		ws.Append([]int64{2, 1, 0, -1}[i]) // weights of 0 and below are skipped
	}
	got := runAgg(t, "tdigest", []*value.Column{vals, ws}, 4, 4)[0]
	want := []any{[]any{int64(digestReal)}, []any{1.0, 2.0}, []any{int64(1), int64(2)}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tdigest(V, W) = %v, want %v", got, want)
	}
	// Digests of different types do not merge.
	if _, ok := mergeDigests([]any{want, []any{[]any{int64(digestLong)}, []any{int64(1)}, []any{int64(1)}}}); ok {
		t.Error("a real digest merged with a long digest")
	}
	// A datetime digest gives datetimes back and ranks datetimes.
	d0 := value.Datetime(1000)
	dt := value.NewColumn(schema.Datetime, 2)
	dt.Append(d0)
	dt.Append(d0 + 5)
	td := runAgg(t, "tdigest", []*value.Column{dt}, 2, 2)[0]
	dg, ok := parseDigest(td)
	if !ok {
		t.Fatalf("not a digest: %v", td)
	}
	if got := dg.percentile(100); got != d0+5 {
		t.Errorf("percentile 100 of a datetime digest = %v", got)
	}
	if r, ok := dg.rank(d0); !ok || r != 1 {
		t.Errorf("rank of the first datetime = %d, %v", r, ok)
	}
	if _, ok := dg.rank(int64(3)); ok {
		t.Error("a long ranked in a datetime digest")
	}
	for _, bad := range []any{nil, "x", []any{}, []any{[]any{int64(99)}, []any{}, []any{}}, []any{[]any{int64(7)}, []any{int64(1)}, []any{int64(0)}}} {
		if _, ok := parseDigest(bad); ok {
			t.Errorf("parseDigest(%v) accepted", bad)
		}
	}
}
