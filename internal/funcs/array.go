package funcs

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Functions over dynamic arrays. An argument that should be an array and
// is not (null, a scalar, a bag) makes the result null unless the
// reference says otherwise.

// arrays returns row as arrays, or false when one of them is not an
// array.
func arrays(row []any) ([][]any, bool) {
	out := make([][]any, len(row))
	for i, v := range row {
		arr, ok := v.([]any)
		if !ok {
			return nil, false
		}
		out[i] = arr
	}
	return out, true
}

// subArray returns arr[i:j] with its capacity capped, so that appending
// to it cannot write into arr.
func subArray(arr []any, i, j int) []any {
	if i >= j {
		return []any{}
	}
	return arr[i:j:j]
}

// arraySlice returns the elements from start to end inclusive; negative
// indexes count from the end, and indexes out of range are clamped.
func arraySlice(arr []any, start, end int64) []any {
	n := int64(len(arr))
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), min(end, n-1)
	if start > end {
		return []any{}
	}
	return subArray(arr, int(start), int(end+1))
}

// arrayIndexOf implements array_index_of: the index of the occurrence-th
// element equal to v among length elements from start, -1 when there is
// none, null for a length below -1 or a negative occurrence.
func arrayIndexOf(row []any) (any, bool) {
	arr, ok := row[0].([]any)
	if !ok {
		return nil, false
	}
	n := int64(len(arr))
	start, length, occurrence := int64(0), int64(-1), int64(1)
	for i, dst := range []*int64{&start, &length, &occurrence} {
		if 2+i < len(row) && row[2+i] != nil {
			*dst = row[2+i].(int64)
		}
	}
	if length < -1 || occurrence < 0 {
		return nil, false
	}
	if start < 0 {
		start = max(start+n, 0)
	}
	end := n
	if length >= 0 && start+length < n {
		end = start + length
	}
	seen := int64(0)
	for i := start; i < end; i++ {
		if elemEqual(arr[i], row[1]) {
			seen++
			if seen == occurrence {
				return i, true
			}
		}
	}
	return int64(-1), true
}

// shiftArray moves every element k places to the left (right when k is
// negative), filling the vacated places with fill.
func shiftArray(arr []any, k int64, fill any) []any {
	n := int64(len(arr))
	out := make([]any, n)
	for i := range n {
		if j := i + k; j >= 0 && j < n {
			out[i] = arr[j]
		} else {
			out[i] = fill
		}
	}
	return out
}

// shiftKernel implements array_shift_left (dir 1) and array_shift_right
// (dir -1). Without a default value, vacated places hold null, or the
// empty string in an array of strings.
func shiftKernel(dir int64) Kernel {
	return boxedKernel(func(types []schema.Type) func([]any) (any, bool) {
		return func(row []any) (any, bool) {
			arr, ok := row[0].([]any)
			if !ok || row[1] == nil {
				return nil, false
			}
			var fill any
			if len(row) > 2 {
				fill = ToDynamic(types[2], row[2])
			} else if allStrings(arr) {
				fill = ""
			}
			return shiftArray(arr, dir*row[1].(int64), fill), true
		}
	})
}

// allStrings reports whether arr is a non-empty array of strings.
func allStrings(arr []any) bool {
	for _, v := range arr {
		if _, ok := v.(string); !ok {
			return false
		}
	}
	return len(arr) > 0
}

// rotateArray rotates arr k places to the left (right when k is
// negative).
func rotateArray(arr []any, k int64) []any {
	n := int64(len(arr))
	if n == 0 {
		return []any{}
	}
	k = ((k % n) + n) % n
	out := make([]any, 0, n)
	out = append(out, arr[k:]...)
	return append(out, arr[:k]...)
}

// sortClass orders the kinds of elements as array_sort_asc does: numbers,
// datetimes and timespans, then strings, then everything else. Nulls (and
// NaN, which sorts with them) are placed apart.
func sortClass(v any) int {
	switch x := v.(type) {
	case nil:
		return -1
	case float64:
		if math.IsNaN(x) {
			return -1
		}
		return 0
	case int64, value.Datetime, value.Timespan:
		return 0
	case string:
		return 1
	}
	return 2
}

