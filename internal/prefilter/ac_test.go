package prefilter

// An Aho–Corasick automaton, kept as the baseline that BenchmarkMatch
// compares gramIndex with.

// matchAC is Match with the terms found by a.
func (m *Matcher) matchAC(a *automaton, line []byte) bool {
	var ok bool
	m.buf, ok = normalize(m.buf[:0], line)
	if !ok {
		return true
	}
	a.find(m.buf, m.seen)
	return m.eval(&m.p.root)
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
