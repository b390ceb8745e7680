package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// Options configure reading.
type Options struct {
	// Strict makes a malformed line or a value that does not convert an
	// error (a *DataError) instead of a counted, reported skip. The CLI
	// exits 3 on it.
	Strict bool
	// TimeFormat is a .NET custom date and time format for the locale
	// timestamps of CSV exports, such as "dd/MM/yyyy, h:mm:ss.fff tt". ISO
	// 8601 timestamps are read with or without it.
	TimeFormat string
	// BatchSize is the number of rows per batch; 1024 when zero.
	BatchSize int
	// Known lists the table names that file and folder names are matched
	// against (ignoring case), typically the catalog's table names; when
	// empty, the tables of the Defender XDR catalog (schema.DefenderTableNames).
	Known []string
	// Threads is the number of goroutines that decode a file of JSON lines
	// (rows or streaming records) larger than a few megabytes; the rows,
	// their order, the stats and the positions of problems are those of
	// one. 0 means runtime.GOMAXPROCS(0); 1 reads on the scan's goroutine.
	Threads int
}

// Dataset is the telemetry found under the paths given by the user: files,
// their formats and the tables they hold. It is safe for concurrent use.
type Dataset struct {
	opts    Options
	tf      *timeFormat
	files   []*fileEntry
	ignored []*DataError
	notRead map[string]int
	// known maps the lowercased names of Options.Known to them.
	known map[string]string

	// indexOnce guards the index pass, which completes files' tables;
	// every method that reads files' tables calls index first.
	indexOnce sync.Once

	mu    sync.Mutex
	stats map[statKey]*FileStats
	// read counts the bytes that scans have read from disk, for Progress.
	read atomic.Int64
}

// Progress returns the bytes that scans have read from disk so far
// (compressed bytes for gzip files; a file read twice counts twice) and
// the size on disk of the files that hold rows of tables, the tables a
// run will scan. It is safe to call while scans run, to show progress.
func (d *Dataset) Progress(tables []string) (read, total int64) {
	d.index()
	for _, f := range d.files {
		for _, t := range f.tables {
			if slices.ContainsFunc(tables, func(x string) bool { return strings.EqualFold(x, t) }) {
				total += f.size
				break
			}
		}
	}
	return d.read.Load(), total
}

// fileEntry is one telemetry file.
type fileEntry struct {
	path   string
	format Format
	gz     bool
	enc    string
	size   int64
	// tables lists the tables the file holds rows of, as the data names
	// them.
	tables []string
	// rowTable is the table of the file's plain rows (not streaming
	// records), from --table or the path; "" when not known.
	rowTable string
	// forced is set for files named by --table, whose records all belong
	// to rowTable whatever their category.
	forced bool
	// mixed is set for files of streaming records, whose tables the index
	// pass lists (Dataset.index).
	mixed bool
	// typed is set for files of Log Analytics rows whose Type names their
	// table (see typed.go); they are mixed too.
	typed bool
}

