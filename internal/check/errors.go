package check

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/suggest"
)

// Every message the checker emits is built here, so that their wording
// stays consistent: lower case, no final period, the offending text
// quoted, "expected X, got Y".

func errUnknownColumn(name, suggestion string) string {
	return fmt.Sprintf("unknown column '%s'%s", name, suggest.DidYouMean(suggestion))
}

func errDuplicateColumn(name string) string {
	return fmt.Sprintf("a column named '%s' is already declared", name)
}

func errUnknownTable(name, suggestion string) string {
	return fmt.Sprintf("unknown table '%s'%s", name, suggest.DidYouMean(suggestion))
}

func errUnknownFunction(name, suggestion string) string {
	return fmt.Sprintf("unknown function '%s'%s", name, suggest.DidYouMean(suggestion))
}

func errNotScalar(what string) string {
	return fmt.Sprintf("expected a scalar expression, got %s", what)
}

func errNotTabular() string {
	return "expected a tabular expression (a table, a let-bound table, or a pipeline), got a scalar expression"
}

func errType(what string, want string, got schema.Type) string {
	return fmt.Sprintf("%s must be %s, got %s", what, want, got)
}

func errOperands(op string, a, b schema.Type) string {
	return fmt.Sprintf("operator '%s' is not defined for %s and %s", op, a, b)
}

func errAggregateOutside(name string) string {
	return fmt.Sprintf("aggregate function '%s' is only allowed in summarize", name)
}

func errOutsideAggregate(name string) string {
	return fmt.Sprintf("column '%s' is not a group key here: use it inside an aggregation (such as max(%s) or make_set(%s)) or add it to 'by'", name, name, name)
}

func errNotAggregate(name string) string {
	return fmt.Sprintf("'%s' is not an aggregate function; summarize expects aggregations such as count(), sum(x), make_set(x)", name)
}

func errNotConstant(what string) string {
	return fmt.Sprintf("%s must be a constant", what)
}

func errUnsupportedOperator(name string) string {
	return fmt.Sprintf("query operator '%s' is not supported yet", name)
}

func errCommand() string {
	return "control commands are not supported: kqlhunt runs queries only"
}

func errRedeclared(name string) string {
	return fmt.Sprintf("'%s' is already declared by an earlier let", name)
}

func errInvokeFirst(name string) string {
	return fmt.Sprintf("invoke needs a function whose first parameter is a table; %s() has none", name)
}

func errInvokeCall() string {
	return "invoke expects a function call"
}

func errFileProfileKey() string {
	return "FileProfile() expects the name of a column holding SHA1 or SHA256 hashes"
}

func errGroupByDynamic(name string) string {
	return fmt.Sprintf("cannot group by '%s' of type dynamic; convert it with tostring() first", name)
}

func errArity(name string, want, got int) string {
	return fmt.Sprintf("%s() expects %d arguments, got %d", name, want, got)
}

func errRecursion(name string) string {
	return fmt.Sprintf("function '%s' calls itself; recursion is not allowed", name)
}

func errNoColumns(op string) string {
	return fmt.Sprintf("'%s' leaves no columns", op)
}

func errStar() string {
	return "'*' is only allowed as an argument of count(), arg_max(), arg_min() and distinct"
}

func errBadLiteral(kind, text string) string {
	return fmt.Sprintf("invalid %s literal '%s'", kind, text)
}

func errRegex(fn string, err error) string {
	return fmt.Sprintf("%s(): invalid regular expression: %v", fn, err)
}

func errCasePredicate(i int, got schema.Type) string {
	return fmt.Sprintf("case(): argument %d must be a bool predicate, got %s", i+1, got)
}

func errJoinKind(op, kind string) string {
	if op == "lookup" {
		return fmt.Sprintf("lookup kind must be leftouter or inner, got '%s'", kind)
	}
	return fmt.Sprintf("unknown join kind '%s'; expected innerunique, inner, leftouter, rightouter, fullouter, leftanti, rightanti, leftsemi or rightsemi", kind)
}

func errJoinNoKeys(op string) string {
	return fmt.Sprintf("%s needs 'on' conditions", op)
}

func errJoinKeyTypes(name string, a, b schema.Type) string {
	return fmt.Sprintf("the join column '%s' must have the same type on both sides, got %s and %s", name, a, b)
}

func errJoinColumn(side, name, suggestion string) string {
	return fmt.Sprintf("unknown column '%s' on the %s side of the join%s", name, side, suggest.DidYouMean(suggestion))
}

func errJoinSides() string {
	return "a join condition must compare a $left column with a $right column"
}

func errJoinCondition() string {
	return "expected a join condition: a column name, or $left.Column == $right.Column"
}

func errUnionKind(kind string) string {
	return fmt.Sprintf("union kind must be inner or outer, got '%s'", kind)
}

func errUnionEmpty() string {
	return "union has no tables"
}

func errNoTableMatches(pattern string) string {
	return fmt.Sprintf("no table matches '%s'", pattern)
}

func errFuzzyMissing(name string) string {
	return fmt.Sprintf("'%s' matches no table; isfuzzy=true skips it", name)
}

