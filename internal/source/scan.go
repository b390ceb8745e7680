package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Scan streams the rows of one table. It is not safe for concurrent use;
// scans of one Dataset may run concurrently.
type Scan interface {
	// Next returns the next batch, or nil, nil at the end. The batch is
	// read-only and may be shared by several consumers; Next does not reuse
	// it. After an error, Next returns the same error again. Next returns
	// ctx.Err() soon after ctx is done, even in a long run of lines that
	// give no row (bad lines, other tables' rows).
	Next(ctx context.Context) (*value.Batch, error)
	// Close releases the open file, if any. Stats keeps what was read.
	Close() error
}

// Scan returns a scan of the rows of table in the dataset's files, those
// whose table equals table.Name ignoring case. Its batches hold the columns
// table.Columns[cols[i]], in that order and of those types; a column may be
// asked for more than once, and with no columns the batches only count
// rows. A table without data gives an empty scan.
func (d *Dataset) Scan(table *schema.Table, cols []int) (Scan, error) {
	return d.ScanWindow(table, cols, nil)
}

// ScanWindow is Scan for a query that needs only the rows whose time
// column lies in win (nil for all rows): it may leave out rows outside win
// (Parquet row groups whose statistics rule them out, counted in
// FileStats.Pruned) and may return rows outside it.
func (d *Dataset) ScanWindow(table *schema.Table, cols []int, win *TimeRange) (Scan, error) {
	if table == nil {
		return nil, fmt.Errorf("scan: no table")
	}
	d.index()
	s := &tableScan{d: d, table: table, batchSize: d.opts.BatchSize, win: win, cols: cols}
	w := &rowWriter{tf: d.tf, strict: d.opts.Strict}
	for _, ci := range cols {
		if ci < 0 || ci >= len(table.Columns) {
			return nil, fmt.Errorf("scan %s: column index %d out of range [0, %d)", table.Name, ci, len(table.Columns))
		}
		c := table.Columns[ci]
		s.types = append(s.types, c.Type)
		w.cols = append(w.cols, outCol{name: c.Name, typ: c.Type})
	}
	s.w = w
	s.dec = newObjDecoder(w, table, cols)
	s.names = make([]string, len(cols))
	stamp, generated := -1, -1
	for o, ci := range cols {
		if s.dec.alias[o] != o {
			continue
		}
		s.names[o] = table.Columns[ci].Name
		switch {
		case strings.EqualFold(s.names[o], "Timestamp"):
			stamp = o
		case strings.EqualFold(s.names[o], "TimeGenerated"):
			generated = o
		}
	}
	s.timeOut = stamp
	if stamp < 0 {
		s.timeOut = generated
	}
	if s.timeOut >= 0 && s.types[s.timeOut] != schema.Datetime {
		s.timeOut = -1
	}
	s.dec.table = table.Name
	for _, f := range d.files {
		for _, t := range f.tables {
			if strings.EqualFold(t, table.Name) {
				s.files = append(s.files, f)
				s.tableKeys = append(s.tableKeys, statKey{f.path, strings.ToLower(t)})
				break
			}
		}
	}
	return s, nil
}

// ScanWith is ScanWindow that also skips, as ScanPrefiltered, the JSON
// lines whose raw bytes fail pre (nil reads every record).
func (d *Dataset) ScanWith(table *schema.Table, cols []int, win *TimeRange, pre *prefilter.Cond) (Scan, error) {
	s, err := d.ScanWindow(table, cols, win)
	if err != nil || pre == nil || d.opts.Strict {
		return s, err
	}
	s.(*tableScan).dec.prog = prefilter.Compile(pre)
	return s, nil
}

type tableScan struct {
	d         *Dataset
	table     *schema.Table
	types     []schema.Type
	cols      []int
	batchSize int
	files     []*fileEntry
	tableKeys []statKey // stats entry of each file
	next      int       // index of the next file to open
	cur       fileScanner
	pass      *passStats
	w         *rowWriter
	dec       *objDecoder
	err       error
	done      bool
	// names[o] is the column name of output o, or "" for an output that
	// repeats an earlier one; timeOut is the output of the time column
	// (Timestamp, else TimeGenerated), or -1. Rows of batch from countFrom
	// on are not yet counted into pass (see account).
	names     []string
	timeOut   int
	batch     *value.Batch
	countFrom int
	win       *TimeRange // rows needed, or nil
}

func (s *tableScan) Next(ctx context.Context) (b *value.Batch, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("%w: %v\n%s", ErrPanic, r, debug.Stack())
			s.err = err
		}
	}()
	if s.err != nil {
		return nil, s.err
	}
	if s.done {
		return nil, nil
	}
	s.w.ctx = ctx
	defer func() { s.w.ctx = nil }()
	// The batch is made when a sequential reader needs one: a parallel
	// one returns its own.
	var batch *value.Batch
	for batch == nil || batch.N < s.batchSize {
		if err := ctx.Err(); err != nil {
			s.err = err
			return nil, err
		}
		if s.cur == nil {
			if s.next >= len(s.files) {
				s.done = true
				break
			}
			if err := s.open(s.next); err != nil {
				s.err = err
				return nil, err
			}
			s.next++
		}
		if p, ok := s.cur.(*parLines); ok {
			if batch != nil && batch.N > 0 {
				break // the rows of earlier files first
			}
			b, err := p.nextBatches(ctx, s.types, s.batchSize/2)
			if err == io.EOF {
				s.finish(true)
				continue
			}
			if err != nil {
				s.finish(false)
				s.err = err
				return nil, err
			}
			return b, nil
		}
		if batch == nil {
			batch = value.NewBatch(s.types, s.batchSize)
			s.w.setBatch(batch)
			s.batch, s.countFrom = batch, 0
		}
		err := s.cur.read(s.batchSize)
		if err == io.EOF {
			s.finish(true)
			continue
		}
		if err != nil {
			s.finish(false)
			s.err = err
			return nil, err
		}
	}
	if batch == nil {
		return nil, nil
	}
	if s.cur != nil {
		s.account()
	}
	if batch.N == 0 {
		return nil, nil
	}
	return batch, nil
}

