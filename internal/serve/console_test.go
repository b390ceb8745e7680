package serve

import (
	"bufio"
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/serve/console"
)

// newTestServer opens a server over an empty store with a tokens file,
// so that the console is seen as a user with tokens sees it.
func consoleTestServer(t *testing.T) *Server {
	t.Helper()
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokens, []byte("s3cret read\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), Options{Store: filepath.Join(dir, "store"), Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func consoleGet(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

var (
	consoleAssetRef  = regexp.MustCompile(`(?:href|src)="(/assets/[^"]+)"`)
	consoleImportRef = regexp.MustCompile(`(?m)^import .* from "\./([^"]+)";$`)
)

// TestConsoleAssets checks that the console's page and every file it
// loads are served, without a token, with their types and the content
// security policy, and that nothing else under /assets/ is.
func TestConsoleAssets(t *testing.T) {
	srv := httptest.NewServer(consoleTestServer(t).Handler())
	defer srv.Close()

	res, page := consoleGet(t, srv.URL+"/")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / answered %d %q, expected 200 text/html", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("GET / has the content security policy %q, expected one that allows only the server", csp)
	}
	// Follow the page's references and the scripts' imports.
	var want []string
	for _, m := range consoleAssetRef.FindAllStringSubmatch(page, -1) {
		want = append(want, m[1])
	}
	if len(want) < 2 {
		t.Fatalf("the page refers to %v, expected a style sheet and a script", want)
	}
	seen := map[string]bool{}
	for len(want) > 0 {
		path := want[0]
		want = want[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		res, body := consoleGet(t, srv.URL+path)
		if res.StatusCode != 200 {
			t.Errorf("GET %s answered %d, expected 200", path, res.StatusCode)
			continue
		}
		ct := res.Header.Get("Content-Type")
		switch {
		case strings.HasSuffix(path, ".js") && !strings.HasPrefix(ct, "text/javascript"):
			t.Errorf("GET %s has the type %q, expected text/javascript (modules need it)", path, ct)
		case strings.HasSuffix(path, ".css") && !strings.HasPrefix(ct, "text/css"):
			t.Errorf("GET %s has the type %q, expected text/css", path, ct)
		}
		for _, m := range consoleImportRef.FindAllStringSubmatch(body, -1) {
			want = append(want, "/assets/"+m[1])
		}
	}
	// Every embedded file is reached from the page: none is dead.
	fs.WalkDir(console.Assets(), ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && name != "index.html" && !seen["/assets/"+name] {
			t.Errorf("the embedded file %s is not loaded by the page", name)
		}
		return nil
	})
	for _, path := range []string{"/assets/", "/assets/nope.js", "/assets/../serve.go", "/assets/index.html", "/assets/%2e%2e/console.go"} {
		if res, _ := consoleGet(t, srv.URL+path); res.StatusCode != 404 {
			t.Errorf("GET %s answered %d, expected 404", path, res.StatusCode)
		}
	}
}

// TestConsoleAssetsStayHome checks that no asset names a resource beyond
// the server: no URL with a scheme (but the SVG namespace, which is a
// name, not a request), no CSS import, no protocol-relative URL.
func TestConsoleAssetsStayHome(t *testing.T) {
	far := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(`)
	fs.WalkDir(console.Assets(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(console.Assets(), name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			line = strings.ReplaceAll(line, `"http://www.w3.org/2000/svg"`, "")
			if m := far.FindString(line); m != "" {
				t.Errorf("%s:%d: %q reaches beyond the server: %s", name, i+1, m, strings.TrimSpace(line))
			}
		}
		return nil
	})
}

// TestConsoleBuilt builds kqlhunt with go build alone, runs `kqlhunt
// serve` from an empty folder, and checks that it serves the console's
// files as they are embedded: nothing is read from the source tree at run
// time and no other build step is needed.
func TestConsoleBuilt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the kqlhunt binary: run without -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kqlhunt")
	build := exec.Command("go", "build", "-o", bin, "github.com/kqlhunt/kqlhunt/cmd/kqlhunt")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	work := filepath.Join(dir, "empty")
	os.Mkdir(work, 0o755)
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--store", filepath.Join(dir, "store"))
	cmd.Dir = work
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	lines := bufio.NewScanner(stderr)
	base := ""
	for lines.Scan() {
		if m := regexp.MustCompile(`serving on (http://[^/ ]+)/`).FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		t.Fatalf("kqlhunt serve did not say where it listens")
	}
	go io.Copy(io.Discard, stderr)
	fs.WalkDir(console.Assets(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		path := "/assets/" + name
		if name == "index.html" {
			path = "/"
		}
		want, _ := fs.ReadFile(console.Assets(), name)
		res, got := consoleGet(t, base+path)
		if res.StatusCode != 200 || got != string(want) {
			t.Errorf("the built kqlhunt answers GET %s with %d and %d bytes, expected 200 and the %d embedded bytes", path, res.StatusCode, len(got), len(want))
		}
		return nil
	})
}
