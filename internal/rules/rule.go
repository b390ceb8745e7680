// Package rules loads Microsoft Sentinel hunting and analytics rule files:
// the YAML format of the Azure-Sentinel repository's Hunting Queries and
// Detections folders, which community catalogs such as jischell-msft's
// RemoteManagementMonitoringTools also use; Markdown files whose fenced
// code blocks hold KQL queries; and plain .kql files. LoadAll loads files
// and folders of all three; ParseBytes parses one file held in memory;
// Check compiles a rule's query and places its diagnostics in the file.
//
// A rule is read with go.yaml.in/yaml/v3 into a yaml.Node tree, so that
// every message about the file can point at a line and column: YAML syntax
// errors, fields of the wrong type and, through Rule.QueryPosition, errors
// that the KQL front end finds in the rule's query. Messages read
// FILE:LINE:COL: message; FormatError adds the source line and a caret.
package rules

import (
	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/diag/yamlpos"

	"path/filepath"
	"strings"
)

// Rule is a decoded rule file. Loading fills it; after that it is only
// read, and safe for concurrent use.
type Rule struct {
	ID          string
	Name        string
	Description string
	// Severity is Informational, Low, Medium or High, or "" when the file
	// gives none (hunting queries usually do not).
	Severity               string
	RequiredDataConnectors []DataConnector
	// QueryFrequency and QueryPeriod are as written, such as "1h" and "5d".
	QueryFrequency string
	QueryPeriod    string
	// TriggerOperator is gt, lt, eq or ne, or "" when not given.
	TriggerOperator  string
	TriggerThreshold int
	// Tactics and RelevantTechniques come from a YAML list or from one
	// comma-separated string, each entry trimmed.
	Tactics            []string
	RelevantTechniques []string
	// Query is the KQL text as YAML decodes it: for the usual literal block
	// scalar (query: |), the lines without their indentation, each ending
	// with a newline.
	Query          string
	EntityMappings []EntityMapping
	Version        string
	Kind           string
	// Extra holds the top-level keys that Rule has no field for, decoded as
	// yaml.v3 decodes into an any. They are kept, not checked.
	Extra map[string]any
	// File is the path the rule was loaded from.
	File string
	// Format is the kind of file the rule came from.
	Format Format

	src    []byte         // the text that was decoded: the file, or the file as repaired
	starts []int          // byte offset of each line of src
	query  yamlpos.Map    // Query's bytes to offsets in src
	keys   map[string]pos // position of each top-level key, in the file
	// raw is the file as read, when a repair made src differ from it.
	raw []byte
	// shift maps the lines of src that a repair indented to the number of
	// spaces it put at their start.
	shift map[int]int
	// dataTypes are the tables named by requiredDataConnectors, with their
	// positions in the file.
	dataTypes []namedPos
}

// Format is the kind of file a rule is read from.
type Format string

// The formats of rule files.
const (
	// YAML is a Sentinel hunting query or analytics rule, one per file.
	YAML Format = "yaml"
	// Markdown is a Markdown file, one rule per fenced KQL block.
	Markdown Format = "markdown"
	// KQL is a file holding one query and nothing else.
	KQL Format = "kql"
)

// FormatOf returns the format of a file by its name: Markdown for .md and
// .markdown, KQL for .kql, .kusto and .csl, YAML for anything else. Case
// does not matter.
func FormatOf(name string) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown":
		return Markdown
	case ".kql", ".kusto", ".csl":
		return KQL
	}
	return YAML
}

// namedPos is a name and where the file gives it.
type namedPos struct {
	name string
	pos  pos
}

// DataConnector is an entry of requiredDataConnectors: a connector and the
// tables it provides.
type DataConnector struct {
	ConnectorID string
	DataTypes   []string
}

// EntityMapping maps query output columns to the identifiers of a Sentinel
// entity type, such as Host or URL.
type EntityMapping struct {
	EntityType    string
	FieldMappings []FieldMapping
}

// FieldMapping maps one entity identifier (HostName) to a query output
// column (DeviceName).
type FieldMapping struct {
	Identifier string
	ColumnName string
}

// pos is a 1-based line and character column.
type pos struct{ line, col int }

