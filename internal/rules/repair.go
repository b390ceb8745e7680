package rules

import (
	"bytes"
	"github.com/kqlhunt/kqlhunt/internal/diag"
	"regexp"
	"slices"
	"strings"
)

// Some published catalogs put a key of a list item at the indentation of
// the item's dash. Every YAML file of jischell-msft's
// RemoteManagementMonitoringTools reads
//
//	requiredDataConnectors:
//	    - connectorId: MicrosoftThreatProtection
//	    dataTypes:
//	        - DeviceProcessEvents
//
// which YAML rejects ("did not find expected '-' indicator"): dataTypes is
// neither a new item of the list nor, at that indentation, part of the
// first one. Sentinel's own tooling reads such files, so the author meant
// the key to belong to the item. repairIndent mends exactly that, and
// nothing else: the error must be that one, at a key standing at the start
// of its line, under a "- key:" item at the same indentation, in a list
// whose items that key belongs to (itemKeys). It moves the key, and the
// lines of its value, right to the column of the item's first key. Spaces
// are only added at the start of lines, so every line keeps its number and
// every later message its position, once the added spaces are subtracted
// (unshift).

// itemKeys lists, for each list of mappings in a Sentinel rule, the keys of
// its items: the only keys repairIndent moves into an item.
var itemKeys = map[string][]string{
	"requiredDataConnectors": {"connectorId", "dataTypes"},
	"entityMappings":         {"entityType", "fieldMappings"},
	"fieldMappings":          {"identifier", "columnName"},
}

var (
	// keyLine matches a line's text after its indentation when it starts
	// with a plain key.
	keyLine = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t]|$)`)
	// itemLine matches a list item that starts a mapping: "- key:".
	itemLine = regexp.MustCompile(`^-( +)[A-Za-z_][A-Za-z0-9_]*[ \t]*:(?:[ \t]|$)`)
	// listKeyLine matches the key of a block list: a key with nothing
	// after it but a comment.
	listKeyLine = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)[ \t]*:[ \t]*(?:#.*)?$`)
)

// repairIndent returns d.src with the defect described above mended, and
// a warning saying so at the key's position in the file as read, when e
// (the syntax error d.src gave, positioned in d.src) is that defect.
// Otherwise it returns nil. It records the spaces it adds in d.shift.
func (d *decoder) repairIndent(e Error) ([]byte, Error) {
	if !strings.HasPrefix(e.Msg, "did not find expected '-' indicator") || e.Line < 1 || e.Line > len(d.starts) || e.Col < 2 {
		return nil, Error{}
	}
	indent := e.Col - 1
	text := d.line(e.Line)
	if spaces(text) != indent {
		return nil, Error{}
	}
	m := keyLine.FindStringSubmatch(text[indent:])
	if m == nil {
		return nil, Error{}
	}
	key := m[1]

	// The item the key belongs to: the nearest line above at the same
	// indentation, past the lines of the item's content.
	item := d.above(e.Line, func(s string) bool { return spaces(s) <= indent })
	if item == 0 || spaces(d.line(item)) != indent {
		return nil, Error{}
	}
	im := itemLine.FindStringSubmatch(d.line(item)[indent:])
	if im == nil {
		return nil, Error{}
	}
	width := 1 + len(im[1]) // "- ": how far the item's keys stand right of its dash
	// The list: the nearest line above the item that is less indented.
	list := d.above(item, func(s string) bool { return spaces(s) < indent })
	if list == 0 {
		return nil, Error{}
	}
	lm := listKeyLine.FindStringSubmatch(strings.TrimLeft(d.line(list), " "))
	if lm == nil || !slices.Contains(itemKeys[lm[1]], key) {
		return nil, Error{}
	}

	at := d.filePos(pos{e.Line, e.Col})
	warn := d.df.Warnf(at.line, at.col, "%s is indented like the list item it belongs to; read it as part of that item", key)
	// Move the key's line and the lines of its value, which are more
	// indented than the key; blank lines stay as they are.
	var b bytes.Buffer
	b.Grow(len(d.src) + 64)
	b.Write(d.src[:d.starts[e.Line-1]])
	pad := strings.Repeat(" ", width)
	line := e.Line
	for ; line <= len(d.starts); line++ {
		s := d.line(line)
		blank := strings.TrimSpace(s) == ""
		if line > e.Line && !blank && spaces(s) <= indent {
			break
		}
		if !blank {
			b.WriteString(pad)
			d.shift[line] += width
		}
		b.Write(d.src[d.starts[line-1]:d.lineEndWithBreak(line)])
	}
	if line <= len(d.starts) {
		b.Write(d.src[d.starts[line-1]:])
	}
	return b.Bytes(), warn
}

// line returns the text of line n (1-based) of d.src, without its break.
func (d *decoder) line(n int) string {
	start := d.starts[n-1]
	return string(d.src[start:diag.LineEnd(d.src, start)])
}

// lineEndWithBreak returns the offset just past line n's break: the start
// of the next line, or the end of the text.
func (d *decoder) lineEndWithBreak(n int) int {
	if n < len(d.starts) {
		return d.starts[n]
	}
	return len(d.src)
}

// above returns the nearest line before line n that is neither blank nor a
// comment and for which stop is true, or 0 when there is none.
func (d *decoder) above(n int, stop func(string) bool) int {
	for k := n - 1; k >= 1; k-- {
		s := d.line(k)
		if t := strings.TrimSpace(s); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if stop(s) {
			return k
		}
	}
	return 0
}

// spaces returns the number of spaces that s starts with.
func spaces(s string) int {
	return len(s) - len(strings.TrimLeft(s, " "))
}
