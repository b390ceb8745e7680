// Package suggest finds the name that a misspelt one most likely meant,
// for the "did you mean" of kqlhunt's messages about unknown tables,
// columns, functions, fields and keys.
package suggest

import (
	"fmt"
	"strings"
)

// Name returns the candidate that an unknown name most likely meant, or
// "". It prefers, in order: the same name in another case; the shortest
// candidate that ends or starts with the name, for names of three letters
// or more (AccountUpn → InitiatingProcessAccountUpn); the closest
// candidate within an edit distance of about a third of the name.
func Name(name string, candidates []string) string {
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
	bestDist := max(1, len([]rune(name))/3) + 1
	for _, c := range candidates {
		if d := Distance(lower, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// DidYouMean returns "; did you mean 'S'?", the tail of a message about
// an unknown name, or "" when s is "".
func DidYouMean(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean '%s'?", s)
}

// Distance is the Levenshtein distance between a and b, in runes.
func Distance(a, b string) int {
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
