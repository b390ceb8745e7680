package source

import (
	"bytes"
	"io"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
)

// Log Analytics writes the name of a row's table in its Type column
// (SigninLogs, SecurityEvent, and DeviceEvents in Sentinel's copies of
// the Defender tables): in data export folders (am-<table>/.../PT05M.json),
// query API responses and the portal's exports. A file whose rows have a
// Type that names a known table is "typed": each row goes to the table
// its Type names, and rows without one to the file's table, from the path
// or --table.

// typeKey is the member or column that names a Log Analytics row's table.
const typeKey = "Type"

var typeKeyQuoted = []byte(`"` + typeKey + `"`)

// rowType returns the value of the string member Type of the object at
// data[i] (the last one, as decoding takes), or "" when it has none or is
// not valid JSON.
func rowType(data []byte, i int) string {
	if !bytes.Contains(data[i:], typeKeyQuoted) {
		return ""
	}
	var t []byte
	var end int
	err := jsonscan.Members(data, i, func(key []byte, escaped bool, s, e int) bool {
		if !escaped && string(key) == typeKey {
			t = nil
			if data[s] == '"' && e-s > 2 {
				t = data[s+1 : e-1]
			}
		}
		return true
	}, &end)
	if err != nil || t == nil {
		return ""
	}
	if bytes.IndexByte(t, '\\') >= 0 {
		t = jsonscan.AppendUnquoted(nil, t)
	}
	return string(t)
}

// headTypes returns the Type values of the rows complete in head, the
// start of a file of JSON lines or a JSON document of rows.
func headTypes(head []byte, format Format) []string {
	if !bytes.Contains(head, typeKeyQuoted) {
		return nil
	}
	var names []string
	if format == FormatJSONLines {
		for len(head) > 0 {
			k := bytes.IndexByte(head, '\n')
			if k < 0 {
				break
			}
			line := head[:k]
			head = head[k+1:]
			if j := jsonscan.SkipSpace(line, 0); j < len(line) && line[j] == '{' {
				if t := rowType(line, j); t != "" {
					names = addName(names, t)
				}
			}
		}
		return names
	}
	w := newDocWalker(bytes.NewReader(head))
	for {
		elem, err := w.next()
		if err != nil {
			if w.failed || err == io.EOF {
				return names
			}
			continue
		}
		if t := rowType(elem, 0); t != "" {
			names = addName(names, t)
		}
	}
}

// knownTypes returns the names of types that name tables of known
// (lowercased name → name), spelled as known spells them.
func knownTypes(types []string, known map[string]string) []string {
	var out []string
	for _, t := range types {
		if k := known[strings.ToLower(t)]; k != "" {
			out = addName(out, k)
		}
	}
	return out
}
