package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// table is the one table the benchmark generates.
const table = "DeviceNetworkEvents"

// A format is one way the same rows are stored. prepare writes the format's
// files from the JSON lines file src into dir and returns what kqlhunt's
// --data reads and the SQL that DuckDB reads the rows with (a query whose
// result has the table's columns, Timestamp as a TIMESTAMP). A format that
// cannot be written here returns an error wrapping errSkip, whose message
// says why.
//
// New formats are added to the formats list.
type format struct {
	name    string
	prepare func(b *bench, src, dir string) (data, duck string, err error)
}

var errSkip = errors.New("skipped")

var formats = []format{
	{"JSON lines", prepareJSONLines},
	{"streaming API", prepareStreaming},
	{"CSV", prepareCSV},
	{"Parquet", prepareParquet},
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// castTimestamp is the careful DuckDB user's view of rows: read_json leaves
// the 7-digit fractions of Defender's timestamps as text, so Timestamp is
// cast (DuckDB keeps microseconds).
func castTimestamp(from string) string {
	return "SELECT * REPLACE (CAST(Timestamp AS TIMESTAMP) AS Timestamp) FROM " + from
}

func prepareJSONLines(_ *bench, src, _ string) (string, string, error) {
	return src, castTimestamp("read_json(" + sqlString(src) + ", format='newline_delimited')"), nil
}

// prepareStreaming wraps each row as a streaming API record, the form
// Defender's streaming API writes to Azure Storage: one record per line.
func prepareStreaming(_ *bench, src, dir string) (string, string, error) {
	out := filepath.Join(dir, "PT1H.json")
	err := mapLines(src, out, func(w *bufio.Writer, line []byte) error {
		time := timestampOf(line)
		w.WriteString(`{"time":"`)
		w.Write(time)
		w.WriteString(`","tenantId":"00000000-0000-0000-0000-000000000000","operationName":"Publish","category":"AdvancedHunting-` + table + `","properties":`)
		w.Write(line)
		w.WriteString("}\n")
		return nil
	})
	if err != nil {
		return "", "", err
	}
	return out, castTimestamp("(SELECT unnest(properties) FROM read_json(" + sqlString(out) + ", format='newline_delimited'))"), nil
}

// timestampOf returns the value of a gen line's Timestamp, its first key.
func timestampOf(line []byte) []byte {
	const key = `{"Timestamp":"`
	if !bytes.HasPrefix(line, []byte(key)) {
		return nil
	}
	rest := line[len(key):]
	if i := bytes.IndexByte(rest, '"'); i >= 0 {
		return rest[:i]
	}
	return nil
}

// prepareCSV writes the rows as the Advanced Hunting portal exports them: a
// header, CRLF line ends, RFC 4180 quoting, an empty cell for null.
func prepareCSV(_ *bench, src, dir string) (string, string, error) {
	out := filepath.Join(dir, table+".csv")
	f, err := os.Create(out)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	var header []string
	var record []string
	err = eachLine(src, func(line []byte) error {
		if header == nil {
			keys, err := objectKeys(line)
			if err != nil {
				return err
			}
			header = keys
			record = make([]string, len(header))
			if err := cw.Write(header); err != nil {
				return err
			}
		}
		if err := cells(line, header, record); err != nil {
			return err
		}
		return cw.Write(record)
	})
	if err != nil {
		return "", "", err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return "", "", err
	}
	if err := bw.Flush(); err != nil {
		return "", "", err
	}
	return out, castTimestamp("read_csv(" + sqlString(out) + ")"), f.Close()
}

// objectKeys returns the keys of a JSON object in the order written.
func objectKeys(line []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object: %.40q", line)
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// cells fills record with the values of the flat JSON object line for the
// columns of header, as CSV cell text: strings as they are, numbers and
// booleans as written, null and missing columns empty, objects and arrays
// (dynamic values) as their JSON text.
func cells(line []byte, header, record []string) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var row map[string]any
	if err := dec.Decode(&row); err != nil {
		return err
	}
	for i, k := range header {
		switch v := row[k].(type) {
		case nil:
			record[i] = ""
		case string:
			record[i] = v
		case json.Number:
			record[i] = v.String()
		case bool:
			record[i] = strconv.FormatBool(v)
		default:
			b, _ := json.Marshal(v)
			record[i] = string(b)
		}
		delete(row, k)
	}
	for k := range row {
		return fmt.Errorf("column %q is not in the first row", k)
	}
	return nil
}

// prepareParquet writes the rows with 'kqlhunt convert', when the kqlhunt
// being measured has it.
func prepareParquet(b *bench, src, dir string) (string, string, error) {
	if !b.hasCommand("convert") {
		return "", "", fmt.Errorf("%w: this kqlhunt has no 'convert' command", errSkip)
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", "", err
	}
	if out, err := b.kqlhuntOutput("convert", "--data", src, "--out", dir); err != nil {
		return "", "", fmt.Errorf("kqlhunt convert: %w\n%s", err, out)
	}
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		return "", "", fmt.Errorf("kqlhunt convert wrote no .parquet file under %s", dir)
	}
	from := "read_parquet(" + sqlString(filepath.Join(dir, "**", "*.parquet")) + ", hive_partitioning=false)"
	typ, err := b.duckQuery("SELECT column_type FROM (DESCRIBE SELECT * FROM " + from + ") WHERE column_name = 'Timestamp'")
	if err != nil {
		return "", "", err
	}
	if strings.Contains(typ, `"BIGINT"`) {
		// kqlhunt convert writes datetimes as INT64 100 ns ticks since the
		// Unix epoch (its files' kqlhunt.datetime metadata says so), with
		// no Parquet time type: the careful user converts them.
		return dir, "SELECT * REPLACE (make_timestamp(Timestamp // 10) AS Timestamp) FROM " + from, nil
	}
	return dir, castTimestamp(from), nil
}

