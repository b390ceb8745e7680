package funcs

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// typeName returns what gettype() says of a value of static type t: the
// type's name, or for a dynamic value the kind of value it holds.
// https://learn.microsoft.com/kusto/query/gettype-function
func typeName(t schema.Type, v any) string {
	if t != schema.Dynamic {
		return t.String()
	}
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case int64:
		// Kusto holds a JSON integer that fits 32 bits as an int.
		if x >= math.MinInt32 && x <= math.MaxInt32 {
			return "int"
		}
		return "long"
	case float64:
		return "real"
	case string:
		return "string"
	case value.Datetime:
		return "datetime"
	case value.Timespan:
		return "timespan"
	case []any:
		return "array"
	case *value.Bag:
		return "dictionary"
	}
	return "unknown"
}

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

// rangeKernel implements range() over numbers, datetimes and timespans:
// start, start+step, ... up to stop (down to stop for a negative step).
// Integers give longs, other numbers reals. A zero step gives null.
func rangeKernel(types []schema.Type) func(row []any) (any, bool) {
	integers := true
	for _, t := range types {
		integers = integers && (t == schema.Int || t == schema.Long)
	}
	temporal := types[0] == schema.Datetime || types[0] == schema.Timespan
	return func(row []any) (any, bool) {
		if row[0] == nil || row[1] == nil || len(row) > 2 && row[2] == nil {
			return nil, false
		}
		if integers || temporal {
			start, stop := ticksOrLong(row[0]), ticksOrLong(row[1])
			step := int64(1)
			if temporal {
				step = 36_000_000_000 // 1h in ticks
			}
			if len(row) > 2 {
				step = ticksOrLong(row[2])
			}
			if step == 0 {
				return nil, false
			}
			out := []any{}
			for v := start; len(out) < maxArray && (step > 0 && v <= stop || step < 0 && v >= stop); v += step {
				switch types[0] {
				case schema.Datetime:
					out = append(out, value.Datetime(v))
				case schema.Timespan:
					out = append(out, value.Timespan(v))
				default:
					out = append(out, v)
				}
				if step > 0 && v > math.MaxInt64-step || step < 0 && v < math.MinInt64-step {
					break
				}
			}
			return out, true
		}
		start, _ := toReal(row[0])
		stop, _ := toReal(row[1])
		step := 1.0
		if len(row) > 2 {
			step, _ = toReal(row[2])
		}
		if step == 0 || math.IsNaN(step) || math.IsNaN(start) || math.IsNaN(stop) {
			return nil, false
		}
		out := []any{}
		for i := 0; i < maxArray; i++ {
			v := start + float64(i)*step
			if step > 0 && v > stop || step < 0 && v < stop {
				break
			}
			out = append(out, v)
		}
		return out, true
	}
}

// ticksOrLong returns an integer, or the ticks of a datetime or timespan,
// as stored in a column.
func ticksOrLong(v any) int64 {
	switch x := v.(type) {
	case value.Datetime:
		return int64(x)
	case value.Timespan:
		return int64(x)
	case int64:
		return x
	}
	return 0
}

// extractJSON returns the text of the value that JSONPath path selects in
// JSON document doc: a string's own text, or the compact JSON of any
// other value, its numbers written as in doc. ok is false when the path is
// not valid, the document is not JSON, or the value is missing or null.
// https://learn.microsoft.com/kusto/query/extract-json-function
func extractJSON(path, doc string) (string, bool) {
	steps, ok := parseJSONPath(path)
	if !ok {
		return "", false
	}
	data := []byte(doc)
	i := jsonscan.SkipSpace(data, 0)
	end, err := jsonscan.Skip(data, i)
	if err != nil || jsonscan.SkipSpace(data, end) != len(data) {
		return "", false
	}
	for _, st := range steps {
		found := -1
		var stop int
		switch {
		case st.isIndex && data[i] == '[':
			n := int64(0)
			_ = jsonscan.Elements(data, i, func(s, e int) bool {
				if n == st.index {
					found, end = s, e
					return false
				}
				n++
				return true
			}, &stop)
		case !st.isIndex && data[i] == '{':
			_ = jsonscan.Members(data, i, func(key []byte, esc bool, s, e int) bool {
				k := string(key)
				if esc {
					k = string(jsonscan.AppendUnquoted(nil, key))
				}
				if k == st.key {
					found, end = s, e
					return false
				}
				return true
			}, &stop)
		}
		if found < 0 {
			return "", false
		}
		i = found
	}
	switch jsonscan.KindOf(data[i]) {
	case jsonscan.Null:
		return "", false
	case jsonscan.String:
		e, esc, _ := jsonscan.ScanString(data, i)
		return jsonscan.StringValue(data, i, e, esc), true
	}
	return string(compactJSON(nil, data[i:end])), true
}