// Open finds the telemetry files under paths and under the paths of tables
// (the CLI's --table NAME=PATH, keyed by NAME) and tells each file's format
// and tables. Paths may be files or folders, walked recursively; hidden
// files and folders are skipped. A path that does not exist and holds *, ?
// or [ is a glob pattern, "**" matching any folders (exports/**/*.json);
// one that matches nothing is an error naming it. A file's table comes
// from --table, else from the categories of its streaming records or the
// Type column of its Log Analytics rows (when it names a known table),
// else from its file name
// (DeviceNetworkEvents.json.gz) or the nearest parent folder that names a
// known table (DeviceNetworkEvents/, or an Azure Storage container
// insights-logs-advancedhunting-devicenetworkevents/). Open returns an
// error naming the files whose table it cannot tell (the first
// MaxReported, then a count), and one for a file given by name that is not
// telemetry; such files met while walking a
// folder are listed in Stats().Ignored. A file named both by --table and
// under paths is read once, as --table says.
//
// Open reads only the start of each file (64 KiB), to tell its format.
// Files of streaming records (PT1H.json blobs, which are often
// concatenated, and Event Hub messages) may hold records of any number of
// tables anywhere: the first call that needs their tables (Tables,
// HasTable, Scan, Stats, Progress, or Index) reads each such file once,
// streaming, to list them, so that every record reaches its table's scan
// whatever the mix. Rows are read by Scan. A file of plain rows whose
// start has no streaming record is taken to hold only its table's rows;
// streaming records found in it later are counted in
// FileStats.OtherTables, with their tables, and reported.
func Open(paths []string, tables map[string][]string, opts Options) (_ *Dataset, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v\n%s", ErrPanic, r, debug.Stack())
		}
	}()
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1024
	}
	if opts.Threads <= 0 {
		opts.Threads = runtime.GOMAXPROCS(0)
	}
	d := &Dataset{opts: opts, stats: map[statKey]*FileStats{}}
	if opts.TimeFormat != "" {
		tf, err := compileTimeFormat(opts.TimeFormat)
		if err != nil {
			return nil, fmt.Errorf("time format %w", err)
		}
		d.tf = tf
	}
	names := opts.Known
	if len(names) == 0 {
		names = schema.DefenderTableNames()
	}
	known := make(map[string]string, len(names))
	for _, n := range names {
		known[strings.ToLower(n)] = n
	}
	d.known = known

	seen := map[string]*fileEntry{}
	var unknown []string
	notRead := func(path, kind, reason string) error {
		e := &DataError{File: path, Reason: reason}
		if d.opts.Strict && (kind != "text" || telemetryName(path)) {
			return e
		}
		d.ignored = append(d.ignored, e)
		if d.notRead == nil {
			d.notRead = map[string]int{}
		}
		d.notRead[kind]++
		return nil
	}
	add := func(path string, explicit bool, forced string) error {
		key := fileKey(path)
		if prev, ok := seen[key]; ok {
			if forced != "" && !strings.EqualFold(prev.rowTable, forced) {
				return fmt.Errorf("%s: given to --table as both %s and %s", path, prev.rowTable, forced)
			}
			return nil
		}
		sn, gz, err := sniff(path)
		if err != nil {
			return err
		}
		info, err := os.Stat(path)
		if err != nil {
			return err
		}
		switch {
		case sn.empty:
			d.ignored = append(d.ignored, &DataError{File: path, Reason: "empty file"})
			seen[key] = &fileEntry{path: path, rowTable: forced}
			return nil
		case sn.format == FormatUnknown:
			if (explicit || forced != "") && !d.opts.Strict {
				return fmt.Errorf("%s: not telemetry this reader knows: %s", path, sn.reason)
			}
			seen[key] = &fileEntry{path: path}
			return notRead(path, sn.kind, sn.reason)
		}
		if sn.format == FormatParquet && gz {
			seen[key] = &fileEntry{path: path}
			return notRead(path, "Parquet", "gzip-compressed Parquet file: not read (decompress it with gunzip; Parquet compresses its own pages)")
		}
		f := &fileEntry{path: path, format: sn.format, gz: gz, enc: sn.enc, size: info.Size()}
		seen[key] = f
		if forced != "" {
			f.tables, f.rowTable, f.forced = []string{forced}, forced, true
		} else {
			f.tables = sn.tables
			f.mixed = sn.mixed
			if tt := knownTypes(sn.typed, known); len(tt) > 0 {
				f.typed, f.mixed = true, true
				for _, t := range tt {
					f.tables = addName(f.tables, t)
				}
			}
			if sn.format == FormatParquet {
				// The file's own metadata names its table (kqlhunt
				// convert writes it), else the path does.
				if t := parquetTable(path); t != "" {
					f.rowTable = t
					if k := known[strings.ToLower(t)]; k != "" {
						f.rowTable = k
					}
				}
			}
			if f.rowTable == "" {
				f.rowTable = tableFromPath(path, known)
			}
			if f.rowTable == "" {
				// Through a linked folder, the folder names may be the
				// link's: try the real path.
				if real, err := filepath.EvalSymlinks(path); err == nil && real != path {
					f.rowTable = tableFromPath(real, known)
				}
			}
			if sn.rows && !f.typed {
				if f.rowTable == "" {
					unknown = append(unknown, fmt.Sprintf("cannot tell the table of %s (%s): name the file or a folder above it after the table, as in DeviceNetworkEvents.json, or pass --table NAME=%s", path, sn.format, path))
					return nil
				}
				f.tables = addName(f.tables, f.rowTable)
			}
		}
		if len(f.tables) == 0 && !f.mixed {
			d.ignored = append(d.ignored, &DataError{File: path, Reason: "no rows"})
			return nil
		}
		d.files = append(d.files, f)
		for _, t := range f.tables {
			d.stats[statKey{path, strings.ToLower(t)}] = &FileStats{
				Path: path, Table: t, Format: f.format, Compressed: gz, Encoding: f.enc, Size: f.size,
			}
		}
		return nil
	}

	wk := &walker{visited: map[string]string{}}
	defer func() {
		if d != nil {
			d.ignored = append(d.ignored, wk.notes...)
		}
	}()
	forcedNames := make([]string, 0, len(tables))
	for name := range tables {
		forcedNames = append(forcedNames, name)
	}
	sort.Strings(forcedNames)
	for _, name := range forcedNames {
		if strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("--table needs a table name, as in --table DeviceNetworkEvents=%s", strings.Join(tables[name], ","))
		}
		for _, p := range tables[name] {
			if err := wk.walk(p, func(path string, explicit bool) error { return add(path, explicit, name) }); err != nil {
				return nil, err
			}
		}
	}
	for _, p := range paths {
		if err := wk.walk(p, func(path string, explicit bool) error { return add(path, explicit, "") }); err != nil {
			return nil, err
		}
	}
	if len(unknown) > 0 {
		msg := strings.Join(unknown[:min(len(unknown), MaxReported)], "\n")
		if n := len(unknown) - MaxReported; n > 0 {
			msg += fmt.Sprintf("\n(and %d more files)", n)
		}
		return nil, fmt.Errorf("%s", msg)
	}
	return d, nil
}

