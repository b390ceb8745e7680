package value

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Decimal is KQL's decimal: a 128-bit decimal number, an unsigned
// integer mantissa of up to 38 decimal digits with a sign and a scale of
// 0 to 38 digits after the point, so that its value is (-1)^neg ×
// mantissa / 10^scale. Kusto's getschema names the type
// System.Data.SqlTypes.SqlDecimal, whose precision is 38 digits; the
// parse_version page needs 32 (four parts of eight digits), more than
// .NET's System.Decimal holds. The scale is part of the value as in .NET:
// decimal(1.50) keeps its two digits and prints as 1.50, and equals
// decimal(1.5). The zero value is 0.
//
// A result that needs more than 38 digits is rounded half to even at a
// smaller scale, and one too large even at scale 0 overflows (ok false,
// which the engine's kernels turn into null). Decimals are comparable
// with == only by representation; use Cmp or Key for their values.
// https://learn.microsoft.com/kusto/query/scalar-data-types/decimal
type Decimal struct {
	lo    uint64 // low 64 bits of the mantissa
	hi    uint64 // high 64 bits of the mantissa
	scale uint8
	neg   bool
}

// MaxDecimalScale is the largest scale of a decimal, and
// MaxDecimalDigits the most digits of its mantissa.
const (
	MaxDecimalScale  = 38
	MaxDecimalDigits = 38
)

var (
	bigTen    = big.NewInt(10)
	maxMant   = new(big.Int).Sub(new(big.Int).Exp(big.NewInt(10), big.NewInt(MaxDecimalDigits), nil), big.NewInt(1))
	pow10Big  [2*MaxDecimalScale + 30]*big.Int
	mask64Big = new(big.Int).SetUint64(math.MaxUint64)
)

func init() {
	p := big.NewInt(1)
	for i := range pow10Big {
		pow10Big[i] = new(big.Int).Set(p)
		p.Mul(p, bigTen)
	}
}

// pow10 returns 10^n.
func pow10(n int) *big.Int {
	if n < len(pow10Big) {
		return pow10Big[n]
	}
	return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
}

// mant returns the unsigned mantissa of d.
func (d Decimal) mant() *big.Int {
	m := new(big.Int).SetUint64(d.hi)
	m.Lsh(m, 64)
	return m.Or(m, new(big.Int).SetUint64(d.lo))
}

// signed returns the signed mantissa of d.
func (d Decimal) signed() *big.Int {
	m := d.mant()
	if d.neg {
		m.Neg(m)
	}
	return m
}

// Scale returns the number of decimal digits after the point.
func (d Decimal) Scale() int { return int(d.scale) }

// IsZero reports whether d is zero (at any scale).
func (d Decimal) IsZero() bool { return d.lo == 0 && d.hi == 0 }

// Sign returns -1, 0 or 1.
func (d Decimal) Sign() int {
	switch {
	case d.IsZero():
		return 0
	case d.neg:
		return -1
	}
	return 1
}

// makeDecimal builds a decimal from a signed mantissa and a scale,
// rounding half to even to fit 38 digits and the scale limit; ok is false
// when the value does not fit even at scale 0.
func makeDecimal(m *big.Int, scale int) (Decimal, bool) {
	m = new(big.Int).Set(m)
	if scale < 0 {
		m.Mul(m, pow10(-scale))
		scale = 0
	}
	neg := m.Sign() < 0
	m.Abs(m)
	if scale > MaxDecimalScale {
		m = roundHalfEven(m, pow10(scale-MaxDecimalScale))
		scale = MaxDecimalScale
	}
	for m.Cmp(maxMant) > 0 {
		if scale == 0 {
			return Decimal{}, false
		}
		m = roundHalfEven(m, bigTen)
		scale--
	}
	d := Decimal{scale: uint8(scale), neg: neg && m.Sign() != 0}
	d.lo = new(big.Int).And(m, mask64Big).Uint64()
	d.hi = new(big.Int).Rsh(m, 64).Uint64()
	return d, true
}