// compactJSON appends valid JSON text src without the whitespace between
// its tokens.
func compactJSON(dst, src []byte) []byte {
	inString := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case inString:
			dst = append(dst, c)
			if c == '\\' && i+1 < len(src) {
				i++
				dst = append(dst, src[i])
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
			dst = append(dst, c)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			dst = append(dst, c)
		}
	}
	return dst
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
	register(&Func{Name: "gettype", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/gettype-function",
		Doc: "Returns the name of the runtime type of its argument; for a dynamic value, the kind of value it holds.",
		Sigs: []*Sig{sig(schema.String, boxedKernel(func(types []schema.Type) func([]any) (any, bool) {
			return func(row []any) (any, bool) { return typeName(types[0], row[0]), true }
		}), p("value", Any))},
		Examples: []Example{{`gettype("a")`, "string"}, {`gettype(111)`, "long"}, {`gettype(1==1)`, "bool"}, {`gettype(now())`, "datetime"},
			{`gettype(1s)`, "timespan"}, {`gettype(parse_json('1'))`, "int"}, {`gettype(parse_json(' "abc" '))`, "string"},
			{`gettype(parse_json(' {"abc":1} '))`, "dictionary"}, {`gettype(parse_json(' [1, 2, 3] '))`, "array"}, {`gettype(123.45)`, "real"},
			{`gettype(guid(12e8b78d-55b4-46ae-b068-26d7a0080254))`, "guid"}, {`gettype(parse_json(''))`, "null"}}})

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

	register(&Func{Name: "zip", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/zip-function",
		Doc: "Returns an array of arrays, the i-th holding the i-th element of every argument array (null past the end of a shorter one).",
		Sigs: []*Sig{{Params: []Param{p("array", tDynamic)}, Variadic: true, Result: Returns(schema.Dynamic),
			Eval: rowKernel(func(row []any) (any, bool) {
				arrs, ok := arrays(row)
				if !ok {
					return nil, false
				}
				n := 0
				for _, a := range arrs {
					n = max(n, len(a))
				}
				out := make([]any, n)
				for i := range out {
					t := make([]any, len(arrs))
					for j, a := range arrs {
						if i < len(a) {
							t[j] = a[i]
						}
					}
					out[i] = t
				}
				return out, true
			})}},
		Examples: []Example{{`zip(dynamic([1,3,5]), dynamic([2,4,6]))`, "[[1,2],[3,4],[5,6]]"},
			{`zip(dynamic(["A", 1, 1.5]), dynamic([{}, "B"]))`, `[["A",{}],[1,"B"],[1.5,null]]`}}})

	register(&Func{Name: "repeat", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/repeat-function",
		Doc: "Returns a dynamic array holding a value count times (at most 1048576); null when count is negative.",
		Sigs: []*Sig{sig(schema.Dynamic, boxedKernel(func(types []schema.Type) func([]any) (any, bool) {
			return func(row []any) (any, bool) {
				n, ok := row[1].(int64)
				if !ok || n < 0 {
					return nil, false
				}
				out := make([]any, min(n, int64(maxArray)))
				v := ToDynamic(types[0], row[0])
				for i := range out {
					out[i] = v
				}
				return out, true
			}
		}), p("value", Any), p("count", Integer))},
		Examples: []Example{{`repeat(1, 3)`, "[1,1,1]"}, {`repeat("a", 0)`, "[]"}, {`isnull(repeat(1, -1))`, "true"}}})

	register(&Func{Name: "range", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/range-function",
		Doc: "Returns a dynamic array of equally spaced values from start up to stop, truncated at 1048576 values; the step defaults to 1, or 1h for datetimes and timespans.",
		Sigs: []*Sig{
			{Params: []Param{p("start", Numeric), p("stop", Numeric), opt("step", Numeric)}, Result: Returns(schema.Dynamic), Eval: boxedKernel(rangeKernel)},
			sig(schema.Dynamic, boxedKernel(rangeKernel), p("start", tDatetime), p("stop", tDatetime), opt("step", tTimespan)),
			sig(schema.Dynamic, boxedKernel(rangeKernel), p("start", tTimespan), p("stop", tTimespan), opt("step", tTimespan)),
		},
		Examples: []Example{{`range(1, 8, 3)`, "[1,4,7]"}, {`range(1, 3)`, "[1,2,3]"},
			{`range(1h, 5h)`, `["01:00:00","02:00:00","03:00:00","04:00:00","05:00:00"]`},
			{`array_length(range(datetime(2015-01-01), datetime(2015-12-31), 1d))`, "365"},
			{`array_length(range(1, 1000000000))`, "1048576"}}})

	extractJSONFn := &Func{Name: "extract_json", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/extract-json-function",
		Doc: "Returns the text of the element of a JSON document that a JSONPath selects.",
		Sigs: []*Sig{
			sig(schema.String, Map2(extractJSON), Param{Name: "jsonPath", Types: tString, Const: true}, p("dataSource", tString)),
			// The optional typeof(T) third argument converts the result; the
			// checker is to handle it as it does extract()'s, so this
			// signature only gives the arity Kusto declares.
			sig(schema.String, Map3(func(path, doc string, _ any) (string, bool) { return extractJSON(path, doc) }),
				Param{Name: "jsonPath", Types: tString, Const: true}, p("dataSource", tString), p("type", Any)),
		},
		Examples: []Example{{`extract_json("$.name", '{"name": "John", "age": 30, "city": "New York"}')`, "John"},
			{`extractjson("$.hosts[1].AvailableMB", '{"hosts":[{"AvailableMB":5}, {"AvailableMB": 7.0}]}')`, "7.0"},
			{`extractjson("$['hosts'][1]['AvailableMB']", '{"hosts":[{"AvailableMB":5}, {"AvailableMB": 7.0}]}')`, "7.0"},
			{`extract_json("$.a", '{"a": {"b": [1, 2]}}')`, `{"b":[1,2]}`}}}
	register(extractJSONFn)
	alias("extractjson", extractJSONFn)

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

