// Package yamlpos places diagnostics about YAML files (rule files,
// exclusions files, detection tests) at the file's own line and column: a
// YAML syntax error where the problem is rather than where
// go.yaml.in/yaml/v3 says, and an error in text embedded in a scalar (a
// KQL query, a filter) at the line and column where that byte was written.
//
// It is apart from package diag so that diag, the ground floor, does not
// depend on a YAML library: only the packages that read YAML import it.
package yamlpos

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/diag"
	"go.yaml.in/yaml/v3"
)

// File is a YAML file read so that its messages have the positions and
// form of rule files: its diag.File (Name, Text, Errorf, Warnf, Excerpt)
// and the YAML tree of its one document. A File is only read after Parse
// returns it, and is safe for concurrent use.
type File struct {
	*diag.File
	// Root is the top node of the file's document (its mapping or list),
	// aliases resolved; nil for a file without a document.
	Root *yaml.Node
}

// Parse parses src, the text of the file name, which must hold at most
// one YAML document. A syntax error, or a second document, is returned as
// a diag.List with one positioned error.
func Parse(name string, src []byte) (f *File, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, diag.List{diag.NewFile(name, nil).Errorf(0, 0, "internal error decoding the file: %v", p)}
		}
	}()
	df := diag.NewFile(name, src)
	docs, yerr := Decode(src)
	if yerr != nil {
		return nil, diag.List{SyntaxError(df, yerr)}
	}
	f = &File{File: df}
	if len(docs) > 1 {
		return nil, diag.List{f.Errorf(docs[1].Line, docs[1].Column, "expected one YAML document, got %d", len(docs))}
	}
	if len(docs) == 1 {
		root := docs[0]
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		f.Root = Resolve(root)
	}
	return f, nil
}

// Decode decodes every document in src.
func Decode(src []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var docs []*yaml.Node
	for {
		n := new(yaml.Node)
		err := dec.Decode(n)
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, n)
	}
}

// ScalarPosition returns a function that maps a byte offset of the decoded
// value of scalar node val, the value of the block-mapping key node key, to
// the 1-based line and column in the file where that byte was written. The
// mapping is exact, or falls back to the value's start (see Scalar).
func (f *File) ScalarPosition(key, val *yaml.Node) func(off int) (line, col int) {
	m := Scalar(f.Text, f.LineStarts(), val, key.Column-1)
	value := Resolve(val).Value
	return func(off int) (line, col int) {
		return f.Position(m.FileOffset(f.Text, value, off))
	}
}

// Resolve follows an alias to the node it names.
func Resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// Describe names a YAML node's kind and, for a scalar, its value, for
// messages: "integer 5", "a list", `string "x"`. Aliases are followed.
func Describe(n *yaml.Node) string {
	n = Resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		v := n.Value
		if len([]rune(v)) > 40 {
			v = string([]rune(v)[:40]) + "…"
		}
		switch n.Tag {
		case "!!int":
			return "integer " + v
		case "!!float":
			return "number " + v
		case "!!bool":
			return "boolean " + v
		case "!!null":
			return "null"
		case "!!str":
			return fmt.Sprintf("string %q", v)
		}
		return fmt.Sprintf("%s %q", strings.TrimPrefix(n.Tag, "!!"), v)
	}
	return "nothing"
}

// StringValue returns the text of n, aliases followed, when n is a YAML
// string, and "" when it is null. ok is false for anything else (a number,
// a list), which the caller reports as it sees fit.
func StringValue(n *yaml.Node) (s string, ok bool) {
	n = Resolve(n)
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!str":
		return n.Value, true
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		return "", true
	}
	return "", false
}
