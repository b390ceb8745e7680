package rules

import (
	"crypto/sha1"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/diag"
	"github.com/kqlhunt/kqlhunt/internal/diag/yamlpos"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Markdown files hold queries in fenced code blocks, as hunting catalogs
// publish them (jischell-msft's RMM_AHQ_<Tool>.md files, and many others):
//
//	### Create Process
//	```kql
//	DeviceProcessEvents
//	| where ...
//	```
//
// The fences are CommonMark's: three or more backticks or tildes, indented
// by at most three spaces, closed by a fence of the same character at least
// as long; a block not closed runs to the end of the file, with a warning.
// Fences nested in list items or block quotes are not read.
//
// A block whose info string starts with kql, kusto or csl (in any case) is
// a query. So is a block without an info string, which is how most
// catalogs write them, when its text parses as KQL or starts as a query
// does (kqlStart); otherwise, as for the "Too broad for use" notes of
// jischell's catalog, it is skipped with a warning. Empty blocks are
// skipped with a warning too. Blocks in other languages (```powershell)
// are counted, not read.
//
// A block's rule is named after the headings it stands under: the nearest
// preceding heading, after those of the higher levels that enclose it,
// joined by " - " ("Advanced Hunting Query for DWService - Create
// Process"); a name that repeats in the file gets " (2)", " (3)" and so
// on, and a block under no heading is named after the file ("RMM_AHQ_X
// block 3"). Its id is derived from the file's base name and the block's
// number among all the fenced blocks of the file (see derivedID), so it
// does not change when the file moves or the query is edited.

var (
	// fenceOpen matches an opening code fence: indentation, fence, info.
	fenceOpen = regexp.MustCompile("^( {0,3})(`{3,}|~{3,})(.*)$")
	// atxHeading matches an ATX heading: its #s and the rest of the line.
	atxHeading = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*))?$`)
	// closingHashes matches the optional closing sequence of an ATX
	// heading.
	closingHashes = regexp.MustCompile(`(?:^|[ \t]+)#+[ \t]*$`)
	// setextUnderline matches the line under a setext heading.
	setextUnderline = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	// notParagraph matches lines that cannot be part of a paragraph that
	// a setext underline turns into a heading: list items, quotes and
	// table rows.
	notParagraph = regexp.MustCompile(`^ {0,3}(?:[-*+>|]|[0-9]+[.)])(?:[ \t]|$)`)
	// kqlStart matches the first line of a query: a comment, a statement
	// keyword, a tabular operator that can start a query, or a name alone
	// or followed by a pipe.
	kqlStart = regexp.MustCompile(`^(?://|(?:let|set|declare|alias|union|search|find|print|range|datatable|externaldata|evaluate|materialize)\b|[A-Za-z_][A-Za-z0-9_]*[ \t]*(?:\||$))`)
)

// kqlLanguages are the info strings that mark a fenced block as KQL.
var kqlLanguages = map[string]bool{"kql": true, "kusto": true, "csl": true}

// parsed is what one file gave.
type parsed struct {
	rules   []*Rule
	diags   ErrorList // errors and warnings
	repairs int       // repairs made, each with a warning
	skipped int       // blocks or files skipped with a warning
	other   int       // code blocks in other languages
}

