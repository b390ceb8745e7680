package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// chunkSize is the size of the chunks of lines that a parallel scan hands
// to its decoders: a chunk is that much of the file cut after its last
// line end (or more, when one line is longer). A file smaller than a
// chunk is read sequentially. Tests lower it to cut files many times.
var chunkSize = 1 << 20

// pageSize is the size of the memory pages of a mapping.
var pageSize = os.Getpagesize()

// chunkBufs holds the buffers of decoded chunks, for the chunks of any
// parallel scan to reuse. A buffer holds no pointers: rows copy what they
// keep of it.
var chunkBufs sync.Pool

// lineChunk is a run of consecutive whole lines of a file, and, once
// decoded, its rows.
type lineChunk struct {
	data  []byte // the lines, each ended by '\n' but perhaps the file's last
	first int    // the number of the first line
	// After the lines: long is the number of a line longer than maxLine,
	// which was not held, or 0; then errLine is the line at which reading
	// failed with err (the file ends there), or 0.
	long    int
	errLine int
	err     error
	// panicErr is an ErrPanic of the splitter or the decoder.
	panicErr error
	// mapEnd is, when data is a slice of the mapped file rather than a
	// buffer of chunkBufs, the offset in the file where the chunk ends;
	// else 0.
	mapEnd int

	// Set by the decoder, then done is closed.
	batches []*value.Batch
	pass    passStats // skips, unconverted values and other tables; not rows
	done    chan struct{}
}

// parLines reads a file of JSON lines (rows or streaming records) on
// several goroutines: one splits the file into chunks of lines, in order;
// workers decode chunks into batches; Next's goroutine takes the chunks
// in file order, so that rows, their order and the positions of problems
// are exactly those of the sequential reader. At most 2×workers chunks
// are in flight.
type parLines struct {
	rc   *dataReader
	rerr error // the first read error, returned again
	// mapped is the file mapped in memory (mapFile), or nil when it is
	// read; released is how much of it was given back (releaseMapped).
	mapped   []byte
	released int
	// pending is an error that nextBatches met after rows, which it
	// returned first.
	pending error

	order chan *lineChunk // chunks in file order, to the consumer
	jobs  chan *lineChunk // chunks to decode, to the workers
	stop  chan struct{}   // closed by close: every goroutine returns
	wg    sync.WaitGroup

	// Consumer side.
	cur     *lineChunk
	next    int // next batch of cur
	pass    *passStats
	names   []string
	timeOut int
	stopped bool
}

// parWorker is one decoder of a parallel scan, with its own decoder and
// writer (and their buffers and interners).
type parWorker struct {
	w         *rowWriter
	dec       *objDecoder
	types     []schema.Type
	batchSize int
}

// newParLines starts reading rc, a file of JSON lines, on threads
// decoders, set up like the scan's decoder dec for the file.
func (s *tableScan) newParLines(rc *dataReader, threads int, gz bool) *parLines {
	p := &parLines{
		rc:      rc,
		order:   make(chan *lineChunk, 2*threads),
		jobs:    make(chan *lineChunk, threads),
		stop:    make(chan struct{}),
		pass:    s.pass,
		names:   s.names,
		timeOut: s.timeOut,
	}
	if rc.enc == "" && !gz {
		if info, err := rc.f.Stat(); err == nil && info.Mode().IsRegular() {
			p.mapped = mapFile(rc.f, info.Size())
		}
	}
	for range threads {
		w := &rowWriter{tf: s.w.tf, file: s.w.file, route: s.w.ones, ones: s.w.ones}
		for _, c := range s.w.cols {
			w.cols = append(w.cols, outCol{name: c.name, typ: c.typ})
		}
		d := newObjDecoder(w, s.table, s.cols)
		d.table = s.dec.table
		d.fileTables, d.forced, d.rowsOK, d.typed = s.dec.fileTables, s.dec.forced, s.dec.rowsOK, s.dec.typed
		if s.dec.prog != nil {
			d.pre = s.dec.prog.NewMatcher()
			d.bits = make([]uint64, len(s.w.ones))
		}
		wk := &parWorker{w: w, dec: d, types: s.types, batchSize: s.batchSize}
		p.wg.Add(1)
		go p.work(wk)
	}
	p.wg.Add(1)
	go p.split()
	return p
}

