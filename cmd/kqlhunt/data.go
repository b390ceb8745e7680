package main

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"

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
	threads    int
	limits     limitFlags
	prefilter  bool
	// catalog holds --schema and --watchlist.
	catalog catalogFlags
}

func (f *dataFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.data, "data", nil, "telemetry file, folder or glob pattern such as 'exports/**/*.json' (repeatable); the format is detected from the content and the table from the records, a Type column, the file or the folder name")
	fl.StringArrayVar(&f.tables, "table", nil, "read `NAME=PATH` as table NAME (repeatable)")
	fl.BoolVar(&f.strict, "strict", false, "stop at the first malformed line or unconvertible value (exit 3)")
	fl.StringVar(&f.timeFormat, "time-format", "", "`FORMAT` of locale timestamps in CSV exports, .NET style, e.g. 'dd/MM/yyyy, h:mm:ss.fff tt'")
	fl.StringVar(&f.now, "now", "", "the `TIME` that now() and ago() read (RFC 3339); default: the current time")
	fl.IntVar(&f.threads, "threads", 0, "decode large files of JSON lines on `N` threads; default: all cores (results do not depend on it)")
	f.limits.register(cmd)
	f.catalog.register(cmd, true)
	fl.BoolVar(&f.prefilter, "prefilter", false, "skip, without decoding them, the JSON lines that cannot pass the filters on their table: faster, with the same results, but those lines give no statistics (why a rule found nothing) and are not checked for damage beyond being cut short")
	fl.StringVar(&f.external, "externaldata", "", "`DIR` of local copies of the files that externaldata() downloads: each URL reads the file of DIR with the URL's file name")
}

// nowValue returns the pinned or current time.
func (f *dataFlags) nowValue() (kql.Datetime, error) {
	if f.now == "" {
		return kql.Now(), nil
	}
	d, err := kql.ParseNow(f.now)
	if err != nil {
		return 0, fail(exitUsage, "--now: %v", err)
	}
	return d, nil
}

// options returns the telemetry named by the flags. --table values are
// checked: a usage error names the bad one.
func (f *dataFlags) options() kql.DataOptions {
	opts := kql.DataOptions{Paths: f.data, Strict: f.strict, TimeFormat: f.timeFormat, External: f.external, Threads: f.threads, Watchlists: f.catalog.loaded}
	for _, t := range f.tables {
		name, path, _ := strings.Cut(t, "=")
		if opts.Tables == nil {
			opts.Tables = map[string][]string{}
		}
		opts.Tables[name] = append(opts.Tables[name], path)
	}
	return opts
}

// checkTables checks the --table values against cat.
func (f *dataFlags) checkTables(cat *kql.Catalog) error {
	for _, t := range f.tables {
		name, path, ok := strings.Cut(t, "=")
		if !ok || name == "" || path == "" {
			return fail(exitUsage, "--table %q: expected NAME=PATH", t)
		}
		if cat.Table(name) == nil {
			return fail(exitUsage, "--table %q: unknown table '%s'", t, name)
		}
	}
	return nil
}

// open opens the telemetry named by the flags.
func (f *dataFlags) open(cat *kql.Catalog) (*kql.Data, error) {
	if err := f.checkTables(cat); err != nil {
		return nil, err
	}
	if f.threads < 0 {
		return nil, fail(exitUsage, "--threads: expected a number of threads, at least 1, got %d", f.threads)
	}
	d, err := kql.OpenData(f.options(), cat)
	if err != nil {
		var de *kql.DataError
		if errors.As(err, &de) {
			return nil, err // --strict and a file not read: exit 3
		}
		return nil, fail(exitUsage, "%v", err)
	}
	return d, nil
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func pluralInt(n int, one, many string) string { return plural(int64(n), one, many) }

func withNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
