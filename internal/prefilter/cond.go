// Package prefilter decides, from the raw bytes of a telemetry record and
// before decoding it, whether the record can match a query's filters: a
// Cond is an and/or tree of terms that every matching record's bytes must
// contain (ASCII case-insensitively), derived from the plan (see
// plan.Prefilters), and a Matcher tests it against a line.
//
// A prefilter is sound: it may let through records that do not match, it
// never rejects one that does. How a line's bytes relate to the decoded
// values (JSON escapes, nested values re-serialized into string columns,
// Unicode case folding) is handled in Matcher.Match; which terms may be
// used at all is decided by Term.
package prefilter

import (
	"strings"
)

// Cond is a condition on the raw bytes of a record. The nil *Cond is
// TRUE: no record can be skipped. A Cond is immutable and safe for
// concurrent use.
type Cond struct {
	op   op
	term string // opTerm: the term, in ASCII lower case
	kids []*Cond
}

type op uint8

const (
	opTerm op = iota
	opAnd
	opOr
)

// Term returns the condition "the record's bytes contain s, ASCII case
// insensitively", or nil (TRUE) when s is not a term that can be looked
// for soundly. A usable term is non-empty printable ASCII without the
// characters that JSON escapes or structures (" \ { } [ ] , :) and is not
// made only of number characters (0-9 . e E + -): a string column that
// receives a nested object or array holds it re-serialized, so that only
// text inside one string, or a literal, of the nested value appears in
// the line as it does in the column, while numbers may be rewritten
// (1e3 becomes 1000).
func Term(s string) *Cond {
	if s == "" {
		return nil
	}
	numeric := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return nil
		}
		switch c {
		case '"', '\\', '{', '}', '[', ']', ',', ':':
			return nil
		}
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			numeric = false
		}
	}
	if numeric {
		return nil
	}
	return &Cond{op: opTerm, term: strings.ToLower(s)}
}

// And returns the condition that all of cs hold; a nil (TRUE) operand is
// left out, and And of no operands is TRUE.
func And(cs ...*Cond) *Cond {
	var kids []*Cond
	for _, c := range cs {
		switch {
		case c == nil:
		case c.op == opAnd:
			kids = append(kids, c.kids...)
		default:
			kids = append(kids, c)
		}
	}
	switch len(kids) {
	case 0:
		return nil
	case 1:
		return kids[0]
	}
	return &Cond{op: opAnd, kids: kids}
}

// Or returns the condition that one of cs holds: TRUE (nil) when any
// operand is TRUE, and also for no operands (a false condition is not
// represented; TRUE is the sound stand-in).
func Or(cs ...*Cond) *Cond {
	if len(cs) == 0 {
		return nil
	}
	var kids []*Cond
	for _, c := range cs {
		switch {
		case c == nil:
			return nil
		case c.op == opOr:
			kids = append(kids, c.kids...)
		default:
			kids = append(kids, c)
		}
	}
	if len(kids) == 1 {
		return kids[0]
	}
	return &Cond{op: opOr, kids: kids}
}

// String writes c for tests and plan dumps: terms quoted, and/or in
// parentheses; TRUE for nil.
func (c *Cond) String() string {
	if c == nil {
		return "TRUE"
	}
	var b strings.Builder
	c.write(&b)
	return b.String()
}

func (c *Cond) write(b *strings.Builder) {
	switch c.op {
	case opTerm:
		b.WriteByte('\'')
		b.WriteString(c.term)
		b.WriteByte('\'')
		return
	}
	sep := " and "
	if c.op == opOr {
		sep = " or "
	}
	b.WriteByte('(')
	for i, k := range c.kids {
		if i > 0 {
			b.WriteString(sep)
		}
		k.write(b)
	}
	b.WriteByte(')')
}

// Terms returns the distinct terms of c, in order of first use.
func (c *Cond) Terms() []string {
	var out []string
	seen := map[string]bool{}
	var walk func(c *Cond)
	walk = func(c *Cond) {
		if c == nil {
			return
		}
		if c.op == opTerm {
			if !seen[c.term] {
				seen[c.term] = true
				out = append(out, c.term)
			}
			return
		}
		for _, k := range c.kids {
			walk(k)
		}
	}
	walk(c)
	return out
}
