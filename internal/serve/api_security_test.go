package serve

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"go/ast"
	"go/parser"
	"go/token"
	"math/big"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/serve/clock"
)

// securityRoutes returns the method and a concrete path of every route
// of s, with its scope and body limit.
func securityRoutes(s *Server) []route {
	var out []route
	for _, r := range s.routes() {
		key := routeKey(r.pattern)
		key = strings.ReplaceAll(key, "{file}", "app.js")
		r.pattern = key
		out = append(out, r)
	}
	return out
}

func splitKey(key string) (method, path string) {
	method, path, _ = strings.Cut(key, " ")
	return method, path
}

// TestSecurityTokens checks every route behind a scope: no token or an
// unknown one is 401 with WWW-Authenticate, a token without the scope is
// 403, a token with it (or admin) passes; routes without a scope need no
// token.
func TestSecurityTokens(t *testing.T) {
	dir := t.TempDir()
	apiWriteFile(t, filepath.Join(dir, "tokens"), "# the tokens of the test\nr-token read\ni-token ingest\na-token admin\nri-token read,ingest\n")
	start, _ := time.Parse(time.RFC3339, seedNow)
	s, ts := apiTestServer(t, Options{Tokens: filepath.Join(dir, "tokens"), Clock: clock.NewManual(start)})
	holders := map[Scope][]string{ScopeRead: {"r-token", "ri-token"}, ScopeIngest: {"i-token", "ri-token"}}
	send := func(key, auth string) (int, http.Header) {
		method, path := splitKey(key)
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader("{}"))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header
	}
	for _, r := range securityRoutes(s) {
		key := r.pattern
		if r.scope == ScopeNone {
			if code, _ := send(key, ""); code == 401 || code == 403 {
				t.Errorf("%s: expected no token needed, got %d", key, code)
			}
			continue
		}
		for _, auth := range []string{"", "Bearer ", "Bearer nope", "Basic r-token", "bearer r-token", "Bearer r-toke", "Bearer r-token\tx", "r-token"} {
			code, h := send(key, auth)
			if code != 401 || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s with %q: expected 401 with WWW-Authenticate, got %d", key, auth, code)
			}
		}
		for _, tok := range []string{"r-token", "i-token", "a-token", "ri-token"} {
			allowed := tok == "a-token"
			for _, h := range holders[r.scope] {
				allowed = allowed || h == tok
			}
			code, _ := send(key, "Bearer "+tok)
			switch {
			case allowed && (code == 401 || code == 403):
				t.Errorf("%s with %s: expected to pass, got %d", key, tok, code)
			case !allowed && code != 403:
				t.Errorf("%s with %s: expected 403, got %d", key, tok, code)
			}
		}
	}
	// Without a tokens file every request passes (on loopback).
	s2, ts2 := apiTestServer(t, Options{})
	for _, r := range securityRoutes(s2) {
		method, path := splitKey(r.pattern)
		req, _ := http.NewRequest(method, ts2.URL+path, strings.NewReader("{}"))
		resp, err := ts2.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 401 || resp.StatusCode == 403 {
			t.Errorf("%s without --tokens: expected to pass, got %d", r.pattern, resp.StatusCode)
		}
	}
}

// TestSecurityTokensFile checks the refusals of bad tokens files.
func TestSecurityTokensFile(t *testing.T) {
	dir := t.TempDir()
	for text, msg := range map[string]string{
		"tok\n":                 "expected TOKEN SCOPE[,SCOPE...], got 1 fields",
		"tok read extra\n":      "got 3 fields",
		"tok write\n":           `unknown scope "write"`,
		"tok read,\n":           `unknown scope ""`,
		"# only a comment\n\n":  "no token in the file",
		"tok read\nbad root\n":  `:2: unknown scope "root"`,
		"tok READ\n":            `unknown scope "READ"`,
		"tok read,admin\nx y\n": `unknown scope "y"`,
	} {
		path := filepath.Join(dir, "tokens")
		apiWriteFile(t, path, text)
		if _, err := LoadTokens(path); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: expected an error with %q, got %v", text, msg, err)
		}
		if _, err := New(context.Background(), Options{Store: t.TempDir(), Tokens: path}); err == nil {
			t.Errorf("%q: expected New to refuse the tokens file", text)
		}
	}
	if _, err := LoadTokens(filepath.Join(dir, "missing")); err == nil {
		t.Error("expected an error for a missing tokens file")
	}
}