// eachLine calls fn with each non-empty line of file; the line is valid only
// during the call.
func eachLine(file string, fn func(line []byte) error) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	for n := 1; ; n++ {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return fmt.Errorf("%s:%d: line longer than 1 MiB", file, n)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if ferr := fn(bytes.TrimRight(line, "\r\n")); ferr != nil {
				return fmt.Errorf("%s:%d: %w", file, n, ferr)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// mapLines writes to out what fn writes for each line of src.
func mapLines(src, out string, fn func(w *bufio.Writer, line []byte) error) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := eachLine(src, func(line []byte) error { return fn(w, line) }); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// rmmURLs are the remote-access hosts kqlhunt gen draws RemoteUrl from (as
// often as any other host), and benignURLs what dilute puts in their place.
var (
	rmmURLs    = []string{"api.screenmeet.com", "relay.anydesk.com"}
	benignURLs = []string{"www.bing.com", "outlook.office365.com", "teams.microsoft.com", "update.googleapis.com", "github.com", "cdn.jsdelivr.net"}
)

// rarity says how many remote-access rows dilute and plant left.
type rarity struct {
	rows, rmm, seed int
}

// dilute copies src to out, replacing the remote-access host of all but one
// in keepOneIn of the rows that connect to one by a benign host, so that
// remote-access rows are as rare as in a real export (gen draws them as
// often as any host, several percent of the rows). The first minSeed rows
// that match the seed rule's term filters are always kept, so that the rule
// finds something even in small runs.
func dilute(src, out string, keepOneIn, minSeed int) (rarity, error) {
	var r rarity
	seen := 0
	company := []byte(`"InitiatingProcessVersionInfoCompanyName":"Projector Inc"`)
	err := mapLines(src, out, func(w *bufio.Writer, line []byte) error {
		r.rows++
		for _, u := range rmmURLs {
			field := []byte(`"RemoteUrl":"` + u + `"`)
			if !bytes.Contains(line, field) {
				continue
			}
			seed := u == "api.screenmeet.com" && bytes.Contains(line, company)
			keep := seen%keepOneIn == 0 || (seed && r.seed < minSeed)
			if keep {
				r.rmm++
				if seed {
					r.seed++
				}
			} else {
				benign := benignURLs[seen%len(benignURLs)]
				line = bytes.Replace(line, field, []byte(`"RemoteUrl":"`+benign+`"`), 1)
			}
			seen++
			break
		}
		w.Write(line)
		return w.WriteByte('\n')
	})
	return r, err
}
