package funcs

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file declares the functions that parse structured text into
// dynamic values: URLs and their queries, file paths, command lines, CSV
// records and version numbers.

// urlParts are the members of parse_url()'s result, in its order.
var urlParts = []string{"Scheme", "Host", "Port", "Path", "Username", "Password", "Query Parameters", "Fragment"}

// isSchemeChar reports whether c may appear in a URL scheme after its
// first letter.
func isSchemeChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}

// parseQuery returns the parameters of a URL query (k1=v1&k2=v2) as a
// bag, in order; a later duplicate key replaces an earlier one, a key
// without = has the empty value, and the text is kept as it is (not
// percent-decoded).
func parseQuery(q string) *value.Bag {
	bag := &value.Bag{}
	for _, pair := range strings.Split(q, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		bag.Set(k, v)
	}
	return bag
}

// parseURL implements parse_url(): an absolute URL
// scheme://[user[:password]@]host[:port][/path][?query][#fragment] is
// split into its parts; text that is not an absolute URL gives every part
// empty. The path keeps its leading slash.
// https://learn.microsoft.com/kusto/query/parse-url-function
func parseURL(s string) any {
	parts := make([]any, len(urlParts))
	for i := range parts {
		parts[i] = ""
	}
	parts[6] = &value.Bag{}
	bag := func() any { return &value.Bag{Keys: append([]string(nil), urlParts...), Vals: parts} }

	i := strings.Index(s, "://")
	if i < 1 || !('a' <= s[0]|0x20 && s[0]|0x20 <= 'z') {
		return bag()
	}
	for j := 1; j < i; j++ {
		if !isSchemeChar(s[j]) {
			return bag()
		}
	}
	scheme, rest := s[:i], s[i+3:]
	if k := strings.IndexByte(rest, '#'); k >= 0 {
		parts[7] = rest[k+1:]
		rest = rest[:k]
	}
	if k := strings.IndexByte(rest, '?'); k >= 0 {
		parts[6] = parseQuery(rest[k+1:])
		rest = rest[:k]
	}
	authority, path := rest, ""
	if k := strings.IndexByte(rest, '/'); k >= 0 {
		authority, path = rest[:k], rest[k:]
	}
	if k := strings.LastIndexByte(authority, '@'); k >= 0 {
		user, pass, _ := strings.Cut(authority[:k], ":")
		parts[4], parts[5] = user, pass
		authority = authority[k+1:]
	}
	host, port := authority, ""
	if strings.HasPrefix(host, "[") {
		if k := strings.IndexByte(host, ']'); k >= 0 {
			host, port = authority[:k+1], strings.TrimPrefix(authority[k+1:], ":")
		}
	} else if k := strings.LastIndexByte(host, ':'); k >= 0 {
		host, port = authority[:k], authority[k+1:]
	}
	parts[0], parts[1], parts[2], parts[3] = scheme, host, port, path
	return bag()
}

// pathParts are the members of parse_path()'s result, in its order.
var pathParts = []string{"Scheme", "RootPath", "DirectoryPath", "DirectoryName", "Filename", "Extension", "AlternateDataStreamName"}

