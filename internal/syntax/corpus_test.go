package syntax

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/internal/corpus"
)

// TestCorpusAgreement parses every query of the shared corpus and compares
// the verdict with Microsoft's parser (the manifest's reference_syntax):
// queries it accepts must parse without error, and queries it rejects must
// get at least one positioned error. It prints the agreement and fails on
// any disagreement.
func TestCorpusAgreement(t *testing.T) {
	c, err := corpus.Load(corpus.Shared(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	agreed := 0
	var bad []string
	for _, e := range c.Entries {
		src, err := c.Read(e)
		if err != nil {
			t.Fatal(err)
		}
		_, diags := Parse(src)
		got := "ok"
		if diags.HasErrors() {
			got = "error"
		}
		if got == e.Syntax {
			agreed++
			continue
		}
		msg := e.SyntaxErr
		if got == "error" {
			d := diags.Errors()[0]
			line, col := NewSource("", src).LineCol(d.Span.Start)
			msg = fmt.Sprintf("%d:%d: %s", line, col, d.Msg)
		}
		bad = append(bad, fmt.Sprintf("%s: reference %s, kqlhunt %s: %s", e.File, e.Syntax, got, msg))
	}
	t.Logf("parser agreement with Microsoft's parser: %d/%d (%.2f%%)", agreed, len(c.Entries), 100*float64(agreed)/float64(len(c.Entries)))
	fmt.Printf("parser agreement with Microsoft's parser: %d/%d\n", agreed, len(c.Entries))
	if len(bad) > 0 {
		t.Errorf("%d disagreements:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}