// split reads the file into chunks of whole lines, and sends them, in
// order, to the consumer and to the workers. It reads into the chunks'
// buffers, a chunk at a time, and carries a line cut at the end of one
// over to the next: a line is copied only then.
func (p *parLines) split() {
	defer p.wg.Done()
	defer close(p.jobs)
	defer close(p.order)
	defer func() {
		if r := recover(); r != nil {
			c := &lineChunk{done: make(chan struct{}), panicErr: p.panicError(r)}
			close(c.done)
			select {
			case p.order <- c:
			case <-p.stop:
			}
		}
	}()
	if p.mapped != nil {
		debug.SetPanicOnFault(true)
		p.splitMapped()
		return
	}
	buf := getChunkBuf()
	line := 0 // lines before buf
	for {
		var err error
		for len(buf) < cap(buf) && err == nil {
			var n int
			n, err = p.readFile(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
		}
		if err == io.EOF {
			if len(buf) > 0 {
				p.send(&lineChunk{data: buf, first: line + 1, done: make(chan struct{})})
			}
			return
		}
		last := bytes.LastIndexByte(buf, '\n')
		if err != nil {
			// The complete lines, then the error at the line after them.
			c := &lineChunk{data: buf[:last+1], first: line + 1, done: make(chan struct{})}
			c.errLine, c.err = line+bytes.Count(c.data, nl)+1, err
			if last < 0 && len(buf) > maxLine {
				c.errLine++ // as lineReader counts a line too long when reading fails in it
			}
			p.send(c)
			return
		}
		if last < 0 {
			// buf holds the start of one line.
			if len(buf) <= maxLine {
				buf = slices.Grow(buf, min(2*cap(buf), maxLine+1)-len(buf))
				continue
			}
			line++
			c := &lineChunk{data: buf[:0], first: line, long: line, done: make(chan struct{})}
			rest, err := p.skipLine(buf[:0])
			switch {
			case err == io.EOF:
				p.send(c)
				return
			case err != nil:
				c.errLine, c.err = line+1, err
				p.send(c)
				return
			}
			buf = append(getChunkBuf(), rest...)
			if !p.send(c) {
				return
			}
			continue
		}
		next := append(getChunkBuf(), buf[last+1:]...)
		c := &lineChunk{data: buf[:last+1], first: line + 1, done: make(chan struct{})}
		line += bytes.Count(c.data, nl)
		if !p.send(c) {
			return
		}
		buf = next
	}
}

// splitMapped is split for a mapped file: its chunks are slices of the
// mapping, each ending after a line end (the last at the file's end). A
// line longer than a chunk makes a longer chunk, unless it is longer than
// maxLine: it is then not handed on but reported, as split does, and the
// pages the search for its end went through are given back at once, so
// that a file of one huge line does not stay resident.
func (p *parLines) splitMapped() {
	m := p.mapped
	line := 0 // lines before pos
	for pos := 0; pos < len(m); {
		end, one := min(pos+chunkSize, len(m)), false
		if end < len(m) {
			if i := bytes.LastIndexByte(m[pos:end], '\n'); i >= 0 {
				end = pos + i + 1
			} else {
				end, one = p.lineEnd(pos, end), true
			}
		}
		c := &lineChunk{data: m[pos:end:end], first: line + 1, mapEnd: end, done: make(chan struct{})}
		if one && end-pos > maxLine {
			line++
			c.data, c.first, c.long = m[pos:pos:pos], line, line
		} else {
			line += bytes.Count(c.data, nl)
		}
		p.rc.counted(end - pos)
		if !p.send(c) {
			return
		}
		pos = end
	}
}

// lineEnd returns the offset after the end of the line that starts at
// pos, searching from from on a chunk at a time, and gives back the
// pages it went through once the line is longer than maxLine (no chunk
// holds them).
func (p *parLines) lineEnd(pos, from int) int {
	m := p.mapped
	for from < len(m) {
		to := min(from+chunkSize, len(m))
		if i := bytes.IndexByte(m[from:to], '\n'); i >= 0 {
			return from + i + 1
		}
		if to-pos > maxLine {
			if lo, hi := (pos+pageSize-1)/pageSize*pageSize, to/pageSize*pageSize; lo < hi {
				releaseMapped(m[lo:hi])
			}
		}
		from = to
	}
	return len(m)
}

// panicError is the error of a panic r of the splitter or a decoder: a
// fault reading a mapped file (cut short while it was read) is a data
// error of the file.
func (p *parLines) panicError(r any) error {
	if _, ok := r.(interface{ Addr() uintptr }); ok && p.mapped != nil {
		return &DataError{File: p.rc.f.Name(), Reason: fmt.Sprintf("the file changed while it was read (it was cut short?): %v", r)}
	}
	return fmt.Errorf("%w: %v\n%s", ErrPanic, r, debug.Stack())
}

// readFile reads from the file; after an error it returns the error again.
func (p *parLines) readFile(b []byte) (int, error) {
	if p.rerr != nil {
		return 0, p.rerr
	}
	n, err := p.rc.Read(b)
	if err != nil {
		p.rerr = err
	}
	return n, err
}

var errStopped = errors.New("scan closed")

// skipLine reads past the end of the line under way, using buf's space,
// and returns what follows its '\n' (in buf), or the read error (io.EOF
// when the file ends first).
func (p *parLines) skipLine(buf []byte) ([]byte, error) {
	for {
		n, err := p.readFile(buf[:cap(buf)])
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return buf[i+1 : n], nil
		}
		if err != nil {
			return nil, err
		}
		select {
		case <-p.stop:
			return nil, errStopped
		default:
		}
	}
}

