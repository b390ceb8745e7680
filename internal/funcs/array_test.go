package funcs

import "testing"

func TestSortOrder(t *testing.T) {
	arr := dyn(t, `[null, "b", 2, {"x":1}, 1.5, "a", true, null, -3]`).([]any)
	apply := func(order []int) string {
		out := make([]any, len(order))
		for i, j := range order {
			out[i] = arr[j]
		}
		return jsonText(out)
	}
	tests := []struct {
		desc, nullsLast bool
		want            string
	}{
		{false, true, `[-3,1.5,2,"a","b",{"x":1},true,null,null]`},
		{false, false, `[null,null,-3,1.5,2,"a","b",{"x":1},true]`},
		{true, true, `[{"x":1},true,"b","a",2,1.5,-3,null,null]`},
		{true, false, `[null,null,{"x":1},true,"b","a",2,1.5,-3]`},
	}
	for _, tt := range tests {
		if got := apply(sortOrder(arr, tt.desc, tt.nullsLast)); got != tt.want {
			t.Errorf("sortOrder(desc=%v, nullsLast=%v) = %s, want %s", tt.desc, tt.nullsLast, got, tt.want)
		}
	}
}

func TestArrayHelpers(t *testing.T) {
	arr := dyn(t, `[1,2,3,4,5]`).([]any)
	if got := jsonText(rotateArray(arr, 7)); got != "[3,4,5,1,2]" {
		t.Errorf("rotate by 7: %s", got)
	}
	if got := jsonText(rotateArray(arr, -7)); got != "[4,5,1,2,3]" {
		t.Errorf("rotate by -7: %s", got)
	}
	if got := jsonText(shiftArray(arr, 9, nil)); got != "[null,null,null,null,null]" {
		t.Errorf("shift by 9: %s", got)
	}
	if got := jsonText(arraySlice(arr, 3, 1)); got != "[]" {
		t.Errorf("slice 3..1: %s", got)
	}
	// A slice must not let an append write into the original array.
	s := arraySlice(arr, 0, 1)
	_ = append(s, "x")
	if jsonText(arr) != "[1,2,3,4,5]" {
		t.Errorf("append to a slice changed the array: %s", jsonText(arr))
	}
}