func errExternalURL() string {
	return "an externaldata URL must be a string literal"
}

func errUnknownType(name string) string {
	return fmt.Sprintf("unknown type '%s'", name)
}

func errRangeTypes(from, to, step schema.Type) string {
	return fmt.Sprintf("range bounds must be numbers, datetimes with a timespan step, or timespans, got from %s to %s step %s", from, to, step)
}

func errExpandItem() string {
	return "expected a column or an expression to expand"
}

func errExpandType() string {
	return "expected typeof() of a scalar type"
}

func errBagExpansion(word string) string {
	return fmt.Sprintf("bagexpansion must be bag or array, got '%s'", word)
}

func errParseKind(kind string) string {
	return fmt.Sprintf("parse kind must be simple, regex or relaxed, got '%s'", kind)
}

func errParseStar() string {
	return "a string constant must follow '*' in a parse pattern"
}

func errParseColumn() string {
	return "a column in a parse pattern must follow a string constant"
}

func errSeriesKind(kind string) string {
	return fmt.Sprintf("make-series kind must be nonempty, got '%s'", kind)
}

func errSeriesAggregate(name string) string {
	return fmt.Sprintf("aggregate '%s' cannot make a series; make-series supports %s", name,
		"avg(), avgif(), count(), countif(), dcount(), dcountif(), max(), maxif(), min(), minif(), percentile(), stdev(), sum(), sumif(), take_any() and variance()")
}

func errSeriesNotAggregate(text string) string {
	return fmt.Sprintf("'%s' is not an aggregation; make-series expects aggregations such as count(), sum(x), avg(x)", text)
}

func errSeriesInRange(n int) string {
	return fmt.Sprintf("in range() of make-series expects 3 arguments (start, stop, step), got %d", n)
}

func errUnsupportedPlugin(name string) string {
	return fmt.Sprintf("plugin '%s' is not supported: kqlhunt runs bag_unpack, pivot, ipv4_lookup, ipv6_lookup, dcount_intersect, activity_counts_metrics, sliding_window_counts and rolling_percentile", name)
}

func errPluginColumn(plugin, what string) string {
	return fmt.Sprintf("%s's %s must be a column name", plugin, what)
}

func errActivityCalendar(plugin, what, got string, sliding bool) string {
	if sliding {
		return fmt.Sprintf("%s's %s must be a timespan or \"week\", got %q", plugin, what, got)
	}
	return fmt.Sprintf("%s's %s must be a timespan or one of \"week\", \"month\" and \"year\", got %q", plugin, what, got)
}

func errColumnsConflict(v string) string {
	return fmt.Sprintf("columnsConflict must be error, replace_source or keep_source, got '%s'", v)
}

func errUnpackConflict(name string) string {
	return fmt.Sprintf("bag_unpack: a column named '%s' exists already; pass columnsConflict 'replace_source' or 'keep_source'", name)
}

func errPivotColumn() string {
	return "the pivot column must be a column of the input"
}

func errUnknownArgument(fn, name string) string {
	return fmt.Sprintf("%s() has no argument named '%s'", fn, name)
}

func errArityRange(name string, lo, hi, got int) string {
	if hi >= 1<<20 {
		return fmt.Sprintf("%s() expects at least %d arguments, got %d", name, lo, got)
	}
	return fmt.Sprintf("%s() expects %d to %d arguments, got %d", name, lo, hi, got)
}

func errWindowContext(name string) string {
	return fmt.Sprintf("%s() reads the order of rows and is only allowed in extend, project and where", name)
}

func errNoRow(name string) string {
	return fmt.Sprintf("%s() needs the columns of a row", name)
}

func errExpectedColumn(name string) string {
	return fmt.Sprintf("%s() expects column names", name)
}

func errTupleNames(fn string, n int) string {
	return fmt.Sprintf("%s() has %d outputs; more names are given", fn, n)
}

func errPartitionKey() string {
	return "partition by expects a column of the input"
}

func errTooDeep(limit int) string {
	return fmt.Sprintf("expression nested too deeply (more than %d levels of operators and operands)", limit)
}

func errTooMuchWork(limit int) string {
	return fmt.Sprintf("query too large to check (more than %d expressions and columns of operators, counting each expansion of a user function)", limit)
}

func errStopped(err error) string {
	return fmt.Sprintf("checking stopped: %v", err)
}

func errMemberCall(name string) string {
	return fmt.Sprintf("unexpected call '%s(...)' after '.': only cluster(), database() and the like take one", name)
}

func errWatchlistAlias() string {
	return "_GetWatchlist() expects the watchlist's alias as a string literal"
}

func errUnknownWatchlist(alias string) string {
	return fmt.Sprintf("unknown watchlist '%s': give its CSV with --watchlist %s=FILE", alias, alias)
}

// errInWorkspaceFunc is reported at a call of a workspace function whose
// expansion failed; the errors themselves are placed in the file that
// declares it.
func errInWorkspaceFunc(name, where string) string {
	return fmt.Sprintf("function '%s' (declared in %s) has errors here", name, where)
}
