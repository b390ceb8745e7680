// Command rmmpack generates kqlhunt's built-in RMM rule pack from two public
// catalogs of remote monitoring and management (RMM) tools:
//
//   - LOLRMM (magicsword-io/LOLRMM, Apache-2.0): per-tool facts in YAML —
//     network domains, installation paths, disk artifacts, PE metadata and
//     code-signing certificates;
//   - jischell-msft/RemoteManagementMonitoringTools (MIT): Sentinel hunting
//     queries per tool, whose string constants (domains, company and
//     product names, signers) are read with kqlhunt's own KQL parser, and
//     a CSV of network indicators.
//
// It writes one Sentinel YAML rule per tool and telemetry kind — network
// connections (DeviceNetworkEvents), process creation (DeviceProcessEvents)
// and file signatures (DeviceFileCertificateInfo) — each with a rule test
// beside it, and SKIPPED.md, which lists every fact that could not become a
// precise condition and why. Rules are compiled against kqlhunt's Defender
// schema before anything is written.
//
// Usage, from the repository root:
//
//	go run ./tools/rmmpack -shared ../shared/rmm -out internal/packs/rmm
//
// The output folder is owned by the generator: files in it that the
// generator did not write are removed. The exit code is 0 on success, 1 when
// generation fails and 2 on a usage error.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rmmpack", flag.ContinueOnError)
	fs.SetOutput(stderr)
	shared := fs.String("shared", "../shared/rmm", "folder holding the catalogs (jischell/ and lolrmm/)")
	out := fs.String("out", "internal/packs/rmm", "folder to write the pack to")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "rmmpack: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	p, err := Generate(*shared)
	if err != nil {
		fmt.Fprintf(stderr, "rmmpack: %v\n", err)
		return 1
	}
	if err := p.Write(*out); err != nil {
		fmt.Fprintf(stderr, "rmmpack: %v\n", err)
		return 1
	}
	p.Stats.Print(stdout)
	return 0
}
