package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// normalRows reads a JSON lines result and returns its rows in a normal form
// in which kqlhunt's and DuckDB's answers to the same question are equal:
// each row is its columns as name=value sorted by name, and the rows are
// sorted. Values are normalised so that the two tools' spellings agree:
//   - datetimes are cut to microseconds, DuckDB's TIMESTAMP precision;
//   - numbers are written as integers when they are whole, else with %g;
//   - null is the empty string (KQL strings are never null, while DuckDB
//     reads an empty CSV cell as NULL);
//   - arrays (make_set) are sorted, since a set has no order.
func normalRows(file string) ([]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var rows []string
	for n, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var row map[string]any
		if err := dec.Decode(&row); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, n+1, err)
		}
		cols := make([]string, 0, len(row))
		for k, v := range row {
			cols = append(cols, k+"="+normalValue(v))
		}
		slices.Sort(cols)
		rows = append(rows, strings.Join(cols, "\t"))
	}
	slices.Sort(rows)
	return rows, nil
}

func normalValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil && strings.Contains(v, "T") {
			return t.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
		}
		return v
	case json.Number:
		if i, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
		f, err := v.Float64()
		if err != nil {
			return v.String()
		}
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return strconv.FormatInt(int64(f), 10)
		}
		return strconv.FormatFloat(f, 'g', 12, 64)
	case bool:
		return strconv.FormatBool(v)
	case []any:
		elems := make([]string, len(v))
		for i, e := range v {
			elems[i] = normalValue(e)
		}
		slices.Sort(elems)
		return "[" + strings.Join(elems, ",") + "]"
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// sameRows compares two JSON lines results in normal form. It returns ""
// when they hold the same rows, else a short description of the difference.
func sameRows(a, b string) (string, error) {
	ra, err := normalRows(a)
	if err != nil {
		return "", err
	}
	rb, err := normalRows(b)
	if err != nil {
		return "", err
	}
	if slices.Equal(ra, rb) {
		return "", nil
	}
	onlyA, onlyB := difference(ra, rb), difference(rb, ra)
	msg := fmt.Sprintf("%d rows against %d; %d only in the first, %d only in the second", len(ra), len(rb), len(onlyA), len(onlyB))
	if len(onlyA) > 0 {
		msg += "\n  first only:  " + onlyA[0]
	}
	if len(onlyB) > 0 {
		msg += "\n  second only: " + onlyB[0]
	}
	return msg, nil
}

// difference returns the rows of sorted a that sorted b lacks, as multisets.
func difference(a, b []string) []string {
	var out []string
	j := 0
	for _, r := range a {
		for j < len(b) && b[j] < r {
			j++
		}
		if j < len(b) && b[j] == r {
			j++
			continue
		}
		out = append(out, r)
	}
	return out
}
