// Package corpus reads a conformance corpus: a folder of KQL queries, one
// per file, with a manifest.csv giving the verdicts of Microsoft's parser
// and analyzer for each (the format of the shared corpus that kqlhunt is
// measured against; see docs/conformance.md).
package corpus

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Entry is one query of a corpus.
type Entry struct {
	// File is the query's path relative to the corpus folder.
	File string
	// Line is the entry's line in manifest.csv, for messages.
	Line int
	// Tables are the tables the query names.
	Tables []string
	// Defender is set when the query uses a Defender XDR table.
	Defender bool
	// Syntax is the reference parser's verdict: "ok" or "error".
	Syntax    string
	SyntaxErr string
	// Semantic is the reference analyzer's verdict: "ok", "fail" or
	// "unchecked".
	Semantic    string
	SemanticErr string
}

// Corpus is a loaded manifest.
type Corpus struct {
	Dir     string
	Entries []Entry
}

// required are the manifest columns kqlhunt reads; others are ignored.
var required = []string{"file", "tables", "defender", "reference_syntax", "reference_syntax_error", "reference_semantic", "reference_semantic_error"}

// Load reads dir/manifest.csv. It fails on a missing column or a malformed
// row, naming the manifest line.
func Load(dir string) (*Corpus, error) {
	path := filepath.Join(dir, "manifest.csv")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s:1: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, name := range required {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("%s:1: missing column %q", path, name)
		}
	}
	c := &Corpus{Dir: dir}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		get := func(name string) string { return rec[col[name]] }
		e := Entry{
			File:        get("file"),
			Line:        line,
			Defender:    get("defender") == "1",
			Syntax:      get("reference_syntax"),
			SyntaxErr:   get("reference_syntax_error"),
			Semantic:    get("reference_semantic"),
			SemanticErr: get("reference_semantic_error"),
		}
		for _, t := range strings.Split(get("tables"), ";") {
			if t != "" {
				e.Tables = append(e.Tables, t)
			}
		}
		if e.Syntax != "ok" && e.Syntax != "error" {
			return nil, fmt.Errorf("%s:%d: reference_syntax is %q, want ok or error", path, line, e.Syntax)
		}
		c.Entries = append(c.Entries, e)
	}
	return c, nil
}

// Read returns the text of an entry's query.
func (c *Corpus) Read(e Entry) (string, error) {
	b, err := os.ReadFile(filepath.Join(c.Dir, filepath.FromSlash(e.File)))
	return string(b), err
}

// Schemas reads the table schemas of dir/schemas/*.json, each
// {"Name": table, "Properties": [{"Name": column, "Type": type}, ...]},
// into a catalog. A corpus without a schemas folder gets an empty one.
func (c *Corpus) Schemas() (*schema.Catalog, error) {
	files, err := filepath.Glob(filepath.Join(c.Dir, "schemas", "*.json"))
	if err != nil {
		return nil, err
	}
	var tables []*schema.Table
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Name       string
			Properties []struct{ Name, Type string }
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		cols := make([]schema.Column, len(doc.Properties))
		for i, p := range doc.Properties {
			t, ok := schema.ParseType(strings.ToLower(p.Type))
			if !ok {
				return nil, fmt.Errorf("%s: column %s has unknown type %q", f, p.Name, p.Type)
			}
			cols[i] = schema.Column{Name: p.Name, Type: t}
		}
		tables = append(tables, schema.NewTable(doc.Name, cols))
	}
	return schema.NewCatalog(tables...), nil
}