// TestSecurityConstantTime checks, in tokens.go's source, that tokens
// are kept as digests and compared with subtle.ConstantTimeCompare, over
// every entry whatever matches (no break or return inside the loop), so
// that the time of a check tells nothing of the tokens.
func TestSecurityConstantTime(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "tokens.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var check *ast.FuncDecl
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Name.Name == "Check" && n.Recv != nil {
				check = n
			}
		case *ast.TypeSpec:
			if n.Name.Name == "tokenEntry" {
				for _, fld := range n.Type.(*ast.StructType).Fields.List {
					if id, ok := fld.Type.(*ast.Ident); ok && id.Name == "string" {
						t.Errorf("tokenEntry keeps a string field %v: expected digests only", fld.Names)
					}
				}
			}
		}
		return true
	})
	if check == nil {
		t.Fatal("no (*Tokens).Check in tokens.go")
	}
	var compares, loops int
	ast.Inspect(check.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok && x.Name == "subtle" && n.Sel.Name == "ConstantTimeCompare" {
				compares++
			}
		case *ast.RangeStmt:
			loops++
			ast.Inspect(n.Body, func(m ast.Node) bool {
				switch m := m.(type) {
				case *ast.BranchStmt:
					if m.Tok == token.BREAK || m.Tok == token.GOTO {
						t.Errorf("%v: the loop over the tokens stops early", fset.Position(m.Pos()))
					}
				case *ast.ReturnStmt:
					t.Errorf("%v: the loop over the tokens returns early", fset.Position(m.Pos()))
				}
				return true
			})
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				if id, ok := n.Y.(*ast.Ident); !ok || id.Name != "nil" {
					if lit, ok := n.Y.(*ast.BasicLit); !ok || lit.Value != "1" && lit.Value != `""` {
						t.Errorf("%v: a comparison with == or != in Check: expected only subtle.ConstantTimeCompare", fset.Position(n.Pos()))
					}
				}
			}
		}
		return true
	})
	if compares != 1 || loops != 1 {
		t.Errorf("expected one loop calling subtle.ConstantTimeCompare, got %d loops and %d calls", loops, compares)
	}
}

