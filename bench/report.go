package main

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// results are one run's measures and what they were measured on.
type results struct {
	rows        int
	rarity      rarity
	threads     []int
	reps        int
	threadsFlag bool
	machine     string
	date        time.Time
	commit      string
	duckdb      string
	formats     []ready
	skipped     []string
	cells       []cell
}

// failed reports whether any answers differed.
func (r *results) failed() bool {
	for _, c := range r.cells {
		if c.diff != "" {
			return true
		}
	}
	return false
}

func (r *results) find(workload, format string, threads int) (cell, bool) {
	for _, c := range r.cells {
		if c.workload == workload && c.format == format && c.threads == threads {
			return c, true
		}
	}
	return cell{}, false
}

// ratio is DuckDB's time over kqlhunt's, or for a workload compared with
// another, its kqlhunt time over the other's.
func (r *results) ratio(c cell) float64 {
	if c.relative != "" {
		o, ok := r.find(c.relative, c.format, c.threads)
		if !ok || o.kqlhunt.elapsed == 0 {
			return math.NaN()
		}
		return c.kqlhunt.elapsed.Seconds() / o.kqlhunt.elapsed.Seconds()
	}
	if !c.hasDuck || c.kqlhunt.elapsed == 0 {
		return math.NaN()
	}
	return c.duckdb.elapsed.Seconds() / c.kqlhunt.elapsed.Seconds()
}

