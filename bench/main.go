// Command bench compares kqlhunt with DuckDB end to end, as the issue "Hunt
// at memory speed" asks: it builds kqlhunt from this repository and a small
// DuckDB runner (duckrun, linked with github.com/duckdb/duckdb-go), generates
// DeviceNetworkEvents rows with 'kqlhunt gen', writes them in every format
// (JSON lines, streaming API records, portal CSV, and Parquet when 'kqlhunt
// convert' exists), runs each workload with both tools alternately as whole
// processes with the same thread count, checks that they return the same rows,
// and prints the ratio DuckDB time / kqlhunt time (above 1: kqlhunt is
// faster). See README.md.
//
// Usage:
//
//	go run . [-rows N] [-threads 1,2] [-reps 2] [-write ../docs/PERFORMANCE.md]
//
// Exit codes: 0 done, every answer agreed; 1 a run failed or the answers
// differed; 2 usage.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// now is the time the generated data ends at, and the now() of every query.
var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// bench holds one run's settings and tools.
type bench struct {
	ctx       context.Context
	log       io.Writer
	repo      string // the repository's root
	work      string // scratch folder: binaries, data, results
	kqlhunt   string // path of the kqlhunt binary
	duckrun   string // path of the duckrun binary
	timeBin   string // GNU time, or "" to read the peak RSS from wait4
	threads   bool   // kqlhunt has --threads
	prefilter bool   // kqlhunt has --prefilter
	commands  map[string]bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rows := fs.Int("rows", 450_000, "rows of DeviceNetworkEvents to generate (about 2.3 KB each as JSON lines: 450000 is about 1 GB)")
	threadList := fs.String("threads", "1,2", "comma-separated thread counts to run both tools with")
	reps := fs.Int("reps", 2, "runs of each tool per workload, format and thread count; the best time counts")
	keepOneIn := fs.Int("rmm-keep", 40, "keep one in N of the remote-access rows that gen draws (it draws them as often as any host)")
	formatList := fs.String("formats", "", "comma-separated formats to run (default: all): "+formatNames())
	workDir := fs.String("work", "", "scratch folder for binaries, data and results (default: a new temporary folder, removed at the end)")
	repo := fs.String("repo", "..", "the kqlhunt repository's root")
	write := fs.String("write", "", "also write the results, the machine and the date as Markdown to FILE (docs/PERFORMANCE.md)")
	note := fs.String("note", "", "a note on the run for the Markdown file (e.g. that the machine was busy)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *rows <= 0 || *reps <= 0 || *keepOneIn <= 0 {
		fmt.Fprintln(stderr, "usage: go run . [-rows N] [-threads 1,2] [-reps N] [-formats LIST] [-write FILE]")
		return 2
	}
	var threads []int
	for _, s := range strings.Split(*threadList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(stderr, "bench: bad thread count %q\n", s)
			return 2
		}
		threads = append(threads, n)
	}
	chosen, err := chooseFormats(*formatList)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 2
	}

	b := &bench{ctx: ctx, log: stderr, commands: map[string]bool{}}
	if b.repo, err = filepath.Abs(*repo); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 2
	}
	if *workDir == "" {
		dir, err := os.MkdirTemp("", "kqlhunt-bench-")
		if err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		defer os.RemoveAll(dir)
		b.work = dir
	} else {
		if b.work, err = filepath.Abs(*workDir); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 2
		}
	}
	res, err := b.all(*rows, *keepOneIn, *reps, threads, chosen)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	report := res.markdown(*note)
	fmt.Fprint(stdout, report)
	if *write != "" {
		if err := os.WriteFile(*write, []byte(report), 0o644); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "bench: wrote %s\n", *write)
	}
	if res.failed() {
		return 1
	}
	return 0
}

func formatNames() string {
	var names []string
	for _, f := range formats {
		names = append(names, slug(f.name))
	}
	return strings.Join(names, ", ")
}