// sortNumber returns an element of class 0 as a float64 (ticks for
// datetimes and timespans).
func sortNumber(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	case value.Datetime:
		return float64(x)
	case value.Timespan:
		return float64(x)
	}
	return 0
}

// compareSortable compares two non-null elements for array_sort_asc.
// Elements of the last class keep their order (the sort is stable).
func compareSortable(a, b any) int {
	ca, cb := sortClass(a), sortClass(b)
	if ca != cb {
		return cmp.Compare(ca, cb)
	}
	switch ca {
	case 0:
		switch x := a.(type) {
		case int64:
			if y, ok := b.(int64); ok {
				return cmp.Compare(x, y)
			}
		case value.Datetime:
			if y, ok := b.(value.Datetime); ok {
				return cmp.Compare(x, y)
			}
		case value.Timespan:
			if y, ok := b.(value.Timespan); ok {
				return cmp.Compare(x, y)
			}
		}
		return cmp.Compare(sortNumber(a), sortNumber(b))
	case 1:
		return strings.Compare(a.(string), b.(string))
	}
	return 0
}

// sortOrder returns the permutation that sorts arr, stably.
func sortOrder(arr []any, desc, nullsLast bool) []int {
	idx := make([]int, len(arr))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := arr[i], arr[j]
		na, nb := sortClass(a) < 0, sortClass(b) < 0
		switch {
		case na && nb:
			return 0
		case na != nb:
			if na == nullsLast {
				return 1
			}
			return -1
		}
		c := compareSortable(a, b)
		if desc {
			return -c
		}
		return c
	})
	return idx
}

// sortKernel implements array_sort_asc and array_sort_desc: it sorts the
// first array and orders the other arrays to match; an array whose length
// differs from the first one's gives null. A trailing bool argument says
// whether nulls go last (the default). One array gives the sorted array;
// several give an array of the arrays.
func sortKernel(desc bool) Kernel {
	return boxedKernel(func(types []schema.Type) func([]any) (any, bool) {
		return func(row []any) (any, bool) {
			nullsLast := true
			if last := len(row) - 1; types[last] == schema.Bool {
				if b, ok := row[last].(bool); ok {
					nullsLast = b
				}
				row = row[:last]
			}
			if len(row) == 0 {
				return nil, false
			}
			first, ok := row[0].([]any)
			if !ok {
				return nil, false
			}
			order := sortOrder(first, desc, nullsLast)
			permute := func(v any) any {
				arr, ok := v.([]any)
				if !ok || len(arr) != len(first) {
					return nil
				}
				out := make([]any, len(arr))
				for i, j := range order {
					out[i] = arr[j]
				}
				return out
			}
			if len(row) == 1 {
				return permute(first), true
			}
			out := make([]any, len(row))
			for i, v := range row {
				out[i] = permute(v)
			}
			return out, true
		}
	})
}

// distinct returns the distinct elements of arr in the order of their
// first occurrence, and their set.
func distinct(arr []any) ([]any, map[elemKey]bool) {
	set := make(map[elemKey]bool, len(arr))
	out := []any{}
	for _, v := range arr {
		k := keyOf(v)
		if !set[k] {
			set[k] = true
			out = append(out, v)
		}
	}
	return out, set
}

// setOp implements set_intersect (keep when in all other sets) and
// set_difference (keep when in none).
func setOp(inAll bool) Kernel {
	return rowKernel(func(row []any) (any, bool) {
		arrs, ok := arrays(row)
		if !ok {
			return nil, false
		}
		first, _ := distinct(arrs[0])
		sets := make([]map[elemKey]bool, len(arrs)-1)
		for i, a := range arrs[1:] {
			_, sets[i] = distinct(a)
		}
		out := []any{}
		for _, v := range first {
			k := keyOf(v)
			in := 0
			for _, s := range sets {
				if s[k] {
					in++
				}
			}
			if inAll && in == len(sets) || !inAll && in == 0 {
				out = append(out, v)
			}
		}
		return out, true
	})
}

