package funcs

import (
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file declares the string functions built on regular expressions
// and replacement: extract_all, replace_regex, replace_string,
// replace_strings, trim and regex_quote. KQL's regular expressions are
// RE2's, like Go's; replacement patterns use RE2's \0..\9 rewrite syntax.

// regexReader returns a function giving the compiled regular expression of
// row i of pattern column c, or nil when it is null or does not compile.
// A constant pattern is compiled once.
func regexReader(c *value.Column, wrap func(string) string) func(i int) *regexp.Regexp {
	rs := reader[string](c)
	compile := func(i int) *regexp.Regexp {
		s, _ := rs(i)
		if wrap != nil {
			s = wrap(s)
		}
		re, err := CompileRegex(s)
		if err != nil {
			return nil
		}
		return re
	}
	if c.Const {
		re := compile(0)
		return func(int) *regexp.Regexp { return re }
	}
	return compile
}

// extractAll implements extract_all(): for every match, the selected
// capture groups (all of them when groups is nil); one group gives a flat
// array of strings, several an array of arrays. No match gives null, as
// does a group that the regex does not have.
// https://learn.microsoft.com/kusto/query/extract-all-function
func extractAll(re *regexp.Regexp, groups []any, hasGroups bool, s string) (any, bool) {
	var idx []int
	if hasGroups {
		for _, g := range groups {
			switch x := g.(type) {
			case int64:
				if x < 0 || int(x) > re.NumSubexp() {
					return nil, false
				}
				idx = append(idx, int(x))
			case float64:
				if x != float64(int(x)) || x < 0 || int(x) > re.NumSubexp() {
					return nil, false
				}
				idx = append(idx, int(x))
			case string:
				k := re.SubexpIndex(x)
				if k < 0 {
					return nil, false
				}
				idx = append(idx, k)
			default:
				return nil, false
			}
		}
		if len(idx) == 0 {
			return nil, false
		}
	} else {
		for k := 1; k <= re.NumSubexp(); k++ {
			idx = append(idx, k)
		}
		if len(idx) == 0 {
			idx = []int{0} // no groups: the whole matches
		}
	}
	matches := re.FindAllStringSubmatchIndex(s, -1)
	if len(matches) == 0 {
		return nil, false
	}
	out := make([]any, len(matches))
	for i, m := range matches {
		group := func(k int) any {
			if m[2*k] < 0 {
				return ""
			}
			return s[m[2*k]:m[2*k+1]]
		}
		if len(idx) == 1 {
			out[i] = group(idx[0])
			continue
		}
		row := make([]any, len(idx))
		for j, k := range idx {
			row[j] = group(k)
		}
		out[i] = row
	}
	return out, true
}

// rewrite is a parsed RE2 replacement pattern: literal text and group
// references \0 (the whole match) to \9.
type rewrite struct {
	lits   []string
	groups []int // groups[i] follows lits[i]; -1 after the last literal
}

// parseRewrite parses an RE2 rewrite pattern. \\ is a backslash; a
// backslash before anything else is kept as it is.
func parseRewrite(p string) rewrite {
	var rw rewrite
	var lit strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '\\' || i+1 == len(p) {
			lit.WriteByte(c)
			continue
		}
		next := p[i+1]
		switch {
		case next >= '0' && next <= '9':
			rw.lits = append(rw.lits, lit.String())
			rw.groups = append(rw.groups, int(next-'0'))
			lit.Reset()
			i++
		case next == '\\':
			lit.WriteByte('\\')
			i++
		default:
			lit.WriteByte(c)
		}
	}
	rw.lits = append(rw.lits, lit.String())
	rw.groups = append(rw.groups, -1)
	return rw
}

