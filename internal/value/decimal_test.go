package value

import (
	"math"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

func dec(t *testing.T, s string) Decimal {
	t.Helper()
	d, ok := ParseDecimal(s)
	if !ok {
		t.Fatalf("ParseDecimal(%q) failed", s)
	}
	return d
}

func TestParseDecimal(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"1.5", "1.5"}, {"1.50", "1.50"}, {"-0.25", "-0.25"}, {".5", "0.5"}, {"5.", "5"}, {"+7", "7"},
		{"1e5", "100000"}, {"1.5E-3", "0.0015"}, {"2.50e1", "25.0"}, {"-0", "0"}, {"0.000", "0.000"},
		{"1000000020000000300000004", "1000000020000000300000004"},
		{"99999999999999999999999999999999999999", "99999999999999999999999999999999999999"},
		// More than 38 digits: rounded half to even at a smaller scale.
		{"1.000000000000000000000000000000000000005", "1.0000000000000000000000000000000000000"},
		{"1.000000000000000000000000000000000000015", "1.0000000000000000000000000000000000000"},
		{"1.000000000000000000000000000000000000025", "1.0000000000000000000000000000000000000"},
		{"1.00000000000000000000000000000000000005", "1.0000000000000000000000000000000000000"},
		{"1.00000000000000000000000000000000000015", "1.0000000000000000000000000000000000002"},
		{"0.1234567890123456789012345678901234567890", "0.12345678901234567890123456789012345679"},
	} {
		if got := dec(t, c.in).String(); got != c.want {
			t.Errorf("ParseDecimal(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"", "abc", "1.2.3", "1e", "e5", "--1", "1e5000", "100000000000000000000000000000000000000", "nan", "0x10"} {
		if d, ok := ParseDecimal(bad); ok {
			t.Errorf("ParseDecimal(%q) = %s, want failure", bad, d)
		}
	}
}

func TestDecimalArithmetic(t *testing.T) {
	type op func(a, b Decimal) (Decimal, bool)
	for _, c := range []struct {
		name string
		f    op
		a, b string
		want string // "" for failure
	}{
		{"+", Decimal.Add, "1.5", "2.25", "3.75"},
		{"+", Decimal.Add, "0.1", "0.2", "0.3"},
		{"+", Decimal.Add, "1.50", "1", "2.50"},
		{"+", Decimal.Add, "-1.5", "1.5", "0.0"},
		{"+", Decimal.Add, "99999999999999999999999999999999999999", "1", ""},
		{"+", Decimal.Add, "9999999999999999999999999999999999999.9", "0.1", "10000000000000000000000000000000000000"},
		{"-", Decimal.Sub, "1", "0.001", "0.999"},
		{"-", Decimal.Sub, "-2", "3", "-5"},
		{"*", Decimal.Mul, "1.5", "1.5", "2.25"},
		{"*", Decimal.Mul, "0.10", "3", "0.30"},
		{"*", Decimal.Mul, "-2.5", "4", "-10.0"},
		{"*", Decimal.Mul, "10000000000000000000", "10000000000000000000", ""},
		{"/", Decimal.Div, "1", "4", "0.25"},
		{"/", Decimal.Div, "10", "4", "2.5"},
		{"/", Decimal.Div, "4.00", "2", "2.00"},
		{"/", Decimal.Div, "1", "3", "0.33333333333333333333333333333333333333"},
		{"/", Decimal.Div, "2", "3", "0.66666666666666666666666666666666666667"},
		{"/", Decimal.Div, "-1", "8", "-0.125"},
		{"/", Decimal.Div, "100", "0.5", "200"},
		{"/", Decimal.Div, "1", "0", ""},
		{"%", Decimal.Mod, "7.5", "2", "1.5"},
		{"%", Decimal.Mod, "-7.5", "2", "-1.5"},
		{"%", Decimal.Mod, "1", "0", ""},
	} {
		got, ok := c.f(dec(t, c.a), dec(t, c.b))
		switch {
		case c.want == "" && ok:
			t.Errorf("%s %s %s = %s, want failure", c.a, c.name, c.b, got)
		case c.want != "" && !ok:
			t.Errorf("%s %s %s failed, want %s", c.a, c.name, c.b, c.want)
		case c.want != "" && got.String() != c.want:
			t.Errorf("%s %s %s = %s, want %s", c.a, c.name, c.b, got, c.want)
		}
	}
}

func TestDecimalCompareAndKey(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1.5", "1.50", 0}, {"1", "1.0000", 0}, {"-0", "0.0", 0}, {"1.49", "1.5", -1}, {"-1", "-2", 1},
		{"1000000020000000300000004", "1000000020000000300000003", 1},
	} {
		a, b := dec(t, c.a), dec(t, c.b)
		if got := a.Cmp(b); got != c.want {
			t.Errorf("Cmp(%s, %s) = %d, want %d", a, b, got, c.want)
		}
		if (a.Key() == b.Key()) != (c.want == 0) {
			t.Errorf("Key(%s) == Key(%s) is %v", a, b, a.Key() == b.Key())
		}
	}
	if got := dec(t, "1.500").Normalize().String(); got != "1.5" {
		t.Errorf("Normalize(1.500) = %s", got)
	}
}