// regexCache holds compiled patterns; queries reuse a handful of regexes
// over millions of rows. KQL's regular expressions are RE2, like Go's.
// https://learn.microsoft.com/kusto/query/re2
var regexCache sync.Map // string → *regexp.Regexp or error

// regexCount counts the patterns cached; past maxCachedRegexes, new
// patterns are compiled each time.
var regexCount atomic.Int64

const maxCachedRegexes = 10000

// CompileRegex compiles pattern (cached) or returns its syntax error.
func CompileRegex(pattern string) (*regexp.Regexp, error) {
	if v, ok := regexCache.Load(pattern); ok {
		if re, ok := v.(*regexp.Regexp); ok {
			return re, nil
		}
		return nil, v.(error)
	}
	re, err := regexp.Compile(pattern)
	// Patterns computed per row could fill the cache without bound.
	if regexCount.Add(1) > maxCachedRegexes {
		return re, err
	}
	if err != nil {
		regexCache.Store(pattern, err)
		return nil, err
	}
	regexCache.Store(pattern, re)
	return re, nil
}

// ParseJSONValue returns the dynamic value of JSON text s, or s itself as
// a dynamic string when it is not valid JSON, or null when s is empty or
// white space, as parse_json() does.
// https://learn.microsoft.com/kusto/query/parse-json-function
func ParseJSONValue(s string) any {
	if strings.TrimSpace(s) == "" {
		return nil // gettype(parse_json('')) is "null"
	}
	v, err := value.ParseJSON([]byte(s))
	if err != nil {
		return s
	}
	return v
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
	parseJSON := &Func{Name: "parse_json", Pure: true, ResultName: NameFirstArg, Ref: "https://learn.microsoft.com/kusto/query/parse-json-function",
		Doc: "Interprets a string as JSON and returns the dynamic value; a string that is not JSON is returned as a dynamic string.",
		Sigs: []*Sig{
			sig(schema.Dynamic, Map1(func(s string) (any, bool) { return ParseJSONValue(s), true }), p("json", tString)),
			sig(schema.Dynamic, Map1(func(v any) (any, bool) { return v, true }), p("json", tDynamic)),
		},
		Examples: []Example{{`parse_json('{"a":[1,2]}').a[1]`, "2"}, {`parse_json("not json")`, "not json"}, {`array_length(parse_json("[1,2,3]"))`, "3"}}}
	register(parseJSON)
	alias("todynamic", parseJSON)
	alias("toobject", parseJSON)
	alias("parsejson", parseJSON)

	register(&Func{Name: "array_length", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/array-length-function",
		Doc: "Returns the number of elements of a dynamic array, or null when the value is not an array.",
		Sigs: []*Sig{sig(schema.Long, Map1(func(v any) (int64, bool) {
			arr, ok := v.([]any)
			return int64(len(arr)), ok
		}), p("array", tDynamic))},
		Examples: []Example{{`array_length(dynamic([1, 2, 3]))`, "3"}, {`isnull(array_length(dynamic({"a":1})))`, "true"}}})
	register(&Func{Name: "pack_array", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/pack-array-function",
		Doc: "Packs its arguments into a dynamic array.",
		Sigs: []*Sig{{Params: []Param{p("value", Any)}, Variadic: true, Result: Returns(schema.Dynamic),
			Eval: func(_ *Context, args []*value.Column, n int, out *value.Column) {
				n = rows(args, n, out)
				for i := 0; i < n; i++ {
					arr := make([]any, len(args))
					for j, a := range args {
						arr[j] = ToDynamic(a.Type, a.Get(i))
					}
					out.Append(arr)
				}
			}}},
		Examples: []Example{{`pack_array(1, "a", true)`, `[1,"a",true]`}}})
	register(&Func{Name: "split", Pure: true, ResultName: NameFirstArg, Ref: "https://learn.microsoft.com/kusto/query/split-function",
		Doc: "Splits a string by a delimiter into a dynamic array of strings, or returns the one element at an index.",
		Sigs: []*Sig{
			sig(schema.Dynamic, Map2(func(s, delim string) (any, bool) { return splitString(s, delim), true }),
				p("source", Any), p("delimiter", tString)),
			sig(schema.Dynamic, Map3(func(s, delim string, idx int64) (any, bool) {
				parts := splitString(s, delim)
				if idx < 0 || idx >= int64(len(parts)) {
					return []any{}, true
				}
				return []any{parts[idx]}, true
			}), p("source", tString), p("delimiter", tString), p("requestedIndex", Integer)),
		},
		Examples: []Example{{`split("aa_bb", "_")`, `["aa","bb"]`}, {`split("aaa_bbb_ccc", "_", 1)`, `["bbb"]`}, {`split("", "_")`, `[""]`}}})
	register(&Func{Name: "extract", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/extract-function",
		Doc: "Returns the text of a capture group of the first match of a regular expression, or the empty string.",
		Sigs: []*Sig{sig(schema.String, Map3(func(pattern string, group int64, s string) (string, bool) {
			re, err := CompileRegex(pattern)
			if err != nil {
				return "", false
			}
			m := re.FindStringSubmatchIndex(s)
			if m == nil || group < 0 || int(group) >= len(m)/2 || m[2*group] < 0 {
				return "", false
			}
			return s[m[2*group]:m[2*group+1]], true
		}), Param{Name: "regex", Types: tString, Const: true, Regex: true}, p("captureGroup", Integer), p("source", tString))},
		Examples: []Example{{`extract("x=([0-9.]+)", 1, "hello x=45.6|wo")`, "45.6"}, {`extract("y=([0-9]+)", 1, "x=1")`, ""}}})
	register(&Func{Name: "matches regex", Hidden: true, Pure: true, Ref: "https://learn.microsoft.com/kusto/query/matches-regex-operator",
		Doc: "Left-hand side matches the regular expression on the right.",
		Sigs: []*Sig{sig(schema.Bool, Map2(func(s, pattern string) (bool, bool) {
			re, err := CompileRegex(pattern)
			if err != nil {
				return false, false
			}
			return re.MatchString(s), true
		}), p("source", Any), Param{Name: "regex", Types: tString, Regex: true})},
		Examples: []Example{{`"Fabrikam" matches regex "b.*k"`, "true"}, {`"Fabrikam" matches regex "^k"`, "false"}}})

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

func splitString(s, delim string) []any {
	var parts []string
	if delim == "" {
		parts = []string{s}
	} else {
		parts = strings.Split(s, delim)
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out
}
