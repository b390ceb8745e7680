package check

import (
	"regexp"
	"strings"

	"github.com/kqlhunt/kqlhunt/internal/funcs"
	"github.com/kqlhunt/kqlhunt/internal/plan"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/syntax"
)

// kvOptions are parse-kv's with (...) parameters.
type kvOptions struct {
	pair, kv string
	quotes   [][2]byte // open, close
	escapes  string
	greedy   bool
	re       *regexp.Regexp
}

// parseKv checks parse-kv Expr as (Key:Type, ...) [with (...)]: one
// column per key, holding the value the text gives the key (converted to
// its type; empty or null when the text lacks it). With pair_delimiter
// and kv_delimiter the text is a list of pairs: a value ends at the next
// pair delimiter, or with greedy=true at the pair delimiter before the
// next key; quote= encloses keys or values, escape= escapes a quote in
// them. With regex= each match's two groups are a key and its value.
// Without delimiters a key is found by name, followed by one
// punctuation character, and its value runs to the next space or
// , ; | &.
// https://learn.microsoft.com/kusto/query/parse-kv-operator
func (c *checker) parseKv(sc *scope, in plan.Node, r *row, op *syntax.ParseKvOp) plan.Node {
	x := c.scalar(sc, r, op.X)
	if t := x.Type(); t != schema.String && t != schema.Unknown {
		x = &plan.Cast{X: x, T: schema.String}
	}
	var o kvOptions
	for _, w := range op.With {
		e := c.scalar(sc, r, w.Value)
		k, ok := e.(*plan.Const)
		if !ok {
			c.errorf(w.Value.Span(), "%s", errNotConstant("parse-kv's "+w.Name.Name))
			return nil
		}
		s, _ := k.Value.(string)
		switch strings.ToLower(w.Name.Name) {
		case "pair_delimiter":
			o.pair = s
		case "kv_delimiter":
			o.kv = s
		case "quote":
			switch len(s) {
			case 1:
				o.quotes = append(o.quotes, [2]byte{s[0], s[0]})
			case 2:
				o.quotes = append(o.quotes, [2]byte{s[0], s[1]})
			default:
				c.errorf(w.Value.Span(), "parse-kv's quote must be one or two characters")
				return nil
			}
		case "escape":
			o.escapes += s
		case "greedy":
			b, _ := k.Value.(bool)
			o.greedy = b
		case "regex":
			re, err := regexp.Compile(s)
			if err != nil || re.NumSubexp() != 2 {
				c.errorf(w.Value.Span(), "parse-kv's regex must compile and have two capturing groups")
				return nil
			}
			o.re = re
		}
	}
	p := &plan.Project{Input: in}
	for i, col := range r.cols {
		p.Exprs = append(p.Exprs, &plan.ColRef{Index: i, Name: col.Name, T: col.Type, Src: op.Kw})
		p.Cols = append(p.Cols, col)
	}
	for _, d := range op.Keys {
		t, known := schema.KeywordType(d.Type.Name)
		if !known {
			c.errorf(d.Type.Src, "%s", errUnknownType(d.Type.Name))
			return nil
		}
		key := d.Name.Name
		opts := o
		fn := &funcs.Func{Name: "parse-kv", Pure: true}
		fn.Sigs = []*funcs.Sig{{Params: []funcs.Param{{Name: "text", Types: funcs.Of(schema.String)}}, Result: funcs.Returns(schema.String),
			Eval: funcs.Map1(func(s string) (string, bool) { return kvValue(s, key, &opts), true })}}
		var e plan.Expr = &plan.Call{Fn: fn, Sig: fn.Sigs[0], Args: []plan.Expr{x}, T: schema.String, Src: op.Span()}
		if t != schema.String {
			e = &plan.Cast{X: e, T: t}
		}
		col := schema.Column{Name: key, Type: t}
		replaced := false
		for j, old := range p.Cols {
			if old.Name == key {
				p.Exprs[j], p.Cols[j], replaced = e, col, true
			}
		}
		if !replaced {
			p.Exprs = append(p.Exprs, e)
			p.Cols = append(p.Cols, col)
		}
	}
	return p
}

