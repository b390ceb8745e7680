package conformance

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Exceptions are the known disagreements of one mode, each with the reason
// kqlhunt differs from the reference, as an exceptions file lists them.
//
// An exceptions file has one "FILE<TAB>REASON" line per query, FILE as the
// manifest names it; blank lines and lines starting with # are comments.
type Exceptions struct {
	// Path is the file the exceptions were read from.
	Path string
	// Reasons maps a corpus file to its reason.
	Reasons map[string]string
	// Lines maps a corpus file to its line in Path.
	Lines map[string]int
}

// ReadExceptions reads an exceptions file. A line without a tab or a
// reason, or a file listed twice, is an error naming PATH:LINE.
func ReadExceptions(path string) (*Exceptions, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ex := &Exceptions{Path: path, Reasons: map[string]string{}, Lines: map[string]int{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		file, reason, ok := strings.Cut(line, "\t")
		file, reason = strings.TrimSpace(file), strings.TrimSpace(reason)
		if !ok || file == "" || reason == "" {
			return nil, fmt.Errorf("%s:%d: expected FILE<TAB>REASON, got %q", path, n, line)
		}
		if prev, dup := ex.Lines[file]; dup {
			return nil, fmt.Errorf("%s:%d: %s is listed again (first at line %d)", path, n, file, prev)
		}
		ex.Reasons[file] = reason
		ex.Lines[file] = n
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex, nil
}

// Apply marks each disagreement that ex lists with its reason, and records
// in r.Stale the files ex lists that do not disagree: they agree with the
// reference now, or are not among the mode's queries. It returns the
// disagreements ex does not list, in file order.
func (r *Result) Apply(ex *Exceptions) (unlisted []Disagreement) {
	disagree := map[string]bool{}
	for i := range r.Disagreements {
		d := &r.Disagreements[i]
		disagree[d.File] = true
		if reason, ok := ex.Reasons[d.File]; ok {
			d.Reason = reason
		} else {
			unlisted = append(unlisted, *d)
		}
	}
	r.Stale = nil
	for file := range ex.Reasons {
		if !disagree[file] {
			r.Stale = append(r.Stale, file)
		}
	}
	sort.Strings(r.Stale)
	return unlisted
}

// StaleReason says why a file that Apply found stale is: it agrees with
// the reference now, or the mode does not apply to it.
func (r *Result) StaleReason(file string) string {
	if r.checked[file] {
		if r.Mode == Execution {
			return "runs to completion now"
		}
		return "agrees with the reference now"
	}
	return fmt.Sprintf("is not one of the %d queries of the %s mode", r.Total, r.Mode)
}