// account counts the rows of the batch from countFrom on, which are of
// the current file, into its pass: the values that are not null of each
// column, and the time column's range. It costs a pass over the batch's
// null flags, and no allocation.
func (s *tableScan) account() {
	b, p := s.batch, s.pass
	if b == nil || p == nil {
		return
	}
	from, to := s.countFrom, b.N
	s.countFrom = to
	accountRows(p, b, from, to, s.names, s.timeOut)
}

// accountRows counts rows [from, to) of b into p: the values that are not
// null of each output o with a name in names, and the range of output
// timeOut (if not -1).
func accountRows(p *passStats, b *value.Batch, from, to int, names []string, timeOut int) {
	if from >= to {
		return
	}
	if p.nonNull == nil {
		p.nonNull = make([]int64, len(names))
	}
	for o, name := range names { // not a routed scan's bitmaps after them
		if name != "" {
			p.nonNull[o] += nonNull(b.Cols[o], from, to)
		}
	}
	if timeOut < 0 {
		return
	}
	c := b.Cols[timeOut]
	for i := from; i < to; i++ {
		if c.Nulls != nil && c.Nulls[i] {
			continue
		}
		v := value.Datetime(c.Ints[i])
		switch {
		case !p.hasTime:
			p.tmin, p.tmax, p.hasTime = v, v, true
		case v < p.tmin:
			p.tmin = v
		case v > p.tmax:
			p.tmax = v
		}
	}
}

// nonNull counts the values of rows [from, to) of c that are not null,
// or for a string column, not empty.
func nonNull(c *value.Column, from, to int) int64 {
	n := 0
	switch {
	case c.Type == schema.String:
		for _, v := range c.Strs[from:to] {
			if v != "" {
				n++
			}
		}
	case c.Type == schema.Dynamic:
		for _, v := range c.Dyns[from:to] {
			if v != nil {
				n++
			}
		}
	case c.Nulls == nil:
		n = to - from
	default:
		for _, null := range c.Nulls[from:to] {
			if !null {
				n++
			}
		}
	}
	return int64(n)
}

// open starts reading file i.
func (s *tableScan) open(i int) error {
	f := s.files[i]
	s.pass = &passStats{}
	rc, _, err := openData(f.path, &s.pass.bytes, &s.d.read)
	if err != nil {
		var de *DataError
		if errors.As(err, &de) && !s.d.opts.Strict {
			// The file went bad since Open looked at it: report it and
			// go on with the next.
			s.pass.skip(de)
			s.cur = noRows{}
			return nil
		}
		return err
	}
	s.w.file = f.path
	s.w.pass = s.pass
	d := s.dec
	d.fileTables = f.tables
	d.forced = f.forced
	d.rowsOK = f.rowTable != "" && strings.EqualFold(f.rowTable, s.table.Name)
	d.typed = f.typed
	d.lastCat = nil
	d.pre = nil
	switch {
	case f.format == FormatParquet:
		s.cur = newParquetReader(rc, d, s.win, &s.d.read)
	case f.format == FormatCSV:
		s.cur = newCSVReader(rc, d)
	case f.format == FormatAvro:
		s.cur = newAvroReader(rc, d)
	case f.format == FormatLAQuery:
		s.cur = newLAReader(rc, d)
	case f.format.isDocument():
		s.cur = newDocReader(rc, d)
	case s.parallel(f):
		s.cur = s.newParLines(rc, s.d.opts.Threads, f.gz)
	default:
		if d.prog != nil {
			d.pre = d.prog.NewMatcher()
			d.bits = make([]uint64, len(s.w.ones))
		}
		s.cur = newJSONLinesReader(rc, d)
	}
	return nil
}

// parallel tells whether file f, of JSON lines, is read on
// Options.Threads goroutines: when there are several, the file holds more
// than a chunk (a gzip file, compressed, an eighth of one) and problems are
// not errors (Options.Strict stops at the first, which the sequential
// reader finds first).
func (s *tableScan) parallel(f *fileEntry) bool {
	o := s.d.opts
	size := f.size
	if f.gz {
		size *= 8
	}
	// (On one thread, reading the file into a buffer that stays in the
	// cache is as fast as decoding from a mapping: measured.)
	return o.Threads > 1 && !o.Strict && size >= int64(chunkSize)
}

// noRows is a file that gives no rows.
type noRows struct{}

func (noRows) read(int) error { return io.EOF }
func (noRows) close() error   { return nil }

// finish closes the current file and records what was read from it.
func (s *tableScan) finish(complete bool) {
	s.account()
	s.cur.close()
	s.cur = nil
	s.pass.complete = complete
	if s.pass.nonNull == nil {
		s.pass.nonNull = make([]int64, len(s.names))
	}
	s.d.mu.Lock()
	fs := s.d.stats[s.tableKeys[s.next-1]]
	if s.pass.prefiltered == 0 {
		// A prefiltered pass saw only some rows: its counts of
		// values and its time range would mislead.
		fs.mergeColumns(s.pass, s.names, s.timeOut)
	}
	fs.merge(s.pass)
	s.d.mu.Unlock()
}

func (s *tableScan) Close() error {
	if s.cur != nil {
		s.finish(false)
	}
	s.done = true
	return nil
}