// getChunkBuf returns an empty buffer of chunkSize bytes or more.
func getChunkBuf() []byte {
	if b, ok := chunkBufs.Get().(*[]byte); ok && cap(*b) >= chunkSize {
		return (*b)[:0]
	}
	return make([]byte, 0, chunkSize)
}

// send hands c to the consumer, then to a worker; false when the scan
// stopped.
func (p *parLines) send(c *lineChunk) bool {
	select {
	case p.order <- c:
	case <-p.stop:
		return false
	}
	select {
	case p.jobs <- c:
		return true
	case <-p.stop:
		return false
	}
}

// work decodes chunks until there are no more, or the scan stops.
func (p *parLines) work(wk *parWorker) {
	defer p.wg.Done()
	if p.mapped != nil {
		debug.SetPanicOnFault(true)
	}
	for c := range p.jobs {
		select {
		case <-p.stop:
			close(c.done)
			continue
		default:
		}
		wk.decode(p, c)
		close(c.done)
	}
}

// decode fills c.batches with the rows of c's lines, and c.pass with what
// the lines that gave no row were.
func (wk *parWorker) decode(p *parLines, c *lineChunk) {
	defer func() {
		if r := recover(); r != nil {
			c.panicErr = p.panicError(r)
		}
	}()
	w := wk.w
	w.pass = &c.pass
	w.batch = nil
	data, n := c.data, c.first
	lines := bytes.Count(data, nl) + 1 // at most; to size the batches
	if wk.dec.pre != nil {
		// Most lines are skipped: the batch grows as rows come.
		lines = min(lines, 64)
	}
	for len(data) > 0 {
		if w.batch == nil || w.batch.N == wk.batchSize {
			w.setBatch(value.NewBatch(wk.types, max(0, min(wk.batchSize, lines-(n-c.first)))))
			c.batches = append(c.batches, w.batch)
		}
		line, size := data, len(data) // the file's last line may have no '\n'
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, size = data[:i], i+1
		}
		data = data[size:]
		if size > maxLine {
			// As lineReader counts: the line with its '\n'.
			w.skip(&DataError{File: w.file, Line: n, Reason: fmt.Sprintf("line longer than %d bytes", maxLine)})
		} else {
			wk.dec.decodeLine(line, n)
		}
		n++
	}
	if c.long > 0 {
		w.skip(&DataError{File: w.file, Line: c.long, Reason: fmt.Sprintf("line longer than %d bytes", maxLine)})
	}
	if c.err != nil {
		readFailed(w, c.errLine, c.err)
	}
	if len(c.batches) > 0 && c.batches[len(c.batches)-1].N == 0 {
		c.batches = c.batches[:len(c.batches)-1]
	}
	w.batch = nil
	w.pass = nil
}

