package serve

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Metrics are the server's counters and durations, written in the
// Prometheus text format at /metrics.
type Metrics struct {
	mu       sync.Mutex
	help     map[string]string
	counters map[string]map[string]float64 // name → labels → value
	hists    map[string]map[string]*histogram
}

// durationBuckets are the upper bounds, in seconds, of the duration
// histograms.
var durationBuckets = []float64{0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60}

type histogram struct {
	counts []uint64 // per bucket, cumulative when written
	sum    float64
	n      uint64
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics {
	return &Metrics{help: map[string]string{}, counters: map[string]map[string]float64{}, hists: map[string]map[string]*histogram{}}
}

// Labels are a metric's labels, as name, value pairs.
type Labels []string

func (l Labels) key() string {
	if len(l) == 0 {
		return ""
	}
	var b strings.Builder
	for i := 0; i+1 < len(l); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", l[i], l[i+1])
	}
	return b.String()
}

// Add adds v to the counter name with labels; help describes the metric.
func (m *Metrics) Add(name, help string, labels Labels, v float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.help[name] = help
	c := m.counters[name]
	if c == nil {
		c = map[string]float64{}
		m.counters[name] = c
	}
	c[labels.key()] += v
}

// Observe records a duration in the histogram name with labels.
func (m *Metrics) Observe(name, help string, labels Labels, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.help[name] = help
	hs := m.hists[name]
	if hs == nil {
		hs = map[string]*histogram{}
		m.hists[name] = hs
	}
	h := hs[labels.key()]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(durationBuckets))}
		hs[labels.key()] = h
	}
	sec := d.Seconds()
	for i, b := range durationBuckets {
		if sec <= b {
			h.counts[i]++
		}
	}
	h.sum += sec
	h.n++
}

// Counter returns the value of a counter, for tests.
func (m *Metrics) Counter(name string, labels Labels) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.counters[name][labels.key()]
}

// WriteText writes every metric in the Prometheus text exposition format.
func (m *Metrics) WriteText(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(m.counters)) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", name, m.help[name], name)
		for _, l := range slices.Sorted(maps.Keys(m.counters[name])) {
			fmt.Fprintf(w, "%s%s %s\n", name, braces(l), formatFloat(m.counters[name][l]))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(m.hists)) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", name, m.help[name], name)
		for _, l := range slices.Sorted(maps.Keys(m.hists[name])) {
			h := m.hists[name][l]
			for i, b := range durationBuckets {
				fmt.Fprintf(w, "%s_bucket%s %d\n", name, braces(join(l, fmt.Sprintf("le=%q", formatFloat(b)))), h.counts[i])
			}
			fmt.Fprintf(w, "%s_bucket%s %d\n", name, braces(join(l, `le="+Inf"`)), h.n)
			fmt.Fprintf(w, "%s_sum%s %s\n", name, braces(l), formatFloat(h.sum))
			fmt.Fprintf(w, "%s_count%s %d\n", name, braces(l), h.n)
		}
	}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "," + b
}

func braces(l string) string {
	if l == "" {
		return ""
	}
	return "{" + l + "}"
}

func formatFloat(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%g", v)
}
