package prefilter

import (
	"bytes"
	"encoding/binary"
	"strings"
	"sync"
	"unicode/utf8"
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
	// grams finds every term in one pass when a line would need more than
	// one search (faster than an Aho–Corasick automaton: see
	// BenchmarkMatch); nil when each term is looked for, when needed,
	// with bytes.IndexByte on its rarest byte.
	grams *gramIndex
	// folded is set when a term holds a letter that a character above
	// ASCII folds to (foldTargets).
	folded bool
	// parts are the conditions of CompileParts, over the same terms.
	parts []node
}

// Parts returns the number of parts of a program of CompileParts.
func (p *Program) Parts() int { return len(p.parts) }

type node struct {
	op   op
	term int
	kids []node
}

// lazySearches is the number of terms that evaluating n looks for in a
// line that holds none of them: the first operand of an and, every
// operand of an or. Up to one, a Matcher looks for terms lazily with
// bytes.IndexByte (vectorised); beyond, one pass of a gramIndex finds them
// all (see BenchmarkMatch: seed is one search, pack2 two).
func lazySearches(n *node) int {
	switch n.op {
	case opTerm:
		return 1
	case opAnd:
		return lazySearches(&n.kids[0])
	}
	sum := 0
	for i := range n.kids {
		sum += lazySearches(&n.kids[i])
	}
	return sum
}

// Compile returns the program of c, or nil when c is TRUE.
func Compile(c *Cond) *Program {
	if c == nil {
		return nil
	}
	return compile(c, nil)
}

