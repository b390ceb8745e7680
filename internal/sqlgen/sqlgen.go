// Package sqlgen translates a checked query plan (package plan) into one
// ClickHouse SQL SELECT that returns exactly the rows, types and values
// of the embedded engine (package exec), or refuses.
//
// The translation covers a documented subset (docs/clickhouse.md); every
// other plan node, function or type is refused with an *Unsupported error
// that names the construct and points at its span in the query. Nothing
// is approximated: where ClickHouse's functions differ from the embedded
// engine's (hasToken's term rules, lowerUTF8's case mapping, non-Nullable
// defaults, integer division by zero, unstable sorting), the generated
// SQL reproduces the embedded behaviour or the construct is refused.
//
// Storage mapping (the tables the SQL reads must follow it): datetime and
// timespan are Nullable(Int64) ticks of 100 ns (datetime since the Unix
// epoch, as value.Datetime); long is Nullable(Int64), int
// Nullable(Int32), real Nullable(Float64), bool Nullable(UInt8), string
// String (KQL strings are never null), guid Nullable(String) and dynamic
// String holding JSON. Table and column names are the KQL names.
//
// Every intermediate SELECT names its columns _k<level>_<index>, so that
// ClickHouse's query-wide aliases never capture a column of an inner
// SELECT; only the outermost SELECT uses the KQL names.
package sqlgen

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// ErrUnsupported is wrapped by every *Unsupported, so that a caller can
// fall back to the embedded engine with errors.Is.
var ErrUnsupported = errors.New("not translated to ClickHouse SQL yet")

// Unsupported is a refusal: Construct (an operator, function or type, as
// the query spells it) is not translated. Span points at it in the query;
// it is zero when the plan kept no position for it.
type Unsupported struct {
	Construct string
	Span      syntax.Span
	// Operator is true when Construct is a query operator (a plan node)
	// rather than a function, operator or type inside an expression; Span
	// then lies somewhere inside the operator, and a caller that has the
	// syntax tree may point at the operator's keyword instead.
	Operator bool
	// Why, when not empty, says what differs from the embedded engine.
	Why string
}

func (e *Unsupported) Error() string {
	msg := fmt.Sprintf("'%s' is not translated to ClickHouse SQL yet", e.Construct)
	if e.Why != "" {
		msg += " (" + e.Why + ")"
	}
	return msg
}

func (e *Unsupported) Unwrap() error { return ErrUnsupported }

// Options configure a translation.
type Options struct {
	// Now is the query's now(): ago() and now() read it as a constant.
	Now value.Datetime
	// Version is the ClickHouse server's version ("18.16.1"), to choose
	// forms that it has; "" means a current server.
	Version string
}

// hasJSONString reports whether the target server has toJSONString
// (ClickHouse 21.7 and later).
func (o Options) hasJSONString() bool { return versionAtLeast(o.Version, 21, 7) }

// literalRegexSearch reports whether the target server's match can be
// trusted to look for a pattern's literal text before it runs RE2: 18.16
// looks for it case-sensitively, so that (?i)abc misses ABC. 26.7 is
// right; the versions between are not tested, so only 24.1 and later are
// given patterns whose literal text it may use.
func (o Options) literalRegexSearch() bool { return versionAtLeast(o.Version, 24, 1) }

// versionAtLeast reports whether version v ("major.minor...") is at least
// major.minor; "" and versions it cannot read count as current.
func versionAtLeast(v string, major, minor int) bool {
	if v == "" {
		return true
	}
	var ma, mi int
	if _, err := fmt.Sscanf(v, "%d.%d", &ma, &mi); err != nil {
		return true
	}
	return ma > major || ma == major && mi >= minor
}

