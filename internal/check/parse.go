package check

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// typedCapture is the regular expression a parsed column of a type
// matches; strings take anything (lazily, or to the end when last; in
// kind=regex greedily).
var typedCapture = map[schema.Type]string{
	schema.Int:      `[+-]?\d+`,
	schema.Long:     `[+-]?\d+`,
	schema.Real:     `[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`,
	schema.Decimal:  `[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`,
	schema.Bool:     `(?i:true|false|1|0)`,
	schema.Guid:     `[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`,
	schema.Timespan: `.*?`,
	schema.Datetime: `.*?`,
	schema.Dynamic:  `.*?`,
}

// parse checks parse and parse-where: the pattern becomes one regular
// expression anchored at both ends, in which string constants match
// themselves (kind=simple, relaxed) or are regular expressions
// (kind=regex), '*' skips text, and each column captures text that its
// type can hold. A column that exists is replaced; the others come after
// the input's columns.
// https://learn.microsoft.com/kusto/query/parse-operator
// https://learn.microsoft.com/kusto/query/parse-where-operator
func (c *checker) parse(sc *scope, in plan.Node, r *row, op *syntax.ParseOp) plan.Node {
	x := c.scalar(sc, r, op.X)
	if t := x.Type(); t != schema.String && t != schema.Unknown {
		x = &plan.Cast{X: x, T: schema.String}
	}
	kind, kindSpan := optionWord(&op.OpBase, "kind")
	switch kind {
	case "", "simple", "regex", "relaxed":
	default:
		c.errorf(kindSpan, "%s", errParseKind(kind))
		return nil
	}
	n := &plan.Parse{Input: in, X: x, Where: op.Word == "parse-where", Relaxed: kind == "relaxed"}
	for i, col := range r.cols {
		n.Keep = append(n.Keep, i)
		n.Cols = append(n.Cols, col)
	}
	var re strings.Builder
	if flags, _ := optionWord(&op.OpBase, "flags"); flags != "" && kind == "regex" {
		re.WriteString("(?" + flags + ")")
	}
	re.WriteString("(?s:^")
	group := 0
	ok := true
	for i, item := range op.Pattern {
		last := i == len(op.Pattern)-1
		switch item := item.(type) {
		case *syntax.StarExpr:
			if !last {
				if _, lit := op.Pattern[i+1].(*syntax.Literal); !lit {
					c.errorf(item.Src, "%s", errParseStar())
					ok = false
				}
			}
			if last {
				re.WriteString(".*")
			} else {
				re.WriteString(".*?")
			}
		case *syntax.Literal:
			if kind == "regex" {
				if _, err := regexp.Compile(item.Text); err != nil {
					c.errorf(item.Src, "%s", errRegex("parse", err))
					ok = false
				}
				re.WriteString("(?:" + item.Text + ")")
			} else {
				re.WriteString(regexp.QuoteMeta(item.Text))
			}
		case *syntax.Ident, *syntax.ColumnDeclExpr:
			var name *syntax.Ident
			t := schema.String
			if d, isDecl := item.(*syntax.ColumnDeclExpr); isDecl {
				name = d.Decl.Name
				if tt, known := schema.KeywordType(d.Decl.Type.Name); known {
					t = tt
				} else {
					c.errorf(d.Decl.Type.Src, "%s", errUnknownType(d.Decl.Type.Name))
					ok = false
				}
			} else {
				name = item.(*syntax.Ident)
			}
			if i > 0 {
				if _, lit := op.Pattern[i-1].(*syntax.Literal); !lit {
					c.errorf(name.Src, "%s", errParseColumn())
					ok = false
				}
			}
			capture := typedCapture[t]
			if kind == "relaxed" {
				// A column may hold text its type cannot read, which
				// reads as null.
				capture = "(?:" + capture + "|.*?)"
			}
			if t == schema.String {
				capture = ".*?"
				if last {
					capture = ".*"
				}
			}
			if kind == "regex" && capture == ".*?" {
				// In regex mode a column that takes any text is
				// greedy (flags=U makes it lazy), as the page's
				// examples show.
				capture = ".*"
			}
			group++
			re.WriteString("(?P<" + captureName(group) + ">" + capture + ")")
			target := -1
			for j, col := range n.Cols {
				if col.Name == name.Name {
					target = j
				}
			}
			if target < 0 {
				target = len(n.Cols)
				n.Cols = append(n.Cols, schema.Column{Name: name.Name})
				n.Keep = append(n.Keep, -1)
			}
			n.Keep[target] = -1
			n.Cols[target].Type = t
			n.Groups = append(n.Groups, group)
			n.Targets = append(n.Targets, target)
		}
	}
	re.WriteString("$)")
	if !ok {
		return nil
	}
	compiled, err := regexp.Compile(re.String())
	if err != nil {
		c.errorf(op.Span(), "%s", errRegex("parse", err))
		return nil
	}
	n.Re = compiled
	for k := range n.Groups {
		n.Groups[k] = compiled.SubexpIndex(captureName(k + 1))
	}
	return n
}

// captureName names the capture group of the k-th parsed column, so that
// groups inside kind=regex constants do not shift the numbering.
func captureName(k int) string { return "kqlhunt_" + strconv.Itoa(k) }
