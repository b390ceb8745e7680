package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/serve/store"
	"github.com/kqlhunt/kqlhunt/kql"
)

// TestCrash is the crash test: a kqlhunt serve process is killed
// (SIGKILL) at random moments while several clients post batches with
// idempotency keys, and restarted on the same store; each client retries
// a batch not acknowledged, with the same key, until it is. In the end
// every row of every acknowledged batch must be in the store exactly once
// (ReportId is unique per row).
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test builds and kills the kqlhunt binary; run it without -short")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "kqlhunt")
	build := exec.Command("go", "build", "-o", bin, "github.com/kqlhunt/kqlhunt/cmd/kqlhunt")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(tmp, "store")

	var (
		mu   sync.Mutex
		addr string
		proc *exec.Cmd
	)
	start := func() {
		cmd := exec.Command(bin, "serve", "--store", dir, "--addr", "127.0.0.1:0")
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`serving on (http://[^/ ]+)/`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				mu.Lock()
				addr, proc = m[1], cmd
				mu.Unlock()
				go io.Copy(io.Discard, stderr)
				return
			}
			t.Logf("server: %s", sc.Text())
		}
		cmd.Wait()
		t.Fatalf("the server stopped before it served")
	}
	kill := func() {
		mu.Lock()
		p := proc
		addr = ""
		mu.Unlock()
		p.Process.Kill() // SIGKILL
		p.Wait()
	}
	current := func() string {
		mu.Lock()
		defer mu.Unlock()
		return addr
	}

	const (
		clients = 4
		rows    = 5
	)
	start()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// Each client posts batches until stop, a batch retried until it is
	// acknowledged; acked[c] counts client c's batches acknowledged.
	acked := make([]int, clients)
	attempts := make([]int, clients)
	var stop sync.WaitGroup
	stop.Add(1)
	stopped := make(chan struct{})
	go func() { stop.Wait(); close(stopped) }()
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := 0; ; {
				select {
				case <-stopped:
					return
				default:
				}
				if ctx.Err() != nil {
					return
				}
				a := current()
				if a == "" {
					time.Sleep(5 * time.Millisecond)
					continue
				}
				var body strings.Builder
				for r := range rows {
					id := c*1_000_000 + b*100 + r
					fmt.Fprintf(&body, `{"time":"2025-03-04T%02d:00:00Z","category":"AdvancedHunting-DeviceNetworkEvents","properties":{"Timestamp":"2025-03-04T%02d:%02d:00Z","DeviceName":"ws-%d","ReportId":%d}}`+"\n", b%24, b%24, r, c, id)
				}
				req, _ := http.NewRequestWithContext(ctx, "POST", a+"/ingest", strings.NewReader(body.String()))
				req.Header.Set("Idempotency-Key", fmt.Sprintf("client-%d-batch-%d", c, b))
				attempts[c]++
				resp, err := client.Do(req)
				if err != nil {
					continue // killed: retry with the same key
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusAccepted {
					b++
					acked[c] = b
				}
			}
		}()
	}
	kills := 0
	for range 7 {
		time.Sleep(time.Duration(50+rand.IntN(250)) * time.Millisecond)
		kill()
		kills++
		start()
	}
	time.Sleep(100 * time.Millisecond)
	stop.Done()
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatalf("the clients did not finish in time")
	}
	retries, total := 0, 0
	for c := range clients {
		retries += attempts[c] - acked[c]
		total += acked[c] * rows
	}
	t.Logf("%d kills, %d rows acknowledged, %d posts retried", kills, total, retries)
	if retries == 0 {
		t.Fatalf("expected kills to interrupt posts, none was retried")
	}

	// Every acknowledged row exactly once, through the query API of the
	// running server (whose last batches are still in its log: a query
	// must read them too), then again after a last kill, from the
	// store's files as a restart recovers them.
	const count = "DeviceNetworkEvents | summarize n=count() by ReportId"
	resp, err := client.Post(current()+"/api/query", "application/json", strings.NewReader(`{"query": "`+count+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		Rows      [][2]int64 `json:"rows"`
		Truncated bool       `json:"truncated"`
		Error     string     `json:"error"`
	}
	err = json.NewDecoder(resp.Body).Decode(&answer)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || answer.Truncated {
		t.Fatalf("POST /api/query: %d %v %+v", resp.StatusCode, err, answer.Error)
	}
	seen := map[int64]int64{}
	for _, r := range answer.Rows {
		seen[r[0]] = r[1]
	}
	check(t, "through the API", seen, acked, rows, total)
	kill()

	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatalf("reopening the store: %v", err)
	}
	st.Close()
	cat := kql.Builtin()
	d, err := kql.OpenData(kql.DataOptions{Paths: []string{st.DataDir()}}, cat)
	if err != nil {
		t.Fatal(err)
	}
	q, err := kql.Compile(count, cat, kql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := q.Run(context.Background(), d, kql.Now())
	if err != nil {
		t.Fatal(err)
	}
	seen = map[int64]int64{}
	for r := range res[0].All() {
		seen[r[0].(int64)] = r[1].(int64)
	}
	check(t, "in the store after a kill", seen, acked, rows, total)
}

// check fails t unless seen (ReportId → rows) has every row of the
// batches acknowledged once.
func check(t *testing.T, where string, seen map[int64]int64, acked []int, rows, total int) {
	t.Helper()
	clients := len(acked)
	missing, doubled := 0, 0
	for c := range clients {
		for b := range acked[c] {
			for r := range rows {
				if seen[int64(c*1_000_000+b*100+r)] == 0 {
					missing++
				}
			}
		}
	}
	for _, n := range seen {
		if n > 1 {
			doubled++
		}
	}
	// A batch posted when the clients stopped may be stored without its
	// answer: at most one per client beyond those acknowledged.
	if missing > 0 || doubled > 0 || len(seen) < total || len(seen) > total+clients*rows {
		t.Fatalf("%s: expected each of %d acknowledged rows once, got %d missing, %d doubled, %d distinct", where, total, missing, doubled, len(seen))
	}
}
