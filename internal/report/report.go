// Package report writes query results and rule findings as an aligned text
// table, CSV, a JSON array or JSON lines, and a whole hunt as one HTML
// page and a summary for standard error. docs/report.md describes the
// formats for users.
//
// # Values
//
// A value is encoded from its static KQL type and its boxed form (see
// package value):
//
//	type       JSON                                text (table and CSV cells)
//	null       null                                empty
//	bool       true, false                         true, false
//	int, long  number                              decimal digits
//	real       shortest number that round-trips;   the same; NaN, Infinity,
//	           "NaN", "Infinity", "-Infinity"      -Infinity
//	decimal    string of its exact digits, as      the exact digits, the scale
//	           Kusto's JSON results write it       kept (1.50)
//	string     string                              the text
//	guid       string                              the text
//	datetime   "2026-11-20T12:00:00.0000000Z"      2026-11-20T12:00:00.0000000Z
//	           (UTC, always seven fraction digits)
//	timespan   "[-][d.]hh:mm:ss[.fffffff]"          [-][d.]hh:mm:ss[.fffffff]
//	dynamic    the value as JSON                   the value as compact JSON, so
//	                                               a dynamic string keeps its quotes
//
// A real inside a dynamic value keeps a decimal point when it is whole
// (42.0, [1.0,2.5]), as Kusto writes it, so that it stays apart from a long.
//
// A string is never null: a nil string value is written as "". A value
// whose Go type breaks the boxing rules is written as the JSON string, or
// the text, of its fmt %v form rather than lost.
//
// # Formats
//
// JSON writes one array holding one object per row, keys in column order,
// one row per line; no rows give []. JSONL writes one object per line and
// nothing for no rows. Both stream: each batch is written when it arrives.
//
// CSV follows RFC 4180 as encoding/csv writes it: a header row of column
// names, fields quoted when they hold a comma, a quote, a line break or
// leading space, and records ending with LF rather than RFC 4180's CRLF
// (every CSV reader we know accepts LF, and Unix tools want it). Results
// stream, one flush per batch. Result CSV does not defuse cells that a
// spreadsheet would take for a formula (=, +, -, @), so that it keeps the
// data exactly: telemetry is attacker-controlled, so open such files in a
// spreadsheet with care. The findings timeline does defuse them (below).
//
// Table writes text aligned for a terminal: a header, a line of dashes,
// one line per row and a final line "(N rows)" ("(1 row)" for one). Columns
// are separated by two spaces and padded to their widest cell, counted in
// runes (so East Asian wide characters, which take two terminal cells,
// misalign); numeric columns are aligned right. Line breaks, tabs and other
// control characters in a cell are written as \n, \r, \t, \xHH and (C1
// controls, U+2028, U+2029) \uHHHH so that every row stays on one line and
// no cell moves the terminal's cursor (a backslash itself is left alone, so
// Windows paths stay readable). A cell longer than 80 runes is cut to 79
// runes followed by "…". Table output buffers the whole result until End.
//
// # Findings
//
// A Finding is a rule's output row with the rule's id, name, severity,
// tactics and techniques, and the entities the row names (Entities
// computes them from the rule's entity mappings, or from well-known
// Defender XDR columns).
//
// JSON and JSONL write each finding as it comes, as
//
//	{"rule_id":…,"rule_name":…,"severity":…,"tactics":[…],"techniques":[…],"row":{…},
//	 "entities":[{"type":"Host","identifier":"HostName","value":"wks-1","column":"DeviceName"},…]}
//
// (one object per line, or an array of them); "entities" is [] when the
// row names none.
//
// CSV writes a timeline that Timeline Explorer and spreadsheets open: the
// columns of TimelineColumns (Timestamp, RuleId, RuleName, Severity,
// Tactics, Techniques, Host, Account, Entities, Details), one record per
// finding, sorted by Timestamp (findings without one last, ties in the
// order written), so findings buffer until End. Timestamp is the
// finding's Time in ISO 8601 UTC; Tactics and Techniques are joined by
// ";"; Host and Account are the finding's Host and Account; Entities are
// "Type.Identifier=value" and Details the row's own columns as
// "name=value", each joined by " | ", so every rule's findings have the
// same columns. Control characters are escaped as in Table, so each
// record is one line. Cells that a spreadsheet would take for a formula
// (starting with =, +, -, @, a tab or a carriage return, and not a plain
// number) get a leading apostrophe, as OWASP recommends against CSV
// injection. Result CSV (NewResultWriter) is left as the data says.
//
// Table buffers findings until End, then writes them grouped per rule,
// the most severe rules first, each group a title line (severity, name,
// id, tactics, techniques, count) and a table of the rule's own columns;
// NewTableFindingWriter fits the lines to a terminal's width and colours
// the severities (see TableOptions).
//
// HTML writes one self-contained page (see WriteHTML) about a whole hunt:
// its findings writer keeps the findings and writes the page when Finish
// gives it the Hunt. WriteSummary writes the few lines for standard error.
//
// Writers are not safe for concurrent use. After an error from the
// underlying io.Writer, every later call returns that error.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Format is an output format.
type Format int

