package funcs

import (
	"errors"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// call evaluates the scalar function name over constant arguments, as
// the executor does, and returns the one value or the call's error.
func call(t *testing.T, name string, args ...any) (any, error) {
	t.Helper()
	f := Lookup(name)
	if f == nil {
		t.Fatalf("no function %s", name)
	}
	cols := make([]*value.Column, len(args))
	types := make([]schema.Type, len(args))
	for i, a := range args {
		switch a.(type) {
		case string:
			types[i] = schema.String
		case int64:
			types[i] = schema.Long
		default:
			types[i] = schema.Dynamic
		}
		cols[i] = value.ConstColumn(types[i], a)
	}
	res, err := f.Resolve(types)
	if err != nil {
		t.Fatal(err)
	}
	out := value.NewColumn(res.Result, 1)
	if err := Eval(&Context{}, f, res.Sig.Eval, cols, 1, out); err != nil {
		return nil, err
	}
	return out.Get(0), nil
}

// lowerLimits sets the string and array limits for one test, so that
// they are reached with small values.
func lowerLimits(t *testing.T, str, arr int) {
	oldStr, oldArr := maxString, maxArray
	maxString, maxArray = str, arr
	t.Cleanup(func() { maxString, maxArray = oldStr, oldArr })
}

func wantLimit(t *testing.T, what string, err error, want string) {
	t.Helper()
	var le *LimitError
	if !errors.As(err, &le) {
		t.Errorf("%s: expected a limit error, got %v", what, err)
		return
	}
	if err.Error() != want {
		t.Errorf("%s: expected %q, got %q", what, want, err.Error())
	}
}

// TestStringLimit checks that the functions that build strings fail the
// query, before they build it, when the result would be over the size of
// a string value. The reference gives no behaviour for strcat() and its
// relatives past that size, only the size: 64 MB, the largest string
// value (https://learn.microsoft.com/kusto/query/scalar-data-types/string),
// so the call fails.
func TestStringLimit(t *testing.T) {
	lowerLimits(t, 16, MaxArrayLength)
	ten := "0123456789"
	if v, err := call(t, "strcat", ten, "abcdef"); err != nil || v != ten+"abcdef" {
		t.Errorf("strcat at the limit = %v, %v; want the 16 bytes", v, err)
	}
	_, err := call(t, "strcat", ten, ten)
	wantLimit(t, "strcat", err, "strcat(): the result would have 20 bytes, more than the limit of 16")
	_, err = call(t, "strcat_delim", "--", ten, "abcde")
	wantLimit(t, "strcat_delim", err, "strcat_delim(): the result would have 17 bytes, more than the limit of 16")
	_, err = call(t, "strcat_array", []any{ten, ten}, "")
	wantLimit(t, "strcat_array", err, "strcat_array(): the result would have 20 bytes, more than the limit of 16")
	_, err = call(t, "replace_string", "aaaa", "a", "xyzxy")
	wantLimit(t, "replace_string", err, "replace_string(): the result would have 20 bytes, more than the limit of 16")
	_, err = call(t, "replace_strings", "aaaa", []any{"a"}, []any{"xyzxy"})
	wantLimit(t, "replace_strings", err, "replace_strings(): the result would have 20 bytes, more than the limit of 16")
	_, err = call(t, "replace_regex", "aaaa", "a", "xyzxy")
	if !errors.As(err, new(*LimitError)) {
		t.Errorf("replace_regex: expected a limit error, got %v", err)
	}
	// Functions whose results grow with their arguments are held to the
	// limit too, so that a chain of them cannot compound.
	_, err = call(t, "base64_encode_tostring", ten+ten[:5])
	wantLimit(t, "base64_encode_tostring", err, "base64_encode_tostring(): the result would have 20 bytes, more than the limit of 16")
	_, err = call(t, "url_encode", "        ")
	if err != nil {
		t.Errorf("url_encode of 8 spaces: %v", err)
	}
}

// TestStrcatChainBounded is issue 8's query, let s(i+1) = strcat(s(i),
// s(i)) from 'ab', evaluated call by call: it stops at the limit instead
// of doubling to gigabytes.
func TestStrcatChainBounded(t *testing.T) {
	lowerLimits(t, 1<<10, MaxArrayLength)
	s := "ab"
	for i := 1; i <= 30; i++ {
		v, err := call(t, "strcat", s, s)
		if err != nil {
			if len(s) != 1<<10 {
				t.Errorf("s%d: failed with %d bytes in s%d: %v", i, len(s), i-1, err)
			}
			return
		}
		s = v.(string)
	}
	t.Fatalf("s30 has %d bytes, expected the chain to fail at the limit", len(s))
}

// TestStrrepLimit pins strrep(): the multiplier is at most 67108864 and
// the result is limited; past 64 MB it is null (the empty string).
// https://learn.microsoft.com/kusto/query/strrep-function
func TestStrrepLimit(t *testing.T) {
	// 2 * 67108864 bytes would be 128 MB: null, and nothing is built.
	if v, err := call(t, "strrep", "ab", int64(MaxStringSize)); err != nil || v != "" {
		t.Errorf("strrep('ab', 67108864) = %q, %v; want the empty string", v, err)
	}
	lowerLimits(t, 16, MaxArrayLength)
	if v, _ := call(t, "strrep", "ab", int64(8)); v != strings.Repeat("ab", 8) {
		t.Errorf("strrep('ab', 8) at the limit = %q", v)
	}
	if v, _ := call(t, "strrep", "ab", int64(9)); v != "" {
		t.Errorf("strrep('ab', 9) over the limit = %q, want the empty string", v)
	}
}

// TestArrayLimits pins the generated arrays: range() truncates at
// 1,048,576 values (https://learn.microsoft.com/kusto/query/range-function,
// whose example counts 1,048,576 values of range(1, 1000000000)),
// repeat() likewise, and array_concat() fails past that length.
func TestArrayLimits(t *testing.T) {
	if MaxArrayLength != 1048576 {
		t.Fatalf("MaxArrayLength = %d, the reference says 1,048,576", MaxArrayLength)
	}
	lowerLimits(t, MaxStringSize, 4)
	v, err := call(t, "range", int64(1), int64(1000000000))
	if err != nil || jsonText(v) != "[1,2,3,4]" {
		t.Errorf("range(1, 1000000000) = %s, %v; want [1,2,3,4]", jsonText(v), err)
	}
	v, err = call(t, "repeat", "x", int64(1000000000))
	if err != nil || jsonText(v) != `["x","x","x","x"]` {
		t.Errorf("repeat('x', 1000000000) = %s, %v", jsonText(v), err)
	}
	if v, err := call(t, "array_concat", []any{int64(1), int64(2)}, []any{int64(3), int64(4)}); err != nil || jsonText(v) != "[1,2,3,4]" {
		t.Errorf("array_concat at the limit = %s, %v", jsonText(v), err)
	}
	_, err = call(t, "array_concat", []any{int64(1), int64(2), int64(3)}, []any{int64(3), int64(4)})
	wantLimit(t, "array_concat", err, "array_concat(): the result would have 5 elements, more than the limit of 4")
	_, err = call(t, "pack_array", int64(1), int64(2), int64(3), int64(4), int64(5))
	wantLimit(t, "pack_array", err, "pack_array(): the result would have 5 elements, more than the limit of 4")
}

// TestCollectLimits pins the maxSize of make_list, make_set and make_bag
// and their variants: "The default and max value is 1048576", and the
// legacy names default to 128.
// https://learn.microsoft.com/kusto/query/make-list-aggregation-function
// https://learn.microsoft.com/kusto/query/make-set-aggregation-function
// https://learn.microsoft.com/kusto/query/make-bag-aggregation-function
// https://learn.microsoft.com/kusto/query/make-list-if-aggregation-function
// https://learn.microsoft.com/kusto/query/make-set-if-aggregation-function
// https://learn.microsoft.com/kusto/query/make-bag-if-aggregation-function
func TestCollectLimits(t *testing.T) {
	limitOf := func(name string, args ...*value.Column) int64 {
		t.Helper()
		a := LookupAgg(name)
		types := make([]schema.Type, len(args))
		for i, c := range args {
			types[i] = c.Type
		}
		sig, _, _, err := a.Resolve(types)
		if err != nil {
			t.Fatal(err)
		}
		st := sig.New(types)
		st.Update([]int{0}, args, 1)
		if w, ok := st.(*ifState); ok {
			st = w.inner
		}
		switch s := st.(type) {
		case *collectState:
			return s.limit
		case *bagState:
			return s.limit
		}
		t.Fatalf("%s: unexpected state %T", name, st)
		return 0
	}
	x := value.ConstColumn(schema.Long, int64(1))
	bag := value.ConstColumn(schema.Dynamic, &value.Bag{Keys: []string{"k"}, Vals: []any{int64(1)}})
	yes := value.ConstColumn(schema.Bool, true)
	size := func(n int64) *value.Column { return value.ConstColumn(schema.Long, n) }
	cases := []struct {
		name string
		args []*value.Column
		want int64
	}{
		{"make_list", []*value.Column{x}, 1048576},
		{"make_list", []*value.Column{x, size(10)}, 10},
		{"make_list", []*value.Column{x, size(5000000)}, 1048576},
		{"make_list_if", []*value.Column{x, yes}, 1048576},
		{"make_list_if", []*value.Column{x, yes, size(3)}, 3},
		{"make_list_with_nulls", []*value.Column{x}, 1048576},
		{"makelist", []*value.Column{x}, 128},
		{"make_set", []*value.Column{x}, 1048576},
		{"make_set", []*value.Column{x, size(7)}, 7},
		{"make_set", []*value.Column{x, size(5000000)}, 1048576},
		{"make_set_if", []*value.Column{x, yes}, 1048576},
		{"make_set_if", []*value.Column{x, yes, size(2)}, 2},
		{"makeset", []*value.Column{x}, 128},
		{"make_bag", []*value.Column{bag}, 1048576},
		{"make_bag", []*value.Column{bag, size(4)}, 4},
		{"make_bag", []*value.Column{bag, size(5000000)}, 1048576},
		{"make_bag_if", []*value.Column{bag, yes}, 1048576},
		{"make_bag_if", []*value.Column{bag, yes, size(1)}, 1},
		{"make_dictionary", []*value.Column{bag}, 128},
	}
	for _, c := range cases {
		if got := limitOf(c.name, c.args...); got != c.want {
			t.Errorf("%s with %d arguments: maxSize %d, want %d", c.name, len(c.args), got, c.want)
		}
	}
	// The default is honoured: a group of 1048576 + 10 rows keeps
	// 1048576 of them.
	n := MaxArrayLength + 10
	got := runAgg(t, "make_list", []*value.Column{x}, n, n)
	if l := len(got[0].([]any)); l != MaxArrayLength {
		t.Errorf("make_list over %d rows kept %d, want %d", n, l, MaxArrayLength)
	}
}
