package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// TableOptions are the options of the findings table for a terminal.
type TableOptions struct {
	// Width is the number of terminal columns every line must fit in; 0
	// leaves lines as long as their cells make them (cells are still cut
	// at 80 runes).
	Width int
	// Color writes each group's severity in colour, with ANSI escape
	// codes: High red, Medium yellow, Low cyan. Only for a terminal.
	Color bool
}

// minColumn is the narrowest a column is cut to when fitting a table to
// the width, in runes, "…" included; columns that do not fit at that
// width are left out, and the group says how many.
const minColumn = 8

// NewTableFindingWriter returns the findings table: findings grouped per
// rule, the most severe rules first (High, Medium, Low, Informational,
// others; ties in the order their first findings came), each group a line
// naming the rule and then a table of that rule's own columns, fitted to
// opts.Width. It buffers every finding until End.
func NewTableFindingWriter(w io.Writer, opts TableOptions) FindingWriter {
	return &groupedFindings{w: w, opts: opts, index: map[ruleKey]*tableGroup{}}
}

// groupedFindings is the findings table (see NewTableFindingWriter).
type groupedFindings struct {
	state
	w      io.Writer
	opts   TableOptions
	index  map[ruleKey]*tableGroup
	groups []*tableGroup // first-seen order
	n      int
	buf    []byte
}

// tableGroup is the findings of one rule, as cell text.
type tableGroup struct {
	id, name, severity  string
	tactics, techniques []string
	cols                []schema.Column
	colIndex            map[string]int
	rows                [][]string
}

func (g *groupedFindings) Write(x *Finding) error {
	if err := g.write(false); err != nil {
		return err
	}
	if err := checkFinding(x); err != nil {
		return err
	}
	k := ruleKey{x.RuleID, x.RuleName}
	grp := g.index[k]
	if grp == nil {
		grp = &tableGroup{id: x.RuleID, name: x.RuleName, severity: x.Severity, colIndex: map[string]int{},
			tactics: slices.Clone(x.Tactics), techniques: slices.Clone(x.Techniques)}
		g.index[k] = grp
		g.groups = append(g.groups, grp)
	}
	row := make([]string, len(grp.cols))
	for i, c := range x.Columns {
		j, ok := grp.colIndex[c.Name]
		if !ok { // a rule's rows have the same columns; this is for safety
			j = len(grp.cols)
			grp.colIndex[c.Name] = j
			grp.cols = append(grp.cols, c)
		}
		for len(row) <= j {
			row = append(row, "")
		}
		g.buf = appendText(g.buf[:0], c.Type, x.Row[i])
		row[j] = cellText(string(g.buf))
	}
	grp.rows = append(grp.rows, row)
	g.n++
	return nil
}

func (g *groupedFindings) End() error {
	if err := g.end(); err != nil {
		return err
	}
	groups := slices.Clone(g.groups)
	slices.SortStableFunc(groups, func(a, b *tableGroup) int { return cmp.Compare(sevRank(a.severity), sevRank(b.severity)) })
	var b []byte
	for _, grp := range groups {
		b = append(b, grp.render(g.opts)...)
		b = append(b, '\n')
	}
	footer := count(g.n, "finding")
	if len(groups) > 1 {
		footer = fmt.Sprintf("(%d findings of %d rules)", g.n, len(groups))
	}
	b = append(b, footer...)
	b = append(b, '\n')
	return g.output(g.w, b)
}

// severityColors are the ANSI colours of severities.
var severityColors = map[string]string{"High": "\x1b[1;31m", "Medium": "\x1b[33m", "Low": "\x1b[36m"}

// render returns the group's title line and its table.
func (grp *tableGroup) render(opts TableOptions) []byte {
	// The title: SEVERITY  NAME (ID) · TACTICS · TECHNIQUES · N findings.
	sev := grp.severity
	if sev == "" {
		sev = "-"
	}
	sev = visible(sev)
	rest := "  " + visible(grp.name)
	if grp.id != "" && grp.id != grp.name {
		rest += " (" + visible(grp.id) + ")"
	}
	for _, l := range [][]string{grp.tactics, grp.techniques} {
		if len(l) > 0 {
			rest += " · " + visible(strings.Join(l, ", "))
		}
	}
	rest += " · " + strings.Trim(count(len(grp.rows), "finding"), "()")
	if opts.Width > 0 {
		rest = cut(rest, opts.Width-utf8.RuneCountInString(sev))
	}
	if c, ok := severityColors[grp.severity]; ok && opts.Color {
		sev = c + sev + "\x1b[0m"
	}
	title := sev + rest + "\n"

	t := table{right: make([]bool, len(grp.cols))}
	for i, c := range grp.cols {
		t.header = append(t.header, cellText(c.Name))
		t.right[i] = c.Type.IsNumeric()
	}
	for _, r := range grp.rows {
		for len(r) < len(t.header) {
			r = append(r, "")
		}
		t.rows = append(t.rows, r)
	}
	left := t.fit(opts.Width)
	footer := ""
	if left > 0 {
		footer = cut(fmt.Sprintf("(%d more %s not shown; csv, jsonl and html have them)",
			left, plural(left, "column", "columns")), opts.Width)
	}
	body := t.render(footer)
	if footer == "" {
		body = body[:len(body)-1] // render ends the empty footer with a line break
	}
	return append([]byte(title), body...)
}

// fit makes t's lines fit in width terminal columns (none when width <=
// 0): it cuts the widest columns first, down to minColumn runes, with
// "…", and leaves out the last columns when even that is too wide. It
// returns the number of columns left out.
func (t *table) fit(width int) (left int) {
	if width <= 0 || len(t.header) == 0 {
		return 0
	}
	natural := make([]int, len(t.header))
	for i, h := range t.header {
		natural[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			natural[i] = max(natural[i], utf8.RuneCountInString(c))
		}
	}
	total := func(n, limit int) int { // width of the first n columns cut to limit
		w := 2 * (n - 1)
		for _, x := range natural[:n] {
			w += min(x, limit)
		}
		return w
	}
	n := len(natural)
	for n > 1 && total(n, minColumn) > width {
		n--
	}
	widest := slices.Max(natural[:n])
	limit := widest
	for limit > minColumn && total(n, limit) > width {
		limit--
	}
	if n < len(natural) {
		left = len(natural) - n
		t.header, t.right = t.header[:n], t.right[:n]
		for i, r := range t.rows {
			t.rows[i] = r[:n]
		}
	}
	if limit < widest {
		for i := range t.header {
			t.header[i] = cut(t.header[i], limit)
		}
		for _, r := range t.rows {
			for i := range r {
				r[i] = cut(r[i], limit)
			}
		}
	}
	return left
}

// cut returns s cut to n runes, the last of them "…", when longer.
func cut(s string, n int) string {
	if n < 1 {
		return ""
	}
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	k := 0
	for i := range s {
		if k == n-1 {
			return s[:i] + "…"
		}
		k++
	}
	return s
}
