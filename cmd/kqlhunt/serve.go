package main

import (
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/serve"
	"github.com/kqlhunt/kqlhunt/internal/serve/clock"
)

func serveCommand(e *env) *cobra.Command {
	var o serve.Options
	var cat catalogFlags
	var clockStart, now string
	cmd := &cobra.Command{
		Use:   "serve --store DIR [--data PATH]... [--rules PATH | --pack NAME]...",
		Short: "Serve the hunting loop: ingestion, scheduled rules and alerts, an HTTP API and a web console",
		Long: `Serve kqlhunt over HTTP: telemetry posted to /ingest (or dropped in a --watch
folder) is stored durably in --store before it is acknowledged; rules with a
queryFrequency run on schedule over contiguous windows and their alerts go to
the sinks; the console at / runs queries, shows findings, alerts, rules and
tables; the API is described at /api/openapi.json.

The server listens on loopback unless told otherwise: another address needs
--tls-cert and --tls-key, or --insecure. With --tokens, every request but
/healthz needs a bearer token with the right scope (read, ingest, admin).`,
		Example: `  kqlhunt serve --store /tmp/k --data examples/telemetry --rules examples/rules
  # then open http://127.0.0.1:8080/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Store == "" {
				return fail(exitUsage, "serve needs --store DIR")
			}
			c, err := cat.catalog(o.RulePaths)
			if err != nil {
				return err
			}
			o.Catalog = c
			if now != "" {
				t, err := time.Parse(time.RFC3339Nano, now)
				if err != nil {
					return fail(exitUsage, "--now %q: expected an RFC 3339 time such as 2025-03-05T00:00:00Z", now)
				}
				o.Now = t
			}
			if clockStart != "" {
				t, err := time.Parse(time.RFC3339, clockStart)
				if err != nil {
					return fail(exitUsage, "--clock %q: expected an RFC 3339 time such as 2025-03-05T00:00:00Z", clockStart)
				}
				o.Clock = clock.NewManual(t)
			}
			o.Log = e.stderr
			if err := serve.CheckAddr(o.Addr, o.TLSCert != "" || o.TLSKey != "", o.Insecure); err != nil {
				return fail(exitUsage, "%v", err)
			}
			s, err := serve.New(e.ctx, o)
			if err != nil {
				return fail(exitUsage, "%v", err)
			}
			defer s.Close()
			scheme := "http"
			if o.TLSCert != "" {
				scheme = "https"
			}
			return s.Serve(e.ctx, func(addr net.Addr) {
				fmt.Fprintf(e.stderr, "kqlhunt serving on %s://%s/ (store %s)\n", scheme, addr, o.Store)
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Addr, "addr", "127.0.0.1:8080", "`HOST:PORT` to listen on; beyond loopback it needs --tls-cert/--tls-key or --insecure")
	fl.StringVar(&o.Store, "store", "", "`DIR` the server owns: write-ahead log, ingested telemetry, scheduler state, findings and alerts")
	fl.StringArrayVar(&o.Data, "data", nil, "telemetry file, folder or glob read as it is, beside what is ingested (repeatable)")
	engineFlag(cmd, &o.Engine, "store ingested rows and run queries")
	fl.StringArrayVar(&o.RulePaths, "rules", nil, "rule file or folder (repeatable)")
	fl.StringArrayVar(&o.Packs, "pack", nil, "built-in rule pack `NAME` (repeatable)")
	fl.StringVar(&o.Exclusions, "exclusions", "", "exclusions `FILE` applied to every rule")
	fl.StringVar(&o.Tokens, "tokens", "", "bearer tokens `FILE`: one 'TOKEN SCOPE[,SCOPE...]' per line, scopes read, ingest, admin")
	fl.StringVar(&o.AlertsWebhook, "alerts-webhook", "", "`URL` that receives each alert as a JSON POST (retried until delivered)")
	fl.StringVar(&o.AlertsFile, "alerts-file", "", "`FILE` that receives each alert as a JSON line")
	fl.BoolVar(&o.AlertsStdout, "alerts-stdout", false, "print each alert as a JSON line on standard output")
	fl.StringArrayVar(&o.Watch, "watch", nil, "`DIR` whose new export files are ingested, each once (repeatable)")
	fl.StringVar(&o.TLSCert, "tls-cert", "", "certificate `FILE` (PEM) to serve HTTPS")
	fl.StringVar(&o.TLSKey, "tls-key", "", "private key `FILE` (PEM) of --tls-cert")
	fl.BoolVar(&o.Insecure, "insecure", false, "allow plain HTTP on an address beyond loopback")
	fl.StringVar(&now, "now", "", "the `TIME` (RFC 3339) that now() and ago() read in queries and hunts that do not give theirs; default: the end of the --data telemetry when it is past, else the clock (scheduled rules always run on the clock)")
	fl.StringVar(&clockStart, "clock", "", "start a manual clock at `TIME` (RFC 3339), moved by POST /api/admin/clock: for tests of schedules")
	fl.DurationVar(&o.Limits.QueryTimeout, "query-timeout", time.Minute, "longest run of one API query")
	cat.register(cmd, true)
	return cmd
}