// nextBatches returns the next rows of the file, in order, as one batch
// of at least min rows when the file has them, or io.EOF at its end: when
// a prefilter leaves a few rows of each chunk, a batch per chunk would cost
// every query of the pass its per-batch work for a handful of rows.
func (p *parLines) nextBatches(ctx context.Context, types []schema.Type, min int) (*value.Batch, error) {
	if err := p.pending; err != nil {
		p.pending = nil
		return nil, err
	}
	var parts []*value.Batch
	n := 0
	for n < min {
		b, err := p.nextBatch(ctx)
		if err != nil {
			if len(parts) == 0 {
				return nil, err
			}
			if err != io.EOF {
				p.pending = err // after the rows before it
			}
			break
		}
		parts = append(parts, b)
		n += b.N
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return value.Concat(types, parts), nil
}

// nextBatch returns the next batch of the file, in order, or io.EOF at
// its end. It counts the rows it returns, and the lines that gave none,
// into the file's pass.
func (p *parLines) nextBatch(ctx context.Context) (*value.Batch, error) {
	for {
		if c := p.cur; c != nil {
			if p.next < len(c.batches) {
				b := c.batches[p.next]
				c.batches[p.next] = nil
				p.next++
				p.pass.rows += int64(b.N)
				accountRows(p.pass, b, 0, b.N, p.names, p.timeOut)
				return b, nil
			}
			switch {
			case c.mapEnd > 0:
				// Give back the pages before the chunk's last one, which
				// the next chunk may share.
				end := c.mapEnd
				if end == len(p.mapped) {
					end += pageSize
				}
				if to := end / pageSize * pageSize; to > p.released {
					releaseMapped(p.mapped[p.released:min(to, len(p.mapped))])
					p.released = to
				}
			case cap(c.data) <= 2*chunkSize:
				buf := c.data[:0]
				chunkBufs.Put(&buf)
			}
			c.data = nil
			p.cur = nil
		}
		var c *lineChunk
		var ok bool
		select {
		case c, ok = <-p.order:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if !ok {
			return nil, io.EOF
		}
		select {
		case <-c.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if c.panicErr != nil {
			return nil, c.panicErr
		}
		p.pass.addSkips(&c.pass)
		p.cur, p.next = c, 0
	}
}

// read is not used: tableScan.Next takes whole batches from nextBatch.
func (p *parLines) read(int) error { panic("parLines.read") }

// close stops the goroutines, waits for them, and closes the file.
func (p *parLines) close() error {
	if !p.stopped {
		p.stopped = true
		close(p.stop)
		p.wg.Wait()
	}
	if p.mapped != nil {
		unmapFile(p.mapped)
		p.mapped = nil
	}
	return p.rc.Close()
}

// addSkips adds to p what q counted of lines that gave no row: the
// malformed ones, the values that did not convert and the other tables'
// records, keeping the first MaxReported of each in order.
func (p *passStats) addSkips(q *passStats) {
	p.skipped += q.skipped
	p.prefiltered += q.prefiltered
	p.unconv += q.unconv
	p.other += q.other
	for _, e := range q.skippedErrs {
		if len(p.skippedErrs) < MaxReported {
			p.skippedErrs = append(p.skippedErrs, e)
		}
	}
	for _, e := range q.unconvErrs {
		if len(p.unconvErrs) < MaxReported {
			p.unconvErrs = append(p.unconvErrs, e)
		}
	}
	for _, n := range q.otherNames {
		if len(p.otherNames) < MaxReported && !slices.ContainsFunc(p.otherNames, func(m string) bool { return strings.EqualFold(m, n) }) {
			p.otherNames = append(p.otherNames, n)
		}
	}
}
