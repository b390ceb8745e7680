// Package funcs declares KQL's scalar functions, operators and aggregates.
// Each is declared once, in one place: its name, documentation, reference
// page, category, signatures and implementation. The checker resolves
// calls against these declarations, the executor runs their kernels,
// tests run their examples, and docs/functions.md is generated from them
// (FunctionsDoc).
//
// The files follow the categories of the reference's function index
// (Category): string*.go, datetime*.go, dynamic.go, array.go, bag.go,
// conversion.go, math.go, rounding.go, conditional.go, binary.go,
// hash.go, ipv4.go, ipv6.go, geo.go, type.go, series*.go and
// aggregate*.go; operators*.go declare the hidden functions behind
// operators, and builtin.go the ones the checker calls on its own (Op,
// Fn, Count). funcs.go, kernel.go and convert.go hold the framework:
// declarations, signature resolution, kernels and value conversions.
// limits.go bounds the values one call may build.
package funcs

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Context is what a kernel may read besides its arguments. It is shared
// by every kernel of one query run and read-only while the query runs.
type Context struct {
	// Now is the query's single "current time": now() and ago() read it.
	Now value.Datetime
}

// Kernel evaluates a function over n rows. args are the argument columns
// (Const columns stand for every row); out is an empty column of the
// result type, which the kernel fills with n values, or with one value
// marked Const when every argument is Const. Kernels must not modify args.
type Kernel func(ctx *Context, args []*value.Column, n int, out *value.Column)

// TypeSet is a set of types that a parameter accepts.
type TypeSet uint32

// Of returns the set holding ts.
func Of(ts ...schema.Type) TypeSet {
	var s TypeSet
	for _, t := range ts {
		s |= 1 << t
	}
	return s
}

// Has reports whether t is in s.
func (s TypeSet) Has(t schema.Type) bool { return s&(1<<t) != 0 }

// Common type sets.
var (
	Numeric   = Of(schema.Int, schema.Long, schema.Real, schema.Decimal)
	Integer   = Of(schema.Int, schema.Long)
	Scalar    = Of(schema.Bool, schema.Int, schema.Long, schema.Real, schema.Decimal, schema.String, schema.Datetime, schema.Timespan, schema.Guid)
	Any       = Scalar | Of(schema.Dynamic)
	Orderable = Numeric | Of(schema.String, schema.Datetime, schema.Timespan, schema.Bool, schema.Guid)
)

func (s TypeSet) String() string {
	if s == Any {
		return "any type"
	}
	var names []string
	for t := schema.Type(1); t <= schema.Dynamic; t++ {
		if s.Has(t) {
			names = append(names, t.String())
		}
	}
	return strings.Join(names, " or ")
}

// Param is one parameter of a signature.
type Param struct {
	Name     string
	Types    TypeSet
	Optional bool
	// Const requires a constant argument (a literal, or an expression of
	// literals), such as the regex of extract().
	Const bool
	// Regex marks a regular expression: a literal one is compiled when the
	// query is checked, so that a bad pattern is an error at its position.
	Regex bool
	// Check, when set, validates a constant argument's value when the
	// query is checked; its error is reported at the argument.
	Check func(v any) error
	// Exact takes only arguments of Types, without implicit conversions
	// (estimate_data_size's size depends on the argument's own type).
	Exact bool
}

// Sig is one signature of a function. Variadic makes the last parameter
// repeat (zero or more times when it is Optional, else one or more).
type Sig struct {
	Params   []Param
	Variadic bool
	// Result computes the result type from the argument types, after
	// implicit conversions.
	Result func(args []schema.Type) schema.Type
	Eval   Kernel
	// ValueArg, when set, reports which of n arguments are values returned
	// as the result (the branches of iff, the values of case): the checker
	// converts them to the result type, so kernels can copy them.
	ValueArg func(i, n int) bool
}

// Example is a documented use of a function: Expr evaluates to Want, as
// printed by kqlhunt's text output. Tests run every example as print x =
// Expr, or, when Expr starts with datatable(, as a query whose one row
// and column is compared.
type Example struct {
	Expr string
	Want string
}

