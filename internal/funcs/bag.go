package funcs

import (
	"math"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file declares the functions over property bags; array.go those
// over arrays and sets, dynamic.go those over any dynamic value. They treat their arguments as
// immutable: a function that changes an array or a bag returns a new one
// and shares the elements it does not change.

// boxedKernel lifts a function of boxed rows into a kernel. f receives the
// argument types once and returns the function of one row: its arguments
// boxed as Column.Get gives them (nil for null, "" for a null string), its
// result boxed likewise, with ok false (or a nil result) for null. Unlike
// the Map kernels, nulls do not short-circuit.
func boxedKernel(f func(types []schema.Type) func(row []any) (any, bool)) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		types := make([]schema.Type, len(args))
		for i, a := range args {
			types[i] = a.Type
		}
		fn := f(types)
		n = rows(args, n, out)
		row := make([]any, len(args))
		for i := 0; i < n; i++ {
			for j, a := range args {
				row[j] = a.Get(i)
			}
			v, ok := fn(row)
			if !ok || v == nil {
				out.AppendNull()
				continue
			}
			out.Append(v)
		}
	}
}

// rowKernel is boxedKernel for functions that do not need the argument
// types.
func rowKernel(f func(row []any) (any, bool)) Kernel {
	return boxedKernel(func([]schema.Type) func([]any) (any, bool) { return f })
}

// elemKey is the identity of a dynamic value in a set: values with equal
// keys are the same element. Numbers compare by value (1 and 1.0 are the
// same), strings by their exact text, datetimes and timespans by ticks,
// and arrays and bags by their JSON text.
type elemKey struct {
	kind byte
	i    int64
	f    float64
	s    string
}

// keyOf returns the set identity of dynamic value v.
func keyOf(v any) elemKey {
	switch x := v.(type) {
	case nil:
		return elemKey{kind: 'n'}
	case bool:
		if x {
			return elemKey{kind: 'b', i: 1}
		}
		return elemKey{kind: 'b'}
	case int64:
		return elemKey{kind: 'i', i: x}
	case float64:
		switch {
		case math.IsNaN(x):
			return elemKey{kind: 'N'}
		case x == math.Trunc(x) && x >= -(1<<63) && x < 1<<63:
			return elemKey{kind: 'i', i: int64(x)}
		}
		return elemKey{kind: 'f', f: x}
	case string:
		return elemKey{kind: 's', s: x}
	case value.Datetime:
		return elemKey{kind: 'd', i: int64(x)}
	case value.Timespan:
		return elemKey{kind: 't', i: int64(x)}
	}
	return elemKey{kind: 'j', s: string(value.AppendKeyJSON(nil, v))}
}

// elemEqual reports whether array element e equals the looked-up value v
// (array_index_of, set_has_element): same set identity, or a datetime and
// a string that parses to it (JSON holds datetimes as strings). A null
// equals nothing.
func elemEqual(e, v any) bool {
	if e == nil || v == nil {
		return false
	}
	if keyOf(e) == keyOf(v) {
		return true
	}
	if d, ok := v.(value.Datetime); ok {
		if s, ok := e.(string); ok {
			p, ok := value.ParseDatetime(s)
			return ok && p == d
		}
	}
	return false
}

// pathStep is one step of a JSONPath: a member name or an array index.
type pathStep struct {
	key     string
	index   int64
	isIndex bool
}

// parseJSONPath parses the subset of JSONPath that KQL supports: $, then
// .name, ['name'], ["name"] or [N] steps.
// https://learn.microsoft.com/kusto/query/jsonpath
func parseJSONPath(s string) ([]pathStep, bool) {
	if !strings.HasPrefix(s, "$") {
		return nil, false
	}
	steps := []pathStep{}
	i := 1
	for i < len(s) {
		switch s[i] {
		case '.':
			j := i + 1
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			if j == i+1 {
				return nil, false
			}
			steps = append(steps, pathStep{key: s[i+1 : j]})
			i = j
		case '[':
			i++
			if i < len(s) && (s[i] == '\'' || s[i] == '"') {
				q := s[i]
				var b strings.Builder
				i++
				for i < len(s) && s[i] != q {
					if s[i] == '\\' && i+1 < len(s) {
						i++
					}
					b.WriteByte(s[i])
					i++
				}
				if i+1 >= len(s) || s[i+1] != ']' {
					return nil, false
				}
				steps = append(steps, pathStep{key: b.String()})
				i += 2
				continue
			}
			j := i
			for j < len(s) && s[j] != ']' {
				j++
			}
			if j >= len(s) {
				return nil, false
			}
			n, ok := toLong(strings.TrimSpace(s[i:j]))
			if !ok || strings.ContainsAny(s[i:j], ".eE") {
				return nil, false
			}
			steps = append(steps, pathStep{index: n, isIndex: true})
			i = j + 1
		default:
			return nil, false
		}
	}
	return steps, true
}

