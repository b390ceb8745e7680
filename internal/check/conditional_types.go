package check

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// sameTypeFuncs are the functions whose values (iff's branches, case's
// results and else, coalesce's arguments) must have one type; numbers
// of different types mix, as the result takes the widest.
// https://learn.microsoft.com/kusto/query/case-function ("All then
// arguments and the else argument must be of the same type.")
// https://learn.microsoft.com/kusto/query/coalesce-function ("All
// arguments must be of the same type.")
// https://learn.microsoft.com/kusto/query/iff-function
var sameTypeFuncs = map[string]bool{"iff": true, "iif": true, "case": true, "coalesce": true}

// checkSameTypes reports the first value of a call of iff, case or
// coalesce whose type differs from the first value's (numbers aside,
// and the dynamic branches of iff and case aside).
func (c *checker) checkSameTypes(name string, sig *funcs.Sig, types []schema.Type, sp syntax.Span, spans []syntax.Span) {
	if !sameTypeFuncs[name] || sig.ValueArg == nil {
		return
	}
	first := -1
	for i, t := range types {
		// A dynamic branch of iff or case meets any other and converts to
		// the others' type (public hunting queries mix string and dynamic
		// branches, and Kusto runs them); coalesce's arguments have one
		// type, dynamic included (Microsoft's analyzer: KS232 no common
		// type).
		if !sig.ValueArg(i, len(types)) || t == schema.Unknown || (t == schema.Dynamic && name != "coalesce") {
			continue
		}
		if first < 0 {
			first = i
			continue
		}
		if typeFamily(t) != typeFamily(types[first]) {
			at := sp
			if i < len(spans) {
				at = spans[i]
			}
			c.errorf(at, "%s", errMixedValueTypes(name, types[first], t))
			return
		}
	}
}

// typeFamily groups the numeric types, which convert to one another.
func typeFamily(t schema.Type) schema.Type {
	if t.IsNumeric() {
		return schema.Real
	}
	return t
}

func errMixedValueTypes(name string, a, b schema.Type) string {
	return fmt.Sprintf("%s(): the values must have one type, got %s and %s", name, a, b)
}