func chooseFormats(list string) ([]format, error) {
	if list == "" {
		return formats, nil
	}
	var out []format
	for _, name := range strings.Split(list, ",") {
		found := false
		for _, f := range formats {
			if slug(f.name) == strings.TrimSpace(name) {
				out = append(out, f)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown format %q (known: %s)", name, formatNames())
		}
	}
	return out, nil
}

// slug is a name as a file name: lower case, dashes for spaces.
func slug(s string) string {
	return strings.NewReplacer(" ", "-", ",", "", "(", "", ")", "").Replace(strings.ToLower(s))
}

// setup builds the binaries and learns what this kqlhunt can do.
func (b *bench) setup() error {
	bin := filepath.Join(b.work, "bin")
	b.kqlhunt = filepath.Join(bin, "kqlhunt")
	b.duckrun = filepath.Join(bin, "duckrun")
	b.logf("building kqlhunt from %s", b.repo)
	if err := b.goBuild(b.repo, b.kqlhunt, "./cmd/kqlhunt"); err != nil {
		return err
	}
	b.logf("building duckrun (DuckDB through github.com/duckdb/duckdb-go; the first build downloads DuckDB's library)")
	if err := b.goBuild(filepath.Join(b.repo, "bench"), b.duckrun, "./duckrun"); err != nil {
		return err
	}
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		b.timeBin = "/usr/bin/time"
	} else {
		b.logf("no /usr/bin/time: peak RSS is read from wait4, which may count the fork's pages")
	}
	help, _ := b.kqlhuntOutput("query", "--help")
	b.threads = strings.Contains(help, "--threads")
	b.prefilter = strings.Contains(help, "--prefilter")
	if !b.threads {
		b.logf("this kqlhunt has no --threads flag: its thread count is set with GOMAXPROCS")
	}
	return nil
}

func (b *bench) goBuild(dir, out, pkg string) error {
	cmd := exec.CommandContext(b.ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s in %s: %w\n%s", pkg, dir, err, msg)
	}
	return nil
}

// hasCommand reports whether kqlhunt has the subcommand name.
func (b *bench) hasCommand(name string) bool {
	if has, ok := b.commands[name]; ok {
		return has
	}
	_, err := b.kqlhuntOutput(name, "--help")
	b.commands[name] = err == nil
	return err == nil
}

// kqlhuntOutput runs kqlhunt with args and returns its combined output.
func (b *bench) kqlhuntOutput(args ...string) (string, error) {
	out, err := exec.CommandContext(b.ctx, b.kqlhunt, args...).CombinedOutput()
	return string(out), err
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", args...)
}

// A measure is one process run: its wall time and peak RSS.
type measure struct {
	elapsed time.Duration
	rssKiB  int64
}

// runProcess runs argv with extra environment, its standard output to
// outFile, and measures it as a whole process.
func (b *bench) runProcess(argv []string, env []string, outFile string) (measure, error) {
	out, err := os.Create(outFile)
	if err != nil {
		return measure{}, err
	}
	defer out.Close()
	rssFile := outFile + ".rss"
	full := argv
	if b.timeBin != "" {
		full = append([]string{b.timeBin, "-f", "%M", "-o", rssFile}, argv...)
	}
	cmd := exec.CommandContext(b.ctx, full[0], full[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = out
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return measure{}, fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, tail(stderr.String(), 2000))
	}
	m := measure{elapsed: elapsed}
	if b.timeBin != "" {
		text, err := os.ReadFile(rssFile)
		if err != nil {
			return measure{}, err
		}
		lines := strings.Fields(string(text))
		if len(lines) > 0 {
			m.rssKiB, _ = strconv.ParseInt(lines[len(lines)-1], 10, 64)
		}
	} else if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rssKiB = ru.Maxrss
	}
	return m, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// kqlhuntArgs returns the command line and environment that run kqlhunt with
// args on n threads.
func (b *bench) kqlhuntArgs(n int, args ...string) ([]string, []string) {
	argv := append([]string{b.kqlhunt}, args...)
	if b.threads {
		argv = append(argv, "--threads", strconv.Itoa(n))
	}
	if b.prefilter && (args[0] == "query" || args[0] == "hunt") {
		// The raw-byte prefilters are off by default, as they give up
		// statistics of the lines they skip; a hunt for speed turns them on.
		argv = append(argv, "--prefilter")
	}
	// GOMAXPROCS holds the Go runtime (and its garbage collector) to n
	// cores in either case, as SET threads holds DuckDB.
	return argv, []string{"GOMAXPROCS=" + strconv.Itoa(n)}
}