// markdown renders the results as the body of docs/PERFORMANCE.md.
func (r *results) markdown(note string) string {
	var sb strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	p("# Performance: kqlhunt against DuckDB\n\n")
	p("Written by the benchmark program in `bench/` (see `bench/README.md`); re-run it to update this file:\n\n")
	p("```\ncd bench && go run . -rows %d -write ../docs/PERFORMANCE.md\n```\n\n", r.rows)
	p("- Date: %s\n", r.date.Format("2006-01-02 15:04 UTC"))
	p("- Machine: %s\n", r.machine)
	p("- kqlhunt: commit %s; DuckDB %s (github.com/duckdb/duckdb-go/v2)\n", r.commit, r.duckdb)
	p("- Data: %d generated DeviceNetworkEvents rows (`kqlhunt gen`), of which %d (%.2f%%) connect to a remote-access host and %d match the seed rule's term filters\n",
		r.rows, r.rarity.rmm, 100*float64(r.rarity.rmm)/float64(max(r.rarity.rows, 1)), r.rarity.seed)
	for _, f := range r.formats {
		p("  - %s: %.0f MB\n", f.name, float64(f.bytes)/1e6)
	}
	for _, s := range r.skipped {
		p("  - not run: %s\n", s)
	}
	p("- Each tool ran each workload %d times per format and thread count, alternately, as a whole process (start-up, reading, writing the result as JSON lines); the best time counts. Page cache warm.\n", r.reps)
	if r.threadsFlag {
		p("- Threads: kqlhunt `--threads N` and GOMAXPROCS=N; DuckDB `SET threads = N`.\n")
	} else {
		p("- Threads: this kqlhunt has no `--threads` flag, so GOMAXPROCS=N holds it to N cores; DuckDB `SET threads = N`.\n")
	}
	if note != "" {
		p("- Note: %s\n", note)
	}
	p("\n**Ratio** is DuckDB's time divided by kqlhunt's (above 1: kqlhunt is faster), except for the pack, where it is the pack's time divided by the seed rule's, both run with `kqlhunt hunt`. **RSS** is the peak resident memory of the process (GNU time `%%M`), the largest over the thread counts. Every DuckDB answer was compared with kqlhunt's (rows sorted; datetimes cut to microseconds, DuckDB's precision; null and empty strings equal): **Same** says whether they agreed.\n\n")

	// The table.
	p("| Workload | Format |")
	for _, n := range r.threads {
		p(" kqlhunt %s | DuckDB %s | Ratio %s |", thr(n), thr(n), thr(n))
	}
	p(" RSS | DuckDB RSS | Rows | Same |\n|---|---|")
	for range r.threads {
		p("--:|--:|--:|")
	}
	p("--:|--:|--:|---|\n")
	seen := map[string]bool{}
	for _, c0 := range r.cells {
		key := c0.workload + "\x00" + c0.format
		if seen[key] {
			continue
		}
		seen[key] = true
		p("| %s | %s |", c0.workload, c0.format)
		var rss, duckRSS int64
		same := "yes"
		rows := 0
		for _, n := range r.threads {
			c, ok := r.find(c0.workload, c0.format, n)
			if !ok {
				p(" | | |")
				continue
			}
			rss = max(rss, c.kqlhunt.rssKiB)
			duckRSS = max(duckRSS, c.duckdb.rssKiB)
			rows = c.rows
			if c.diff != "" {
				same = "**NO**"
			}
			duck := "—"
			if c.hasDuck {
				duck = secs(c.duckdb.elapsed)
			}
			ratio := r.ratio(c)
			rs := "—"
			if !math.IsNaN(ratio) {
				rs = fmt.Sprintf("%.2f", ratio)
				if c.relative != "" {
					rs += " × seed"
				}
			}
			p(" %s | %s | %s |", secs(c.kqlhunt.elapsed), duck, rs)
		}
		duckMem := "—"
		if c0.hasDuck {
			duckMem = fmt.Sprintf("%d MiB", duckRSS/1024)
		} else {
			same = "—"
		}
		p(" %d MiB | %s | %d | %s |\n", rss/1024, duckMem, rows, same)
	}

	// The targets.
	p("\n## Against the targets of issue 9\n\n")
	p("| Target | Measured |\n|---|---|\n")
	hi := r.threads[len(r.threads)-1]
	lo := r.threads[0]
	for _, f := range r.formats {
		var ratios []float64
		for _, c := range r.cells {
			if c.format == f.name && c.threads == hi && c.hasDuck {
				ratios = append(ratios, r.ratio(c))
			}
		}
		if len(ratios) > 0 {
			g, m := geomean(ratios), minimum(ratios)
			p("| %s, %s: geometric mean of the ratios ≥ 2, none below 1.5 | geometric mean %.2f, lowest %.2f |\n", f.name, thr(hi), g, m)
		}
	}
	jl := "JSON lines"
	if c, ok := r.find("seed rule", jl, lo); ok {
		p("| Seed rule, JSON lines, %s: ratio ≥ 2 | %.2f |\n", thr(lo), r.ratio(c))
	}
	if c1, ok := r.find("seed rule", jl, lo); ok {
		if c2, ok := r.find("seed rule", jl, hi); ok && hi != lo {
			p("| Seed rule, JSON lines: %s at least 1.7× faster than %s | %.2f× |\n", thr(hi), thr(lo), c1.kqlhunt.elapsed.Seconds()/c2.kqlhunt.elapsed.Seconds())
		}
	}
	for _, f := range r.formats {
		if c, ok := r.find("rmm pack (hunt)", f.name, hi); ok {
			p("| RMM pack, %s, %s: at most 2× the seed rule | %.2f× |\n", f.name, thr(hi), r.ratio(c))
		}
	}
	if c, ok := r.find("seed rule", "Parquet", hi); ok {
		p("| Seed rule over Parquet: ratio ≥ 1 | %.2f |\n", r.ratio(c))
	}
	for _, w := range []string{"seed rule (hunt)", "rmm pack (hunt)"} {
		var rss int64
		for _, c := range r.cells {
			if c.workload == w {
				rss = max(rss, c.kqlhunt.rssKiB)
			}
		}
		if rss > 0 {
			p("| Peak RSS of %s < 256 MB (at %d rows) | %.0f MB |\n", w, r.rows, float64(rss)*1024/1e6)
		}
	}
	if r.failed() {
		p("\n## Differences\n\n")
		for _, c := range r.cells {
			if c.diff != "" {
				p("- %s, %s, %s: %s\n", c.workload, c.format, thr(c.threads), strings.ReplaceAll(c.diff, "\n", "\n  "))
			}
		}
	}
	return sb.String()
}

func thr(n int) string {
	if n == 1 {
		return "1 thread"
	}
	return fmt.Sprintf("%d threads", n)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func geomean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += math.Log(x)
	}
	return math.Exp(s / float64(len(xs)))
}

func minimum(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = math.Min(m, x)
	}
	return m
}
