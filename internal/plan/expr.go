// Package plan is kqlhunt's logical query plan: typed scalar expressions
// and the relational nodes that the checker builds from a KQL syntax tree,
// that rewrites improve, and that the executor (or a SQL translator) runs.
//
// A plan is immutable once built; rewrites return new nodes. Nodes may be
// shared (a let-bound table referenced twice), so a plan is a DAG.
package plan

import (
	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// Expr is a typed scalar expression evaluated against the rows of one
// input. The interface is sealed.
type Expr interface {
	Type() schema.Type
	Span() syntax.Span
	expr()
}

// ColRef reads column Index of the input row.
type ColRef struct {
	Index int
	Name  string
	T     schema.Type
	Src   syntax.Span
}

// Const is a constant, boxed as described in package value.
type Const struct {
	Value any
	T     schema.Type
	Src   syntax.Span
}

// Call applies a scalar function or operator.
type Call struct {
	Fn *funcs.Func
	// Sig is the signature the arguments resolved to; its kernel runs the
	// call.
	Sig  *funcs.Sig
	Args []Expr
	T    schema.Type
	Src  syntax.Span
}

// Cast converts X to type T with KQL's implicit conversion (int to long,
// numbers to real, dynamic to string, ...).
type Cast struct {
	X Expr
	T schema.Type
}

func (e *ColRef) Type() schema.Type { return e.T }
func (e *Const) Type() schema.Type  { return e.T }
func (e *Call) Type() schema.Type   { return e.T }
func (e *Cast) Type() schema.Type   { return e.T }

func (e *ColRef) Span() syntax.Span { return e.Src }
func (e *Const) Span() syntax.Span  { return e.Src }
func (e *Call) Span() syntax.Span   { return e.Src }
func (e *Cast) Span() syntax.Span   { return e.X.Span() }

func (*ColRef) expr() {}
func (*Const) expr()  {}
func (*Call) expr()   {}
func (*Cast) expr()   {}

// AggCall is an aggregation in a summarize: an aggregate function applied
// to expressions over the input rows. It yields one output column, or,
// for arg_max and arg_min, one per argument.
type AggCall struct {
	Fn   *funcs.Agg
	Sig  *funcs.AggSig
	Args []Expr
	T    schema.Type
	Src  syntax.Span
}

// Walk calls fn for e and every expression below it, parents first. It
// stops descending where fn returns false. A Let met several times (its
// name used twice) is passed to fn each time but descended into once, so
// that a walk is linear in the size of the query.
func Walk(e Expr, fn func(Expr) bool) {
	var seen map[*Let]bool
	var walk func(e Expr)
	walk = func(e Expr) {
		if !fn(e) {
			return
		}
		switch e := e.(type) {
		case *Call:
			for _, a := range e.Args {
				walk(a)
			}
		case *Cast:
			walk(e.X)
		case *Let:
			if seen == nil {
				seen = map[*Let]bool{}
			}
			if !seen[e] {
				seen[e] = true
				walk(e.X)
			}
		}
	}
	walk(e)
}

// IsConst reports whether e has no column references and no
// non-deterministic calls, so it has one value for the whole query.
func IsConst(e Expr) bool {
	ok := true
	Walk(e, func(x Expr) bool {
		switch x := x.(type) {
		case *ColRef, *Subquery:
			ok = false
		case *Call:
			if !x.Fn.Pure {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// RowFree reports whether e reads no column and calls only pure
// functions, so that its value is the same for every row of the query;
// unlike IsConst, it allows subqueries.
func RowFree(e Expr) bool {
	ok := true
	Walk(e, func(x Expr) bool {
		switch x := x.(type) {
		case *ColRef:
			ok = false
		case *Call:
			if !x.Fn.Pure {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// Let is the value of a scalar let statement that reads no row (see
// RowFree) and is built from other let-bound values. Every use of the
// name shares the one Let, and the executor evaluates X once per run, so
// that lets built from lets (let s2 = s1 + s1) make a plan as large as the
// query and run as fast, rather than exponentially larger and slower.
// https://learn.microsoft.com/kusto/query/let-statement
type Let struct {
	Name string
	X    Expr
	// Src is the name in the let statement.
	Src syntax.Span
}

func (e *Let) Type() schema.Type { return e.X.Type() }
func (e *Let) Span() syntax.Span { return e.X.Span() }
func (*Let) expr()               {}

// Subquery is a tabular expression used as a scalar: toscalar(T) (the
// first column of the first row) or a list operand such as x in (T),
// which reads the first column of every row as a dynamic array. The
// executor runs it once per query.
type Subquery struct {
	Node Node
	// List selects the first column as an array rather than the first
	// value.
	List bool
	T    schema.Type
	Src  syntax.Span
}

func (e *Subquery) Type() schema.Type { return e.T }
func (e *Subquery) Span() syntax.Span { return e.Src }
func (*Subquery) expr()               {}
