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

// Operator is a query operator that follows a '|'.
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
// tabular) or a *FuncLit.
type LetStmt struct {
	Let   Span // the 'let' keyword
	Name  *Ident
	Value Expr
}

// ExprStmt is a query statement: a tabular expression whose result is
// returned, or a scalar expression in other contexts.
type ExprStmt struct {
	X Expr
}

// SetStmt is `set name [= value]` (request options, accepted and ignored).
type SetStmt struct {
	Set   Span
	Name  *Ident
	Value Expr // nil when absent
}

// DeclareStmt is `declare query_parameters(name:type [= default], ...)`.
type DeclareStmt struct {
	Declare Span
	Params  []*Param
	End     int
}

func (s *LetStmt) Span() Span     { return Span{s.Let.Start, s.Value.Span().End} }
func (s *ExprStmt) Span() Span    { return s.X.Span() }
func (s *SetStmt) Span() Span     { return spanTo(s.Set, s.Name, s.Value) }
func (s *DeclareStmt) Span() Span { return Span{s.Declare.Start, s.End} }
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
	return Span{start.Start, end}
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
// argument. Bracketed names (['a b']) have Quoted set.
type Ident struct {
	Name   string
	Src    Span
	Quoted bool
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

// Literal is a scalar literal. Text is the decoded string for strings and
// the source text of the value otherwise; Null is set for typed nulls such
// as long(null) and datetime(null).
type Literal struct {
	Kind LitKind
	Text string
	Null bool
	Src  Span
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

// UnaryExpr is -X or +X.
type UnaryExpr struct {
	Op    string
	OpPos Span
	X     Expr
}

// BinaryExpr is X Op Y for arithmetic, comparison, logical and string
// operators. Op is the operator as written in lower case (for words):
// "+", "==", "and", "has", "!contains", "matches regex", ...
type BinaryExpr struct {
	Op    string
	OpPos Span
	X, Y  Expr
}

// InExpr is X in (List...), with Op one of in, !in, in~, !in~, has_any,
// has_all, !has_any, !has_all. A list element may be a tabular expression.
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

// MemberExpr is X.Name (dynamic property or table.column access).
type MemberExpr struct {
	X    Expr
	Name *Ident
}

// IndexExpr is X[Index]: a dynamic array element or bag property.
type IndexExpr struct {
	X     Expr
	Index Expr
	End   int
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

// FuncLit is a user function: (params) { body }.
type FuncLit struct {
	Params []*Param
	Body   []Stmt // lets, then one expression statement
	Src    Span
}

// Param is a function or query parameter: Name:Type [= Default]. For a
// tabular parameter, Type is "(*)" or the column list and Columns is set.
type Param struct {
	Name    *Ident
	Type    *Ident // nil for tabular parameters
	Tabular bool
	Columns []*ColumnDecl // declared columns of a tabular parameter
	Default Expr
}

// ColumnDecl is Name:Type in a datatable or schema.
type ColumnDecl struct {
	Name *Ident
	Type *Ident
}

// PipeExpr is Source | Op.
type PipeExpr struct {
	Source Expr
	Pipe   Span
	Op     Operator
}

// DatatableExpr is datatable(Columns)[Values].
type DatatableExpr struct {
	Kw      Span
	Columns []*ColumnDecl
	Values  []Expr
	End     int
}

// PrintExpr is print [Name =] X, ...: a one-row table of the values.
type PrintExpr struct {
	Kw   Span
	Cols []Expr
	End  int
}

// BadExpr stands for an expression that failed to parse.
type BadExpr struct {
	Src Span
}

func (x *Ident) Span() Span         { return x.Src }
func (x *Literal) Span() Span       { return x.Src }
func (x *DynamicLit) Span() Span    { return x.Src }
func (x *DynamicArray) Span() Span  { return x.Src }
func (x *DynamicBag) Span() Span    { return x.Src }
func (x *UnaryExpr) Span() Span     { return Span{x.OpPos.Start, x.X.Span().End} }
func (x *BinaryExpr) Span() Span    { return Span{x.X.Span().Start, x.Y.Span().End} }
func (x *InExpr) Span() Span        { return Span{x.X.Span().Start, x.End} }
func (x *BetweenExpr) Span() Span   { return Span{x.X.Span().Start, x.End} }
func (x *CallExpr) Span() Span      { return Span{x.Fun.Src.Start, x.End} }
func (x *StarExpr) Span() Span      { return x.Src }
func (x *MemberExpr) Span() Span    { return Span{x.X.Span().Start, x.Name.Src.End} }
func (x *IndexExpr) Span() Span     { return Span{x.X.Span().Start, x.End} }
func (x *ParenExpr) Span() Span     { return x.Src }
func (x *NamedExpr) Span() Span     { return Span{x.Names[0].Src.Start, x.X.Span().End} }
func (x *FuncLit) Span() Span       { return x.Src }
func (x *PipeExpr) Span() Span      { return Span{x.Source.Span().Start, x.Op.Span().End} }
func (x *DatatableExpr) Span() Span { return Span{x.Kw.Start, x.End} }
func (x *PrintExpr) Span() Span     { return Span{x.Kw.Start, x.End} }
func (x *BadExpr) Span() Span       { return x.Src }

func (*Ident) node()         {}
func (*Literal) node()       {}
func (*DynamicLit) node()    {}
func (*DynamicArray) node()  {}
func (*DynamicBag) node()    {}
func (*UnaryExpr) node()     {}
func (*BinaryExpr) node()    {}
func (*InExpr) node()        {}
func (*BetweenExpr) node()   {}
func (*CallExpr) node()      {}
func (*StarExpr) node()      {}
func (*MemberExpr) node()    {}
func (*IndexExpr) node()     {}
func (*ParenExpr) node()     {}
func (*NamedExpr) node()     {}
func (*FuncLit) node()       {}
func (*PipeExpr) node()      {}
func (*DatatableExpr) node() {}
func (*PrintExpr) node()     {}
func (*BadExpr) node()       {}

func (*Ident) expr()         {}
func (*Literal) expr()       {}
func (*DynamicLit) expr()    {}
func (*DynamicArray) expr()  {}
func (*DynamicBag) expr()    {}
func (*UnaryExpr) expr()     {}
func (*BinaryExpr) expr()    {}
func (*InExpr) expr()        {}
func (*BetweenExpr) expr()   {}
func (*CallExpr) expr()      {}
func (*StarExpr) expr()      {}
func (*MemberExpr) expr()    {}
func (*IndexExpr) expr()     {}
func (*ParenExpr) expr()     {}
func (*NamedExpr) expr()     {}
func (*FuncLit) expr()       {}
func (*PipeExpr) expr()      {}
func (*DatatableExpr) expr() {}
func (*PrintExpr) expr()     {}
func (*BadExpr) expr()       {}

// ---- query operators

// OpBase holds what every operator has: its keyword and span.
type OpBase struct {
	Kw   Span   // the operator keyword(s)
	Word string // the keyword as written, lower case: "where", "order by"
	End  int
}

func (o *OpBase) Span() Span   { return Span{o.Kw.Start, o.End} }
func (o *OpBase) Name() string { return o.Word }
func (*OpBase) node()          {}
func (*OpBase) operator()      {}

// Option is a name=value parameter of an operator, such as kind=inner or
// hint.strategy=shuffle.
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
	Options []*Option
	Aggs    []Expr // each an expression or a *NamedExpr
	By      []Expr
}

// ProjectOp is project, extend, project-away, project-keep,
// project-reorder and project-rename (by Word). Cols holds expressions or
// *NamedExpr; for project-away/keep/reorder, names with optional wildcards
// as *Ident (Name may contain '*') followed by optional asc/desc in
// project-reorder (recorded in Order).
type ProjectOp struct {
	OpBase
	Cols  []Expr
	Order []string
}

// TakeOp is take/limit N.
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
	Options []*Option
	Keys    []*SortKey
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
}

// DistinctOp is distinct Cols, or distinct *.
type DistinctOp struct {
	OpBase
	Options []*Option
	Cols    []Expr
}