// kvValue returns the value text s gives key, or "".
func kvValue(s, key string, o *kvOptions) string {
	switch {
	case o.re != nil:
		for _, m := range o.re.FindAllStringSubmatch(s, -1) {
			if strings.TrimSpace(m[1]) == key {
				return strings.TrimSpace(m[2])
			}
		}
		return ""
	case o.pair != "" && o.kv != "":
		return kvPairs(s, key, o)
	}
	return kvAuto(s, key, o)
}

// kvPairs reads s as pairs separated by o.pair, keys from values by o.kv.
func kvPairs(s, key string, o *kvOptions) string {
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || strings.HasPrefix(s[i:], o.pair)) {
			i++
		}
		if i >= len(s) {
			break
		}
		var k string
		if q, ok := kvQuoted(s, i, o); ok {
			k, i = q.text, q.end
			if j := strings.Index(s[i:], o.kv); j >= 0 {
				i += j
			} else {
				return ""
			}
		} else {
			j := strings.Index(s[i:], o.kv)
			if j < 0 {
				return ""
			}
			k = s[i : i+j]
			// Text before the key that no pair delimiter ended
			// (name=John Doe phone=...: "Doe") is not part of it.
			if at := strings.LastIndex(k, o.pair); at >= 0 {
				k = k[at+len(o.pair):]
			}
			i += j
		}
		i += len(o.kv)
		for i < len(s) && s[i] == ' ' && o.pair != " " {
			i++
		}
		var v string
		if q, ok := kvQuoted(s, i, o); ok {
			v, i = q.text, q.end
		} else {
			end := kvValueEnd(s, i, o)
			v, i = s[i:end], end
		}
		if strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// kvValueEnd returns where an unquoted value starting at i ends: at the
// next pair delimiter, or with greedy at the pair delimiter that a key
// and the kv delimiter follow.
func kvValueEnd(s string, i int, o *kvOptions) int {
	for j := i; j < len(s); j++ {
		if !strings.HasPrefix(s[j:], o.pair) {
			continue
		}
		if !o.greedy {
			return j
		}
		rest := s[j+len(o.pair):]
		if k := strings.Index(rest, o.kv); k > 0 && !strings.Contains(rest[:k], o.pair) {
			return j
		}
	}
	return len(s)
}

type kvQuote struct {
	text string
	end  int
}

// kvQuoted reads a quoted text starting at i, undoing escapes.
func kvQuoted(s string, i int, o *kvOptions) (kvQuote, bool) {
	if i >= len(s) {
		return kvQuote{}, false
	}
	for _, q := range o.quotes {
		if s[i] != q[0] {
			continue
		}
		var b strings.Builder
		for j := i + 1; j < len(s); j++ {
			if strings.IndexByte(o.escapes, s[j]) >= 0 && j+1 < len(s) {
				j++
				b.WriteByte(s[j])
				continue
			}
			if s[j] == q[1] {
				return kvQuote{text: b.String(), end: j + 1}, true
			}
			b.WriteByte(s[j])
		}
		return kvQuote{}, false
	}
	return kvQuote{}, false
}

// kvAuto finds key by name, followed by one punctuation character.
func kvAuto(s, key string, o *kvOptions) string {
	for from := 0; from < len(s); {
		j := strings.Index(s[from:], key)
		if j < 0 {
			return ""
		}
		i := from + j + len(key)
		from = i
		if at := from - len(key); at > 0 && isWordByte(s[at-1]) {
			continue
		}
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) || isWordByte(s[i]) || s[i] == ' ' {
			continue
		}
		i++
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if q, ok := kvQuoted(s, i, o); ok {
			return q.text
		}
		end := i
		for end < len(s) && !strings.ContainsRune(" ,;|&", rune(s[end])) {
			end++
		}
		return s[i:end]
	}
	return ""
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}