// replaceRegex replaces every non-overlapping match of re in s by the
// rewrite; references to groups the regex lacks are empty.
// https://learn.microsoft.com/kusto/query/replace-regex-function
func replaceRegex(s string, re *regexp.Regexp, rw rewrite) string {
	matches := re.FindAllStringSubmatchIndex(s, -1)
	if len(matches) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		b.WriteString(s[last:m[0]])
		for i, lit := range rw.lits {
			b.WriteString(lit)
			if k := rw.groups[i]; k >= 0 && 2*k+1 < len(m) && m[2*k] >= 0 {
				b.WriteString(s[m[2*k]:m[2*k+1]])
			}
			checkString(b.Len() + len(s) - m[1])
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// replaceRegexKernel returns the kernel of replace_regex() or of the
// legacy replace(), whose arguments come in another order: src, re and rw
// are the positions of the source, regex and rewrite arguments.
func replaceRegexKernel(src, re, rw int) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		rs, rr := reader[string](args[src]), reader[string](args[rw])
		regexAt := regexReader(args[re], nil)
		var constRW *rewrite
		if args[rw].Const {
			p, _ := rr(0)
			r := parseRewrite(p)
			constRW = &r
		}
		n = rows(args, n, out)
		for i := 0; i < n; i++ {
			s, _ := rs(i)
			re := regexAt(i)
			if re == nil {
				out.AppendNull()
				continue
			}
			r := constRW
			if r == nil {
				p, _ := rr(i)
				pr := parseRewrite(p)
				r = &pr
			}
			out.Strs = append(out.Strs, replaceRegex(s, re, *r))
		}
	}
}

// replaceStrings implements replace_strings(): every lookup is searched
// in turn, earlier lookups first, and an occurrence that overlaps text an
// earlier lookup matched is skipped. A lookup that is not a string is
// ignored; a match whose rewrite is not a string keeps its text.
// https://learn.microsoft.com/kusto/query/replace-strings-function
func replaceStrings(s string, lookups, rewrites any) (string, bool) {
	look, ok1 := lookups.([]any)
	rw, ok2 := rewrites.([]any)
	if !ok1 || !ok2 {
		return "", false
	}
	type span struct {
		start, end int
		with       string
		keep       bool
	}
	var spans []span
	overlaps := func(a, b int) bool {
		for _, sp := range spans {
			if a < sp.end && sp.start < b {
				return true
			}
		}
		return false
	}
	for i, l := range look {
		needle, ok := l.(string)
		if !ok || needle == "" {
			continue
		}
		with, isStr := "", false
		if i < len(rw) {
			with, isStr = rw[i].(string)
		}
		for from := 0; from <= len(s); {
			k := strings.Index(s[from:], needle)
			if k < 0 {
				break
			}
			at := from + k
			if overlaps(at, at+len(needle)) {
				from = at + 1
				continue
			}
			spans = append(spans, span{at, at + len(needle), with, !isStr})
			from = at + len(needle)
		}
	}
	if len(spans) == 0 {
		return s, true
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	size := len(s)
	for _, sp := range spans {
		if !sp.keep {
			size += len(sp.with) - (sp.end - sp.start)
		}
	}
	checkString(size)
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.start])
		if sp.keep {
			b.WriteString(s[sp.start:sp.end])
		} else {
			b.WriteString(sp.with)
		}
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// trimKernel implements trim(), trim_start() and trim_end(): every
// leading and/or trailing match of the regex is removed.
// https://learn.microsoft.com/kusto/query/trim-function
func trimKernel(start, end bool) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		var head, tail func(int) *regexp.Regexp
		if start {
			head = regexReader(args[0], func(p string) string { return `^(?:` + p + `)+` })
		}
		if end {
			tail = regexReader(args[0], func(p string) string { return `(?:` + p + `)+$` })
		}
		rp, rs := reader[string](args[0]), reader[string](args[1])
		n = rows(args, n, out)
		for i := 0; i < n; i++ {
			s, _ := rs(i)
			if p, _ := rp(i); p == "" {
				out.Strs = append(out.Strs, s)
				continue
			}
			if start {
				re := head(i)
				if re == nil {
					out.AppendNull()
					continue
				}
				if m := re.FindStringIndex(s); m != nil {
					s = s[m[1]:]
				}
			}
			if end {
				re := tail(i)
				if re == nil {
					out.AppendNull()
					continue
				}
				if m := re.FindStringIndex(s); m != nil {
					s = s[:m[0]]
				}
			}
			out.Strs = append(out.Strs, s)
		}
	}
}

// regexQuote escapes s as RE2's QuoteMeta does: every ASCII character
// other than a letter, digit or underscore is preceded by a backslash,
// NUL becomes \x00, and other bytes are kept.
// https://learn.microsoft.com/kusto/query/regex-quote-function
func regexQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0:
			b.WriteString(`\x00`)
		case c >= 0x80 || c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
			b.WriteByte(c)
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String()
}

