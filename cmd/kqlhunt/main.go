// Command kqlhunt runs Microsoft Sentinel and Defender XDR KQL hunting
// queries and rules over exported telemetry.
//
// Exit codes:
//
//	0  success
//	1  findings exist and --fail-on-findings was given, a detection test
//	   failed, or a conformance mode scored below --min
//	2  usage, query, rule or exclusion error
//	3  data error under --strict
//	4  a limit was reached: --timeout or --max-memory
//	130 interrupted (Ctrl-C)
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		// After the first Ctrl-C, which stops the run cleanly, a second
		// one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	stopProfile := startProfile()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfile()
	stop()
	os.Exit(code)
}
