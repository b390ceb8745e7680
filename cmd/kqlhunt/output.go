package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// outputFlags are --format and -o/--output, which together say where each
// output goes and in which format. Both are repeatable and read in the
// order given:
//
//   - a --format applies to the -o FILE that follows it;
//   - a -o FILE without a --format of its own takes its format from its
//     extension (.html, .csv, .json, .jsonl, ...: see outputExts);
//   - a --format that no -o follows is written to standard output, and so
//     is the default format when no flag is given;
//   - "-o -" is standard output. At most one output goes there.
//
// So `--format html -o report.html --format csv -o findings.csv` and
// `-o report.html -o findings.csv` write the same two files, and
// `--format jsonl -o all.jsonl` leaves standard output empty.
type outputFlags struct {
	// def is the format when no flag names one for standard output.
	def string
	// exts maps a file extension (lower case, with the dot) to a format.
	exts map[string]string
	// seq is the flags in command-line order: a format as "format:NAME",
	// an output as "output:PATH".
	seq []string
}

// outputSpec is one output: a format and a file, "" for standard output.
type outputSpec struct {
	format string
	path   string
}

// seqValue is a pflag.Value that appends each value, prefixed, to seq.
type seqValue struct {
	seq    *[]string
	prefix string
	last   string
}

func (v *seqValue) String() string { return v.last }
func (v *seqValue) Type() string   { return "string" }
func (v *seqValue) Set(s string) error {
	v.last = s
	*v.seq = append(*v.seq, v.prefix+s)
	return nil
}

// register adds --format (help formatHelp) and -o/--output to cmd.
func (o *outputFlags) register(cmd *cobra.Command, formatHelp string) {
	fl := cmd.Flags()
	fl.Var(&seqValue{seq: &o.seq, prefix: "format:", last: o.def}, "format", formatHelp+" (repeatable: each --format applies to the -o after it)")
	fl.VarP(&seqValue{seq: &o.seq, prefix: "output:"}, "output", "o", "write to `FILE` (repeatable; - is standard output); its format is the --format before it, else told by the extension")
}

// resolve pairs the flags into outputs, checking each format with parse
// (which returns the canonical name or an error).
func (o *outputFlags) resolve(parse func(string) (string, error)) ([]outputSpec, error) {
	var out []outputSpec
	var pending string // a --format waiting for its -o
	stdout := false
	toStdout := func(format string) error {
		if stdout {
			return fail(exitUsage, "--format %s: two outputs to standard output; give each format but one a -o FILE", format)
		}
		stdout = true
		out = append(out, outputSpec{format: format})
		return nil
	}
	for _, s := range o.seq {
		kind, val, _ := strings.Cut(s, ":")
		if kind == "format" {
			f, err := parse(val)
			if err != nil {
				return nil, fail(exitUsage, "--format: %v", err)
			}
			if pending != "" {
				if err := toStdout(pending); err != nil {
					return nil, err
				}
			}
			pending = f
			continue
		}
		if val == "" {
			return nil, fail(exitUsage, "--output: expected a file name, or - for standard output")
		}
		format := pending
		pending = ""
		if format == "" {
			ext := strings.ToLower(filepath.Ext(val))
			name, ok := o.exts[ext]
			if !ok || val == "-" {
				return nil, fail(exitUsage, "--output %s: give its --format before it (the extension %q names no format; known: %s)", val, ext, o.extList())
			}
			format = name
		}
		if val == "-" {
			if err := toStdout(format); err != nil {
				return nil, err
			}
			continue
		}
		for _, x := range out {
			if x.path != "" && filepath.Clean(x.path) == filepath.Clean(val) {
				return nil, fail(exitUsage, "--output %s: given twice", val)
			}
		}
		out = append(out, outputSpec{format: format, path: val})
	}
	if pending != "" {
		if err := toStdout(pending); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		f, err := parse(o.def)
		if err != nil {
			return nil, err
		}
		out = append(out, outputSpec{format: f})
	}
	return out, nil
}

// extList lists the known extensions, for messages.
func (o *outputFlags) extList() string {
	var l []string
	for _, ext := range slices.Sorted(maps.Keys(o.exts)) {
		l = append(l, ext+" ("+o.exts[ext]+")")
	}
	return strings.Join(l, ", ")
}

// resultExts are the extensions that name a format of query results.
var resultExts = map[string]string{".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "table"}

// closeError is the usage error of failing to write an output, or nil.
func closeError(err error) error {
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	return nil
}

// findingExts are the extensions that name a format of hunt's findings.
var findingExts = map[string]string{
	".html": "html", ".htm": "html", ".csv": "csv", ".json": "json",
	".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "table",
}

// openOutputs opens the files of specs for writing, buffered, and returns
// a writer per spec (stdout for standard output) and a function that
// flushes and closes them, returning the first error. A file that cannot
// be created is a usage error, before anything runs.
func openOutputs(stdout io.Writer, specs []outputSpec) ([]io.Writer, func() error, error) {
	var files []*os.File
	var bufs []*bufio.Writer
	closeAll := func() error {
		var errs []error
		for i, f := range files {
			if err := bufs[i].Flush(); err != nil {
				errs = append(errs, fmt.Errorf("writing %s: %w", f.Name(), err))
			}
			if err := f.Close(); err != nil {
				errs = append(errs, err)
			}
		}
		files, bufs = nil, nil
		return errors.Join(errs...)
	}
	ws := make([]io.Writer, len(specs))
	for i, s := range specs {
		if s.path == "" {
			ws[i] = stdout
			continue
		}
		f, err := os.Create(s.path)
		if err != nil {
			closeAll()
			return nil, nil, fail(exitUsage, "--output: %v", err)
		}
		b := bufio.NewWriterSize(f, 64<<10)
		files, bufs = append(files, f), append(bufs, b)
		ws[i] = b
	}
	return ws, closeAll, nil
}
