// Package gen generates plausible, typed rows for any table schema, for
// running queries without real telemetry: the conformance runner executes
// every corpus query over them, and `kqlhunt gen` writes them as JSON lines.
//
// Generation is deterministic: the same table, Options and row number give
// the same values on every machine and Go version. A value depends only on
// the seed, the table name, the row number and the column name (never on
// the column's position or on the other columns of the schema), so two
// schemas of one table that share a column generate the same values for it.
//
// Values follow the column's name where a rule knows it (DeviceName,
// ActionType, ProcessCommandLine, RemoteIP, SHA256, AdditionalFields, ...)
// and its type otherwise:
//
//   - Timestamps fall within Options.Span before Options.Now; other
//     datetimes are a little earlier than the row's Timestamp, expirations
//     later.
//   - The columns of one entity agree within a row: DeviceId and DeviceName
//     name the same machine, InitiatingProcessFileName, -FolderPath, -SHA1
//     and -CommandLine the same program, AccountName, -Sid and -Upn the same
//     account. Entities come from small pools shared by every table, so
//     joins on DeviceId, DeviceName or AccountSid match across tables.
//   - Vocabularies hold the values hunting queries filter on: ActionType
//     values per table (ProcessCreated, ConnectionSuccess, FileCreated,
//     LogonSuccess, ...), programs such as powershell.exe, cmd.exe and
//     rundll32.exe with telling command lines, well-known ports.
//   - IP addresses are strings, GUIDs canonical, hashes hex of the right
//     length; integers are small; dynamic columns hold JSON property bags
//     or arrays, and string columns that Defender fills with JSON
//     (AdditionalFields, IPAddresses, LoggedOnUsers) hold JSON text.
//   - A few optional values are null (empty for strings).
//
// The data is meant to make queries run, not to make them match.
package gen

import (
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/value"
)

// Defaults for the zero fields of Options.
const (
	DefaultRows      = 100
	DefaultSpan      = value.Timespan(7 * value.Day)
	DefaultBatchRows = 1024
)

// Options configure generation. The zero value generates DefaultRows rows
// with seed 0, ending at the Unix epoch: set Now.
type Options struct {
	// Seed selects one of many equally plausible data sets.
	Seed uint64
	// Rows is the number of rows per table; 0 means DefaultRows.
	Rows int
	// Now is the end of the time range: no Timestamp is later.
	Now value.Datetime
	// Span is the length of the time range of Timestamp values; 0 means
	// DefaultSpan.
	Span value.Timespan
	// BatchRows caps the rows of one batch; 0 means DefaultBatchRows.
	BatchRows int
}

func (o Options) withDefaults() Options {
	if o.Rows <= 0 {
		o.Rows = DefaultRows
	}
	if o.Span <= 0 {
		o.Span = DefaultSpan
	}
	if o.BatchRows <= 0 {
		o.BatchRows = DefaultBatchRows
	}
	return o
}

// Generate calls fn with the rows of t, in batches of at most
// opts.BatchRows rows whose columns are t's, in order and with t's types.
// It stops at the first error fn returns and returns it. fn owns each
// batch it receives.
func Generate(t *schema.Table, opts Options, fn func(*value.Batch) error) error {
	opts = opts.withDefaults()
	cols := make([]colFunc, len(t.Columns))
	types := make([]schema.Type, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = columnFunc(t.Name, c)
		types[i] = c.Type
	}
	r := &row{
		seed:  opts.Seed,
		table: strHash(t.Name),
		name:  t.Name,
		now:   opts.Now,
		span:  int64(opts.Span),
	}
	for start := 0; start < opts.Rows; start += opts.BatchRows {
		n := min(opts.BatchRows, opts.Rows-start)
		b := value.NewBatch(types, n)
		for i := 0; i < n; i++ {
			r.at(start + i)
			for j, f := range cols {
				b.Cols[j].Append(f(r))
			}
		}
		b.N = n
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}

// Table returns the rows of t as Generate makes them.
func Table(t *schema.Table, opts Options) []*value.Batch {
	var out []*value.Batch
	Generate(t, opts, func(b *value.Batch) error {
		out = append(out, b)
		return nil
	})
	return out
}

// row is the state of the row being generated: its number, the hash that
// every value of the row derives from, and the row's Timestamp, which the
// other time columns are relative to.
type row struct {
	seed  uint64
	table uint64
	name  string // table name
	now   value.Datetime
	span  int64
	n     int
	base  uint64
	ts    value.Datetime
}

var kTimestamp = strHash("Timestamp")

// at moves r to row n.
func (r *row) at(n int) {
	r.n = n
	r.base = mix(mix(r.seed^0x6a09e667f3bcc908) ^ mix(r.table^uint64(n)*0x9e3779b97f4a7c15))
	// Leave a minute before now, so that TimeGenerated, a little after
	// Timestamp, is not in the future either.
	r.ts = r.now - value.Datetime(value.Minute) - value.Datetime(r.hash(kTimestamp)%uint64(r.span))
}

// hash returns the row's random 64 bits for key, a strHash.
func (r *row) hash(key uint64) uint64 { return mix(r.base ^ key) }

// pick returns the row's random index below n for key.
func (r *row) pick(key uint64, n int) int { return int(r.hash(key) % uint64(n)) }

// mix is SplitMix64's finalizer: a bijection that spreads every input bit
// over the output.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// strHash is FNV-1a of s, mixed.
func strHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix(h)
}