// TestSecurityCheckAddr checks which addresses need TLS or --insecure.
func TestSecurityCheckAddr(t *testing.T) {
	for _, c := range []struct {
		addr          string
		tls, insecure bool
		ok            bool
	}{
		{"127.0.0.1:8080", false, false, true},
		{"127.1.2.3:8080", false, false, true},
		{"[::1]:8080", false, false, true},
		{"localhost:8080", false, false, true},
		{"0.0.0.0:8080", false, false, false},
		{":8080", false, false, false},
		{"[::]:8080", false, false, false},
		{"10.0.0.5:8080", false, false, false},
		{"[fe80::1]:8080", false, false, false},
		{"example.com:8080", false, false, false},
		{"localhost.example.com:8080", false, false, false},
		{"0.0.0.0:8080", true, false, true},
		{"0.0.0.0:8080", false, true, true},
		{"example.com:443", true, false, true},
		{"127.0.0.1", false, false, false}, // no port
		{"", false, false, false},
	} {
		err := CheckAddr(c.addr, c.tls, c.insecure)
		if (err == nil) != c.ok {
			t.Errorf("CheckAddr(%q, tls %v, insecure %v): expected ok %v, got %v", c.addr, c.tls, c.insecure, c.ok, err)
		}
		if err != nil && c.addr != "" && strings.Contains(c.addr, ":") && !strings.Contains(err.Error(), "--tls-cert") && !strings.Contains(err.Error(), "missing port") {
			t.Errorf("CheckAddr(%q): expected the message to say how to allow it, got %v", c.addr, err)
		}
	}
	// Serve refuses such an address before it listens.
	s, err := New(context.Background(), Options{Store: t.TempDir(), Addr: "0.0.0.0:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	listened := false
	if err := s.Serve(context.Background(), func(net.Addr) { listened = true }); err == nil || listened || !strings.Contains(err.Error(), "--insecure") {
		t.Errorf("expected Serve to refuse 0.0.0.0 without TLS before listening, got %v (listened %v)", err, listened)
	}
}

// TestSecurityBodyLimits checks that every route with a body refuses one
// over its limit with 413, and takes one under it.
func TestSecurityBodyLimits(t *testing.T) {
	start, _ := time.Parse(time.RFC3339, seedNow)
	s, ts := apiTestServer(t, Options{Limits: Limits{BodyBytes: 300, IngestBytes: 400}, Clock: clock.NewManual(start)})
	posts := 0
	for _, r := range securityRoutes(s) {
		method, path := splitKey(r.pattern)
		if method != "POST" {
			continue
		}
		posts++
		limit := int64(300)
		if path == "/ingest" {
			limit = 400
		}
		big := `{"query": "` + strings.Repeat("x", int(limit)) + `"}`
		code, body := apiDo(t, ts, method, path, big, "")
		if code != 413 || !strings.Contains(string(body), "larger than") {
			t.Errorf("%s with %d bytes: expected 413, got %d %s", r.pattern, len(big), code, body)
		}
	}
	if posts < 3 {
		t.Errorf("expected at least 3 POST routes, got %d", posts)
	}
	if code, _ := apiDo(t, ts, "POST", "/api/query", `{"query": "print 1"}`, ""); code != 200 {
		t.Errorf("expected a small query to pass, got %d", code)
	}
}

// TestSecurityMalformed checks that every malformed body of every JSON
// route is a 400 with a message, and changes nothing: the tables' rows,
// the findings, the alerts and the clock are the same after.
func TestSecurityMalformed(t *testing.T) {
	start, _ := time.Parse(time.RFC3339, seedNow)
	s, ts := apiTestServer(t, Options{RulePaths: []string{"../../examples/rules"}, Clock: clock.NewManual(start)})
	routed := map[string]bool{}
	for _, r := range s.routes() {
		routed[routeKey(r.pattern)] = true
	}
	if s.sched.hunting != nil {
		<-s.sched.hunting // the hunt on start records findings
	}
	state := func() string {
		var b strings.Builder
		for _, key := range []string{"GET /api/tables", "GET /api/findings", "GET /api/alerts"} {
			if !routed[key] {
				continue
			}
			_, path := splitKey(key)
			code, body := apiDo(t, ts, "GET", path, nil, "")
			b.WriteString(key + " " + string(rune('0'+code/100)) + " " + string(body) + "\n")
		}
		b.WriteString(s.clock.Now().String())
		return b.String()
	}
	before := state()
	bodies := []string{"", "{", "[]", `"query"`, "null", "1", `{"nope": 1}`, `{} {}`, `{"query": "print 1"} x`, "\xff\xfe", `{"query": ["x"]}`, `{"offset": "1"}`, `{"rules": 1}`, `{"advance": 5}`}
	for _, r := range securityRoutes(s) {
		method, path := splitKey(r.pattern)
		if method != "POST" {
			continue
		}
		for _, b := range bodies {
			if path == "/ingest" {
				continue // ingestion takes lines and messages: its own tests
			}
			code, body := apiDo(t, ts, method, path, b, "")
			var e apiError
			if err := json.Unmarshal(body, &e); code != 400 || err != nil || e.Error == "" {
				t.Errorf("%s %q: expected 400 with a message, got %d %s", r.pattern, b, code, body)
			}
		}
	}
	if routed["POST /ingest"] {
		for _, b := range []string{"{", `{"records": [`, "\xff\xfe{"} {
			if code, body := apiDo(t, ts, "POST", "/ingest", b, ""); code != 400 {
				t.Errorf("POST /ingest %q: expected 400, got %d %s", b, code, body)
			}
		}
	}
	if after := state(); after != before {
		t.Errorf("malformed requests changed the state:\nbefore %s\nafter  %s", before, after)
	}
}

// TestSecurityTLS serves HTTPS with a self-signed certificate made by
// the test, and checks that a client trusting it gets answers and that
// plain HTTP gets none.
func TestSecurityTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kqlhunt test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	apiWriteFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	apiWriteFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}

	s, err := New(context.Background(), Options{Store: t.TempDir(), Addr: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile, Data: []string{apiTestData}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, func(a net.Addr) { addrs <- a }) }()
	var addr net.Addr
	select {
	case addr = <-addrs:
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + addr.String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("expected 200 over TLS 1.2 or newer, got %d %+v", resp.StatusCode, resp.TLS)
	}
	resp, err = client.Post("https://"+addr.String()+"/api/query", "application/json", strings.NewReader(`{"query": "DeviceNetworkEvents | count"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("expected a query over TLS to answer 200, got %d", resp.StatusCode)
	}
	// A client that does not trust the certificate is refused.
	if _, err := (&http.Client{Timeout: 10 * time.Second}).Get("https://" + addr.String() + "/healthz"); err == nil {
		t.Error("expected a client without the certificate to fail")
	}
	// Plain HTTP gets no answer of the API.
	if resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + addr.String() + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("expected plain HTTP to get no 200")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve after shutdown: %v", err)
	}

	// A certificate without its key, and a bad key, are refused.
	for _, o := range []Options{
		{Addr: "127.0.0.1:0", TLSCert: certFile},
		{Addr: "127.0.0.1:0", TLSCert: certFile, TLSKey: certFile},
	} {
		o.Store = t.TempDir()
		s, err := New(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Serve(context.Background(), func(net.Addr) { t.Error("expected no listening") }); err == nil || !strings.Contains(err.Error(), "--tls") {
			t.Errorf("%+v: expected a --tls error, got %v", o, err)
		}
		s.Close()
	}
}
