package source

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// parquetMagic starts (and ends) every Parquet file.
const parquetMagic = "PAR1"

// ParquetTableKey is the key of a Parquet file's key-value metadata that
// names the table its rows belong to; kqlhunt convert writes it.
const ParquetTableKey = "table"

// TimeRange bounds a datetime column, Column (Timestamp or TimeGenerated),
// of the rows a scan needs; HasFrom and HasTo are false for an open side.
// Both bounds are inclusive, and a row whose Column is null is not needed.
// A scan given a range may leave out rows outside it, whole Parquet row
// groups whose statistics show that none of their rows is inside, and
// counts them in FileStats.Pruned; it may also return rows outside it: the
// query still filters. A file without TimeGenerated whose rows take their
// Timestamp for it (see the package comment) is pruned by Timestamp.
type TimeRange struct {
	Column         string
	From, To       value.Datetime
	HasFrom, HasTo bool
}

// misses reports whether no time in [lo, hi] is in r.
func (r *TimeRange) misses(lo, hi value.Datetime) bool {
	return r != nil && (r.HasFrom && hi < r.From || r.HasTo && lo > r.To)
}

// parquetTable returns the table named by the key-value metadata of the
// Parquet file at path, or "". It reads only the footer's key-value
// metadata (footerTable); a footer it cannot read that way is decoded
// whole.
func parquetTable(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return ""
	}
	if t, ok := footerTable(f, info.Size()); ok {
		return strings.TrimSpace(t)
	}
	return parquetTableSlow(f, info.Size())
}

// parquetTableSlow is parquetTable through the Parquet library.
func parquetTableSlow(f io.ReaderAt, size int64) string {
	pf, err := parquet.OpenFile(f, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return ""
	}
	t, _ := pf.Lookup(ParquetTableKey)
	return strings.TrimSpace(t)
}

// maxFooter bounds the footer footerTable reads.
const maxFooter = 64 << 20

// footerTable reads the value of ParquetTableKey in the key-value
// metadata of a Parquet file's footer, skipping the rest of the footer
// (the schema and the row groups' column chunks, which take most of the
// time to decode); ok is false when the footer is not one it can read.
func footerTable(f io.ReaderAt, size int64) (table string, ok bool) {
	if size < 12 {
		return "", false
	}
	var tail [8]byte
	if _, err := f.ReadAt(tail[:], size-8); err != nil || string(tail[4:]) != parquetMagic {
		return "", false
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n <= 0 || n > maxFooter || n > size-12 {
		return "", false
	}
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, size-8-n); err != nil {
		return "", false
	}
	d := &compactReader{b: buf}
	// FileMetaData: field 5 is list<KeyValue>; KeyValue is key (1) and
	// value (2), both strings.
	found := false
	d.fields(func(id int16, typ byte) bool {
		if id != 5 || typ != tList {
			return d.skip(typ, 0)
		}
		size, elem := d.listHeader()
		if elem != tStruct {
			return false
		}
		for range size {
			var key, val string
			var hasKey bool
			d.fields(func(id int16, typ byte) bool {
				if typ == tBinary && (id == 1 || id == 2) {
					s, ok := d.binary()
					if id == 1 {
						key, hasKey = s, true
					} else {
						val = s
					}
					return ok
				}
				return d.skip(typ, 0)
			})
			if d.err {
				return false
			}
			if hasKey && key == ParquetTableKey && !found {
				table, found = val, true
			}
		}
		return true
	})
	if d.err {
		return "", false
	}
	return table, true
}

// Thrift compact protocol types.
const (
	tTrue   = 1
	tFalse  = 2
	tByte   = 3
	tI16    = 4
	tI32    = 5
	tI64    = 6
	tDouble = 7
	tBinary = 8
	tList   = 9
	tSet    = 10
	tMap    = 11
	tStruct = 12
)

// compactReader reads Thrift compact protocol; err is set at the first
// malformed or truncated value.
type compactReader struct {
	b   []byte
	i   int
	err bool
}

func (d *compactReader) byte() byte {
	if d.i >= len(d.b) {
		d.err = true
		return 0
	}
	c := d.b[d.i]
	d.i++
	return c
}

func (d *compactReader) uvarint() uint64 {
	x, n := binary.Uvarint(d.b[min(d.i, len(d.b)):])
	if n <= 0 {
		d.err = true
		return 0
	}
	d.i += n
	return x
}

