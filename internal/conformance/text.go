package conformance

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// what says what each mode's figure counts.
var what = map[Mode]string{
	Parser:    "agree with Microsoft's parser",
	Checker:   "agree with Microsoft's analyzer",
	Execution: "run to completion on generated rows",
}

// Figure returns a result's headline, such as
// "checker   1380/1394 (99.00%) agree with Microsoft's analyzer".
func (r *Result) Figure() string {
	s := fmt.Sprintf("%-9s %d/%d (%.2f%%) %s", r.Mode, r.Agreed, r.Total, r.Percent(), what[r.Mode])
	if r.Mode == Execution {
		s += fmt.Sprintf(", %d returning rows", r.NonEmpty)
	}
	return s
}

// String returns a disagreement as one line of text: the file, both
// verdicts and kqlhunt's message, and the listed reason if any.
func (d *Disagreement) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	b.WriteString(": ")
	switch d.Got {
	case "compile error", "run error", "timeout", "panic":
		// Execution, where the expected verdict goes without saying.
		b.WriteString(d.Got)
	default:
		fmt.Fprintf(&b, "reference %s", d.Reference)
		if d.ReferenceMessage != "" {
			fmt.Fprintf(&b, " (%s)", d.ReferenceMessage)
		}
		fmt.Fprintf(&b, ", kqlhunt %s", d.Got)
	}
	if d.Message != "" {
		b.WriteString(": ")
		b.WriteString(d.Message)
	}
	if d.Reason != "" {
		fmt.Fprintf(&b, " [listed: %s]", d.Reason)
	}
	return b.String()
}

// causes is how many most common messages WriteText shows per mode.
const causes = 12

// WriteText writes rep for a reader: the settings, a figure per mode, then
// per mode the most common messages and every disagreement, sorted by
// file, and the stale exceptions.
func WriteText(w io.Writer, rep *Report) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "corpus %s: %d queries\n", rep.Corpus, rep.Queries)
	if rep.Result(Execution) != nil {
		fmt.Fprintf(bw, "execution: %d generated rows per table, seed %d, now %s, timeout %s per query\n",
			rep.Rows, rep.Seed, rep.Now, rep.Timeout)
	}
	fmt.Fprintln(bw)
	for _, r := range rep.Results {
		fmt.Fprintln(bw, r.Figure())
	}
	for _, r := range rep.Results {
		if len(r.Disagreements) == 0 && len(r.Stale) == 0 {
			continue
		}
		noun := plural(len(r.Disagreements), "disagreement", "disagreements")
		if r.Mode == Execution {
			noun = plural(len(r.Disagreements), "failure", "failures")
		}
		fmt.Fprintf(bw, "\n%s: %d %s", r.Mode, len(r.Disagreements), noun)
		if listed := r.listed(); listed > 0 {
			fmt.Fprintf(bw, " (%d listed as exceptions)", listed)
		}
		fmt.Fprintln(bw)
		if cs := r.Causes(); len(cs) > 1 {
			fmt.Fprintln(bw, "  most common:")
			for i, c := range cs {
				if i == causes {
					fmt.Fprintf(bw, "    ... and %d other messages\n", len(cs)-causes)
					break
				}
				fmt.Fprintf(bw, "    %4d  %s\n", c.Count, c.Message)
			}
			fmt.Fprintln(bw, "  all:")
		}
		for i := range r.Disagreements {
			fmt.Fprintf(bw, "  %s\n", r.Disagreements[i].String())
		}
		for _, f := range r.Stale {
			fmt.Fprintf(bw, "  %s: listed as an exception but %s\n", f, r.StaleReason(f))
		}
	}
	return bw.Flush()
}

func (r *Result) listed() int {
	n := 0
	for _, d := range r.Disagreements {
		if d.Reason != "" {
			n++
		}
	}
	return n
}

// Cause is a message shared by disagreements, positions and quoted names
// left out.
type Cause struct {
	Message string `json:"message"`
	Count   int    `json:"count"`
}

var (
	positionRE = regexp.MustCompile(`^\d+:\d+: `)
	quotedRE   = regexp.MustCompile(`'[^']*'|"[^"]*"`)
)

// Causes groups the disagreements by message, with the leading LINE:COL
// and quoted names replaced by '…', most common first.
func (r *Result) Causes() []Cause {
	count := map[string]int{}
	for _, d := range r.Disagreements {
		m := d.Got + ": " + positionRE.ReplaceAllString(d.Message, "")
		if d.Message == "" {
			m = d.Got + ", reference " + d.Reference + ": " + d.ReferenceMessage
		}
		count[quotedRE.ReplaceAllString(m, "'…'")]++
	}
	out := make([]Cause, 0, len(count))
	for m, n := range count {
		out = append(out, Cause{Message: m, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Message < out[j].Message
	})
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
