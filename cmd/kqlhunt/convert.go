package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/hunt"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/kql"
)

func convertCommand(e *env) *cobra.Command {
	var df dataFlags
	var out, progress, codec string
	var threads, maxRows int
	cmd := &cobra.Command{
		Use:   "convert --data PATH... --out DIR",
		Short: "Convert telemetry to Parquet, partitioned by table and day",
		Long: `Convert telemetry, in any format kqlhunt reads, to Parquet files that later
runs read faster: DIR/<Table>/day=YYYY-MM-DD/part-N.parquet, the rows of each
file sorted by Timestamp (else TimeGenerated) so that queries with a time
window skip whole row groups, zstd-compressed, in row groups of 64Ki rows,
with the columns and types of the Defender XDR schema (datetimes and
timespans as INT64 100 ns ticks, dynamic values as JSON text). Rows without
a time go to day=none. Memory stays bounded: a table's rows are held until
--max-rows of them, or about 128 MiB of values, then written, one part file
per day, each sorted; so a large day becomes several part files.

Input that cannot be read is skipped and reported as hunt reports it; with
--strict it stops the conversion (exit 3). --data DIR then reads the result
with the same query results as the original telemetry.`,
		Example: `  kqlhunt convert --data export/ --out parquet/
  kqlhunt query --data parquet/ 'DeviceProcessEvents | where Timestamp > ago(1d) | count'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(df.data) == 0 && len(df.tables) == 0 {
				return fail(exitUsage, "convert needs --data PATH or --table NAME=PATH")
			}
			if out == "" {
				return fail(exitUsage, "convert needs --out DIR")
			}
			if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
				return fail(exitUsage, "--out %s: the folder is not empty; choose a new or empty one", out)
			}
			if threads < 1 {
				return fail(exitUsage, "--threads %d: expected at least 1", threads)
			}
			if !slices.Contains(progressModes, progress) {
				return fail(exitUsage, "--progress: unknown mode %q, expected %s", progress, strings.Join(progressModes, ", "))
			}
			if _, ok := source.ParquetCodecs[codec]; !ok {
				return fail(exitUsage, "--codec %q: expected one of snappy, gzip, zstd, lz4, brotli, uncompressed", codec)
			}
			cat, err := df.catalog.catalog(nil)
			if err != nil {
				return err
			}
			d, err := df.open(cat)
			if err != nil {
				return err
			}
			var tables []string
			for _, t := range d.Tables() {
				if cat.Table(t) == nil {
					fmt.Fprintf(e.stderr, "kqlhunt: warning: table %s is not in the Defender XDR schema; its rows are not converted\n", t)
					continue
				}
				tables = append(tables, t)
			}
			stop := startProgress(e.stderr, progress, func() (int64, int64) { return d.Progress(tables) }, "converting")
			written, err := convertTables(e.ctx, d, cat, tables, out, threads, maxRows, source.ParquetOptions{Codec: codec})
			stop()
			hunt.ReportData(e.stderr, d.Stats())
			var rows int64
			var files int
			for _, w := range written {
				rows += w.Rows
				files += len(w.Files)
			}
			fmt.Fprintf(e.stdout, "wrote %d %s of %d %s in %d Parquet %s to %s\n",
				rows, plural(rows, "row", "rows"), len(written), pluralInt(len(written), "table", "tables"), files, pluralInt(files, "file", "files"), out)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&df.data, "data", nil, "telemetry file, folder or glob pattern to convert (repeatable)")
	fl.StringArrayVar(&df.tables, "table", nil, "read `NAME=PATH` as table NAME (repeatable)")
	df.catalog.register(cmd, false)
	fl.BoolVar(&df.strict, "strict", false, "stop at the first malformed line or unconvertible value (exit 3)")
	fl.StringVar(&df.timeFormat, "time-format", "", "`FORMAT` of locale timestamps in CSV exports, .NET style")
	fl.StringVar(&out, "out", "", "`DIR` to write the Parquet files to: a new or empty folder")
	fl.IntVar(&threads, "threads", 2, "convert up to `N` tables at once")
	fl.IntVar(&maxRows, "max-rows", 256<<10, "rows held in memory per table before a part file is written")
	fl.StringVar(&codec, "codec", "zstd", "compression: zstd, snappy, gzip, lz4, brotli or uncompressed")
	fl.StringVar(&progress, "progress", "auto", "show a progress bar of the data read on stderr: auto (when stderr is a terminal), always or never")
	return cmd
}

// convertTables writes the rows of tables to Parquet under out, up to
// threads tables at once, and returns the writers of the tables done.
func convertTables(ctx context.Context, d *kql.Data, cat *kql.Catalog, tables []string, out string, threads, maxRows int, opts source.ParquetOptions) ([]*source.DayWriter, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		written  []*source.DayWriter
		firstErr error
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, threads)
	for _, name := range tables {
		t := cat.Table(name)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			w := source.NewDayWriter(t, out, maxRows, opts)
			err := d.ReadTable(ctx, t, w.Add)
			if err == nil {
				err = w.Close()
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("%s: %w", t.Name, err)
					cancel()
				}
				return
			}
			written = append(written, w)
		}()
	}
	wg.Wait()
	return written, firstErr
}
