package source

import (
	"bufio"
	"bytes"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
)

// maxFileTables bounds the tables one file may name; the records of
// further tables are counted as OtherTables and reported.
const maxFileTables = 1000

// index lists the tables of every file of streaming records, whose
// records may be of any table anywhere in the file (concatenated PT1H.json
// blobs, Event Hub messages): it reads each such file once, streaming,
// holding only the table names, the first time the dataset is asked
// which tables it has or to scan one. Files named by --table are not
// read: all their rows are of the named table.
func (d *Dataset) index() {
	d.indexOnce.Do(func() {
		var todo []*fileEntry
		for _, f := range d.files {
			if f.mixed && !f.forced {
				todo = append(todo, f)
			}
		}
		found := make([]fileIndex, len(todo))
		var wg sync.WaitGroup
		next := make(chan int)
		for range min(runtime.GOMAXPROCS(0), len(todo)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					found[i] = indexFile(todo[i])
				}
			}()
		}
		for i := range todo {
			next <- i
		}
		close(next)
		wg.Wait()
		for i, f := range todo {
			fi := found[i]
			for _, t := range fi.tables {
				f.tables = addName(f.tables, t)
			}
			if fi.rows && f.rowTable != "" {
				f.tables = addName(f.tables, f.rowTable)
			}
			if fi.more {
				d.ignored = append(d.ignored, &DataError{File: f.path,
					Reason: "the file names more than " + strconv.Itoa(maxFileTables) + " tables; the records of the others are not read"})
			}
			for _, t := range f.tables {
				k := statKey{f.path, strings.ToLower(t)}
				if d.stats[k] == nil {
					d.stats[k] = &FileStats{Path: f.path, Table: t, Format: f.format, Compressed: f.gz, Size: f.size}
				}
			}
		}
		kept := d.files[:0]
		for _, f := range d.files {
			if len(f.tables) == 0 {
				d.ignored = append(d.ignored, &DataError{File: f.path, Reason: "no rows"})
				continue
			}
			kept = append(kept, f)
		}
		d.files = kept
	})
}

// fileIndex is what indexFile finds in a file.
type fileIndex struct {
	tables []string
	rows   bool // plain rows, of the file's row table
	more   bool // more than maxFileTables tables
}

// indexFile lists the tables of the streaming records of f. Problems are
// not reported here: the scans meet them again and report them with their
// position; a file that cannot be read to its end is indexed up to there.
func indexFile(f *fileEntry) (fi fileIndex) {
	rc, _, err := openData(f.path, nil, nil)
	if err != nil {
		return fi
	}
	defer rc.Close()
	var last []byte
	add := func(obj []byte, i int) {
		if !bytes.Contains(obj[i:], categoryKey) && !bytes.Contains(obj[i:], escapeU) {
			fi.rows = true // a row, or not JSON: the scan reports it
			return
		}
		tb, kind := classifyRaw(obj, i)
		switch kind {
		case kindRow:
			fi.rows = true
			return
		case kindOrphan:
			return
		}
		if last != nil && bytes.Equal(tb, last) {
			return
		}
		last = append(last[:0], tb...)
		for _, x := range fi.tables {
			if len(x) == len(tb) && strings.EqualFold(x, string(tb)) {
				return
			}
		}
		if len(fi.tables) >= maxFileTables {
			fi.more = true
			return
		}
		fi.tables = append(fi.tables, string(tb))
	}
	if f.format == FormatStorage {
		lr := lineReader{br: bufio.NewReaderSize(rc, rc.bufSize)}
		for {
			line, err := lr.next()
			if err == errLineTooLong {
				continue
			}
			if err != nil {
				return fi
			}
			if j := jsonscan.SkipSpace(line, 0); j < len(line) && line[j] == '{' {
				add(line, j)
			}
		}
	}
	w := newDocWalker(rc)
	for {
		elem, err := w.next()
		if err == io.EOF || w.failed {
			return fi
		}
		if err == nil {
			add(elem, 0)
		}
	}
}

// categoryKey is in every streaming record, unless its name is escaped,
// with escapeU.
var categoryKey, escapeU = []byte(`"category"`), []byte(`\u`)
