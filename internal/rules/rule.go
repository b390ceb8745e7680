// Package rules loads Microsoft Sentinel hunting and analytics rule files:
// the YAML format of the Azure-Sentinel repository's Hunting Queries and
// Detections folders, which community catalogs such as jischell-msft's
// RemoteManagementMonitoringTools also use.
//
// A rule is read with go.yaml.in/yaml/v3 into a yaml.Node tree, so that
// every message about the file can point at a line and column: YAML syntax
// errors, fields of the wrong type and, through Rule.QueryPosition, errors
// that the KQL front end finds in the rule's query. Messages read
// FILE:LINE:COL: message; FormatError adds the source line and a caret.
package rules

import (
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

	src    []byte         // the file's text
	starts []int          // byte offset of each line of src
	query  posMap         // Query's bytes to offsets in src
	keys   map[string]pos // position of each top-level key
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
func (r *Rule) QueryPosition(off int) (line, col int) {
	if r.src == nil {
		return 0, 0
	}
	return position(r.src, r.starts, r.query.fileOffset(r.src, r.Query, off))
}

// QueryError returns an error about the byte at offset off of r.Query,
// positioned in r.File, whose Excerpt shows the file's line.
func (r *Rule) QueryError(off int, msg string) *Error {
	line, col := r.QueryPosition(off)
	return &Error{File: r.File, Line: line, Col: col, Msg: msg, src: r.src}
}

// KeyPosition returns the line and column of top-level key name in r.File,
// for messages about a field, and whether the file has that key.
func (r *Rule) KeyPosition(name string) (line, col int, ok bool) {
	p, ok := r.keys[name]
	return p.line, p.col, ok
}

// Source returns the text r was loaded from. The caller must not modify it.
func (r *Rule) Source() []byte { return r.src }

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
