package source

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"unsafe"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"

	"github.com/kqlhunt/kqlhunt/internal/durable"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// ParquetCodecs are the compression codecs WriteParquet writes, by name.
var ParquetCodecs = map[string]compress.Codec{
	"uncompressed": &parquet.Uncompressed,
	"snappy":       &parquet.Snappy,
	"gzip":         &parquet.Gzip,
	"zstd":         &parquet.Zstd,
	"lz4":          &parquet.Lz4Raw,
	"brotli":       &parquet.Brotli,
}

// ParquetOptions say how WriteParquet writes a file.
type ParquetOptions struct {
	// Codec names a codec of ParquetCodecs; "zstd" when empty.
	Codec string
	// RowGroupRows is the most rows per row group; 65536 when zero.
	RowGroupRows int64
	// Metadata are more key-value metadata of the file.
	Metadata map[string]string
}

// parquetNode returns the Parquet column that holds values of type t, as
// kqlhunt writes them: datetimes and timespans as INT64 100 ns ticks
// (datetimes since the Unix epoch), guids as their text, dynamic values as
// JSON text.
func parquetNode(t schema.Type) parquet.Node {
	switch t {
	case schema.Bool:
		return parquet.Optional(parquet.Leaf(parquet.BooleanType))
	case schema.Int:
		return parquet.Optional(parquet.Int(32))
	case schema.Long:
		return parquet.Optional(parquet.Int(64))
	case schema.Datetime, schema.Timespan:
		return parquet.Optional(parquet.Leaf(parquet.Int64Type))
	case schema.Real:
		return parquet.Optional(parquet.Leaf(parquet.DoubleType))
	case schema.Decimal:
		// A decimal's scale varies from value to value, which Parquet's
		// DECIMAL cannot hold: its exact text is written, and read back
		// into a decimal column exactly.
		return parquet.Optional(parquet.String())
	case schema.Dynamic:
		return parquet.Optional(parquet.JSON())
	}
	// Text is dictionary-encoded: telemetry repeats its strings (device
	// names, URLs, process names), which a reader then converts once per
	// row group rather than once per row.
	return parquet.Optional(parquet.Encoded(parquet.String(), &parquet.RLEDictionary))
}

// WriteParquet writes the rows of batches, whose columns are those of
// table t in order, to w as one Parquet file. Its key-value metadata names
// the table (ParquetTableKey), so that Open finds it wherever the file
// lies.
func WriteParquet(w io.Writer, t *schema.Table, batches []*value.Batch, opts ParquetOptions) error {
	codec, ok := ParquetCodecs[cmp.Or(opts.Codec, "zstd")]
	if !ok {
		return fmt.Errorf("unknown Parquet codec %q", opts.Codec)
	}
	group := parquet.Group{}
	for _, c := range t.Columns {
		group[c.Name] = parquetNode(c.Type)
	}
	sch := parquet.NewSchema(t.Name, group)
	leaf := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		lc, ok := sch.Lookup(c.Name)
		if !ok {
			return fmt.Errorf("parquet schema of %s: no column %s", t.Name, c.Name)
		}
		leaf[i] = lc.ColumnIndex
	}
	wopts := []parquet.WriterOption{
		sch,
		parquet.Compression(codec),
		parquet.MaxRowsPerRowGroup(cmp.Or(opts.RowGroupRows, 65536)),
		parquet.KeyValueMetadata(ParquetTableKey, t.Name),
		parquet.KeyValueMetadata("kqlhunt.datetime", "INT64 100 ns ticks since 1970-01-01T00:00:00Z"),
		parquet.CreatedBy("kqlhunt", "", ""),
	}
	keys := make([]string, 0, len(opts.Metadata))
	for k := range opts.Metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		wopts = append(wopts, parquet.KeyValueMetadata(k, opts.Metadata[k]))
	}
	pw := parquet.NewWriter(w, wopts...)
	rows := make([]parquet.Row, 0, 256)
	var buf []byte
	for _, b := range batches {
		for i := 0; i < b.N; i++ {
			row := make(parquet.Row, len(t.Columns))
			for ci, col := range b.Cols {
				row[leaf[ci]] = parquetValue(col, i, &buf).Level(0, b2i(!col.IsNull(i)), leaf[ci])
			}
			rows = append(rows, row)
			if len(rows) == cap(rows) {
				if _, err := pw.WriteRows(rows); err != nil {
					return err
				}
				rows, buf = rows[:0], nil
			}
		}
	}
	if _, err := pw.WriteRows(rows); err != nil {
		return err
	}
	return pw.Close()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parquetValue returns row i of c as WriteParquet writes it; dynamic