// CompileParts returns the program of the or of parts (the prefilters of
// several queries reading one table), whose MatchParts also tells which
// parts a line may satisfy, or nil when a part is TRUE: then no line can
// be skipped.
func CompileParts(parts []*Cond) *Program {
	for _, c := range parts {
		if c == nil {
			return nil
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return compile(Or(parts...), parts)
}

func compile(c *Cond, parts []*Cond) *Program {
	p := &Program{cond: c, terms: c.Terms()}
	idx := map[string]int{}
	for i, t := range p.terms {
		idx[t] = i
		p.bterms = append(p.bterms, []byte(t))
		p.anchor = append(p.anchor, rarest(t))
		if strings.ContainsAny(t, foldTargets) {
			p.folded = true
		}
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
	for _, part := range parts {
		p.parts = append(p.parts, build(part))
	}
	if lazySearches(&p.root) > 1 || len(p.parts) > 1 {
		p.grams = newGramIndex(p.bterms)
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
	text []byte // the text being tested: the line or buf
	seen []int8 // per term: 0 not looked for yet, 1 found, -1 absent
	// found lists the terms a gramIndex found in the text (seen 1); the
	// others are -1 between lines.
	found []int32
}

// NewMatcher returns a Matcher of p; a nil p gives a Matcher whose Match
// is always true.
func (p *Program) NewMatcher() *Matcher {
	m := &Matcher{p: p}
	if p != nil {
		m.seen = make([]int8, len(p.terms))
		if p.grams != nil {
			for i := range m.seen {
				m.seen[i] = -1
			}
		}
	}
	return m
}

// Match reports whether the record whose raw bytes are line may satisfy
// the program's condition: false only when no value decoded from line
// can make the query's filters true. Line is only read, and not kept.
//
// The terms are first looked for in line itself, ignoring ASCII case. A
// line where they are not found is skipped when it is plain (see plain):
// its normalized text is then line in ASCII lower case, so the terms are
// not there either. Other lines are normalized and looked at again.
func (m *Matcher) Match(line []byte) bool {
	if m == nil || m.p == nil {
		return true
	}
	if m.test(line) {
		return true
	}
	if m.p.plain(line) {
		return false
	}
	var ok bool
	m.buf, ok = normalize(m.buf[:0], line)
	if !ok {
		return true
	}
	return m.test(m.buf)
}

// MatchParts is Match for a program of CompileParts that also sets, in
// bits (a bitmap of Parts() bits, cleared first), the parts that the
// record may satisfy: a part whose bit is clear cannot be satisfied by any
// value decoded from line. It reports whether any bit is set.
func (m *Matcher) MatchParts(line []byte, bits []uint64) bool {
	clear(bits)
	if m == nil || m.p == nil {
		return true
	}
	any := m.testParts(line, bits)
	if m.p.plain(line) {
		return any
	}
	var ok bool
	m.buf, ok = normalize(m.buf[:0], line)
	if !ok {
		for i := range m.p.parts {
			bits[i>>6] |= 1 << (i & 63)
		}
		return true
	}
	// A part true of the line's own text is true (a sound answer); the
	// others are decided by the normalized text.
	return m.testParts(m.buf, bits) || any
}

// testParts sets in bits the parts true of text.
func (m *Matcher) testParts(text []byte, bits []uint64) bool {
	if !m.find(text) {
		return false
	}
	any := false
	for i := range m.p.parts {
		if m.eval(&m.p.parts[i]) {
			bits[i>>6] |= 1 << (i & 63)
			any = true
		}
	}
	m.reset()
	return any
}

// test evaluates the condition on text, looking for terms ignoring ASCII
// case.
func (m *Matcher) test(text []byte) bool {
	if !m.find(text) {
		return false
	}
	ok := m.eval(&m.p.root)
	m.reset()
	return ok
}

// find prepares to evaluate conditions on text: it looks for every term
// when the program has a gramIndex, and reports false when it found none
// (a condition of terms joined by and/or is then false); without one,
// terms are looked for as evaluation needs them.
func (m *Matcher) find(text []byte) bool {
	m.text = text
	g := m.p.grams
	if g == nil {
		clear(m.seen)
		return true
	}
	m.found = g.find(text, m.p.bterms, m.p.anchor, m.seen, m.found[:0])
	return len(m.found) > 0
}

// reset marks the terms found by a gramIndex absent again, for the next
// text.
func (m *Matcher) reset() {
	for _, id := range m.found {
		m.seen[id] = -1
	}
	m.found = m.found[:0]
}

// plain reports whether normalize would give line in ASCII lower case (up
// to raw control characters, which valid JSON has only between tokens,
// outside every value): line holds no escape that normalize rewrites
// (only \\, \", \n, \r and \t, which it keeps) and, when a term holds
// one of the letters that characters above ASCII fold to, none of those
// characters.
func (p *Program) plain(line []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(line[i:], '\\')
		if j < 0 {
			break
		}
		i += j
		if i+1 >= len(line) {
			return false
		}
		switch line[i+1] {
		case '\\', '"', 'n', 'r', 't':
			i += 2
		default:
			return false
		}
	}
	return !p.folded || !foldsAbove(line)
}

// foldsAbove reports whether text holds a character of foldsToASCII,
// looking for their first bytes with bytes.IndexByte (vectorised).
func foldsAbove(text []byte) bool {
	for _, lead := range foldLeads {
		for i := 0; ; i++ {
			j := bytes.IndexByte(text[i:], lead)
			if j < 0 {
				break
			}
			i += j
			if r, _ := utf8.DecodeRune(text[i:]); foldsASCII(r) {
				return true
			}
		}
	}
	return false
}

// foldLeads are the first bytes of the UTF-8 encodings of foldsToASCII.
var foldLeads = [...]byte{0xc4, 0xc5, 0xe2}

// foldTargets are the ASCII letters that foldsToASCII fold to.
const foldTargets = "iks"

func (m *Matcher) eval(n *node) bool {
	switch n.op {
	case opTerm:
		s := m.seen[n.term]
		if s == 0 {
			s = -1
			if containsFold(m.text, m.p.bterms[n.term], m.p.anchor[n.term]) {
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

// containsFold reports whether text holds term (in ASCII lower case),
// ignoring ASCII case: it looks for term's byte at offset k, in both
// cases, with bytes.IndexByte (vectorised) and checks the rest.
func containsFold(text, term []byte, k int) bool {
	c := term[k]
	if indexAnchored(text, term, k, c) {
		return true
	}
	return 'a' <= c && c <= 'z' && indexAnchored(text, term, k, c-('a'-'A'))
}

// indexAnchored reports whether text holds term, ignoring ASCII case, at
// a place where term's byte k is c.
func indexAnchored(text, term []byte, k int, c byte) bool {
	for i := k; i < len(text); {
		j := bytes.IndexByte(text[i:], c)
		if j < 0 {
			return false
		}
		start := i + j - k
		if start+len(term) > len(text) {
			return false
		}
		if equalFold(text[start:start+len(term)], term) {
			return true
		}
		i += j + 1
	}
	return false
}

// equalFold reports whether s equals term (in ASCII lower case) ignoring
// ASCII case; len(s) == len(term).
func equalFold(s, term []byte) bool {
	for i, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != term[i] {
			return false
		}
	}
	return true
}

// gramIndex finds many terms in one pass. A term of n >= 4 bytes covers
// n-3 consecutive 4-byte windows of the text, so a pass that tests only
// every step-th window of the text, step being the shortest such term's
// n-3, meets each occurrence of a term in one of any step consecutive
// windows of the term. Each term is keyed by step consecutive windows,
// the rarest by common (not ".com", which would propose hundreds of
// domains on every line), with bit 5 of each byte cleared so that ASCII
// case does not matter (other bytes may share a key: a key only proposes
// a term, which is then checked). The pass tests each sampled window
// against a bitmap of the keys and checks the terms of a key on a hit.
type gramIndex struct {
	bits   *[1 << gramBits / 64]uint64 // by hashed key
	byGram map[uint32][]gramTerm
	short  []int32 // terms shorter than 4 bytes, looked for one by one
	step   int
}

type gramTerm struct {
	id  int32
	off int32 // offset of the window in the term
}

const (
	gramBits = 18
	// foldMask clears bit 5 of each byte of a window: A-Z and a-z then
	// give the same key.
	foldMask = ^uint32(0x20202020)
)

func gramHash(g uint32) uint32 { return (g * 0x9e3779b1) >> (32 - gramBits) }

func newGramIndex(terms [][]byte) *gramIndex {
	x := &gramIndex{bits: new([1 << gramBits / 64]uint64), byGram: map[uint32][]gramTerm{}, step: -1}
	for id, t := range terms {
		if len(t) < 4 {
			x.short = append(x.short, int32(id))
			continue
		}
		if x.step < 0 || len(t)-3 < x.step {
			x.step = len(t) - 3
		}
	}
	for id, t := range terms {
		if len(t) < 4 {
			continue
		}
		// The block of step windows whose most common window is the
		// rarest.
		best, bestScore := 0, -1
		for o := 0; o+x.step <= len(t)-3; o++ {
			score := -1
			for w := o; w < o+x.step; w++ {
				if r := windowRarity(t[w : w+4]); score < 0 || r < score {
					score = r
				}
			}
			if score > bestScore {
				best, bestScore = o, score
			}
		}
		for off := best; off < best+x.step; off++ {
			g := binary.LittleEndian.Uint32(t[off:]) & foldMask
			h := gramHash(g)
			x.bits[h>>6] |= 1 << (h & 63)
			x.byGram[g] = append(x.byGram[g], gramTerm{int32(id), int32(off)})
		}
	}
	return x
}

// commonWords are words that most telemetry lines hold, in lower case:
// the words of the Defender tables' column names (every JSON line repeats
// them as keys) and frequent values. A window inside one of them is
// avoided as a gram key: it would propose its terms on every line.
const commonWords = " .com .dll .exe .net .org access account action adapter additional address agent alert application " +
	"architecture attempt authentication authority azure categories category certificate city client code " +
	"command company computer configuration connection container contoso corporation correlation count " +
	"country created creation data date default delivery description destination details detection device " +
	"display domain elevation email entity event extension external fields file files folder generated " +
	"group guard hash high http https identity inbound info initiating integrity internal issuer label " +
	"last level line listening local localhost location logon loopback machine managed match medium " +
	"message methods microsoft modified name network node object operating operation operations origin " +
	"original parent path permission platform policy port previous principal private process product " +
	"profile program protocol provider public query reason recipient registry remote report request " +
	"resource risk seen sender sensitivity service session severity signature signer size software source " +
	"state status subject success system system32 tags target tenant thread threat time timestamp title " +
	"token type types user value vendor version windows www. audit admin works google update support download office "

// windowRarity scores a 4-byte window of a term (in lower case): higher is
// rarer. A window of a common word scores lowest; others score by the
// rarity of their bytes (common).
func windowRarity(w []byte) int {
	if _, ok := commonWindows()[binary.LittleEndian.Uint32(w)]; ok {
		return 0
	}
	score := 1
	for _, c := range w {
		r := strings.IndexByte(common, c)
		if r < 0 {
			r = len(common)
		}
		score += r
	}
	return score
}

// commonWindows holds every 4-byte window of commonWords: looking a
// window up is cheaper than searching commonWords for it, which compiling
// a program of hundreds of terms (a pack) does for each window of each
// term.
var commonWindows = sync.OnceValue(func() map[uint32]struct{} {
	m := map[uint32]struct{}{}
	for i := 0; i+4 <= len(commonWords); i++ {
		m[binary.LittleEndian.Uint32([]byte(commonWords[i:i+4]))] = struct{}{}
	}
	return m
})

// find appends to found the index of every term that text holds,
// ignoring ASCII case, and marks it in seen (1), which holds -1 for every
// term on entry; the caller resets the found terms to -1 after use.
func (x *gramIndex) find(text []byte, terms [][]byte, anchor []int, seen []int8, found []int32) []int32 {
	for _, id := range x.short {
		if containsFold(text, terms[id], anchor[id]) {
			seen[id] = 1
			found = append(found, id)
		}
	}
	if x.step < 0 {
		return found
	}
	bitmap, step := x.bits, x.step
	for i := 0; i+4 <= len(text); i += step {
		g := binary.LittleEndian.Uint32(text[i:i+4]) & foldMask
		h := gramHash(g)
		if bitmap[h>>6]&(1<<(h&63)) == 0 {
			continue
		}
		for _, gt := range x.byGram[g] {
			start := i - int(gt.off)
			t := terms[gt.id]
			if seen[gt.id] < 0 && start >= 0 && start+len(t) <= len(text) && equalFold(text[start:start+len(t)], t) {
				seen[gt.id] = 1
				found = append(found, gt.id)
			}
		}
	}
	return found
}
