package source

import (
	"sort"
	"strings"
)

// Stats reports what Open found and what scans read. Counts of a file come
// from the first scan that read it to the end (or, until one has, from the
// last scan that stopped early), so a table scanned twice is not counted
// twice.
type Stats struct {
	// Files has one entry per file and table it holds, sorted by path and
	// table.
	Files []FileStats
	// Ignored lists files found while walking folders whose content is not
	// telemetry (a README, an image), with the reason; Open does not read
	// them further.
	Ignored []*DataError
	// Totals over Files.
	Rows, Skipped, Unconverted int64
}

// FileStats is what was read from one file for one table.
type FileStats struct {
	Path       string
	Table      string
	Format     Format
	Compressed bool  // the file is gzip
	Size       int64 // bytes on disk

	// Scanned is true once a scan has read from the file for Table, and
	// Complete once one has read it to the end. Passes counts the scans
	// that opened it (one per hunt when rules share their scans).
	Scanned, Complete bool
	Passes            int64
	// Bytes counts the bytes read, after decompression.
	Bytes int64
	// Rows counts the rows delivered.
	Rows int64
	// Skipped counts malformed lines and records, which were left out;
	// SkippedErrors holds the first MaxReported of them.
	Skipped       int64
	SkippedErrors []*DataError
	// Unconverted counts values that did not convert to their column type
	// and were read as null; UnconvertedErrors holds the first MaxReported.
	Unconverted       int64
	UnconvertedErrors []*DataError
	// OtherTables counts streaming records of a table other than Table that
	// Open did not see in the file's first records (so they are not listed
	// by Dataset.Tables). Azure writes one table per blob, so this is zero
	// for real exports.
	OtherTables int64
}

// passStats accumulates the counts of one scan over one file.
type passStats struct {
	bytes, rows, skipped, unconv, other int64
	skippedErrs, unconvErrs             []*DataError
	complete                            bool
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

// merge records p into f unless f already holds a complete pass.
func (f *FileStats) merge(p *passStats) {
	f.Passes++
	if f.Complete {
		return
	}
	f.Scanned = true
	f.Complete = p.complete
	f.Bytes = p.bytes
	f.Rows = p.rows
	f.Skipped = p.skipped
	f.SkippedErrors = p.skippedErrs
	f.Unconverted = p.unconv
	f.UnconvertedErrors = p.unconvErrs
	f.OtherTables = p.other
}

// Stats returns a snapshot of the dataset's statistics. It is safe to call
// while scans run.
func (d *Dataset) Stats() Stats {
	d.index()
	d.mu.Lock()
	defer d.mu.Unlock()
	var s Stats
	for _, f := range d.files {
		for _, t := range f.tables {
			fs := *d.stats[statKey{f.path, strings.ToLower(t)}]
			fs.SkippedErrors = append([]*DataError(nil), fs.SkippedErrors...)
			fs.UnconvertedErrors = append([]*DataError(nil), fs.UnconvertedErrors...)
			s.Files = append(s.Files, fs)
			s.Rows += fs.Rows
			s.Skipped += fs.Skipped
			s.Unconverted += fs.Unconverted
		}
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
