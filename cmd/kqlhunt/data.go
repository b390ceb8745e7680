package main

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/exec"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/internal/value"
	"github.com/kqlhunt/kqlhunt/kql"
)

// dataFlags are the options of subcommands that read telemetry.
type dataFlags struct {
	data       []string
	tables     []string
	strict     bool
	timeFormat string
	now        string
	external   string
}

func (f *dataFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.data, "data", nil, "telemetry file or folder (repeatable); the format is detected from the content and the table from the records, the file or the folder name")
	fl.StringArrayVar(&f.tables, "table", nil, "read `NAME=PATH` as table NAME (repeatable)")
	fl.BoolVar(&f.strict, "strict", false, "stop at the first malformed line or unconvertible value (exit 3)")
	fl.StringVar(&f.timeFormat, "time-format", "", "`FORMAT` of locale timestamps in CSV exports, .NET style, e.g. 'dd/MM/yyyy, h:mm:ss.fff tt'")
	fl.StringVar(&f.now, "now", "", "the `TIME` that now() and ago() read (RFC 3339); default: the current time")
	fl.StringVar(&f.external, "externaldata", "", "`DIR` of local copies of the files that externaldata() downloads: each URL reads the file of DIR with the URL's file name")
}

// nowValue returns the pinned or current time.
func (f *dataFlags) nowValue() (value.Datetime, error) {
	if f.now == "" {
		return kql.Now(), nil
	}
	d, err := kql.ParseNow(f.now)
	if err != nil {
		return 0, fail(exitUsage, "--now: %v", err)
	}
	return d, nil
}

// open opens the telemetry named by the flags.
func (f *dataFlags) open(cat *schema.Catalog) (*source.Dataset, error) {
	tables := map[string][]string{}
	for _, t := range f.tables {
		name, path, ok := strings.Cut(t, "=")
		if !ok || name == "" || path == "" {
			return nil, fail(exitUsage, "--table %q: expected NAME=PATH", t)
		}
		if cat.Table(name) == nil {
			return nil, fail(exitUsage, "--table %q: unknown table '%s'", t, name)
		}
		tables[name] = append(tables[name], path)
	}
	d, err := source.Open(f.data, tables, source.Options{Strict: f.strict, TimeFormat: f.timeFormat, Known: cat.Names()})
	if err != nil {
		var de *source.DataError
		if errors.As(err, &de) {
			return nil, err // --strict and a file not read: exit 3
		}
		return nil, fail(exitUsage, "%v", err)
	}
	return d, nil
}

// dataset adapts a source.Dataset to the executor's Source, and serves
// externaldata from local copies.
type dataset struct {
	d        *source.Dataset
	external source.ExternalDir
}

func (s dataset) Scan(t *schema.Table, cols []int) (exec.Operator, error) {
	return s.d.Scan(t, cols)
}

func (s dataset) External(url string, cols []schema.Column, props map[string]string) ([]*value.Batch, error) {
	return s.external.Read(url, cols, props)
}

// enrichmentTables are the tables behind enrichment functions, which a
// query may use without their data: their columns then read as null.
var enrichmentTables = map[string]string{"FileProfile": "invoke FileProfile()"}

// missingTables returns the tables of names that d has no data for,
// enrichment tables aside.
func missingTables(d *source.Dataset, names []string) []string {
	var out []string
	for _, n := range names {
		if _, enrich := enrichmentTables[n]; !enrich && !d.HasTable(n) {
			out = append(out, n)
		}
	}
	return out
}

// warnEnrichment warns, once per table, that an enrichment function has
// no data to add.
func warnEnrichment(w io.Writer, d *source.Dataset, names []string, warned map[string]bool) {
	for _, n := range names {
		if use, enrich := enrichmentTables[n]; enrich && !d.HasTable(n) && !warned[n] {
			warned[n] = true
			fmt.Fprintf(w, "kqlhunt: warning: %s has no %s data (give it with --table %s=PATH); its columns read as null\n", use, n, n)
		}
	}
}

// reportData prints what the readers skipped or could not convert, per
// file, the first few with their positions, then totals: nothing is
// dropped silently.
func reportData(w io.Writer, st source.Stats) {
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

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
