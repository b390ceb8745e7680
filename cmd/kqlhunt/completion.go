package main

import (
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/packs"
	"github.com/kqlhunt/kqlhunt/internal/source"
	"github.com/kqlhunt/kqlhunt/kql"
)

// flagValues are the values that shell completion offers for a flag, by
// the command's path ("kqlhunt hunt") and the flag's name; the path ""
// applies to every command with the flag.
var flagValues = map[string]map[string][]string{
	"": {
		"min-severity": {"informational", "low", "medium", "high"},
		"tactic": {"Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence",
			"PrivilegeEscalation", "DefenseEvasion", "CredentialAccess", "Discovery", "LateralMovement",
			"Collection", "CommandAndControl", "Exfiltration", "Impact"},
		"progress": progressModes,
		"color":    colorModes,
	},
	"kqlhunt hunt":        {"format": {"table", "csv", "json", "jsonl", "html"}},
	"kqlhunt query":       {"format": {"table", "csv", "json", "jsonl"}},
	"kqlhunt test":        {"format": {"text", "jsonl", "junit"}},
	"kqlhunt rules list":  {"format": {"table", "jsonl"}},
	"kqlhunt conformance": {"format": {"text", "json"}, "mode": {"parser", "checker", "execution", "all"}},
}

// registerCompletions makes shell completion (kqlhunt completion bash,
// zsh, fish or powershell: Cobra's scripts) complete the values of the
// flags of every command below root: formats and modes, pack names,
// table names (--table NAME=, --table of gen), codecs. Flags naming files
// complete file names, as the shells do by default.
func registerCompletions(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, values := range completions(c) {
			if c.Flags().Lookup(name) != nil {
				c.RegisterFlagCompletionFunc(name, values)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completions returns the completion functions of c's flags.
func completions(c *cobra.Command) map[string]cobra.CompletionFunc {
	out := map[string]cobra.CompletionFunc{}
	fixed := func(values []string) cobra.CompletionFunc {
		return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			return withPrefix(values, toComplete, ""), cobra.ShellCompDirectiveNoFileComp
		}
	}
	for name, values := range flagValues[""] {
		out[name] = fixed(values)
	}
	for name, values := range flagValues[c.CommandPath()] {
		out[name] = fixed(values)
	}
	out["pack"] = func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return withPrefix(packs.Names(), toComplete, ""), cobra.ShellCompDirectiveNoFileComp
	}
	out["codec"] = func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return withPrefix(slices.Sorted(maps.Keys(source.ParquetCodecs)), toComplete, ""), cobra.ShellCompDirectiveNoFileComp
	}
	out["table"] = completeTable(c.Name() != "gen")
	return out
}

// completeTable completes the table names of the schema catalog: as
// NAME= followed by a file name when pathAfter (--table NAME=PATH), else
// as NAME.
func completeTable(pathAfter bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		names := kql.Defender().Names()
		if !pathAfter {
			return withPrefix(names, toComplete, ""), cobra.ShellCompDirectiveNoFileComp
		}
		if strings.Contains(toComplete, "=") {
			// The path after NAME=: the shell's file names.
			return nil, cobra.ShellCompDirectiveDefault
		}
		return withPrefix(names, toComplete, "="), cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	}
}

// withPrefix returns the values that start with prefix, ignoring case,
// each followed by suffix.
func withPrefix(values []string, prefix, suffix string) []string {
	var out []string
	for _, v := range values {
		if len(v) >= len(prefix) && strings.EqualFold(v[:len(prefix)], prefix) {
			out = append(out, v+suffix)
		}
	}
	return out
}
