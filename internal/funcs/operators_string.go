package funcs

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

const refStringOps = "https://learn.microsoft.com/kusto/query/datatypes-string-operators"

// isTermRune reports whether r belongs to a term. Terms are the maximal
// runs of alphanumeric characters that has and its relatives match on.
// https://learn.microsoft.com/kusto/query/datatypes-string-operators#what-is-a-term
func isTermRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// indexFold returns the byte offset of the first case-insensitive match
// of needle in s at or after from, or -1. needleLower must be needle in
// lower case. ASCII text is compared without allocating.
func indexFold(s, needleLower string, from int) int {
	n := len(needleLower)
	if n == 0 {
		return from
	}
	if isASCII(needleLower) {
		first := needleLower[0]
		upper := first
		if 'a' <= first && first <= 'z' {
			upper = first - ('a' - 'A')
		}
		for i := from; i+n <= len(s); i++ {
			c := s[i]
			if c != first && c != upper {
				continue
			}
			j := 1
			for ; j < n; j++ {
				if lowerASCII(s[i+j]) != needleLower[j] {
					break
				}
			}
			if j == n {
				return i
			}
		}
		return -1
	}
	// Non-ASCII needle: compare rune by rune with simple case folding.
	for i := from; i < len(s); {
		if k := prefixFoldLen(s[i:], needleLower); k >= 0 {
			return i
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return -1
}

// prefixFoldLen returns how many bytes of s match needleLower
// case-insensitively from its start, or -1 when s does not start with it.
func prefixFoldLen(s, needleLower string) int {
	i := 0
	for _, nr := range needleLower {
		if i >= len(s) {
			return -1
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.ToLower(r) != nr {
			return -1
		}
		i += size
	}
	return i
}

// matchLen returns the byte length of the match of needleLower at s[i:].
func matchLen(s string, i int, needleLower string) int {
	if isASCII(needleLower) {
		return len(needleLower)
	}
	return prefixFoldLen(s[i:], needleLower)
}

// hasTerm implements has, hasprefix and hassuffix. The needle must match
// case-insensitively where each edge of the needle that is a term
// character lies on a term boundary of s; for hasprefix only the start
// edge is checked, for hassuffix only the end.
// https://learn.microsoft.com/kusto/query/has-operator
func hasTerm(s, needleLower string, checkStart, checkEnd bool) bool {
	if needleLower == "" {
		return true
	}
	startTerm := isTermRune(firstRune(needleLower))
	endTerm := isTermRune(lastRune(needleLower))
	for i := 0; ; {
		i = indexFold(s, needleLower, i)
		if i < 0 {
			return false
		}
		end := i + matchLen(s, i, needleLower)
		okStart := !checkStart || !startTerm || i == 0 || !isTermRune(lastRune(s[:i]))
		okEnd := !checkEnd || !endTerm || end == len(s) || !isTermRune(firstRune(s[end:]))
		if okStart && okEnd {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
}

// hasTermCS is the case-sensitive form of hasTerm.
func hasTermCS(s, needle string, checkStart, checkEnd bool) bool {
	if needle == "" {
		return true
	}
	startTerm := isTermRune(firstRune(needle))
	endTerm := isTermRune(lastRune(needle))
	for i := 0; i <= len(s); {
		k := strings.Index(s[i:], needle)
		if k < 0 {
			return false
		}
		at := i + k
		end := at + len(needle)
		okStart := !checkStart || !startTerm || at == 0 || !isTermRune(lastRune(s[:at]))
		okEnd := !checkEnd || !endTerm || end == len(s) || !isTermRune(firstRune(s[end:]))
		if okStart && okEnd {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[at:])
		i = at + size
	}
	return false
}

// Lower returns s in lower case, the form case-insensitive operators
// compare in.
func Lower(s string) string {
	if isASCII(s) {
		for i := 0; i < len(s); i++ {
			if 'A' <= s[i] && s[i] <= 'Z' {
				return strings.ToLower(s)
			}
		}
		return s
	}
	return strings.ToLower(s)
}

// Has reports whether s has the term needle, case-insensitively.
func Has(s, needle string) bool { return hasTerm(s, Lower(needle), true, true) }

func containsFold(s, needleLower string) bool { return indexFold(s, needleLower, 0) >= 0 }

func hasPrefixFold(s, prefixLower string) bool {
	if isASCII(prefixLower) {
		if len(s) < len(prefixLower) {
			return false
		}
		for i := 0; i < len(prefixLower); i++ {
			if lowerASCII(s[i]) != prefixLower[i] {
				return false
			}
		}
		return true
	}
	return prefixFoldLen(s, prefixLower) >= 0
}

func hasSuffixFold(s, suffixLower string) bool {
	if isASCII(suffixLower) && isASCII(s) {
		if len(s) < len(suffixLower) {
			return false
		}
		off := len(s) - len(suffixLower)
		for i := 0; i < len(suffixLower); i++ {
			if lowerASCII(s[off+i]) != suffixLower[i] {
				return false
			}
		}
		return true
	}
	return strings.HasSuffix(strings.ToLower(s), suffixLower)
}

// stringPredicate registers a string operator and its negation, each with
// its examples. The needle is lowered once per batch when the operator is
// case-insensitive and the needle is constant.
func stringPredicate(name, doc string, caseSensitive bool, f func(s, needle string) bool, examples, negExamples []Example) {
	kernel := func(negate bool) Kernel {
		return func(_ *Context, args []*value.Column, n int, out *value.Column) {
			rs, rn := reader[string](args[0]), reader[string](args[1])
			n = rows(args, n, out)
			constNeedle, lowered := "", false
			if args[1].Const && !caseSensitive {
				nd, _ := rn(0)
				constNeedle, lowered = Lower(nd), true
			}
			for i := 0; i < n; i++ {
				s, _ := rs(i)
				var needle string
				if lowered {
					needle = constNeedle
				} else {
					needle, _ = rn(i)
					if !caseSensitive {
						needle = Lower(needle)
					}
				}
				out.Bools = append(out.Bools, f(s, needle) != negate)
			}
		}
	}
	register(&Func{Name: name, Hidden: true, Pure: true, Ref: refStringOps, Doc: doc, Examples: examples,
		Sigs: []*Sig{sig(schema.Bool, kernel(false), p("s", tString|tDynamic), p("needle", tString|tDynamic))}})
	register(&Func{Name: "!" + name, Hidden: true, Pure: true, Ref: refStringOps, Doc: "Negation of " + name + ".", Examples: negExamples,
		Sigs: []*Sig{sig(schema.Bool, kernel(true), p("s", tString|tDynamic), p("needle", tString|tDynamic))}})
}

func init() {
	defer inCategory(CatOperator)()
	type ex = []Example
	// The examples are the reference's: each yields true unless it says
	// otherwise. A needle matches whole terms; an edge of the needle that
	// is punctuation needs no term boundary.
	stringPredicate("has", "Right-hand side is a whole term in left-hand side (case-insensitive).", false,
		func(s, n string) bool { return hasTerm(s, n, true, true) },
		ex{{`"North America" has "america"`, "true"},
			{`"api.screenmeet.com" has "screenmeet.com"`, "true"},
			{`"notscreenmeet.com" has "screenmeet.com"`, "false"},
			{`"Projector Incorporated" has "Projector Inc"`, "false"},
			{`"powershell.exe -enc AAA" has "-enc"`, "true"}},
		ex{{`"North America" !has "amer"`, "true"}, {`"North America" !has "america"`, "false"}})
	stringPredicate("has_cs", "Right-hand side is a whole term in left-hand side (case-sensitive).", true,
		func(s, n string) bool { return hasTermCS(s, n, true, true) },
		ex{{`"North America" has_cs "America"`, "true"}, {`"North America" has_cs "america"`, "false"}},
		ex{{`"North America" !has_cs "amer"`, "true"}, {`"North America" !has_cs "America"`, "false"}})
	stringPredicate("hasprefix", "Right-hand side is a term prefix in left-hand side (case-insensitive).", false,
		func(s, n string) bool { return hasTerm(s, n, true, false) },
		ex{{`"North America" hasprefix "ame"`, "true"}, {`"North America" hasprefix "merica"`, "false"}},
		ex{{`"North America" !hasprefix "mer"`, "true"}})
	stringPredicate("hasprefix_cs", "Right-hand side is a term prefix in left-hand side (case-sensitive).", true,
		func(s, n string) bool { return hasTermCS(s, n, true, false) },
		ex{{`"North America" hasprefix_cs "Ame"`, "true"}, {`"North America" hasprefix_cs "ame"`, "false"}},
		ex{{`"North America" !hasprefix_cs "CA"`, "true"}})
	stringPredicate("hassuffix", "Right-hand side is a term suffix in left-hand side (case-insensitive).", false,
		func(s, n string) bool { return hasTerm(s, n, false, true) },
		ex{{`"North America" hassuffix "ica"`, "true"}, {`"North America" hassuffix "Americ"`, "false"}},
		ex{{`"North America" !hassuffix "americ"`, "true"}})
	stringPredicate("hassuffix_cs", "Right-hand side is a term suffix in left-hand side (case-sensitive).", true,
		func(s, n string) bool { return hasTermCS(s, n, false, true) },
		ex{{`"North America" hassuffix_cs "ica"`, "true"}, {`"North America" hassuffix_cs "ICA"`, "false"}},
		ex{{`"North America" !hassuffix_cs "icA"`, "true"}})
	stringPredicate("contains", "Right-hand side occurs as a substring of left-hand side (case-insensitive).", false,
		containsFold, ex{{`"FabriKam" contains "BRik"`, "true"}, {`"Fabrikam" contains "xyz"`, "false"}},
		ex{{`"Fabrikam" !contains "xyz"`, "true"}, {`"Fabrikam" !contains "BRIK"`, "false"}})
	alias("containscs", registry["contains"])
	alias("notcontains", registry["!contains"])
	stringPredicate("contains_cs", "Right-hand side occurs as a substring of left-hand side (case-sensitive).", true,
		strings.Contains, ex{{`"FabriKam" contains_cs "Kam"`, "true"}, {`"FabriKam" contains_cs "kam"`, "false"}},
		ex{{`"Fabrikam" !contains_cs "Kam"`, "true"}})
	alias("notcontainscs", registry["!contains_cs"])
	stringPredicate("startswith", "Right-hand side is an initial substring of left-hand side (case-insensitive).", false,
		hasPrefixFold, ex{{`"Fabrikam" startswith "fab"`, "true"}},
		ex{{`"Fabrikam" !startswith "kam"`, "true"}})
	stringPredicate("startswith_cs", "Right-hand side is an initial substring of left-hand side (case-sensitive).", true,
		strings.HasPrefix, ex{{`"Fabrikam" startswith_cs "Fab"`, "true"}, {`"Fabrikam" startswith_cs "fab"`, "false"}},
		ex{{`"Fabrikam" !startswith_cs "fab"`, "true"}})
	stringPredicate("endswith", "Right-hand side is a closing substring of left-hand side (case-insensitive).", false,
		hasSuffixFold, ex{{`"Fabrikam" endswith "Kam"`, "true"}},
		ex{{`"Fabrikam" !endswith "brik"`, "true"}})
	stringPredicate("endswith_cs", "Right-hand side is a closing substring of left-hand side (case-sensitive).", true,
		strings.HasSuffix, ex{{`"Fabrikam" endswith_cs "kam"`, "true"}, {`"Fabrikam" endswith_cs "Kam"`, "false"}},
		ex{{`"Fabrikam" !endswith_cs "brik"`, "true"}})

	eqTilde := func(negate bool) Kernel {
		return Map2(func(a, b string) (bool, bool) {
			return (a == b || strings.EqualFold(a, b)) != negate, true
		})
	}
	register(&Func{Name: "=~", Hidden: true, Pure: true, Ref: refStringOps, Doc: "Equals, case-insensitively.",
		Sigs:     []*Sig{sig(schema.Bool, eqTilde(false), p("a", tString), p("b", tString))},
		Examples: []Example{{`"abc" =~ "ABC"`, "true"}}})
	register(&Func{Name: "!~", Hidden: true, Pure: true, Ref: refStringOps, Doc: "Not equals, case-insensitively.",
		Sigs:     []*Sig{sig(schema.Bool, eqTilde(true), p("a", tString), p("b", tString))},
		Examples: []Example{{`"aBc" !~ "xyz"`, "true"}}})

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
}
