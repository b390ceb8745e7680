package check

import (
	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// queryParameters binds the names that declare
// query_parameters(name:type [= default], ...) declares. A client
// application supplies their values; kqlhunt has none to take them from,
// so a parameter is its default value, converted to its type, and one
// without a default is an error at its name.
// https://learn.microsoft.com/kusto/query/query-parameters-statement
func (c *checker) queryParameters(sc *scope, st *syntax.DeclareStmt) {
	for _, p := range st.Params {
		name := p.Name.Name
		if p.Tabular {
			c.errorf(p.Name.Src, "query parameter '%s' is tabular: kqlhunt takes scalar query parameters only", name)
			continue
		}
		if p.Default == nil {
			c.errorf(p.Name.Src, "query parameter '%s' has no default value, and kqlhunt has no client to supply one: declare it %s:%s = VALUE", name, name, p.Type.Name)
			sc.names[name] = &binding{kind: bindScalar, expr: &plan.Const{T: schema.Unknown, Src: p.Name.Src}, name: name}
			continue
		}
		e := c.scalar(sc, nil, p.Default)
		if want, ok := schema.KeywordType(p.Type.Name); !ok {
			c.errorf(p.Type.Src, "unknown type '%s'", p.Type.Name)
		} else if e.Type() != schema.Unknown && e.Type() != want {
			if !funcs.ConvertsTo(e.Type(), want) && !(e.Type().IsNumeric() && want.IsNumeric()) {
				c.errorf(p.Default.Span(), "%s", errType("the default of query parameter '"+name+"'", want.String(), e.Type()))
			} else {
				e = &plan.Cast{X: e, T: want}
			}
		}
		sc.names[name] = &binding{kind: bindScalar, expr: e, name: name}
	}
}
