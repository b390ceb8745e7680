package check

import (
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// subquery checks a contextual subquery over the table param supplies.
func (c *checker) contextual(sc *scope, param plan.Node, x syntax.Expr) plan.Node {
	saved := c.implicit
	c.implicit = param
	defer func() { c.implicit = saved }()
	if p, ok := x.(*syntax.ParenExpr); ok {
		x = p.X
	}
	return c.tabular(sc, x)
}

// mvApply checks mv-apply Items [limit N] on (Subquery): each row's
// arrays expand to a table (as mv-expand expands them) that the subquery
// runs on: the row's columns, the expanded ones holding the items (and the
// item index). The output rows are the subquery's, after the input row's
// columns that the subquery does not output, repeated where needed; a
// column expanded under its own name leaves the input (one expanded under
// a new name stays, with its whole array). Microsoft's analyzer
// accepts a subquery that reads the row's other columns, and published
// hunting queries do.
// https://learn.microsoft.com/kusto/query/mv-apply-operator
func (c *checker) mvApply(sc *scope, in plan.Node, r *row, op *syntax.MvApplyOp) plan.Node {
	if op.ID != nil {
		c.errorf(op.ID.Span(), "%s", errUnsupportedOperator("mv-apply ... id"))
		return nil
	}
	exp := c.expansion(sc, r, op.Items, &op.OpBase)
	if exp == nil {
		return nil
	}
	if op.Limit != nil {
		exp.Limit = c.count(sc, r, op.Limit)
	}
	// The subquery's table: the expanded row, every column.
	param := &plan.Param{}
	var sub []int
	for j, col := range exp.Cols {
		sub = append(sub, j)
		param.Cols = append(param.Cols, col)
	}
	body := c.contextual(sc, param, op.Subquery)
	if body == nil {
		return nil
	}
	out := map[string]bool{}
	for _, col := range body.Schema() {
		out[col.Name] = true
	}
	// A column expanded under its own name leaves the input: the
	// subquery's column of that name, if any, replaces it.
	expanded := map[int]bool{}
	for _, t := range exp.Targets {
		expanded[t] = true
	}
	for j, src := range exp.Keep {
		if src < 0 && expanded[j] {
			out[exp.Cols[j].Name] = true
		}
	}
	a := &plan.Apply{Input: in, Kind: plan.ApplyRows, Param: param, Sub: body, Expand: exp, ParamCols: sub}
	for i, col := range r.cols {
		if out[col.Name] {
			continue
		}
		a.Keep = append(a.Keep, i)
		a.Cols = append(a.Cols, col)
	}
	a.Cols = append(a.Cols, body.Schema()...)
	return a
}

// partition checks partition by Column (Subquery): the subquery runs on
// the rows of each value of the column, and their outputs are
// concatenated.
// https://learn.microsoft.com/kusto/query/partition-operator
func (c *checker) partition(sc *scope, in plan.Node, r *row, op *syntax.PartitionOp) plan.Node {
	if op.Scope != nil {
		c.errorf(op.Scope.Span(), "%s", errUnsupportedOperator("partition ... in"))
		return nil
	}
	key := c.scalar(sc, r, op.By)
	if _, ok := key.(*plan.ColRef); !ok && key.Type() != schema.Unknown {
		c.errorf(op.By.Span(), "%s", errPartitionKey())
		return nil
	}
	param := &plan.Param{Cols: r.cols}
	if ref, ok := key.(*plan.ColRef); ok && op.Braces {
		// The legacy form { SubQueryWithSource } reads the key column as
		// a scalar, x or toscalar(x): the key of the partition, the
		// first row's (every row of a partition has it). The executor
		// computes it again for each partition.
		cols := []schema.Column{{Name: ref.Name, Type: ref.T}}
		first := &plan.Limit{Input: &plan.Project{Input: param, Cols: cols, Exprs: []plan.Expr{ref}},
			N: &plan.Const{Value: int64(1), T: schema.Long, Src: ref.Src}, Cols: cols}
		inner := &scope{parent: sc, names: map[string]*binding{}}
		inner.names[ref.Name] = &binding{kind: bindScalar, name: ref.Name,
			expr: &plan.Subquery{Node: first, T: ref.T, Src: ref.Src}}
		sc = inner
	}
	body := c.contextual(sc, param, op.Subquery)
	if body == nil {
		return nil
	}
	return &plan.Apply{Input: in, Kind: plan.ApplyPartitions, Param: param, Sub: body, Key: key, Cols: body.Schema()}
}

// as binds a name to its input for the rest of the query; with
// hint.materialized=true the input is computed once.
// https://learn.microsoft.com/kusto/query/as-operator
func (c *checker) as(sc *scope, in plan.Node, op *syntax.AsOp) plan.Node {
	if lit, ok := op.Option("hint.materialized").(*syntax.Literal); ok && lit.Kind == syntax.LitBool && lit.Text == "true" {
		in = &plan.Cache{Input: in, Cols: in.Schema()}
	}
	sc.names[op.As.Name] = &binding{kind: bindTable, node: in, name: op.As.Name}
	if c.asNames == nil {
		c.asNames = map[plan.Node]string{}
	}
	c.asNames[in] = op.As.Name
	return in
}

// dataTypes are the .NET names getschema reports for each type.
var dataTypes = map[schema.Type]string{
	schema.Bool: "System.SByte", schema.Int: "System.Int32", schema.Long: "System.Int64",
	schema.Real: "System.Double", schema.Decimal: "System.Data.SqlTypes.SqlDecimal",
	schema.String: "System.String", schema.Datetime: "System.DateTime",
	schema.Timespan: "System.TimeSpan", schema.Guid: "System.Guid", schema.Dynamic: "System.Object",
}

// getSchema is a table of the input's columns: name, position, .NET type
// and KQL type.
// https://learn.microsoft.com/kusto/query/getschema-operator
func getSchema(r *row) plan.Node {
	v := &plan.Values{Cols: []schema.Column{
		{Name: "ColumnName", Type: schema.String}, {Name: "ColumnOrdinal", Type: schema.Int},
		{Name: "DataType", Type: schema.String}, {Name: "ColumnType", Type: schema.String},
	}}
	for i, col := range r.cols {
		if col.Type == schema.Unknown {
			continue
		}
		v.Rows = append(v.Rows, []plan.Expr{
			&plan.Const{Value: col.Name, T: schema.String},
			&plan.Const{Value: int64(i), T: schema.Int},
			&plan.Const{Value: dataTypes[col.Type], T: schema.String},
			&plan.Const{Value: col.Type.String(), T: schema.String},
		})
	}
	return v
}
