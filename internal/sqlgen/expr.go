package sqlgen

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// pred translates a predicate for WHERE: a null condition drops the row,
// as in the embedded engine.
func (g *gen) pred(e plan.Expr, cols []string) string {
	return g.expr(e, cols)
}

// nullable reports whether e may be null in the storage mapping.
func nullable(e plan.Expr) bool {
	if e.Type() == schema.String {
		return false
	}
	if c, ok := e.(*plan.Const); ok {
		return c.Value == nil
	}
	if c, ok := e.(*plan.Call); ok {
		switch c.Fn.Name {
		case "and", "or", "isnull", "isnotnull", "isempty", "isnotempty", "=~", "!~", "in", "!in", "in~", "!in~", "has_any", "strlen":
			return false
		}
		if isStringPredicate(c.Fn.Name) {
			return false
		}
	}
	return true
}

func (g *gen) expr(e plan.Expr, cols []string) string {
	switch e := e.(type) {
	case *plan.ColRef:
		// A dynamic column may be copied; the calls that take one refuse
		// it (each checks its operands' types).
		if ColumnType(e.T) == "" || e.T == schema.Guid {
			refuse(e.T.String(), e.Src, "column "+e.Name)
		}
		return cols[e.Index]
	case *plan.Const:
		return g.constant(e)
	case *plan.Let:
		return g.expr(e.X, cols)
	case *plan.Cast:
		return g.cast(e, cols)
	case *plan.Call:
		return g.call(e, cols)
	}
	refuse(fmt.Sprintf("%T", e), e.Span(), "")
	return ""
}

func (g *gen) constant(c *plan.Const) string {
	if c.Value == nil {
		if ColumnType(c.T) == "" || c.T == schema.Dynamic || c.T == schema.Guid {
			refuse(c.T.String(), c.Src, "null literal")
		}
		return "CAST(NULL AS " + ColumnType(c.T) + ")"
	}
	switch v := c.Value.(type) {
	case bool:
		if v {
			return "toUInt8(1)"
		}
		return "toUInt8(0)"
	case int64:
		switch c.T {
		case schema.Int:
			return fmt.Sprintf("toInt32(%d)", v)
		case schema.Long, schema.Datetime, schema.Timespan:
			return fmt.Sprintf("toInt64(%d)", v)
		}
	case value.Datetime:
		return fmt.Sprintf("toInt64(%d)", int64(v))
	case value.Timespan:
		return fmt.Sprintf("toInt64(%d)", int64(v))
	case float64:
		switch {
		case math.IsNaN(v):
			return "nan"
		case math.IsInf(v, 1):
			return "inf"
		case math.IsInf(v, -1):
			return "-inf"
		}
		return "toFloat64(" + strconv.FormatFloat(v, 'g', -1, 64) + ")"
	case string:
		if c.T == schema.String {
			return String(v)
		}
	}
	refuse(c.T.String()+" literal", c.Src, "")
	return ""
}

func (g *gen) cast(c *plan.Cast, cols []string) string {
	x := g.expr(c.X, cols)
	from := c.X.Type()
	switch {
	case from == c.T:
		return x
	case from == schema.Int && c.T == schema.Long:
		return "toInt64(" + x + ")"
	case (from == schema.Int || from == schema.Long) && c.T == schema.Real:
		return "toFloat64(" + x + ")"
	}
	refuse("conversion of "+from.String()+" to "+c.T.String(), c.Span(), "")
	return ""
}

func isStringPredicate(name string) bool {
	name = strings.TrimPrefix(name, "!")
	switch name {
	case "has", "has_cs", "contains", "contains_cs", "startswith", "startswith_cs", "endswith", "endswith_cs",
		"hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs":
		return true
	}
	return false
}

