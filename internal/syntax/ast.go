package syntax

// Node is a node of the syntax tree. Every node knows the span of source
// text it was parsed from. The interfaces are sealed.
type Node interface {
	Span() Span
	node()
}

// Expr is an expression: scalar (1 + x), tabular (T | where x), or a
// function body. KQL lets both kinds appear in the same places (a let, a
// function argument, a parenthesized list), so the checker tells them apart.
type Expr interface {
	Node
	expr()
}

// Stmt is a statement of a query.
type Stmt interface {
	Node
	stmt()
}

// Operator is a query operator: it follows a '|', or, for the operators
// that produce a table (print, union, range, search, ...), starts a query.
type Operator interface {
	Node
	operator()
	// Name returns the operator's keyword, such as "where" or "mv-expand".
	Name() string
}

// Query is a whole query: statements separated by ';'.
type Query struct {
	Stmts []Stmt
	Src   Span
}

func (q *Query) Span() Span { return q.Src }
func (q *Query) node()      {}

// ---- statements

// LetStmt is `let Name = Value`. Value is an expression (scalar or
// tabular), a *FuncLit, or a *MaterializeExpr.
type LetStmt struct {
	Let   Span // the 'let' keyword
	Name  *Ident
	Value Expr
}

// ExprStmt is a query statement: a tabular expression whose result is
// returned.
type ExprStmt struct {
	X Expr
}

// SetStmt is `set name [= value]` (request options, accepted and ignored).
type SetStmt struct {
	Set   Span
	Name  *Ident
	Value Expr // nil when absent
}

// DeclareStmt is `declare query_parameters(name:type [= default], ...)`,
// and the other declaration statements (pattern, alias database,
// restrict access), kept for their spans only.
type DeclareStmt struct {
	Declare Span
	Kind    string // "query_parameters", "pattern", "alias", "restrict"
	Params  []*Param
	End     int
}

func (s *LetStmt) Span() Span     { return Span{Start: s.Let.Start, End: s.Value.Span().End} }
func (s *ExprStmt) Span() Span    { return s.X.Span() }
func (s *SetStmt) Span() Span     { return spanTo(s.Set, s.Name, s.Value) }
func (s *DeclareStmt) Span() Span { return Span{Start: s.Declare.Start, End: s.End} }
func (*LetStmt) node()            {}
func (*ExprStmt) node()           {}
func (*SetStmt) node()            {}
func (*DeclareStmt) node()        {}
func (*LetStmt) stmt()            {}
func (*ExprStmt) stmt()           {}
func (*SetStmt) stmt()            {}
func (*DeclareStmt) stmt()        {}

func spanTo(start Span, nodes ...Node) Span {
	end := start.End
	for _, n := range nodes {
		if n != nil && !isNilNode(n) && n.Span().End > end {
			end = n.Span().End
		}
	}
	return Span{Start: start.Start, End: end}
}

func isNilNode(n Node) bool {
	switch x := n.(type) {
	case *Ident:
		return x == nil
	case Expr:
		return x == nil
	}
	return false
}

// ---- expressions

// Ident is a name: a column, table, variable, function or keyword
// argument. Bracketed names (['a b']) have Quoted set; braced client
// parameters ({name}) have Braced set.
type Ident struct {
	Name   string
	Src    Span
	Quoted bool
	Braced bool
	// Wildcard is set for a name pattern with '*' (Device*, *Id).
	Wildcard bool
}

// LitKind is the type of a literal.
type LitKind uint8

// Literal kinds.
const (
	LitString LitKind = iota
	LitLong
	LitInt
	LitReal
	LitDecimal
	LitBool
	LitDatetime
	LitTimespan
	LitGuid
	LitNull // the untyped null of dynamic(null) and of 'null' itself
)