func init() {
	defer inCategory(CatString)()
	constRegex := func(name string) Param { return Param{Name: name, Types: tString, Const: true, Regex: true} }
	extractAllKernel := func(withGroups bool) Kernel {
		return func(_ *Context, args []*value.Column, n int, out *value.Column) {
			regexAt := regexReader(args[0], nil)
			src := args[len(args)-1]
			rs := reader[string](src)
			n = rows(args, n, out)
			for i := 0; i < n; i++ {
				re := regexAt(i)
				s, _ := rs(i)
				var groups []any
				if withGroups {
					g, ok := args[1].Get(i).([]any)
					if !ok {
						out.AppendNull()
						continue
					}
					groups = g
				}
				if re == nil {
					out.AppendNull()
					continue
				}
				v, ok := extractAll(re, groups, withGroups, s)
				if !ok {
					out.AppendNull()
					continue
				}
				out.Append(v)
			}
		}
	}
	extractAllFunc := &Func{Name: "extract_all", Pure: true, Ref: refText + "extract-all-function",
		Doc: "Returns every match of a regular expression: the captured groups, or a chosen subset of them, as a dynamic array; null when nothing matches.",
		Sigs: []*Sig{
			sig(schema.Dynamic, extractAllKernel(false), constRegex("regex"), p("source", tString)),
			sig(schema.Dynamic, extractAllKernel(true), constRegex("regex"), p("captureGroups", tDynamic), p("source", tString)),
		},
		Examples: []Example{
			{`extract_all(@"(\d+)", "a set of numbers: 123, 567 and 789")`, `["123","567","789"]`},
			{`extract_all(@"([\da-f]{2})", "82b8be2d-dfa7-4bd1-8f63-24ad26d31449")`, `["82","b8","be","2d","df","a7","4b","d1","8f","63","24","ad","26","d3","14","49"]`},
			{`extract_all(@"(\w)(\w+)(\w)", "82b8be2d-dfa7-4bd1-8f63-24ad26d31449")`, `[["8","2b8be2","d"],["d","fa","7"],["4","bd","1"],["8","f6","3"],["2","4ad26d3144","9"]]`},
			{`extract_all(@"(\w)(\w+)(\w)", dynamic([1,3]), "82b8be2d-dfa7-4bd1-8f63-24ad26d31449")`, `[["8","d"],["d","7"],["4","1"],["8","3"],["2","9"]]`},
			{`extract_all(@"(?P<first>\w)(?P<middle>\w+)(?P<last>\w)", dynamic(['first',2,'last']), "82b8be2d-dfa7-4bd1-8f63-24ad26d31449")`, `[["8","2b8be2","d"],["d","fa","7"],["4","bd","1"],["8","f6","3"],["2","4ad26d3144","9"]]`},
			{`isnull(extract_all(@"(\d+)", "no digits"))`, "true"},
		}}
	register(extractAllFunc)
	alias("extractall", extractAllFunc)

	register(&Func{Name: "replace_regex", Pure: true, Ref: refText + "replace-regex-function",
		Doc:  `Replaces every match of a regular expression by a rewrite pattern, in which \0 is the whole match and \1 to \9 are capture groups; a result over 64 MB fails the query.`,
		Sigs: []*Sig{sig(schema.String, replaceRegexKernel(0, 1, 2), p("source", tString), constRegex("lookup_regex"), Param{Name: "rewrite_pattern", Types: tString, Const: true})},
		Examples: []Example{{`replace_regex("Number is 1", @'is (\d+)', @'was: \1')`, "Number was: 1"},
			{`replace_regex("abc", "", "-")`, "-a-b-c-"}, {`replace_regex("a.b.c", @"\.", @"\\")`, `a\b\c`}, {`replace_regex("$x", @"(x)", "[\\0$1]")`, "$[x$1]"}}})
	register(&Func{Name: "replace", Pure: true, Ref: refText + "replace-regex-function",
		Doc:      "Replaces every match of a regular expression; the deprecated form of replace_regex(), with the regex first and the source last.",
		Sigs:     []*Sig{sig(schema.String, replaceRegexKernel(2, 0, 1), constRegex("regex"), Param{Name: "rewrite", Types: tString, Const: true}, p("source", tString))},
		Examples: []Example{{`replace(@'is (\d+)', @'was: \1', "Number is 1")`, "Number was: 1"}}})
	register(&Func{Name: "replace_string", Pure: true, Ref: refText + "replace-string-function",
		Doc: "Replaces every non-overlapping occurrence of a string by another (case-sensitive); a result over 64 MB fails the query.",
		Sigs: []*Sig{sig(schema.String, Map3(func(s, lookup, with string) (string, bool) {
			if lookup == "" {
				return s, true
			}
			if len(with) > len(lookup) {
				checkString(len(s) + strings.Count(s, lookup)*(len(with)-len(lookup)))
			}
			return strings.ReplaceAll(s, lookup, with), true
		}), p("text", tString), p("lookup", tString), p("rewrite", tString))},
		Examples: []Example{{`replace_string("Number is 1", 'is', 'was')`, "Number was 1"}, {`replace_string("aaa", "aa", "b")`, "ba"},
			{`replace_string("abc", "", "x")`, "abc"}}})
	register(&Func{Name: "replace_strings", Pure: true, Ref: refText + "replace-strings-function",
		Doc:  "Replaces the occurrences of several strings by their rewrites; earlier lookups take precedence and matches do not overlap; a result over 64 MB fails the query.",
		Sigs: []*Sig{sig(schema.String, Map3(replaceStrings), p("text", tString), p("lookups", tDynamic), p("rewrites", tDynamic))},
		Examples: []Example{
			{`replace_strings("A magic trick can turn a cat into a dog", dynamic(['cat', 'dog']), dynamic(['dog', 'pigeon']))`, "A magic trick can turn a dog into a pigeon"},
			{`replace_strings("A magic trick can turn a cat into a dog", dynamic(['turn', ' into a dog']), dynamic(['disappear', '']))`, "A magic trick can disappear a cat"},
			{`replace_strings("This is an example of using replace_strings()", dynamic(['This', 'is']), dynamic(['This', 'was']))`, "This was an example of using replace_strings()"},
			{`replace_strings("This is an example of using replace_strings()", dynamic(['is', 'This']), dynamic(['was', 'This']))`, "Thwas was an example of using replace_strings()"},
			{`replace_strings("This is an example of using replace_strings()", dynamic(['This', 'is']), dynamic([12345, 'was']))`, "This was an example of using replace_strings()"},
		}})

	trimSig := func(start, end bool) []*Sig {
		return []*Sig{sig(schema.String, trimKernel(start, end), constRegex("regex"), p("source", tString))}
	}
	register(&Func{Name: "trim", Pure: true, Ref: refText + "trim-function",
		Doc:  "Removes all leading and trailing matches of a regular expression.",
		Sigs: trimSig(true, true),
		Examples: []Example{{`trim("--", "--https://bing.com--")`, "https://bing.com"}, {`trim(@"[^\w]+", "-  Te st1// $")`, "Te st1"},
			{`trim(@"\s+", "    Hello, world!    ")`, "Hello, world!"}, {`trim("-", "---a---")`, "a"}}})
	register(&Func{Name: "trim_start", Pure: true, Ref: refText + "trim-start-function",
		Doc:  "Removes the leading matches of a regular expression.",
		Sigs: trimSig(true, false),
		Examples: []Example{{`trim_start("https://", "https://bing.com")`, "bing.com"}, {`trim_start(@"[^\w]+", "-  Te st1// $")`, "Te st1// $"},
			{`strlen(trim_start(@"\s+", "    Hello, world!    "))`, "17"}}})
	register(&Func{Name: "trim_end", Pure: true, Ref: refText + "trim-end-function",
		Doc:  "Removes the trailing matches of a regular expression.",
		Sigs: trimSig(false, true),
		Examples: []Example{{`trim_end("--", "--https://bing.com--")`, "--https://bing.com"}, {`trim_end(@"[^\w]+", "-  Te st1// $")`, "-  Te st1"},
			{`strlen(trim_end(@"\s+", "    Hello, world!    "))`, "17"}}})
	register(&Func{Name: "regex_quote", Pure: true, Ref: refText + "regex-quote-function",
		Doc:  "Escapes every regular expression metacharacter of a string.",
		Sigs: []*Sig{sig(schema.String, Map1(func(s string) (string, bool) { return regexQuote(s), true }), p("string", Any))},
		Examples: []Example{{`regex_quote('(so$me.Te^xt)')`, `\(so\$me\.Te\^xt\)`}, {`"a.b" matches regex regex_quote("a.b")`, "true"},
			{`"axb" matches regex regex_quote("a.b")`, "false"}}})

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