// prepare generates the rows and writes every chosen format; it returns the
// formats that are ready, and a message for each one skipped.
func (b *bench) prepare(rows, keepOneIn int, chosen []format) ([]ready, rarity, error) {
	gen := filepath.Join(b.work, "gen")
	b.logf("generating %d rows of %s", rows, table)
	if out, err := b.kqlhuntOutput("gen", "--table", table, "--rows", strconv.Itoa(rows),
		"--now", now.Format(time.RFC3339), "--out", gen); err != nil {
		return nil, rarity{}, fmt.Errorf("kqlhunt gen: %w\n%s", err, out)
	}
	jsonDir := filepath.Join(b.work, "data", "json-lines")
	if err := os.MkdirAll(jsonDir, 0o755); err != nil {
		return nil, rarity{}, err
	}
	src := filepath.Join(jsonDir, table+".jsonl")
	rar, err := dilute(filepath.Join(gen, table+".jsonl"), src, keepOneIn, 5)
	if err != nil {
		return nil, rarity{}, err
	}
	os.RemoveAll(gen)
	var out []ready
	for _, f := range chosen {
		dir := filepath.Join(b.work, "data", slug(f.name))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, rarity{}, err
		}
		start := time.Now()
		data, duck, err := f.prepare(b, src, dir)
		if errors.Is(err, errSkip) {
			b.logf("%s: %v", f.name, err)
			out = append(out, ready{format: f, skip: err.Error()})
			continue
		}
		if err != nil {
			return nil, rarity{}, fmt.Errorf("%s: %w", f.name, err)
		}
		size, _ := dirSize(data)
		b.logf("%s: %s, %.0f MB, written in %v", f.name, data, float64(size)/1e6, time.Since(start).Round(time.Millisecond))
		out = append(out, ready{format: f, data: data, duck: duck, bytes: size})
	}
	return out, rar, nil
}

// A ready format has its files written.
type ready struct {
	format
	data, duck string
	bytes      int64
	skip       string // why the format was not run
}

