package rules

import (
	"github.com/kqlhunt/kqlhunt/internal/diag"

	"go.yaml.in/yaml/v3"
)

// YAMLFile is a YAML file other than a rule (an exclusions file, say) read
// the way rule files are, so that its messages have the same positions and
// form: a syntax error is placed where the problem is rather than where
// yaml.v3 says, and an error in text embedded in a scalar (a KQL predicate,
// a filter) points at the file's own line and column. A YAMLFile is only
// read after ParseYAMLFile returns it, and is safe for concurrent use.
type YAMLFile struct {
	// Name is the file name shown in messages.
	Name string
	// Src is the file's text; the caller must not modify it.
	Src []byte
	// Root is the top node of the file's document (its mapping or list),
	// aliases resolved; nil for a file without a document.
	Root   *yaml.Node
	starts []int
	df     *diag.File
}

// ParseYAMLFile parses src, the text of the file name, which must hold at
// most one YAML document. A syntax error, or a second document, is returned
// as an ErrorList with one positioned error.
func ParseYAMLFile(name string, src []byte) (f *YAMLFile, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, ErrorList{diag.NewFile(name, nil).Errorf(0, 0, "internal error decoding the file: %v", p)}
		}
	}()
	d := &decoder{file: name, src: src, starts: lineStarts(src)}
	docs, yerr := parseYAML(src)
	if yerr != nil {
		return nil, ErrorList{d.syntaxError(yerr)}
	}
	f = &YAMLFile{Name: name, Src: src, starts: d.starts, df: diag.NewFile(name, src)}
	if len(docs) > 1 {
		return nil, ErrorList{f.Errorf(docs[1].Line, docs[1].Column, "expected one YAML document, got %d", len(docs))}
	}
	if len(docs) == 1 {
		root := docs[0]
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		f.Root = resolve(root)
	}
	return f, nil
}

// Errorf returns an error at the 1-based line and column of the file (as
// yaml.Node.Line and Column give them), whose Excerpt shows that line.
// yaml.v3 places some nodes past the last line; they are moved back to it.
func (f *YAMLFile) Errorf(line, col int, format string, args ...any) Error {
	return f.df.Errorf(line, col, format, args...)
}

// ScalarPosition returns a function that maps a byte offset of the decoded
// value of scalar node val, the value of the block-mapping key node key, to
// the 1-based line and column in the file where that byte was written. The
// mapping is exact, or falls back to the value's start, as for
// Rule.QueryPosition.
func (f *YAMLFile) ScalarPosition(key, val *yaml.Node) func(off int) (line, col int) {
	m := mapScalar(f.Src, f.starts, val, key.Column-1)
	value := resolve(val).Value
	return func(off int) (line, col int) {
		return position(f.Src, f.starts, m.fileOffset(f.Src, value, off))
	}
}

// Describe names a YAML node's kind and, for a scalar, its value, for
// messages: "integer 5", "a list", `string "x"`.
func Describe(n *yaml.Node) string { return describe(resolve(n)) }

// Resolve follows an alias to the node it names.
func Resolve(n *yaml.Node) *yaml.Node { return resolve(n) }

// StringValue returns the text of n, aliases followed, when n is a YAML
// string, and "" when it is null. ok is false for anything else (a number,
// a list), which the caller reports as it sees fit.
func StringValue(n *yaml.Node) (s string, ok bool) {
	n = resolve(n)
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!str":
		return n.Value, true
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return "", true
	}
	return "", false
}
