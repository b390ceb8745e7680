package prefilter

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// Program is a compiled Cond. It is immutable and safe for concurrent
// use; each goroutine tests lines with its own Matcher.
type Program struct {
	cond   *Cond
	terms  []string
	bterms [][]byte // terms as bytes
	anchor []int    // per term: the offset of its rarest byte
	// root is the condition over term indexes.
	root node
	// grams finds every term in one pass when there are many (faster
	// than an Aho–Corasick automaton: see BenchmarkMatch); nil when each
	// term is looked for with bytes.IndexByte on its rarest byte.
	grams *gramIndex
}

type node struct {
	op   op
	term int
	kids []node
}

// indexTerms is the number of distinct terms up to which a Matcher looks
// for each term with bytes.IndexByte (vectorised), lazily and in order;
// beyond it, one pass of a gramIndex finds them all (see
// BenchmarkMatch).
const indexTerms = 8

// Compile returns the program of c, or nil when c is TRUE.
func Compile(c *Cond) *Program {
	if c == nil {
		return nil
	}
	p := &Program{cond: c, terms: c.Terms()}
	idx := map[string]int{}
	for i, t := range p.terms {
		idx[t] = i
		p.bterms = append(p.bterms, []byte(t))
		p.anchor = append(p.anchor, rarest(t))
	}
	var build func(c *Cond) node
	build = func(c *Cond) node {
		n := node{op: c.op}
		if c.op == opTerm {
			n.term = idx[c.term]
			return n
		}
		for _, k := range c.kids {
			n.kids = append(n.kids, build(k))
		}
		return n
	}
	p.root = build(c)
	if len(p.terms) > indexTerms {
		p.grams = newGramIndex(p.bterms, p.anchor)
	}
	return p
}

// Cond returns the condition p was compiled from.
func (p *Program) Cond() *Cond { return p.cond }

// Matcher tests lines against a Program. It is not safe for concurrent
// use; its buffers are reused from line to line, so that Match does not
// allocate once they have grown to the longest line.
type Matcher struct {
	p    *Program
	buf  []byte
	seen []int8 // per term: 0 not looked for yet, 1 found, -1 absent
}

// NewMatcher returns a Matcher of p; a nil p gives a Matcher whose Match
// is always true.
func (p *Program) NewMatcher() *Matcher {
	m := &Matcher{p: p}
	if p != nil {
		m.seen = make([]int8, len(p.terms))
	}
	return m
}

// Match reports whether the record whose raw bytes are line may satisfy
// the program's condition: false only when no value decoded from line
// can make the query's filters true. Line is only read, and not kept.
func (m *Matcher) Match(line []byte) bool {
	if m == nil || m.p == nil {
		return true
	}
	var ok bool
	m.buf, ok = normalize(m.buf[:0], line)
	if !ok {
		return true
	}
	if m.p.grams != nil {
		m.p.grams.find(m.buf, m.p.bterms, m.p.anchor, m.seen)
	} else {
		clear(m.seen)
	}
	return m.eval(&m.p.root)
}

func (m *Matcher) eval(n *node) bool {
	switch n.op {
	case opTerm:
		s := m.seen[n.term]
		if s == 0 {
			s = -1
			if contains(m.buf, m.p.bterms[n.term], m.p.anchor[n.term]) {
				s = 1
			}
			m.seen[n.term] = s
		}
		return s > 0
	case opAnd:
		for i := range n.kids {
			if !m.eval(&n.kids[i]) {
				return false
			}
		}
		return true
	}
	for i := range n.kids {
		if m.eval(&n.kids[i]) {
			return true
		}
	}
	return false
}

// common lists the bytes of lowered telemetry lines from the most
// frequent on (hashes and GUIDs make hex digits common); a byte not
// listed is rarer than all of them.
const common = "\"e0a1c2t3s4o5r6i7n8d9f:b,l.p-u_m h/gywvkx"

// rarest returns the offset of the byte of term that is least frequent
// in telemetry, by common.
func rarest(term string) int {
	best, rank := 0, -1
	for i := 0; i < len(term); i++ {
		r := strings.IndexByte(common, term[i])
		if r < 0 {
			r = len(common)
		}
		if r > rank {
			best, rank = i, r
		}
	}
	return best
}

// contains reports whether text holds term, looking for term's byte at
// offset k with bytes.IndexByte (vectorised) and checking the rest.
func contains(text, term []byte, k int) bool {
	c := term[k]
	for i := k; i < len(text); {
		j := bytes.IndexByte(text[i:], c)
		if j < 0 {
			return false
		}
		start := i + j - k
		if start+len(term) > len(text) {
			return false
		}
		if bytes.Equal(text[start:start+len(term)], term) {
			return true
		}
		i += j + 1
	}
	return false
}

// gramIndex finds many terms in one pass: each term of 4 bytes or more
// is keyed by its 4-byte window of rarest bytes (by common), and a pass
// over the text tests every 4-byte window against a bitmap of the keys,
// checking the terms of a key only on a hit. Iterations do not depend on
// each other, unlike an automaton's walk.
type gramIndex struct {
	bits   []uint64 // 1<<gramBits bits, by hashed key
	byGram map[uint32][]gramTerm
	short  []int32 // terms shorter than 4 bytes, looked for one by one
}

type gramTerm struct {
	id  int32
	off int32 // offset of the key in the term
}

const gramBits = 16

func gramHash(g uint32) uint32 { return (g * 0x9e3779b1) >> (32 - gramBits) }

func newGramIndex(terms [][]byte, anchor []int) *gramIndex {
	x := &gramIndex{bits: make([]uint64, 1<<gramBits/64), byGram: map[uint32][]gramTerm{}}
	for id, t := range terms {
		if len(t) < 4 {
			x.short = append(x.short, int32(id))
			continue
		}
		best, score := 0, -1
		for off := 0; off+4 <= len(t); off++ {
			sc := 0
			for _, c := range t[off : off+4] {
				r := strings.IndexByte(common, c)
				if r < 0 {
					r = len(common)
				}
				sc += r
			}
			if sc > score {
				best, score = off, sc
			}
		}
		g := binary.LittleEndian.Uint32(t[best:])
		h := gramHash(g)
		x.bits[h>>6] |= 1 << (h & 63)
		x.byGram[g] = append(x.byGram[g], gramTerm{int32(id), int32(best)})
	}
	return x
}

// find marks in seen (1 found, -1 absent) every term that text holds.
func (x *gramIndex) find(text []byte, terms [][]byte, anchor []int, seen []int8) {
	for i := range seen {
		seen[i] = -1
	}
	for _, id := range x.short {
		if contains(text, terms[id], anchor[id]) {
			seen[id] = 1
		}
	}
	bits := x.bits
	for i := 0; i+4 <= len(text); i++ {
		g := binary.LittleEndian.Uint32(text[i:])
		h := gramHash(g)
		if bits[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		for _, gt := range x.byGram[g] {
			start := i - int(gt.off)
			t := terms[gt.id]
			if seen[gt.id] < 0 && start >= 0 && start+len(t) <= len(text) && bytes.Equal(text[start:start+len(t)], t) {
				seen[gt.id] = 1
			}
		}
	}
}
