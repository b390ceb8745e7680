package syntax

import (
	"sort"
	"strings"
	"testing"
)

// TestQueryOperators keeps QueryOperators in step with parseOperator:
// every keyword that parseOperator takes as an operator is listed (but
// the internal ones), and every listed one is taken.
func TestQueryOperators(t *testing.T) {
	if !sort.StringsAreSorted(queryOperators) {
		t.Error("queryOperators is not sorted")
	}
	listed := map[string]bool{}
	for _, op := range queryOperators {
		listed[op] = true
	}
	for text, facts := range fixedTokens {
		if facts&factKeyword == 0 {
			continue
		}
		toks, _ := Lex(text + " x")
		if toks[0].Kind != TokKeyword || toks[0].Text != text {
			continue
		}
		p := &parser{src: text + " x", toks: toks}
		var op Operator
		func() {
			defer func() { recover() }()
			op = p.parseOperator()
		}()
		switch {
		case op != nil && !listed[text] && !strings.HasPrefix(text, "__") && text != "inline_external_table":
			t.Errorf("parseOperator takes %q, which QueryOperators does not list", text)
		case op == nil && listed[text]:
			t.Errorf("QueryOperators lists %q, which parseOperator does not take", text)
		}
		delete(listed, text)
	}
	for op := range listed {
		t.Errorf("QueryOperators lists %q, which is not a keyword", op)
	}
}
