package source

import (
	"errors"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
)

// RecordKind is what ClassifyObject finds a JSON object to be.
type RecordKind uint8

// The kinds of objects ClassifyObject tells apart.
const (
	// ObjectRow is a plain row: its keys are column names.
	ObjectRow RecordKind = iota
	// ObjectRecord is a Defender streaming API record: {"time",
	// "category": "AdvancedHunting-<Table>", "properties": {row}}.
	ObjectRecord
)

// ClassifyObject tells, as the readers do when they route objects to
// their tables, whether obj (one JSON object) is a streaming API record,
// and then the table its category names (without the "AdvancedHunting-"
// prefix, as written), or a plain row, and then the table its Log
// Analytics Type member names, or "". It returns an error when obj is not
// one valid JSON object.
func ClassifyObject(obj []byte) (table string, kind RecordKind, err error) {
	i := jsonscan.SkipSpace(obj, 0)
	if i == len(obj) || obj[i] != '{' {
		return "", ObjectRow, errors.New("expected a JSON object, got " + jsonscan.Describe(obj, i))
	}
	var end int
	if err := jsonscan.Members(obj, i, func([]byte, bool, int, int) bool { return true }, &end); err != nil {
		return "", ObjectRow, err
	}
	if j := jsonscan.SkipSpace(obj, end); j != len(obj) {
		return "", ObjectRow, errors.New("unexpected text after the object: " + quote(obj[j:]))
	}
	t, k := classify(obj, i)
	if k == kindRecord {
		return t, ObjectRecord, nil
	}
	return rowType(obj, i), ObjectRow, nil
}

// TableFromPath returns the table that path names, as the readers tell a
// file's table: by its file name, else a parent folder's name (an Azure
// Storage container insights-logs-advancedhunting-<table>, a Log
// Analytics export am-<table>, a folder named like a table), nearest
// first; names are those of known, matched ignoring case. It returns ""
// when nothing names a table.
func TableFromPath(path string, known []string) string {
	m := make(map[string]string, len(known))
	for _, n := range known {
		m[strings.ToLower(n)] = n
	}
	return tableFromPath(path, m)
}
