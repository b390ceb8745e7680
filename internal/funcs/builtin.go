package funcs

// The checker builds calls of its own, to desugar syntax: -x is neg(x),
// x between (a .. b) is x >= a and x <= b, x.name is $member(x, "name"),
// datetime("10:00") is startofday(now()) + 10h, count is summarize
// Count=count(). It calls the functions below, which are resolved when
// they are declared (register fills them in at init), so that no caller
// looks one up by name and a renamed declaration fails a test rather
// than a query.

// Op holds the functions behind KQL's operators.
var Op struct {
	Add, Sub, Mul, Div, Mod, Neg *Func // + - * / % and unary -
	And, Or, Not                 *Func // and, or, not()
	Eq, Ne, Lt, Le, Gt, Ge       *Func // == != < <= > >=
	Has                          *Func // has, and the default test of search terms
	Member, Index                *Func // x.name or x["name"], and x[i]
}

// Fn holds the named functions that stand behind a shorthand.
var Fn struct {
	Now, StartOfDay *Func // datetime(""), datetime("10:00")
	ToString        *Func // * has "x" over a non-string column
	ParseJSON       *Func // evaluate's dynamic arguments
	BagPack         *Func // bag_pack_columns(), pack_all()
	PackNonEmpty    *Func // pack_all(true)
}

// Count is the count() aggregate, behind the count operator.
var Count *Agg

// builtinSlots maps the declared names of the functions above to their
// variables; register fills a slot when it declares the name.
var builtinSlots = map[string]**Func{
	"+": &Op.Add, "-": &Op.Sub, "*": &Op.Mul, "/": &Op.Div, "%": &Op.Mod, "neg": &Op.Neg,
	"and": &Op.And, "or": &Op.Or, "not": &Op.Not,
	"==": &Op.Eq, "!=": &Op.Ne, "<": &Op.Lt, "<=": &Op.Le, ">": &Op.Gt, ">=": &Op.Ge,
	"has": &Op.Has, "$member": &Op.Member, "$index": &Op.Index,
	"now": &Fn.Now, "startofday": &Fn.StartOfDay, "tostring": &Fn.ToString,
	"parse_json": &Fn.ParseJSON, "bag_pack": &Fn.BagPack, "$pack_nonempty": &Fn.PackNonEmpty,
}

// Operator returns the function behind the binary or list operator op
// (==, has, !contains_cs, in~, ...), or nil when op is not one. Named
// functions are not operators: Operator("strlen") is nil, and neither
// are the hidden functions behind unary minus and member access.
func Operator(op string) *Func {
	f := registry[op]
	if f == nil || !f.Hidden || f == Op.Neg || f.Name[0] == '$' {
		return nil
	}
	return f
}
