package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/kql"
)

// limitFlags are the resource limits of subcommands that run queries.
type limitFlags struct {
	timeout   time.Duration
	maxMemory string
}

func (l *limitFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.DurationVar(&l.timeout, "timeout", 0, "stop after `DURATION` (e.g. 30s, 10m) with exit code 4; 0 for no limit")
	fl.StringVar(&l.maxMemory, "max-memory", "50%", "memory budget of the run: `SIZE` in bytes (512MiB, 4GB) or a percentage of the machine's memory; a query that would exceed it fails with exit code 4")
}

// errTimeLimit is the cause of a context that --timeout ended.
var errTimeLimit = errors.New("time limit reached")

// context returns ctx with the --timeout limit.
func (l *limitFlags) context(ctx context.Context) (context.Context, context.CancelFunc, error) {
	if l.timeout < 0 {
		return nil, nil, fail(exitUsage, "--timeout: expected a positive duration or 0, got %v", l.timeout)
	}
	if l.timeout == 0 {
		ctx, cancel := context.WithCancel(ctx)
		return ctx, cancel, nil
	}
	ctx, cancel := context.WithTimeoutCause(ctx, l.timeout, errTimeLimit)
	return ctx, cancel, nil
}

// memory returns the budget the queries get for what they hold, from the
// --max-memory budget of the whole process: the process also needs its
// code, stacks, the runtime's own memory and garbage not yet collected,
// for which a third of the budget (at most 256 MiB) is kept: with a
// quarter, garbage the collector had not reached yet took a 512 MiB
// process to its budget under load (TestBoundedMemory).
func (l *limitFlags) memory() (int64, error) {
	n, err := parseSize(l.maxMemory, machineMemory())
	if err != nil {
		return 0, fail(exitUsage, "--max-memory: %v", err)
	}
	// The collector works harder as the heap nears the budget, so that
	// garbage does not count against it.
	debug.SetMemoryLimit(n)
	return n - headroom(n), nil
}

// headroom is the part of a --max-memory budget of n bytes kept for the
// process itself.
func headroom(n int64) int64 { return min(n/3, 256<<20) }

// outcome turns the error of a run under ctx into the limits' exit code
// when a limit ended the run.
func (l *limitFlags) outcome(ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(context.Cause(ctx), errTimeLimit):
		return fail(exitLimit, "stopped: the time limit of %v was reached (--timeout)", l.timeout)
	case errors.Is(err, kql.ErrLimit):
		return fail(exitLimit, "%v%s", err, l.note())
	}
	return err
}

// note explains a memory limit smaller than --max-memory: the part of
// it kept for the process itself.
func (l *limitFlags) note() string {
	total, err := parseSize(l.maxMemory, machineMemory())
	if err != nil {
		return ""
	}
	return fmt.Sprintf(" (of --max-memory %s, %s go to the queries and the rest to the process itself)",
		l.maxMemory, humanBytes(total-headroom(total)))
}

// humanBytes writes n bytes in binary units.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d B", n)
}

// parseSize parses a size: a number of bytes with an optional unit (KB,
// MB, GB, TB in powers of 1000; KiB, MiB, GiB, TiB in powers of 1024) or a
// percentage of total.
func parseSize(s string, total int64) (int64, error) {
	t := strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(t, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f <= 0 || f > 100 {
			return 0, fmt.Errorf("expected a percentage from 0 to 100, got %q", s)
		}
		return int64(f / 100 * float64(total)), nil
	}
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("expected a size such as 512MiB, 4GB or 50%%, got %q", s)
	}
	return int64(f * mult), nil
}

// machineMemory returns the memory this process may use: the machine's,
// or its control group's limit when lower; 4 GiB when neither is known.
func machineMemory() int64 {
	total := int64(0)
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil {
					total = kb << 10
				}
			}
		}
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && (total == 0 || n < total) {
			total = n
		}
	}
	if total == 0 {
		total = 4 << 30
	}
	return total
}
