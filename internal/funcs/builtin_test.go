package funcs

import (
	"reflect"
	"testing"
)

// TestBuiltinsResolved checks that every function the checker calls on
// its own was filled in by its declaration, under the name it is
// declared with.
func TestBuiltinsResolved(t *testing.T) {
	filled := map[**Func]bool{}
	for name, slot := range builtinSlots {
		if *slot == nil {
			t.Errorf("%q: not declared", name)
			continue
		}
		if (*slot).Name != name || Lookup(name) != *slot {
			t.Errorf("%q: slot holds %q", name, (*slot).Name)
		}
		filled[slot] = true
	}
	for _, s := range []any{&Op, &Fn} {
		v := reflect.ValueOf(s).Elem()
		for i := 0; i < v.NumField(); i++ {
			slot := v.Field(i).Addr().Interface().(**Func)
			if !filled[slot] {
				t.Errorf("%s.%s: no declared name fills it", v.Type().Name(), v.Type().Field(i).Name)
			}
		}
	}
	if Count == nil || Count != LookupAgg("count") {
		t.Errorf("Count: got %v, want the count aggregate", Count)
	}
}

func TestOperator(t *testing.T) {
	for _, op := range []string{"==", "!=", "<", "+", "has", "!contains_cs", "notcontains", "in~", "!in", "has_any", "matches regex", "=~", "and"} {
		if Operator(op) == nil {
			t.Errorf("Operator(%q) = nil, want the operator", op)
		}
	}
	for _, name := range []string{"strlen", "not", "neg", "$member", "$index", "$pack_nonempty", "nope", "tostring"} {
		if f := Operator(name); f != nil {
			t.Errorf("Operator(%q) = %s, want nil", name, f.Name)
		}
	}
}