// values are encoded into *buf, which the value refers to.
func parquetValue(c *value.Column, i int, buf *[]byte) parquet.Value {
	if c.IsNull(i) {
		return parquet.NullValue()
	}
	k := c.Row(i)
	switch c.Type {
	case schema.Bool:
		return parquet.BooleanValue(c.Bools[k])
	case schema.Int:
		return parquet.Int32Value(int32(c.Ints[k]))
	case schema.Long, schema.Datetime, schema.Timespan:
		return parquet.Int64Value(c.Ints[k])
	case schema.Real:
		return parquet.DoubleValue(c.Reals[k])
	case schema.Decimal:
		start := len(*buf)
		*buf = c.Dyns[k].(value.Decimal).AppendText(*buf)
		return parquet.ByteArrayValue((*buf)[start:len(*buf):len(*buf)])
	case schema.String, schema.Guid:
		s := c.Strs[k]
		return parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s)))
	case schema.Dynamic:
		start := len(*buf)
		*buf = value.AppendJSON(*buf, c.Dyns[k])
		// A fresh array when buf grew keeps earlier values valid.
		return parquet.ByteArrayValue((*buf)[start:len(*buf):len(*buf)])
	}
	return parquet.NullValue()
}

// DayWriter writes the rows of one table as Parquet files partitioned by
// day, DIR/<Table>/day=YYYY-MM-DD/part-N.parquet, each file sorted by the
// time column (Timestamp, else TimeGenerated) so that row-group statistics
// prune; rows without a time go to day=none. It holds at most maxRows rows,
// and about MaxHeld bytes of values: beyond, it writes what it holds, one
// more part file per day. It is not safe for concurrent use.
type DayWriter struct {
	t       *schema.Table
	dir     string
	opts    ParquetOptions
	maxRows int
	timeCol int
	types   []schema.Type
	days    map[string]*value.Batch
	held    int
	bytes   int64
	parts   map[string]int
	// MaxHeld bounds the bytes of values held (an estimate: strings'
	// lengths, 8 bytes a number, 64 a dynamic value); DefaultMaxHeld
	// when zero.
	MaxHeld int64
	// Files lists the files written, and Rows counts their rows.
	Files []string
	Rows  int64
	// Hourly partitions by hour, DIR/<Table>/hour=YYYY-MM-DDTHH/, rows
	// without a time in hour=none, rather than by day.
	Hourly bool
	// Prefix names the part files, PREFIX-N.parquet; "part" when empty.
	Prefix string
	// Sync makes every file written durable (fsync of the file, then of
	// its folder) before it counts as written.
	Sync bool
}

// DefaultMaxHeld is the bytes of values a DayWriter holds by default
// before it writes part files.
const DefaultMaxHeld = 128 << 20

// NewDayWriter returns a writer of table t's rows under dir, holding at
// most maxRows rows in memory (256Ki when not positive). Batches given to
// Add have the columns of t, in order.
func NewDayWriter(t *schema.Table, dir string, maxRows int, opts ParquetOptions) *DayWriter {
	if maxRows <= 0 {
		maxRows = 256 << 10
	}
	w := &DayWriter{t: t, dir: dir, opts: opts, maxRows: maxRows, timeCol: -1,
		days: map[string]*value.Batch{}, parts: map[string]int{}}
	for _, name := range [...]string{"Timestamp", "TimeGenerated"} {
		if i := t.Lookup(name); i >= 0 && t.Columns[i].Type == schema.Datetime {
			w.timeCol = i
			break
		}
	}
	for _, c := range t.Columns {
		w.types = append(w.types, c.Type)
	}
	return w
}

