package funcs

import (
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Kusto's documented limits on the elements of make_list, make_set and
// make_bag: the default and maximum of maxSize ("The default and max
// value is 1048576"), and the default of the legacy names (makelist,
// makeset, make_dictionary: "a default maxSize limit of 128").
// https://learn.microsoft.com/kusto/query/make-list-aggregation-function
// https://learn.microsoft.com/kusto/query/make-set-aggregation-function
// https://learn.microsoft.com/kusto/query/make-bag-aggregation-function
const (
	maxCollect    = MaxArrayLength
	legacyCollect = 128
)

// ---- make_list, make_set and their variants

type collectState struct {
	lists     [][]any
	seen      []map[any]struct{} // make_set only
	set       bool
	withNulls bool // make_list_with_nulls: nulls are elements too
	limit     int64
	deflimit  int64
	t         schema.Type
}

func (s *collectState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	if s.limit == 0 && n > 0 {
		s.limit = maxSizeArg(args, n, s.deflimit)
	}
	for i := 0; i < n; i++ {
		g := groups[i]
		s.lists = grow(s.lists, g, nil)
		if int64(len(s.lists[g])) >= s.limit {
			continue
		}
		v := ToDynamic(c.Type, c.Get(i))
		if v == nil && !s.withNulls {
			continue
		}
		elems := []any{v}
		if arr, ok := v.([]any); ok && c.Type == schema.Dynamic {
			// An array contributes its elements.
			elems = arr
		}
		if !s.set {
			room := s.limit - int64(len(s.lists[g]))
			if int64(len(elems)) > room {
				elems = elems[:room]
			}
			s.lists[g] = append(s.lists[g], elems...)
			continue
		}
		s.seen = grow(s.seen, g, nil)
		if s.seen[g] == nil {
			s.seen[g] = map[any]struct{}{}
		}
		for _, e := range elems {
			if int64(len(s.lists[g])) >= s.limit {
				break
			}
			k := setKey(memberType(e), e)
			if _, dup := s.seen[g][k]; dup {
				continue
			}
			s.seen[g][k] = struct{}{}
			s.lists[g] = append(s.lists[g], e)
		}
	}
}

func (s *collectState) Result(outs []*value.Column, ngroups int) {
	s.lists = grow(s.lists, ngroups-1, nil)
	for g := 0; g < ngroups; g++ {
		l := s.lists[g]
		if l == nil {
			l = []any{}
		}
		outs[0].Append(l)
	}
}

// ---- make_bag, make_bag_if, make_dictionary

type bagState struct {
	bags     []*value.Bag
	keys     []map[string]struct{} // the keys of each bag, so that a merge is linear
	limit    int64
	deflimit int64
}

func (s *bagState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	if s.limit == 0 && n > 0 {
		s.limit = maxSizeArg(args, n, s.deflimit)
	}
	for i := 0; i < n; i++ {
		g := groups[i]
		s.bags = grow(s.bags, g, nil)
		b, ok := c.Get(i).(*value.Bag)
		if !ok {
			continue // nulls and values that are not bags are skipped
		}
		s.keys = grow(s.keys, g, nil)
		if s.bags[g] == nil {
			s.bags[g] = &value.Bag{}
			s.keys[g] = map[string]struct{}{}
		}
		out, seen := s.bags[g], s.keys[g]
		for k, key := range b.Keys {
			if _, dup := seen[key]; dup || int64(out.Len()) >= s.limit {
				// A key seen in several rows keeps one of its values (the
				// first).
				continue
			}
			seen[key] = struct{}{}
			out.Keys = append(out.Keys, key)
			out.Vals = append(out.Vals, b.Vals[k])
		}
	}
}

func (s *bagState) Result(outs []*value.Column, ngroups int) {
	s.bags = grow(s.bags, ngroups-1, nil)
	for g := 0; g < ngroups; g++ {
		if s.bags[g] == nil {
			// The reference lists [] as make_bag's default.
			outs[0].Append([]any{})
			continue
		}
		outs[0].Append(s.bags[g])
	}
}

// ---- buildschema

// schemaNode is the schema of a set of dynamic values: the primitive type
// names they take, and one container merging their arrays and bags, each
// in order of first appearance.
type schemaNode struct {
	members []any // string (a primitive type) or *schemaContainer
	box     *schemaContainer
}

// schemaContainer is the schema of bags and arrays: a property per key,
// and "`indexer`" for array elements.
type schemaContainer struct {
	keys  []string
	props map[string]*schemaNode
}

const schemaIndexer = "`indexer`"

func (n *schemaNode) add(v any) {
	switch x := v.(type) {
	case nil:
		return
	case *value.Bag:
		c := n.container()
		for i, k := range x.Keys {
			c.prop(k).add(x.Vals[i])
		}
		return
	case []any:
		c := n.container()
		for _, e := range x {
			if e != nil {
				c.prop(schemaIndexer).add(e)
			}
		}
		return
	}
	name := schemaTypeName(v)
	for _, m := range n.members {
		if m == name {
			return
		}
	}
	n.members = append(n.members, name)
}

func (n *schemaNode) container() *schemaContainer {
	if n.box == nil {
		n.box = &schemaContainer{props: map[string]*schemaNode{}}
		n.members = append(n.members, n.box)
	}
	return n.box
}

func (c *schemaContainer) prop(key string) *schemaNode {
	p, ok := c.props[key]
	if !ok {
		p = &schemaNode{}
		c.props[key] = p
		c.keys = append(c.keys, key)
	}
	return p
}

// value returns the schema as buildschema() prints it: a lone type as
// itself, a union as an array of its types, a container as a bag.
func (n *schemaNode) value() any {
	conv := func(m any) any {
		c, ok := m.(*schemaContainer)
		if !ok {
			return m
		}
		b := &value.Bag{}
		for _, k := range c.keys {
			if v := c.props[k].value(); v != nil {
				b.Keys = append(b.Keys, k)
				b.Vals = append(b.Vals, v)
			}
		}
		return b
	}
	switch len(n.members) {
	case 0:
		return nil
	case 1:
		return conv(n.members[0])
	}
	out := make([]any, len(n.members))
	for i, m := range n.members {
		out[i] = conv(m)
	}
	return out
}

// schemaTypeName names the type of a primitive dynamic value as
// buildschema() does.
func schemaTypeName(v any) string {
	switch v.(type) {
	case bool:
		return "bool"
	case int64:
		return "long"
	case float64:
		return "double"
	case value.Datetime:
		return "datetime"
	case value.Timespan:
		return "timespan"
	}
	return "string"
}

type schemaState struct {
	nodes []*schemaNode
}

func (s *schemaState) Update(groups []int, args []*value.Column, n int) {
	c := args[0]
	for i := 0; i < n; i++ {
		g := groups[i]
		s.nodes = grow(s.nodes, g, nil)
		v := c.Get(i)
		if v == nil {
			continue
		}
		if s.nodes[g] == nil {
			s.nodes[g] = &schemaNode{}
		}
		s.nodes[g].add(v)
	}
}

func (s *schemaState) Result(outs []*value.Column, ngroups int) {
	s.nodes = grow(s.nodes, ngroups-1, nil)
	for g := 0; g < ngroups; g++ {
		if s.nodes[g] == nil {
			outs[0].AppendNull()
			continue
		}
		outs[0].Append(s.nodes[g].value())
	}
}

func init() {
	defer inCategory(CatAggDynamic)()
	maxSize := Param{Name: "maxSize", Types: Integer, Optional: true, Const: true}
	collect := func(set, pred, withNulls bool, limit int64) []*AggSig {
		newState := func(ts []schema.Type) AggState {
			return &collectState{set: set, withNulls: withNulls, deflimit: limit, t: ts[0]}
		}
		sig := &AggSig{Params: []Param{p("expr", Any)}, Result: Returns(schema.Dynamic), New: newState}
		if pred {
			sig.Params = append(sig.Params, p("predicate", tBool))
			sig.New = withPredicate(1, newState)
		}
		if !withNulls {
			sig.Params = append(sig.Params, maxSize)
		}
		return []*AggSig{sig}
	}
	registerAgg(&Agg{Name: "make_list", Prefix: "list", Ref: "https://learn.microsoft.com/kusto/query/make-list-aggregation-function",
		Doc:      "Returns a dynamic array of the non-null values of the group, in input order, at most maxSize (default 1048576) of them.",
		Sigs:     collect(false, false, false, maxCollect),
		Examples: []Example{{"make_list(x)", "[1,2,2]"}, {"make_list(y, 2)", `["a","b"]`}}})
	registerAgg(&Agg{Name: "makelist", Prefix: "list", Ref: "https://learn.microsoft.com/kusto/query/make-list-aggregation-function",
		Doc:      "Returns a dynamic array of the non-null values of the group: the legacy name of make_list(), whose maxSize defaults to 128.",
		Sigs:     collect(false, false, false, legacyCollect),
		Examples: []Example{{"makelist(x)", "[1,2,2]"}}})
	registerAgg(&Agg{Name: "make_list_if", Prefix: "list", Ref: "https://learn.microsoft.com/kusto/query/make-list-if-aggregation-function",
		Doc:      "Returns a dynamic array of the non-null values of the rows where the predicate is true, at most maxSize of them.",
		Sigs:     collect(false, true, false, maxCollect),
		Examples: []Example{{"make_list_if(y, x > 1)", `["b","c"]`}, {"make_list_if(y, x > 1, 1)", `["b"]`}}})
	registerAgg(&Agg{Name: "make_list_with_nulls", Prefix: "list", Ref: "https://learn.microsoft.com/kusto/query/make-list-with-nulls-aggregation-function",
		Doc:      "Returns a dynamic array of the values of the group, nulls included.",
		Sigs:     collect(false, false, true, maxCollect),
		Examples: []Example{{"make_list_with_nulls(x)", "[1,2,2,null]"}}})
	registerAgg(&Agg{Name: "make_set", Prefix: "set", Ref: "https://learn.microsoft.com/kusto/query/make-set-aggregation-function",
		Doc: "Returns a dynamic array of the distinct non-null values of the group, in order of first appearance, " +
			"at most maxSize (default 1048576) of them; the elements of array values count one by one.",
		Sigs:     collect(true, false, false, maxCollect),
		Examples: []Example{{"make_set(x)", "[1,2]"}, {"make_set(y, 3)", `["a","b","c"]`}}})
	registerAgg(&Agg{Name: "makeset", Prefix: "set", Ref: "https://learn.microsoft.com/kusto/query/make-set-aggregation-function",
		Doc:      "Returns a dynamic array of the distinct non-null values of the group: the legacy name of make_set(), whose maxSize defaults to 128.",
		Sigs:     collect(true, false, false, legacyCollect),
		Examples: []Example{{"makeset(x)", "[1,2]"}}})
	registerAgg(&Agg{Name: "make_set_if", Prefix: "set", Ref: "https://learn.microsoft.com/kusto/query/make-set-if-aggregation-function",
		Doc:      "Returns a dynamic array of the distinct non-null values of the rows where the predicate is true, at most maxSize of them.",
		Sigs:     collect(true, true, false, maxCollect),
		Examples: []Example{{"make_set_if(x, y != 'a')", "[2]"}, {"make_set_if(y, x > 1, 1)", `["b"]`}}})

	bag := func(pred bool, limit int64) []*AggSig {
		newState := func([]schema.Type) AggState { return &bagState{deflimit: limit} }
		sig := &AggSig{Params: []Param{p("expr", tDynamic)}, Result: Returns(schema.Dynamic), New: newState}
		if pred {
			sig.Params = append(sig.Params, p("predicate", tBool))
			sig.New = withPredicate(1, newState)
		}
		sig.Params = append(sig.Params, maxSize)
		return []*AggSig{sig}
	}
	registerAgg(&Agg{Name: "make_bag", Prefix: "bag", Ref: "https://learn.microsoft.com/kusto/query/make-bag-aggregation-function",
		Doc: "Merges the property bags of the group into one, at most maxSize keys; a key found in several bags keeps " +
			"one of its values (the first), and values that are not bags are skipped.",
		Sigs:     bag(false, maxCollect),
		Examples: []Example{{"make_bag(bag_pack(y, x))", `{"a":1,"b":2,"c":2,"d":null}`}, {"make_bag(bag_pack(y, x), 1)", `{"a":1}`}}})
	registerAgg(&Agg{Name: "make_bag_if", Prefix: "bag", Ref: "https://learn.microsoft.com/kusto/query/make-bag-if-aggregation-function",
		Doc:      "Merges the property bags of the rows where the predicate is true, as make_bag() does.",
		Sigs:     bag(true, maxCollect),
		Examples: []Example{{"make_bag_if(bag_pack(y, x), x > 1)", `{"b":2,"c":2}`}}})
	registerAgg(&Agg{Name: "make_dictionary", Prefix: "dictionary", Ref: "https://learn.microsoft.com/kusto/query/make-bag-aggregation-function",
		Doc:      "Merges the property bags of the group: the legacy name of make_bag(), whose maxSize defaults to 128.",
		Sigs:     bag(false, legacyCollect),
		Examples: []Example{{"make_dictionary(bag_pack(y, x))", `{"a":1,"b":2,"c":2,"d":null}`}}})
	registerAgg(&Agg{Name: "buildschema", Prefix: "schema", Ref: "https://learn.microsoft.com/kusto/query/buildschema-aggregation-function",
		Doc: "Builds the minimal schema that admits every dynamic value of the group: a type name (long, double, string, ...), " +
			"a union of them as an array, or a bag of the properties of bags and arrays (whose elements are under `indexer`).",
		Sigs: []*AggSig{{Params: []Param{p("expr", tDynamic)}, Result: Returns(schema.Dynamic),
			New: func([]schema.Type) AggState { return &schemaState{} }}},
		Examples: []Example{{"buildschema(bag_pack(y, 1))", `{"a":"long","b":"long","c":"long","d":"long"}`},
			{"buildschema(pack_array(x))", "{\"`indexer`\":\"long\"}"}}})
}

// maxSizeArg returns the MaxSize argument of a collecting aggregate (its
// second argument, a positive constant), capped at def, or def without one.
func maxSizeArg(args []*value.Column, n int, def int64) int64 {
	if len(args) > 1 {
		if v, ok := constArg(args[1], n).(int64); ok && v > 0 && v < def {
			return v
		}
	}
	return def
}