// bagKeyPath parses the key argument of the bag_* functions: a JSONPath of
// member names, or else the name of a root-level key. Array indexing and
// the root path itself are not supported.
func bagKeyPath(s string) ([]pathStep, bool) {
	if !strings.HasPrefix(s, "$") {
		return []pathStep{{key: s}}, true
	}
	steps, ok := parseJSONPath(s)
	if !ok || len(steps) == 0 {
		return nil, false
	}
	for _, st := range steps {
		if st.isIndex {
			return nil, false
		}
	}
	return steps, true
}

// copyBag returns a shallow copy of b.
func copyBag(b *value.Bag) *value.Bag {
	return &value.Bag{Keys: append([]string(nil), b.Keys...), Vals: append([]any(nil), b.Vals...)}
}

// bagHasPath reports whether the member path exists in b.
func bagHasPath(b *value.Bag, steps []pathStep) bool {
	for i, st := range steps {
		v, ok := b.Get(st.key)
		if !ok {
			return false
		}
		if i == len(steps)-1 {
			return true
		}
		if b, ok = v.(*value.Bag); !ok {
			return false
		}
	}
	return false
}

// bagSetPath returns b with the member path set to v, creating the bags
// on the way (and replacing values on the way that are not bags).
func bagSetPath(b *value.Bag, steps []pathStep, v any) *value.Bag {
	nb := copyBag(b)
	if len(steps) == 1 {
		nb.Set(steps[0].key, v)
		return nb
	}
	child, _ := nb.Get(steps[0].key)
	cb, ok := child.(*value.Bag)
	if !ok {
		cb = &value.Bag{}
	}
	nb.Set(steps[0].key, bagSetPath(cb, steps[1:], v))
	return nb
}

// bagRemovePath returns b without the member path (b itself when the path
// does not exist).
func bagRemovePath(b *value.Bag, steps []pathStep) *value.Bag {
	if len(steps) == 1 {
		if _, ok := b.Get(steps[0].key); !ok {
			return b
		}
		nb := &value.Bag{}
		for i, k := range b.Keys {
			if k != steps[0].key {
				nb.Keys = append(nb.Keys, k)
				nb.Vals = append(nb.Vals, b.Vals[i])
			}
		}
		return nb
	}
	child, _ := b.Get(steps[0].key)
	cb, ok := child.(*value.Bag)
	if !ok {
		return b
	}
	nc := bagRemovePath(cb, steps[1:])
	if nc == cb {
		return b
	}
	nb := copyBag(b)
	nb.Set(steps[0].key, nc)
	return nb
}

// bagPack builds a property bag from alternating keys and values. A
// trailing key without a value gets null (the reference requires an even
// number of arguments).
func bagPack(types []schema.Type) func(row []any) (any, bool) {
	return func(row []any) (any, bool) {
		b := &value.Bag{}
		for i := 0; i < len(row); i += 2 {
			var v any
			if i+1 < len(row) {
				v = ToDynamic(types[i+1], row[i+1])
			}
			b.Set(ToString(types[i], row[i]), v)
		}
		return b, true
	}
}

