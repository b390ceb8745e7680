package funcs

import (
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// appendCanonicalJSON appends the JSON of dynamic value v with the keys of
// every property bag sorted, as dynamic_to_json() gives it.
func appendCanonicalJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCanonicalJSON(b, e)
		}
		return append(b, ']')
	case *value.Bag:
		idx := make([]int, len(x.Keys))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool { return x.Keys[idx[i]] < x.Keys[idx[j]] })
		b = append(b, '{')
		for n, i := range idx {
			if n > 0 {
				b = append(b, ',')
			}
			b = value.AppendQuoted(b, x.Keys[i])
			b = append(b, ':')
			b = appendCanonicalJSON(b, x.Vals[i])
		}
		return append(b, '}')
	}
	return value.AppendJSON(b, v)
}

// treePaths lists the paths of a dynamic value's members and elements, in
// document order without repeats; every element of an array is reached
// through index [0].
// https://learn.microsoft.com/kusto/query/treepath-function
func treePaths(v any) []any {
	out := []any{}
	seen := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		add := func(p string) {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
		switch x := v.(type) {
		case *value.Bag:
			for i, k := range x.Keys {
				p := prefix + "['" + strings.ReplaceAll(k, "'", `\'`) + "']"
				add(p)
				walk(p, x.Vals[i])
			}
		case []any:
			if len(x) == 0 {
				return
			}
			p := prefix + "[0]"
			add(p)
			for _, e := range x {
				walk(p, e)
			}
		}
	}
	walk("", v)
	return out
}

// maxXML is the longest input that parse_xml() interprets.
const maxXML = 1 << 20

// xmlElement is an element of a parsed XML document: its attributes, then
// its text and child elements in document order.
type xmlElement struct {
	name        string
	attrs       []xml.Attr
	content     []xmlContent
	selfClosing bool
	inText      bool // the last content is text still being read
}

// xmlContent is a text node (elem nil) or a child element.
type xmlContent struct {
	text string
	elem *xmlElement
}

var errXML = errors.New("not well-formed XML")

// xmlName returns the qualified name as written, prefix included.
func xmlName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// parseXMLDocument parses s into its root element. Comments, processing
// instructions and directives are skipped.
func parseXMLDocument(s string) (*xmlElement, error) {
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = true
	var root *xmlElement
	var stack []*xmlElement
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, errXML // a second root element
			}
			off := int(dec.InputOffset())
			e := &xmlElement{name: xmlName(t.Name), attrs: append([]xml.Attr(nil), t.Attr...),
				selfClosing: off >= 2 && s[off-2:off] == "/>"}
			if len(stack) == 0 {
				root = e
			} else {
				parent := stack[len(stack)-1]
				parent.content = append(parent.content, xmlContent{elem: e})
				parent.inText = false
			}
			stack = append(stack, e)
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].name != xmlName(t.Name) {
				return nil, errXML
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if strings.TrimSpace(string(t)) != "" {
					return nil, errXML
				}
				continue
			}
			e := stack[len(stack)-1]
			if e.inText {
				e.content[len(e.content)-1].text += string(t)
			} else {
				e.content = append(e.content, xmlContent{text: string(t)})
				e.inText = true
			}
		}
	}
	if root == nil || len(stack) > 0 {
		return nil, errXML
	}
	return root, nil
}

// xmlToDynamic converts an element's content to a dynamic value as
// parse_xml() does: an element without attributes or children is its
// text (null when it is self-closing); otherwise a bag of "@attribute"
// values, "#text" and child elements, where repeated children become an
// array. Text that is only white space is dropped, other text trimmed.
func xmlToDynamic(e *xmlElement) any {
	var texts []string
	children := false
	for _, c := range e.content {
		if c.elem != nil {
			children = true
		} else if t := strings.TrimSpace(c.text); t != "" {
			texts = append(texts, t)
		}
	}
	if len(e.attrs) == 0 && !children {
		switch {
		case len(texts) == 1:
			return texts[0]
		case len(texts) == 0 && e.selfClosing:
			return nil
		}
		return strings.Join(texts, "")
	}
	b := &value.Bag{}
	for _, a := range e.attrs {
		b.Set("@"+xmlName(a.Name), a.Value)
	}
	var names []string
	groups := map[string][]any{}
	for _, c := range e.content {
		name := "#text"
		var v any
		if c.elem != nil {
			name, v = c.elem.name, xmlToDynamic(c.elem)
		} else if t := strings.TrimSpace(c.text); t != "" {
			v = t
		} else {
			continue
		}
		if _, ok := groups[name]; !ok {
			names = append(names, name)
		}
		groups[name] = append(groups[name], v)
	}
	for _, n := range names {
		if g := groups[n]; len(g) == 1 {
			b.Set(n, g[0])
		} else {
			b.Set(n, g)
		}
	}
	return b
}

// parseXML implements parse_xml(): the document as a bag holding its root
// element, or null when s is not well-formed XML or longer than 1 MB.
// https://learn.microsoft.com/kusto/query/parse-xml-function
func parseXML(s string) (any, bool) {
	if len(s) > maxXML {
		return nil, false
	}
	root, err := parseXMLDocument(s)
	if err != nil {
		return nil, false
	}
	b := &value.Bag{}
	b.Set(root.name, xmlToDynamic(root))
	return b, true
}

