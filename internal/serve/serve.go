// Package serve is `kqlhunt serve`: the Sentinel loop on the user's own
// machine. It ingests telemetry durably (a write-ahead log, then Parquet by
// table and hour in the store), runs scheduled rules over contiguous
// windows and delivers their alerts, and answers an HTTP API and a web
// console. It is a shell around the product layer (internal/hunt) and the
// one door (kql): it runs no query of its own.
//
// The server is made of parts, each in its own file: ingestion and the
// store (ingest.go, package store), the scheduler and alerts (sched.go,
// packages sched and alerts), the query API (api.go) and the console
// (console.go). serve.go holds what they share: options, routes, tokens,
// limits and the listener.
package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/kqlhunt/kqlhunt/internal/hunt"
	"github.com/kqlhunt/kqlhunt/internal/serve/clock"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Options configure a server.
type Options struct {
	// Addr is the address to listen on, such as 127.0.0.1:8080.
	Addr string
	// Store is the folder the server owns: write-ahead log, ingested
	// telemetry, scheduler state, findings and alerts.
	Store string
	// Data are telemetry files and folders read as they are, beside
	// what is ingested.
	Data []string
	// Engine is a ClickHouse URL (clickhouse://host:9000/db) that
	// receives ingested rows and runs the queries, or "".
	Engine string
	// RulePaths and Packs are the rules, as hunt.LoadRules takes them.
	RulePaths []string
	Packs     []string
	// Exclusions is an exclusions file, or "".
	Exclusions string
	// Catalog is the tables queries are checked against (kql.Builtin
	// when nil).
	Catalog *kql.Catalog
	// Tokens is the tokens file; without it every request is allowed
	// (the listener is then loopback unless Insecure).
	Tokens string
	// AlertsWebhook, AlertsFile and AlertsStdout are the alert sinks.
	AlertsWebhook string
	AlertsFile    string
	AlertsStdout  bool
	// Watch are folders whose new export files are ingested, polled
	// every WatchInterval (2 s by default).
	Watch         []string
	WatchInterval time.Duration
	// TLSCert and TLSKey serve HTTPS.
	TLSCert, TLSKey string
	// Insecure allows a non-loopback address without TLS.
	Insecure bool
	// Now, when set, is the instant now() reads in queries and hunts that
	// do not give theirs (see defaultNow); scheduled rules run on Clock.
	Now time.Time
	// Clock is the server's time; clock.Real{} when nil. A *clock.Manual
	// is moved by POST /api/admin/clock.
	Clock clock.Clock
	// Limits bound queries and request bodies.
	Limits Limits
	// Log receives the server's messages.
	Log io.Writer
}

// Limits bound what one request may cost.
type Limits struct {
	// QueryTimeout bounds a query's run (default 60 s).
	QueryTimeout time.Duration
	// QueryRows and QueryBytes bound a query's answer; past them the
	// answer is cut and flagged truncated, as Azure Data Explorer does
	// (defaults 500,000 rows and 64 MB).
	QueryRows  int
	QueryBytes int64
	// QueryMemory bounds the memory of a query's run (default 2 GiB).
	QueryMemory int64
	// Queries is how many queries and hunts run at once (default 2), so
	// that queries cannot starve ingestion.
	Queries int
	// BodyBytes bounds an API request body (default 1 MiB);
	// IngestBytes an ingestion body (default 64 MiB).
	BodyBytes   int64
	IngestBytes int64
}

func (l *Limits) defaults() {
	if l.QueryTimeout == 0 {
		l.QueryTimeout = time.Minute
	}
	if l.QueryRows == 0 {
		l.QueryRows = 500_000
	}
	if l.QueryBytes == 0 {
		l.QueryBytes = 64 << 20
	}
	if l.QueryMemory == 0 {
		l.QueryMemory = 2 << 30
	}
	if l.Queries == 0 {
		l.Queries = 2
	}
	if l.BodyBytes == 0 {
		l.BodyBytes = 1 << 20
	}
	if l.IngestBytes == 0 {
		l.IngestBytes = 64 << 20
	}
}

// Server is a running kqlhunt server.
type Server struct {
	opts    Options
	clock   clock.Clock
	tokens  *Tokens
	rules   *hunt.RuleSet
	metrics *Metrics
	// queries limits the queries and hunts that run at once.
	queries chan struct{}
	// dataEnd is the latest row time of the --data telemetry, read when
	// the server starts (zero when not read): see defaultNow.
	dataEnd time.Time

	ingest  ingestPart
	sched   schedPart
	api     apiPart
	console consolePart
}