// parsePath implements parse_path(): an optional scheme (file://), the
// drive of a Windows path as its root, the directory (the text before the
// last slash or backslash) and its last name, the file name, its
// extension, and the alternate data stream after a colon in the file
// name.
// https://learn.microsoft.com/kusto/query/parse-path-function
func parsePath(s string) any {
	var scheme, root, dir, dirName, file, ext, stream string
	if i := strings.Index(s, "://"); i > 1 {
		ok := true
		for j := 0; j < i; j++ {
			if !isSchemeChar(s[j]) {
				ok = false
				break
			}
		}
		if ok {
			scheme, s = s[:i], s[i+3:]
		}
	}
	body := s
	if strings.HasPrefix(body, `\\?\`) || strings.HasPrefix(body, `\\.\`) {
		body = body[4:]
	}
	if len(body) >= 2 && body[1] == ':' && ('a' <= body[0]|0x20 && body[0]|0x20 <= 'z') {
		root = body[:2]
	}
	file = s
	if k := strings.LastIndexAny(s, `/\`); k >= 0 {
		dir, file = s[:k], s[k+1:]
		name := dir
		if j := strings.LastIndexAny(name, `/\`); j >= 0 {
			name = name[j+1:]
		}
		if name != root {
			dirName = name
		}
	}
	if k := strings.IndexByte(file, ':'); k >= 0 && !(dir == "" && root != "" && k == 1) {
		file, stream = file[:k], file[k+1:]
	}
	if k := strings.LastIndexByte(file, '.'); k >= 0 {
		ext = file[k+1:]
	}
	return &value.Bag{Keys: append([]string(nil), pathParts...), Vals: []any{scheme, root, dir, dirName, file, ext, stream}}
}

// parseCommandLine splits a command line as Windows' CommandLineToArgvW
// does. The first argument, the program, ends at the next space or tab,
// or when it starts with a quote, at the next quote. In the other
// arguments, spaces and tabs separate arguments outside quotes; 2n
// backslashes before a quote are n backslashes and the quote opens or
// closes quoting, 2n+1 are n backslashes and a literal quote; other
// backslashes are literal; inside quotes, two quotes are a literal quote
// that also closes the quoting.
// https://learn.microsoft.com/kusto/query/parse-command-line-function
func parseCommandLine(s string) []any {
	args := []any{}
	if s == "" {
		return args
	}
	i := 0
	var prog strings.Builder
	if s[0] == '"' {
		i = 1
		for i < len(s) && s[i] != '"' {
			prog.WriteByte(s[i])
			i++
		}
		if i < len(s) {
			i++
		}
	} else {
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			prog.WriteByte(s[i])
			i++
		}
	}
	args = append(args, prog.String())
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			return args
		}
		var arg string
		arg, i = commandLineArg(s, i)
		args = append(args, arg)
	}
}

// commandLineArg reads the argument that starts at s[i] by the rules of
// parseCommandLine and returns it and the offset after it.
func commandLineArg(s string, i int) (string, int) {
	var arg strings.Builder
	quoted := false
	for i < len(s) {
		c := s[i]
		switch {
		case (c == ' ' || c == '\t') && !quoted:
			return arg.String(), i
		case c == '\\':
			n := 0
			for i < len(s) && s[i] == '\\' {
				n++
				i++
			}
			if i < len(s) && s[i] == '"' {
				arg.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					arg.WriteByte('"')
					i++
				}
			} else {
				arg.WriteString(strings.Repeat(`\`, n))
			}
		case c == '"':
			i++
			if quoted && i < len(s) && s[i] == '"' {
				arg.WriteByte('"')
				i++
				quoted = false
			} else {
				quoted = !quoted
			}
		default:
			arg.WriteByte(c)
			i++
		}
	}
	return arg.String(), i
}

// parseCSV implements parse_csv(): the fields of the first record of CSV
// text. A field in double quotes may hold commas, line breaks and doubled
// quotes; a line break outside quotes ends the record.
// https://learn.microsoft.com/kusto/query/parse-csv-function
func parseCSV(s string) []any {
	fields := []any{}
	var f strings.Builder
	quoted, started := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if quoted {
			if c == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					f.WriteByte('"')
					i++
				} else {
					quoted = false
				}
				continue
			}
			f.WriteByte(c)
			continue
		}
		switch c {
		case '"':
			if !started {
				quoted, started = true, true
				continue
			}
			f.WriteByte(c)
		case ',':
			fields = append(fields, f.String())
			f.Reset()
			started = false
			continue
		case '\n', '\r':
			return append(fields, f.String())
		default:
			f.WriteByte(c)
		}
		started = true
	}
	return append(fields, f.String())
}

// parseVersion implements parse_version(): one to four dot-separated
// parts of up to eight digits, missing trailing parts being zero, as the
// decimal whose groups of eight digits are the parts (1.2.3.4 is
// 1000000020000000300000004, exactly: it needs 25 digits, which a decimal
// holds).
// https://learn.microsoft.com/kusto/query/parse-version-function
func parseVersion(s string) (any, bool) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) > 4 {
		return nil, false
	}
	var text strings.Builder
	for i := 0; i < 4; i++ {
		p := "0"
		if i < len(parts) {
			p = parts[i]
			if p == "" || len(p) > 8 {
				return nil, false
			}
			for j := 0; j < len(p); j++ {
				if p[j] < '0' || p[j] > '9' {
					return nil, false
				}
			}
		}
		if i > 0 {
			text.WriteString(strings.Repeat("0", 8-len(p)))
		}
		text.WriteString(p)
	}
	d, ok := value.ParseDecimal(text.String())
	if !ok {
		return nil, false
	}
	return d.Normalize(), true
}

func init() {
	defer inCategory(CatString)()
	parseURLFunc := &Func{Name: "parse_url", Pure: true, Ref: refText + "parse-url-function",
		Doc:  "Parses an absolute URL into a dynamic bag of its parts: Scheme, Host, Port, Path, Username, Password, Query Parameters and Fragment.",
		Sigs: []*Sig{sig(schema.Dynamic, Map1(func(s string) (any, bool) { return parseURL(s), true }), p("url", tString))},
		Examples: []Example{
			{`parse_url("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")`,
				`{"Scheme":"scheme","Host":"host","Port":"1234","Path":"/this/is/a/path","Username":"username","Password":"password","Query Parameters":{"k1":"v1","k2":"v2"},"Fragment":"fragment"}`},
			{`parse_url("https://bing.com").Host`, "bing.com"},
			{`parse_url("bing.com").Host`, ""},
		}}
	register(parseURLFunc)
	alias("parseurl", parseURLFunc)
	parseQueryFunc := &Func{Name: "parse_urlquery", Pure: true, Ref: refText + "parse-urlquery-function",
		Doc: "Parses the query of a URL (k1=v1&k2=v2) into a dynamic bag with its parameters under \"Query Parameters\".",
		Sigs: []*Sig{sig(schema.Dynamic, Map1(func(s string) (any, bool) {
			return &value.Bag{Keys: []string{"Query Parameters"}, Vals: []any{parseQuery(strings.TrimPrefix(s, "?"))}}, true
		}), p("query", tString))},
		Examples: []Example{
			{`parse_urlquery("k1=v1&k2=v2&k3=v3")`, `{"Query Parameters":{"k1":"v1","k2":"v2","k3":"v3"}}`},
			{`parse_urlquery('view=vs-2019&preserve-view=true')["Query Parameters"]["preserve-view"]`, "true"},
		}}
	register(parseQueryFunc)
	alias("parseurlquery", parseQueryFunc)

	register(&Func{Name: "parse_path", Pure: true, Ref: refText + "parse-path-function",
		Doc:  "Parses a file path into a dynamic bag of its parts: Scheme, RootPath, DirectoryPath, DirectoryName, Filename, Extension and AlternateDataStreamName.",
		Sigs: []*Sig{sig(schema.Dynamic, Map1(func(s string) (any, bool) { return parsePath(s), true }), p("path", tString))},
		Examples: []Example{
			{`parse_path(@"C:\temp\file.txt")`, `{"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`},
			{`parse_path(@"temp\file.txt")`, `{"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`},
			{`parse_path("file://C:/temp/file.txt:some.exe")`, `{"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"}`},
			{`parse_path(@"\\shared\users\temp\file.txt.gz")`, `{"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""}`},
			{`parse_path("/usr/lib/temp/file.txt")`, `{"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`},
		}})
	register(&Func{Name: "parse_command_line", Pure: true, Ref: refText + "parse-command-line-function",
		Doc: `Splits a command line into a dynamic array of its arguments, as Windows' CommandLineToArgvW does (the only parser, "windows").`,
		Sigs: []*Sig{sig(schema.Dynamic, Map2(func(s, parser string) (any, bool) {
			if !strings.EqualFold(parser, "windows") {
				return nil, false
			}
			return parseCommandLine(s), true
		}), p("command_line", Any), p("parser_type", tString))},
		Examples: []Example{
			{`parse_command_line("echo \"hello world!\"", "windows")`, `["echo","hello world!"]`},
			{`parse_command_line(@"""C:\Program Files\a.exe"" -x ""a b"" c\\\""d", "windows")`, `["C:\\Program Files\\a.exe","-x","a b","c\\\"d"]`},
			{`isnull(parse_command_line("a b", "linux"))`, "true"},
		}})
	register(&Func{Name: "parse_csv", Pure: true, ResultName: NameFirstArg, Ref: refText + "parse-csv-function",
		Doc:  "Splits the first record of comma-separated values into a dynamic array of strings; double quotes escape commas, line breaks and quotes.",
		Sigs: []*Sig{sig(schema.Dynamic, Map1(func(s string) (any, bool) { return parseCSV(s), true }), p("csv_text", tString))},
		Examples: []Example{
			{`parse_csv('aa,"b,b,b",cc,"Escaping quotes: ""Title""","line1\nline2"')`, `["aa","b,b,b","cc","Escaping quotes: \"Title\"","line1\nline2"]`},
			{`parse_csv('record1,a,b,c\nrecord2,x,y,z')`, `["record1","a","b","c"]`},
			{`array_length(parse_csv("Guy Reginiano, Guy Yehudy, Pankaj Suri, Saeed Copty"))`, "4"},
		}})
	register(&Func{Name: "parse_version", Pure: true, Ref: refText + "parse-version-function",
		Doc:  "Converts a version of one to four dot-separated numbers into a decimal that compares as the version does; null when it is not one.",
		Sigs: []*Sig{sig(schema.Decimal, Map1(parseVersion), p("version", tString))},
		Examples: []Example{{`parse_version("0.0.0.5")`, "5"}, {`parse_version("0.0.7.0")`, "700000000"}, {`parse_version("0.0.3")`, "300000000"},
			{`parse_version("0.2") < parse_version("1.0.0.0")`, "true"}, {`parse_version("1") == parse_version("1.0.0.0")`, "true"},
			{`parse_version("1.2.3") > parse_version("1.2")`, "true"}, {`isnull(parse_version("1.2.3.4.5"))`, "true"},
			{`isnull(parse_version("a.b"))`, "true"}}})

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
