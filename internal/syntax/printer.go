package syntax

import (
	"strings"
)

// Print renders a node as normalized KQL with every binary expression in
// parentheses, so that tests can see how the parser grouped things. A
// node nested deeper than maxPrintDepth prints as "…", which bounds the
// printer's recursion on a chain of a million operators.
func Print(n Node) string {
	var b printer
	printNode(&b, n)
	return b.String()
}

// maxPrintDepth is the deepest node Print renders.
const maxPrintDepth = 10 * MaxNesting

// printer is the text being printed and the depth of the node being
// printed.
type printer struct {
	strings.Builder
	depth int
}

func printList(b *printer, xs []Expr) {
	for i, x := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		printNode(b, x)
	}
}

func printNode(b *printer, n Node) {
	if b.depth >= maxPrintDepth {
		b.WriteString("…")
		return
	}
	b.depth++
	defer func() { b.depth-- }()
	switch n := n.(type) {
	case nil:
		b.WriteString("<nil>")
	case *Query:
		for i, s := range n.Stmts {
			if i > 0 {
				b.WriteString(";\n")
			}
			printNode(b, s)
		}
	case *LetStmt:
		b.WriteString("let ")
		b.WriteString(n.Name.Name)
		b.WriteString(" = ")
		printNode(b, n.Value)
	case *ExprStmt:
		printNode(b, n.X)
	case *SetStmt:
		b.WriteString("set ")
		b.WriteString(n.Name.Name)
		if n.Value != nil {
			b.WriteString(" = ")
			printNode(b, n.Value)
		}
	case *DeclareStmt:
		b.WriteString("declare " + n.Kind + "(")
		printParams(b, n.Params)
		b.WriteString(")")
	case *Ident:
		switch {
		case n.Quoted:
			b.WriteString("['")
			b.WriteString(n.Name)
			b.WriteString("']")
		case n.Braced:
			b.WriteString("{" + n.Name + "}")
		default:
			b.WriteString(n.Name)
		}
	case *Literal:
		printLiteral(b, n)
	case *DynamicLit:
		b.WriteString("dynamic(")
		if n.Value == nil {
			b.WriteString("null")
		} else {
			printNode(b, n.Value)
		}
		b.WriteString(")")
	case *DynamicArray:
		b.WriteString("[")
		printList(b, n.Elems)
		b.WriteString("]")
	case *DynamicBag:
		b.WriteString("{")
		for i, k := range n.Keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(QuoteString(k.Text))
			b.WriteString(": ")
			printNode(b, n.Vals[i])
		}
		b.WriteString("}")
	case *UnaryExpr:
		b.WriteString("(")
		b.WriteString(n.Op)
		printNode(b, n.X)
		b.WriteString(")")
	case *BinaryExpr:
		b.WriteString("(")
		printNode(b, n.X)
		b.WriteString(" " + n.Op + " ")
		printNode(b, n.Y)
		b.WriteString(")")
	case *InExpr:
		b.WriteString("(")
		printNode(b, n.X)
		b.WriteString(" " + n.Op + " (")
		printList(b, n.List)
		b.WriteString("))")
	case *BetweenExpr:
		b.WriteString("(")
		printNode(b, n.X)
		if n.Not {
			b.WriteString(" !between (")
		} else {
			b.WriteString(" between (")
		}
		printNode(b, n.Lo)
		b.WriteString(" .. ")
		printNode(b, n.Hi)
		b.WriteString("))")
	case *CallExpr:
		b.WriteString(n.Fun.Name)
		b.WriteString("(")
		printList(b, n.Args)
		b.WriteString(")")
	case *StarExpr:
		b.WriteString("*")
	case *MemberExpr:
		printNode(b, n.X)
		b.WriteString(".")
		if n.Call != nil {
			printNode(b, n.Call)
		} else {
			printNode(b, n.Name)
		}
	case *IndexExpr:
		printNode(b, n.X)
		b.WriteString("[")
		printNode(b, n.Index)
		b.WriteString("]")
	case *ParenExpr:
		b.WriteString("(")
		printNode(b, n.X)
		b.WriteString(")")
	case *NamedExpr:
		if len(n.Names) == 1 {
			printNode(b, n.Names[0])
		} else {
			b.WriteString("(")
			for i, id := range n.Names {
				if i > 0 {
					b.WriteString(", ")
				}
				printNode(b, id)
			}
			b.WriteString(")")
		}
		b.WriteString(" = ")
		printNode(b, n.X)
	case *FuncLit:
		b.WriteString("(")
		printParams(b, n.Params)
		b.WriteString(") { ")
		for i, s := range n.Body {
			if i > 0 {
				b.WriteString("; ")
			}
			printNode(b, s)
		}
		b.WriteString(" }")
	case *PipeExpr:
		printNode(b, n.Source)
		b.WriteString("\n| ")
		printNode(b, n.Op)
	case *DatatableExpr:
		b.WriteString("datatable(")
		printColumns(b, n.Columns)
		b.WriteString(") [")
		printList(b, n.Values)
		b.WriteString("]")
	case *OperatorExpr:
		printOperator(b, n.Op)
	case *TypeofExpr:
		b.WriteString("typeof(")
		if n.Type != nil {
			b.WriteString(n.Type.Name)
		} else {
			printColumns(b, n.Columns)
		}
		b.WriteString(")")
	case *AtExpr:
		b.WriteString("@")
	case *ExternalDataExpr:
		b.WriteString("externaldata(")
		printColumns(b, n.Columns)
		b.WriteString(") [")
		printList(b, n.URLs)
		b.WriteString("]")
		if len(n.With) > 0 {
			b.WriteString(" with (")
			printOptionList(b, n.With)
			b.WriteString(")")
		}
	case *ToScalarExpr:
		if n.Table {
			b.WriteString("totable(")
		} else {
			b.WriteString("toscalar(")
		}
		printNode(b, n.X)
		b.WriteString(")")
	case *MaterializeExpr:
		b.WriteString("materialize(")
		printNode(b, n.X)
		b.WriteString(")")
	case *BadExpr:
		b.WriteString("<bad>")
	case *CommandExpr:
		b.WriteString("<command>")
	case Operator:
		printOperator(b, n)
	default:
		b.WriteString("<?>")
	}
}

