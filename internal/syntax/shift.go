package syntax

import "reflect"

// Shift adds by to every offset in the tree under n (its spans, and the
// End offsets some nodes keep), in place, as if the text n was parsed from
// had been preceded by by bytes. A text parsed apart from a query, such as
// the body of a function declared in a schema file, is shifted so that its
// offsets cannot be mistaken for offsets in the query: whoever reports a
// problem at an offset knows from the offset which text it is in. Each node
// is shifted once, even when the tree shares it.
func Shift(n Node, by int) {
	if n == nil || by == 0 {
		return
	}
	shift(reflect.ValueOf(n), by, map[uintptr]bool{})
}

var spanType = reflect.TypeOf(Span{})

func shift(v reflect.Value, by int, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		shift(v.Elem(), by, seen)
	case reflect.Interface:
		if !v.IsNil() {
			shift(v.Elem(), by, seen)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			shift(v.Index(i), by, seen)
		}
	case reflect.Struct:
		if v.Type() == spanType {
			if v.CanSet() {
				v.Field(0).SetInt(v.Field(0).Int() + int64(by))
				v.Field(1).SetInt(v.Field(1).Int() + int64(by))
			}
			return
		}
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if !f.CanSet() {
				continue // unexported: no offsets are kept there
			}
			if t.Field(i).Name == "End" && f.Kind() == reflect.Int {
				f.SetInt(f.Int() + int64(by))
				continue
			}
			shift(f, by, seen)
		}
	}
}