// Add buffers the rows of b, writing part files when the writer holds
// too many.
func (w *DayWriter) Add(b *value.Batch) error {
	if len(b.Cols) != len(w.types) {
		return fmt.Errorf("%s: a batch of %d columns, expected %d", w.t.Name, len(b.Cols), len(w.types))
	}
	for i := 0; i < b.N; i++ {
		day := "none"
		if w.timeCol >= 0 && !b.Cols[w.timeCol].IsNull(i) {
			day = value.Datetime(b.Cols[w.timeCol].Ints[b.Cols[w.timeCol].Row(i)]).String()[:w.keyLen()]
		}
		buf := w.days[day]
		if buf == nil {
			buf = value.NewBatch(w.types, 1024)
			w.days[day] = buf
		}
		for ci, c := range b.Cols {
			buf.Cols[ci].AppendFrom(c, i)
			switch k := c.Row(i); c.Type {
			case schema.String, schema.Guid:
				w.bytes += int64(len(c.Strs[k])) + 16
			case schema.Dynamic:
				w.bytes += 64
			default:
				w.bytes += 8
			}
		}
		buf.N++
		w.held++
		if w.held >= w.maxRows || w.bytes >= cmp.Or(w.MaxHeld, DefaultMaxHeld) {
			if err := w.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// keyLen is the length of the start of a datetime's text that names
// its partition: the day, or the hour.
func (w *DayWriter) keyLen() int {
	if w.Hourly {
		return len("2006-01-02T15")
	}
	return len("2006-01-02")
}

// Close writes the rows held.
func (w *DayWriter) Close() error { return w.flush() }

// flush writes one part file per day held, its rows sorted by time.
func (w *DayWriter) flush() error {
	days := make([]string, 0, len(w.days))
	for d := range w.days {
		days = append(days, d)
	}
	slices.Sort(days)
	for _, day := range days {
		b := w.days[day]
		if w.timeCol >= 0 {
			tc := b.Cols[w.timeCol]
			idx := make([]int, b.N)
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(x, y int) int {
				nx, ny := tc.IsNull(x), tc.IsNull(y)
				if nx || ny {
					return cmp.Compare(b2i(!nx), b2i(!ny))
				}
				return cmp.Compare(tc.Ints[x], tc.Ints[y])
			})
			b = b.Take(idx)
		}
		part := "day="
		if w.Hourly {
			part = "hour="
		}
		folder := filepath.Join(w.dir, w.t.Name, part+day)
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return err
		}
		path := filepath.Join(folder, fmt.Sprintf("%s-%d.parquet", cmp.Or(w.Prefix, "part"), w.parts[day]))
		w.parts[day]++
		if err := writeParquetFile(path, w.t, b, w.opts, w.Sync); err != nil {
			return err
		}
		w.Files = append(w.Files, path)
		w.Rows += int64(b.N)
		delete(w.days, day)
	}
	w.held, w.bytes = 0, 0
	return nil
}

// writeParquetFile writes b to a new file at path, through a temporary
// file (hidden, so that readers of the folder skip it) so that a failed
// write leaves no partial file. With sync, the file and then its folder
// are fsynced, so that the file is durable once this returns.
func writeParquetFile(path string, t *schema.Table, b *value.Batch, opts ParquetOptions, sync bool) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	err = WriteParquet(f, t, []*value.Batch{b}, opts)
	if err == nil && sync {
		err = f.Sync()
	}
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if sync {
		return durable.SyncDir(filepath.Dir(path))
	}
	return nil
}
