package yamlpos

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/diag"
)

// yaml.v3 reports a syntax error as "yaml: line N: message", where N is the
// line of the construct it was parsing when it failed (the context mark),
// not of the problem: 0-based for parser errors and 1-based for scanner
// errors, and left out when it is 0. The jischell files, whose dataTypes key
// is one level too far left, fail with "yaml: line 6: did not find expected
// '-' indicator" for a problem on line 8, column 5.
//
// SyntaxError finds the problem itself: since the parser reads the file as
// a stream, the problem is where the shortest prefix of the file that fails
// with the same message ends. It searches the lines from the reported one on
// (the context is never after the problem), then the characters of the
// line it found.

var yamlPrefix = regexp.MustCompile(`^yaml: (?:line ([0-9]+): )?`)

// linearBudget bounds the bytes that a linear prefix search may re-parse:
// for a rule file of a few kilobytes, it tries every line and then every
// character. Beyond the budget it bisects, which assumes that once a
// prefix fails every longer one fails the same way.
const linearBudget = 2 << 20

// linear reports whether trying n prefixes of up to size bytes each fits
// in linearBudget.
func linear(n, size int) bool { return int64(n)*int64(size) <= linearBudget }

// SyntaxError turns err, the syntax error yaml.v3 gave for f's text, into
// an error at f's line and column where the problem is, its message
// without the "yaml: line N: " prefix and with a hint where yaml.v3 says
// little ("check the indentation"). It re-parses prefixes of the text, a
// bounded number of bytes in all (see linearBudget).
func SyntaxError(f *diag.File, err error) diag.Diagnostic {
	d := &locator{src: f.Text, starts: f.LineStarts()}
	msg := err.Error()
	reported := 0
	if m := yamlPrefix.FindStringSubmatch(msg); m != nil {
		msg = msg[len(m[0]):]
		reported, _ = strconv.Atoi(m[1])
	}
	fails := func(end int) bool {
		_, err := Decode(d.src[:end])
		if err == nil {
			return false
		}
		m := yamlPrefix.ReplaceAllString(err.Error(), "")
		return m == msg
	}
	e := diag.Diagnostic{File: f, Line: max(reported, 1), Msg: msg}
	starts := d.starts
	lo := min(max(reported, 1), len(starts))
	// line k (1-based) fails when the prefix through its line break does.
	lineEndAt := func(k int) int {
		if k < len(starts) {
			return starts[k]
		}
		return len(d.src)
	}
	if !fails(len(d.src)) { // not reproducible: keep what yaml.v3 said
		return d.rephrase(e, -1)
	}
	line := first(lo, len(starts), linear(len(starts)-lo, len(d.src)), func(k int) bool { return fails(lineEndAt(k)) })
	// The character whose inclusion makes the prefix fail: try prefixes
	// that end after each character of the line, break included.
	start, end := starts[line-1], lineEndAt(line)
	var ends []int
	for i := start; i < end; {
		i = min(i+diag.RuneWidth(d.src[i]), end)
		ends = append(ends, i)
	}
	if len(ends) == 0 {
		e.Line, e.Col = line, 1
		return d.rephrase(e, start)
	}
	j := first(0, len(ends)-1, linear(len(ends), end), func(j int) bool { return fails(ends[j]) })
	at := start
	if j > 0 {
		at = ends[j-1]
	}
	at = d.keyStart(at, start)
	e.Line, e.Col = diag.Position(d.src, starts, at)
	return d.rephrase(e, at)
}

// locator is the text that SyntaxError searches.
type locator struct {
	src    []byte
	starts []int
}

// first returns the smallest i in [lo, hi] for which f is true, given that
// f(hi) is true.
func first(lo, hi int, linear bool, f func(int) bool) int {
	if linear {
		for i := lo; i < hi; i++ {
			if f(i) {
				return i
			}
		}
		return hi
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		if f(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// keyStart moves a position found on the ':' of a key back to the key's
// first character: the parser learns that "key:" is a key only at the colon,
// but the misplaced thing is the key.
func (d *locator) keyStart(at, lineStart int) int {
	if at >= len(d.src) || d.src[at] != ':' {
		return at
	}
	i := at
	for i > lineStart && d.src[i-1] != ' ' && d.src[i-1] != '\t' {
		i--
	}
	if i == at {
		return at
	}
	return i
}

// rephrase adds a hint to the messages that say little on their own. at is
// the problem's offset, or -1.
func (d *locator) rephrase(e diag.Diagnostic, at int) diag.Diagnostic {
	switch msg := e.Msg; msg {
	case "did not find expected '-' indicator", "did not find expected key", "mapping values are not allowed in this context":
		if at >= 0 && d.indentation(at) {
			e.Msg = msg + " (check the indentation)"
		} else if msg == "mapping values are not allowed in this context" {
			e.Msg = msg + " (quote a value that contains \": \")"
		}
	case "found character that cannot start any token":
		if at < 0 || at >= len(d.src) {
			break
		}
		if r, _ := utf8.DecodeRune(d.src[at:]); r == '\t' {
			e.Msg = "found a tab character where YAML allows only spaces"
		} else {
			e.Msg = fmt.Sprintf("found character %q that cannot start any token", r)
		}
	}
	e.Msg = strings.TrimSuffix(e.Msg, ".")
	return e
}

// indentation reports whether only spaces precede offset at on its line.
func (d *locator) indentation(at int) bool {
	line, _ := diag.Position(d.src, d.starts, at)
	for i := d.starts[line-1]; i < at; i++ {
		if d.src[i] != ' ' {
			return false
		}
	}
	return true
}
