package kql

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Tables provides the table data of a query run. *Data reads telemetry
// files and *MemTables holds rows in memory; a table without data reads as
// empty, and so does every table of nil Tables. Implementations are safe for concurrent runs.
type Tables interface {
	// engine returns the executor's view of the tables.
	engine() exec.Source
}

// engineOf returns the executor's view of tables; nil tables have no
// data, so every table reads as empty.
func engineOf(tables Tables) exec.Source {
	if tables == nil {
		return exec.NewMemSource()
	}
	return tables.engine()
}

// ExternalFunc provides the rows of an externaldata URL as columns cols;
// props are the operator's with(...) properties by lower-case name.
type ExternalFunc func(url string, cols []Column, props map[string]string) ([]*Batch, error)

// MemTables holds tables in memory: rows a program has at hand, the inputs
// of detection tests. Fill it before the first run; it is then safe for
// concurrent runs.
type MemTables struct {
	mem *exec.MemSource
	// External, when set, serves externaldata URLs; without it a query
	// that reads one fails naming the URL.
	External ExternalFunc
}

// NewMemTables returns empty in-memory tables.
func NewMemTables() *MemTables { return &MemTables{mem: exec.NewMemSource()} }

// Add stores the rows of table t, held in batches with t's columns in
// order, replacing earlier rows of the table.
func (m *MemTables) Add(t *Table, batches ...*Batch) { m.mem.Add(t, batches) }

// AddRows stores rows of table t given as Go values by column name,
// replacing earlier rows of the table. A column missing from a row is
// null. Values convert to the column's type: string; bool; any Go integer
// for int and long; float64 (or an integer) for real; for decimal, a
// string holding a decimal number or an integer (exactly) or a float64
// (to 15 significant digits, as todecimal() converts a real);
// time.Time, Datetime or a KQL datetime string for datetime;
// time.Duration, Timespan or a KQL timespan string for timespan; a GUID
// string for guid; and anything encoding/json can marshal for dynamic. A
// row naming a column t lacks, or a value that does not convert, is an
// error naming the row and the column.
func (m *MemTables) AddRows(t *Table, rows []map[string]any) error {
	types := make([]schema.Type, len(t.Columns))
	for i, c := range t.Columns {
		types[i] = c.Type
	}
	b := value.NewBatch(types, len(rows))
	for r, row := range rows {
		for name := range row {
			if t.Lookup(name) < 0 {
				return fmt.Errorf("row %d: table '%s' has no column '%s'", r+1, t.Name, name)
			}
		}
		for i, c := range t.Columns {
			v, err := fromGo(c.Type, row[c.Name])
			if err != nil {
				return fmt.Errorf("row %d, column '%s': %w", r+1, c.Name, err)
			}
			b.Cols[i].Append(v)
		}
		b.N++
	}
	m.Add(t, b)
	return nil
}

// Has reports whether rows of table name were added.
func (m *MemTables) Has(name string) bool { return m.mem.Has(name) }

func (m *MemTables) engine() exec.Source {
	if m.External == nil {
		return m.mem
	}
	return memExternal{m.mem, m.External}
}

// memExternal is a MemSource that also serves externaldata.
type memExternal struct {
	*exec.MemSource
	fn ExternalFunc
}

func (s memExternal) External(url string, cols []schema.Column, props map[string]string) ([]*value.Batch, error) {
	return s.fn(url, cols, props)
}

