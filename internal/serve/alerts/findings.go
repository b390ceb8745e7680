package alerts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/durable"
)

// Finding is a row that a rule found in a hunt.
type Finding struct {
	Rule     string `json:"rule"`
	RuleName string `json:"ruleName"`
	Severity string `json:"severity"`
	// Time is the finding's time (its Timestamp, TimeGenerated or
	// similar column), or zero when it has none.
	Time time.Time `json:"time,omitzero"`
	// Device is the host the finding is about, or "".
	Device   string   `json:"device"`
	Entities []Entity `json:"entities"`
	// Row is the row as a JSON object.
	Row json.RawMessage `json:"row"`
	// Recorded is when the hunt that found it ran.
	Recorded time.Time `json:"recorded"`
}

// Findings keeps the latest findings of each rule, at most Max per rule,
// one file per rule in a folder (named by a hash of the rule's id, so
// that no id reaches a path). A finding found again (the same rule and
// row) is kept once, as recorded last. It is safe for concurrent use.
type Findings struct {
	dir string
	max int
	mu  sync.Mutex
	// byRule holds each rule's findings in the order recorded.
	byRule map[string][]*Finding
}

// OpenFindings opens (creating it) the findings folder dir, which keeps
// at most max findings per rule.
func OpenFindings(dir string, max int) (*Findings, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f := &Findings{dir: dir, max: max, byRule: map[string][]*Finding{}}
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		for i, l := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(l)) == 0 {
				continue
			}
			var x Finding
			if err := json.Unmarshal(l, &x); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, i+1, err)
			}
			f.byRule[x.Rule] = append(f.byRule[x.Rule], &x)
		}
	}
	return f, nil
}

// Add records the findings of one hunt durably: for each rule, they are
// added after those kept, and the oldest beyond the bound dropped.
func (f *Findings) Add(fs []*Finding) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	byRule := map[string][]*Finding{}
	for _, x := range fs {
		byRule[x.Rule] = append(byRule[x.Rule], x)
	}
	for rule, add := range byRule {
		key := func(x *Finding) string { return string(x.Row) }
		fresh := map[string]bool{}
		for _, x := range add {
			fresh[key(x)] = true
		}
		var kept []*Finding
		for _, x := range f.byRule[rule] {
			if !fresh[key(x)] {
				kept = append(kept, x)
			}
		}
		seen := map[string]bool{}
		for _, x := range add {
			if !seen[key(x)] {
				seen[key(x)] = true
				kept = append(kept, x)
			}
		}
		if len(kept) > f.max {
			kept = kept[len(kept)-f.max:]
		}
		var buf bytes.Buffer
		for _, x := range kept {
			b, err := json.Marshal(x)
			if err != nil {
				return err
			}
			buf.Write(b)
			buf.WriteByte('\n')
		}
		if err := durable.WriteFile(f.path(rule), buf.Bytes()); err != nil {
			return fmt.Errorf("recording the findings of rule %q: %w", rule, err)
		}
		f.byRule[rule] = kept
	}
	return nil
}

func (f *Findings) path(rule string) string {
	sum := sha256.Sum256([]byte(rule))
	return filepath.Join(f.dir, hex.EncodeToString(sum[:12])+".jsonl")
}

// List returns the findings that keep selects, the latest first (by
// time, then as recorded), at most limit (all when limit ≤ 0).
func (f *Findings) List(keep func(*Finding) bool, limit int) []Finding {
	f.mu.Lock()
	var out []Finding
	for _, fs := range f.byRule {
		for _, x := range fs {
			if keep == nil || keep(x) {
				out = append(out, *x)
			}
		}
	}
	f.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Time.Equal(out[j].Time) {
			return out[i].Time.After(out[j].Time)
		}
		if !out[i].Recorded.Equal(out[j].Recorded) {
			return out[i].Recorded.After(out[j].Recorded)
		}
		return strings.Compare(out[i].Rule, out[j].Rule) < 0
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