// Func is a scalar function or operator.
type Func struct {
	Name string
	// Doc is one sentence on what the function does.
	Doc string
	// Ref is the function's page in the KQL reference.
	Ref      string
	Sigs     []*Sig
	Examples []Example
	// Pure is true when the function gives the same result for the same
	// arguments within one query (now() is pure: it is fixed per query).
	Pure bool
	// Hidden marks internal functions that queries cannot call by name,
	// such as the ones behind operators and member access.
	Hidden bool
	// ResultName tells how an unnamed column computed by the function is
	// named (as Microsoft's analyzer names it).
	ResultName NameKind
	// ResultText replaces the function's name as the prefix of NamePrefix
	// (percentiles_array_tdigest(d) is percentile_tdigest_d), and is the
	// whole name with NameFixed.
	ResultText string
	// StarArgs expands a '*' argument to the columns of the row, as
	// estimate_data_size(*) does.
	StarArgs bool
	// Category is the group of the reference's function index the
	// function is listed under; register sets it from the declaring init
	// when the declaration does not.
	Category Category
}

// NameKind tells how KQL names the result column of an unnamed call.
type NameKind uint8

const (
	// NameNone gives no name: the column is called Column1, print_0, ...
	NameNone NameKind = iota
	// NameFirstArg takes the first argument's name: tostring(x) is x,
	// bin(Timestamp, 1h) is Timestamp.
	NameFirstArg
	// NamePrefix prefixes the first argument's name with the function's:
	// strlen(y) is strlen_y.
	NamePrefix
	// NameOnlyArg is NameFirstArg for a call with exactly one argument;
	// other calls get no name.
	NameOnlyArg
	// NamePrefixOnlyArg is NamePrefix for a call with exactly one
	// argument.
	NamePrefixOnlyArg
	// NameFixed names the column ResultText whatever the arguments
	// (merge_tdigest(a, b) is tdigests_merge_result).
	NameFixed
)

var registry = map[string]*Func{}

// register adds f to the registry; declaring a name twice is a bug.
func register(f *Func) *Func {
	if _, dup := registry[f.Name]; dup {
		panic("funcs: duplicate declaration of " + f.Name)
	}
	registry[f.Name] = f
	if f.Category == CatNone {
		f.Category = declaring
	}
	if slot := builtinSlots[f.Name]; slot != nil {
		*slot = f
	}
	return f
}

// alias registers f under another name.
func alias(name string, f *Func) {
	if _, dup := registry[name]; dup {
		panic("funcs: duplicate declaration of " + name)
	}
	registry[name] = f
}

// Lookup returns the scalar function or operator named name, or nil.
func Lookup(name string) *Func { return registry[name] }