// Literal is a scalar literal. Text is the decoded string for strings, the
// number or timespan as written, or the raw text inside a typed literal's
// parentheses (datetime(Text)); Null is set for typed nulls such as
// long(null) and datetime(null).
type Literal struct {
	Kind LitKind
	Text string
	Null bool
	Src  Span
	// Typed is set for the type(value) form.
	Typed bool
	// Obfuscated marks h'...' strings, which must not be logged.
	Obfuscated bool
}

// DynamicLit is dynamic(...): Value is a *Literal, a *DynamicArray, a
// *DynamicBag, or nil for dynamic(null).
type DynamicLit struct {
	Value Expr
	Src   Span
}

// DynamicArray is [v, ...] inside a dynamic literal.
type DynamicArray struct {
	Elems []Expr
	Src   Span
}

// DynamicBag is {"k": v, ...} inside a dynamic literal.
type DynamicBag struct {
	Keys []*Literal
	Vals []Expr
	Src  Span
}

// TypeofExpr is typeof(type) or typeof(name:type, ...).
type TypeofExpr struct {
	Type    *Ident        // the single type, or nil
	Columns []*ColumnDecl // a schema
	Src     Span
}

// UnaryExpr is -X or +X.
type UnaryExpr struct {
	Op    string
	OpPos Span
	X     Expr
}

// BinaryExpr is X Op Y for arithmetic, comparison, logical and string
// operators. Op is the operator as written: "+", "==", "and", "has",
// "!contains", "matches regex", ... X may be a *StarExpr (* has "x").
//
// Src is the span from X's start to Y's end. The parser sets it when it
// builds the node, so that Span is O(1) even on a chain of 100,000 terms
// (a chain is a left-deep tree); on a node built by hand, where it is
// zero, Span computes it.
type BinaryExpr struct {
	Op    string
	OpPos Span
	X, Y  Expr
	Src   Span
}

// InExpr is X in (List...), with Op one of in, !in, in~, !in~, has_any,
// has_all. A list element may be a tabular expression.
type InExpr struct {
	Op    string
	OpPos Span
	X     Expr
	List  []Expr
	End   int
}

// BetweenExpr is X between (Lo .. Hi) or X !between (Lo .. Hi).
type BetweenExpr struct {
	Not    bool
	OpPos  Span
	X      Expr
	Lo, Hi Expr
	End    int
}

// CallExpr is Fun(Args...). An argument may be a *StarExpr (count(*),
// arg_max(x, *)) or a *NamedExpr (name = value in some plugins).
type CallExpr struct {
	Fun  *Ident
	Args []Expr
	End  int
}

// StarExpr is a '*' argument or column wildcard.
type StarExpr struct {
	Src Span
}

// AtExpr is '@', which stands for the current table in a few places.
type AtExpr struct {
	Src Span
}

// MemberExpr is X.Name (dynamic property or table.column access), or
// X.Call(...) (cluster("c").database("d")). Src is set as BinaryExpr's.
type MemberExpr struct {
	X    Expr
	Name *Ident
	Call *CallExpr // set instead of Name for X.f(...)
	Src  Span
}

// IndexExpr is X[Index]: a dynamic array element or bag property. Src
// is set as BinaryExpr's.
type IndexExpr struct {
	X     Expr
	Index Expr
	End   int
	Src   Span
}

// ParenExpr is (X).
type ParenExpr struct {
	X   Expr
	Src Span
}

// NamedExpr is Name = X, or (A, B) = X for functions that return several
// columns, as used in project, extend and summarize.
type NamedExpr struct {
	Names []*Ident
	X     Expr
}

// FuncLit is a user function: [view] (params) { body }.
type FuncLit struct {
	View   bool
	Params []*Param
	Body   []Stmt // lets, then one expression statement
	Src    Span
}

// Param is a function or query parameter: Name:Type [= Default]. For a
// tabular parameter, Type is nil and Columns holds the declared columns
// (empty for (*)).
type Param struct {
	Name    *Ident
	Type    *Ident // nil for tabular parameters
	Tabular bool
	Columns []*ColumnDecl
	Default Expr
}

