package hunt

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Engine runs a hunt's queries where the data is. The hunt workflow
// (rules, exclusions, findings, reports) is the same on every engine;
// Embedded is kqlhunt's own, over telemetry files.
type Engine interface {
	// Open makes the data ready, with the table names of cat.
	Open(cat *kql.Catalog) error
	// HasTable reports whether there is data of table name.
	HasTable(name string) bool
	// RunMany runs queries in one pass over the data, streaming their
	// rows to emit, as kql.RunMany does.
	RunMany(ctx context.Context, queries []*kql.Query, now kql.Datetime, emit kql.Emit) []kql.Outcome
	// Count runs one query and returns the number of rows it returns: the
	// extra runs that assess exclusions make.
	Count(ctx context.Context, q *kql.Query, now kql.Datetime) (int, error)
}

// Embedded is the engine of kqlhunt itself: it reads telemetry files and
// runs the queries in this process.
type Embedded struct {
	// Data names the telemetry.
	Data kql.DataOptions
	data *kql.Data
}

// Open finds the telemetry of e.Data.
func (e *Embedded) Open(cat *kql.Catalog) error {
	d, err := kql.OpenData(e.Data, cat)
	var de *kql.DataError
	switch {
	case errors.As(err, &de):
		return err // --strict and a file not read
	case err != nil:
		return usagef("%v", err)
	}
	e.data = d
	return nil
}

// HasTable implements Engine.
func (e *Embedded) HasTable(name string) bool { return e.data.HasTable(name) }

// RunMany implements Engine.
func (e *Embedded) RunMany(ctx context.Context, queries []*kql.Query, now kql.Datetime, emit kql.Emit) []kql.Outcome {
	return kql.RunMany(ctx, queries, e.data, now, emit)
}

// Count implements Engine.
func (e *Embedded) Count(ctx context.Context, q *kql.Query, now kql.Datetime) (int, error) {
	res, err := q.Run(ctx, e.data, now)
	n := 0
	for _, r := range res {
		n += r.Rows()
	}
	return n, err
}

// Progress returns the bytes read so far of the files of tables, and
// their size.
func (e *Embedded) Progress(tables []string) (read, total int64) { return e.data.Progress(tables) }

// Stats returns what the runs have read and skipped.
func (e *Embedded) Stats() kql.DataStats { return e.data.Stats() }

// ReportData prints what the readers skipped or could not convert, per
// file, the first few with their positions, then totals: nothing is
// dropped silently.
func ReportData(w io.Writer, st kql.DataStats) {
	if st.Pruned > 0 {
		fmt.Fprintf(w, "kqlhunt: %d %s outside the queries' time windows left unread, as the files' time statistics allow\n",
			st.Pruned, plural(st.Pruned, "row", "rows"))
	}
	for _, ig := range st.Ignored {
		fmt.Fprintf(w, "kqlhunt: warning: ignored %v\n", ig)
	}
	for _, f := range st.Files {
		if f.Skipped > 0 {
			for _, e := range f.SkippedErrors {
				fmt.Fprintf(w, "kqlhunt: warning: skipped %v\n", e)
			}
			fmt.Fprintf(w, "kqlhunt: warning: %s: skipped %d malformed %s\n", f.Path, f.Skipped, plural(f.Skipped, "line", "lines"))
		}
		if f.Unconverted > 0 {
			for _, e := range f.UnconvertedErrors {
				fmt.Fprintf(w, "kqlhunt: warning: read as null: %v\n", e)
			}
			fmt.Fprintf(w, "kqlhunt: warning: %s: %d %s did not convert to the column type and read as null\n", f.Path, f.Unconverted, plural(f.Unconverted, "value", "values"))
		}
		if f.OtherTables > 0 {
			fmt.Fprintf(w, "kqlhunt: warning: %s: %d records of tables other than %s were not read\n", f.Path, f.OtherTables, f.Table)
		}
	}
}

func plural[N int | int64](n N, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