// The output formats.
const (
	Table Format = iota
	CSV
	JSON
	JSONL
	// HTML is a findings format only: one self-contained page reporting a
	// whole hunt (see WriteHTML). NewResultWriter writes it as Table.
	HTML
)

var formatNames = [...]string{Table: "table", CSV: "csv", JSON: "json", JSONL: "jsonl", HTML: "html"}

// String returns the name of f as ParseFormat accepts it.
func (f Format) String() string {
	if f >= 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat returns the result format named s: table, csv, json or
// jsonl, in any case.
func ParseFormat(s string) (Format, error) {
	if f, ok := lookupFormat(s); ok && f != HTML {
		return f, nil
	}
	return 0, fmt.Errorf("unknown format %q, expected table, csv, json or jsonl", s)
}

// ParseFindingFormat returns the findings format named s: table, csv,
// json, jsonl or html, in any case.
func ParseFindingFormat(s string) (Format, error) {
	if f, ok := lookupFormat(s); ok {
		return f, nil
	}
	return 0, fmt.Errorf("unknown format %q, expected table, csv, json, jsonl or html", s)
}

func lookupFormat(s string) (Format, bool) {
	for f, name := range formatNames {
		if strings.EqualFold(s, name) {
			return Format(f), true
		}
	}
	return 0, false
}

// ResultWriter writes a query result that arrives in batches: Begin once
// with the result's columns, Write for each batch, then End, which writes
// what the format keeps for last and reports any error. The writer does not
// keep batches after Write returns.
type ResultWriter interface {
	Begin(cols []schema.Column) error
	Write(b *value.Batch) error
	End() error
}

// NewResultWriter returns a ResultWriter that writes to w in format f.
func NewResultWriter(w io.Writer, f Format) ResultWriter {
	switch f {
	case CSV:
		return &csvResults{w: w}
	case JSON:
		return &jsonResults{w: w, array: true}
	case JSONL:
		return &jsonResults{w: w}
	}
	return &tableResults{w: w}
}

// Finding is one row of a rule's output, with the rule it came from.
// Columns and Row are parallel: Row[i] is the value of Columns[i], boxed as
// package value describes. Entities are the entities the row names, as
// Entities computes them; nil when it names none (or nobody computed them).
type Finding struct {
	RuleID     string
	RuleName   string
	Severity   string
	Tactics    []string
	Techniques []string
	Columns    []schema.Column
	Row        []any
	Entities   []Entity
}

// FindingWriter writes findings: Write for each, then End. The writer does
// not keep f or its slices after Write returns (values inside Row are
// immutable, as batches are, and may be kept).
//
// A writer that reports a whole hunt (HTML) also implements HuntWriter;
// Finish ends any FindingWriter with the hunt's model, so callers need not
// know which.
type FindingWriter interface {
	Write(f *Finding) error
	End() error
}

// NewFindingWriter returns a FindingWriter that writes to w in format f.
// Table buffers every finding until End; CSV and HTML buffer them too (CSV
// to sort the timeline, HTML to group them); JSON and JSONL stream.
func NewFindingWriter(w io.Writer, f Format) FindingWriter {
	switch f {
	case Table:
		return NewTableFindingWriter(w, TableOptions{})
	case CSV:
		return &timelineFindings{w: w}
	case JSON:
		return &jsonFindings{w: w, array: true}
	case HTML:
		return &htmlFindings{w: w}
	}
	return &jsonFindings{w: w}
}

// state is the call-order bookkeeping that every writer shares.
type state struct {
	began, ended bool
	err          error // sticky: the first error writing to w
}

func (s *state) begin() error {
	switch {
	case s.err != nil:
		return s.err
	case s.began:
		return fmt.Errorf("report: begin called twice")
	}
	s.began = true
	return nil
}

func (s *state) write(needBegin bool) error {
	switch {
	case s.err != nil:
		return s.err
	case s.ended:
		return fmt.Errorf("report: write after end")
	case needBegin && !s.began:
		return fmt.Errorf("report: write before begin")
	}
	return nil
}

func (s *state) end() error {
	switch {
	case s.err != nil:
		return s.err
	case s.ended:
		return fmt.Errorf("report: end called twice")
	}
	s.ended = true
	return nil
}

// output writes b to w and remembers a failure.
func (s *state) output(w io.Writer, b []byte) error {
	if s.err != nil {
		return s.err
	}
	if len(b) > 0 {
		if _, err := w.Write(b); err != nil {
			s.err = err
		}
	}
	return s.err
}
