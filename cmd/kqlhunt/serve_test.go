package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestREADMEServe runs the README's serve command (on a free port, the
// store in a temporary folder) and does what a new user does in the
// console: runs the seed rule's query and a chart of it, and reads the
// rule's findings.
func TestREADMEServe(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(?m)^go run \./cmd/kqlhunt (serve .*)$`).FindSubmatch(readme)
	if line == nil {
		t.Fatal("README has no 'go run ./cmd/kqlhunt serve' line")
	}
	var args []string
	for _, a := range strings.Fields(string(line[1])) {
		switch {
		case a == "/tmp/k":
			a = t.TempDir()
		case strings.HasPrefix(a, "examples/"):
			a = "../../" + a
		}
		args = append(args, a)
	}
	args = append(args, "--addr", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, strings.NewReader(""), io.Discard, &stderr) }()
	serving := regexp.MustCompile(`serving on (http://[0-9.:]+)/`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := serving.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("%v: exit %d before serving: %s", args, code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%v: not serving after 20 s: %s", args, stderr.String())
		}
	}

	var rule struct{ Query string }
	src, err := os.ReadFile("../../examples/rules/screenmeet_netconn.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(src, &rule); err != nil {
		t.Fatal(err)
	}
	post := func(query string) (rows int, chart map[string]any) {
		// No now: the server's default, the end of the --data telemetry.
		body, _ := json.Marshal(map[string]string{"query": query})
		resp, err := http.Post(base+"/api/query", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var res struct {
			Rows  [][]any
			Chart map[string]any
			Error string
		}
		if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != 200 {
			t.Fatalf("expected 200, got %d %v %s", resp.StatusCode, err, res.Error)
		}
		return len(res.Rows), res.Chart
	}
	if rows, chart := post(rule.Query); rows != 4 || chart != nil {
		t.Errorf("the seed query: expected 4 rows and no chart, got %d rows, chart %v", rows, chart)
	}
	if rows, chart := post(rule.Query + "\n| summarize Connections = sum(Count) by DeviceName\n| render columnchart"); rows != 2 || chart == nil || chart["kind"] != "columnchart" || chart["xcolumn"] != "DeviceName" {
		t.Errorf("the seed query's chart: expected 2 rows and a columnchart by DeviceName, got %d rows, chart %v", rows, chart)
	}
	// The hunt the server runs on start records the rule's findings.
	var findings []map[string]any
	for deadline := time.Now().Add(20 * time.Second); len(findings) == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(base + "/api/findings")
		if err != nil {
			t.Fatal(err)
		}
		var res struct{ Findings []map[string]any }
		json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		findings = res.Findings
	}
	if len(findings) != 4 || findings[0]["rule"] == "" {
		t.Errorf("expected the seed rule's 4 findings, got %d: %v", len(findings), findings)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d after the context ended: %s", code, stderr.String())
	}
}
