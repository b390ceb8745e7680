package source

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// DataError is a problem with the data of a file: a line or record that is
// not well formed, or a value that does not convert to its column's type.
// Without Options.Strict such problems are counted and reported in Stats;
// with it, Scan's Next returns the first one (the CLI maps it to exit 3).
type DataError struct {
	File string // the file's path, as found by Open
	Line int    // 1-based line number; 0 when the problem is with the whole file
	Col  int    // 1-based byte column in the line; 0 when not known
	// Record is the 1-based number of the Avro record (of an Event Hub
	// Capture file) whose Body holds the problem, or 0; Line and Col are
	// then in the Body.
	Record int64
	// Column names the table column of a value that did not convert; it is
	// empty for a malformed line.
	Column string
	Reason string
}

// Error formats e as FILE[:record N]:LINE:COL: [column "C": ]reason,
// leaving out the parts that are not known.
func (e *DataError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Record > 0 {
		fmt.Fprintf(&b, ":record %d", e.Record)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	if e.Column != "" {
		fmt.Fprintf(&b, "column %q: ", e.Column)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// ErrPanic is wrapped by the error a Scan returns when a reader panicked: a
// bug in this package, never a problem with the data. Fuzz tests fail on it.
var ErrPanic = errors.New("internal error in the telemetry reader")

// MaxReported is how many problems of each kind Stats keeps per file; the
// rest are only counted.
const MaxReported = 5

// quote returns b as a Go-quoted string for a message, shortened to about
// 60 bytes.
func quote(b []byte) string {
	const max = 60
	if len(b) <= max {
		return fmt.Sprintf("%q", b)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return fmt.Sprintf("%q…", b[:cut])
}