func init() {
	defer inCategory(CatDynamic)()
	bagPackFn := &Func{Name: "bag_pack", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/pack-function",
		Doc: "Creates a dynamic property bag from alternating keys and values.",
		Sigs: []*Sig{{Params: []Param{p("key", tString), p("value", Any)}, Variadic: true,
			Result: Returns(schema.Dynamic), Eval: boxedKernel(bagPack)}},
		Examples: []Example{
			{`bag_pack("Level", "Information", "ProcessID", 1234, "Data", bag_pack("url", "www.bing.com"))`,
				`{"Level":"Information","ProcessID":1234,"Data":{"url":"www.bing.com"}}`},
			{`bag_pack("Dest", 100, "Text", "Hi").Dest`, "100"},
			{`bag_pack("a", long(null), "b", datetime(2024-01-01))`, `{"a":null,"b":"2024-01-01T00:00:00.0000000Z"}`},
		}}
	register(bagPackFn)
	alias("pack", bagPackFn)
	alias("pack_dictionary", bagPackFn)

	register(&Func{Name: "bag_keys", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/bag-keys-function",
		Doc: "Returns the root keys of a dynamic property bag as an array, or null when the value is not a bag.",
		Sigs: []*Sig{sig(schema.Dynamic, Map1(func(v any) (any, bool) {
			b, ok := v.(*value.Bag)
			if !ok {
				return nil, false
			}
			keys := make([]any, len(b.Keys))
			for i, k := range b.Keys {
				keys[i] = k
			}
			return keys, true
		}), p("object", tDynamic))},
		Examples: []Example{{`bag_keys(dynamic({'a':'b', 'c':123}))`, `["a","c"]`}, {`bag_keys(dynamic({}))`, `[]`},
			{`isnull(bag_keys(dynamic('a')))`, "true"}, {`isnull(bag_keys(dynamic([])))`, "true"}}})

	register(&Func{Name: "bag_merge", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/bag-merge-function",
		Doc: "Merges dynamic property bags into one; a key in several bags takes its value from the leftmost, and arguments that are not bags are ignored.",
		Sigs: []*Sig{{Params: []Param{p("bag", tDynamic)}, Variadic: true, Result: Returns(schema.Dynamic),
			Eval: rowKernel(func(row []any) (any, bool) {
				var out *value.Bag
				for _, v := range row {
					b, ok := v.(*value.Bag)
					if !ok {
						continue
					}
					if out == nil {
						out = &value.Bag{}
					}
					for i, k := range b.Keys {
						if _, dup := out.Get(k); !dup {
							out.Keys = append(out.Keys, k)
							out.Vals = append(out.Vals, b.Vals[i])
						}
					}
				}
				return out, out != nil
			})}},
		Examples: []Example{{`bag_merge(dynamic({'A1':12, 'B1':2, 'C1':3}), dynamic({'A2':81, 'B2':82, 'A1':1}))`,
			`{"A1":12,"B1":2,"C1":3,"A2":81,"B2":82}`}}})

	register(&Func{Name: "bag_remove_keys", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/bag-remove-keys-function",
		Doc: "Removes keys, given by name or JSONPath, from a dynamic property bag.",
		Sigs: []*Sig{sig(schema.Dynamic, rowKernel(func(row []any) (any, bool) {
			b, ok := row[0].(*value.Bag)
			if !ok {
				return nil, false
			}
			keys, _ := row[1].([]any)
			for _, k := range keys {
				s, ok := k.(string)
				if !ok {
					continue
				}
				if steps, ok := bagKeyPath(s); ok {
					b = bagRemovePath(b, steps)
				}
			}
			return b, true
		}), p("bag", tDynamic), p("keys", tDynamic))},
		Examples: []Example{
			{`bag_remove_keys(dynamic({'key1': 123, 'key2': 'abc'}), dynamic(['key2', 'key4']))`, `{"key1":123}`},
			{`bag_remove_keys(dynamic({'key1': 123, 'key2': {'prop1': 'abc', 'prop2': 'xyz'}, 'key3': [100, 200]}), dynamic(['$.key2.prop1', 'key3']))`,
				`{"key1":123,"key2":{"prop2":"xyz"}}`},
		}})

	register(&Func{Name: "bag_has_key", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/bag-has-key-function",
		Doc: "Tells whether a dynamic property bag has a key, given by name or JSONPath; false when the value is not a bag.",
		Sigs: []*Sig{sig(schema.Bool, boxedKernel(func(types []schema.Type) func([]any) (any, bool) {
			return func(row []any) (any, bool) {
				b, ok := row[0].(*value.Bag)
				if !ok {
					return false, true
				}
				steps, ok := bagKeyPath(ToString(types[1], row[1]))
				return ok && bagHasPath(b, steps), true
			}
		}), p("bag", tDynamic), p("key", tString))},
		Examples: []Example{{`bag_has_key(dynamic({'key1': 123, 'key2': 'abc'}), 'key2')`, "true"},
			{`bag_has_key(dynamic({'key1': 123, 'key3': 'abc'}), 'key2')`, "false"},
			{`bag_has_key(dynamic({'key1': 123, 'key2': {'prop1': 'abc', 'prop2': 'xyz'}}), '$.key2.prop1')`, "true"}}})

	register(&Func{Name: "bag_set_key", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/bag-set-key-function",
		Doc: "Sets a key, given by name or JSONPath, of a dynamic property bag to a value; null when the first argument is not a bag.",
		Sigs: []*Sig{sig(schema.Dynamic, boxedKernel(func(types []schema.Type) func([]any) (any, bool) {
			return func(row []any) (any, bool) {
				b, ok := row[0].(*value.Bag)
				if !ok {
					return nil, false
				}
				steps, ok := bagKeyPath(ToString(types[1], row[1]))
				if !ok {
					return nil, false
				}
				return bagSetPath(b, steps, ToDynamic(types[2], row[2])), true
			}
		}), p("bag", tDynamic), Param{Name: "key", Types: tString, Const: true}, p("value", Any))},
		Examples: []Example{{`bag_set_key(dynamic({'key1': 1, 'key2': 2}), 'key3', 3)`, `{"key1":1,"key2":2,"key3":3}`},
			{`bag_set_key(dynamic({'key1': 1, 'key3': 'abc'}), 'key3', 3)`, `{"key1":1,"key3":3}`},
			{`bag_set_key(dynamic({'key1': 123}), '$.key2.prop1', 'abc')`, `{"key1":123,"key2":{"prop1":"abc"}}`}}})

	register(&Func{Name: "bag_zip", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/bag-zip",
		Doc: "Creates a dynamic property bag from an array of keys and an array of values.",
		Sigs: []*Sig{sig(schema.Dynamic, rowKernel(func(row []any) (any, bool) {
			keys, ok := row[0].([]any)
			if !ok {
				return nil, false
			}
			vals, _ := row[1].([]any)
			b := &value.Bag{}
			for i, k := range keys {
				s, ok := k.(string)
				if !ok {
					continue
				}
				var v any
				if i < len(vals) {
					v = vals[i]
				}
				b.Set(s, v)
			}
			return b, true
		}), p("keys", tDynamic), p("values", tDynamic))},
		Examples: []Example{{`bag_zip(dynamic(['a', 'b', 'c']), dynamic([1, '2', 3.4]))`, `{"a":1,"b":"2","c":3.4}`},
			{`bag_zip(dynamic(['a', 8, 'b']), dynamic([1, '2', 2.5]))`, `{"a":1,"b":2.5}`}}})

	// The function behind pack_all(true), which the checker turns into a
	// call with the row's columns as alternating names and values.
	register(&Func{Name: "$pack_nonempty", Hidden: true, Pure: true, Ref: "https://learn.microsoft.com/kusto/query/pack-all-function",
		Doc: "Packs name, value pairs into a property bag, leaving out null and empty values (pack_all(true)).",
		Sigs: []*Sig{{Params: []Param{p("key", tString), p("value", Any)}, Variadic: true,
			Result: Returns(schema.Dynamic), Eval: boxedKernel(func(types []schema.Type) func(row []any) (any, bool) {
				return func(row []any) (any, bool) {
					b := &value.Bag{}
					for i := 0; i+1 < len(row); i += 2 {
						v := ToDynamic(types[i+1], row[i+1])
						if v == nil || v == "" {
							continue
						}
						b.Set(ToString(types[i], row[i]), v)
					}
					return b, true
				}
			})}},
		Examples: []Example{{`datatable(a:long, b:string, c:long)[1, "", long(null)] | project x = pack_all(true)`, `{"a":1}`}}})
}
