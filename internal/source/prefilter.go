package source

import (
	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// ScanPrefiltered is Scan that skips, without decoding them, the lines of
// JSON-lines files (rows and streaming records) whose raw bytes fail pre:
// no row they could give passes the filters pre was derived from. The
// lines skipped are counted in FileStats.Prefiltered, not as rows nor as
// malformed (a malformed line that fails pre is not reported, unless it
// is cut short: a line that does not end with '}' is decoded), and a
// pass that skipped lines records no column or time statistics, which
// would describe only the rows read. JSON documents are read whole. The
// rows of Parquet and CSV files (a quoted CSV field may hold a value in
// another form than its raw bytes) are decoded and tested by the text of
// their string columns' values (see parquetpre.go, csvpre.go); those that
// fail pre are dropped and counted in FileStats.Prefiltered too. Under
// Options.Strict every line is decoded, so that each malformed one is an
// error, and pre is ignored. A nil pre reads every record.
func (d *Dataset) ScanPrefiltered(table *schema.Table, cols []int, pre *prefilter.Cond) (Scan, error) {
	return d.ScanWith(table, cols, nil, pre)
}

// ScanRouted is ScanWith with the or of parts as prefilter (see
// ScanPrefiltered), for several queries reading the table in one pass: its
// batches hold, after the columns cols, (len(parts)+63)/64 long columns
// with, per row, a bitmap of the parts that the row's record may satisfy
// (prefilter.Matcher.MatchParts; for a Parquet row, the parts its string
// values may satisfy, prefilter.Program.EvalPartsSet). A row read without
// being tested (JSON documents, a line cut short, --strict) has every bit
// set.
func (d *Dataset) ScanRouted(table *schema.Table, cols []int, win *TimeRange, parts []*prefilter.Cond) (Scan, error) {
	sc, err := d.ScanWindow(table, cols, win)
	if err != nil {
		return nil, err
	}
	s := sc.(*tableScan)
	words := (len(parts) + 63) / 64
	for range words {
		s.types = append(s.types, schema.Long)
	}
	s.w.setRoute(words)
	if !d.opts.Strict {
		s.dec.prog = prefilter.CompileParts(parts)
	}
	return s, nil
}

// setRoute makes w write rows of a routed scan, with words bitmap words
// after the columns; every bit is set until a decoder says otherwise.
func (w *rowWriter) setRoute(words int) {
	w.ones = make([]uint64, words)
	for i := range w.ones {
		w.ones[i] = ^uint64(0)
	}
	w.route = w.ones
}

// routeRows appends the current bitmap for n rows that were written
// column by column (Parquet).
func (w *rowWriter) routeRows(n int) {
	if len(w.route) == 0 {
		return
	}
	cols := w.batch.Cols[len(w.batch.Cols)-len(w.route):]
	for k, word := range w.route {
		for range n {
			cols[k].Ints = append(cols[k].Ints, int64(word))
		}
	}
}

// endsObject reports whether line's last byte other than white space is
// '}': a line cut short (the usual damage) is decoded and reported even
// when it fails the prefilter.
func endsObject(line []byte) bool {
	for i := len(line) - 1; i >= 0; i-- {
		switch line[i] {
		case ' ', '\t', '\r', '\n':
			continue
		case '}':
			return true
		}
		return false
	}
	return false
}

// prefiltered counts a line that the scan's prefilter skipped.
func (w *rowWriter) prefiltered() {
	w.skipped()
	w.pass.prefiltered++
}
