package funcs

import (
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// The in family and has_any/has_all take a list: the first argument is
// the value tested, the others are scalars or dynamic arrays whose
// elements count as list members.

// listKey returns the comparison key of a list member or tested value:
// text for strings (lowered when fold), a float64 for numbers, ticks for
// datetimes and timespans, and JSON text for arrays and bags.
func listKey(t schema.Type, v any, fold bool) (any, bool) {
	switch x := v.(type) {
	case nil:
		return nil, false
	case string:
		if t == schema.Guid {
			if g, ok := value.ParseGUID(x); ok {
				x = g
			}
		}
		if fold {
			return Lower(x), true
		}
		return x, true
	case int64:
		switch t {
		case schema.Datetime:
			return value.Datetime(x), true
		case schema.Timespan:
			return value.Timespan(x), true
		}
		return float64(x), true
	case float64:
		return x, true
	case value.Decimal:
		// Numbers of a list match by value, as reals.
		return x.Float(), true
	case bool, value.Datetime, value.Timespan:
		return x, true
	}
	return string(value.AppendKeyJSON(nil, v)), true
}

// listMembers appends the members of list argument column c at row i:
// the elements of a dynamic array, or the value itself.
func listMembers(dst []any, c *value.Column, i int) []any {
	v := c.Get(i)
	if c.Type == schema.Dynamic {
		if arr, ok := v.([]any); ok {
			return append(dst, arr...)
		}
	}
	if c.Type == schema.Datetime || c.Type == schema.Timespan {
		v = ToDynamic(c.Type, v)
	}
	return append(dst, v)
}

// memberType returns the type that list member m compares as.
func memberType(m any) schema.Type {
	switch m.(type) {
	case value.Datetime:
		return schema.Datetime
	case value.Timespan:
		return schema.Timespan
	}
	return schema.Unknown
}

// inKernel implements in, !in, in~ and !in~.
func inKernel(fold, negate bool) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		x := args[0]
		list := args[1:]
		n = rows(args, n, out)
		allConst := true
		for _, c := range list {
			allConst = allConst && c.Const
		}
		var set map[any]bool
		build := func(i int) map[any]bool {
			var members []any
			for _, c := range list {
				members = listMembers(members, c, i)
			}
			s := make(map[any]bool, len(members))
			for _, m := range members {
				if k, ok := listKey(memberType(m), m, fold); ok {
					s[k] = true
				}
			}
			return s
		}
		if allConst {
			set = build(0)
		}
		for i := 0; i < n; i++ {
			if !allConst {
				set = build(i)
			}
			v := x.Get(i)
			if v == nil && x.Type != schema.String {
				// A null is in no list; !in is true for it.
				out.Append(negate)
				continue
			}
			if x.Type == schema.Dynamic {
				v = value.DynamicString(v)
			}
			k, _ := listKey(x.Type, v, fold)
			out.Append(set[k] != negate)
		}
	}
}

// hasAnyKernel implements has_any (all=false) and has_all (all=true).
func hasAnyKernel(all bool) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		rs := reader[string](args[0])
		list := args[1:]
		n = rows(args, n, out)
		allConst := true
		for _, c := range list {
			allConst = allConst && c.Const
		}
		var needles []string
		build := func(i int) []string {
			var members []any
			for _, c := range list {
				members = listMembers(members, c, i)
			}
			out := make([]string, 0, len(members))
			for _, m := range members {
				if m == nil {
					continue
				}
				out = append(out, Lower(ToString(memberType(m), m)))
			}
			return out
		}
		if allConst {
			needles = build(0)
		}
		for i := 0; i < n; i++ {
			if !allConst {
				needles = build(i)
			}
			s, _ := rs(i)
			hit := all
			for _, nd := range needles {
				if hasTerm(s, nd, true, true) != all {
					hit = !all
					break
				}
			}
			if all && len(needles) == 0 {
				hit = false
			}
			out.Append(hit)
		}
	}
}

func init() {
	defer inCategory(CatOperator)()
	listSig := func(k Kernel) []*Sig {
		return []*Sig{{Params: []Param{p("value", Any), p("list", Any)}, Variadic: true, Result: Returns(schema.Bool), Eval: k}}
	}
	// The reference names the case-sensitive in "in-cs" and the
	// case-insensitive in~ "in".
	register(&Func{Name: "in", Hidden: true, Pure: true, Ref: "https://learn.microsoft.com/kusto/query/in-cs-operator", Doc: "Equals one of the elements (case-sensitive).",
		Sigs: listSig(inKernel(false, false)), Examples: []Example{{`"abc" in ("123", "345", "abc")`, "true"}, {`"B" in ("a", "b")`, "false"}, {`2 in (dynamic([1, 2]))`, "true"}}})
	register(&Func{Name: "!in", Hidden: true, Pure: true, Ref: "https://learn.microsoft.com/kusto/query/not-in-cs-operator", Doc: "Equals none of the elements (case-sensitive).",
		Sigs: listSig(inKernel(false, true)), Examples: []Example{{`"bca" !in ("123", "345", "abc")`, "true"}}})
	register(&Func{Name: "in~", Hidden: true, Pure: true, Ref: "https://learn.microsoft.com/kusto/query/in-operator", Doc: "Equals one of the elements (case-insensitive).",
		Sigs: listSig(inKernel(true, false)), Examples: []Example{{`"Abc" in~ ("123", "345", "abc")`, "true"}}})
	register(&Func{Name: "!in~", Hidden: true, Pure: true, Ref: "https://learn.microsoft.com/kusto/query/not-in-operator", Doc: "Equals none of the elements (case-insensitive).",
		Sigs: listSig(inKernel(true, true)), Examples: []Example{{`"bCa" !in~ ("123", "345", "ABC")`, "true"}, {`"B" !in~ ("a", "b")`, "false"}}})
	register(&Func{Name: "has_any", Hidden: true, Pure: true, Ref: "https://learn.microsoft.com/kusto/query/has-any-operator", Doc: "Has any of the terms (case-insensitive).",
		Sigs: listSig(hasAnyKernel(false)), Examples: []Example{{`"North America" has_any ("south", "north")`, "true"}, {`"North America" has_any (dynamic(["south", "east"]))`, "false"}}})
	register(&Func{Name: "has_all", Hidden: true, Pure: true, Ref: "https://learn.microsoft.com/kusto/query/has-all-operator", Doc: "Has all of the terms (case-insensitive).",
		Sigs: listSig(hasAnyKernel(true)), Examples: []Example{{`"North America" has_all ("america", "north")`, "true"}, {`"North America" has_all ("america", "south")`, "false"}}})
}
