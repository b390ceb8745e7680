package source

// Prefiltering CSV rows. A CSV field may hold a value in another form than
// the raw bytes of a JSON line would (doubled quotes, a record's text
// quoted whole), so CSV lines are not tested raw: as for Parquet (see
// parquetpre.go, which argues why it is sound), each row's string values
// are tested once decoded, and the rows that cannot pass are cut out of
// the batch before a query sees them; in a routed scan each row gets its
// bitmap of parts.

// prefilterRows tests the rows base to base+n of the batch being filled,
// which the reader wrote one by one (endRow appended their bitmaps, all
// ones), and keeps those that may pass, in order.
func (q *pqPre) prefilterRows(w *rowWriter, base, n int) {
	if n == 0 {
		return
	}
	q.start(n)
	for o, s := range q.strOut {
		if s < 0 {
			continue
		}
		c := w.cols[o].col
		for i := range n {
			if !c.IsNull(base + i) {
				q.valueTerms(i, c.Strs[base+i])
			}
		}
	}
	routes := w.batch.Cols[len(w.batch.Cols)-len(w.route):]
	keep, kept := q.decide(n, func(i int) {
		for k, c := range routes {
			c.Ints[base+i] = int64(q.bits[k])
		}
	})
	if kept == n {
		return
	}
	for _, c := range w.batch.Cols {
		compactColumn(c, base, keep)
	}
	w.batch.N -= n - kept
	w.pass.rows -= int64(n - kept)
	w.pass.prefiltered += int64(n - kept)
}