func (d *compactReader) binary() (string, bool) {
	n := d.uvarint()
	if d.err || n > uint64(len(d.b)-d.i) {
		d.err = true
		return "", false
	}
	s := string(d.b[d.i : d.i+int(n)])
	d.i += int(n)
	return s, true
}

// listHeader reads the size and element type of a list or set.
func (d *compactReader) listHeader() (int, byte) {
	h := d.byte()
	size := uint64(h >> 4)
	if size == 15 {
		size = d.uvarint()
	}
	if d.err || size > uint64(len(d.b)) {
		d.err = true
		return 0, 0
	}
	return int(size), h & 15
}

// fields reads a struct's fields up to its stop, calling fn with each
// field's id and type; fn reads the value, and returns false on error.
func (d *compactReader) fields(fn func(id int16, typ byte) bool) {
	var last int16
	for !d.err {
		h := d.byte()
		if d.err || h == 0 {
			return
		}
		typ := h & 15
		if delta := int16(h >> 4); delta != 0 {
			last += delta
		} else {
			z := d.uvarint()
			last = int16(int64(z>>1) ^ -int64(z&1))
		}
		if !fn(last, typ) {
			d.err = true
			return
		}
	}
}

// skip reads past a value of type typ; depth bounds the nesting.
func (d *compactReader) skip(typ byte, depth int) bool {
	if depth > 64 {
		d.err = true
		return false
	}
	switch typ {
	case tTrue, tFalse:
	case tByte:
		d.byte()
	case tI16, tI32, tI64:
		d.uvarint()
	case tDouble:
		if len(d.b)-d.i < 8 {
			d.err = true
		}
		d.i += 8
	case tBinary:
		d.binary()
	case tList, tSet:
		size, elem := d.listHeader()
		for i := 0; i < size && !d.err; i++ {
			if elem == tTrue || elem == tFalse {
				d.byte() // a bool element takes a byte
				continue
			}
			d.skip(elem, depth+1)
		}
	case tMap:
		size := d.uvarint()
		if size > 0 && !d.err {
			kv := d.byte()
			for i := uint64(0); i < size && !d.err; i++ {
				d.skipElem(kv>>4, depth+1)
				d.skipElem(kv&15, depth+1)
			}
		}
	case tStruct:
		d.fields(func(_ int16, typ byte) bool { return d.skip(typ, depth+1) })
	default:
		d.err = true
	}
	return !d.err
}

// skipElem skips an element of a map, where a bool takes a byte.
func (d *compactReader) skipElem(typ byte, depth int) {
	if typ == tTrue || typ == tFalse {
		d.byte()
		return
	}
	d.skip(typ, depth)
}

// pqLeaf is a Parquet leaf column a scan output reads, and how its values
// are to be understood.
type pqLeaf struct {
	index int // in the row group's column chunks
	name  string
	// unit is the tick count of one unit of a TIMESTAMP column (1 for
	// nanoseconds is not a whole tick: nanos is set instead), 0 when the
	// column is not a timestamp.
	unit  int64
	nanos bool
	date  bool // DATE: days since the epoch
	uuid  bool
	scale int // DECIMAL scale
	dec   bool
	// nested is set for a LIST, MAP, STRUCT or repeated column, whose
	// values are not read.
	nested bool
	maxDef byte // the definition level of a present value
}

// parquetReader reads the rows of a Parquet file: only the columns the
// scan asks for, row group by row group, leaving out the row groups whose
// time statistics miss the scan's TimeRange.
type parquetReader struct {
	rc  *dataReader
	w   *rowWriter
	dec *objDecoder
	win *TimeRange
	// disk counts bytes read from disk for Dataset.Progress.
	disk *atomic.Int64

	pf     *parquet.File
	leaves []*pqLeaf // per output, nil for a column the file lacks
	time   *pqLeaf   // the column of win, to prune by, or nil
	rg     int       // next row group
	left   int64     // rows left in the current row group
	pages  []parquet.Pages
	cur    []pqPage // per output, the page being read
	buf    []parquet.Value
	row    int64 // rows of the file before the current one
	opened bool
	// pre drops the rows that the scan's prefilter rules out (see
	// parquetpre.go); nil keeps every row.
	pre *pqPre
}

func newParquetReader(rc *dataReader, dec *objDecoder, win *TimeRange, disk *atomic.Int64) *parquetReader {
	return &parquetReader{rc: rc, w: dec.w, dec: dec, win: win, disk: disk}
}

