package funcs

import (
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

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