func printParams(b *printer, params []*Param) {
	for i, prm := range params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(prm.Name.Name)
		b.WriteString(":")
		switch {
		case !prm.Tabular:
			b.WriteString(prm.Type.Name)
		case prm.Columns == nil:
			b.WriteString("(*)")
		default:
			b.WriteString("(")
			printColumns(b, prm.Columns)
			b.WriteString(")")
		}
		if prm.Default != nil {
			b.WriteString(" = ")
			printNode(b, prm.Default)
		}
	}
}

func printColumns(b *printer, cols []*ColumnDecl) {
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		printNode(b, c.Name)
		if c.Type != nil { // typeof(*) has none
			b.WriteString(":")
			b.WriteString(c.Type.Name)
		}
	}
}

func printLiteral(b *printer, n *Literal) {
	switch {
	case n.Kind == LitString:
		b.WriteString(QuoteString(n.Text))
	case n.Kind == LitNull:
		b.WriteString("null")
	case n.Typed:
		b.WriteString(litTypeNames[n.Kind])
		b.WriteString("(")
		b.WriteString(n.Text)
		b.WriteString(")")
	default:
		b.WriteString(n.Text)
	}
}

var litTypeNames = map[LitKind]string{
	LitLong: "long", LitInt: "int", LitReal: "real", LitDecimal: "decimal", LitBool: "bool",
	LitDatetime: "datetime", LitTimespan: "timespan", LitGuid: "guid",
}