func (r *parquetReader) close() error {
	r.closePages()
	return r.rc.Close()
}

func (r *parquetReader) closePages() {
	for i, p := range r.pages {
		if p != nil {
			p.Close()
		}
		r.pages[i] = nil
		if r.cur[i].page != nil {
			parquet.Release(r.cur[i].page)
		}
		// A column chunk's dictionary is not used past it.
		r.cur[i].page, r.cur[i].dict, r.cur[i].dbuf, r.cur[i].doff = nil, nil, nil, nil
		r.cur[i].tdict = nil
	}
}

// countingReaderAt counts the bytes read from a file.
type countingReaderAt struct {
	f    *os.File
	n    *int64
	disk *atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	k, err := c.f.ReadAt(p, off)
	*c.n += int64(k)
	if c.disk != nil {
		c.disk.Add(int64(k))
	}
	return k, err
}

// open reads the file's footer and maps the outputs to leaf columns.
func (r *parquetReader) open() error {
	info, err := r.rc.f.Stat()
	if err != nil {
		return err
	}
	ra := &countingReaderAt{f: r.rc.f, n: r.rc.n, disk: r.disk}
	if r.rc.n == nil {
		var n int64
		ra.n = &n
	}
	pf, err := parquet.OpenFile(ra, info.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true), parquet.ReadBufferSize(256<<10))
	if err != nil {
		return r.bad("not a readable Parquet file: " + err.Error())
	}
	r.pf = pf
	byName := map[string]*parquet.Column{}
	byFold := map[string]*parquet.Column{}
	nested := map[string]string{} // lowercased name → name
	for _, c := range pf.Root().Columns() {
		if !c.Leaf() || c.MaxRepetitionLevel() > 0 {
			// Nested and repeated columns are not read: their values
			// are null, and counted as not converted.
			nested[strings.ToLower(c.Name())] = c.Name()
			continue
		}
		byName[c.Name()] = c
		if k := strings.ToLower(c.Name()); byFold[k] == nil {
			byFold[k] = c
		}
	}
	find := func(name string) *parquet.Column {
		if c := byName[name]; c != nil {
			return c
		}
		return byFold[strings.ToLower(name)]
	}
	n := len(r.w.cols)
	r.leaves = make([]*pqLeaf, n)
	r.pages = make([]parquet.Pages, n)
	r.cur = make([]pqPage, n)
	for o := range r.leaves {
		if r.dec.alias[o] != o {
			continue
		}
		c := find(r.w.cols[o].name)
		if c == nil && o == r.dec.timeOut && r.dec.stampFill {
			c = find("Timestamp") // a Defender export: TimeGenerated is Timestamp
		}
		switch {
		case c != nil:
			r.leaves[o] = newPQLeaf(c)
		case nested[strings.ToLower(r.w.cols[o].name)] != "":
			r.leaves[o] = &pqLeaf{name: nested[strings.ToLower(r.w.cols[o].name)], nested: true}
		}
	}
	if r.win != nil {
		c := find(r.win.Column)
		if _, stamp := r.dec.fold["timestamp"]; c == nil && stamp && strings.EqualFold(r.win.Column, "TimeGenerated") {
			c = find("Timestamp")
		}
		if c != nil {
			r.time = newPQLeaf(c)
		}
	}
	return nil
}

// bad reports a file that cannot be read: skipped, or under Strict, the
// error that ends the scan.
func (r *parquetReader) bad(reason string) error {
	r.w.skip(&DataError{File: r.w.file, Reason: reason})
	if r.w.err != nil {
		return r.w.err
	}
	return io.EOF
}

func newPQLeaf(c *parquet.Column) *pqLeaf {
	l := &pqLeaf{index: c.Index(), name: c.Name(), maxDef: byte(c.MaxDefinitionLevel())}
	lt := c.Type().LogicalType()
	if lt != nil {
		switch t := lt.Value.(type) {
		case *format.TimestampType:
			switch t.Unit.Value.(type) {
			case *format.MilliSeconds:
				l.unit = value.Second / 1000
			case *format.MicroSeconds:
				l.unit = value.Second / 1000000
			case *format.NanoSeconds:
				l.nanos = true
			}
		case *format.DateType:
			l.date = true
		case *format.UUIDType:
			l.uuid = true
		case *format.DecimalType:
			l.dec, l.scale = true, int(t.Scale)
		}
		return l
	}
	if ct := c.Type().ConvertedType(); ct != nil {
		switch *ct {
		case deprecated.TimestampMillis:
			l.unit = value.Second / 1000
		case deprecated.TimestampMicros:
			l.unit = value.Second / 1000000
		case deprecated.Date:
			l.date = true
		}
	}
	return l
}

