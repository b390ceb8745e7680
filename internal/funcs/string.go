package funcs

import (
	"crypto/rand"
	"strings"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// This file declares the string functions that take and return plain
// text: concatenation, substrings, searching, counting and character
// mapping. Positions and lengths count Unicode code points, as strlen()
// does. Arguments that Kusto declares as any scalar are converted to
// their text first, as tostring() does.

// refText is the folder of the reference pages of the text functions.
const refText = "https://learn.microsoft.com/kusto/query/"

// text is a string indexed by code point. ASCII text (the common case)
// is indexed by byte without decoding.
type text struct {
	s     string
	runes []rune // nil when s is ASCII
}

func newText(s string) text {
	if isASCII(s) {
		return text{s: s}
	}
	return text{s: s, runes: []rune(s)}
}

// len returns the number of code points.
func (t text) len() int {
	if t.runes == nil {
		return len(t.s)
	}
	return len(t.runes)
}

// slice returns the code points [i, j).
func (t text) slice(i, j int) string {
	if t.runes == nil {
		return t.s[i:j]
	}
	return string(t.runes[i:j])
}

// index returns the code point position of the first occurrence of needle
// that starts at or after from and ends at or before end, or -1.
func (t text) index(needle text, from, end int) int {
	n := needle.len()
	if t.runes == nil && needle.runes == nil {
		if k := strings.Index(t.s[from:end], needle.s); k >= 0 {
			return from + k
		}
		return -1
	}
	hay, nd := t.allRunes(), needle.allRunes()
	for i := from; i+n <= end; i++ {
		match := true
		for j := 0; j < n; j++ {
			if hay[i+j] != nd[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}

func (t text) allRunes() []rune {
	if t.runes == nil {
		return []rune(t.s)
	}
	return t.runes
}

// runeOffset returns the code point position of byte offset b of s.
func runeOffset(s string, b int) int {
	if isASCII(s[:b]) {
		return b
	}
	return utf8.RuneCountInString(s[:b])
}

// substring implements substring(): a negative start counts from the end;
// positions out of range are clamped; a negative length gives "".
// https://learn.microsoft.com/kusto/query/substring-function
func substring(s string, start int64, length int64, hasLength bool) string {
	t := newText(s)
	n := int64(t.len())
	if start < 0 {
		start = max(n+start, 0)
	}
	if start >= n {
		return ""
	}
	end := n
	if hasLength {
		if length < 0 {
			return ""
		}
		end = start + min(length, n-start)
	}
	return t.slice(int(start), int(end))
}

// searchWindow resolves the start and length arguments of indexof() and
// indexof_regex() against a text of n code points: it returns the first
// position to examine, the window length (-1: unlimited) and whether the
// arguments are valid.
func searchWindow(n int, start, length, occurrence int64, negativeStart bool) (int, int64, bool) {
	if length < -1 || occurrence < 0 {
		return 0, 0, false
	}
	if start < 0 {
		if !negativeStart {
			return 0, 0, false
		}
		start += int64(n)
		if start < 0 {
			return 0, 0, false
		}
	}
	return int(min(start, int64(n)+1)), length, true
}

// windowEnd returns where a search window that starts at pos ends.
func windowEnd(pos int, length int64, n int) int {
	if length == -1 || length > int64(n-pos) {
		return n
	}
	return pos + int(length)
}

// indexOf implements indexof(): the position of the occurrence-th match
// of lookup, searching windows of length code points from start; each
// further occurrence is searched from one past the previous match.
// https://learn.microsoft.com/kusto/query/indexof-function
func indexOf(s, lookup string, start, length, occurrence int64) (int64, bool) {
	t, nd := newText(s), newText(lookup)
	n := t.len()
	pos, length, ok := searchWindow(n, start, length, occurrence, true)
	if !ok {
		return 0, false
	}
	if pos > n {
		return -1, true
	}
	for k := int64(1); ; k++ {
		end := windowEnd(pos, length, n)
		if end < pos {
			return -1, true
		}
		i := t.index(nd, pos, end)
		if i < 0 {
			return -1, true
		}
		if k >= occurrence {
			return int64(i), true
		}
		pos = i + 1
	}
}

// indexOfRegex implements indexof_regex(): as indexOf, but matches do not
// overlap and a negative start is invalid.
// https://learn.microsoft.com/kusto/query/indexof-regex-function
func indexOfRegex(s, pattern string, start, length, occurrence int64) (int64, bool) {
	re, err := CompileRegex(pattern)
	if err != nil {
		return 0, false
	}
	t := newText(s)
	n := t.len()
	pos, length, ok := searchWindow(n, start, length, occurrence, false)
	if !ok {
		return 0, false
	}
	if pos > n {
		return -1, true
	}
	for k := int64(1); ; k++ {
		end := windowEnd(pos, length, n)
		window := t.slice(pos, end)
		m := re.FindStringIndex(window)
		if m == nil {
			return -1, true
		}
		at := pos + runeOffset(window, m[0])
		if k >= occurrence {
			return int64(at), true
		}
		next := pos + runeOffset(window, m[1])
		if next == at {
			next++
		}
		if next > n {
			return -1, true
		}
		pos = next
	}
}

// countOf implements countof(): plain matches may overlap, regex matches
// do not. An empty search string occurs nowhere.
// https://learn.microsoft.com/kusto/query/countof-function
func countOf(s, search, kind string) (int64, bool) {
	switch strings.ToLower(kind) {
	case "", "normal":
		if search == "" {
			return 0, true
		}
		var n int64
		for i := 0; ; {
			k := strings.Index(s[i:], search)
			if k < 0 {
				return n, true
			}
			n++
			_, size := utf8.DecodeRuneInString(s[i+k:])
			i += k + size
		}
	case "regex":
		re, err := CompileRegex(search)
		if err != nil {
			return 0, false
		}
		return int64(len(re.FindAllStringIndex(s, -1))), true
	}
	return 0, false
}

// translate implements translate(): each character of s found in search
// is replaced by the character at the same position of replace, or by
// replace's last character when replace is shorter; an empty replace
// deletes the characters.
// https://learn.microsoft.com/kusto/query/translate-function
func translate(search, replace, s string) string {
	from, to := []rune(search), []rune(replace)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		i := -1
		for j, f := range from {
			if f == r {
				i = j
				break
			}
		}
		switch {
		case i < 0:
			b.WriteRune(r)
		case len(to) == 0:
		case i < len(to):
			b.WriteRune(to[i])
		default:
			b.WriteRune(to[len(to)-1])
		}
	}
	return b.String()
}

// reverseString reverses s by code point.
func reverseString(s string) string {
	if isASCII(s) {
		b := make([]byte, len(s))
		for i := 0; i < len(s); i++ {
			b[len(s)-1-i] = s[i]
		}
		return string(b)
	}
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// maxStrrep is the largest multiplier strrep() honours: the reference
// says it "must be a value from 1 to 67108864".
const maxStrrep = 67108864

// strrep implements strrep(): s repeated n times joined by delim; n is
// capped at maxStrrep and a multiplier below 1 gives "". A result longer
// than MaxStringSize bytes is null (the empty string), as the reference
// says the result is limited, so that one call cannot exhaust memory.
// https://learn.microsoft.com/kusto/query/strrep-function
func strrep(s string, n int64, delim string) (string, bool) {
	if n < 1 {
		return "", true
	}
	n = min(n, maxStrrep)
	if size := n*int64(len(s)) + (n-1)*int64(len(delim)); size > int64(maxString) {
		return "", false
	}
	var b strings.Builder
	b.Grow(int(n)*len(s) + int(n-1)*len(delim))
	for i := int64(0); i < n; i++ {
		if i > 0 {
			b.WriteString(delim)
		}
		b.WriteString(s)
	}
	return b.String(), true
}

// strcmp compares ordinally, returning -1, 0 or 1.
func strcmp(a, b string) int64 { return int64(strings.Compare(a, b)) }

// codepointsToString implements unicode_codepoints_to_string(): each
// argument is a code point or an array of them; any invalid code point
// makes the result null.
// https://learn.microsoft.com/kusto/query/unicode-codepoints-to-string-function
func codepointsToString(args []any) (string, bool) {
	var b strings.Builder
	var add func(v any) bool
	add = func(v any) bool {
		var cp int64
		switch x := v.(type) {
		case int64:
			cp = x
		case float64:
			if x != float64(int64(x)) {
				return false
			}
			cp = int64(x)
		case []any:
			for _, e := range x {
				if !add(e) {
					return false
				}
			}
			return true
		default:
			return false
		}
		if cp < 0 || cp > utf8.MaxRune || cp >= 0xD800 && cp <= 0xDFFF {
			return false
		}
		b.WriteRune(rune(cp))
		return true
	}
	for _, a := range args {
		if !add(a) {
			return "", false
		}
	}
	return b.String(), true
}

// dynamicText returns the text of a dynamic array element as strcat_array
// and its relatives use it: a string's own text, JSON for other values.
func dynamicText(v any) string { return value.DynamicString(v) }

// newGUID returns a random (version 4) GUID in canonical form.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&0xf])
	}
	return string(out)
}

// optInt reads optional integer argument i of a call, or def when the
// call has fewer arguments. ok is false when the argument is null.
func optInt(args []*value.Column, i, row int, def int64) (int64, bool) {
	if i >= len(args) {
		return def, true
	}
	return reader[int64](args[i])(row)
}

// strcatDelim implements strcat_delim().
func strcatDelim(_ *Context, args []*value.Column, n int, out *value.Column) {
	n = rows(args, n, out)
	readers := make([]func(int) (string, bool), len(args))
	for j, a := range args {
		readers[j] = reader[string](a)
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		delim, _ := readers[0](i)
		size := len(delim) * (len(readers) - 2)
		for _, r := range readers[1:] {
			s, _ := r(i)
			size += len(s)
		}
		checkString(size)
		b.Reset()
		b.Grow(size)
		for j, r := range readers[1:] {
			if j > 0 {
				b.WriteString(delim)
			}
			s, _ := r(i)
			b.WriteString(s)
		}
		out.Strs = append(out.Strs, b.String())
	}
}

// positional returns a kernel for indexof() and indexof_regex(), whose
// last three arguments are optional integers.
func positional(f func(s, match string, start, length, occurrence int64) (int64, bool)) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		rs, rm := reader[string](args[0]), reader[string](args[1])
		w := writer[int64](out)
		n = rows(args, n, out)
		for i := 0; i < n; i++ {
			s, _ := rs(i)
			m, _ := rm(i)
			start, ok1 := optInt(args, 2, i, 0)
			length, ok2 := optInt(args, 3, i, -1)
			occ, ok3 := optInt(args, 4, i, 1)
			if !ok1 || !ok2 || !ok3 {
				w(0, false)
				continue
			}
			w(f(s, m, start, length, occ))
		}
	}
}