// telemetryName reports whether the name of the file at path says it
// holds telemetry (.json, .jsonl, .ndjson, .csv, possibly .gz): under
// Options.Strict such a file that is not telemetry is an error, while a
// README or notes beside the data are only listed.
func telemetryName(path string) bool {
	name := strings.TrimSuffix(strings.ToLower(filepath.Base(path)), ".gz")
	for _, ext := range []string{".json", ".jsonl", ".ndjson", ".csv", ".parquet"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// walker walks the paths given to Open, following symbolic links to
// folders as well as to files. A folder met again (a link to a folder
// above it, a loop, or a second link to one folder) is walked once; each
// such meeting is noted, as are links that lead nowhere and entries that
// are neither files nor folders.
type walker struct {
	visited map[string]string // fileKey of each folder walked → its path
	notes   []*DataError
}

// walk calls fn for the file at path, or for every regular file under the
// folder at path, skipping hidden ones. explicit is set for path itself.
//
// A path that does not exist and holds glob metacharacters is a pattern
// (see expandGlob): each file or folder it matches is walked, files as
// if met in a folder.
func (w *walker) walk(path string, fn func(path string, explicit bool) error) error {
	info, err := os.Stat(path) // follows a link
	if err != nil && hasMeta(path) {
		matches, gerr := expandGlob(path)
		if gerr != nil {
			return gerr
		}
		for _, m := range matches {
			info, err := os.Stat(m)
			if err != nil {
				return err
			}
			if info.IsDir() {
				err = w.dir(m, info, nil, fn)
			} else {
				err = fn(m, false)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fn(path, true)
	}
	return w.dir(path, info, nil, fn)
}

func (w *walker) dir(path string, info os.FileInfo, above []os.FileInfo, fn func(string, bool) error) error {
	for _, a := range above {
		if os.SameFile(a, info) {
			w.notes = append(w.notes, &DataError{File: path, Reason: "symbolic link loop: the folder is one above it; not followed again"})
			return nil
		}
	}
	key := fileKey(path)
	if prev, ok := w.visited[key]; ok {
		w.notes = append(w.notes, &DataError{File: path, Reason: fmt.Sprintf("the same folder as %s, read once", prev)})
		return nil
	}
	w.visited[key] = path
	entries, err := os.ReadDir(path)
	if err != nil {
		return err
	}
	above = append(above, info)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := filepath.Join(path, e.Name())
		switch t := e.Type(); {
		case t.IsRegular():
			err = fn(p, false)
		case t.IsDir() || t&fs.ModeSymlink != 0:
			st, serr := os.Stat(p)
			switch {
			case serr != nil:
				w.notes = append(w.notes, &DataError{File: p, Reason: "symbolic link to nothing: " + errors.Unwrap(serr).Error()})
			case st.IsDir():
				err = w.dir(p, st, above, fn)
			case st.Mode().IsRegular():
				err = fn(p, false)
			default:
				w.notes = append(w.notes, &DataError{File: p, Reason: "not a file or folder (" + st.Mode().Type().String() + ")"})
			}
		default:
			w.notes = append(w.notes, &DataError{File: p, Reason: "not a file or folder (" + t.String() + ")"})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Tables returns the names of the tables that have data, sorted, spelled
// as the data (or the matching Options.Known name) spells them.
func (d *Dataset) Tables() []string {
	d.index()
	var names []string
	for _, f := range d.files {
		for _, t := range f.tables {
			names = addName(names, t)
		}
	}
	sort.Strings(names)
	return names
}

// HasTable reports whether some file holds rows of the table called name,
// ignoring case.
func (d *Dataset) HasTable(name string) bool {
	d.index()
	for _, f := range d.files {
		for _, t := range f.tables {
			if strings.EqualFold(t, name) {
				return true
			}
		}
	}
	return false
}

// Index lists the tables of the files of streaming records by reading
// each once, if that has not been done yet. Tables, HasTable, Scan, Stats
// and Progress call it themselves; calling it first lets a caller show
// that the telemetry is being indexed. It is safe for concurrent use.
func (d *Dataset) Index() { d.index() }
