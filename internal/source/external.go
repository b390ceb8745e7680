package source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// ExternalDir serves the URLs of externaldata from local files: each URL
// maps to the file in Dir with the URL's file name (the last path segment,
// without query string or connection-string suffix), so that queries
// that download lists from the internet run offline on copies of them.
// https://learn.microsoft.com/kusto/query/externaldata-operator
type ExternalDir struct {
	Dir string
}

// ErrNoExternalFile is wrapped by the error for a URL that has no local
// file.
var ErrNoExternalFile = errors.New("no local file for externaldata URL")

// FileName returns the local file name a URL maps to.
func FileName(rawURL string) string {
	s := rawURL
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i] // a connection string's key or options
	}
	if u, err := url.Parse(s); err == nil && u.Path != "" {
		s = u.Path
	} else if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	return path.Base(strings.TrimRight(s, "/"))
}

// Read reads the file for rawURL in the given format (csv when empty) as
// rows of cols.
func (d ExternalDir) Read(rawURL string, cols []schema.Column, props map[string]string) ([]*value.Batch, error) {
	name := FileName(rawURL)
	p := filepath.Join(d.Dir, name)
	if d.Dir == "" || name == "" || name == "." || name == "/" {
		return nil, fmt.Errorf("%w %s: run with --externaldata DIR, where DIR holds a copy of it", ErrNoExternalFile, rawURL)
	}
	if _, err := os.Stat(p); err != nil {
		return nil, fmt.Errorf("%w %s: expected it as %s (--externaldata %s)", ErrNoExternalFile, rawURL, p, d.Dir)
	}
	return ReadExternalFile(p, cols, props)
}

// ReadExternalFile reads a file of externaldata rows. props are the
// with(...) properties by lower-case name: format (csv, tsv, psv, scsv,
// sohsv, txt, raw, json, multijson; csv by default) and
// ignorefirstrecord. Gzip files are decompressed. A value that does not
// convert to its column's type is null.
func ReadExternalFile(p string, cols []schema.Column, props map[string]string) ([]*value.Batch, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		defer gz.Close()
		r = gz
	}
	format := strings.ToLower(props["format"])
	skipFirst := strings.EqualFold(props["ignorefirstrecord"], "true")
	b := value.NewBatch(columnTypes(cols), 64)
	switch format {
	case "", "csv", "tsv", "tsve", "psv", "scsv", "sohsv":
		err = readDelimited(r, delimiter(format), skipFirst, cols, b)
	case "txt", "raw":
		err = readText(r, format == "raw", skipFirst, cols, b)
	case "json", "multijson", "singlejson":
		err = readJSONRecords(r, cols, b)
	default:
		return nil, fmt.Errorf("%s: externaldata format %q is not supported (csv, tsv, psv, scsv, sohsv, txt, raw, json, multijson)", p, format)
	}
	var de *DataError
	if errors.As(err, &de) {
		// Not a *DataError: a problem of one query's externaldata, not of
		// the telemetry, fails that query only.
		de.File = p
		return nil, errors.New(de.Error())
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return []*value.Batch{b}, nil
}

// MaxExternalJSON is the size of the largest JSON externaldata file read:
// JSON is parsed whole, so a larger one is refused rather than read into
// memory; CSV and text files are read a record at a time.
const MaxExternalJSON = 256 << 20

// readAtMost reads r whole, or fails naming what when it holds more than
// limit bytes.
func readAtMost(r io.Reader, limit int64, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MiB, the most kqlhunt reads; give it as CSV or text, which are read a record at a time", what, limit>>20)
	}
	return data, nil
}

func columnTypes(cols []schema.Column) []schema.Type {
	ts := make([]schema.Type, len(cols))
	for i, c := range cols {
		ts[i] = c.Type
	}
	return ts
}

func delimiter(format string) rune {
	switch format {
	case "tsv", "tsve":
		return '\t'
	case "psv":
		return '|'
	case "scsv":
		return ';'
	case "sohsv":
		return '\x01'
	}
	return ','
}

