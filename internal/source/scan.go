package source

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Scan streams the rows of one table. It is not safe for concurrent use;
// scans of one Dataset may run concurrently.
type Scan interface {
	// Next returns the next batch, or nil, nil at the end. The batch
	// belongs to the caller, who must treat it as read-only; Next does not
	// reuse it. After an error, Next returns the same error again.
	Next() (*value.Batch, error)
	// Close releases the open file, if any. Stats keeps what was read.
	Close() error
}

// Scan returns a scan of the rows of table in the dataset's files, those
// whose table equals table.Name ignoring case. Its batches hold the columns
// table.Columns[cols[i]], in that order and of those types; a column may be
// asked for more than once, and with no columns the batches only count
// rows. A table without data gives an empty scan.
func (d *Dataset) Scan(table *schema.Table, cols []int) (Scan, error) {
	if table == nil {
		return nil, fmt.Errorf("scan: no table")
	}
	d.index()
	s := &tableScan{d: d, table: table, batchSize: d.opts.BatchSize}
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

type tableScan struct {
	d         *Dataset
	table     *schema.Table
	types     []schema.Type
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
}

func (s *tableScan) Next() (b *value.Batch, err error) {
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
	batch := value.NewBatch(s.types, s.batchSize)
	s.w.setBatch(batch)
	for batch.N < s.batchSize {
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
	if batch.N == 0 {
		return nil, nil
	}
	return batch, nil
}

// open starts reading file i.
func (s *tableScan) open(i int) error {
	f := s.files[i]
	s.pass = &passStats{}
	rc, _, err := openData(f.path, &s.pass.bytes, &s.d.read)
	if err != nil {
		return err
	}
	s.w.file = f.path
	s.w.pass = s.pass
	d := s.dec
	d.fileTables = f.tables
	d.forced = f.forced
	d.rowsOK = f.rowTable != "" && strings.EqualFold(f.rowTable, s.table.Name)
	d.lastCat = nil
	switch {
	case f.format == FormatCSV:
		s.cur = newCSVReader(rc, d)
	case f.format.isDocument():
		s.cur = newDocReader(rc, d)
	default:
		s.cur = newJSONLinesReader(rc, d)
	}
	return nil
}

// finish closes the current file and records what was read from it.
func (s *tableScan) finish(complete bool) {
	s.cur.close()
	s.cur = nil
	s.pass.complete = complete
	s.d.mu.Lock()
	s.d.stats[s.tableKeys[s.next-1]].merge(s.pass)
	s.d.mu.Unlock()
}

func (s *tableScan) Close() error {
	if s.cur != nil {
		s.finish(false)
	}
	s.done = true
	return nil
}