func printOperator(b *printer, op Operator) {
	b.WriteString(op.Name())
	switch op := op.(type) {
	case *WhereOp:
		b.WriteString(" ")
		printNode(b, op.Pred)
	case *SummarizeOp:
		printOptions(b, op.Options)
		if len(op.Aggs) > 0 {
			b.WriteString(" ")
			printList(b, op.Aggs)
		}
		if len(op.By) > 0 {
			b.WriteString(" by ")
			printList(b, op.By)
		}
	case *ProjectOp:
		b.WriteString(" ")
		for i, c := range op.Cols {
			if i > 0 {
				b.WriteString(", ")
			}
			printNode(b, c)
			if i < len(op.Order) && op.Order[i] != "" {
				b.WriteString(" " + op.Order[i])
			}
		}
	case *TakeOp:
		b.WriteString(" ")
		printNode(b, op.Count)
	case *SortOp:
		printOptions(b, op.Options)
		b.WriteString(" by ")
		printKeys(b, op.Keys)
	case *TopOp:
		b.WriteString(" ")
		printNode(b, op.Count)
		b.WriteString(" by ")
		printKeys(b, op.Keys)
	case *DistinctOp:
		printOptions(b, op.Options)
		b.WriteString(" ")
		printList(b, op.Cols)
	case *PrintOp:
		b.WriteString(" ")
		printList(b, op.Cols)
	case *CountOp:
		if op.As != nil {
			b.WriteString(" as " + op.As.Name)
		}
	case *JoinOp:
		printOptions(b, op.Options)
		b.WriteString(" (")
		printNode(b, op.Right)
		b.WriteString(")")
		if op.On != nil {
			b.WriteString(" on ")
			printList(b, op.On)
		}
		if op.Where != nil {
			b.WriteString(" where ")
			printNode(b, op.Where)
		}
	case *UnionOp:
		printOptions(b, op.Options)
		b.WriteString(" ")
		printList(b, op.Tables)
	case *MvExpandOp:
		printOptions(b, op.Options)
		for i, it := range op.Items {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(" ")
			printNode(b, it.X)
			if it.Type != nil {
				b.WriteString(" to ")
				printNode(b, it.Type)
			}
		}
		if op.Limit != nil {
			b.WriteString(" limit ")
			printNode(b, op.Limit)
		}
	case *ParseOp:
		printOptions(b, op.Options)
		b.WriteString(" ")
		printNode(b, op.X)
		b.WriteString(" with")
		for _, x := range op.Pattern {
			b.WriteString(" ")
			if c, ok := x.(*ColumnDeclExpr); ok {
				printColumns(b, []*ColumnDecl{c.Decl})
			} else {
				printNode(b, x)
			}
		}
	case *AsOp:
		printOptions(b, op.Options)
		b.WriteString(" " + op.As.Name)
	case *InvokeOp:
		b.WriteString(" ")
		printNode(b, op.Call)
	case *EvaluateOp:
		printOptions(b, op.Options)
		b.WriteString(" ")
		printNode(b, op.Call)
	case *RangeOp:
		b.WriteString(" " + op.Col.Name + " from ")
		printNode(b, op.From)
		b.WriteString(" to ")
		printNode(b, op.To)
		b.WriteString(" step ")
		printNode(b, op.Step)
	}
}

func printOptions(b *printer, opts []*Option) {
	for _, o := range opts {
		b.WriteString(" ")
		printOption(b, o)
	}
}

func printOptionList(b *printer, opts []*Option) {
	for i, o := range opts {
		if i > 0 {
			b.WriteString(", ")
		}
		printOption(b, o)
	}
}

func printOption(b *printer, o *Option) {
	b.WriteString(o.Name.Name)
	if o.Value != nil {
		b.WriteString("=")
		printNode(b, o.Value)
	}
}

func printKeys(b *printer, keys []*SortKey) {
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		printNode(b, k.X)
		if k.Desc {
			b.WriteString(" desc")
		} else {
			b.WriteString(" asc")
		}
		if k.NullsFirst {
			b.WriteString(" nulls first")
		} else {
			b.WriteString(" nulls last")
		}
	}
}