// Names returns the names of the callable scalar functions, sorted.
func Names() []string {
	var names []string
	for n, f := range registry {
		if !f.Hidden {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// All returns every scalar function and operator, hidden ones included,
// sorted by name; a function registered under aliases appears once, under
// its declared name.
func All() []*Func {
	seen := map[*Func]bool{}
	var all []*Func
	for _, f := range registry {
		if !seen[f] {
			seen[f] = true
			all = append(all, f)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// ConvertsTo reports whether a value of type from can be passed where to
// is expected, by KQL's implicit conversions: int widens to long, integers
// widen to real and decimal, and dynamic converts to any scalar type.
func ConvertsTo(from, to schema.Type) bool {
	if from == to || from == schema.Unknown || to == schema.Dynamic && from == schema.Dynamic {
		return true
	}
	switch from {
	case schema.Int:
		return to == schema.Long || to == schema.Real || to == schema.Decimal
	case schema.Long:
		return to == schema.Real || to == schema.Decimal
	case schema.Real:
		return to == schema.Decimal
	case schema.Dynamic:
		return to != schema.Unknown
	}
	return false
}

// Resolution is the outcome of matching argument types to a signature.
type Resolution struct {
	Sig *Sig
	// Casts holds, per argument, the type to convert it to, or Unknown
	// when it is passed as it is.
	Casts  []schema.Type
	Result schema.Type
}

// Resolve picks the first signature of f that accepts args, preferring
// one that needs no conversion. The error explains the mismatch in terms
// of the first signature with the right number of arguments.
func (f *Func) Resolve(args []schema.Type) (*Resolution, error) {
	var best *Resolution
	bestCasts := -1
	var arityOK *Sig
	for _, sig := range f.Sigs {
		if !sig.accepts(len(args)) {
			continue
		}
		if arityOK == nil {
			arityOK = sig
		}
		res, ncasts, ok := sig.match(args)
		if ok && (best == nil || ncasts < bestCasts) {
			best, bestCasts = res, ncasts
			if ncasts == 0 {
				break
			}
		}
	}
	if best != nil {
		return best, nil
	}
	if arityOK == nil {
		return nil, fmt.Errorf("%s(): %s", f.Name, f.arityText(len(args)))
	}
	for i, a := range args {
		p := arityOK.param(i)
		if !p.Types.Has(a) && !convertsToSet(a, p.Types) {
			return nil, &ArgError{Index: i, Msg: fmt.Sprintf("%s(): argument %d (%s) must be %s, got %s", f.Name, i+1, p.Name, p.Types, a)}
		}
	}
	return nil, fmt.Errorf("%s(): no signature accepts (%s)", f.Name, typeList(args))
}

// ArgError is a resolution error about one argument.
type ArgError struct {
	Index int
	Msg   string
}

func (e *ArgError) Error() string { return e.Msg }

func typeList(ts []schema.Type) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, ", ")
}

func (f *Func) arityText(n int) string {
	lo, hi := 1<<30, 0
	for _, s := range f.Sigs {
		l, h := s.arity()
		lo, hi = min(lo, l), max(hi, h)
	}
	switch {
	case hi >= 1<<20:
		return fmt.Sprintf("expected at least %s, got %d", arguments(lo), n)
	case lo == hi:
		return fmt.Sprintf("expected %s, got %d", arguments(lo), n)
	}
	return fmt.Sprintf("expected %d to %d arguments, got %d", lo, hi, n)
}

// arguments returns "1 argument" or "N arguments".
func arguments(n int) string {
	if n == 1 {
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", n)
}

// arity returns the least and most arguments s takes (max 1<<20 when
// variadic).
func (s *Sig) arity() (int, int) {
	required := 0
	for _, p := range s.Params {
		if !p.Optional {
			required++
		}
	}
	if s.Variadic {
		return required, 1 << 20
	}
	return required, len(s.Params)
}

func (s *Sig) accepts(n int) bool {
	lo, hi := s.arity()
	return n >= lo && n <= hi
}

// param returns the parameter that argument i binds to.
func (s *Sig) param(i int) Param {
	if i >= len(s.Params) {
		return s.Params[len(s.Params)-1]
	}
	return s.Params[i]
}

// convertsToSet reports whether type a converts implicitly to a member of
// set, returning the preferred target.
func convertsToSet(a schema.Type, set TypeSet) bool {
	_, ok := conversionTarget(a, set)
	return ok
}

// conversionTarget returns the type in set that a converts to, preferring
// the narrowest widening (long before real).
func conversionTarget(a schema.Type, set TypeSet) (schema.Type, bool) {
	for _, t := range []schema.Type{schema.Long, schema.Real, schema.Decimal, schema.String, schema.Bool, schema.Datetime, schema.Timespan, schema.Guid, schema.Int} {
		if set.Has(t) && ConvertsTo(a, t) {
			return t, true
		}
	}
	return schema.Unknown, false
}

func (s *Sig) match(args []schema.Type) (*Resolution, int, bool) {
	res := &Resolution{Sig: s, Casts: make([]schema.Type, len(args))}
	eff := make([]schema.Type, len(args))
	ncasts := 0
	for i, a := range args {
		p := s.param(i)
		switch {
		case a == schema.Unknown || p.Types.Has(a):
			eff[i] = a
		default:
			t, ok := conversionTarget(a, p.Types)
			if !ok || p.Exact {
				return nil, 0, false
			}
			res.Casts[i], eff[i] = t, t
			ncasts++
		}
	}
	res.Result = s.Result(eff)
	return res, ncasts, true
}

// Returns is a Result function for a fixed type.
func Returns(t schema.Type) func([]schema.Type) schema.Type {
	return func([]schema.Type) schema.Type { return t }
}

// SameAs is a Result function that returns the type of argument i.
func SameAs(i int) func([]schema.Type) schema.Type {
	return func(args []schema.Type) schema.Type { return args[i] }
}

// Promote returns the type of arithmetic on ts: decimal if any is
// decimal, real if any is real, else long (int arithmetic gives long).
func Promote(ts []schema.Type) schema.Type {
	out := schema.Long
	for _, t := range ts {
		switch t {
		case schema.Decimal:
			return schema.Decimal
		case schema.Real:
			out = schema.Real
		case schema.Unknown:
			return schema.Unknown
		}
	}
	return out
}
