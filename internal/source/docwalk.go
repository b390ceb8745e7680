package source

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/jsonscan"
)

// docWalker walks a JSON document held in memory and yields the objects
// that are rows or streaming records: the elements of a top-level array, of
// the "records" array of an Event Hub message and of the "Results" array of
// an Advanced Hunting API response, and top-level objects that are none of
// these (pretty-printed rows). Several top-level values may follow each
// other.
type docWalker struct {
	data    []byte
	i       int
	stack   []docFrame
	started bool
	failed  bool
}

type docFrame struct {
	array bool // inside a rows array; else inside the members of its container object
	first bool // no element read yet
}

// errNotObject is returned by next for an array element that is not an
// object; the walk can go on.
type errNotObject struct {
	off  int
	kind jsonscan.Kind
}

func (e *errNotObject) Error() string {
	return fmt.Sprintf("expected a JSON object, got %s", kindPhrase(e.kind))
}

// next returns the span of the next row object. At the end it returns
// io.EOF. A syntax error (a *jsonscan.SyntaxError) ends the walk: the rest
// of the document cannot be resynchronized. An *errNotObject skips one
// element.
func (w *docWalker) next() (start, end int, err error) {
	if w.failed {
		return 0, 0, io.EOF
	}
	data := w.data
	if !w.started {
		w.started = true
		if bytes.HasPrefix(data, utf8BOM) {
			w.i = len(utf8BOM)
		}
	}
	for {
		i := jsonscan.SkipSpace(data, w.i)
		w.i = i
		if len(w.stack) == 0 {
			if i == len(data) {
				return 0, 0, io.EOF
			}
			switch data[i] {
			case '[':
				w.stack = append(w.stack, docFrame{array: true, first: true})
				w.i = i + 1
				continue
			case '{':
				arr, end, err := scanMembers(data, jsonscan.SkipSpace(data, i+1))
				if err != nil {
					return w.fail(err)
				}
				if arr >= 0 {
					w.stack = append(w.stack, docFrame{}, docFrame{array: true, first: true})
					w.i = arr + 1
					continue
				}
				w.i = end
				return i, end, nil
			}
			return w.fail(&jsonscan.SyntaxError{Offset: i, Msg: "expected a JSON object or array, got " + jsonscan.Describe(data, i)})
		}
		top := &w.stack[len(w.stack)-1]
		if !top.array {
			// The members of a container after its rows array.
			if i < len(data) && data[i] == '}' {
				w.i = i + 1
				w.stack = w.stack[:len(w.stack)-1]
				continue
			}
			if i >= len(data) || data[i] != ',' {
				return w.fail(&jsonscan.SyntaxError{Offset: i, Msg: "expected ',' or '}' in object, got " + jsonscan.Describe(data, i)})
			}
			arr, end, err := scanMembers(data, jsonscan.SkipSpace(data, i+1))
			if err != nil {
				return w.fail(err)
			}
			if arr >= 0 {
				w.stack = append(w.stack, docFrame{array: true, first: true})
				w.i = arr + 1
				continue
			}
			w.i = end
			w.stack = w.stack[:len(w.stack)-1]
			continue
		}
		if i < len(data) && data[i] == ']' {
			w.i = i + 1
			w.stack = w.stack[:len(w.stack)-1]
			continue
		}
		if !top.first {
			if i >= len(data) || data[i] != ',' {
				return w.fail(&jsonscan.SyntaxError{Offset: i, Msg: "expected ',' or ']' in array, got " + jsonscan.Describe(data, i)})
			}
			i = jsonscan.SkipSpace(data, i+1)
		}
		top.first = false
		end, err := jsonscan.Skip(data, i)
		if err != nil {
			return w.fail(err)
		}
		w.i = end
		if data[i] != '{' {
			return i, end, &errNotObject{off: i, kind: jsonscan.KindOf(data[i])}
		}
		return i, end, nil
	}
}

func (w *docWalker) fail(err error) (int, int, error) {
	w.failed = true
	return 0, 0, err
}

// scanMembers walks object members from data[j] (a key or the closing
// brace). When it meets a "records" or "Results" member (any case) whose
// value is an array, it returns the offset of that array; otherwise it
// returns -1 and the offset after the closing brace.
func scanMembers(data []byte, j int) (arr, end int, err error) {
	if j < len(data) && data[j] == '}' {
		return -1, j + 1, nil
	}
	for {
		if j >= len(data) || data[j] != '"' {
			return -1, j, &jsonscan.SyntaxError{Offset: j, Msg: "expected a member name, got " + jsonscan.Describe(data, j)}
		}
		kend, _, err := jsonscan.ScanString(data, j)
		if err != nil {
			return -1, kend, err
		}
		key := data[j+1 : kend-1]
		j = jsonscan.SkipSpace(data, kend)
		if j >= len(data) || data[j] != ':' {
			return -1, j, &jsonscan.SyntaxError{Offset: j, Msg: "expected ':' after member name, got " + jsonscan.Describe(data, j)}
		}
		j = jsonscan.SkipSpace(data, j+1)
		if j < len(data) && data[j] == '[' && (strings.EqualFold(string(key), "records") || strings.EqualFold(string(key), "results")) {
			return j, 0, nil
		}
		vend, err := jsonscan.Skip(data, j)
		if err != nil {
			return -1, vend, err
		}
		j = jsonscan.SkipSpace(data, vend)
		switch {
		case j < len(data) && data[j] == ',':
			j = jsonscan.SkipSpace(data, j+1)
		case j < len(data) && data[j] == '}':
			return -1, j + 1, nil
		default:
			return -1, j, &jsonscan.SyntaxError{Offset: j, Msg: "expected ',' or '}' in object, got " + jsonscan.Describe(data, j)}
		}
	}
}

// kindPhrase names a JSON value kind with its article, for messages.
func kindPhrase(k jsonscan.Kind) string {
	switch k {
	case jsonscan.Array:
		return "an array"
	case jsonscan.Object:
		return "an object"
	case jsonscan.String:
		return "a string"
	case jsonscan.Number:
		return "a number"
	}
	return k.String()
}
