package source

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// cancelAfter is a context whose Err is nil for its first n calls and
// context.Canceled after: it cancels a scan at a known point without
// timing.
type cancelAfter struct {
	context.Context
	n atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestScanCancelAmongSkippedLines checks that a scan stops soon after its
// context is done even when no line gives a row, so that Next never
// returns between them: the reader checks the context every skipCheck
// lines it skips.
func TestScanCancelAmongSkippedLines(t *testing.T) {
	const lines = 200_000
	path := filepath.Join(t.TempDir(), "T.jsonl")
	if err := os.WriteFile(path, []byte(`{"a":"x"}`+"\n"+strings.Repeat("[1]\n", lines)), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Open(nil, map[string][]string{"T": {path}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tab := schema.NewTable("T", []schema.Column{{Name: "a", Type: schema.String}})
	s, err := d.Scan(tab, []int{0})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := &cancelAfter{Context: context.Background()}
	ctx.n.Store(1) // the check before the file opens passes
	b, err := s.Next(ctx)
	if !errors.Is(err, context.Canceled) || b != nil {
		t.Fatalf("Next: expected context.Canceled, got %v, %v", b, err)
	}
	if st := d.Stats(); st.Skipped >= lines || st.Skipped < skipCheck {
		t.Errorf("expected the scan to stop after about %d skipped lines, got %d of %d", skipCheck, st.Skipped, lines)
	}
	// And with a real cancellation, in time.
	s2, err := d.Scan(tab, []int{0})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if _, err := s2.Next(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next: expected context.Canceled, got %v", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("Next took %v after cancellation", el)
	}
}
