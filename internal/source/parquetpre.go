package source

import (
	"unsafe"

	"github.com/parquet-go/parquet-go/encoding"

	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Prefiltering Parquet rows. A Parquet row has no raw bytes to test, so
// the scan's prefilter (tableScan.pre) is evaluated over the decoded
// values of the row's string outputs: each value's terms
// (prefilter.Matcher.ValueTerms), ored over the row, decide the condition
// (Program.EvalSet) or, in a routed scan, the row's bitmap of parts
// (Program.EvalPartsSet). A row that satisfies no part is dropped and
// counted in FileStats.Prefiltered; the others keep their order.
//
// Soundness: plan.Prefilters takes terms only from filters on string
// columns of the scan (plan's stringColumn: a column reference of type
// string) and a row that passes those filters holds, for each term of a
// satisfied branch, the term inside one of those columns' values ignoring
// ASCII case, or a character that folds to a letter of the term
// (ValueTerms then gives every term). Every string output of the scan is
// tested, with the text it holds after conversion (the value the query
// sees), so the set of a row holds at least the terms the filters need;
// a condition of and/or of terms stays true on a superset. Outputs of
// other types (dynamic included) carry no term, and a null or empty
// string holds none. A term never straddles two values: the sets are
// made per value.
//
// Speed: a dictionary-encoded string column, the common case (kqlhunt
// convert writes its text so), gets the terms of each dictionary entry
// once per column chunk; a row then only ors the entries' sets. Every
// column is still decoded for every row, then the dropped rows are cut
// out of the batch.

// pqPre is the prefilter state of a parquetReader.
type pqPre struct {
	p      *prefilter.Program
	m      *prefilter.Matcher
	words  int      // words of a term set
	routed bool     // the scan writes a bitmap of parts per row
	strOut []int    // per output owning a leaf: the string output tested, or -1
	sets   []uint64 // per row of the step: its term set
	bits   []uint64 // a row's bitmap of parts
	keep   []bool
}

func newPQPre(p *prefilter.Program, w *rowWriter, alias []int) *pqPre {
	if p == nil {
		return nil
	}
	q := &pqPre{p: p, m: p.NewMatcher(), words: p.SetWords(), routed: len(w.route) > 0}
	q.bits = make([]uint64, len(w.ones))
	q.strOut = make([]int, len(w.cols))
	for o := range q.strOut {
		q.strOut[o] = -1
		if alias[o] != o {
			continue
		}
		for a := o; a < len(alias); a++ {
			if alias[a] == o && w.cols[a].typ == schema.String {
				q.strOut[o] = a
				break
			}
		}
	}
	return q
}

// start prepares the sets of the n rows of a step.
func (q *pqPre) start(n int) {
	need := n * q.words
	if cap(q.sets) < need {
		q.sets = make([]uint64, need)
	}
	q.sets = q.sets[:need]
	clear(q.sets)
}

// valueTerms ors the terms of s into the set of row i of the step.
func (q *pqPre) valueTerms(i int, s string) {
	if s == "" {
		return
	}
	q.m.ValueTerms(unsafe.Slice(unsafe.StringData(s), len(s)), q.sets[i*q.words:(i+1)*q.words])
}

// segment ors into the sets of rows done to done+k of the step the terms
// of output o's values just read from page pg (rows first to first+k of
// the page, whose present values start at value v0), at batch rows from
// base+done on.
func (r *parquetReader) segment(o int, l *pqLeaf, pg *pqPage, first, v0, k, done int) {
	q := r.pre
	a := q.strOut[o]
	if a < 0 {
		return
	}
	if pg.mode == pqDictBytes && len(pg.strs) > 0 && r.w.cols[o].typ == schema.String && pg.data.Kind() == encoding.Int32 {
		// The values are dictionary entries, as they are.
		q.dictSets(pg)
		idx := pg.data.Int32()
		w := q.words
		v := v0
		for i := range k {
			if pg.defs != nil && pg.defs[first+i] != l.maxDef {
				continue
			}
			ref := pg.tref[idx[v]]
			v++
			if ref < 0 {
				continue // most entries hold no term
			}
			dst, src := q.sets[(done+i)*w:(done+i+1)*w], pg.tsets[int(ref)*w:(int(ref)+1)*w]
			for j := range dst {
				dst[j] |= src[j]
			}
		}
		return
	}
	col := r.w.cols[a].col
	base := r.w.batch.N
	for i := range k {
		q.valueTerms(done+i, col.Strs[base+done+i])
	}
}

// dictSets makes the term sets of the entries of pg's dictionary: tref
// gives each entry's set in tsets, or -1 for an entry that holds no term.
func (q *pqPre) dictSets(pg *pqPage) {
	if pg.tdict == pg.dict && pg.tref != nil {
		return
	}
	n := len(pg.doff) - 1
	pg.tref = pg.tref[:0]
	pg.tsets = pg.tsets[:0]
	w := q.words
	for x := range n {
		ref := int32(-1)
		if b := pg.dbuf[pg.doff[x]:pg.doff[x+1]]; len(b) > 0 {
			at := len(pg.tsets)
			pg.tsets = append(pg.tsets, make([]uint64, w)...)
			set := pg.tsets[at : at+w]
			q.m.ValueTerms(b, set)
			if nonZero(set) {
				ref = int32(at / w)
			} else {
				pg.tsets = pg.tsets[:at]
			}
		}
		pg.tref = append(pg.tref, ref)
	}
	if pg.tref == nil {
		pg.tref = []int32{}
	}
	pg.tdict = pg.dict
}

func nonZero(set []uint64) bool {
	for _, x := range set {
		if x != 0 {
			return true
		}
	}
	return false
}

// filter drops the rows of the step (n rows from batch row base) that the
// prefilter rules out, writes the bitmaps of a routed scan's rows, and
// returns the number of rows kept.
func (r *parquetReader) filter(base, n int) int {
	q, w := r.pre, r.w
	var routes []*value.Column
	if q.routed {
		routes = w.batch.Cols[len(w.batch.Cols)-len(w.route):]
	}
	keep, kept := q.decide(n, func(int) {
		for k, c := range routes {
			c.Ints = append(c.Ints, int64(q.bits[k]))
		}
	})
	if kept < n {
		for _, oc := range w.cols {
			compactColumn(oc.col, base, keep)
		}
		w.pass.prefiltered += int64(n - kept)
	}
	return kept
}

// decide evaluates the prefilter over the term sets of the n rows of the
// step: it returns which rows may pass and how many, and calls kept with
// each of those, in order, while q.bits holds its bitmap of parts (in a
// routed scan).
func (q *pqPre) decide(n int, kept func(i int)) ([]bool, int) {
	if cap(q.keep) < n {
		q.keep = make([]bool, n)
	}
	keep := q.keep[:n]
	count := 0
	for i := range n {
		set := q.sets[i*q.words : (i+1)*q.words]
		// A condition of and/or of terms is false over no term.
		ok := false
		switch {
		case !nonZero(set):
		case q.routed:
			ok = q.p.EvalPartsSet(set, q.bits)
		default:
			ok = q.p.EvalSet(set)
		}
		keep[i] = ok
		if ok {
			count++
			kept(i)
		}
	}
	return keep, count
}

// compactColumn keeps, of the len(keep) values of c from index base on,
// those whose keep is set, in order, and drops the rest.
func compactColumn(c *value.Column, base int, keep []bool) {
	if c.Nulls != nil && len(c.Nulls) >= base+len(keep) {
		c.Nulls = compactSlice(c.Nulls, base, keep)
	}
	switch value.Storage(c.Type) {
	case value.StoreBool:
		c.Bools = compactSlice(c.Bools, base, keep)
	case value.StoreInt:
		c.Ints = compactSlice(c.Ints, base, keep)
	case value.StoreReal:
		c.Reals = compactSlice(c.Reals, base, keep)
	case value.StoreString:
		c.Strs = compactSlice(c.Strs, base, keep)
	default:
		c.Dyns = compactSlice(c.Dyns, base, keep)
	}
}

func compactSlice[T any](s []T, base int, keep []bool) []T {
	j := base
	for i, k := range keep {
		if k {
			s[j] = s[base+i]
			j++
		}
	}
	clear(s[j : base+len(keep)]) // let dropped values go
	return s[:j]
}
