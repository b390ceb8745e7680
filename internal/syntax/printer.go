package syntax

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Print renders a node as normalized KQL with every binary expression in
// parentheses, so that tests can see how the parser grouped things.
func Print(n Node) string {
	var b strings.Builder
	printNode(&b, n)
	return b.String()
}

func printList(b *strings.Builder, xs []Expr) {
	for i, x := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		printNode(b, x)
	}
}

func printNode(b *strings.Builder, n Node) {
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
		b.WriteString("declare query_parameters(")
		printParams(b, n.Params)
		b.WriteString(")")
	case *Ident:
		if n.Quoted {
			b.WriteString("['")
			b.WriteString(n.Name)
			b.WriteString("']")
		} else {
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
			b.WriteString(strconv.Quote(k.Text))
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
		printNode(b, n.Name)
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
	case *PrintExpr:
		b.WriteString("print ")
		printList(b, n.Cols)
	case *BadExpr:
		b.WriteString("<bad>")
	case Operator:
		printOperator(b, n)
	default:
		b.WriteString("<?>")
	}
}

func printParams(b *strings.Builder, params []*Param) {
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

func printColumns(b *strings.Builder, cols []*ColumnDecl) {
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		printNode(b, c.Name)
		b.WriteString(":")
		b.WriteString(c.Type.Name)
	}
}

func printLiteral(b *strings.Builder, n *Literal) {
	typed := func(name string) {
		b.WriteString(name)
		b.WriteString("(")
		if n.Null {
			b.WriteString("null")
		} else {
			b.WriteString(n.Text)
		}
		b.WriteString(")")
	}
	switch n.Kind {
	case LitString:
		b.WriteString(strconv.Quote(n.Text))
	case LitTimespan:
		if _, ok := value.ParseTimespanLiteral(n.Text); ok && !n.Null {
			b.WriteString(n.Text)
		} else {
			typed("timespan")
		}
	case LitLong, LitReal, LitBool:
		if n.Null {
			typed(map[LitKind]string{LitLong: "long", LitReal: "real", LitBool: "bool"}[n.Kind])
		} else {
			b.WriteString(n.Text)
		}
	case LitInt:
		typed("int")
	case LitDecimal:
		typed("decimal")
	case LitDatetime:
		typed("datetime")
	case LitGuid:
		typed("guid")
	case LitNull:
		b.WriteString("null")
	}
}

func printOperator(b *strings.Builder, op Operator) {
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
		b.WriteString(" ")
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
	}
}

func printOptions(b *strings.Builder, opts []*Option) {
	for _, o := range opts {
		b.WriteString(" ")
		b.WriteString(o.Name.Name)
		b.WriteString("=")
		printNode(b, o.Value)
	}
}

func printKeys(b *strings.Builder, keys []*SortKey) {
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
