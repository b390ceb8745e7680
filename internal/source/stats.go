package source

import (
	"maps"
	"sort"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Stats reports what Open found and what scans read. Counts of a file come
// from the first scan that read it to the end (or, until one has, from the
// last scan that stopped early), so a table scanned twice is not counted
// twice.
type Stats struct {
	// Files has one entry per file and table it holds, sorted by path and
	// table.
	Files []FileStats
	// Ignored lists, with the reason, the files found while walking
	// folders that were not read: not telemetry (a README, an image, an
	// empty file), or in a format kqlhunt does not read (Avro that is not
	// Event Hub Capture, gzipped Parquet, zip, EVTX, binary); and the folders met again through symbolic
	// links (loops), links that lead nowhere and files that name more
	// tables than one file may. Under Options.Strict a file in a format
	// not read is an error instead, as is a text file named as telemetry
	// (.json, .jsonl, .ndjson, .csv) that is not; other text files (a
	// README) and empty files are only listed.
	Ignored []*DataError
	// NotRead counts the files of Ignored that were not read for their
	// format, by the format recognised: "Avro", "Parquet", "zip", "bzip2",
	// "xz", "7z", "rar", "tar", "lz4", "EVTX", ... (see magics), "gzip" and
	// "zstd" (corrupt or truncated before any data), "binary" (NUL bytes),
	// "text" (not JSON nor a CSV header).
	NotRead map[string]int
	// Tables sums Files per table, as the data names it (see Table for a
	// lookup that ignores case).
	Tables map[string]*TableStats
	// Totals over Files.
	Rows, Skipped, Unconverted, Pruned, Prefiltered int64
}

// TableStats is what the scans read of one table, over its files: what
// the hunt needs to tell "no finding" from "no data to find in". Like
// FileStats, it counts each file once.
type TableStats struct {
	Files, Rows, Skipped, Unconverted int64
	// Pruned counts the rows the scans left out by their time range
	// (FileStats.Pruned), Prefiltered the lines a prefilter skipped
	// (FileStats.Prefiltered).
	Pruned, Prefiltered int64
	// HasTime is set when a scan decoded the table's time column,
	// Timestamp, else TimeGenerated, and found a value that is not null;
	// TimeMin and TimeMax are then its earliest and latest value among the
	// rows read. A scan decodes only the columns its query needs: a table
	// whose scans never asked for the time column has no time range (and
	// no NonNull count for it; a count of 0 means every value was null).
	HasTime          bool
	TimeMin, TimeMax value.Datetime
	// NonNull counts, by column name, the values that are not null (for
	// string columns: not empty) among the rows read, for each column
	// that a scan decoded, summed over the files it was decoded from.
	NonNull map[string]int64
}

// Table returns the stats of the table called name, ignoring case, or
// nil when no file holds it.
func (s Stats) Table(name string) *TableStats {
	if t, ok := s.Tables[name]; ok {
		return t
	}
	for n, t := range s.Tables {
		if strings.EqualFold(n, name) {
			return t
		}
	}
	return nil
}

// FileStats is what was read from one file for one table.
type FileStats struct {
	Path       string
	Table      string
	Format     Format
	Compressed bool   // the file is gzip or zstd
	Encoding   string // "UTF-16LE" or "UTF-16BE" when decoded from it; "" for UTF-8
	Size       int64  // bytes on disk

	// Scanned is true once a scan has read from the file for Table, and
	// Complete once one has read it to the end. Passes counts the scans
	// that opened it (one per hunt when rules share their scans).
	Scanned, Complete bool
	Passes            int64
	// Bytes counts the bytes read, after decompression; for Parquet, the
	// bytes of the file read (its footer and the column chunks decoded).
	Bytes int64
	// Rows counts the rows delivered.
	Rows int64
	// Pruned counts the rows left out unread because the scan's
	// TimeRange rules them out: Parquet row groups whose time statistics
	// miss it. They are not in Rows.
	Pruned int64
	// Prefiltered counts the lines that a prefilter skipped without
	// decoding them, and the Parquet rows it dropped after decoding them
	// (see Dataset.ScanPrefiltered): they could give no row that the
	// query keeps. They count neither in Rows nor in
	// Skipped. A pass that prefiltered lines records no NonNull counts
	// nor time range.
	Prefiltered int64
	// Skipped counts malformed lines and records, which were left out;
	// SkippedErrors holds the first MaxReported of them.
	Skipped       int64
	SkippedErrors []*DataError
	// Unconverted counts values that did not convert to their column type
	// and were read as null; UnconvertedErrors holds the first MaxReported.
	Unconverted       int64
	UnconvertedErrors []*DataError
	// OtherTables counts streaming records of a table other than Table
	// found by a scan in a file whose tables were not indexed: a file of
	// plain rows (its start has no streaming record) that has records
	// further on. Files of streaming records are indexed (see Open), so
	// this is zero for them.
	OtherTables int64
	// OtherTableNames names the first MaxReported tables of OtherTables.
	OtherTableNames []string

	complete     map[string]bool // columns of NonNull counted by a complete pass
	timeComplete bool

	// HasTime, TimeMin and TimeMax are the range of the time column
	// (Timestamp, else TimeGenerated) in the rows read, when a scan
	// decoded it and found a value; NonNull counts the values that are not null (for string
	// columns: not empty) of each column decoded, by name. See TableStats.
	HasTime          bool
	TimeMin, TimeMax value.Datetime
	NonNull          map[string]int64
}

// passStats accumulates the counts of one scan over one file.
type passStats struct {
	bytes, rows, skipped, unconv, other int64
	pruned, prefiltered                 int64
	skippedErrs, unconvErrs             []*DataError
	otherNames                          []string
	complete                            bool
	// nonNull counts per output column that is the first of its table
	// column; hasTime and tmin, tmax, the time column's range.
	nonNull    []int64
	hasTime    bool
	tmin, tmax value.Datetime
}

func (p *passStats) skip(e *DataError) {
	p.skipped++
	if len(p.skippedErrs) < MaxReported {
		p.skippedErrs = append(p.skippedErrs, e)
	}
}

func (p *passStats) addUnconverted(e *DataError) {
	p.unconv++
	if len(p.unconvErrs) < MaxReported {
		p.unconvErrs = append(p.unconvErrs, e)
	}
}

// merge records p into f unless f already holds a complete pass that
// decoded every line, or a complete one and p prefiltered lines or did
// not read to the end.
func (f *FileStats) merge(p *passStats) {
	f.Passes++
	// A complete pass that pruned row groups or prefiltered lines gives
	// way to a later one that read every row.
	if f.Complete && ((f.Pruned == 0 && f.Prefiltered == 0) || !p.complete || p.pruned > 0 || p.prefiltered > 0) {
		return
	}
	f.Scanned = true
	f.Complete = p.complete
	f.Bytes = p.bytes
	f.Rows = p.rows
	f.Pruned = p.pruned
	f.Prefiltered = p.prefiltered
	f.Skipped = p.skipped
	f.SkippedErrors = p.skippedErrs
	f.Unconverted = p.unconv
	f.UnconvertedErrors = p.unconvErrs
	f.OtherTables = p.other
	f.OtherTableNames = p.otherNames
}

// mergeColumns records what p counted of the columns names[o] (outputs
// with an empty name are not counted) and of the time column: a column's
// count comes from the first complete pass that decoded it, or until one
// has, from the last pass.
func (f *FileStats) mergeColumns(p *passStats, names []string, timeOut int) {
	if f.NonNull == nil {
		f.NonNull = map[string]int64{}
	}
	for o, n := range names {
		if n == "" {
			continue
		}
		if _, ok := f.NonNull[n]; ok && f.complete[n] {
			continue
		}
		f.NonNull[n] = p.nonNull[o]
		if p.complete {
			if f.complete == nil {
				f.complete = map[string]bool{}
			}
			f.complete[n] = true
		}
	}
	if timeOut >= 0 && !f.timeComplete {
		f.HasTime, f.TimeMin, f.TimeMax = p.hasTime, p.tmin, p.tmax
		f.timeComplete = p.complete
	}
}

// Stats returns a snapshot of the dataset's statistics. It is safe to call
// while scans run.
func (d *Dataset) Stats() Stats {
	d.index()
	d.mu.Lock()
	defer d.mu.Unlock()
	s := Stats{Tables: map[string]*TableStats{}}
	tables := map[string]*TableStats{} // by lowercased name
	for _, f := range d.files {
		for _, t := range f.tables {
			fs := *d.stats[statKey{f.path, strings.ToLower(t)}]
			fs.SkippedErrors = append([]*DataError(nil), fs.SkippedErrors...)
			fs.UnconvertedErrors = append([]*DataError(nil), fs.UnconvertedErrors...)
			fs.OtherTableNames = append([]string(nil), fs.OtherTableNames...)
			fs.NonNull = maps.Clone(fs.NonNull)
			fs.complete = nil
			s.Files = append(s.Files, fs)
			s.Rows += fs.Rows
			s.Pruned += fs.Pruned
			s.Prefiltered += fs.Prefiltered
			s.Skipped += fs.Skipped
			s.Unconverted += fs.Unconverted
			ts := tables[strings.ToLower(t)]
			if ts == nil {
				ts = &TableStats{NonNull: map[string]int64{}}
				tables[strings.ToLower(t)] = ts
				s.Tables[t] = ts
			}
			ts.add(&fs)
		}
	}
	if len(d.notRead) > 0 {
		s.NotRead = maps.Clone(d.notRead)
	}
	sort.SliceStable(s.Files, func(i, j int) bool {
		if s.Files[i].Path != s.Files[j].Path {
			return s.Files[i].Path < s.Files[j].Path
		}
		return s.Files[i].Table < s.Files[j].Table
	})
	s.Ignored = append(s.Ignored, d.ignored...)
	return s
}

type statKey struct{ path, table string }

// add sums the stats of one file into t.
func (t *TableStats) add(f *FileStats) {
	t.Files++
	t.Rows += f.Rows
	t.Pruned += f.Pruned
	t.Prefiltered += f.Prefiltered
	t.Skipped += f.Skipped
	t.Unconverted += f.Unconverted
	for c, n := range f.NonNull {
		t.NonNull[c] += n
	}
	if f.HasTime {
		if !t.HasTime {
			t.TimeMin, t.TimeMax = f.TimeMin, f.TimeMax
		} else {
			t.TimeMin, t.TimeMax = min(t.TimeMin, f.TimeMin), max(t.TimeMax, f.TimeMax)
		}
		t.HasTime = true
	}
}
