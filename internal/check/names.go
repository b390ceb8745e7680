package check

import (
	"strconv"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// origin tells where a column's name came from, which decides what a
// clash with an earlier column of the same operator does: an explicit
// name or a column's own name is an error, a name derived from a function
// call gets a numeric suffix.
type origin uint8

const (
	noName   origin = iota // the expression has no natural name
	ownName                // written by the query, or the name of a column
	funcName               // derived: a member path (x_a), a function call (strlen_y, tostring(x) → x)
)

// exprName returns the name KQL gives the column of an unnamed
// expression, as Microsoft's analyzer does: a column keeps its name,
// x.a.b and x['a'] and x[0] become x_a_b, x_a and x_0, and a function
// names its result after its first argument as its declaration says
// (tostring(x) is x, strlen(y) is strlen_y). Anything else has no name.
func exprName(x syntax.Expr) (string, origin) {
	switch x := x.(type) {
	case *syntax.Ident:
		return x.Name, ownName
	case *syntax.ParenExpr:
		return exprName(x.X)
	case *syntax.NamedExpr:
		// A named argument names what it passes: bin(5Minutebin =
		// Timestamp, 5m) is 5Minutebin.
		if len(x.Names) == 1 {
			return x.Names[0].Name, funcName
		}
	case *syntax.MemberExpr:
		if base, o := exprName(x.X); o != noName && x.Name != nil {
			return base + "_" + x.Name.Name, funcName
		}
	case *syntax.IndexExpr:
		if base, o := exprName(x.X); o != noName {
			if lit, ok := x.Index.(*syntax.Literal); ok && (lit.Kind == syntax.LitString || lit.Kind == syntax.LitLong) {
				return base + "_" + lit.Text, funcName
			}
		}
	case *syntax.CallExpr:
		// hll_merge of several columns, the scalar function, is named
		// hll_merged_result (Microsoft's analyzer); of one, as the
		// aggregate.
		if x.Fun.Name == "hll_merge" && len(x.Args) > 1 {
			return "hll_merged_result", funcName
		}
		// bin_auto(Timestamp) is Timestamp, as bin() names it.
		if x.Fun.Name == "bin_auto" && len(x.Args) == 1 {
			if arg, _ := exprName(x.Args[0]); arg != "" {
				return arg, funcName
			}
		}
		if agg := funcs.LookupAgg(x.Fun.Name); agg != nil && (funcs.Lookup(x.Fun.Name) == nil || x.Fun.Name == "hll_merge" ||
			(scalarAggs[x.Fun.Name] && len(x.Args) == 1)) {
			// An aggregate inside an expression names it as it names its
			// own column: tostring(make_set(x)) is set_x.
			args := make([]funcs.AggArg, len(x.Args))
			for i, a := range x.Args {
				args[i].Index = i
				args[i].Name, _ = exprName(a)
				_, args[i].Column = a.(*syntax.Ident)
				if lit, ok := a.(*syntax.Literal); ok && (lit.Kind == syntax.LitLong || lit.Kind == syntax.LitReal) {
					args[i].Literal = lit.Text
				}
			}
			if names := agg.OutputNames(args); len(names) > 0 && names[0] != "" {
				return names[0], funcName
			}
			break
		}
		fn := funcs.Lookup(x.Fun.Name)
		if fn == nil || len(x.Args) == 0 {
			break
		}
		arg, _ := exprName(x.Args[0])
		kind := fn.ResultName
		if len(x.Args) == 1 {
			switch kind {
			case funcs.NameOnlyArg:
				kind = funcs.NameFirstArg
			case funcs.NamePrefixOnlyArg:
				kind = funcs.NamePrefix
			}
		}
		switch kind {
		case funcs.NameFirstArg:
			if arg != "" {
				return arg, funcName
			}
		case funcs.NamePrefix:
			if fn.ResultText != "" {
				return fn.ResultText + "_" + arg, funcName
			}
			return fn.Name + "_" + arg, funcName
		case funcs.NameFixed:
			return fn.ResultText, funcName
		}
	}
	return "", noName
}

// namer hands out the column names of one operator's output, in the
// way Kusto does: a derived name that is taken gets the smallest numeric
// suffix that makes it unique (count_, count_1), unnamed expressions are
// called Column1, Column2, ..., and an explicit name that is taken is an
// error.
type namer struct {
	c      *checker
	taken  map[string]bool
	column int
}

func (c *checker) newNamer() *namer { return &namer{c: c, taken: map[string]bool{}} }

// name returns the name of an output column: explicit (nil when none),
// else derived from x, else the next ColumnN. sp positions a clash.
func (n *namer) name(explicit []*syntax.Ident, x syntax.Expr) string {
	if len(explicit) > 0 {
		return n.own(explicit[0].Name, explicit[0].Src)
	}
	switch name, o := exprName(x); o {
	case ownName:
		return n.own(name, x.Span())
	case funcName:
		return n.unique(name)
	}
	return n.auto()
}

// own takes a name written by the query (or a column's own name); a clash
// with an earlier column is an error.
func (n *namer) own(name string, sp syntax.Span) string {
	if n.taken[name] {
		n.c.errorf(sp, "%s", errDuplicateColumn(name))
		return name
	}
	n.taken[name] = true
	return name
}

// reserve marks name as taken without renaming it.
func (n *namer) reserve(name string) { n.taken[name] = true }

// unique returns name, or name with a numeric suffix when it is taken.
func (n *namer) unique(name string) string {
	if !n.taken[name] {
		n.taken[name] = true
		return name
	}
	for i := 1; ; i++ {
		c := name + strconv.Itoa(i)
		if !n.taken[c] {
			n.taken[c] = true
			return c
		}
	}
}

// auto returns the next ColumnN name.
func (n *namer) auto() string {
	n.column++
	return n.unique("Column" + strconv.Itoa(n.column))
}
