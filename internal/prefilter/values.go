package prefilter

// Testing decoded values. A reader of columnar data (Parquet) holds the
// decoded string values of a row rather than its raw bytes; it tests them
// by the set of terms they hold: ValueTerms gives the terms of one value,
// the reader ors the sets of a row's values (a term lies inside one value,
// so the terms of the row are the union), and EvalSet or EvalPartsSet
// decide the condition over the union. A set is a bitmap of SetWords()
// words over the program's terms. Since a condition joins terms only by
// and and or, a superset of the terms truly present never turns it false:
// a set may say too much, never too little.

// SetWords returns the number of words of a term set of p.
func (p *Program) SetWords() int { return (len(p.terms) + 63) / 64 }

// ValueTerms ors into set the terms that text, a decoded string value,
// holds ignoring ASCII case, or every term when the value holds a
// character above ASCII that folds to a letter of a term (the Kelvin
// sign, the long s, dotted and dotless i: see foldsToASCII), which the
// query's case-insensitive operators may match to that letter. Unlike a
// raw line, a value has no escapes to decode.
func (m *Matcher) ValueTerms(text []byte, set []uint64) {
	p := m.p
	if p.folded && foldsAbove(text) {
		for i := range p.terms {
			set[i>>6] |= 1 << (i & 63)
		}
		return
	}
	if p.grams != nil {
		m.found = p.grams.find(text, p.bterms, p.anchor, m.seen, m.found[:0])
		for _, id := range m.found {
			set[id>>6] |= 1 << (id & 63)
		}
		m.reset()
		return
	}
	for i, t := range p.bterms {
		if containsFold(text, t, p.anchor[i]) {
			set[i>>6] |= 1 << (i & 63)
		}
	}
}

// EvalSet reports whether the program's condition holds when the terms
// present are those of set.
func (p *Program) EvalSet(set []uint64) bool {
	return evalSet(&p.root, set)
}

// EvalPartsSet is EvalSet for a program of CompileParts that also sets,
// in bits (cleared first), the parts that hold over set. It reports
// whether any bit is set.
func (p *Program) EvalPartsSet(set, bits []uint64) bool {
	clear(bits)
	any := false
	for i := range p.parts {
		if evalSet(&p.parts[i], set) {
			bits[i>>6] |= 1 << (i & 63)
			any = true
		}
	}
	return any
}

func evalSet(n *node, set []uint64) bool {
	switch n.op {
	case opTerm:
		return set[n.term>>6]&(1<<(n.term&63)) != 0
	case opAnd:
		for i := range n.kids {
			if !evalSet(&n.kids[i], set) {
				return false
			}
		}
		return true
	}
	for i := range n.kids {
		if evalSet(&n.kids[i], set) {
			return true
		}
	}
	return false
}
