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
// would describe only the rows read. CSV files and JSON documents are
// read whole: a quoted CSV field may hold a record's text in another
// form. Under Options.Strict every line is decoded, so that each
// malformed one is an error, and pre is ignored. A nil pre reads every
// record.
func (d *Dataset) ScanPrefiltered(table *schema.Table, cols []int, pre *prefilter.Cond) (Scan, error) {
	s, err := d.Scan(table, cols)
	if err != nil || pre == nil || d.opts.Strict {
		return s, err
	}
	s.(*tableScan).pre = prefilter.Compile(pre)
	return s, nil
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