// QueryPosition returns the 1-based line and column in r.File of the byte
// at offset off of r.Query; offsets at or past the end of the query give
// the position just after its last character. Columns count characters, as
// in Error.
//
// The mapping is exact for block scalars (literal and folded, with any
// chomping, indentation and indentation indicator), plain scalars and
// single- and double-quoted scalars, over one or more lines, in files with
// LF or CRLF line ends. A byte that YAML inserted maps to the text it
// stands for: the space that joins two folded lines maps to the end of the
// first line, the result of an escape sequence such as \t or ” to its
// first character. For a query that the mapper cannot follow (such as one
// inside a flow mapping), every offset maps to the start of the query's
// value.
//
// For a Markdown block or a .kql file, Query is the text with each line
// break made a "\n", and the mapping is exact too. When the file was
// repaired on loading (see LoadAll), positions are those of the file as
// read.
func (r *Rule) QueryPosition(off int) (line, col int) {
	if r.src == nil {
		return 0, 0
	}
	line, col = diag.Position(r.src, r.starts, r.query.FileOffset(r.src, r.Query, off))
	p := r.unshift(pos{line, col})
	return p.line, p.col
}

// QueryStart returns the line and column in r.File where the query text
// starts.
func (r *Rule) QueryStart() (line, col int) { return r.QueryPosition(0) }

// unshift turns a position in r.src into one in the file as read.
func (r *Rule) unshift(p pos) pos { return unshift(r.shift, p) }

// unshift turns a position in a repaired text into one in the text as
// read, given the spaces that the repair put at the start of lines.
func unshift(shift map[int]int, p pos) pos {
	if n := shift[p.line]; n > 0 {
		p.col = max(p.col-n, 1)
	}
	return p
}

// QueryError returns an error about the byte at offset off of r.Query,
// positioned in r.File, whose Excerpt shows the file's line.
func (r *Rule) QueryError(off int, msg string) Error {
	return r.queryError(r.diagFile(), off, diag.Error, msg)
}

// queryError is QueryError with a severity, in file, which is
// r.diagFile(): diagnostics about one rule share it.
func (r *Rule) queryError(file *diag.File, off int, sev diag.Severity, msg string) Error {
	line, col := r.QueryPosition(off)
	return file.At(sev, line, col, msg)
}

// Errorf returns an error at line and col of r.File, whose Excerpt shows
// that line of the file as read.
func (r *Rule) Errorf(line, col int, format string, args ...any) Error {
	return r.diagFile().Errorf(line, col, format, args...)
}

// diagFile returns r's file as read, for positioning diagnostics.
func (r *Rule) diagFile() *diag.File { return diag.NewFile(r.File, r.Source()) }

// KeyPosition returns the line and column of top-level key name in r.File,
// for messages about a field, and whether the file has that key. A rule
// from a Markdown block has the keys id and query at the block's opening
// fence and name at its heading; a rule from a .kql file has id, name and
// query at the file's start.
func (r *Rule) KeyPosition(name string) (line, col int, ok bool) {
	p, ok := r.keys[name]
	return p.line, p.col, ok
}

// Source returns the text r was loaded from, as read (before any repair).
// The caller must not modify it.
func (r *Rule) Source() []byte {
	if r.raw != nil {
		return r.raw
	}
	return r.src
}

// severities maps the lowercase spelling of each severity to its form in a
// Rule.
var severities = map[string]string{
	"informational": "Informational",
	"low":           "Low",
	"medium":        "Medium",
	"high":          "High",
}

// triggerOperators maps the lowercase spelling of each trigger operator, in
// the rule file form (gt) and the ARM template form (GreaterThan), to its
// form in a Rule.
var triggerOperators = map[string]string{
	"gt": "gt", "greaterthan": "gt",
	"lt": "lt", "lessthan": "lt",
	"eq": "eq", "equal": "eq",
	"ne": "ne", "notequal": "ne",
}

// normalize looks s up case-insensitively in table.
func normalize(table map[string]string, s string) (string, bool) {
	v, ok := table[strings.ToLower(strings.TrimSpace(s))]
	return v, ok
}