// roundHalfEven returns m / div (m >= 0), rounded half to even.
func roundHalfEven(m, div *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(m, div, new(big.Int))
	r2 := new(big.Int).Lsh(r, 1)
	if c := r2.Cmp(div); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// DecimalFromInt returns n as a decimal of scale 0.
func DecimalFromInt(n int64) Decimal {
	d, _ := makeDecimal(big.NewInt(n), 0)
	return d
}

// DecimalFromScaled returns m / 10^scale (a Parquet DECIMAL's unscaled
// integer and scale); ok is false for a scale beyond 38 digits that
// cannot be rounded into range.
func DecimalFromScaled(m int64, scale int) (Decimal, bool) {
	return makeDecimal(big.NewInt(m), scale)
}

// DecimalFromFloat converts x as .NET's Convert.ToDecimal(double) does:
// rounded to 15 significant digits, without trailing zeros. ok is false
// for NaN, infinities and values beyond the decimal range.
func DecimalFromFloat(x float64) (Decimal, bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) >= 1e38 {
		return Decimal{}, false
	}
	d, ok := ParseDecimal(strconv.FormatFloat(x, 'e', 14, 64))
	if !ok {
		return Decimal{}, false
	}
	return d.Normalize(), true
}

// ParseDecimal parses a decimal number: an optional sign, digits with an
// optional point, and an optional exponent (1.5, -.25, 1e5, 2.5E-3), as
// .NET's Decimal.Parse with NumberStyles.Float does. Digits beyond the
// 38-digit scale or mantissa are rounded half to even; ok is false for
// anything else or a value out of range.
func ParseDecimal(s string) (Decimal, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	mant, exp, hasExp := s, "", false
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp, hasExp = s[:i], s[i+1:], true
	}
	intPart, frac := mant, ""
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		intPart, frac = mant[:i], mant[i+1:]
	}
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return Decimal{}, false
	}
	e := 0
	if hasExp {
		n, err := strconv.Atoi(exp)
		if err != nil || n > 1000 || n < -1000 {
			return Decimal{}, false
		}
		e = n
	}
	m, ok := new(big.Int).SetString("0"+intPart+frac, 10)
	if !ok {
		return Decimal{}, false
	}
	if neg {
		m.Neg(m)
	}
	return makeDecimal(m, len(frac)-e)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String returns d as .NET prints it: the digits of the mantissa with
// the point before the last scale of them (1.50, 0.05, -3), never in E
// notation.
func (d Decimal) String() string { return string(d.AppendText(nil)) }

// AppendText appends d's text (see String) to b.
func (d Decimal) AppendText(b []byte) []byte {
	digits := d.mant().String()
	if d.neg {
		b = append(b, '-')
	}
	sc := int(d.scale)
	if sc == 0 {
		return append(b, digits...)
	}
	if len(digits) <= sc {
		digits = strings.Repeat("0", sc-len(digits)+1) + digits
	}
	b = append(b, digits[:len(digits)-sc]...)
	b = append(b, '.')
	return append(b, digits[len(digits)-sc:]...)
}

// Float returns the nearest float64 to d.
func (d Decimal) Float() float64 {
	f, _ := strconv.ParseFloat(d.String(), 64)
	return f
}