// ColumnDecl is Name:Type in a datatable, a schema or parse's with-list.
type ColumnDecl struct {
	Name *Ident
	Type *Ident
}

// ColumnDeclExpr is a name:type column declaration used where an
// expression list holds it (parse patterns, find's project).
type ColumnDeclExpr struct {
	Decl *ColumnDecl
}

func (x *ColumnDeclExpr) Span() Span {
	end := x.Decl.Name.Src.End
	if x.Decl.Type != nil {
		end = x.Decl.Type.Src.End
	}
	return Span{Start: x.Decl.Name.Src.Start, End: end}
}
func (*ColumnDeclExpr) node() {}
func (*ColumnDeclExpr) expr() {}

// PipeExpr is Source | Op. Src is set as BinaryExpr's, so that the
// span of a pipeline of 100,000 operators is O(1).
type PipeExpr struct {
	Source Expr
	Pipe   Span
	Op     Operator
	Src    Span
}

// OperatorExpr is an operator that starts a query: print, union, range,
// search, find, evaluate, and (in error) any other.
type OperatorExpr struct {
	Op Operator
}

// DatatableExpr is datatable(Columns)[Values].
type DatatableExpr struct {
	Kw      Span
	Columns []*ColumnDecl
	Values  []Expr
	End     int
}

// ExternalDataExpr is externaldata(Columns)[URLs] [with (props)].
type ExternalDataExpr struct {
	Kw      Span
	Options []*Option
	Columns []*ColumnDecl
	URLs    []Expr
	With    []*Option
	End     int
}

// ToScalarExpr is toscalar([kind=...] (X)); ToTableExpr likewise totable.
type ToScalarExpr struct {
	Kw      Span
	Table   bool // totable
	Options []*Option
	X       Expr
	End     int
}

// MaterializeExpr is materialize(X), allowed as the value of a let.
type MaterializeExpr struct {
	Kw  Span
	X   Expr
	End int
}

// CommandExpr is a control command (.show tables), kept as text: kqlhunt
// parses it for agreement with Kusto but does not run it.
type CommandExpr struct {
	Src Span
}

// BadExpr stands for an expression that failed to parse.
type BadExpr struct {
	Src Span
}

func (x *Ident) Span() Span            { return x.Src }
func (x *Literal) Span() Span          { return x.Src }
func (x *DynamicLit) Span() Span       { return x.Src }
func (x *DynamicArray) Span() Span     { return x.Src }
func (x *DynamicBag) Span() Span       { return x.Src }
func (x *TypeofExpr) Span() Span       { return x.Src }
func (x *UnaryExpr) Span() Span        { return Span{Start: x.OpPos.Start, End: x.X.Span().End} }
func (x *InExpr) Span() Span           { return Span{Start: x.X.Span().Start, End: x.End} }
func (x *BetweenExpr) Span() Span      { return Span{Start: x.X.Span().Start, End: x.End} }
func (x *CallExpr) Span() Span         { return Span{Start: x.Fun.Src.Start, End: x.End} }
func (x *StarExpr) Span() Span         { return x.Src }
func (x *AtExpr) Span() Span           { return x.Src }
func (x *ParenExpr) Span() Span        { return x.Src }
func (x *NamedExpr) Span() Span        { return Span{Start: x.Names[0].Src.Start, End: x.X.Span().End} }
func (x *FuncLit) Span() Span          { return x.Src }
func (x *OperatorExpr) Span() Span     { return x.Op.Span() }
func (x *DatatableExpr) Span() Span    { return Span{Start: x.Kw.Start, End: x.End} }
func (x *ExternalDataExpr) Span() Span { return Span{Start: x.Kw.Start, End: x.End} }
func (x *ToScalarExpr) Span() Span     { return Span{Start: x.Kw.Start, End: x.End} }
func (x *MaterializeExpr) Span() Span  { return Span{Start: x.Kw.Start, End: x.End} }
func (x *BadExpr) Span() Span          { return x.Src }
func (x *CommandExpr) Span() Span      { return x.Src }