// ticks returns the datetime of an integer value of l, and whether l holds
// datetimes as integers: a TIMESTAMP in any unit, a DATE, or a plain
// INT64, which kqlhunt convert writes as 100 ns ticks since the epoch.
func (l *pqLeaf) ticks(x int64, kind parquet.Kind) (value.Datetime, bool) {
	switch {
	case l.nanos:
		return value.Datetime(floorDiv(x, 100)), true
	case l.unit > 0:
		return value.Datetime(x * l.unit), true
	case l.date:
		return value.Datetime(x * 86400 * value.Second), true
	case kind == parquet.Int64 && !l.dec:
		return value.Datetime(x), true
	}
	return 0, false
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// int96Time is the datetime of an INT96 timestamp (Impala, older Spark):
// nanoseconds of the day, then the Julian day.
func int96Time(v parquet.Value) value.Datetime {
	i := v.Int96()
	nanos := int64(uint64(i[1])<<32 | uint64(i[0]))
	days := int64(i[2]) - 2440588 // Julian day of 1970-01-01
	return value.Datetime(days*86400*value.Second + nanos/100)
}

// rowGroupTime returns the range of the time column in row group g from
// its statistics, and whether it is known.
func (r *parquetReader) rowGroupTime(g int) (lo, hi value.Datetime, ok bool) {
	if r.time == nil {
		return 0, 0, false
	}
	md := r.pf.Metadata()
	if g >= len(md.RowGroups) || r.time.index >= len(md.RowGroups[g].Columns) {
		return 0, 0, false
	}
	cm := &md.RowGroups[g].Columns[r.time.index].MetaData
	st := &cm.Statistics
	minB, maxB := st.MinValue, st.MaxValue
	if minB == nil || maxB == nil {
		return 0, 0, false
	}
	if st.NullCount > 0 && st.NullCount == cm.NumValues {
		return 0, 0, false
	}
	decode := func(b []byte) (value.Datetime, bool) {
		switch cm.Type {
		case format.Int64:
			if len(b) != 8 {
				return 0, false
			}
			return r.time.ticks(int64(binary.LittleEndian.Uint64(b)), parquet.Int64)
		case format.Int32:
			if len(b) != 4 || !r.time.date {
				return 0, false
			}
			return r.time.ticks(int64(int32(binary.LittleEndian.Uint32(b))), parquet.Int32)
		case format.ByteArray:
			if d, ok := parseISOFast(b); ok {
				return d, true
			}
			return value.ParseDatetime(string(b))
		}
		return 0, false
	}
	lo, ok1 := decode(minB)
	hi, ok2 := decode(maxB)
	if !ok1 || !ok2 || cm.Type == format.ByteArray {
		// Strings order as text, not as times, unless all are written
		// alike: trust only the ticks of integer columns.
		return 0, 0, false
	}
	return lo, hi, true
}

// nextGroup opens the next row group that the time range does not rule
// out; it returns io.EOF after the last.
func (r *parquetReader) nextGroup() error {
	r.closePages()
	groups := r.pf.RowGroups()
	for r.rg < len(groups) {
		g := groups[r.rg]
		r.rg++
		if lo, hi, ok := r.rowGroupTime(r.rg - 1); ok && r.win.misses(lo, hi) {
			r.w.pass.pruned += g.NumRows()
			r.row += g.NumRows()
			continue
		}
		if g.NumRows() == 0 {
			continue
		}
		chunks := g.ColumnChunks()
		for o, l := range r.leaves {
			if l != nil && !l.nested {
				r.pages[o] = chunks[l.index].Pages()
			}
		}
		r.left = g.NumRows()
		return nil
	}
	return io.EOF
}

func (r *parquetReader) read(max int) (err error) {
	w := r.w
	defer func() {
		// A damaged file can make the Parquet library panic: report the
		// file, keeping the complete rows read before.
		if p := recover(); p != nil {
			r.truncate(w.batch.N)
			err = r.bad(fmt.Sprintf("damaged Parquet file (row group %d): %v", r.rg, p))
		}
	}()
	w.lineFn = nil
	if !r.opened {
		r.opened = true
		if err := r.open(); err != nil {
			return err
		}
		r.pre = newPQPre(r.dec.prog, w, r.dec.alias)
	}
	for w.batch.N < max {
		if w.ctx != nil && w.ctx.Err() != nil {
			return w.ctx.Err()
		}
		if r.left == 0 {
			if err := r.nextGroup(); err != nil {
				return err
			}
		}
		n := int(min(int64(max-w.batch.N), r.left))
		if r.pre != nil {
			r.pre.start(n)
		}
		for o, l := range r.leaves {
			if r.dec.alias[o] != o {
				continue
			}
			if l == nil {
				for _, a := range r.outputsOf(o) {
					for range n {
						w.cols[a].col.AppendNull()
					}
				}
				continue
			}
			if l.nested {
				for i := range n {
					w.line = int(r.row) + i + 1
					for _, a := range r.outputsOf(o) {
						w.fail(a, fmt.Sprintf("nested Parquet column %q (LIST, MAP or STRUCT) not read", l.name))
					}
				}
				continue
			}
			if err := r.readColumn(o, l, n); err != nil {
				r.truncate(w.batch.N)
				return r.bad(fmt.Sprintf("row group %d, column %q: %v", r.rg, l.name, err))
			}
		}
		kept := n
		if r.pre != nil {
			kept = r.filter(w.batch.N, n)
		} else {
			w.routeRows(n)
		}
		w.batch.N += kept
		w.pass.rows += int64(kept)
		r.left -= int64(n)
		r.row += int64(n)
		if w.err != nil {
			return w.err
		}
	}
	return nil
}

// truncate drops the values past row n that the columns of the batch
// being filled hold: those of rows that a damaged column chunk left
// incomplete.
func (r *parquetReader) truncate(n int) {
	for _, oc := range r.w.cols {
		c := oc.col
		switch value.Storage(c.Type) {
		case value.StoreBool:
			c.Bools = c.Bools[:min(n, len(c.Bools))]
		case value.StoreInt:
			c.Ints = c.Ints[:min(n, len(c.Ints))]
		case value.StoreReal:
			c.Reals = c.Reals[:min(n, len(c.Reals))]
		case value.StoreString:
			c.Strs = c.Strs[:min(n, len(c.Strs))]
		default:
			c.Dyns = c.Dyns[:min(n, len(c.Dyns))]
		}
		if c.Nulls != nil {
			c.Nulls = c.Nulls[:min(n, len(c.Nulls))]
		}
	}
}

// outputsOf lists output o and the outputs that repeat its column.
func (r *parquetReader) outputsOf(o int) []int {
	out := []int{o}
	for a := o + 1; a < len(r.dec.alias); a++ {
		if r.dec.alias[a] == o {
			out = append(out, a)
		}
	}
	return out
}

// pqPage is the page of a column chunk being read. The values of the
// common physical types are read straight from the page's data (Data),
// a dictionary's strings made once per column chunk; the others through
// its ValueReader.
type pqPage struct {
	page parquet.Page
	defs []byte // definition levels; nil when every value is present
	row  int    // the next row of the page
	rows int
	val  int // the next present value of the page's data
	// mode tells how the values are read (pqGeneric: vals).
	mode pqMode
	data encoding.Values
	vals parquet.ValueReader
	// dict and strs are the dictionary of the column chunk and its
	// values as strings, made when a page uses it.
	dict parquet.Dictionary
	strs []string
	dbuf []byte
	doff []uint32
	// tsets and tref are the prefilter's term sets of the entries of
	// tdict (pqPre.dictSets).
	tsets []uint64
	tref  []int32
	tdict parquet.Dictionary
}

type pqMode uint8

const (
	pqGeneric pqMode = iota
	pqDictBytes
	pqBytes
	pqInt32
	pqInt64
	pqFloat
	pqDouble
)

// readColumn appends the next n values of leaf l to output o and to the
// outputs that repeat it.
func (r *parquetReader) readColumn(o int, l *pqLeaf, n int) error {
	outs := r.outputsOf(o)
	pg := &r.cur[o]
	done := 0
	for done < n {
		if pg.page == nil || pg.row >= pg.rows {
			if pg.page != nil {
				// Its values are converted: its buffers can serve the
				// next page (strings are copied out of it).
				parquet.Release(pg.page)
				pg.page = nil
			}
			p, err := r.pages[o].ReadPage()
			if err != nil {
				if err == io.EOF {
					return errors.New("the column ends before the row group")
				}
				return err
			}
			r.startPage(o, l, pg, p)
			if pg.rows == 0 {
				continue
			}
		}
		k := min(n-done, pg.rows-pg.row)
		first, v0 := pg.row, pg.val
		if pg.mode == pqGeneric {
			if err := r.readGeneric(outs, l, pg, k, done); err != nil {
				return err
			}
		} else {
			r.readData(outs, l, pg, k, done)
		}
		if r.pre != nil {
			r.segment(o, l, pg, first, v0, k, done)
		}
		pg.row += k
		done += k
	}
	return nil
}

// startPage makes p the page of output o being read.
func (r *parquetReader) startPage(o int, l *pqLeaf, pg *pqPage, p parquet.Page) {
	pg.page, pg.row, pg.rows, pg.val, pg.vals = p, 0, int(p.NumValues()), 0, nil
	pg.defs = p.DefinitionLevels()
	if pg.defs != nil && len(pg.defs) != pg.rows || p.RepetitionLevels() != nil {
		pg.mode, pg.vals = pqGeneric, p.Values()
		return
	}
	pg.data = p.Data()
	pg.mode = pqGeneric
	if d := p.Dictionary(); d != nil {
		if pg.data.Kind() == encoding.Int32 && d.Type().Kind() == parquet.ByteArray && !l.uuid && !l.dec {
			if d != pg.dict {
				pg.dict, pg.strs = d, pg.strs[:0]
				dv := d.Page().Data()
				pg.dbuf, pg.doff = dv.ByteArray()
				if len(pg.doff) != d.Len()+1 {
					pg.dict = nil
				}
				if r.w.cols[o].typ == schema.String {
					// Every output of the leaf that is a string takes these.
					for i := 0; i+1 < len(pg.doff); i++ {
						pg.strs = append(pg.strs, r.w.cols[o].in.str(pg.dbuf[pg.doff[i]:pg.doff[i+1]]))
					}
				}
			}
			if pg.dict != nil {
				pg.mode = pqDictBytes
			}
		}
	} else {
		switch pg.data.Kind() {
		case encoding.ByteArray:
			if !l.uuid {
				pg.mode = pqBytes
			}
		case encoding.Int32:
			pg.mode = pqInt32
		case encoding.Int64:
			pg.mode = pqInt64
		case encoding.Float:
			pg.mode = pqFloat
		case encoding.Double:
			pg.mode = pqDouble
		}
	}
	if pg.mode == pqGeneric {
		pg.vals = p.Values()
	}
}

// readGeneric appends k values of the page through its ValueReader.
func (r *parquetReader) readGeneric(outs []int, l *pqLeaf, pg *pqPage, k, done int) error {
	if cap(r.buf) < 1024 {
		r.buf = make([]parquet.Value, 1024)
	}
	for k > 0 {
		want := min(k, len(r.buf))
		got, err := pg.vals.ReadValues(r.buf[:want])
		for i, v := range r.buf[:got] {
			r.w.line = int(r.row) + done + i + 1
			for _, a := range outs {
				r.put(a, l, v)
			}
		}
		done += got
		k -= got
		if err == io.EOF && k > 0 {
			return errors.New("a page holds fewer values than it says")
		}
		if err != nil && err != io.EOF {
			return err
		}
	}
	return nil
}

// readData appends the values of rows pg.row to pg.row+k of the page,
// read from its data.
func (r *parquetReader) readData(outs []int, l *pqLeaf, pg *pqPage, k, done int) {
	w := r.w
	if len(outs) == 1 && r.readFast(outs[0], l, pg, k) {
		return
	}
	var (
		bytes   []byte
		offsets []uint32
		idx     []int32
		i64     []int64
		f32     []float32
		f64     []float64
	)
	switch pg.mode {
	case pqDictBytes, pqInt32:
		idx = pg.data.Int32()
	case pqBytes:
		bytes, offsets = pg.data.ByteArray()
	case pqInt64:
		i64 = pg.data.Int64()
	case pqFloat:
		f32 = pg.data.Float()
	case pqDouble:
		f64 = pg.data.Double()
	}
	first := pg.row
	for row := first; row < first+k; row++ {
		if pg.defs != nil && pg.defs[row] != l.maxDef {
			for _, a := range outs {
				w.cols[a].col.AppendNull()
			}
			continue
		}
		v := pg.val
		pg.val++
		w.line = int(r.row) + done + (row - first) + 1
		for _, a := range outs {
			switch pg.mode {
			case pqDictBytes:
				x := idx[v]
				if c := &w.cols[a]; c.typ == schema.String && len(pg.strs) > 0 {
					c.pushStr(pg.strs[x])
				} else {
					r.putBytes(a, l, pg.dbuf[pg.doff[x]:pg.doff[x+1]])
				}
			case pqBytes:
				r.putBytes(a, l, bytes[offsets[v]:offsets[v+1]])
			case pqInt32:
				r.putInt(a, l, int64(idx[v]), parquet.Int32)
			case pqInt64:
				r.putInt(a, l, i64[v], parquet.Int64)
			case pqFloat:
				r.putFloat(a, l, float64(f32[v]))
			case pqDouble:
				r.putFloat(a, l, f64[v])
			}
		}
	}
}

// readFast appends the values of rows pg.row to pg.row+k of the page to
// output o when they convert without a check: dictionary strings to a
// string, integers to a long or timespan (int32 to an int too), 100 ns
// ticks to a datetime, doubles to a real. It returns false, having read
// nothing, for the other cases.
func (r *parquetReader) readFast(o int, l *pqLeaf, pg *pqPage, k int) bool {
	c := &r.w.cols[o]
	col := c.col
	plain := !l.dec && !l.date && !l.nanos && l.unit == 0
	var defs []byte
	if pg.defs != nil {
		defs = pg.defs[pg.row : pg.row+k]
	}
	present := func(i int) bool { return defs == nil || defs[i] == l.maxDef }
	switch {
	case pg.mode == pqDictBytes && c.typ == schema.String && len(pg.strs) > 0:
		idx := pg.data.Int32()
		for i := range k {
			if !present(i) {
				col.AppendNull()
				continue
			}
			c.pushStr(pg.strs[idx[pg.val]])
			pg.val++
		}
	case pg.mode == pqInt32 && plain && (c.typ == schema.Int || c.typ == schema.Long || c.typ == schema.Timespan):
		xs := pg.data.Int32()
		for i := range k {
			if !present(i) {
				col.AppendNull()
				continue
			}
			c.pushInt(int64(xs[pg.val]))
			pg.val++
		}
	case pg.mode == pqInt64 && plain && (c.typ == schema.Long || c.typ == schema.Timespan || c.typ == schema.Datetime):
		// A plain INT64 read as a datetime holds 100 ns ticks (ticks).
		xs := pg.data.Int64()
		for i := range k {
			if !present(i) {
				col.AppendNull()
				continue
			}
			c.pushInt(xs[pg.val])
			pg.val++
		}
	case pg.mode == pqDouble && c.typ == schema.Real:
		xs := pg.data.Double()
		for i := range k {
			if !present(i) {
				col.AppendNull()
				continue
			}
			c.pushReal(xs[pg.val])
			pg.val++
		}
	default:
		return false
	}
	return true
}

// put appends v, a value of leaf l, to output o converted to its type; a
// value that does not convert is null and counted.
func (r *parquetReader) put(o int, l *pqLeaf, v parquet.Value) {
	if v.IsNull() {
		r.w.cols[o].col.AppendNull()
		return
	}
	switch kind := v.Kind(); kind {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		r.putBytes(o, l, v.ByteArray())
	case parquet.Boolean:
		r.putBool(o, l, v.Boolean())
	case parquet.Int32:
		r.putInt(o, l, int64(v.Int32()), kind)
	case parquet.Int64:
		r.putInt(o, l, v.Int64(), kind)
	case parquet.Int96:
		r.putInt96(o, l, int96Time(v))
	case parquet.Float:
		r.putFloat(o, l, float64(v.Float()))
	case parquet.Double:
		r.putFloat(o, l, v.Double())
	default:
		r.cannot(o, l, kind.String())
	}
}

// cannot counts a value of leaf l that does not convert to output o.
func (r *parquetReader) cannot(o int, l *pqLeaf, what string) {
	r.w.fail(o, fmt.Sprintf("cannot convert Parquet %s %s to %s", what, l.name, r.w.cols[o].typ))
}

func (r *parquetReader) putBytes(o int, l *pqLeaf, b []byte) {
	w := r.w
	if l.uuid && len(b) == 16 {
		g := formatUUID(b)
		w.putText(o, g[:], false)
		return
	}
	if l.dec {
		r.cannot(o, l, "decimal bytes")
		return
	}
	w.putText(o, b, true)
}

func (r *parquetReader) putBool(o int, l *pqLeaf, b bool) {
	c := &r.w.cols[o]
	switch c.typ {
	case schema.Bool:
		c.pushBool(b)
	case schema.String:
		c.pushStr(strconv.FormatBool(b))
	case schema.Dynamic:
		c.pushDyn(b)
	case schema.Int, schema.Long:
		c.pushInt(int64(b2i(b)))
	default:
		r.cannot(o, l, "boolean")
	}
}

func (r *parquetReader) putInt(o int, l *pqLeaf, x int64, kind parquet.Kind) {
	w := r.w
	c := &w.cols[o]
	if c.typ == schema.Datetime {
		if d, ok := l.ticks(x, kind); ok {
			c.pushInt(int64(d))
			return
		}
		r.cannot(o, l, "integer")
		return
	}
	if l.unit > 0 || l.nanos || l.date {
		d, _ := l.ticks(x, kind)
		switch c.typ {
		case schema.String:
			c.pushStr(d.String())
		case schema.Dynamic:
			c.pushDyn(d)
		default:
			r.cannot(o, l, "timestamp")
		}
		return
	}
	if l.dec {
		f := float64(x) / math.Pow10(l.scale)
		switch c.typ {
		case schema.Decimal:
			d, ok := value.DecimalFromScaled(x, l.scale)
			if !ok {
				r.cannot(o, l, "decimal")
				return
			}
			c.pushDyn(d)
		case schema.Real:
			c.pushReal(f)
		case schema.String:
			c.pushStr(strconv.FormatFloat(f, 'g', -1, 64))
		case schema.Dynamic:
			c.pushDyn(f)
		default:
			r.cannot(o, l, "decimal")
		}
		return
	}
	switch c.typ {
	case schema.Long, schema.Timespan:
		c.pushInt(x)
	case schema.Int:
		if x < math.MinInt32 || x > math.MaxInt32 {
			w.fail(o, fmt.Sprintf("cannot convert %d to int: out of range", x))
			return
		}
		c.pushInt(x)
	case schema.Real:
		c.pushReal(float64(x))
	case schema.Decimal:
		c.pushDyn(value.DecimalFromInt(x))
	case schema.Bool:
		switch x {
		case 0, 1:
			c.pushBool(x == 1)
		default:
			r.cannot(o, l, "integer")
		}
	case schema.String:
		c.pushStr(strconv.FormatInt(x, 10))
	case schema.Dynamic:
		c.pushDyn(x)
	default:
		r.cannot(o, l, "integer")
	}
}

func (r *parquetReader) putInt96(o int, l *pqLeaf, d value.Datetime) {
	c := &r.w.cols[o]
	switch c.typ {
	case schema.Datetime:
		c.pushInt(int64(d))
	case schema.String:
		c.pushStr(d.String())
	case schema.Dynamic:
		c.pushDyn(d)
	default:
		r.cannot(o, l, "INT96 timestamp")
	}
}

func (r *parquetReader) putFloat(o int, l *pqLeaf, f float64) {
	c := &r.w.cols[o]
	switch c.typ {
	case schema.Real:
		c.pushReal(f)
	case schema.Decimal:
		d, ok := value.DecimalFromFloat(f)
		if !ok {
			r.cannot(o, l, "double "+strconv.FormatFloat(f, 'g', -1, 64)+" of")
			return
		}
		c.pushDyn(d)
	case schema.Int, schema.Long:
		if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 || c.typ == schema.Int && (f < math.MinInt32 || f > math.MaxInt32) {
			r.cannot(o, l, "double "+strconv.FormatFloat(f, 'g', -1, 64)+" of")
			return
		}
		c.pushInt(int64(f))
	case schema.String:
		c.pushStr(strconv.FormatFloat(f, 'g', -1, 64))
	case schema.Dynamic:
		c.pushDyn(f)
	default:
		r.cannot(o, l, "double")
	}
}

// formatUUID returns the canonical text of a 16-byte UUID.
func formatUUID(b []byte) [36]byte {
	const hex = "0123456789abcdef"
	var g [36]byte
	j := 0
	for i, x := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			g[j] = '-'
			j++
		}
		g[j], g[j+1] = hex[x>>4], hex[x&15]
		j += 2
	}
	return g
}
