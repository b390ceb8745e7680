package source

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// chunkSize is the size of the chunks of lines that a parallel scan hands
// to its decoders; a chunk ends at the first line end past it. A file
// smaller than a chunk is read sequentially. Tests lower it to cut files
// many times.
var chunkSize = 1 << 20

// chunkBufs holds the buffers of decoded chunks, for the chunks of any
// parallel scan to reuse. A buffer holds no pointers: rows copy what they
// keep of it.
var chunkBufs sync.Pool

// What follows the lines of a chunk.
const (
	tailNone  = iota
	tailLong  // line tailLine is longer than maxLine, and was not held
	tailErr   // reading failed at line tailLine: the file ends there
	tailPanic // the splitter panicked: err is an ErrPanic
)

// lineChunk is a run of consecutive lines of a file, and, once decoded,
// its rows.
type lineChunk struct {
	data  []byte // the lines, each ended by '\n'
	first int    // the number of the first line
	// tail is what follows the lines (tailNone, tailLong, ...), at line
	// tailLine; err is the read error of tailErr or the panic of
	// tailPanic.
	tail     int
	tailLine int
	err      error

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
	rc   io.ReadCloser
	lr   lineReader
	file string

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
func (s *tableScan) newParLines(rc *dataReader, threads int) *parLines {
	p := &parLines{
		rc:      rc,
		lr:      lineReader{br: bufio.NewReaderSize(rc, rc.bufSize)},
		file:    s.w.file,
		order:   make(chan *lineChunk, 2*threads),
		jobs:    make(chan *lineChunk, threads),
		stop:    make(chan struct{}),
		pass:    s.pass,
		names:   s.names,
		timeOut: s.timeOut,
	}
	for range threads {
		w := &rowWriter{tf: s.w.tf, file: s.w.file}
		for _, c := range s.w.cols {
			w.cols = append(w.cols, outCol{name: c.name, typ: c.typ})
		}
		d := newObjDecoder(w, s.table, s.cols)
		d.table = s.dec.table
		d.fileTables, d.forced, d.rowsOK = s.dec.fileTables, s.dec.forced, s.dec.rowsOK
		wk := &parWorker{w: w, dec: d, types: s.types, batchSize: s.batchSize}
		p.wg.Add(1)
		go p.work(wk)
	}
	p.wg.Add(1)
	go p.split()
	return p
}

// split reads the file line by line into chunks and sends them, in
// order, to the consumer and to the workers.
func (p *parLines) split() {
	defer p.wg.Done()
	defer close(p.jobs)
	defer close(p.order)
	c := p.newChunk(1)
	defer func() {
		if r := recover(); r != nil {
			c.tail, c.err = tailPanic, fmt.Errorf("%w: %v\n%s", ErrPanic, r, debug.Stack())
			close(c.done)
			select {
			case p.order <- c:
			case <-p.stop:
			}
		}
	}()
	for {
		line, err := p.lr.next()
		switch {
		case err == nil:
			c.data = append(c.data, line...)
			c.data = append(c.data, '\n')
			if len(c.data) < chunkSize {
				continue
			}
		case err == io.EOF:
			if len(c.data) > 0 {
				p.send(c)
			}
			return
		case err == errLineTooLong:
			c.tail, c.tailLine = tailLong, p.lr.line
		default:
			c.tail, c.tailLine, c.err = tailErr, p.lr.line+1, err
			p.send(c)
			return
		}
		if !p.send(c) {
			return
		}
		c = p.newChunk(p.lr.line + 1)
	}
}

func (p *parLines) newChunk(first int) *lineChunk {
	c := &lineChunk{first: first, done: make(chan struct{})}
	if b, ok := chunkBufs.Get().(*[]byte); ok && cap(*b) >= chunkSize {
		c.data = (*b)[:0]
	} else {
		c.data = make([]byte, 0, chunkSize+chunkSize/4)
	}
	return c
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
	for c := range p.jobs {
		select {
		case <-p.stop:
			close(c.done)
			continue
		default:
		}
		wk.decode(c)
		close(c.done)
	}
}

// decode fills c.batches with the rows of c's lines, and c.pass with what
// the lines that gave no row were.
func (wk *parWorker) decode(c *lineChunk) {
	defer func() {
		if r := recover(); r != nil {
			c.tail, c.err = tailPanic, fmt.Errorf("%w: %v\n%s", ErrPanic, r, debug.Stack())
		}
	}()
	w := wk.w
	w.pass = &c.pass
	w.batch = nil
	data, n := c.data, c.first
	for len(data) > 0 {
		if w.batch == nil || w.batch.N == wk.batchSize {
			w.setBatch(value.NewBatch(wk.types, wk.batchSize))
			c.batches = append(c.batches, w.batch)
		}
		i := bytes.IndexByte(data, '\n')
		wk.dec.decodeLine(data[:i], n)
		data = data[i+1:]
		n++
	}
	switch c.tail {
	case tailLong:
		w.skip(&DataError{File: w.file, Line: c.tailLine, Reason: fmt.Sprintf("line longer than %d bytes", maxLine)})
	case tailErr:
		readFailed(w, c.tailLine, c.err)
	}
	if len(c.batches) > 0 && c.batches[len(c.batches)-1].N == 0 {
		c.batches = c.batches[:len(c.batches)-1]
	}
	w.batch = nil
	w.pass = nil
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
			if buf := c.data[:0]; cap(buf) <= 2*chunkSize {
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
		if c.tail == tailPanic {
			return nil, c.err
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
	return p.rc.Close()
}

// addSkips adds to p what q counted of lines that gave no row: the
// malformed ones, the values that did not convert and the other tables'
// records, keeping the first MaxReported of each in order.
func (p *passStats) addSkips(q *passStats) {
	p.skipped += q.skipped
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