func (x *BinaryExpr) Span() Span {
	if x.Src != (Span{}) {
		return x.Src
	}
	return Span{Start: leftStart(x.X), End: x.Y.Span().End}
}

func (x *PipeExpr) Span() Span {
	if x.Src != (Span{}) {
		return x.Src
	}
	if x.Source == nil { // the first operator of a contextual subquery
		return x.Op.Span()
	}
	return Span{Start: leftStart(x.Source), End: x.Op.Span().End}
}

func (x *IndexExpr) Span() Span {
	if x.Src != (Span{}) {
		return x.Src
	}
	return Span{Start: leftStart(x.X), End: x.End}
}

func (x *MemberExpr) Span() Span {
	if x.Src != (Span{}) {
		return x.Src
	}
	if x.Call != nil {
		return Span{Start: leftStart(x.X), End: x.Call.End}
	}
	return Span{Start: leftStart(x.X), End: x.Name.Src.End}
}

// leftStart returns where x starts, walking down the left side of a tree
// built by hand without recursion.
func leftStart(x Expr) int {
	for {
		var left Expr
		switch y := x.(type) {
		case *BinaryExpr:
			left = y.X
			if y.Src != (Span{}) {
				return y.Src.Start
			}
		case *PipeExpr:
			left = y.Source
			if y.Src != (Span{}) || left == nil {
				return y.Span().Start
			}
		case *IndexExpr:
			left = y.X
			if y.Src != (Span{}) {
				return y.Src.Start
			}
		case *MemberExpr:
			left = y.X
			if y.Src != (Span{}) {
				return y.Src.Start
			}
		default:
			return x.Span().Start
		}
		x = left
	}
}

func (*Ident) node()            {}
func (*Literal) node()          {}
func (*DynamicLit) node()       {}
func (*DynamicArray) node()     {}
func (*DynamicBag) node()       {}
func (*TypeofExpr) node()       {}
func (*UnaryExpr) node()        {}
func (*BinaryExpr) node()       {}
func (*InExpr) node()           {}
func (*BetweenExpr) node()      {}
func (*CallExpr) node()         {}
func (*StarExpr) node()         {}
func (*AtExpr) node()           {}
func (*MemberExpr) node()       {}
func (*IndexExpr) node()        {}
func (*ParenExpr) node()        {}
func (*NamedExpr) node()        {}
func (*FuncLit) node()          {}
func (*PipeExpr) node()         {}
func (*OperatorExpr) node()     {}
func (*DatatableExpr) node()    {}
func (*ExternalDataExpr) node() {}
func (*ToScalarExpr) node()     {}
func (*MaterializeExpr) node()  {}
func (*BadExpr) node()          {}
func (*CommandExpr) node()      {}

func (*Ident) expr()            {}
func (*Literal) expr()          {}
func (*DynamicLit) expr()       {}
func (*DynamicArray) expr()     {}
func (*DynamicBag) expr()       {}
func (*TypeofExpr) expr()       {}
func (*UnaryExpr) expr()        {}
func (*BinaryExpr) expr()       {}
func (*InExpr) expr()           {}
func (*BetweenExpr) expr()      {}
func (*CallExpr) expr()         {}
func (*StarExpr) expr()         {}
func (*AtExpr) expr()           {}
func (*MemberExpr) expr()       {}
func (*IndexExpr) expr()        {}
func (*ParenExpr) expr()        {}
func (*NamedExpr) expr()        {}
func (*FuncLit) expr()          {}
func (*PipeExpr) expr()         {}
func (*OperatorExpr) expr()     {}
func (*DatatableExpr) expr()    {}
func (*ExternalDataExpr) expr() {}
func (*ToScalarExpr) expr()     {}
func (*MaterializeExpr) expr()  {}
func (*BadExpr) expr()          {}
func (*CommandExpr) expr()      {}

