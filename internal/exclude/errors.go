package exclude

import (
	"fmt"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/suggest"
)

// Every message of the package is built here, so that their wording stays
// that of the rest of kqlhunt: lower case, no final period, the offending
// text quoted, "expected X, got Y".

// Filter syntax.

func errUnterminated(quote byte) string {
	return fmt.Sprintf("unterminated string: expected a closing %c", quote)
}

func errCharacter(r rune) string {
	return fmt.Sprintf("unexpected character %q", r)
}

func errEmptyFilter() string { return "the filter is empty" }

func errAfterCondition(got string) string {
	return fmt.Sprintf("expected AND or OR between conditions, got %s", got)
}

func errExpected(want, got string) string {
	return fmt.Sprintf("expected %s, got %s", want, got)
}

func errSingleEquals() string { return "expected '==' to compare, got '='" }

func errUnquoted(word string) string {
	return fmt.Sprintf("expected a value, got '%s' (quote a string: \"%s\")", word, word)
}

func errNumber(text string) string { return fmt.Sprintf("invalid number '%s'", text) }

func errTooDeep() string { return "the filter is nested too deeply" }

func errUnknownField(name, suggestion string) string {
	return fmt.Sprintf("unknown field '%s'%s", name, suggest.DidYouMean(suggestion))
}

func errRegex(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "error parsing regexp: ")
	return "invalid regular expression: " + msg
}

// Binding to a rule's tables.

func errNoColumn(field, table, rule string, has []string) string {
	msg := fmt.Sprintf("field '%s' has no column in %s, which rule %s reads", field, table, rule)
	if len(has) > 0 {
		msg += fmt.Sprintf(" (it maps to %s only; narrow the exclusion with tables:)", strings.Join(has, ", "))
	}
	return msg
}

func errOperatorType(op, field string, t schema.Type, table string) string {
	return fmt.Sprintf("'%s' compares strings, but '%s' is %s in %s", op, field, t, table)
}

func errValueType(field string, t schema.Type, table string, got string) string {
	return fmt.Sprintf("'%s' is %s in %s: expected %s, got %s", field, t, table, valueKind(t), got)
}

func errOrderType(op, field string, t schema.Type, table string) string {
	return fmt.Sprintf("'%s' compares numbers, but '%s' is %s in %s", op, field, t, table)
}

func errFieldType(field string, t schema.Type, table string) string {
	return fmt.Sprintf("'%s' is %s in %s, which filters do not compare (write the exclusion with kql:)", field, t, table)
}

func errFieldExpr(expr, table, msg string) string {
	return fmt.Sprintf("the field's column '%s' does not check against %s: %s", expr, table, msg)
}

// valueKind names the literal a column type takes.
func valueKind(t schema.Type) string {
	switch {
	case t == schema.String:
		return "a quoted string"
	case t == schema.Bool:
		return "true or false"
	case t.IsNumeric():
		return "a number"
	}
	return "no filter value"
}

// File structure.

func errTopLevel(got string) string {
	return fmt.Sprintf("expected a mapping with an 'exclusions' list, got %s", got)
}

func errUnknownKey(key, where string, known []string) string {
	return fmt.Sprintf("unknown key '%s' in %s, expected one of %s", key, where, strings.Join(known, ", "))
}

func errDuplicateKey(key string, line int) string {
	return fmt.Sprintf("duplicate key '%s', first given at line %d", key, line)
}

func errMissing(key string) string { return fmt.Sprintf("missing required key '%s'", key) }

func errFilterAndKQL() string {
	return "an exclusion has either 'filter' or 'kql', not both"
}

func errNoPredicate() string {
	return "missing 'filter' or 'kql': say which rows the exclusion removes"
}

func errEmptyValue(key string) string { return fmt.Sprintf("'%s' is empty", key) }

func errExpectedString(key, got string) string {
	return fmt.Sprintf("%s: expected a string, got %s", key, got)
}

func errExpectedList(key, got string) string {
	return fmt.Sprintf("%s: expected a string or a list of strings, got %s", key, got)
}

func errUnknownTable(name, suggestion string) string {
	return fmt.Sprintf("unknown table '%s'%s", name, suggest.DidYouMean(suggestion))
}

func errDuplicateName(name string, line int) string {
	return fmt.Sprintf("exclusion name '%s' is already used at line %d by an exclusion of the same rules", name, line)
}

func errKQLTable(table, rule, msg string) string {
	return fmt.Sprintf("on %s, which rule %s reads: %s", table, rule, msg)
}