// constString returns the value of e when it is a string constant.
func constString(e plan.Expr) (string, bool) {
	if c, ok := e.(*plan.Const); ok && c.T == schema.String {
		s, ok := c.Value.(string)
		return s, ok
	}
	return "", false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldASCII is ClickHouse SQL for the text that a case-insensitive
// comparison with an ASCII needle sees: ASCII letters lowered, and the
// two non-ASCII runes that Go's Unicode folding maps onto ASCII letters
// (KELVIN SIGN to k, and with simple folding LATIN SMALL LETTER LONG S
// to s) replaced by them. ClickHouse's lower() maps ASCII only.
func foldASCII(x string, longS bool) string {
	s := "replaceAll(" + x + ", '\u212a', 'k')"
	if longS {
		s = "replaceAll(" + s + ", '\u017f', 's')"
	}
	return "lower(" + s + ")"
}

func (g *gen) call(c *plan.Call, cols []string) string {
	name := c.Fn.Name
	arg := func(i int) string { return g.expr(c.Args[i], cols) }
	switch name {
	case "and", "or":
		return "(ifNull(" + arg(0) + ", 0) " + strings.ToUpper(name) + " ifNull(" + arg(1) + ", 0))"
	case "not":
		return "NOT (" + arg(0) + ")"
	case "isnull", "isnotnull":
		t := c.Args[0].Type()
		if t == schema.Dynamic || t == schema.Guid || ColumnType(t) == "" {
			break
		}
		if t == schema.String {
			if name == "isnull" {
				return "toUInt8(0)"
			}
			return "toUInt8(1)"
		}
		if name == "isnull" {
			return "toUInt8(isNull(" + arg(0) + "))"
		}
		return "toUInt8(isNotNull(" + arg(0) + "))"
	case "isempty", "isnotempty":
		t := c.Args[0].Type()
		if t == schema.Dynamic || t == schema.Guid || ColumnType(t) == "" {
			break
		}
		var s string
		if t == schema.String {
			s = "(" + arg(0) + " = '')"
		} else {
			s = "isNull(" + arg(0) + ")"
		}
		if name == "isnotempty" {
			s = "NOT " + s
		}
		return "toUInt8(" + s + ")"
	case "==", "!=", "<", "<=", ">", ">=":
		return g.compare(c, cols)
	case "=~", "!~":
		if c.Args[0].Type() != schema.String || c.Args[1].Type() != schema.String {
			break
		}
		nd, ok := constString(c.Args[1])
		if !ok || !isASCII(nd) {
			refuse(name, c.Src, "only with an ASCII string constant on the right")
		}
		s := "(" + foldASCII(arg(0), true) + " = " + String(strings.ToLower(nd)) + ")"
		if name == "!~" {
			s = "NOT " + s
		}
		return "toUInt8(" + s + ")"
	case "+", "-", "*", "/":
		return g.arith(c, cols)
	case "neg":
		t := c.T
		if t == schema.Long || t == schema.Real || t == schema.Timespan {
			return "(-" + arg(0) + ")"
		}
	case "now":
		if len(c.Args) == 0 {
			return fmt.Sprintf("toInt64(%d)", int64(g.opts.Now))
		}
		return fmt.Sprintf("(toInt64(%d) + %s)", int64(g.opts.Now), arg(0))
	case "ago":
		return fmt.Sprintf("(toInt64(%d) - %s)", int64(g.opts.Now), arg(0))
	case "strlen":
		// Go counts the runes of valid UTF-8 as ClickHouse's lengthUTF8
		// does; invalid bytes differ, but stored strings are valid UTF-8.
		return "toInt64(lengthUTF8(" + arg(0) + "))"
	case "bin", "floor":
		return g.bin(c, cols)
	case "iff", "iif", "case":
		// A null predicate counts as false. The values must have the
		// result's type (a conversion between branches is refused).
		var parts []string
		for i, a := range c.Args {
			isValue := i%2 == 1 || i == len(c.Args)-1
			if !isValue {
				parts = append(parts, "ifNull("+arg(i)+", 0)")
				continue
			}
			if a.Type() != c.T || c.T == schema.Dynamic || c.T == schema.Guid {
				refuse(name, c.Src, "only with values of one type")
			}
			parts = append(parts, arg(i))
		}
		return "multiIf(" + strings.Join(parts, ", ") + ")"
	case "matches regex":
		// KQL's regular expressions are RE2's, which ClickHouse's match
		// runs too (https://learn.microsoft.com/kusto/query/re2); only
		// the default of . differs: ClickHouse lets it match a line
		// break, KQL does not, so (?-s) restores KQL's (a pattern can
		// still set s itself).
		pat, ok := constString(c.Args[1])
		if !ok || c.Args[0].Type() != schema.String || strings.IndexByte(pat, 0) >= 0 {
			refuse(name, c.Src, "only on a string with a constant pattern")
		}
		if g.opts.literalRegexSearch() {
			pat = "(?-s)" + pat
		} else {
			// An alternative at the top makes an older server run RE2
			// without looking for literal text first; [^\s\S] matches
			// nothing.
			pat = "(?-s)(?:" + pat + `)|[^\s\S]`
		}
		return "toUInt8(match(" + arg(0) + ", " + String(pat) + "))"
	case "in", "!in", "in~", "!in~":
		return g.in(c, cols)
	case "has_any":
		return g.hasAny(c, cols)
	}
	if isStringPredicate(name) {
		return g.stringPredicate(c, cols)
	}
	refuse(name, c.Src, "")
	return ""
}

func (g *gen) compare(c *plan.Call, cols []string) string {
	a, b := c.Args[0], c.Args[1]
	t := a.Type()
	// Numbers of different types compare as the embedded engine compares
	// them: two integers (int, long) as integers, an integer and a real
	// as reals.
	integer := func(t schema.Type) bool { return t == schema.Int || t == schema.Long }
	numeric := func(t schema.Type) bool { return integer(t) || t == schema.Real }
	if t != b.Type() && !(numeric(t) && numeric(b.Type())) {
		refuse(c.Fn.Name+" of "+t.String()+" and "+b.Type().String(), c.Src, "")
	}
	switch t {
	case schema.Long, schema.Int, schema.Real, schema.Datetime, schema.Timespan, schema.String, schema.Bool:
	default:
		refuse(c.Fn.Name+" on "+t.String(), c.Src, "")
	}
	op := map[string]string{"==": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}[c.Fn.Name]
	x, y := g.expr(a, cols), g.expr(b, cols)
	if t == schema.Real && integer(b.Type()) {
		y = "toFloat64(" + y + ")"
	} else if integer(t) && b.Type() == schema.Real {
		x = "toFloat64(" + x + ")"
	}
	s := "(" + x + " " + op + " " + y + ")"
	if c.Fn.Name != "==" && c.Fn.Name != "!=" {
		return s
	}
	na, nb := nullable(a), nullable(b)
	if !na && !nb {
		return s
	}
	// A null equals no value (== false, != true); two nulls give null.
	other := "0"
	if c.Fn.Name == "!=" {
		other = "1"
	}
	switch {
	case na && nb:
		return fmt.Sprintf("multiIf(isNull(%s) AND isNull(%s), CAST(NULL AS Nullable(UInt8)), isNull(%s) OR isNull(%s), toNullable(toUInt8(%s)), toNullable(toUInt8(%s)))", x, y, x, y, other, s)
	default:
		return "ifNull(" + s + ", " + other + ")"
	}
}

func (g *gen) arith(c *plan.Call, cols []string) string {
	a, b := c.Args[0], c.Args[1]
	ta, tb := a.Type(), b.Type()
	x, y := g.expr(a, cols), g.expr(b, cols)
	op := c.Fn.Name
	switch {
	case c.T == schema.Real && ta == schema.Real && tb == schema.Real:
		// IEEE 754 in both engines, division by zero included.
		return "(" + x + " " + op + " " + y + ")"
	case c.T == schema.Long && ta == schema.Long && tb == schema.Long && op != "/":
		// Int64 arithmetic wraps in both engines.
		return "(" + x + " " + op + " " + y + ")"
	case c.T == schema.Long && ta == schema.Long && tb == schema.Long && op == "/":
		// Go's division truncates toward zero as intDiv does, gives null
		// for a zero divisor, and wraps MinInt64 / -1 (where intDiv
		// fails): negation wraps the same way.
		// ClickHouse 18.16's multiIf evaluates every branch, and on the
		// values under the nulls too (0), so intDiv gets 1 for the
		// divisors of the other branches (a null divisor is 0 here).
		return fmt.Sprintf("multiIf(ifNull(%s, toInt64(0)) = 0, CAST(NULL AS Nullable(Int64)), %s = -1, -%s, intDiv(%s, if(ifNull(%s, toInt64(0)) IN (0, -1), toInt64(1), assumeNotNull(%s))))", y, y, x, x, y, y)
	case c.T == schema.Datetime && (ta == schema.Datetime && tb == schema.Timespan || ta == schema.Timespan && tb == schema.Datetime && op == "+"):
		// Ticks add and wrap as in the embedded engine, which does not
		// check the datetime range here.
		return "(" + x + " " + op + " " + y + ")"
	case c.T == schema.Timespan && ta == schema.Timespan && tb == schema.Timespan && (op == "+" || op == "-"):
		return "(" + x + " " + op + " " + y + ")"
	case c.T == schema.Timespan && ta == schema.Datetime && tb == schema.Datetime && op == "-":
		return "(" + x + " - " + y + ")"
	}
	refuse(op+" of "+ta.String()+" and "+tb.String(), c.Src, "")
	return ""
}

// bin translates bin(x, size) for a positive constant size: floor
// division, with datetimes binned from 0001-01-01 as the embedded engine
// does.
func (g *gen) bin(c *plan.Call, cols []string) string {
	size, ok := c.Args[1].(*plan.Const)
	if !ok || size.Value == nil {
		refuse(c.Fn.Name, c.Src, "only with a constant bin size")
	}
	x := g.expr(c.Args[0], cols)
	var s int64
	switch v := size.Value.(type) {
	case int64:
		s = v
	case value.Timespan:
		s = int64(v)
	default:
		refuse(c.Fn.Name, c.Src, "only with an integer or timespan bin size")
	}
	if s <= 0 {
		refuse(c.Fn.Name, c.Src, "only with a positive bin size")
	}
	switch {
	case c.T == schema.Datetime && size.T == schema.Timespan:
		e := value.EpochTicks
		// Constants are typed Int64: ClickHouse reads a bare positive
		// literal as UInt64, and Int64 % UInt64 is not Go's remainder.
		return fmt.Sprintf("((%s + toInt64(%d)) - (((%s + toInt64(%d)) %% toInt64(%d)) + toInt64(%d)) %% toInt64(%d) - toInt64(%d))", x, e, x, e, s, s, s, e)
	case (c.T == schema.Timespan && size.T == schema.Timespan) || (c.T == schema.Long && size.T == schema.Long && c.Args[0].Type() == schema.Long):
		return fmt.Sprintf("(%s - ((%s %% toInt64(%d)) + toInt64(%d)) %% toInt64(%d))", x, x, s, s, s)
	}
	refuse(c.Fn.Name+" of "+c.Args[0].Type().String(), c.Src, "")
	return ""
}

// listStrings returns the members of a list operator's literal list
// (arguments 1...), all string constants.
func listStrings(c *plan.Call) ([]string, bool) {
	var out []string
	for _, a := range c.Args[1:] {
		s, ok := constString(a)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func (g *gen) in(c *plan.Call, cols []string) string {
	name := c.Fn.Name
	if c.Args[0].Type() != schema.String {
		refuse(name, c.Src, "only on strings")
	}
	list, ok := listStrings(c)
	if !ok {
		refuse(name, c.Src, "only with a list of string constants")
	}
	fold := strings.HasSuffix(name, "~")
	x := g.expr(c.Args[0], cols)
	if fold {
		for i, s := range list {
			if !isASCII(s) {
				refuse(name, c.Src, "only with ASCII strings")
			}
			list[i] = strings.ToLower(s)
		}
		// strings.ToLower maps KELVIN SIGN to k; no other non-ASCII rune
		// lowers to ASCII alone.
		x = foldASCII(x, false)
	}
	quoted := make([]string, len(list))
	for i, s := range list {
		quoted[i] = String(s)
	}
	if len(quoted) == 0 {
		if strings.HasPrefix(name, "!") {
			return "toUInt8(1)"
		}
		return "toUInt8(0)"
	}
	op := " IN "
	if strings.HasPrefix(name, "!") {
		op = " NOT IN "
	}
	return "toUInt8(" + x + op + "(" + strings.Join(quoted, ", ") + "))"
}

func (g *gen) hasAny(c *plan.Call, cols []string) string {
	if c.Args[0].Type() != schema.String {
		refuse("has_any", c.Src, "only on strings")
	}
	list, ok := listStrings(c)
	if !ok {
		refuse("has_any", c.Src, "only with a list of string constants")
	}
	x := g.expr(c.Args[0], cols)
	var parts []string
	for _, s := range list {
		if !isASCII(s) {
			refuse("has_any", c.Src, "only with ASCII terms")
		}
		parts = append(parts, termMatch(x, strings.ToLower(s), true, true, true))
	}
	if len(parts) == 0 {
		return "toUInt8(0)"
	}
	return "toUInt8(" + strings.Join(parts, " OR ") + ")"
}

// termRune is the RE2 class of KQL's term characters (funcs.isTermRune):
// ASCII letters and digits, and Unicode letters and decimal digits.
const termRune = `\p{L}\p{Nd}`

// termMatch is SQL that is true when x has needle (already lowered when
// fold) where each edge of needle that is a term character lies on a term
// boundary of x (checkStart, checkEnd), as funcs.hasTerm.
func termMatch(x, needle string, fold, checkStart, checkEnd bool) string {
	if needle == "" {
		return "1"
	}
	if fold {
		// funcs.indexFold compares ASCII needles byte by byte with ASCII
		// folding: ClickHouse's lower() is exactly that.
		x = "lower(" + x + ")"
	}
	first, _ := utf8.DecodeRuneInString(needle)
	last, _ := utf8.DecodeLastRuneInString(needle)
	pat := regexp.QuoteMeta(needle)
	if checkStart && isTermRune(first) {
		pat = `(^|[^` + termRune + `])` + pat
	}
	if checkEnd && isTermRune(last) {
		pat += `($|[^` + termRune + `])`
	}
	if pat == regexp.QuoteMeta(needle) {
		return "(position(" + x + ", " + String(needle) + ") > 0)"
	}
	return "match(" + x + ", " + String(pat) + ")"
}

func isTermRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return true // refused before: needles are ASCII when folded
}

func (g *gen) stringPredicate(c *plan.Call, cols []string) string {
	name := c.Fn.Name
	neg := strings.HasPrefix(name, "!")
	base := strings.TrimPrefix(name, "!")
	if c.Args[0].Type() != schema.String || c.Args[1].Type() != schema.String {
		refuse(name, c.Src, "only on strings")
	}
	nd, ok := constString(c.Args[1])
	if !ok {
		refuse(name, c.Src, "only with a string constant on the right")
	}
	cs := strings.HasSuffix(base, "_cs")
	if !isASCII(nd) {
		refuse(name, c.Src, "only with an ASCII needle")
	}
	if !cs {
		nd = strings.ToLower(nd)
	}
	x := g.expr(c.Args[0], cols)
	var s string
	switch strings.TrimSuffix(base, "_cs") {
	case "has":
		s = termMatch(x, nd, !cs, true, true)
	case "hasprefix":
		s = termMatch(x, nd, !cs, true, false)
	case "hassuffix":
		s = termMatch(x, nd, !cs, false, true)
	case "contains":
		if !cs {
			x = "lower(" + x + ")"
		}
		s = "(position(" + x + ", " + String(nd) + ") > 0)"
	case "startswith":
		if !cs {
			x = "lower(" + x + ")"
		}
		s = "startsWith(" + x + ", " + String(nd) + ")"
	case "endswith":
		if !cs {
			// funcs.hasSuffixFold lowers non-ASCII text with
			// strings.ToLower, which maps KELVIN SIGN to k.
			x = foldASCII(x, false)
		}
		s = "endsWith(" + x + ", " + String(nd) + ")"
	default:
		refuse(name, c.Src, "")
	}
	if neg {
		s = "NOT " + s
	}
	return "toUInt8(" + s + ")"
}