// fromGo converts a Go value to the representation of type t.
func fromGo(t Type, v any) (any, error) {
	if v == nil {
		if t == schema.String {
			return "", nil
		}
		return nil, nil
	}
	bad := func() (any, error) { return nil, fmt.Errorf("expected a %s value, got %T %v", t, v, v) }
	switch t {
	case schema.String:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case schema.Bool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case schema.Int, schema.Long:
		if n, ok := goInteger(v); ok {
			return n, nil
		}
	case schema.Decimal:
		switch x := v.(type) {
		case float64:
			if d, ok := value.DecimalFromFloat(x); ok {
				return d, nil
			}
		case float32:
			if d, ok := value.DecimalFromFloat(float64(x)); ok {
				return d, nil
			}
		case string:
			if d, ok := value.ParseDecimal(x); ok {
				return d, nil
			}
		}
		if n, ok := goInteger(v); ok {
			return value.DecimalFromInt(n), nil
		}
	case schema.Real:
		if f, ok := v.(float64); ok {
			return f, nil
		}
		if f, ok := v.(float32); ok {
			return float64(f), nil
		}
		if n, ok := goInteger(v); ok {
			return float64(n), nil
		}
	case schema.Datetime:
		switch x := v.(type) {
		case time.Time:
			return value.DatetimeOf(x), nil
		case value.Datetime:
			return x, nil
		case string:
			if d, ok := value.ParseDatetime(x); ok {
				return d, nil
			}
		}
	case schema.Timespan:
		switch x := v.(type) {
		case time.Duration:
			return value.Timespan(x.Nanoseconds() / 100), nil
		case value.Timespan:
			return x, nil
		case string:
			if d, ok := value.ParseTimespan(x); ok {
				return d, nil
			}
		}
	case schema.Guid:
		if s, ok := v.(string); ok {
			if g, ok := value.ParseGUID(s); ok {
				return g, nil
			}
		}
	case schema.Dynamic:
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("dynamic value: %w", err)
		}
		return value.ParseJSON(raw)
	}
	return bad()
}

// goInteger returns v as an int64 when it is a Go integer that fits.
func goInteger(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		if x <= 1<<63-1 {
			return int64(x), true
		}
	case uint:
		if uint64(x) <= 1<<63-1 {
			return int64(x), true
		}
	}
	return 0, false
}

// DataOptions say how OpenData reads telemetry.
type DataOptions struct {
	// Paths are files and folders of telemetry, searched recursively; the
	// format is told from the content and the table from the records, the
	// file name or a folder name.
	Paths []string
	// Tables maps table names to files read as that table.
	Tables map[string][]string
	// Strict makes a malformed line or a value that does not convert an
	// error (a *DataError) instead of a counted, reported skip.
	Strict bool
	// TimeFormat is the .NET format of locale timestamps in CSV exports.
	TimeFormat string
	// External is a folder of local copies of externaldata files: a URL
	// reads the file named like its last path segment. Empty for none.
	External string
	// Threads is the number of goroutines that decode a large file of
	// JSON lines; the rows, their order and the stats do not depend on
	// it. 0 means all cores (runtime.GOMAXPROCS); 1 reads on the scan's
	// own goroutine.
	Threads int
	// Watchlists are the watchlists that _GetWatchlist reads; their
	// tables must be in the catalog (WithWatchlists).
	Watchlists []*Watchlist
}

// DataError is the error of reading bad telemetry under
// DataOptions.Strict, with the file and position.
type DataError = source.DataError

// DataStats are what reading telemetry found: files, rows, and what was
// skipped or did not convert, with positions.
type DataStats = source.Stats

// Data is telemetry read from files. It is safe for concurrent runs.
type Data struct {
	d   *source.Dataset
	ext source.ExternalDir
	wl  *watchlistSource
}

// OpenData finds the telemetry named by opts and the tables it holds; the
// files are read when a query scans them. Table names are those of cat.
func OpenData(opts DataOptions, cat *Catalog) (*Data, error) {
	for name := range opts.Tables {
		if cat.Table(name) == nil {
			return nil, fmt.Errorf("unknown table '%s'", name)
		}
	}
	d, err := source.Open(opts.Paths, opts.Tables, source.Options{Strict: opts.Strict, TimeFormat: opts.TimeFormat, Known: cat.Names(), Threads: opts.Threads})
	if err != nil {
		return nil, err
	}
	return &Data{d: d, ext: source.ExternalDir{Dir: opts.External}, wl: newWatchlistSource(opts.Watchlists)}, nil
}

