package kql

import (
	"context"
	"crypto/sha1"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/prefilter"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Watchlist is a Microsoft Sentinel watchlist read from a CSV file: the
// rows that _GetWatchlist('Alias') returns. Its Table goes into the
// catalog queries are compiled against (Catalog.With), and the watchlist
// into DataOptions.Watchlists (or MemTables.Add) to give the rows. A
// Watchlist is immutable and safe for concurrent use.
type Watchlist struct {
	// Alias is the name _GetWatchlist takes.
	Alias string
	// Table is the watchlist's schema: _DTItemId, LastUpdatedTimeUTC,
	// SearchKey, then the CSV's columns, all strings.
	Table *Table
	rows  *Batch
}

// Rows returns the watchlist's items, with the columns of Table.
func (w *Watchlist) Rows() *Batch { return w.rows }

// WatchlistTable returns the name the catalog holds the watchlist alias
// under: _GetWatchlist('alias').
func WatchlistTable(alias string) string { return schema.WatchlistTable(alias) }

// ReadWatchlist reads the watchlist alias from r, a CSV file whose first
// record is the header, as Sentinel makes a watchlist from an uploaded
// CSV: each record is an item whose columns are the header's; SearchKey is
// the value of the column searchKey (the first column when searchKey is
// ""); _DTItemId is a GUID derived from the alias and the item's values,
// so it stays the same from one run to the next; LastUpdatedTimeUTC is
// updated, the time the file was last changed. name is the file's name,
// for messages.
func ReadWatchlist(alias, name string, r io.Reader, searchKey string, updated Datetime) (*Watchlist, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0 // every record has the header's number of fields
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty watchlist file: expected a CSV header", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // a byte-order mark
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	t, err := schema.NewWatchlistTable(alias, header)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	key := 0
	if searchKey != "" {
		if key = slices.Index(header, searchKey); key < 0 {
			return nil, fmt.Errorf("%s: watchlist '%s' has no column '%s' for its search key; its columns: %s", name, alias, searchKey, strings.Join(header, ", "))
		}
	}
	fixed := len(schema.WatchlistColumns)
	types := make([]schema.Type, len(t.Columns))
	for i, c := range t.Columns {
		types[i] = c.Type
	}
	b := value.NewBatch(types, 16)
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		id := itemID(alias, rec, seen)
		b.Cols[0].Append(id)
		b.Cols[1].Append(updated)
		b.Cols[2].Append(rec[key])
		for i, v := range rec {
			b.Cols[fixed+i].Append(v)
		}
		b.N++
	}
	return &Watchlist{Alias: alias, Table: t, rows: b}, nil
}

// itemID returns a version-5-style GUID of the alias and the item's
// values; an item equal to an earlier one gets its occurrence number in
// the hash too, so that ids are unique.
func itemID(alias string, rec []string, seen map[string]int) string {
	key := alias + "\x00" + strings.Join(rec, "\x00")
	n := seen[key]
	seen[key] = n + 1
	if n > 0 {
		key += fmt.Sprintf("\x00%d", n)
	}
	h := sha1.Sum([]byte(key))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// LoadWatchlist reads the watchlist alias from the CSV file path (see
// ReadWatchlist); LastUpdatedTimeUTC is the file's modification time.
func LoadWatchlist(alias, path, searchKey string) (*Watchlist, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return ReadWatchlist(alias, path, f, searchKey, DatetimeOf(info.ModTime().UTC()))
}

// LoadWatchlistSpec reads the watchlists a command line names, in one of
// the forms:
//
//	ALIAS=FILE              the CSV FILE, searched by its first column
//	ALIAS:COLUMN=FILE       searched by COLUMN
//	DIR                     every DIR/ALIAS.csv, by its first column
func LoadWatchlistSpec(spec string) ([]*Watchlist, error) {
	lhs, path, ok := strings.Cut(spec, "=")
	if !ok {
		info, err := os.Stat(spec)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("expected ALIAS=FILE, ALIAS:COLUMN=FILE or a folder of ALIAS.csv files, got %q", spec)
		}
		return LoadWatchlistDir(spec)
	}
	alias, key, _ := strings.Cut(lhs, ":")
	if alias == "" || path == "" {
		return nil, fmt.Errorf("expected ALIAS=FILE or ALIAS:COLUMN=FILE, got %q", spec)
	}
	w, err := LoadWatchlist(alias, path, key)
	if err != nil {
		return nil, err
	}
	return []*Watchlist{w}, nil
}

// LoadWatchlistDir reads every file DIR/ALIAS.csv (the extension in any
// case) as the watchlist ALIAS, searched by its first column, in the
// order of the aliases.
func LoadWatchlistDir(dir string) ([]*Watchlist, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []*Watchlist
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || !strings.EqualFold(ext, ".csv") {
			continue
		}
		w, err := LoadWatchlist(strings.TrimSuffix(e.Name(), ext), filepath.Join(dir, e.Name()), "")
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no watchlist files (ALIAS.csv)", dir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Alias < out[j].Alias })
	return out, nil
}

// WithWatchlists returns cat with the tables of the watchlists ws; two
// watchlists with one alias are an error.
func WithWatchlists(cat *Catalog, ws []*Watchlist) (*Catalog, error) {
	seen := map[string]bool{}
	tables := make([]*Table, len(ws))
	for i, w := range ws {
		if seen[w.Alias] {
			return nil, fmt.Errorf("watchlist '%s' is given twice", w.Alias)
		}
		seen[w.Alias] = true
		tables[i] = w.Table
	}
	return cat.With(tables...), nil
}

// watchlistSource is the executor's view of the watchlists of Data: in
// memory, read whole whatever the prefilter or time window.
type watchlistSource struct{ mem *exec.MemSource }

func newWatchlistSource(ws []*Watchlist) *watchlistSource {
	if len(ws) == 0 {
		return nil
	}
	m := exec.NewMemSource()
	for _, w := range ws {
		m.Add(w.Table, []*value.Batch{w.rows})
	}
	return &watchlistSource{mem: m}
}

// has reports whether t is a watchlist of s.
func (s *watchlistSource) has(t *schema.Table) bool { return s != nil && s.mem.Has(t.Name) }

// scanRouted is a scan whose every row may pass every part: the route
// bitmaps are all ones.
func (s *watchlistSource) scanRouted(t *schema.Table, cols []int, parts []*prefilter.Cond) (exec.Operator, error) {
	op, err := s.mem.Scan(t, cols)
	if err != nil {
		return nil, err
	}
	return &allRoutes{op: op, words: exec.RouteWords(len(parts))}, nil
}

type allRoutes struct {
	op    exec.Operator
	words int
}

func (a *allRoutes) Next(ctx context.Context) (*value.Batch, error) {
	b, err := a.op.Next(ctx)
	if b == nil || err != nil {
		return b, err
	}
	out := &value.Batch{N: b.N, Cols: append([]*value.Column{}, b.Cols...)}
	for range a.words {
		out.Cols = append(out.Cols, value.ConstColumn(schema.Long, int64(-1)))
	}
	return out, nil
}

func (a *allRoutes) Close() error { return a.op.Close() }