func init() {
	defer inCategory(CatDynamic)()
	register(&Func{Name: "dynamic_to_json", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/dynamic-to-json-function",
		Doc: "Returns the canonical JSON text of a dynamic value, with the keys of property bags sorted; a value of another type as tostring() gives it.",
		Sigs: []*Sig{sig(schema.String, boxedKernel(func(types []schema.Type) func([]any) (any, bool) {
			return func(row []any) (any, bool) {
				if types[0] != schema.Dynamic || row[0] == nil {
					return ToString(types[0], row[0]), true
				}
				return string(appendCanonicalJSON(nil, row[0])), true
			}
		}), p("dynamic", Any))},
		Examples: []Example{{`dynamic_to_json(dynamic({'Y10':dynamic({}), 'X8': dynamic({'c3':1, 'd8':5, 'a4':6}), 'D1':114, 'A1':12, 'B1':2, 'C1':3, 'A14':[15, 13, 18]}))`,
			`{"A1":12,"A14":[15,13,18],"B1":2,"C1":3,"D1":114,"X8":{"a4":6,"c3":1,"d8":5},"Y10":{}}`},
			{`dynamic_to_json(1.5)`, "1.5"}}})

	register(&Func{Name: "treepath", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/treepath-function",
		Doc:  "Returns the path expressions of the members and elements of a dynamic value, array elements as [0].",
		Sigs: []*Sig{sig(schema.Dynamic, Map1(func(v any) (any, bool) { return treePaths(v), true }), p("object", tDynamic))},
		Examples: []Example{{`treepath(parse_json('{"a":"b", "c":123}'))`, `["['a']","['c']"]`},
			{`treepath(parse_json('{"prop1":[1,2,3,4], "prop2":"value2"}'))`, `["['prop1']","['prop1'][0]","['prop2']"]`},
			{`treepath(parse_json('{"listProperty":[100,200,300,"abcde",{"x":"y"}]}'))`, `["['listProperty']","['listProperty'][0]","['listProperty'][0]['x']"]`}}})

	register(&Func{Name: "parse_xml", Pure: true, ResultName: NameFirstArg, Ref: "https://learn.microsoft.com/kusto/query/parse-xml-function",
		Doc:  "Interprets a string as XML and returns it converted to a dynamic value, or null when it is not well-formed XML.",
		Sigs: []*Sig{sig(schema.Dynamic, Map1(parseXML), p("xml", tString|tDynamic))},
		Examples: []Example{{`parse_xml("<e/>")`, `{"e":null}`}, {`parse_xml("<e>text</e>")`, `{"e":"text"}`},
			{`parse_xml('<e name="value" />')`, `{"e":{"@name":"value"}}`},
			{`parse_xml('<e name="value">text</e>')`, `{"e":{"@name":"value","#text":"text"}}`},
			{`parse_xml("<e> <a>text</a> <b>text</b> </e>")`, `{"e":{"a":"text","b":"text"}}`},
			{`parse_xml("<e> <a>text</a> <a>text</a> </e>")`, `{"e":{"a":["text","text"]}}`},
			{`parse_xml("<e> text <a>text</a> </e>")`, `{"e":{"#text":"text","a":"text"}}`},
			{`isnull(parse_xml("<e>"))`, "true"}}})
}

// Member returns property key of dynamic bag v, or null.
func Member(v any, key string) any {
	if b, ok := v.(*value.Bag); ok {
		m, _ := b.Get(key)
		return m
	}
	return nil
}

// Index returns element i of dynamic array v (negative i counts from the
// end), or null.
func Index(v any, i int64) any {
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	if i < 0 {
		i += int64(len(arr))
	}
	if i < 0 || i >= int64(len(arr)) {
		return nil
	}
	return arr[i]
}

func init() {
	defer inCategory(CatDynamic)()
	register(&Func{Name: "$member", Hidden: true, Pure: true, Ref: "https://learn.microsoft.com/kusto/query/scalar-data-types/dynamic#dynamic-object-accessors",
		Doc: "Reads a property of a dynamic bag (x.name, x['name']).",
		Sigs: []*Sig{sig(schema.Dynamic, Map2(func(v any, key string) (any, bool) {
			m := Member(v, key)
			return m, m != nil
		}), p("value", tDynamic), p("key", tString))},
		Examples: []Example{{`dynamic({"a":{"b":5}}).a.b`, "5"}, {`dynamic({"a b":1})['a b']`, "1"}}})
	register(&Func{Name: "$index", Hidden: true, Pure: true, Ref: "https://learn.microsoft.com/kusto/query/scalar-data-types/dynamic#dynamic-object-accessors",
		Doc: "Reads an element of a dynamic array (x[0], x[-1]).",
		Sigs: []*Sig{sig(schema.Dynamic, Map2(func(v any, i int64) (any, bool) {
			m := Index(v, i)
			return m, m != nil
		}), p("value", tDynamic), p("index", Integer))},
		Examples: []Example{{`dynamic([1,2,3])[0]`, "1"}, {`dynamic([1,2,3])[-1]`, "3"}, {`isnull(dynamic([1])[5])`, "true"}}})
}