// Int returns d truncated toward zero, as .NET's conversion to long does;
// ok is false when it does not fit 64 bits.
func (d Decimal) Int() (int64, bool) {
	q := new(big.Int).Quo(d.signed(), pow10(int(d.scale)))
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// Normalize returns d at the smallest scale that holds its value
// (1.500 is 1.5, 0.0 is 0).
func (d Decimal) Normalize() Decimal {
	if d.IsZero() {
		return Decimal{}
	}
	m := d.signed()
	sc := int(d.scale)
	r := new(big.Int)
	for sc > 0 {
		q, rem := new(big.Int).QuoRem(m, bigTen, r)
		if rem.Sign() != 0 {
			break
		}
		m = q
		sc--
	}
	out, _ := makeDecimal(m, sc)
	return out
}

// Key returns a comparable value that is equal for equal decimals
// whatever their scales: the normalized decimal.
func (d Decimal) Key() Decimal { return d.Normalize() }

// aligned returns the signed mantissas of a and b at their larger scale,
// and that scale.
func aligned(a, b Decimal) (*big.Int, *big.Int, int) {
	ma, mb := a.signed(), b.signed()
	sa, sb := int(a.scale), int(b.scale)
	switch {
	case sa < sb:
		ma.Mul(ma, pow10(sb-sa))
		return ma, mb, sb
	case sb < sa:
		mb.Mul(mb, pow10(sa-sb))
	}
	return ma, mb, sa
}

// Cmp compares the values of a and b: -1, 0 or 1.
func (a Decimal) Cmp(b Decimal) int {
	ma, mb, _ := aligned(a, b)
	return ma.Cmp(mb)
}

// Neg returns -d.
func (d Decimal) Neg() Decimal {
	if !d.IsZero() {
		d.neg = !d.neg
	}
	return d
}

// Abs returns |d|.
func (d Decimal) Abs() Decimal {
	d.neg = false
	return d
}

// Add returns a + b at the larger of their scales (rounded when the sum
// needs more than 38 digits); ok is false on overflow.
func (a Decimal) Add(b Decimal) (Decimal, bool) {
	ma, mb, sc := aligned(a, b)
	return makeDecimal(ma.Add(ma, mb), sc)
}

// Sub returns a - b, as Add does.
func (a Decimal) Sub(b Decimal) (Decimal, bool) { return a.Add(b.Neg()) }

// Mul returns a × b at the sum of their scales, rounded half to even to
// at most 38 digits; ok is false on overflow.
func (a Decimal) Mul(b Decimal) (Decimal, bool) {
	m := new(big.Int).Mul(a.signed(), b.signed())
	return makeDecimal(m, int(a.scale)+int(b.scale))
}

// Div returns a / b: the exact quotient at the smallest scale, not below
// the difference of the scales, that holds it, else the quotient rounded
// half to even to as many digits as fit 38 (as .NET's System.Decimal
// divides, with its 28 digits; the reference documents no rule). ok is
// false for a zero divisor and on overflow.
func (a Decimal) Div(b Decimal) (Decimal, bool) {
	if b.IsZero() {
		return Decimal{}, false
	}
	na, nb := a.signed(), b.signed()
	neg := (na.Sign() < 0) != (nb.Sign() < 0)
	na.Abs(na)
	nb.Abs(nb)
	// a/b = (na / nb) × 10^(sb - sa): at scale sc the mantissa is
	// na × 10^(sc - sa + sb) / nb.
	base := int(a.scale) - int(b.scale)
	sc := max(base, 0)
	var q, r *big.Int
	for {
		num := new(big.Int).Set(na)
		if k := sc - base; k >= 0 {
			num.Mul(num, pow10(k))
		}
		q, r = new(big.Int).QuoRem(num, nb, new(big.Int))
		if r.Sign() == 0 || sc >= MaxDecimalScale {
			break
		}
		if next := new(big.Int).Mul(q, bigTen); next.Cmp(maxMant) > 0 {
			break
		}
		sc++
	}
	if q.Cmp(maxMant) > 0 && sc == 0 {
		return Decimal{}, false
	}
	if r.Sign() != 0 {
		r2 := new(big.Int).Lsh(r, 1)
		if c := r2.Cmp(nb); c > 0 || (c == 0 && q.Bit(0) == 1) {
			q.Add(q, big.NewInt(1))
		}
	}
	if neg {
		q.Neg(q)
	}
	return makeDecimal(q, sc)
}

// Mod returns the remainder of a / b truncated toward zero, with the sign
// of a, at the larger of their scales, as .NET's % does; ok is false for
// a zero divisor.
func (a Decimal) Mod(b Decimal) (Decimal, bool) {
	if b.IsZero() {
		return Decimal{}, false
	}
	ma, mb, sc := aligned(a, b)
	return makeDecimal(new(big.Int).Rem(ma, mb), sc)
}

// Floor returns the largest integer not above d, at scale 0.
func (d Decimal) Floor() Decimal {
	m := d.signed()
	p := pow10(int(d.scale))
	q, r := new(big.Int).QuoRem(m, p, new(big.Int))
	if r.Sign() < 0 {
		q.Sub(q, big.NewInt(1))
	}
	out, _ := makeDecimal(q, 0)
	return out
}

// Ceil returns the smallest integer not below d, at scale 0.
func (d Decimal) Ceil() Decimal { return d.Neg().Floor().Neg() }

// Round returns d rounded to places digits after the point (before it
// when negative), halves away from zero, at scale max(places, 0) or less
// when d has fewer digits.
func (d Decimal) Round(places int) Decimal {
	if places >= int(d.scale) {
		return d
	}
	drop := int(d.scale) - places
	m := d.mant()
	p := pow10(drop)
	q, r := new(big.Int).QuoRem(m, p, new(big.Int))
	if new(big.Int).Lsh(r, 1).Cmp(p) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if d.neg {
		q.Neg(q)
	}
	out, ok := makeDecimal(q, places)
	if !ok {
		return d
	}
	return out
}