// readDelimited reads delimited records as encoding/csv does with
// LazyQuotes. A record longer than MaxRecordSize is an error naming its
// line (a *DataError with no File, for the caller to complete).
func readDelimited(r io.Reader, comma rune, skipFirst bool, cols []schema.Column, b *value.Batch) error {
	cs := newCSVScanner(r, byte(comma), true, 64<<10)
	var strs []string
	for first := true; ; first = false {
		rec, _, err := cs.read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if ce, ok := isCSVError(err); ok {
			return &DataError{Line: ce.line, Col: ce.col, Reason: ce.msg}
		}
		if err != nil {
			return err
		}
		if first && skipFirst {
			continue
		}
		strs = strs[:0]
		for _, f := range rec {
			strs = append(strs, string(f))
		}
		appendTextRow(b, cols, strs)
	}
}

func readText(r io.Reader, raw, skipFirst bool, cols []schema.Column, b *value.Batch) error {
	if raw {
		// The whole file is one string value, which KQL caps at 64 MB.
		data, err := readAtMost(r, MaxRecordSize, "a raw externaldata file")
		if err != nil {
			return err
		}
		appendTextRow(b, cols, []string{string(data)})
		return nil
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<20)
	for first := true; sc.Scan(); first = false {
		if first && skipFirst {
			continue
		}
		appendTextRow(b, cols, []string{strings.TrimSuffix(sc.Text(), "\r")})
	}
	return sc.Err()
}

// appendTextRow appends a row of text fields, in column order; missing
// fields are null.
func appendTextRow(b *value.Batch, cols []schema.Column, fields []string) {
	for j, col := range cols {
		if j >= len(fields) {
			b.Cols[j].AppendNull()
			continue
		}
		b.Cols[j].Append(textValue(col.Type, fields[j]))
	}
	b.N++
}

// textValue converts a field's text to type t (nil when it does not).
func textValue(t schema.Type, s string) any {
	switch t {
	case schema.String:
		return s
	case schema.Dynamic:
		if v, err := value.ParseJSON([]byte(s)); err == nil {
			return v
		}
		if s == "" {
			return nil
		}
		return s
	}
	if strings.TrimSpace(s) == "" {
		return nil
	}
	v, ok := funcs.Convert(schema.String, t, strings.TrimSpace(s))
	if !ok {
		return nil
	}
	return v
}

// readJSONRecords reads JSON objects (one per line, or any number one
// after the other), matching keys to column names exactly, else ignoring
// case.
func readJSONRecords(r io.Reader, cols []schema.Column, b *value.Batch) error {
	data, err := readAtMost(r, MaxExternalJSON, "a JSON externaldata file")
	if err != nil {
		return err
	}
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		v, err := value.ParseJSON(data)
		if err != nil {
			return err
		}
		arr, _ := v.([]any)
		for _, e := range arr {
			appendJSONRow(b, cols, e)
		}
		return nil
	}
	for i := 0; i < len(data); {
		for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t') {
			i++
		}
		if i >= len(data) {
			break
		}
		v, next, err := value.DecodeJSON(data, i)
		if err != nil {
			return err
		}
		appendJSONRow(b, cols, v)
		i = next
	}
	return nil
}

func appendJSONRow(b *value.Batch, cols []schema.Column, rec any) {
	bag, _ := rec.(*value.Bag)
	for j, col := range cols {
		var v any
		if bag != nil {
			var ok bool
			if v, ok = bag.Get(col.Name); !ok {
				for k, key := range bag.Keys {
					if strings.EqualFold(key, col.Name) {
						v = bag.Vals[k]
						break
					}
				}
			}
		}
		switch {
		case v == nil:
			b.Cols[j].AppendNull()
		case col.Type == schema.Dynamic:
			b.Cols[j].Append(v)
		default:
			if s, ok := v.(string); ok {
				b.Cols[j].Append(textValue(col.Type, s))
				continue
			}
			cv, ok := funcs.Convert(schema.Dynamic, col.Type, v)
			if !ok {
				b.Cols[j].AppendNull()
				continue
			}
			b.Cols[j].Append(cv)
		}
	}
	b.N++
}