func init() {
	defer inCategory(CatDynamic)()
	arrayParam := p("array", tDynamic)
	dynamicSig := func(k Kernel, ps ...Param) []*Sig { return []*Sig{sig(schema.Dynamic, k, ps...)} }
	variadicArrays := func(name string, k Kernel) []*Sig {
		return []*Sig{{Params: []Param{p(name, tDynamic)}, Variadic: true, Result: Returns(schema.Dynamic), Eval: k}}
	}

	register(&Func{Name: "array_concat", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/array-concat-function",
		Doc: "Concatenates dynamic arrays into one array; null when an argument is not an array, and a result over 1048576 elements fails the query.",
		Sigs: variadicArrays("arr", rowKernel(func(row []any) (any, bool) {
			arrs, ok := arrays(row)
			if !ok {
				return nil, false
			}
			size := 0
			for _, a := range arrs {
				size += len(a)
			}
			checkArray(size)
			out := make([]any, 0, size)
			for _, a := range arrs {
				out = append(out, a...)
			}
			return out, true
		})),
		Examples: []Example{{`array_concat(dynamic([1,2,4]), dynamic([1,2]))`, "[1,2,4,1,2]"},
			{`array_concat(dynamic([]), dynamic(["a"]), dynamic([{"b":1}]))`, `["a",{"b":1}]`}}})

	register(&Func{Name: "array_slice", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/array-slice-function",
		Doc: "Returns the elements of a dynamic array from a start to an end index, inclusive; negative indexes count from the end.",
		Sigs: dynamicSig(Map3(func(v any, start, end int64) (any, bool) {
			arr, ok := v.([]any)
			if !ok {
				return nil, false
			}
			return arraySlice(arr, start, end), true
		}), arrayParam, p("start", Integer), p("end", Integer)),
		Examples: []Example{{`array_slice(dynamic([1,2,3]), 1, 2)`, "[2,3]"}, {`array_slice(dynamic([1,2,3,4,5]), 2, -1)`, "[3,4,5]"},
			{`array_slice(dynamic([1,2,3,4,5]), -3, -2)`, "[3,4]"}}})

	register(&Func{Name: "array_index_of", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/array-index-of-function",
		Doc: "Returns the zero-based index of a value in a dynamic array, or -1 when it is not there.",
		Sigs: []*Sig{sig(schema.Long, rowKernel(arrayIndexOf), arrayParam, p("value", Any), opt("start", Integer), opt("length", Integer),
			Param{Name: "occurrence", Types: Integer, Optional: true, Const: true})},
		Examples: []Example{
			{`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "an")`, "2"},
			{`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "example", 1, 3)`, "3"},
			{`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "example", 1, 2)`, "-1"},
			{`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "is", 2, 4)`, "-1"},
			{`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "example", 2, -1)`, "3"},
			{`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "an", 1, -1, 2)`, "4"},
			{`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "an", 1, -1, 3)`, "-1"},
			{`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "an", -3)`, "4"},
			{`array_index_of(dynamic(["this", "is", "an", "example", "an", "example"]), "is", -4)`, "-1"},
		}})

	register(&Func{Name: "array_reverse", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/array-reverse-function",
		Doc: "Returns the elements of a dynamic array in reverse order.",
		Sigs: dynamicSig(Map1(func(v any) (any, bool) {
			arr, ok := v.([]any)
			if !ok {
				return nil, false
			}
			out := slices.Clone(arr)
			slices.Reverse(out)
			if out == nil {
				out = []any{}
			}
			return out, true
		}), p("value", tDynamic)),
		Examples: []Example{{`array_reverse(dynamic(["this", "is", "an", "example"]))`, `["example","an","is","this"]`}}})

	rotate := func(name, ref string, dir int64, examples []Example) {
		register(&Func{Name: name, Pure: true, Ref: ref,
			Doc: "Rotates the elements of a dynamic array; a negative count rotates the other way.",
			Sigs: dynamicSig(Map2(func(v any, k int64) (any, bool) {
				arr, ok := v.([]any)
				if !ok {
					return nil, false
				}
				return rotateArray(arr, dir*k), true
			}), arrayParam, p("rotate_count", Integer)),
			Examples: examples})
	}
	rotate("array_rotate_left", "https://learn.microsoft.com/kusto/query/array-rotate-left-function", 1,
		[]Example{{`array_rotate_left(dynamic([1,2,3,4,5]), 2)`, "[3,4,5,1,2]"}, {`array_rotate_left(dynamic([1,2,3,4,5]), -2)`, "[4,5,1,2,3]"}})
	rotate("array_rotate_right", "https://learn.microsoft.com/kusto/query/array-rotate-right-function", -1,
		[]Example{{`array_rotate_right(dynamic([1,2,3,4,5]), 2)`, "[4,5,1,2,3]"}, {`array_rotate_right(dynamic([1,2,3,4,5]), -2)`, "[3,4,5,1,2]"}})

	shift := func(name, ref string, dir int64, examples []Example) {
		register(&Func{Name: name, Pure: true, Ref: ref,
			Doc:      "Shifts the elements of a dynamic array, filling the vacated places with a default value; a negative count shifts the other way.",
			Sigs:     dynamicSig(shiftKernel(dir), arrayParam, p("shift_count", Integer), opt("default_value", Any)),
			Examples: examples})
	}
	shift("array_shift_left", "https://learn.microsoft.com/kusto/query/array-shift-left-function", 1,
		[]Example{{`array_shift_left(dynamic([1,2,3,4,5]), 2)`, "[3,4,5,null,null]"}, {`array_shift_left(dynamic([1,2,3,4,5]), 2, -1)`, "[3,4,5,-1,-1]"},
			{`array_shift_left(dynamic([1,2,3,4,5]), -2, -1)`, "[-1,-1,1,2,3]"}})
	shift("array_shift_right", "https://learn.microsoft.com/kusto/query/array-shift-right-function", -1,
		[]Example{{`array_shift_right(dynamic([1,2,3,4,5]), 2)`, "[null,null,1,2,3]"}, {`array_shift_right(dynamic([1,2,3,4,5]), 2, -1)`, "[-1,-1,1,2,3]"},
			{`array_shift_right(dynamic([1,2,3,4,5]), -2, -1)`, "[3,4,5,-1,-1]"}})

	sortSigs := func(k Kernel) []*Sig {
		// The trailing nulls_last bool cannot follow a repeated parameter
		// in a Sig, so the repeated parameter takes both; the kernel reads
		// a bool last argument as nulls_last.
		return []*Sig{{Params: []Param{p("arrays", tDynamic|tBool)}, Variadic: true, Result: Returns(schema.Dynamic), Eval: k}}
	}
	register(&Func{Name: "array_sort_asc", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/array-sort-asc-function",
		Doc:  "Sorts a dynamic array in ascending order (nulls last unless the last argument is false) and orders further arrays to match.",
		Sigs: sortSigs(sortKernel(false)),
		Examples: []Example{{`array_sort_asc(dynamic([null,"blue","yellow","green",null]))`, `["blue","green","yellow",null,null]`},
			{`array_sort_asc(dynamic([null,"blue","yellow","green",null]), false)`, `[null,null,"blue","green","yellow"]`},
			{`array_sort_asc(split("John,Paul,George,Ringo", ","))`, `["George","John","Paul","Ringo"]`},
			{`array_sort_asc(dynamic([1,3,4,5,2]), dynamic(["a","b","c","d","e"]))[1]`, `["a","e","b","c","d"]`}}})
	register(&Func{Name: "array_sort_desc", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/array-sort-desc-function",
		Doc:  "Sorts a dynamic array in descending order (nulls last unless the last argument is false) and orders further arrays to match.",
		Sigs: sortSigs(sortKernel(true)),
		Examples: []Example{{`array_sort_desc(dynamic([null,"blue","yellow","green",null]))`, `["yellow","green","blue",null,null]`},
			{`array_sort_desc(dynamic([null,"blue","yellow","green",null]), false)`, `[null,null,"yellow","green","blue"]`},
			{`array_sort_desc(split("John,Paul,George,Ringo", ","))`, `["Ringo","Paul","John","George"]`},
			{`array_sort_desc(dynamic([1,3,4,5,2]), dynamic(["a","b","c","d","e"]))[1]`, `["d","c","b","e","a"]`}}})

	arrayIff := &Func{Name: "array_iff", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/array-iff-function",
		Doc: "Chooses, element by element, a value of the second or third argument by a dynamic array of conditions.",
		Sigs: dynamicSig(boxedKernel(func(types []schema.Type) func([]any) (any, bool) {
			pick := func(v any, t schema.Type, i int) any {
				if arr, ok := v.([]any); ok {
					if i < len(arr) {
						return arr[i]
					}
					return nil
				}
				return ToDynamic(t, v)
			}
			return func(row []any) (any, bool) {
				conds, ok := row[0].([]any)
				if !ok {
					return nil, false
				}
				out := make([]any, len(conds))
				for i, c := range conds {
					var b bool
					switch x := c.(type) {
					case bool:
						b = x
					case int64:
						b = x != 0
					case float64:
						b = x != 0
					default:
						continue
					}
					if b {
						out[i] = pick(row[1], types[1], i)
					} else {
						out[i] = pick(row[2], types[2], i)
					}
				}
				return out, true
			}
		}), p("condition_array", tDynamic), p("when_true", Any), p("when_false", Any)),
		Examples: []Example{{`array_iff(dynamic([true,false,true]), dynamic([1,2,3]), dynamic([4,5,6]))`, "[1,5,3]"},
			{`array_iff(dynamic([1,0,50]), "yes", "no")`, `["yes","no","yes"]`},
			{`array_iff(dynamic(["some string value", null]), 1, 0)`, "[null,null]"},
			{`array_iff(dynamic([true,true,true]), dynamic([1,2]), dynamic([3,4]))`, "[1,2,null]"}}}
	register(arrayIff)
	alias("array_iif", arrayIff)

	register(&Func{Name: "array_sum", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/array-sum-function",
		Doc: "Returns the sum of the elements of a dynamic array as a real; null when an element is not a number.",
		Sigs: []*Sig{sig(schema.Real, Map1(func(v any) (float64, bool) {
			arr, ok := v.([]any)
			if !ok {
				return 0, false
			}
			sum := 0.0
			for _, e := range arr {
				switch x := e.(type) {
				case int64:
					sum += float64(x)
				case float64:
					sum += x
				default:
					return 0, false
				}
			}
			return sum, true
		}), arrayParam)},
		Examples: []Example{{`array_sum(dynamic([1,2,3,4]))`, "10"}, {`isnull(array_sum(dynamic([1,"a"])))`, "true"}}})

	split := func(arr []any, idx []int64) []any {
		n := int64(len(arr))
		bounds := []int{0}
		for _, i := range idx {
			if i < 0 {
				i += n
			}
			bounds = append(bounds, int(min(max(i, 0), n)))
		}
		bounds = append(bounds, int(n))
		out := make([]any, len(bounds)-1)
		for k := range out {
			out[k] = subArray(arr, bounds[k], bounds[k+1])
		}
		return out
	}
	register(&Func{Name: "array_split", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/array-split-function",
		Doc: "Splits a dynamic array at one index, or at an array of indexes, into an array of arrays.",
		Sigs: []*Sig{
			sig(schema.Dynamic, Map2(func(v any, i int64) (any, bool) {
				arr, ok := v.([]any)
				if !ok {
					return nil, false
				}
				return split(arr, []int64{i}), true
			}), arrayParam, p("index", Integer)),
			sig(schema.Dynamic, Map2(func(v, indices any) (any, bool) {
				arr, ok := v.([]any)
				if !ok {
					return nil, false
				}
				list, ok := indices.([]any)
				if !ok {
					list = []any{indices}
				}
				var idx []int64
				for _, e := range list {
					k := keyOf(e)
					if k.kind != 'i' {
						return nil, false
					}
					idx = append(idx, k.i)
				}
				return split(arr, idx), true
			}), arrayParam, p("indices", tDynamic)),
		},
		Examples: []Example{{`array_split(dynamic([1,2,3,4,5]), 2)`, "[[1,2],[3,4,5]]"}, {`array_split(dynamic([1,2,3,4,5]), dynamic([1,3]))`, "[[1],[2,3],[4,5]]"},
			{`array_split(dynamic([1,2,3,4,5]), -1)`, "[[1,2,3,4],[5]]"}}})

	register(&Func{Name: "set_has_element", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/set-has-element-function",
		Doc: "Tells whether a dynamic array holds a value.",
		Sigs: []*Sig{sig(schema.Bool, rowKernel(func(row []any) (any, bool) {
			arr, ok := row[0].([]any)
			if !ok {
				return nil, false
			}
			for _, e := range arr {
				if elemEqual(e, row[1]) {
					return true, true
				}
			}
			return false, true
		}), p("set", tDynamic), p("value", Any))},
		Examples: []Example{{`set_has_element(dynamic(["this", "is", "an", "example"]), "example")`, "true"},
			{`set_has_element(dynamic([1, 2.5]), 3)`, "false"}}})

	register(&Func{Name: "set_union", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/set-union-function",
		Doc: "Returns the distinct values that are in any of the dynamic arrays.",
		Sigs: variadicArrays("set", rowKernel(func(row []any) (any, bool) {
			arrs, ok := arrays(row)
			if !ok {
				return nil, false
			}
			out, _ := distinct(slices.Concat(arrs...))
			return out, true
		})),
		Examples: []Example{{`set_union(dynamic([1,2,1,4]), dynamic([1,2]), dynamic([8]))`, "[1,2,4,8]"},
			{`set_union(dynamic(['A4', 'A2', 'A7', 'A2']), dynamic(['A4', 'A2', 'A7', 'A2']))`, `["A4","A2","A7"]`}}})
	register(&Func{Name: "set_intersect", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/set-intersect-function",
		Doc:  "Returns the distinct values that are in all the dynamic arrays.",
		Sigs: variadicArrays("set", setOp(true)),
		Examples: []Example{{`set_intersect(dynamic([1,2,1,4]), dynamic([1,2]), dynamic([8,1]))`, "[1]"},
			{`set_intersect(dynamic([1, 2, 3]), dynamic([4,5]))`, "[]"}}})
	register(&Func{Name: "set_difference", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/set-difference-function",
		Doc:  "Returns the distinct values of the first dynamic array that are in none of the others.",
		Sigs: variadicArrays("set", setOp(false)),
		Examples: []Example{{`set_difference(dynamic([1,2,1,4]), dynamic([1,2]), dynamic([1,2,8]))`, "[4]"},
			{`set_difference(dynamic([1,2,3]), dynamic([1,2,3]))`, "[]"}}})

	register(&Func{Name: "set_equals", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/set-equals-function",
		Doc: "Tells whether two dynamic arrays hold the same set of distinct values.",
		Sigs: []*Sig{sig(schema.Bool, Map2(func(a, b any) (bool, bool) {
			x, ok1 := a.([]any)
			y, ok2 := b.([]any)
			if !ok1 || !ok2 {
				return false, false
			}
			_, sx := distinct(x)
			_, sy := distinct(y)
			if len(sx) != len(sy) {
				return false, true
			}
			for k := range sx {
				if !sy[k] {
					return false, true
				}
			}
			return true, true
		}), p("set1", tDynamic), p("set2", tDynamic))},
		Examples: []Example{{`set_equals(dynamic([1, 2, 3]), dynamic([1, 2, 3]))`, "true"},
			{`set_equals(dynamic([1, 2, 3]), dynamic([3, 1, 2, 1]))`, "true"}, {`set_equals(dynamic([1, 4, 2]), dynamic([1, 2, 3]))`, "false"}}})

	// Microsoft's analyzer declares the result of jaccard_index dynamic;
	// it holds a real.
	register(&Func{Name: "jaccard_index", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/jaccard-index-function",
		Doc: "Returns the Jaccard index of sets given as dynamic arrays: the size of their intersection over the size of their union.",
		Sigs: variadicArrays("set", rowKernel(func(row []any) (any, bool) {
			arrs, ok := arrays(row)
			if !ok {
				return nil, false
			}
			counts := map[elemKey]int{}
			for _, a := range arrs {
				_, s := distinct(a)
				for k := range s {
					counts[k]++
				}
			}
			inter := 0
			for _, c := range counts {
				if c == len(arrs) {
					inter++
				}
			}
			return float64(inter) / float64(len(counts)), true
		})),
		Examples: []Example{{`jaccard_index(dynamic([1,2,3]), dynamic([1,2,3,4]))`, "0.75"},
			{`jaccard_index(dynamic([1,1,2]), dynamic([2,3,3]))`, "0.3333333333333333"}}})

	register(&Func{Name: "zip", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/zip-function",
		Doc: "Returns an array of arrays, the i-th holding the i-th element of every argument array (null past the end of a shorter one).",
		Sigs: []*Sig{{Params: []Param{p("array", tDynamic)}, Variadic: true, Result: Returns(schema.Dynamic),
			Eval: rowKernel(func(row []any) (any, bool) {
				arrs, ok := arrays(row)
				if !ok {
					return nil, false
				}
				n := 0
				for _, a := range arrs {
					n = max(n, len(a))
				}
				out := make([]any, n)
				for i := range out {
					t := make([]any, len(arrs))
					for j, a := range arrs {
						if i < len(a) {
							t[j] = a[i]
						}
					}
					out[i] = t
				}
				return out, true
			})}},
		Examples: []Example{{`zip(dynamic([1,3,5]), dynamic([2,4,6]))`, "[[1,2],[3,4],[5,6]]"},
			{`zip(dynamic(["A", 1, 1.5]), dynamic([{}, "B"]))`, `[["A",{}],[1,"B"],[1.5,null]]`}}})
	register(&Func{Name: "repeat", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/repeat-function",
		Doc: "Returns a dynamic array holding a value count times (at most 1048576); null when count is negative.",
		Sigs: []*Sig{sig(schema.Dynamic, boxedKernel(func(types []schema.Type) func([]any) (any, bool) {
			return func(row []any) (any, bool) {
				n, ok := row[1].(int64)
				if !ok || n < 0 {
					return nil, false
				}
				out := make([]any, min(n, int64(maxArray)))
				v := ToDynamic(types[0], row[0])
				for i := range out {
					out[i] = v
				}
				return out, true
			}
		}), p("value", Any), p("count", Integer))},
		Examples: []Example{{`repeat(1, 3)`, "[1,1,1]"}, {`repeat("a", 0)`, "[]"}, {`isnull(repeat(1, -1))`, "true"}}})
	register(&Func{Name: "array_length", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/array-length-function",
		Doc: "Returns the number of elements of a dynamic array, or null when the value is not an array.",
		Sigs: []*Sig{sig(schema.Long, Map1(func(v any) (int64, bool) {
			arr, ok := v.([]any)
			return int64(len(arr)), ok
		}), p("array", tDynamic))},
		Examples: []Example{{`array_length(dynamic([1, 2, 3]))`, "3"}, {`isnull(array_length(dynamic({"a":1})))`, "true"}}})
	register(&Func{Name: "pack_array", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/pack-array-function",
		Doc: "Packs its arguments into a dynamic array.",
		Sigs: []*Sig{{Params: []Param{p("value", Any)}, Variadic: true, Result: Returns(schema.Dynamic),
			Eval: func(_ *Context, args []*value.Column, n int, out *value.Column) {
				n = rows(args, n, out)
				for i := 0; i < n; i++ {
					arr := make([]any, len(args))
					for j, a := range args {
						arr[j] = ToDynamic(a.Type, a.Get(i))
					}
					out.Append(arr)
				}
			}}},
		Examples: []Example{{`pack_array(1, "a", true)`, `[1,"a",true]`}}})
}