// parseMarkdown returns a rule for each KQL block of the Markdown file src.
func parseMarkdown(file string, src []byte) *parsed {
	p := &parsed{}
	df := diag.NewFile(file, src)
	starts := diag.LineStarts(src)
	line := func(n int) string {
		return string(src[starts[n-1]:diag.LineEnd(src, starts[n-1])])
	}
	var headings [7]string // by level; "" when none is open
	var headingAt [7]pos
	var para []string // the paragraph being read, for setext headings
	paraAt := 0       // the line where para starts
	names := map[string]int{}
	blocks := 0
	for n := 1; n <= len(starts); n++ {
		text := line(n)
		m := fenceOpen.FindStringSubmatch(text)
		if m != nil && m[2][0] == '`' && strings.Contains(m[3], "`") {
			m = nil // not a fence: a backtick fence's info string has no backticks
		}
		if m == nil {
			level, title, at := 0, "", n
			if h := atxHeading.FindStringSubmatch(text); h != nil {
				level, title = len(h[1]), closingHashes.ReplaceAllString(h[2], "")
			} else if u := setextUnderline.FindStringSubmatch(text); u != nil && len(para) > 0 {
				level, title, at = 2, strings.Join(para, " "), paraAt
				if u[1][0] == '=' {
					level = 1
				}
			}
			switch {
			case level > 0:
				headings[level] = strings.TrimSpace(title)
				headingAt[level] = pos{at, spaces(line(at)) + 1}
				for l := level + 1; l < len(headings); l++ {
					headings[l] = ""
				}
				para = nil
			case strings.TrimSpace(text) == "" || notParagraph.MatchString(text) || setextUnderline.MatchString(text):
				para = nil // a setext underline here is a thematic break
			default:
				if len(para) == 0 {
					paraAt = n
				}
				para = append(para, strings.TrimSpace(text))
			}
			continue
		}
		para = nil
		blocks++
		open := pos{n, len(m[1]) + 1}
		indent, fence := len(m[1]), m[2]
		lang := strings.ToLower(strings.TrimSpace(m[3]))
		if i := strings.IndexAny(lang, " \t{"); i >= 0 {
			lang = lang[:i]
		}
		first, last := n+1, len(starts) // the block's lines
		closed := false
		for k := n + 1; k <= len(starts); k++ {
			t := strings.TrimRight(line(k), " \t")
			if s := spaces(t); s <= 3 && strings.HasPrefix(t[s:], fence) && strings.Trim(t[s:], fence[:1]) == "" {
				last, closed = k-1, true
				break
			}
		}
		if !closed {
			p.diags = append(p.diags, df.Warnf(open.line, open.col, "code block is not closed; read to the end of the file"))
		}
		n = last + 1 // the closing fence, skipped by the loop's n++
		if lang != "" && !kqlLanguages[lang] {
			p.other++
			continue
		}
		q, pm := textQuery(src, starts, first, last, indent)
		if strings.TrimSpace(q) == "" {
			p.skipped++
			p.diags = append(p.diags, df.Warnf(open.line, open.col, "skipped empty code block"))
			continue
		}
		if lang == "" && !looksLikeKQL(q) {
			p.skipped++
			p.diags = append(p.diags, df.Warnf(open.line, open.col, "skipped code block: expected a KQL query, got %q", excerptText(q)))
			continue
		}
		name, nameAt := headingName(headings[:], headingAt[:])
		if name == "" {
			name, nameAt = fmt.Sprintf("%s block %d", stem(file), blocks), open
		}
		if names[name]++; names[name] > 1 {
			name = fmt.Sprintf("%s (%d)", name, names[name])
		}
		p.rules = append(p.rules, &Rule{
			ID:     derivedID(fmt.Sprintf("markdown:%s#%d", strings.ToLower(baseName(file)), blocks)),
			Name:   name,
			Query:  q,
			File:   file,
			Format: Markdown,
			src:    src,
			starts: starts,
			query:  pm,
			keys:   map[string]pos{"id": open, "name": nameAt, "query": open},
		})
	}
	return p
}

// headingName joins the open headings, from the highest level down, and
// returns the position of the nearest one.
func headingName(headings []string, at []pos) (string, pos) {
	var parts []string
	var p pos
	for l, h := range headings {
		if h != "" {
			parts = append(parts, h)
			p = at[l]
		}
	}
	return strings.Join(parts, " - "), p
}

// looksLikeKQL reports whether the text of a block without an info string
// is a query: it parses, or its first line that is not blank starts as a
// query does. Text that is neither, such as a sentence, is not.
func looksLikeKQL(q string) bool {
	for _, l := range strings.Split(q, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if kqlStart.MatchString(l) {
				return true
			}
			break
		}
	}
	_, err := kql.Compile(q, nil, kql.Options{SyntaxOnly: true})
	return err == nil
}

