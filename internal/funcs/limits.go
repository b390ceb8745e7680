package funcs

import (
	"errors"
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Limits on the values that one call of a function may build, so that no
// query exhausts the machine (a chain of lets that doubles a string 30
// times, a repeat() of a billion elements). Where the KQL reference
// documents a limit or what happens past it, kqlhunt does the same; where
// it does not, the call fails the query with a *LimitError.
const (
	// MaxArrayLength is the most elements of an array that a function
	// generates: range() truncates its series there, as the reference
	// says ("The range function supports a maximum of 1,048,576 (2^20)
	// results", https://learn.microsoft.com/kusto/query/range-function),
	// and so do repeat() and make-series' arrays
	// (https://learn.microsoft.com/kusto/query/make-series-operator).
	// The make_list, make_set and make_bag aggregates keep at most this
	// many elements too, the default and maximum of their maxSize.
	MaxArrayLength = 1 << 20

	// MaxStringSize is the most bytes of a string that a function builds:
	// 64 MB, the largest string value the string data type admits
	// (https://learn.microsoft.com/kusto/query/scalar-data-types/string)
	// and the largest multiplier of strrep()
	// (https://learn.microsoft.com/kusto/query/strrep-function).
	MaxStringSize = 64 << 20
)

// maxString and maxArray are the limits in force; tests lower them to
// reach them with small values.
var (
	maxString = MaxStringSize
	maxArray  = MaxArrayLength
)

// LimitError reports a call whose result would be over one of the limits
// above. Kernels panic with it before they build the value; Eval returns
// it as the call's error.
type LimitError struct {
	Func  string // the function's name, filled in by Eval
	Size  int    // the size the result would have
	Limit int
	Unit  string // "bytes" or "elements"
}

// ErrLimit is wrapped by every *LimitError, and by the executor's own
// limit errors: a query stopped by a resource limit.
var ErrLimit = errors.New("resource limit exceeded")

// Unwrap returns ErrLimit.
func (e *LimitError) Unwrap() error { return ErrLimit }

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s(): the result would have %d %s, more than the limit of %d", e.Func, e.Size, e.Unit, e.Limit)
}

// checkString panics with a *LimitError when a string of size bytes is
// over the limit.
func checkString(size int) {
	if size > maxString || size < 0 {
		panic(&LimitError{Size: size, Limit: maxString, Unit: "bytes"})
	}
}

// checkArray panics with a *LimitError when an array of n elements is
// over the limit.
func checkArray(n int) {
	if n > maxArray || n < 0 {
		panic(&LimitError{Size: n, Limit: maxArray, Unit: "elements"})
	}
}

// checkResult applies the limits to the values a kernel returned: a
// string or a top-level array over its limit fails the call. Functions
// whose result can grow much faster than their arguments (strcat,
// replace_string, array_concat, ...) check before they build it; this
// catches the rest, whose results are at most a few times the size of
// their arguments, before a chain of calls can compound them.
func checkResult(out *value.Column) {
	for _, s := range out.Strs {
		checkString(len(s))
	}
	for _, d := range out.Dyns {
		switch x := d.(type) {
		case string:
			checkString(len(x))
		case []any:
			checkArray(len(x))
		case *value.Bag:
			checkArray(x.Len())
		}
	}
}