// ---- query operators

// OpBase holds what every operator has: its keyword, span and name=value
// parameters (kind=inner, hint.strategy=shuffle, withsource=T, ...).
type OpBase struct {
	Kw      Span   // the operator keyword
	Word    string // the keyword as written: "where", "order", "mv-expand"
	End     int
	Options []*Option
}

func (o *OpBase) Span() Span   { return Span{Start: o.Kw.Start, End: max(o.End, o.Kw.End)} }
func (o *OpBase) Name() string { return o.Word }
func (*OpBase) node()          {}
func (*OpBase) operator()      {}

// Option returns the value of parameter name, or nil.
func (o *OpBase) Option(name string) Expr {
	for _, opt := range o.Options {
		if opt.Name.Name == name {
			return opt.Value
		}
	}
	return nil
}

// Option is a name=value parameter of an operator, such as kind=inner or
// hint.strategy=shuffle. Value is a literal or a name.
type Option struct {
	Name  *Ident
	Value Expr
}

// WhereOp is `where Pred` (also `filter`).
type WhereOp struct {
	OpBase
	Pred Expr
}

// SummarizeOp is `summarize [Aggs] [by Keys]`.
type SummarizeOp struct {
	OpBase
	Aggs []Expr // each an expression or a *NamedExpr
	By   []Expr
}

// ProjectOp is project, extend, project-rename, project-away,
// project-keep, project-reorder, project-by-names and serialize (by Word).
// Cols holds expressions or *NamedExpr; for project-away/keep/reorder,
// names with optional wildcards as *Ident, and for project-reorder the
// order asked for each (asc, desc, granny-asc, granny-desc or "") in Order.
type ProjectOp struct {
	OpBase
	Cols  []Expr
	Order []string
}

// PrintOp is `print [Name =] X, ...`: a one-row table.
type PrintOp struct {
	OpBase
	Cols []Expr
}

// TakeOp is take/limit N, and sample N.
type TakeOp struct {
	OpBase
	Count Expr
}

// SortKey is one key of sort/order by or top: Expr asc|desc nulls first|last.
type SortKey struct {
	X          Expr
	Desc       bool
	NullsFirst bool
	// Explicit* record whether the query spelt the order and null
	// placement, whose defaults depend on the direction.
	ExplicitOrder, ExplicitNulls bool
}

// SortOp is sort by / order by.
type SortOp struct {
	OpBase
	Keys []*SortKey
}

// TopOp is top N by Key.
type TopOp struct {
	OpBase
	Count Expr
	Keys  []*SortKey
}

// CountOp is count [as Name].
type CountOp struct {
	OpBase
	As *Ident
}

// DistinctOp is distinct Cols, or distinct *.
type DistinctOp struct {
	OpBase
	Cols []Expr
}

// JoinOp is `join [kind=...] Right on Conditions` or `... where Pred`, and
// `lookup [kind=...] Right on Conditions`.
type JoinOp struct {
	OpBase
	Right Expr
	On    []Expr
	Where Expr
}

// UnionOp is `union [params] Tables`.
type UnionOp struct {
	OpBase
	Tables []Expr
}

// ExpandItem is one column of mv-expand or mv-apply: X [to typeof(T)].
type ExpandItem struct {
	X    Expr // an expression or *NamedExpr; nil for a bare `to typeof()`
	Type *TypeofExpr
}

// MvExpandOp is mv-expand [params] Items [limit N].
type MvExpandOp struct {
	OpBase
	Items []*ExpandItem
	Limit Expr
}

// MvApplyOp is mv-apply [params] Items [limit N] [id X] on (Subquery).
type MvApplyOp struct {
	OpBase
	Items    []*ExpandItem
	Limit    Expr
	ID       Expr
	Subquery Expr
}