func dirSize(path string) (int64, error) {
	var n int64
	err := filepath.WalkDir(path, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}

// all runs the whole benchmark.
func (b *bench) all(rows, keepOneIn, reps int, threads []int, chosen []format) (*results, error) {
	if err := os.MkdirAll(b.work, 0o755); err != nil {
		return nil, err
	}
	if err := b.setup(); err != nil {
		return nil, err
	}
	wls, err := workloads(b.repo, now)
	if err != nil {
		return nil, err
	}
	fmts, rar, err := b.prepare(rows, keepOneIn, chosen)
	if err != nil {
		return nil, err
	}
	res := &results{
		rows: rows, rarity: rar, threads: threads, reps: reps, threadsFlag: b.threads,
		machine: machine(), date: time.Now().UTC(), commit: gitCommit(b.repo), duckdb: b.duckdbVersion(),
	}
	out := filepath.Join(b.work, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	for _, f := range fmts {
		if f.skip != "" {
			res.skipped = append(res.skipped, fmt.Sprintf("%s: %s", f.name, f.skip))
			continue
		}
		res.formats = append(res.formats, f)
		for _, w := range wls {
			for _, n := range threads {
				c, err := b.cell(w, f, n, reps, out)
				if err != nil {
					return nil, fmt.Errorf("%s, %s, %d threads: %w", w.name, f.name, n, err)
				}
				res.cells = append(res.cells, c)
				b.logf("%-22s %-14s %d thr: %s", w.name, f.name, n, c.summary())
			}
		}
	}
	return res, nil
}

// A cell is one workload over one format at one thread count.
type cell struct {
	workload string
	format   string
	threads  int
	relative string // for hunt workloads compared with another workload

	kqlhunt, duckdb measure // best times; peak RSS is the largest seen
	hasDuck         bool
	rows            int    // rows kqlhunt returned
	diff            string // how the answers differed; "" when they agree
}

func (c cell) summary() string {
	s := fmt.Sprintf("kqlhunt %.3fs (%d MiB)", c.kqlhunt.elapsed.Seconds(), c.kqlhunt.rssKiB/1024)
	if c.hasDuck {
		s += fmt.Sprintf(", DuckDB %.3fs (%d MiB), ratio %.2f, %d rows", c.duckdb.elapsed.Seconds(), c.duckdb.rssKiB/1024,
			c.duckdb.elapsed.Seconds()/c.kqlhunt.elapsed.Seconds(), c.rows)
		if c.diff != "" {
			s += ", ANSWERS DIFFER: " + c.diff
		}
	}
	return s
}

// cell runs workload w over format f on n threads, reps times for each tool,
// alternating which runs first.
func (b *bench) cell(w workload, f ready, n, reps int, out string) (cell, error) {
	c := cell{workload: w.name, format: f.name, threads: n, relative: w.relativeTo, hasDuck: w.hunt == nil}
	base := filepath.Join(out, slug(w.name)+"."+slug(f.name)+"."+strconv.Itoa(n))
	var kArgv, kEnv []string
	if w.hunt != nil {
		args := append([]string{"hunt"}, w.hunt...)
		args = append(args, "--data", f.data, "--now", now.Format(time.RFC3339), "--format", "jsonl", "--progress", "never")
		kArgv, kEnv = b.kqlhuntArgs(n, args...)
	} else {
		kArgv, kEnv = b.kqlhuntArgs(n, "query", "--data", f.data, "--now", now.Format(time.RFC3339), "--format", "jsonl", w.kql)
	}
	sqlFile := base + ".sql"
	if c.hasDuck {
		query := "WITH " + table + " AS (" + f.duck + ")\n" + w.sql + "\n"
		if err := os.WriteFile(sqlFile, []byte(query), 0o644); err != nil {
			return c, err
		}
	}
	dArgv := []string{b.duckrun, "-threads", strconv.Itoa(n), "-sql", sqlFile}
	kOut, dOut := base+".kqlhunt.jsonl", base+".duckdb.jsonl"
	runK := func() error {
		m, err := b.runProcess(kArgv, kEnv, kOut)
		if err != nil {
			return err
		}
		c.kqlhunt = best(c.kqlhunt, m)
		return nil
	}
	runD := func() error {
		if !c.hasDuck {
			return nil
		}
		m, err := b.runProcess(dArgv, nil, dOut)
		if err != nil {
			return err
		}
		c.duckdb = best(c.duckdb, m)
		return nil
	}
	for i := range reps {
		first, second := runK, runD
		if i%2 == 1 {
			first, second = runD, runK
		}
		if err := first(); err != nil {
			return c, err
		}
		if err := second(); err != nil {
			return c, err
		}
	}
	kRows, err := normalRows(kOut)
	if err != nil {
		return c, err
	}
	c.rows = len(kRows)
	if c.hasDuck {
		diff, err := sameRows(kOut, dOut)
		if err != nil {
			return c, err
		}
		c.diff = diff
	}
	return c, nil
}

// best keeps the shorter time and the larger peak RSS of two runs.
func best(a, b measure) measure {
	if a.elapsed == 0 || (b.elapsed > 0 && b.elapsed < a.elapsed) {
		a.elapsed = b.elapsed
	}
	a.rssKiB = max(a.rssKiB, b.rssKiB)
	return a
}

// duckQuery runs query with duckrun and returns its JSON lines.
func (b *bench) duckQuery(query string) (string, error) {
	file := filepath.Join(b.work, "query.sql")
	if err := os.WriteFile(file, []byte(query), 0o644); err != nil {
		return "", err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(b.ctx, b.duckrun, "-sql", file)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("duckrun %s: %w\n%s", query, err, stderr.String())
	}
	return string(out), nil
}

func (b *bench) duckdbVersion() string {
	out, err := b.duckQuery("SELECT version() AS v")
	if err != nil {
		return "?"
	}
	s := strings.TrimSpace(out)
	s = strings.TrimPrefix(s, `{"v":"`)
	return strings.TrimSuffix(s, `"}`)
}

func gitCommit(repo string) string {
	out, err := exec.Command("git", "-C", repo, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// machine describes the computer: cores, CPU model, memory, OS.
func machine() string {
	cpu, mem := "?", "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				kib, _ := strconv.ParseInt(f[1], 10, 64)
				mem = fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
			}
		}
	}
	return fmt.Sprintf("%d cores (nproc), %s, %s memory, %s/%s", runtime.NumCPU(), cpu, mem, runtime.GOOS, runtime.GOARCH)
}