func TestDecimalConversions(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want string
	}{{0.1, "0.1"}, {1.5, "1.5"}, {100, "100"}, {-2.25, "-2.25"}, {1.0 / 3, "0.333333333333333"}, {1e20, "100000000000000000000"}} {
		d, ok := DecimalFromFloat(c.f)
		if !ok || d.String() != c.want {
			t.Errorf("DecimalFromFloat(%v) = %s, %v; want %s", c.f, d, ok, c.want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), 1e39} {
		if _, ok := DecimalFromFloat(f); ok {
			t.Errorf("DecimalFromFloat(%v) converted", f)
		}
	}
	if got := dec(t, "-2.75").Float(); got != -2.75 {
		t.Errorf("Float(-2.75) = %v", got)
	}
	if n, ok := dec(t, "-2.75").Int(); !ok || n != -2 {
		t.Errorf("Int(-2.75) = %d, %v; want -2 (truncated)", n, ok)
	}
	if _, ok := dec(t, "100000000000000000000").Int(); ok {
		t.Error("Int(1e20) fits a long")
	}
	if got := DecimalFromInt(math.MinInt64).String(); got != "-9223372036854775808" {
		t.Errorf("DecimalFromInt(MinInt64) = %s", got)
	}
	if d, ok := DecimalFromScaled(12345, 3); !ok || d.String() != "12.345" {
		t.Errorf("DecimalFromScaled(12345, 3) = %s", d)
	}
}

func TestDecimalRounding(t *testing.T) {
	for _, c := range []struct {
		in                string
		places            int
		floor, ceil, want string
	}{
		{"2.345", 2, "2", "3", "2.35"},
		{"-2.345", 2, "-3", "-2", "-2.35"},
		{"2.5", 0, "2", "3", "3"},
		{"-2.5", 0, "-3", "-2", "-3"},
		{"1250", -2, "1250", "1250", "1300"},
		{"1.5", 3, "1", "2", "1.5"},
		{"0.1234567890123456789012345678901234567", 30, "0", "1", "0.123456789012345678901234567890"},
	} {
		d := dec(t, c.in)
		if got := d.Floor().String(); got != c.floor {
			t.Errorf("Floor(%s) = %s, want %s", c.in, got, c.floor)
		}
		if got := d.Ceil().String(); got != c.ceil {
			t.Errorf("Ceil(%s) = %s, want %s", c.in, got, c.ceil)
		}
		if got := d.Round(c.places).String(); got != c.want {
			t.Errorf("Round(%s, %d) = %s, want %s", c.in, c.places, got, c.want)
		}
	}
}

// TestDecimalColumn checks that a decimal column holds Decimals, with nil
// for null, through the Column operations.
func TestDecimalColumn(t *testing.T) {
	c := NewColumn(schema.Decimal, 3)
	c.Append(dec(t, "1.50"))
	c.AppendNull()
	c.Append(dec(t, "-2"))
	if Storage(schema.Decimal) != StoreAny || c.Len() != 3 || !c.HasNulls() {
		t.Fatalf("storage %v, len %d, nulls %v", Storage(schema.Decimal), c.Len(), c.HasNulls())
	}
	if got := c.Get(0); got != dec(t, "1.50") {
		t.Errorf("Get(0) = %v", got)
	}
	if !c.IsNull(1) || c.Get(1) != nil || c.IsNull(2) {
		t.Errorf("nulls: %v %v %v", c.IsNull(1), c.Get(1), c.IsNull(2))
	}
	tk := c.Take([]int{2, 1, 0})
	if tk.Get(0) != dec(t, "-2") || !tk.IsNull(1) || tk.Get(2) != dec(t, "1.50") {
		t.Errorf("Take: %v %v %v", tk.Get(0), tk.Get(1), tk.Get(2))
	}
	b := Concat([]schema.Type{schema.Decimal}, []*Batch{{Cols: []*Column{c}, N: 3}, {Cols: []*Column{ConstColumn(schema.Decimal, dec(t, "0.1"))}, N: 2}})
	if b.N != 5 || b.Cols[0].Get(4) != dec(t, "0.1") || !b.Cols[0].IsNull(1) {
		t.Errorf("Concat: %d rows, %v", b.N, b.Cols[0].Get(4))
	}
	if got := string(AppendJSON(nil, dec(t, "-0.050"))); got != "-0.050" {
		t.Errorf("AppendJSON = %s", got)
	}
}
