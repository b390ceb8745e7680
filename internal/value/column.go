package value

import (
	"fmt"

	"github.com/kqlhunt/kqlhunt/internal/schema"
)

// Column is a vector of values of one KQL type. Exactly one of the data
// slices is used, chosen by Type:
//
//	Bools  bool
//	Ints   int, long, datetime (ticks), timespan (ticks)
//	Reals  real
//	Strs   string, guid
//	Dyns   dynamic, decimal (a Decimal, or nil for null)
//
// Nulls is nil when no value is null, else it has one entry per value.
// String columns never have nulls. A Const column holds a single value that
// stands for every row; operators use it for literals and other values that
// do not vary within a batch.
//
// A Column is owned by whoever created it; operators treat columns they
// receive as read-only.
type Column struct {
	Type  schema.Type
	Const bool
	Nulls []bool
	Bools []bool
	Ints  []int64
	Reals []float64
	Strs  []string
	Dyns  []any
}

// NewColumn returns an empty column of type t with room for n values.
func NewColumn(t schema.Type, n int) *Column {
	c := &Column{Type: t}
	switch Storage(t) {
	case StoreBool:
		c.Bools = make([]bool, 0, n)
	case StoreInt:
		c.Ints = make([]int64, 0, n)
	case StoreReal:
		c.Reals = make([]float64, 0, n)
	case StoreString:
		c.Strs = make([]string, 0, n)
	default:
		c.Dyns = make([]any, 0, n)
	}
	return c
}

// ConstColumn returns a constant column of type t holding v (nil for null).
func ConstColumn(t schema.Type, v any) *Column {
	c := NewColumn(t, 1)
	c.Append(v)
	c.Const = true
	return c
}

// Store tells which slice of a Column holds a type's values.
type Store uint8

// The storage classes.
const (
	StoreBool Store = iota
	StoreInt
	StoreReal
	StoreString
	StoreAny
)

// Storage returns the storage class of type t.
func Storage(t schema.Type) Store {
	switch t {
	case schema.Bool:
		return StoreBool
	case schema.Int, schema.Long, schema.Datetime, schema.Timespan:
		return StoreInt
	case schema.Real:
		return StoreReal
	case schema.String, schema.Guid:
		return StoreString
	}
	return StoreAny // dynamic and decimal
}

// Len returns the number of stored values (1 for a Const column).
func (c *Column) Len() int {
	switch Storage(c.Type) {
	case StoreBool:
		return len(c.Bools)
	case StoreInt:
		return len(c.Ints)
	case StoreReal:
		return len(c.Reals)
	case StoreString:
		return len(c.Strs)
	}
	return len(c.Dyns)
}

// Row maps a row number to the index of its stored value: i itself, or 0
// for a Const column.
func (c *Column) Row(i int) int {
	if c.Const {
		return 0
	}
	return i
}

// IsNull reports whether row i is null.
func (c *Column) IsNull(i int) bool {
	i = c.Row(i)
	if c.Nulls != nil && c.Nulls[i] {
		return true
	}
	return (c.Type == schema.Dynamic || c.Type == schema.Decimal) && c.Dyns[i] == nil
}

// HasNulls reports whether any value may be null.
func (c *Column) HasNulls() bool {
	return c.Nulls != nil || c.Type == schema.Dynamic || c.Type == schema.Decimal
}

// Get returns row i boxed as described in the package comment.
func (c *Column) Get(i int) any {
	i = c.Row(i)
	if c.Nulls != nil && c.Nulls[i] {
		return nil
	}
	switch c.Type {
	case schema.Bool:
		return c.Bools[i]
	case schema.Int, schema.Long:
		return c.Ints[i]
	case schema.Datetime:
		return Datetime(c.Ints[i])
	case schema.Timespan:
		return Timespan(c.Ints[i])
	case schema.Real:
		return c.Reals[i]
	case schema.String, schema.Guid:
		return c.Strs[i]
	}
	return c.Dyns[i] // dynamic, or a decimal's Decimal
}

// Append appends v, boxed as described in the package comment; nil appends
// a null (the empty string for a string column). A value of the wrong Go
// type panics: it is a bug in the caller.
func (c *Column) Append(v any) {
	if v == nil {
		c.AppendNull()
		return
	}
	switch c.Type {
	case schema.Bool:
		c.Bools = append(c.Bools, v.(bool))
	case schema.Int, schema.Long:
		c.Ints = append(c.Ints, v.(int64))
	case schema.Datetime:
		c.Ints = append(c.Ints, int64(v.(Datetime)))
	case schema.Timespan:
		c.Ints = append(c.Ints, int64(v.(Timespan)))
	case schema.Real:
		c.Reals = append(c.Reals, v.(float64))
	case schema.Decimal:
		c.Dyns = append(c.Dyns, v.(Decimal))
	case schema.String, schema.Guid:
		c.Strs = append(c.Strs, v.(string))
	case schema.Dynamic:
		c.Dyns = append(c.Dyns, v)
	default:
		panic(fmt.Sprintf("value: append to column of type %s", c.Type))
	}
	if c.Nulls != nil {
		c.Nulls = append(c.Nulls, false)
	}
}