// Translate returns the SQL SELECT for the plan n. Its result columns are
// n.Schema(), in order, named by their KQL names and stored as the
// storage mapping says. The error, when not nil, is an *Unsupported.
//
// A plan with exclusions (plan.Exclude) translates with the rows they
// drop left out; counts has, for each exclusion operator of the plan, the
// SELECT that counts what it drops, which the caller runs too when it
// reports the exclusions' counts (the embedded engine's Suppressed).
func Translate(n plan.Node, opts Options) (sql string, counts []Count, err error) {
	g := &gen{opts: opts}
	defer func() {
		if r := recover(); r != nil {
			u, ok := r.(*Unsupported)
			if !ok {
				panic(r)
			}
			sql, counts, err = "", nil, u
		}
	}()
	inner := g.node(n)
	if inner.order == "" {
		panic(&Unsupported{Construct: "summarize", Span: nodeSpan(n), Operator: true,
			Why: "the order of groups made from sorted rows"})
	}
	cols := n.Schema()
	for _, c := range cols {
		if len(c.Name) > 2 && strings.HasPrefix(c.Name, "_k") && (c.Name[2] == '_' || '0' <= c.Name[2] && c.Name[2] <= '9') {
			// The alias would capture an inner column in ORDER BY.
			panic(&Unsupported{Construct: c.Name, Span: nodeSpan(n), Why: "a result column named like the SQL's own columns"})
		}
		if c.Type == schema.Guid {
			panic(&Unsupported{Construct: c.Type.String(), Span: nodeSpan(n), Why: "column " + c.Name + " of the result"})
		}
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	for j, c := range cols {
		if j > 0 {
			b.WriteString(", ")
		}
		b.WriteString(inner.cols[j] + " AS " + Ident(c.Name))
	}
	b.WriteString("\nFROM (\n" + indent(inner.sql) + "\n)")
	if inner.order != "" {
		b.WriteString("\nORDER BY " + inner.order)
	}
	return b.String(), g.counts, nil
}

// Count is the SELECT that counts what one exclusion operator of a plan
// (plan.Exclude) drops, over the rows it reads: its one row has a UInt64
// per exclusion, in the order of Names (the rows the exclusion's
// predicate is true for), then the rows dropped (those any predicate is
// true for), as the embedded engine's exclusion operator counts them.
type Count struct {
	SQL   string
	Names []string
}

// RowColumn is the column of every stored table that holds the position
// of each row in the table (0, 1, ...: the order in which the embedded
// engine would read the rows), so that take, sort ties, top and the order
// of groups come out as the embedded engine's.
const RowColumn = "_kqlhunt_row"

// ColumnType returns the ClickHouse type that stores a KQL column of type
// t, or "" for a type that is not mapped.
func ColumnType(t schema.Type) string {
	switch t {
	case schema.Bool:
		return "Nullable(UInt8)"
	case schema.Int:
		return "Nullable(Int32)"
	case schema.Long, schema.Datetime, schema.Timespan:
		return "Nullable(Int64)"
	case schema.Real:
		return "Nullable(Float64)"
	case schema.String, schema.Dynamic:
		return "String"
	case schema.Guid:
		return "Nullable(String)"
	}
	return ""
}

// Ident quotes a name for ClickHouse.
func Ident(name string) string {
	return "`" + strings.NewReplacer(`\`, `\\`, "`", "\\`").Replace(name) + "`"
}

// String quotes a string literal for ClickHouse.
func String(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			if c < 0x20 || c == 0x7f {
				// Control characters are escaped, so that the SQL text has
				// no line break inside a literal (indent would change it).
				fmt.Fprintf(&b, `\x%02X`, c)
				continue
			}
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// rel is a translated node: a SELECT whose columns are named cols (one
// per column of the node's schema), plus hidden columns. order, when not
// empty, is an ORDER BY over the SELECT's columns that lists the rows in
// the embedded engine's order (which a reader must repeat: ClickHouse
// keeps no order between SELECTs); ordCol, when not empty, is the hidden
// column holding each row's position in that order (for the first
// appearance of a group). The embedded engine reads a table in the order
// of its rows (the _kqlhunt_row column), keeps input order through where,
// project and extend, emits groups in the order of their first row, and
// sorts stably.
type rel struct {
	sql    string
	cols   []string
	order  string
	ordCol string
}

type gen struct {
	opts  Options
	level int
	// counts are the count SELECTs of the plan's exclusions.
	counts []Count
}

func refuse(construct string, span syntax.Span, why string) {
	panic(&Unsupported{Construct: construct, Span: span, Why: why})
}

// names returns fresh column names for a new SELECT of n columns.
func (g *gen) names(n int) []string {
	g.level++
	out := make([]string, n)
	for j := range out {
		out[j] = fmt.Sprintf("_k%d_%d", g.level, j)
	}
	return out
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// nodeNames are the KQL spellings of the plan nodes that are refused.
func nodeName(n plan.Node) string {
	if a, ok := n.(*plan.ActivityCounts); ok {
		return a.Plugin()
	}
	if l, ok := n.(*plan.IPLookup); ok && l.V6 {
		return "ipv6_lookup"
	}
	switch n.(type) {
	case *plan.Join:
		return "join"
	case *plan.Union:
		return "union"
	case *plan.MvExpand:
		return "mv-expand"
	case *plan.Parse:
		return "parse"
	case *plan.Range:
		return "range"
	case *plan.Render:
		return "render"
	case *plan.Sample:
		return "sample"
	case *plan.Window:
		return "serialize"
	case *plan.TopNested:
		return "top-nested"
	case *plan.Cache:
		return "materialize"
	case *plan.Apply:
		return "mv-apply"
	case *plan.BagUnpack:
		return "bag_unpack"
	case *plan.Pivot:
		return "pivot"
	case *plan.IPLookup:
		return "ipv4_lookup"
	case *plan.External:
		return "externaldata"
	case *plan.Values:
		return "datatable"
	case *plan.MakeSeries:
		return "make-series"
	case *plan.Limit:
		return "take"
	}
	return fmt.Sprintf("%T", n)
}

// nodeSpan returns a span inside the operator n, for messages: its first
// expression's, else its first input's.
func nodeSpan(n plan.Node) syntax.Span {
	if s, ok := n.(*plan.Scan); ok {
		return s.Src
	}
	if e, ok := n.(*plan.External); ok {
		return e.Src
	}
	if a, ok := n.(*plan.Aggregate); ok {
		for _, c := range a.Aggs {
			if c != nil && c.Src != (syntax.Span{}) {
				return c.Src
			}
		}
	}
	for _, e := range plan.NodeExprs(n) {
		if sp := e.Span(); sp != (syntax.Span{}) {
			return sp
		}
	}
	for _, in := range n.Inputs() {
		if sp := nodeSpan(in); sp != (syntax.Span{}) {
			return sp
		}
	}
	return syntax.Span{}
}

func (g *gen) node(n plan.Node) rel {
	switch n := n.(type) {
	case *plan.Scan:
		return g.scan(n)
	case *plan.Values:
		return g.values(n)
	case *plan.Range:
		return g.rangeRows(n)
	case *plan.Filter:
		in := g.node(n.Input)
		pred := g.pred(n.Pred, in.cols)
		return rel{sql: "SELECT *\nFROM (\n" + indent(in.sql) + "\n)\nWHERE " + pred, cols: in.cols, order: in.order, ordCol: in.ordCol}
	case *plan.Exclude:
		return g.exclude(n)
	case *plan.Project:
		in := g.node(n.Input)
		out := g.names(len(n.Exprs))
		items := make([]string, len(n.Exprs))
		for j, e := range n.Exprs {
			items[j] = g.expr(e, in.cols) + " AS " + out[j]
		}
		// The order refers to the input's columns (sort keys, positions):
		// carry them all, under their own names.
		items = append(items, "*")
		return rel{sql: "SELECT " + strings.Join(items, ", ") + "\nFROM (\n" + indent(in.sql) + "\n)", cols: out, order: in.order, ordCol: in.ordCol}
	case *plan.Aggregate:
		return g.aggregate(n)
	case *plan.Sort:
		in := g.node(n.Input)
		return rel{sql: in.sql, cols: in.cols, order: g.orderBy(n.Keys, in, n)}
	case *plan.TopN:
		in := g.node(n.Input)
		order := g.orderBy(n.Keys, in, n)
		return rel{sql: "SELECT *\nFROM (\n" + indent(in.sql) + "\n)\nORDER BY " + order + "\nLIMIT " + g.limit(n.N), cols: in.cols, order: order}
	case *plan.Limit:
		in := g.node(n.Input)
		if in.order == "" {
			panic(&Unsupported{Construct: "take", Span: nodeSpan(n), Operator: true, Why: "the order of groups made from sorted rows"})
		}
		return rel{sql: "SELECT *\nFROM (\n" + indent(in.sql) + "\n)\nORDER BY " + in.order + "\nLIMIT " + g.limit(n.N), cols: in.cols, order: in.order, ordCol: in.ordCol}
	}
	panic(&Unsupported{Construct: nodeName(n), Span: nodeSpan(n), Operator: true})
}

// exclude drops the rows that a predicate of n is true for (null is not
// true: the row stays), in the input's order, and records the SELECT
// that counts them.
func (g *gen) exclude(n *plan.Exclude) rel {
	in := g.node(n.Input)
	matched := make([]string, len(n.Preds))
	for i, p := range n.Preds {
		matched[i] = g.pred(p, in.cols)
		if nullable(p) {
			matched[i] = "ifNull(" + matched[i] + ", 0)"
		}
	}
	if len(matched) == 0 {
		return in
	}
	dropped := "(" + strings.Join(matched, " OR ") + ")"
	items := make([]string, 0, len(matched)+1)
	for _, m := range matched {
		items = append(items, "countIf("+m+")")
	}
	items = append(items, "countIf("+dropped+")")
	g.counts = append(g.counts, Count{
		SQL:   "SELECT " + strings.Join(items, ", ") + "\nFROM (\n" + indent(in.sql) + "\n)",
		Names: n.Names,
	})
	return rel{sql: "SELECT *\nFROM (\n" + indent(in.sql) + "\n)\nWHERE NOT " + dropped, cols: in.cols, order: in.order, ordCol: in.ordCol}
}

func (g *gen) scan(n *plan.Scan) rel {
	out := g.names(len(n.Cols))
	items := make([]string, len(n.Cols))
	for j, c := range n.Cols {
		col := n.Table.Columns[c]
		if ColumnType(col.Type) == "" {
			refuse(col.Type.String(), n.Src, "column "+col.Name)
		}
		items[j] = Ident(col.Name) + " AS " + out[j]
	}
	if n.Table.Lookup(RowColumn) >= 0 {
		panic(&Unsupported{Construct: RowColumn, Span: n.Src, Why: "the table has a column of that name, which the storage mapping keeps for row positions"})
	}
	ord := fmt.Sprintf("_k%d_ord", g.level)
	items = append(items, RowColumn+" AS "+ord)
	return rel{sql: "SELECT " + strings.Join(items, ", ") + "\nFROM " + Ident(n.Table.Name), cols: out, order: ord, ordCol: ord}
}

func (g *gen) limit(e plan.Expr) string {
	c, ok := e.(*plan.Const)
	if !ok {
		refuse("take", e.Span(), "the row count is not a constant")
	}
	v, ok := c.Value.(int64)
	if !ok || v < 0 {
		refuse("take", e.Span(), "the row count is not a non-negative long")
	}
	return fmt.Sprint(v)
}

func (g *gen) orderBy(keys []plan.SortKey, in rel, n plan.Node) string {
	if in.order == "" {
		panic(&Unsupported{Construct: nodeName(n), Span: nodeSpan(n), Operator: true,
			Why: "the order of groups made from sorted rows, which breaks ties"})
	}
	cols := in.cols
	parts := make([]string, len(keys))
	for i, k := range keys {
		switch k.X.Type() {
		case schema.Long, schema.Int, schema.Datetime, schema.Timespan, schema.String, schema.Bool:
		default:
			refuse("sort by "+k.X.Type().String(), k.X.Span(), "")
		}
		s := g.expr(k.X, cols)
		if k.Desc {
			s += " DESC"
		} else {
			s += " ASC"
		}
		if k.NullsFirst {
			s += " NULLS FIRST"
		} else {
			s += " NULLS LAST"
		}
		parts[i] = s
	}
	// Sorting is stable: rows with equal keys keep the input's order.
	return strings.Join(append(parts, in.order), ", ")
}

func (g *gen) aggregate(n *plan.Aggregate) rel {
	in := g.node(n.Input)
	out := g.names(len(n.Cols))
	var items, keys []string
	for j, k := range n.Keys {
		switch k.Type() {
		case schema.Real, schema.Dynamic, schema.Guid:
			// The embedded engine groups -0 with 0 and NaNs together.
			refuse("summarize by "+k.Type().String(), k.Span(), "")
		}
		s := g.expr(k, in.cols)
		items = append(items, s+" AS "+out[j])
		keys = append(keys, out[j])
	}
	j := len(n.Keys)
	for _, a := range n.Aggs {
		items = append(items, g.agg(a, in)+" AS "+out[j])
		j++
	}
	if j != len(n.Cols) {
		refuse(n.Aggs[0].Fn.Name, n.Aggs[0].Src, "an aggregate with several output columns")
	}
	r := rel{cols: out}
	switch {
	case len(keys) == 0:
		// One row: its order is known whatever the input's.
		r.ordCol = fmt.Sprintf("_k%d_ord", g.level)
		r.order = r.ordCol
		items = append(items, "toUInt64(0) AS "+r.ordCol)
	case in.ordCol != "" && in.order == in.ordCol:
		// Groups come in the order of their first row.
		r.ordCol = fmt.Sprintf("_k%d_ord", g.level)
		r.order = r.ordCol
		items = append(items, "min("+in.ordCol+") AS "+r.ordCol)
	}
	r.sql = "SELECT " + strings.Join(items, ", ") + "\nFROM (\n" + indent(in.sql) + "\n)"
	if len(keys) > 0 {
		r.sql += "\nGROUP BY " + strings.Join(keys, ", ")
	}
	return r
}

func (g *gen) agg(a *plan.AggCall, in rel) string {
	cols := in.cols
	arg := func(i int) string { return g.expr(a.Args[i], cols) }
	switch a.Fn.Name {
	case "count":
		if len(a.Args) == 0 {
			return "toInt64(count())"
		}
	case "countif":
		return "toInt64(countIf(ifNull(" + arg(0) + ", 0)))"
	case "sum":
		switch a.Args[0].Type() {
		case schema.Long:
			// The embedded engine's sum of no values (or only nulls) is 0.
			return "ifNull(sum(" + arg(0) + "), toInt64(0))"
		}
	case "min", "max":
		switch a.Args[0].Type() {
		case schema.Long, schema.Datetime, schema.Timespan, schema.Int:
			return a.Fn.Name + "(" + arg(0) + ")"
		}
	case "make_set":
		return g.makeSet(a, in)
	}
	refuse(a.Fn.Name+"()", a.Src, "")
	return ""
}

// makeSet translates make_set(s[, maxSize]) of strings: the distinct
// values in the order of their first row (the rows sorted by position,
// then arrayDistinct, which keeps first occurrences), at most maxSize
// (default funcs.MaxArrayLength, as the embedded engine's), as JSON text.
func (g *gen) makeSet(a *plan.AggCall, in rel) string {
	t := a.Args[0].Type()
	if t != schema.String && t != schema.Long && t != schema.Int {
		refuse("make_set()", a.Src, "only of strings and integers")
	}
	if in.ordCol == "" || in.order != in.ordCol {
		refuse("make_set()", a.Src, "the order of rows after a sort or a summarize")
	}
	limit := int64(funcs.MaxArrayLength)
	if len(a.Args) > 1 {
		c, ok := a.Args[1].(*plan.Const)
		v, isInt := c.Value.(int64)
		if !ok || !isInt || v <= 0 {
			refuse("make_set()", a.Src, "only with a positive constant size")
		}
		limit = v
	}
	x := g.expr(a.Args[0], in.cols)
	if t == schema.String {
		if !g.opts.hasJSONString() {
			refuse("make_set()", a.Src, "of strings needs toJSONString, which ClickHouse "+g.opts.Version+" lacks")
		}
		return fmt.Sprintf("toJSONString(arraySlice(arrayDistinct(arrayMap(p -> p.2, arraySort(groupArray(tuple(%s, %s))))), 1, %d))", in.ordCol, x, limit)
	}
	// Integers: nulls are left out, and the JSON is written by hand, as
	// toJSONString may quote 64-bit integers.
	set := fmt.Sprintf("arraySlice(arrayDistinct(arrayMap(p -> assumeNotNull(p.2), arraySort(arrayFilter(p -> isNotNull(p.2), groupArray(tuple(%s, %s)))))), 1, %d)", in.ordCol, x, limit)
	return "concat('[', arrayStringConcat(arrayMap(v -> toString(v), " + set + "), ','), ']')"
}

// values translates a literal table (datatable, print) to a UNION ALL of
// one-row SELECTs, each value cast to its column's storage type.
func (g *gen) values(n *plan.Values) rel {
	out := g.names(len(n.Cols))
	for _, c := range n.Cols {
		if ColumnType(c.Type) == "" || c.Type == schema.Dynamic || c.Type == schema.Guid {
			panic(&Unsupported{Construct: c.Type.String(), Span: nodeSpan(n), Why: "column " + c.Name})
		}
	}
	row := func(exprs []plan.Expr) string {
		items := make([]string, len(n.Cols))
		for j, c := range n.Cols {
			v := "NULL"
			if c.Type == schema.String {
				v = "''"
			}
			if exprs != nil {
				v = g.expr(exprs[j], nil)
			}
			items[j] = "CAST(" + v + " AS " + ColumnType(c.Type) + ") AS " + out[j]
		}
		if len(items) == 0 {
			items = []string{"1 AS _k_dummy"}
		}
		return "SELECT " + strings.Join(items, ", ")
	}
	ord := fmt.Sprintf("_k%d_ord", g.level)
	if len(n.Rows) == 0 {
		return rel{sql: row(nil) + ", toUInt64(0) AS " + ord + "\nWHERE 0", cols: out, order: ord, ordCol: ord}
	}
	parts := make([]string, len(n.Rows))
	for i, r := range n.Rows {
		parts[i] = row(r) + fmt.Sprintf(", toUInt64(%d) AS %s", i, ord)
	}
	return rel{sql: strings.Join(parts, "\nUNION ALL\n"), cols: out, order: ord, ordCol: ord}
}

// maxRangeRows is the embedded engine's bound on the rows of range
// (exec.maxRangeRows): a larger range fails there, so it is refused.
const maxRangeRows = 100_000_000

// rangeRows translates range with constant long, datetime or timespan
// bounds: numbers(n) rows of from + i*step, n computed exactly here (the
// embedded engine adds the step until it passes to, or overflows).
// Ranges of reals are refused: repeated float addition differs from
// multiplication.
func (g *gen) rangeRows(n *plan.Range) rel {
	t := n.Cols[0].Type
	if t != schema.Long && t != schema.Datetime && t != schema.Timespan {
		panic(&Unsupported{Construct: "range", Span: nodeSpan(n), Operator: true, Why: "only of longs, datetimes and timespans"})
	}
	var v [3]int64
	for i, e := range []plan.Expr{n.From, n.To, n.Step} {
		c, ok := e.(*plan.Const)
		if !ok {
			panic(&Unsupported{Construct: "range", Span: nodeSpan(n), Operator: true, Why: "only with constant bounds and step"})
		}
		switch x := c.Value.(type) {
		case int64:
			v[i] = x
		case value.Datetime:
			v[i] = int64(x)
		case value.Timespan:
			v[i] = int64(x)
		default:
			panic(&Unsupported{Construct: "range", Span: nodeSpan(n), Operator: true, Why: "only with constant bounds and step"})
		}
	}
	from, to, step := v[0], v[1], v[2]
	if step == 0 {
		panic(&Unsupported{Construct: "range", Span: nodeSpan(n), Operator: true, Why: "a zero step fails in the embedded engine"})
	}
	// count = floor((to - from) / step) + 1 when to lies ahead of from.
	count := new(big.Int)
	if step > 0 && from <= to || step < 0 && from >= to {
		d := new(big.Int).Sub(big.NewInt(to), big.NewInt(from))
		count.Quo(d, big.NewInt(step))
		count.Add(count, big.NewInt(1))
	}
	if count.Cmp(big.NewInt(maxRangeRows)) > 0 {
		panic(&Unsupported{Construct: "range", Span: nodeSpan(n), Operator: true, Why: "more rows than the embedded engine makes"})
	}
	out := g.names(1)
	ord := fmt.Sprintf("_k%d_ord", g.level)
	sql := fmt.Sprintf("SELECT CAST(toInt64(%d) + toInt64(number) * toInt64(%d) AS Nullable(Int64)) AS %s, number AS %s\nFROM numbers(%s)",
		from, step, out[0], ord, count.String())
	if count.Sign() == 0 {
		// ClickHouse 18.16's numbers(0) never ends: no rows is numbers(1)
		// filtered out, on every version.
		sql = strings.TrimSuffix(sql, "numbers(0)") + "numbers(1)\nWHERE 0"
	}
	return rel{sql: sql, cols: out, order: ord, ordCol: ord}
}