// HasTable reports whether the data holds rows of table name (ignoring
// case).
func (d *Data) HasTable(name string) bool {
	return d.d.HasTable(name) || d.wl != nil && d.wl.mem.Has(name)
}

// Tables returns the names of the tables the data holds.
func (d *Data) Tables() []string { return d.d.Tables() }

// Stats returns what the runs so far have read and skipped.
func (d *Data) Stats() DataStats { return d.d.Stats() }

// Progress returns the bytes read so far and the size of the files that
// hold rows of tables; it is safe to call while queries run.
func (d *Data) Progress(tables []string) (read, total int64) { return d.d.Progress(tables) }

// ReadTable calls fn with the rows of table t in the data, every column
// of t in order, batch by batch, as queries read them (values that do not
// convert are null and counted in Stats). It stops at fn's first error.
func (d *Data) ReadTable(ctx context.Context, t *Table, fn func(*Batch) error) error {
	cols := make([]int, len(t.Columns))
	for i := range cols {
		cols[i] = i
	}
	s, err := d.d.Scan(t, cols)
	if err != nil {
		return err
	}
	defer s.Close()
	for {
		b, err := s.Next(ctx)
		if err != nil || b == nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
	}
}

func (d *Data) engine() exec.Source { return dataSource{d} }

// dataSource adapts Data to the executor: scans and externaldata.
type dataSource struct{ d *Data }

// A watchlist is read whole, in memory: prefilters and time windows
// only let a scan skip rows, never require it to.

func (s dataSource) Scan(t *schema.Table, cols []int) (exec.Operator, error) {
	if s.d.wl.has(t) {
		return s.d.wl.mem.Scan(t, cols)
	}
	return s.d.d.Scan(t, cols)
}

func (s dataSource) ScanPrefiltered(t *schema.Table, cols []int, pre *prefilter.Cond) (exec.Operator, error) {
	if s.d.wl.has(t) {
		return s.d.wl.mem.Scan(t, cols)
	}
	return s.d.d.ScanPrefiltered(t, cols, pre)
}

func (s dataSource) ScanWindow(t *schema.Table, cols []int, pre *prefilter.Cond, win *exec.TimeWindow) (exec.Operator, error) {
	if s.d.wl.has(t) {
		return s.d.wl.mem.Scan(t, cols)
	}
	r := &source.TimeRange{Column: win.Column, From: win.From, To: win.To, HasFrom: win.HasFrom, HasTo: win.HasTo}
	return s.d.d.ScanWith(t, cols, r, pre)
}

func (s dataSource) ScanRouted(t *schema.Table, cols []int, parts []*prefilter.Cond, win *exec.TimeWindow) (exec.Operator, error) {
	if s.d.wl.has(t) {
		return s.d.wl.scanRouted(t, cols, parts)
	}
	var r *source.TimeRange
	if win != nil {
		r = &source.TimeRange{Column: win.Column, From: win.From, To: win.To, HasFrom: win.HasFrom, HasTo: win.HasTo}
	}
	return s.d.d.ScanRouted(t, cols, r, parts)
}

func (s dataSource) External(url string, cols []schema.Column, props map[string]string) ([]*value.Batch, error) {
	return s.d.ext.Read(url, cols, props)
}

// ReadExternalFile reads the rows of a local externaldata file as columns
// cols, with the operator's with(...) properties.
func ReadExternalFile(path string, cols []Column, props map[string]string) ([]*Batch, error) {
	return source.ReadExternalFile(path, cols, props)
}

// ExternalFileName returns the file name that a local copy of an
// externaldata URL has: its last path segment.
func ExternalFileName(url string) string { return source.FileName(url) }

// ErrNoExternalFile is wrapped by the error of an externaldata URL without
// a local copy.
var ErrNoExternalFile = source.ErrNoExternalFile
