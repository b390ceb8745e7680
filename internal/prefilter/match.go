package prefilter

import (
	"bytes"
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
	// ac finds every term in one pass when there are many; nil when
	// each term is looked for with bytes.Index.
	ac *automaton
}

type node struct {
	op   op
	term int
	kids []node
}

// indexTerms is the number of distinct terms up to which a Matcher looks
// for each term with bytes.Index (vectorised), lazily and in order;
// beyond it, one Aho–Corasick pass finds them all (see
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
		p.ac = newAutomaton(p.terms)
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
	if m.p.ac != nil {
		m.p.ac.find(m.buf, m.seen)
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

// automaton is an Aho–Corasick automaton over the terms, a complete DFA
// over byte classes (the bytes that occur in terms, and one class for
// all others).
type automaton struct {
	class    [256]uint8
	nclass   int
	delta    []int32 // state*nclass + class → state
	outStart []int32 // outputs of state s: outIDs[outStart[s]:outStart[s+1]]
	outIDs   []int32
}

func newAutomaton(terms []string) *automaton {
	a := &automaton{nclass: 1}
	for _, t := range terms {
		for i := 0; i < len(t); i++ {
			if a.class[t[i]] == 0 {
				a.class[t[i]] = uint8(a.nclass)
				a.nclass++
			}
		}
	}
	// Trie.
	nc := a.nclass
	gotoT := []int32{}
	newState := func() int32 {
		gotoT = append(gotoT, make([]int32, nc)...)
		for i := len(gotoT) - nc; i < len(gotoT); i++ {
			gotoT[i] = -1
		}
		return int32(len(gotoT)/nc - 1)
	}
	newState()
	var outs [][]int32
	outs = append(outs, nil)
	for id, t := range terms {
		s := int32(0)
		for i := 0; i < len(t); i++ {
			c := int32(a.class[t[i]])
			if gotoT[s*int32(nc)+c] < 0 {
				ns := newState()
				outs = append(outs, nil)
				gotoT[s*int32(nc)+c] = ns
			}
			s = gotoT[s*int32(nc)+c]
		}
		outs[s] = append(outs[s], int32(id))
	}
	// Breadth-first: failure links folded into a complete DFA.
	n := len(gotoT) / nc
	fail := make([]int32, n)
	queue := []int32{}
	for c := 0; c < nc; c++ {
		if t := gotoT[c]; t > 0 {
			fail[t] = 0
			queue = append(queue, t)
		} else {
			gotoT[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		outs[s] = append(outs[s], outs[fail[s]]...)
		for c := 0; c < nc; c++ {
			t := gotoT[int(s)*nc+c]
			if t < 0 {
				gotoT[int(s)*nc+c] = gotoT[int(fail[s])*nc+c]
				continue
			}
			fail[t] = gotoT[int(fail[s])*nc+c]
			queue = append(queue, t)
		}
	}
	a.delta = gotoT
	a.outStart = make([]int32, n+1)
	for s := 0; s < n; s++ {
		a.outStart[s+1] = a.outStart[s] + int32(len(outs[s]))
		a.outIDs = append(a.outIDs, outs[s]...)
	}
	return a
}

// find marks in seen (1 found, -1 absent) every term that text holds.
func (a *automaton) find(text []byte, seen []int8) {
	for i := range seen {
		seen[i] = -1
	}
	nc := int32(a.nclass)
	s := int32(0)
	delta, outStart, class := a.delta, a.outStart, &a.class
	for _, b := range text {
		s = delta[s*nc+int32(class[b])]
		if lo, hi := outStart[s], outStart[s+1]; lo != hi {
			for _, id := range a.outIDs[lo:hi] {
				seen[id] = 1
			}
		}
	}
}
