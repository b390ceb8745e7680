package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/source"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitData     = 3
	exitLimit    = 4
	// exitInterrupted is the code of a run stopped by Ctrl-C (SIGINT), as
	// shells give a process that a signal ended: 128 + 2.
	exitInterrupted = 130
)

// exitError carries an exit code to run. Its message, when not empty, is
// printed to stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// fail returns an error that makes kqlhunt exit with code, printing msg.
func fail(code int, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

// env is what every subcommand reads and writes besides its flags.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// args are the command-line arguments, without the program name.
	args []string
}

// run runs kqlhunt with args (without the program name) and returns the
// exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, args: args}
	root := rootCommand(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var xe *exitError
	if errors.As(err, &xe) {
		if xe.msg != "" {
			fmt.Fprintln(stderr, "kqlhunt: "+strings.TrimRight(xe.msg, "\n"))
		}
		return xe.code
	}
	var de *source.DataError
	if errors.As(err, &de) {
		fmt.Fprintf(stderr, "kqlhunt: %v\n", err)
		return exitData
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "kqlhunt: interrupted")
		return exitInterrupted
	}
	// Cobra's own errors: unknown commands and flags, bad flag values.
	fmt.Fprintf(stderr, "kqlhunt: %v\nRun 'kqlhunt --help' for usage.\n", err)
	return exitUsage
}

// commandLine returns "kqlhunt ARGS...", each argument quoted for a
// POSIX shell when it holds anything but letters, digits and -_./:=,@%+.
func commandLine(args []string) string {
	words := []string{"kqlhunt"}
	for _, a := range args {
		if i := strings.Index(a, "://"); i >= 0 { // a server's password stays out of reports
			start := strings.LastIndex(a[:i], "=") + 1
			a = a[:start] + redactURL(a[start:])
		}
		plain := a != ""
		for _, r := range a {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@%+", r)) {
				plain = false
				break
			}
		}
		if !plain {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}

// rootCommand returns the kqlhunt command with every subcommand, and the
// completion of their flags' values.
func rootCommand(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "kqlhunt",
		Short: "Run Microsoft Sentinel and Defender XDR KQL hunting rules over exported telemetry",
		Long: `kqlhunt runs KQL hunting queries and Sentinel rules, verbatim, over Defender XDR
and Microsoft Sentinel telemetry exported as JSON lines, streaming API records,
Event Hub Capture Avro, Advanced Hunting and Log Analytics API responses, Log
Analytics data exports or portal CSV files (gzip or zstd compressed, too), or
over a ClickHouse server with --engine.

--schema FILE declares custom tables (*_CL) and extra columns, as a rule
folder's kqlhunt-schema.yaml does; --watchlist ALIAS[:COLUMN]=FILE (or a DIR
of ALIAS.csv) gives _GetWatchlist('ALIAS') its CSV. See docs/schemas.md.

Exit codes: 0 success; 1 findings exist and --fail-on-findings was given, a
detection test failed, or a conformance mode scored below --min; 2 usage, query,
rule or exclusion error; 3 data error under --strict; 4 a limit was reached
(--timeout, --max-memory); 130 interrupted (Ctrl-C).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(queryCommand(e), huntCommand(e), checkCommand(e))
	root.AddCommand(genCommand(e))
	root.AddCommand(convertCommand(e))
	root.AddCommand(conformanceCommand(e))
	root.AddCommand(rulesCommand(e))
	root.AddCommand(testCommand(e))
	root.AddCommand(sqlCommand(e))
	root.AddCommand(loadCommand(e))
	root.AddCommand(serveCommand(e))
	root.AddCommand(versionCommand(e))
	registerCompletions(root)
	return root
}
