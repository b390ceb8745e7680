package funcs

import (
	"math"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

func TestMathRound(t *testing.T) {
	for _, c := range []struct {
		x      float64
		digits int64
		want   float64
	}{
		{2.98765, 3, 2.988}, {2.15, 1, 2.2}, {2.15, 0, 2}, {-50.55, -2, -100}, {21.5, -1, 20},
		{2.5, 0, 3}, {-2.5, 0, -3}, {1e300, 10, 1e300}, {1.5, 20, 1.5}, {123, -400, 0},
	} {
		if got, _ := mathRound(c.x, c.digits); got != c.want {
			t.Errorf("round(%v, %d) = %v, want %v", c.x, c.digits, got, c.want)
		}
	}
	if got, _ := mathRound(math.NaN(), 2); !math.IsNaN(got) {
		t.Errorf("round(NaN) = %v", got)
	}
	for _, c := range []struct{ x, digits, want int64 }{
		{1250, -2, 1300}, {1249, -2, 1200}, {-1250, -2, -1300}, {-1249, -2, -1200}, {1234, 2, 1234},
		{5, -1, 10}, {4, -1, 0}, {-5, -1, -10}, {math.MaxInt64, -30, 0},
	} {
		if got, _ := mathRoundInt(c.x, c.digits); got != c.want {
			t.Errorf("round(%d, %d) = %d, want %d", c.x, c.digits, got, c.want)
		}
	}
}

// TestFormatBytes checks the reference's examples and the units.
// https://learn.microsoft.com/kusto/query/format-bytes-function
func TestFormatBytes(t *testing.T) {
	for _, c := range []struct {
		size      float64
		precision int64
		unit      string
		want      string
	}{
		{564, 0, "", "564 Bytes"}, {10332, 1, "", "10.1 KB"}, {20010332, 0, "", "19 MB"},
		{20010332, 2, "", "19.08 MB"}, {20010332, 0, "KB", "19541 KB"}, {20010332, 0, "kb", "19541 KB"},
		{1024, 0, "", "1 KB"}, {1023, 0, "", "1023 Bytes"}, {0, 0, "", "0 Bytes"},
		{math.Pow(1024, 7), 0, "", "1024 EB"}, {1536, 1, "MB", "0 MB"}, {1536, 4, "MB", "0.0015 MB"},
		{-2048, 0, "", "-2 KB"}, {1024, 0, "nope", "1 KB"},
	} {
		if got := mathFormatBytes(c.size, c.precision, c.unit); got != c.want {
			t.Errorf("format_bytes(%v, %d, %q) = %q, want %q", c.size, c.precision, c.unit, got, c.want)
		}
	}
}

func TestRange(t *testing.T) {
	run := func(types []schema.Type, row ...any) string {
		v, ok := rangeKernel(types)(row)
		if !ok {
			return "null"
		}
		return jsonText(v)
	}
	long2 := []schema.Type{schema.Long, schema.Long, schema.Long}
	if got := run(long2, int64(5), int64(1), int64(-2)); got != "[5,3,1]" {
		t.Errorf("range(5, 1, -2) = %s", got)
	}
	if got := run(long2, int64(5), int64(1), int64(1)); got != "[]" {
		t.Errorf("range(5, 1, 1) = %s", got)
	}
	if got := run(long2, int64(1), int64(5), int64(0)); got != "null" {
		t.Errorf("range(1, 5, 0) = %s", got)
	}
	reals := []schema.Type{schema.Real, schema.Real, schema.Real}
	if got := run(reals, 1.0, 2.0, 0.25); got != "[1.0,1.25,1.5,1.75,2.0]" {
		t.Errorf("range(1.0, 2.0, 0.25) = %s", got)
	}
	near := []schema.Type{schema.Long, schema.Long, schema.Long}
	if got := run(near, int64(9223372036854775806), int64(9223372036854775807), int64(5)); got != "[9223372036854775806]" {
		t.Errorf("range near the largest long = %s", got)
	}
}
