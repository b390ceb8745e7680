package exclude

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Bind returns the exclusions that apply to the rule with id ruleID (see
// For) as kql.Exclusion values, one per entry in file order, with a
// checked KQL predicate (kql.CompilePredicate) for each of tables, the tables the rule reads
// (kql.Query.Tables), that the entry's tables: key lets it apply to. A
// filter field that has no column in one of those tables, an operator or
// value that does not fit the column's type, and a kql predicate that
// does not check against a table's columns are errors, returned as a
// rules.ErrorList positioned in the exclusions file. A nil Set binds
// nothing.
func (s *Set) Bind(cat *schema.Catalog, ruleID string, tables []string) ([]kql.Exclusion, error) {
	var out []kql.Exclusion
	var errs rules.ErrorList
	for _, e := range s.For(ruleID) {
		x, err := s.bind(e, cat, ruleID, tables)
		errs = append(errs, err...)
		out = append(out, x)
	}
	if len(errs) > 0 {
		return nil, errs.Sort(nil)
	}
	return out, nil
}

// bind binds one entry to the tables of a rule.
func (s *Set) bind(e *Entry, cat *schema.Catalog, ruleID string, tables []string) (kql.Exclusion, rules.ErrorList) {
	x := kql.Exclusion{Name: e.Name}
	var errs rules.ErrorList
	errorIn := func(off int, msg string) {
		line, col := e.pos(off)
		errs = append(errs, s.f.Errorf(line, col, "%s", msg))
	}
	for _, name := range tables {
		if len(e.Tables) > 0 && !slices.ContainsFunc(e.Tables, func(x string) bool { return strings.EqualFold(x, name) }) {
			continue
		}
		t := cat.Table(name)
		if t == nil {
			errs = append(errs, s.f.Errorf(e.Line, e.Col, "%s", errUnknownTable(name, "")))
			continue
		}
		switch {
		case e.filter != nil:
			b := &binder{table: t, rule: ruleID, errorIn: errorIn}
			text := b.expr(e.filter)
			if b.failed {
				continue
			}
			// The fields' expressions are checked against the catalog
			// (TestFieldsCheck), so an error here is a bug of the binder.
			pred, err := kql.CompilePredicate(text, t)
			if err != nil {
				errorIn(0, fmt.Sprintf("internal error: the filter reads as %s on %s: %v", text, name, err))
				continue
			}
			x.Where = append(x.Where, pred)
		case e.kqlOK:
			pred, err := kql.CompilePredicate(e.KQL, t)
			if err == nil {
				x.Where = append(x.Where, pred)
				continue
			}
			for _, d := range compileErrors(err) {
				errorIn(d.Span.Start, errKQLTable(name, ruleID, d.Msg))
			}
		}
	}
	return x, errs
}

// binder writes a filter as a KQL predicate over one table's columns.
type binder struct {
	table   *schema.Table
	rule    string
	errorIn func(off int, msg string)
	failed  bool
}

func (b *binder) fail(off int, msg string) {
	b.failed = true
	b.errorIn(off, msg)
}

// expr returns the KQL text of x. Every operand is parenthesized, so the
// text keeps the filter's grouping whatever KQL's precedence.
func (b *binder) expr(x expr) string {
	switch x := x.(type) {
	case *logical:
		op := " and "
		if x.or {
			op = " or "
		}
		return "(" + b.expr(x.x) + op + b.expr(x.y) + ")"
	case *negation:
		return "not(" + b.expr(x.x) + ")"
	case *compare:
		return b.compare(x)
	}
	panic(fmt.Sprintf("exclude: unexpected filter node %T", x))
}

// stringOps maps the filter's operators on strings to KQL's
// case-insensitive ones.
var stringOps = map[string]string{
	"==": "=~", "!=": "!~", "contains": "contains", "startswith": "startswith", "endswith": "endswith",
	"matches": "matches regex", "in": "in~", "!in": "!in~",
}

// compare writes one comparison.
func (b *binder) compare(c *compare) string {
	f := fieldsByName[c.field]
	col, ok := f.Cols[b.table.Name]
	if !ok {
		b.fail(c.at, errNoColumn(f.Name, b.table.Name, b.rule, f.tablesOf()))
		return ""
	}
	t, err := b.typeOf(col)
	if err != nil {
		b.fail(c.at, err.Error())
		return ""
	}
	var op string
	want := litString
	switch {
	case t == schema.String:
		if op = stringOps[c.op]; op == "" {
			b.fail(c.opAt, errOrderType(c.op, f.Name, t, b.table.Name))
			return ""
		}
	case t.IsNumeric() || t == schema.Bool:
		switch c.op {
		case "==", "!=", "in", "!in":
		case "<", "<=", ">", ">=":
			if t == schema.Bool {
				b.fail(c.opAt, errOrderType(c.op, f.Name, t, b.table.Name))
				return ""
			}
		default:
			b.fail(c.opAt, errOperatorType(c.op, f.Name, t, b.table.Name))
			return ""
		}
		op = c.op
		want = litNumber
		if t == schema.Bool {
			want = litBool
		}
	default:
		b.fail(c.at, errFieldType(f.Name, t, b.table.Name))
		return ""
	}
	vals := make([]string, len(c.vals))
	for i, v := range c.vals {
		if v.kind != want {
			b.fail(v.at, errValueType(f.Name, t, b.table.Name, literalName(v)))
			return ""
		}
		switch {
		case v.kind == litString && c.op == "matches":
			vals[i] = kql.QuoteString("(?i)" + v.text)
		case v.kind == litString:
			vals[i] = kql.QuoteString(v.text)
		default:
			vals[i] = v.text
		}
	}
	if c.op == "in" || c.op == "!in" {
		return "(" + col + " " + op + " (" + strings.Join(vals, ", ") + "))"
	}
	return "(" + col + " " + op + " " + vals[0] + ")"
}

// typeOf returns the type of a field's expression in the binder's table.
// The expressions are tested against the Defender catalog
// (TestFieldsCheck), so an error here means that another catalog lacks a
// column.
func (b *binder) typeOf(col string) (schema.Type, error) {
	e, err := kql.CompileExpr(col, b.table)
	if err == nil {
		return e.Type(), nil
	}
	msg := "invalid"
	if ds := compileErrors(err); len(ds) > 0 {
		msg = ds[0].Msg
	}
	return schema.Unknown, fmt.Errorf("%s", errFieldExpr(col, b.table.Name, msg))
}

// compileErrors returns the error diagnostics of a kql compilation error,
// whose spans are offsets of the compiled text, or one diagnostic at
// offset 0 holding err's text.
func compileErrors(err error) []kql.Diagnostic {
	if ce, ok := err.(*kql.Error); ok {
		if ds := ce.Diags.Errors(); len(ds) > 0 {
			return ds
		}
	}
	return []kql.Diagnostic{{Msg: err.Error()}}
}

// literalName names a filter value for messages.
func literalName(v literal) string {
	switch v.kind {
	case litString:
		return fmt.Sprintf("string %q", v.text)
	case litBool:
		return v.text
	}
	return "number " + v.text
}