// ParseOp is parse / parse-where [params] X with Pattern. Pattern holds
// string literals, *StarExpr, *Ident and *ColumnDecl (name:type) in order.
type ParseOp struct {
	OpBase
	X       Expr
	Pattern []Expr
}

// ParseKvOp is parse-kv X as (Keys) [with (props)].
type ParseKvOp struct {
	OpBase
	X    Expr
	Keys []*ColumnDecl
	With []*Option
}

// EvaluateOp is evaluate [params] Plugin(args) [: (schema)].
type EvaluateOp struct {
	OpBase
	Call   Expr
	Schema []*ColumnDecl
	// SchemaStar is set when the schema starts with '*' (all the input's
	// columns, then the declared ones).
	SchemaStar bool
}

// SeriesAgg is one aggregation of make-series, with its default= value.
type SeriesAgg struct {
	X       Expr
	Default Expr
}

// MakeSeriesOp is make-series [params] Aggs on Axis (from A to B step S |
// in range(A, B, S)) [by Keys].
type MakeSeriesOp struct {
	OpBase
	Aggs            []*SeriesAgg
	On              Expr
	From, To, Step  Expr
	InRange         []Expr
	By              []Expr
	HasRangeKeyword bool
}

// RenderOp is render Chart [with (props)] (accepted; the chart travels
// with the result).
type RenderOp struct {
	OpBase
	Chart string
	Props []*Option
}

// InvokeOp is invoke Function(args).
type InvokeOp struct {
	OpBase
	Call Expr
}

// AsOp is as [params] Name.
type AsOp struct {
	OpBase
	As *Ident
}

// SearchOp is search [params] [in (Tables)] Predicate, and find [params]
// [in (Tables)] where Predicate [project ...].
type SearchOp struct {
	OpBase
	In          []Expr
	Pred        Expr
	Project     []Expr
	ProjectAway []Expr
}

// RangeOp is range Name from A to B step S.
type RangeOp struct {
	OpBase
	Col            *Ident
	From, To, Step Expr
}

// TopNestedClause is one level of top-nested: N of X [with others = V] by Key.
type TopNestedClause struct {
	Count  Expr
	Of     Expr
	Others Expr
	By     *SortKey
}

// TopNestedOp is top-nested clauses.
type TopNestedOp struct {
	OpBase
	Clauses []*TopNestedClause
}

// GetSchemaOp is getschema.
type GetSchemaOp struct {
	OpBase
}

// PartitionOp is partition [params] by Col [in Scope] ({Query} | (Subquery)).
type PartitionOp struct {
	OpBase
	By       Expr
	Scope    Expr
	Subquery Expr
	// Braces tells the legacy form { SubQueryWithSource }, whose subquery
	// reads the key column as a scalar.
	Braces bool
}

// GenericOp is an operator parsed generically: fork, facet, scan,
// reduce, consume, ..., which kqlhunt does not run, and top-hitters and
// sample-distinct, which the checker reads from Parts ("N of X [by S]").
// Parts holds what was parsed, for positions.
type GenericOp struct {
	OpBase
	Parts []Node
}

// The constructors of the left-recursive nodes record their spans (see
// BinaryExpr.Src).

func newBinary(op string, pos Span, x, y Expr) *BinaryExpr {
	return &BinaryExpr{Op: op, OpPos: pos, X: x, Y: y, Src: Span{Start: x.Span().Start, End: y.Span().End}}
}

func newPipe(x Expr, pipe Span, op Operator) *PipeExpr {
	return &PipeExpr{Source: x, Pipe: pipe, Op: op, Src: Span{Start: x.Span().Start, End: op.Span().End}}
}

func newMember(x Expr, name *Ident, call *CallExpr) *MemberExpr {
	m := &MemberExpr{X: x, Name: name, Call: call}
	m.Src = m.Span()
	return m
}

func newIndex(x, index Expr, end int) *IndexExpr {
	return &IndexExpr{X: x, Index: index, End: end, Src: Span{Start: x.Span().Start, End: end}}
}
