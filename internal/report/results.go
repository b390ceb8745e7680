package report

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// flushAt is the size at which a writer hands its buffer to the io.Writer
// in the middle of a batch.
const flushAt = 64 << 10

// checkBatch checks that b has the n columns given to Begin.
func checkBatch(b *value.Batch, n int) error {
	if len(b.Cols) != n {
		return fmt.Errorf("report: batch has %d columns, expected %d", len(b.Cols), n)
	}
	return nil
}

// jsonResults writes a result as a JSON array (array) or as JSON lines.
type jsonResults struct {
	state
	w     io.Writer
	array bool
	keys  [][]byte // `"name":` for each column
	rows  int
	buf   []byte
}

func (j *jsonResults) Begin(cols []schema.Column) error {
	if err := j.begin(); err != nil {
		return err
	}
	j.keys = make([][]byte, len(cols))
	for i, c := range cols {
		j.keys[i] = append(value.AppendQuoted(nil, c.Name), ':')
	}
	return nil
}

func (j *jsonResults) Write(b *value.Batch) error {
	if err := j.write(true); err != nil {
		return err
	}
	if err := checkBatch(b, len(j.keys)); err != nil {
		return err
	}
	buf := j.buf[:0]
	for i := 0; i < b.N; i++ {
		if j.array {
			if j.rows == 0 {
				buf = append(buf, "[\n"...)
			} else {
				buf = append(buf, ",\n"...)
			}
		}
		buf = append(buf, '{')
		for k, c := range b.Cols {
			if k > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, j.keys[k]...)
			buf = appendCellJSON(buf, c, i)
		}
		buf = append(buf, '}')
		if !j.array {
			buf = append(buf, '\n')
		}
		j.rows++
		if len(buf) >= flushAt {
			if err := j.output(j.w, buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	j.buf = buf[:0]
	return j.output(j.w, buf)
}

func (j *jsonResults) End() error {
	if err := j.end(); err != nil {
		return err
	}
	switch {
	case !j.array:
		return nil
	case j.rows == 0:
		return j.output(j.w, []byte("[]\n"))
	}
	return j.output(j.w, []byte("\n]\n"))
}

// csvResults writes a result as CSV with a header row.
type csvResults struct {
	state
	w      io.Writer
	cw     *csv.Writer
	ncols  int
	record []string
	buf    []byte
}

func (c *csvResults) Begin(cols []schema.Column) error {
	if err := c.begin(); err != nil {
		return err
	}
	c.cw = csv.NewWriter(c.w)
	c.ncols = len(cols)
	c.record = make([]string, len(cols))
	for i, col := range cols {
		c.record[i] = col.Name
	}
	return c.flush(c.cw.Write(c.record))
}

func (c *csvResults) Write(b *value.Batch) error {
	if err := c.write(true); err != nil {
		return err
	}
	if err := checkBatch(b, c.ncols); err != nil {
		return err
	}
	for i := 0; i < b.N; i++ {
		for k, col := range b.Cols {
			c.buf = appendCellText(c.buf[:0], col, i)
			c.record[k] = string(c.buf)
		}
		if err := c.writeRecord(); err != nil {
			return err
		}
	}
	return c.flush(nil)
}

// writeRecord writes c.record. encoding/csv writes a record of one empty
// field as an empty line, which CSV readers skip; it is written as "" so
// that the row is not lost.
func (c *csvResults) writeRecord() error {
	if len(c.record) == 1 && c.record[0] == "" {
		if err := c.flush(nil); err != nil {
			return err
		}
		return c.output(c.w, []byte("\"\"\n"))
	}
	if err := c.cw.Write(c.record); err != nil {
		c.err = err
	}
	return c.err
}

// flush flushes the csv.Writer and remembers a failure.
func (c *csvResults) flush(err error) error {
	if err == nil {
		c.cw.Flush()
		err = c.cw.Error()
	}
	if err != nil && c.err == nil {
		c.err = err
	}
	return c.err
}

func (c *csvResults) End() error {
	if err := c.end(); err != nil {
		return err
	}
	if c.cw == nil { // End without Begin: no header to write
		return nil
	}
	return c.flush(nil)
}

// tableResults buffers a result and writes it as an aligned table at End.
type tableResults struct {
	state
	w   io.Writer
	t   table
	buf []byte
}

func (t *tableResults) Begin(cols []schema.Column) error {
	if err := t.begin(); err != nil {
		return err
	}
	t.t.header = make([]string, len(cols))
	t.t.right = make([]bool, len(cols))
	for i, c := range cols {
		t.t.header[i] = cellText(c.Name)
		t.t.right[i] = c.Type.IsNumeric()
	}
	return nil
}

func (t *tableResults) Write(b *value.Batch) error {
	if err := t.write(true); err != nil {
		return err
	}
	if err := checkBatch(b, len(t.t.header)); err != nil {
		return err
	}
	for i := 0; i < b.N; i++ {
		row := make([]string, len(b.Cols))
		for k, c := range b.Cols {
			t.buf = appendCellText(t.buf[:0], c, i)
			row[k] = cellText(string(t.buf))
		}
		t.t.rows = append(t.t.rows, row)
	}
	return nil
}

func (t *tableResults) End() error {
	if err := t.end(); err != nil {
		return err
	}
	return t.output(t.w, t.t.render(count(len(t.t.rows), "row")))
}
