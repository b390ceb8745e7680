package exec

import (
	"context"

	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// MemSource holds tables in memory, as tests and small inputs need. It is
// safe for concurrent scans once filled.
type MemSource struct {
	tables map[string]*memTable
}

type memTable struct {
	table   *schema.Table
	batches []*value.Batch
}

// NewMemSource returns an empty MemSource.
func NewMemSource() *MemSource { return &MemSource{tables: map[string]*memTable{}} }

// Add stores the rows of table t (batches with t's columns, in order),
// replacing earlier rows of the same table.
func (m *MemSource) Add(t *schema.Table, batches []*value.Batch) {
	m.tables[t.Name] = &memTable{table: t, batches: batches}
}

// Has reports whether the source holds table name.
func (m *MemSource) Has(name string) bool { _, ok := m.tables[name]; return ok }

// Scan implements Source. A table that was never added reads as empty;
// a column the stored table lacks (matched by name) reads as null.
func (m *MemSource) Scan(t *schema.Table, cols []int) (Operator, error) {
	mt := m.tables[t.Name]
	src := &memScan{cols: make([]int, len(cols)), types: make([]schema.Type, len(cols))}
	for i, c := range cols {
		src.types[i] = t.Columns[c].Type
		src.cols[i] = -1
		if mt != nil {
			if j := mt.table.Lookup(t.Columns[c].Name); j >= 0 && mt.table.Columns[j].Type == src.types[i] {
				src.cols[i] = j
			}
		}
	}
	if mt != nil {
		src.batches = mt.batches
	}
	return src, nil
}

type memScan struct {
	batches []*value.Batch
	cols    []int
	types   []schema.Type
}

func (s *memScan) Next(context.Context) (*value.Batch, error) {
	if len(s.batches) == 0 {
		return nil, nil
	}
	b := s.batches[0]
	s.batches = s.batches[1:]
	out := &value.Batch{N: b.N, Cols: make([]*value.Column, len(s.cols))}
	for i, j := range s.cols {
		if j < 0 {
			out.Cols[i] = value.ConstColumn(s.types[i], nil)
		} else {
			out.Cols[i] = b.Cols[j]
		}
	}
	return out, nil
}

func (s *memScan) Close() error { return nil }