// New opens the store (recovering what a crash left), loads the rules
// and starts ingestion and the scheduler. Close stops them.
func New(ctx context.Context, opts Options) (*Server, error) {
	if opts.Store == "" {
		return nil, errors.New("serve needs --store DIR")
	}
	if opts.Catalog == nil {
		opts.Catalog = kql.Builtin()
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	opts.Limits.defaults()
	s := &Server{opts: opts, clock: opts.Clock, metrics: NewMetrics(), queries: make(chan struct{}, opts.Limits.Queries)}
	if opts.Tokens != "" {
		t, err := LoadTokens(opts.Tokens)
		if err != nil {
			return nil, err
		}
		s.tokens = t
	}
	if len(opts.RulePaths) > 0 || len(opts.Packs) > 0 {
		rs, err := hunt.LoadRules(opts.RulePaths, opts.Packs)
		if err != nil {
			return nil, err
		}
		s.rules = rs
	}
	if len(opts.Data) > 0 && opts.Now.IsZero() && !s.isManualClock() {
		end, err := dataEnd(ctx, opts.Data, opts.Catalog)
		if err != nil {
			return nil, fmt.Errorf("--data: %v", err)
		}
		s.dataEnd = end
		if now := s.defaultNow(); now.Equal(end) {
			fmt.Fprintf(opts.Log, "kqlhunt: queries and hunts read now() as %s, the end of the --data telemetry (--now chooses another instant; scheduled rules run on the clock)\n", now.UTC().Format(time.RFC3339Nano))
		}
	}
	if err := s.ingest.open(ctx, s); err != nil {
		return nil, err
	}
	if err := s.api.open(ctx, s); err != nil {
		s.ingest.close()
		return nil, err
	}
	if err := s.sched.open(ctx, s); err != nil {
		s.api.close()
		s.ingest.close()
		return nil, err
	}
	return s, nil
}

// Close stops the scheduler and ingestion and closes the store.
func (s *Server) Close() error {
	return errors.Join(s.sched.close(), s.api.close(), s.ingest.close())
}

// Scope is what a token allows.
type Scope string

// The scopes: read runs queries and reads results, ingest posts
// telemetry, admin does everything (and moves a manual clock).
const (
	ScopeNone   Scope = ""
	ScopeRead   Scope = "read"
	ScopeIngest Scope = "ingest"
	ScopeAdmin  Scope = "admin"
)

// route is one endpoint: its method and pattern (net/http's), the scope
// it needs and its handler.
type route struct {
	pattern string
	scope   Scope
	// body bounds the request body; 0 takes Limits.BodyBytes.
	body    int64
	handler http.HandlerFunc
}

// routes lists every endpoint; each part adds its own.
func (s *Server) routes() []route {
	rs := []route{
		{pattern: "GET /healthz", handler: s.handleHealth},
		{pattern: "GET /metrics", scope: ScopeRead, handler: s.handleMetrics},
	}
	rs = append(rs, s.ingest.routes()...)
	rs = append(rs, s.api.routes()...)
	rs = append(rs, s.sched.routes()...)
	rs = append(rs, s.console.routes()...)
	return rs
}

// Handler is the server's HTTP handler: every route behind its scope
// and body limit.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range s.routes() {
		mux.Handle(r.pattern, s.guard(r))
	}
	return mux
}

// guard checks the request's token against the route's scope and bounds
// its body.
func (s *Server) guard(r route) http.Handler {
	limit := r.body
	if limit == 0 {
		limit = s.opts.Limits.BodyBytes
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.scope != ScopeNone && s.tokens != nil {
			switch scopes, ok := s.tokens.Check(req.Header.Get("Authorization")); {
			case !ok:
				w.Header().Set("WWW-Authenticate", `Bearer realm="kqlhunt"`)
				writeError(w, http.StatusUnauthorized, "a bearer token is required (Authorization: Bearer TOKEN)")
				return
			case !scopes.Allows(r.scope):
				writeError(w, http.StatusForbidden, fmt.Sprintf("the token lacks the %s scope", r.scope))
				return
			}
		}
		req.Body = http.MaxBytesReader(w, req.Body, limit)
		r.handler(w, req)
	})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.WriteText(w)
}

// CheckAddr refuses a listening address that is not loopback unless
// the server has TLS or insecure is set.
func CheckAddr(addr string, tls, insecure bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %v", addr, err)
	}
	if tls || insecure || isLoopback(host) {
		return nil
	}
	if host == "" {
		host = "every interface"
	}
	return fmt.Errorf("--addr %q listens on %s, beyond this machine: give --tls-cert and --tls-key, or --insecure to serve plain HTTP anyway", addr, host)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Serve listens on Options.Addr and serves until ctx is done, then shuts
// down gracefully. ready, when set, is called with the listening address
// once requests are accepted.
func (s *Server) Serve(ctx context.Context, ready func(addr net.Addr)) error {
	useTLS := s.opts.TLSCert != "" || s.opts.TLSKey != ""
	if useTLS && (s.opts.TLSCert == "" || s.opts.TLSKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	if err := CheckAddr(s.opts.Addr, useTLS, s.opts.Insecure); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(s.opts.Log, "kqlhunt: http: ", 0)}
	if useTLS {
		cert, err := tls.LoadX509KeyPair(s.opts.TLSCert, s.opts.TLSKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("--tls-cert/--tls-key: %v", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shut)
	<-done
	return err
}

// dataOptions names the telemetry queries and hunts read: the --data
// paths and what has been ingested, everything acknowledged included.
func (s *Server) dataOptions(ctx context.Context) (kql.DataOptions, error) {
	ingested, err := s.ingest.paths(ctx)
	if err != nil {
		return kql.DataOptions{}, err
	}
	paths := append(append([]string(nil), s.opts.Data...), ingested...)
	return kql.DataOptions{Paths: paths}, nil
}