// AppendNull appends a null value; for a string column, the empty string.
func (c *Column) AppendNull() {
	n := c.Len()
	switch Storage(c.Type) {
	case StoreBool:
		c.Bools = append(c.Bools, false)
	case StoreInt:
		c.Ints = append(c.Ints, 0)
	case StoreReal:
		c.Reals = append(c.Reals, 0)
	case StoreString:
		c.Strs = append(c.Strs, "")
		if c.Type == schema.String {
			if c.Nulls != nil {
				c.Nulls = append(c.Nulls, false)
			}
			return
		}
	default:
		c.Dyns = append(c.Dyns, nil)
		if c.Nulls != nil {
			c.Nulls = append(c.Nulls, true)
		}
		return
	}
	if c.Nulls == nil {
		c.Nulls = make([]bool, n, max(2*n, 8))
	}
	c.Nulls = append(c.Nulls, true)
}

// AppendFrom appends row i of src, which must have the same type.
func (c *Column) AppendFrom(src *Column, i int) {
	i = src.Row(i)
	if src.Nulls != nil && src.Nulls[i] {
		c.AppendNull()
		return
	}
	switch Storage(c.Type) {
	case StoreBool:
		c.Bools = append(c.Bools, src.Bools[i])
	case StoreInt:
		c.Ints = append(c.Ints, src.Ints[i])
	case StoreReal:
		c.Reals = append(c.Reals, src.Reals[i])
	case StoreString:
		c.Strs = append(c.Strs, src.Strs[i])
	default:
		c.Dyns = append(c.Dyns, src.Dyns[i])
	}
	if c.Nulls != nil {
		c.Nulls = append(c.Nulls, false)
	}
}

// Take returns a new column holding the rows at idx, in that order.
func (c *Column) Take(idx []int) *Column {
	out := NewColumn(c.Type, len(idx))
	for _, i := range idx {
		out.AppendFrom(c, i)
	}
	return out
}

// Expand returns c as a non-Const column of n rows (c itself when it is
// not Const).
func (c *Column) Expand(n int) *Column {
	if !c.Const {
		return c
	}
	out := NewColumn(c.Type, n)
	for i := 0; i < n; i++ {
		out.AppendFrom(c, 0)
	}
	return out
}

// Batch is a set of equally long columns: a slice of a table. Operators
// pass batches by pointer and do not modify batches they receive.
type Batch struct {
	Cols []*Column
	// N is the number of rows. Const columns count as N rows.
	N int
}

// NewBatch returns an empty batch with one empty column per type in types.
func NewBatch(types []schema.Type, capacity int) *Batch {
	b := &Batch{Cols: make([]*Column, len(types))}
	for i, t := range types {
		b.Cols[i] = NewColumn(t, capacity)
	}
	return b
}

// Take returns a new batch holding the rows at idx.
func (b *Batch) Take(idx []int) *Batch {
	out := &Batch{Cols: make([]*Column, len(b.Cols)), N: len(idx)}
	for i, c := range b.Cols {
		if c.Const {
			out.Cols[i] = c
		} else {
			out.Cols[i] = c.Take(idx)
		}
	}
	return out
}

// Row returns row i as boxed values.
func (b *Batch) Row(i int) []any {
	row := make([]any, len(b.Cols))
	for j, c := range b.Cols {
		row[j] = c.Get(i)
	}
	return row
}

// AppendColumn appends every row of src, which must have the same type;
// a Const src counts as n rows.
func (c *Column) AppendColumn(src *Column, n int) {
	if src.Const {
		for i := 0; i < n; i++ {
			c.AppendFrom(src, 0)
		}
		return
	}
	if src.Nulls != nil && c.Nulls == nil {
		c.Nulls = make([]bool, c.Len(), c.Len()+n)
	}
	switch Storage(c.Type) {
	case StoreBool:
		c.Bools = append(c.Bools, src.Bools...)
	case StoreInt:
		c.Ints = append(c.Ints, src.Ints...)
	case StoreReal:
		c.Reals = append(c.Reals, src.Reals...)
	case StoreString:
		c.Strs = append(c.Strs, src.Strs...)
	default:
		c.Dyns = append(c.Dyns, src.Dyns...)
	}
	if c.Nulls != nil {
		if src.Nulls != nil {
			c.Nulls = append(c.Nulls, src.Nulls...)
		} else {
			c.Nulls = append(c.Nulls, make([]bool, n)...)
		}
	}
}

// Concat returns one batch holding the rows of bs in order; every batch
// must have the same column types as types.
func Concat(types []schema.Type, bs []*Batch) *Batch {
	total := 0
	for _, b := range bs {
		total += b.N
	}
	out := NewBatch(types, total)
	for _, b := range bs {
		for i, c := range b.Cols {
			out.Cols[i].AppendColumn(c, b.N)
		}
	}
	out.N = total
	return out
}
