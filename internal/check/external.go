package check

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// externalData checks externaldata(Columns)[URLs] with (props): the
// columns' types, and URLs that are string literals.
// https://learn.microsoft.com/kusto/query/externaldata-operator
func (c *checker) externalData(x *syntax.ExternalDataExpr) plan.Node {
	n := &plan.External{Props: map[string]string{}, Src: x.Span()}
	n.Cols = c.columnDecls(x.Columns)
	for _, u := range x.URLs {
		lit, ok := u.(*syntax.Literal)
		if !ok || lit.Kind != syntax.LitString {
			c.errorf(u.Span(), "%s", errExternalURL())
			continue
		}
		n.URLs = append(n.URLs, lit.Text)
	}
	for _, o := range x.With {
		n.Props[strings.ToLower(o.Name.Name)] = optionText(o.Value)
	}
	return n
}

// optionText returns the text of a property value: a literal's text or
// a name.
func optionText(x syntax.Expr) string {
	switch x := x.(type) {
	case *syntax.Literal:
		return x.Text
	case *syntax.Ident:
		return x.Name
	}
	return ""
}

// columnDecls checks name:type declarations; a duplicate name or an
// unknown type is an error.
func (c *checker) columnDecls(decls []*syntax.ColumnDecl) []schema.Column {
	nm := c.newNamer()
	cols := make([]schema.Column, 0, len(decls))
	for _, d := range decls {
		t, ok := schema.KeywordType(d.Type.Name)
		if !ok {
			c.errorf(d.Type.Src, "%s", errUnknownType(d.Type.Name))
			t = schema.Unknown
		}
		cols = append(cols, schema.Column{Name: nm.own(d.Name.Name, d.Name.Src), Type: t})
	}
	return cols
}