// excerptText returns the start of a block's text for a message: its first
// line that is not blank, shortened to 60 characters.
func excerptText(q string) string {
	for _, l := range strings.Split(q, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if r := []rune(l); len(r) > 60 {
				return string(r[:60]) + "…"
			}
			return l
		}
	}
	return ""
}

// parseKQL returns the rule of a .kql file: the whole file is the query.
// It is named after the file, without its extension; its id is derived
// from the file's base name (see derivedID).
func parseKQL(file string, src []byte) *parsed {
	p := &parsed{}
	starts := diag.LineStarts(src)
	q, pm := textQuery(src, starts, 1, len(starts), 0)
	if strings.TrimSpace(q) == "" {
		p.skipped++
		p.diags = append(p.diags, diag.NewFile(file, src).Warnf(0, 0, "skipped empty file: no query"))
		return p
	}
	start := pos{1, 1}
	p.rules = append(p.rules, &Rule{
		ID:     derivedID("kql:" + strings.ToLower(baseName(file))),
		Name:   stem(file),
		Query:  q,
		File:   file,
		Format: KQL,
		src:    src,
		starts: starts,
		query:  pm,
		keys:   map[string]pos{"id": start, "name": start, "query": start},
	})
	return p
}

// textQuery returns lines first to last of src as a query, each without
// up to strip leading spaces and ending with "\n" when the file has a line
// break after it, and the map of the query's bytes to src.
func textQuery(src []byte, starts []int, first, last, strip int) (string, yamlpos.Map) {
	var b strings.Builder
	pm := yamlpos.Map{Exact: true}
	if first <= len(starts) {
		pm.Start = starts[first-1]
	} else {
		pm.Start = len(src)
	}
	for n := first; n <= last; n++ {
		start := starts[n-1]
		end := diag.LineEnd(src, start)
		k := start
		for k < end && k-start < strip && src[k] == ' ' {
			k++
		}
		pm.Segs = append(pm.Segs, yamlpos.Seg{Val: b.Len(), Src: k})
		b.Write(src[k:end])
		if diag.LineBreak(src, end) > 0 {
			b.WriteByte('\n') // stands for the break at end, one for one
		}
	}
	return b.String(), pm
}

// idSpace is the namespace of the ids kqlhunt derives: the UUIDv5 of the
// URL https://github.com/kqlhunt/kqlhunt/rules in RFC 9562's URL namespace,
// 8cb91656-33e2-5711-9d50-4a2873a2cfeb.
var idSpace = [16]byte{0x8c, 0xb9, 0x16, 0x56, 0x33, 0xe2, 0x57, 0x11, 0x9d, 0x50, 0x4a, 0x28, 0x73, 0xa2, 0xcf, 0xeb}

// derivedID returns the id of a rule whose file gives none: the UUIDv5
// (RFC 9562) of key in idSpace. The keys are "markdown:NAME#N" for the
// N-th fenced block (counting every fenced block, from 1) of the Markdown
// file whose base name, lowercased, is NAME, and "kql:NAME" for a .kql
// file. The id stays the same when the file moves or its query changes;
// two files of the same base name give the same ids, which LoadAll reports
// as duplicates.
func derivedID(key string) string {
	h := sha1.New()
	h.Write(idSpace[:])
	h.Write([]byte(key))
	s := h.Sum(nil)
	s[6] = s[6]&0x0f | 0x50 // version 5
	s[8] = s[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// baseName returns the last element of a file name, whichever separator it
// uses.
func baseName(file string) string { return path.Base(filepath.ToSlash(file)) }

// stem returns the base name of a file without its extension.
func stem(file string) string {
	b := baseName(file)
	return strings.TrimSuffix(b, path.Ext(b))
}