func init() {
	defer inCategory(CatString)()
	register(&Func{Name: "strcat_delim", Pure: true, Ref: refText + "strcat-delim-function",
		Doc:  "Concatenates 1 to 63 arguments, converted to strings, with the first argument as the separator; a result over 64 MB fails the query.",
		Sigs: []*Sig{{Params: []Param{p("delimiter", Any), p("arg", Any)}, Variadic: true, Result: Returns(schema.String), Eval: strcatDelim}},
		Examples: []Example{{`strcat_delim('-', 1, '2', 'A', 1s)`, "1-2-A-00:00:01"}, {`strcat_delim(',', "a")`, "a"},
			{`strcat_delim("|", "a", long(null), "b")`, "a||b"}}})
	register(&Func{Name: "strcat_array", Pure: true, Ref: refText + "strcat-array-function",
		Doc: "Concatenates the elements of a dynamic array, converted to strings, with a delimiter; a result over 64 MB fails the query.",
		Sigs: []*Sig{sig(schema.String, Map2(func(v any, delim string) (string, bool) {
			arr, ok := v.([]any)
			if !ok {
				return "", false
			}
			parts := make([]string, len(arr))
			size := len(delim) * max(len(arr)-1, 0)
			for i, e := range arr {
				parts[i] = dynamicText(e)
				size += len(parts[i])
				checkString(size)
			}
			return strings.Join(parts, delim), true
		}), p("array", tDynamic), p("delimiter", Any))},
		Examples: []Example{{`strcat_array(dynamic([1, 2, 3]), "->")`, "1->2->3"}, {`strcat_array(dynamic([1, 2, 3]), '"')`, `1"2"3`},
			{`strcat_array(dynamic(["a", null, {"b":1}]), ",")`, `a,,{"b":1}`}, {`strcat_array(dynamic([]), ",")`, ""}}})

	register(&Func{Name: "substring", Pure: true, Ref: refText + "substring-function",
		Doc: "Extracts the characters from a start position (negative: from the end), to the end or for a given length.",
		Sigs: []*Sig{
			sig(schema.String, Map2(func(s string, start int64) (string, bool) { return substring(s, start, 0, false), true }),
				p("source", Any), p("startingIndex", Integer)),
			sig(schema.String, Map3(func(s string, start, length int64) (string, bool) { return substring(s, start, length, true), true }),
				p("source", Any), p("startingIndex", Integer), p("length", Integer)),
		},
		Examples: []Example{{`substring("123456", 1)`, "23456"}, {`substring("123456", 2, 2)`, "34"}, {`substring("ABCD", 0, 2)`, "AB"},
			{`substring("123456", -2, 2)`, "56"}, {`substring("abc", 5)`, ""}, {`substring("⒦⒰⒮⒯⒪", 1, 2)`, "⒰⒮"}, {`substring(12345, 1, 3)`, "234"}}})

	register(&Func{Name: "indexof", Pure: true, Ref: refText + "indexof-function",
		Doc: "Returns the zero-based position of an occurrence of a string in another (case-sensitive), -1 when absent.",
		Sigs: []*Sig{{Params: []Param{p("string", Any), p("match", Any), opt("start", Integer), opt("length", Integer),
			{Name: "occurrence", Types: Integer, Optional: true, Const: true}}, Result: Returns(schema.Long), Eval: positional(indexOf)}},
		Examples: []Example{{`indexof("abcdefg","cde")`, "2"}, {`indexof("abcdefg","cde",1,4)`, "2"}, {`indexof("abcdefg","cde",1,2)`, "-1"},
			{`indexof("abcdefg","cde",3,4)`, "-1"}, {`indexof("abcdefg","cde",-5)`, "2"}, {`indexof(1234567,5,1,4)`, "4"},
			{`indexof("abcdefg","cde",2,-1)`, "2"}, {`indexof("abcdefgabcdefg", "cde", 1, 10, 2)`, "9"},
			{`indexof("abcdefgabcdefg", "cde", 1, -1, 3)`, "-1"}, {`isnull(indexof("abc", "b", 0, -2))`, "true"}}})
	register(&Func{Name: "indexof_regex", Pure: true, Ref: refText + "indexof-regex-function",
		Doc: "Returns the zero-based position of an occurrence of a regular expression match, -1 when absent.",
		Sigs: []*Sig{{Params: []Param{p("string", Any), {Name: "match", Types: Any, Const: true, Regex: true}, opt("start", Integer),
			opt("length", Integer), {Name: "occurrence", Types: Integer, Optional: true, Const: true}}, Result: Returns(schema.Long),
			Eval: positional(indexOfRegex)}},
		Examples: []Example{{`indexof_regex("abcabc", @"a.c")`, "0"}, {`indexof_regex("abcabcdefg", @"a.c", 0, 9, 2)`, "3"},
			{`indexof_regex("abcabc", @"a.c", 1, -1, 2)`, "-1"}, {`indexof_regex("ababaa", @"a.a", 0, -1, 2)`, "-1"},
			{`isnull(indexof_regex("abcabc", @"a|ab", -1))`, "true"}}})
	register(&Func{Name: "countof", Pure: true, Ref: refText + "countof-function",
		Doc: "Counts the occurrences of a substring (which may overlap) or of a regular expression's matches (which do not).",
		Sigs: []*Sig{
			sig(schema.Long, Map2(func(s, search string) (int64, bool) { return countOf(s, search, "normal") }),
				p("source", tString), p("search", tString)),
			sig(schema.Long, Map3(countOf), p("source", tString), p("search", tString), Param{Name: "kind", Types: tString, Optional: true, Const: true}),
		},
		Examples: []Example{{`countof("aaa", "a")`, "3"}, {`countof("aaaa", "aa")`, "3"}, {`countof("ababa", "ab", "normal")`, "2"},
			{`countof("ababa", "aba")`, "2"}, {`countof("ababa", "aba", "regex")`, "1"}, {`countof("abcabc", "a.c", "regex")`, "2"}}})

	register(&Func{Name: "translate", Pure: true, Ref: refText + "translate-function",
		Doc:  "Replaces each character of a string found in a search list by the character at the same position of a replacement list.",
		Sigs: []*Sig{sig(schema.String, Map3(func(a, b, s string) (string, bool) { return translate(a, b, s), true }), p("searchList", tString), p("replacementList", tString), p("source", tString))},
		Examples: []Example{{`translate("abc", "x", "abc")`, "xxx"}, {`translate("abc", "", "ab")`, ""},
			{`translate("krasp", "otsku", "spark")`, "kusto"}}})
	register(&Func{Name: "reverse", Pure: true, Ref: refText + "reverse-function",
		Doc:  "Reverses a string (other values are converted to strings first).",
		Sigs: []*Sig{sig(schema.String, Map1(func(s string) (string, bool) { return reverseString(s), true }), p("value", Any))},
		Examples: []Example{{`reverse("ABCDEFGHIJKLMNOPQRSTUVWXYZ")`, "ZYXWVUTSRQPONMLKJIHGFEDCBA"}, {`reverse(12345)`, "54321"},
			{`reverse(123.45)`, "54.321"}, {`reverse(datetime(2017-10-15 12:00))`, "Z0000000.00:00:21T51-01-7102"}, {`reverse(3h)`, "00:00:30"},
			{`reverse("⒦⒰⒮")`, "⒮⒰⒦"}}})
	register(&Func{Name: "strrep", Pure: true, Ref: refText + "strrep-function",
		Doc: "Repeats a string a number of times (at most 67108864), optionally joined by a delimiter; a result over 64 MB is null.",
		Sigs: []*Sig{
			sig(schema.String, Map2(func(s string, n int64) (string, bool) { return strrep(s, n, "") }), p("value", Any), p("multiplier", Integer)),
			sig(schema.String, Map3(strrep), p("value", Any), p("multiplier", Integer), p("delimiter", Any)),
		},
		Examples: []Example{{`strrep('ABC', 2)`, "ABCABC"}, {`strrep(123,3,'.')`, "123.123.123"}, {`strrep(3s,2,' ')`, "00:00:03 00:00:03"},
			{`strrep("a", 0)`, ""}, {`strlen(strrep("ab", 100000000))`, "0"}}})
	register(&Func{Name: "string_size", Pure: true, ResultName: NamePrefix, Ref: refText + "string-size-function",
		Doc:      "Returns the size of a string in bytes (of its UTF-8 encoding).",
		Sigs:     []*Sig{sig(schema.Long, Map1(func(s string) (int64, bool) { return int64(len(s)), true }), p("source", tString))},
		Examples: []Example{{`string_size("hello")`, "5"}, {`string_size("⒦⒰⒮⒯⒪")`, "15"}, {`string_size("")`, "0"}}})
	register(&Func{Name: "strcmp", Pure: true, Ref: refText + "strcmp-function",
		Doc:      "Compares two strings ordinally: -1, 0 or 1.",
		Sigs:     []*Sig{sig(schema.Long, Map2(func(a, b string) (int64, bool) { return strcmp(a, b), true }), p("string1", Any), p("string2", Any))},
		Examples: []Example{{`strcmp("ABC", "ABC")`, "0"}, {`strcmp("abc", "ABC")`, "1"}, {`strcmp("ABC", "abc")`, "-1"}, {`strcmp("abcde", "abc")`, "1"}}})
	register(&Func{Name: "isascii", Pure: true, Ref: refText + "isascii",
		Doc:      "Returns true when every character of the value's text is ASCII.",
		Sigs:     []*Sig{sig(schema.Bool, Map1(func(s string) (bool, bool) { return isASCII(s), true }), p("value", Any))},
		Examples: []Example{{`isascii("some string")`, "true"}, {`isascii("⒦⒰⒮⒯⒪")`, "false"}}})
	register(&Func{Name: "isutf8", Pure: true, Ref: refText + "isutf8-function",
		Doc:      "Returns true when the value's text is valid UTF-8.",
		Sigs:     []*Sig{sig(schema.Bool, Map1(func(s string) (bool, bool) { return utf8.ValidString(s), true }), p("value", Any))},
		Examples: []Example{{`isutf8("some string")`, "true"}, {`isutf8(unicode_codepoints_to_string(9382))`, "true"}}})
	register(&Func{Name: "has_any_index", Pure: true, Ref: refText + "has-any-index-function",
		Doc: "Returns the position of the first element of an array that the string has as a term (case-insensitive), or -1.",
		Sigs: []*Sig{sig(schema.Long, Map2(func(s string, v any) (int64, bool) {
			arr, ok := v.([]any)
			if !ok {
				return 0, false
			}
			for i, e := range arr {
				if e != nil && hasTerm(s, Lower(dynamicText(e)), true, true) {
					return int64(i), true
				}
			}
			return -1, true
		}), p("source", tString), p("values", tDynamic))},
		Examples: []Example{{`has_any_index("this is an example", dynamic(['this', 'example']))`, "0"},
			{`has_any_index("this is an example", dynamic(['not', 'example']))`, "1"},
			{`has_any_index("this is an example", dynamic(['not', 'found']))`, "-1"},
			{`has_any_index("Example number 2", dynamic([1, 2, 3]))`, "1"},
			{`has_any_index("this is an example", dynamic([]))`, "-1"}}})
	register(&Func{Name: "new_guid", Ref: refText + "new-guid-function",
		Doc: "Returns a new random GUID for each row.",
		Sigs: []*Sig{sig(schema.Guid, func(_ *Context, _ []*value.Column, n int, out *value.Column) {
			for i := 0; i < n; i++ {
				out.Strs = append(out.Strs, newGUID())
			}
		})},
		Examples: []Example{{`strlen(tostring(new_guid()))`, "36"}, {`substring(tostring(new_guid()), 14, 1)`, "4"}, {`new_guid() != new_guid()`, "true"}}})

	fromCodepoints := &Func{Name: "unicode_codepoints_to_string", Pure: true, Ref: refText + "unicode-codepoints-to-string-function",
		Doc: "Returns the string of the given Unicode code points (integers or arrays of them); null when one is invalid.",
		Sigs: []*Sig{{Params: []Param{p("value", Integer|tDynamic)}, Variadic: true, Result: Returns(schema.String),
			Eval: MapBoxed(codepointsToString)}},
		Examples: []Example{{`unicode_codepoints_to_string(75, 117, 115, 116, 111)`, "Kusto"},
			{`unicode_codepoints_to_string(dynamic([75, 117, 115, 116, 111]))`, "Kusto"},
			{`unicode_codepoints_to_string(dynamic([75, 117, 115]), 116, 111)`, "Kusto"},
			{`unicode_codepoints_to_string(-1)`, ""}}}
	register(fromCodepoints)
	alias("make_string", fromCodepoints)
	toCodepoints := &Func{Name: "unicode_codepoints_from_string", Pure: true, Ref: refText + "unicode-codepoints-from-string-function",
		Doc: "Returns a dynamic array of the Unicode code points of a string.",
		Sigs: []*Sig{sig(schema.Dynamic, Map1(func(s string) (any, bool) {
			out := make([]any, 0, len(s))
			for _, r := range s {
				out = append(out, int64(r))
			}
			return out, true
		}), p("value", Any))},
		Examples: []Example{{`unicode_codepoints_from_string("⒦⒰⒮⒯⒪")`, "[9382,9392,9390,9391,9386]"},
			{`unicode_codepoints_from_string("קוסטו - Kusto")`, "[1511,1493,1505,1496,1493,32,45,32,75,117,115,116,111]"},
			{`unicode_codepoints_to_string(unicode_codepoints_from_string("Kusto"))`, "Kusto"}}}
	register(toCodepoints)
	alias("to_utf8", toCodepoints)

	register(&Func{Name: "tolower", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/tolower-function",
		Doc:      "Converts a string to lower case.",
		Sigs:     []*Sig{sig(schema.String, Map1(func(s string) (string, bool) { return strings.ToLower(s), true }), p("value", Any))},
		Examples: []Example{{`tolower("Hello")`, "hello"}}})
	register(&Func{Name: "toupper", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/toupper-function",
		Doc:      "Converts a string to upper case.",
		Sigs:     []*Sig{sig(schema.String, Map1(func(s string) (string, bool) { return strings.ToUpper(s), true }), p("value", Any))},
		Examples: []Example{{`toupper("hello")`, "HELLO"}}})
	register(&Func{Name: "strlen", Pure: true, ResultName: NamePrefix, Ref: "https://learn.microsoft.com/kusto/query/strlen-function",
		Doc: "Returns the length of a string in Unicode code points (a grapheme of several code points counts each).",
		Sigs: []*Sig{sig(schema.Long, Map1(func(s string) (int64, bool) {
			if isASCII(s) {
				return int64(len(s)), true
			}
			return int64(utf8.RuneCountInString(s)), true
		}), p("source", tString))},
		Examples: []Example{{`strlen("hello")`, "5"}, {`strlen("")`, "0"}, {`strlen("⒦⒰⒮⒯⒪")`, "5"},
			{"strlen('C\u0327edilla')", "8"}, {`strlen("😀")`, "1"}}})
	register(&Func{Name: "strcat", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/strcat-function",
		Doc: "Concatenates between 1 and 64 arguments, converted to strings; a result over 64 MB fails the query.",
		Sigs: []*Sig{{Params: []Param{p("arg", Any)}, Variadic: true, Result: Returns(schema.String),
			Eval: func(_ *Context, args []*value.Column, n int, out *value.Column) {
				n = rows(args, n, out)
				readers := make([]func(int) (string, bool), len(args))
				for j, a := range args {
					readers[j] = reader[string](a)
				}
				var b strings.Builder
				for i := 0; i < n; i++ {
					size := 0
					for _, r := range readers {
						s, _ := r(i)
						size += len(s)
					}
					checkString(size)
					b.Reset()
					b.Grow(size)
					for _, r := range readers {
						s, _ := r(i)
						b.WriteString(s)
					}
					out.Strs = append(out.Strs, b.String())
				}
			}}},
		Examples: []Example{{`strcat("hello", " ", "world")`, "hello world"}, {`strcat("a", 1, true)`, "a1true"}}})

	register(&Func{Name: "isnull", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/isnull-function",
		Doc: "Returns true when the value is null. Strings are never null.",
		Sigs: []*Sig{sig(schema.Bool, nullAware(func(t schema.Type, v any) (any, bool) {
			return v == nil && t != schema.String, true
		}), p("value", Any))},
		Examples: []Example{{`isnull(long(null))`, "true"}, {`isnull("")`, "false"}, {`isnull(dynamic(null))`, "true"}}})
	register(&Func{Name: "isnotnull", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/isnotnull-function",
		Doc: "Returns true when the value is not null.",
		Sigs: []*Sig{sig(schema.Bool, nullAware(func(t schema.Type, v any) (any, bool) {
			return v != nil || t == schema.String, true
		}), p("value", Any))},
		Examples: []Example{{`isnotnull(1)`, "true"}, {`isnotnull(int(null))`, "false"}}})
	alias("notnull", registry["isnotnull"])
	register(&Func{Name: "isempty", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/isempty-function",
		Doc: "Returns true when the value is an empty string or null.",
		Sigs: []*Sig{sig(schema.Bool, nullAware(func(t schema.Type, v any) (any, bool) {
			return isEmpty(t, v), true
		}), p("value", Any))},
		Examples: []Example{{`isempty("")`, "true"}, {`isempty("a")`, "false"}, {`isempty(long(null))`, "true"}, {`isempty(0)`, "false"}}})
	register(&Func{Name: "isnotempty", Pure: true, Ref: "https://learn.microsoft.com/kusto/query/isnotempty-function",
		Doc: "Returns true when the value is neither an empty string nor null.",
		Sigs: []*Sig{sig(schema.Bool, nullAware(func(t schema.Type, v any) (any, bool) {
			return !isEmpty(t, v), true
		}), p("value", Any))},
		Examples: []Example{{`isnotempty("a")`, "true"}, {`isnotempty("")`, "false"}}})
	alias("notempty", registry["isnotempty"])

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
}

// nullAware lifts a function that sees nulls (as nil) over one argument.
func nullAware(f func(t schema.Type, v any) (any, bool)) Kernel {
	return func(_ *Context, args []*value.Column, n int, out *value.Column) {
		n = rows(args, n, out)
		for i := 0; i < n; i++ {
			v, ok := f(args[0].Type, args[0].Get(i))
			if !ok {
				out.AppendNull()
				continue
			}
			out.Append(v)
		}
	}
}

// isEmpty reports whether v of type t is null or an empty string.
func isEmpty(t schema.Type, v any) bool {
	if v == nil {
		return true
	}
	s, ok := v.(string)
	return ok && s == "" && (t == schema.String || t == schema.Dynamic)
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
