package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

func versionCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print kqlhunt's version and the source revision it was built from",
		Long: `Print kqlhunt's module version, the VCS revision and commit time it was built
from (with "+modified" when the work tree had uncommitted changes) and the Go
version, as the Go toolchain recorded them in the binary. A binary built with
'go build' in a checkout has the version "(devel)", shown as "devel"; one run
with 'go run' or a test has no VCS facts.`,
		Example: `  kqlhunt version`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(e.stdout, "kqlhunt "+version())
			return nil
		},
	}
}

// version returns kqlhunt's version as the build info tells it, such as
// "v1.2.0 (rev 0123abcd4567, 2026-12-01T10:00:00Z) go1.26.8" or
// "devel (rev 0123abcd4567+modified, 2026-12-01T10:00:00Z) go1.26.8".
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (no build info)"
	}
	return formatVersion(info)
}

// formatVersion formats the version of info (see version).
func formatVersion(info *debug.BuildInfo) string {
	v := info.Main.Version
	switch v {
	case "", "(devel)":
		v = "devel"
	}
	var rev, at string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var vcs []string
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if modified {
			rev += "+modified"
		}
		vcs = append(vcs, "rev "+rev)
	}
	if at != "" {
		vcs = append(vcs, at)
	}
	if len(vcs) > 0 {
		v += " (" + strings.Join(vcs, ", ") + ")"
	}
	if info.GoVersion != "" {
		v += " " + info.GoVersion
	}
	return v
}
