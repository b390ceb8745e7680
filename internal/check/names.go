package check

import (
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// suggest returns the candidate that an unknown name most likely meant,
// or "". It prefers, in order: the same name in another case; a candidate
// that ends or starts with the name (AccountUpn → InitiatingProcessAccountUpn);
// the closest candidate within a small edit distance.
func suggest(name string, candidates []string) string {
	lower := strings.ToLower(name)
	for _, c := range candidates {
		if strings.ToLower(c) == lower {
			return c
		}
	}
	best, bestLen := "", 0
	if len(name) >= 3 {
		for _, c := range candidates {
			lc := strings.ToLower(c)
			if (strings.HasSuffix(lc, lower) || strings.HasPrefix(lc, lower)) && (best == "" || len(c) < bestLen) {
				best, bestLen = c, len(c)
			}
		}
		if best != "" {
			return best
		}
	}
	bestDist := max(2, len(name)/3) + 1
	for _, c := range candidates {
		if d := editDistance(lower, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// passThroughNames are the functions whose result column takes the name
// of their first argument when the query gives none: bin(Timestamp, 1h)
// is still called Timestamp, tostring(x) is x.
var passThroughNames = map[string]bool{
	"bin": true, "floor": true, "tostring": true, "tolong": true, "toint": true, "toreal": true,
	"todouble": true, "tobool": true, "todatetime": true, "totimespan": true, "toguid": true,
	"todynamic": true, "parse_json": true, "todecimal": true, "toint64": true,
}

// exprName returns the name KQL gives the column of an unnamed
// expression: a column keeps its name, x.a.b and x['a'] become x_a_b and
// x_a, conversions and bin() keep their argument's name; anything else has
// no natural name ("").
func exprName(x syntax.Expr) string {
	switch x := x.(type) {
	case *syntax.Ident:
		return x.Name
	case *syntax.ParenExpr:
		return exprName(x.X)
	case *syntax.MemberExpr:
		if base := exprName(x.X); base != "" {
			return base + "_" + x.Name.Name
		}
	case *syntax.IndexExpr:
		base := exprName(x.X)
		if lit, ok := x.Index.(*syntax.Literal); ok && base != "" && lit.Kind == syntax.LitString {
			return base + "_" + lit.Text
		}
	case *syntax.CallExpr:
		if passThroughNames[x.Fun.Name] && len(x.Args) > 0 {
			return exprName(x.Args[0])
		}
	}
	return ""
}

// namer hands out unique column names for one operator's output, in the
// way Kusto does: a taken name gets the smallest numeric suffix that makes
// it unique (count_, count_1), and unnamed expressions are called Column1,
// Column2, ...
type namer struct {
	taken  map[string]bool
	column int
}

func newNamer() *namer { return &namer{taken: map[string]bool{}} }

// reserve marks name as taken without renaming it.
func (n *namer) reserve(name string) { n.taken[name] = true }

// unique returns name, or name with a numeric suffix when it is taken.
func (n *namer) unique(name string) string {
	if !n.taken[name] {
		n.taken[name] = true
		return name
	}
	for i := 1; ; i++ {
		c := name + strconv.Itoa(i)
		if !n.taken[c] {
			n.taken[c] = true
			return c
		}
	}
}

// auto returns the next ColumnN name.
func (n *namer) auto() string {
	n.column++
	return n.unique("Column" + strconv.Itoa(n.column))
}
