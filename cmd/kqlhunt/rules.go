package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/internal/hunt"
	"github.com/kqlhunt/kqlhunt/internal/packs"
	"github.com/kqlhunt/kqlhunt/internal/rules"
	"github.com/kqlhunt/kqlhunt/internal/schema"
	"github.com/kqlhunt/kqlhunt/kql"
)

func rulesCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Validate and list rule files",
		Long: `Work with rule files: Sentinel YAML hunting queries and analytics rules,
Markdown files whose fenced code blocks hold KQL, and .kql files.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fail(exitUsage, "rules: expected a subcommand, validate or list")
		},
	}
	cmd.AddCommand(rulesValidateCommand(e), rulesListCommand(e))
	return cmd
}

// packFlag registers --pack on cmd.
func packFlag(cmd *cobra.Command, names *[]string) {
	help := "also load the built-in rule pack `NAME` (repeatable)"
	if all := packs.Names(); len(all) > 0 {
		help += ": " + strings.Join(all, ", ")
	}
	cmd.Flags().StringArrayVar(names, "pack", nil, help)
}

// loadRuleSet loads the rules under paths and in the named packs, with a
// usage error (exit 2) when there is nothing to load or a pack is unknown.
func loadRuleSet(paths, packNames []string) (*hunt.RuleSet, error) {
	s, err := hunt.LoadRules(paths, packNames)
	var ue *hunt.UsageError
	if errors.As(err, &ue) {
		return nil, fail(exitUsage, "%s", ue.Msg)
	}
	return s, err
}

func rulesValidateCommand(e *env) *cobra.Command {
	var packNames []string
	var brief bool
	var cf catalogFlags
	cmd := &cobra.Command{
		Use:   "validate [PATH...] [--pack NAME]...",
		Short: "Load and compile rules, and print every problem with its file position",
		Long: `Load every rule under the paths (files or folders, searched recursively for
*.yaml, *.yml, *.md, *.markdown and *.kql) and in the --pack packs, compile each
query against the Defender XDR and Sentinel schema, and print every diagnostic as
FILE:LINE:COL: error: message or FILE:LINE:COL: warning: message, followed by
the file's line and a caret, sorted by file and position. KQL errors point at
the query's text in the YAML or Markdown file.

Errors: YAML that cannot be read, fields of the wrong type, duplicate ids, KQL
syntax errors, unknown tables, columns and functions. Warnings: repairs made to
load a file (a list item's key indented like its dash), Markdown code blocks
skipped because they are empty or not KQL, dataTypes tables the schema does
not have, and the KQL checker's warnings.

A summary goes to stderr. Exit codes: 0 no errors (warnings allowed); 2 errors
or a usage problem.`,
		Example: `  kqlhunt rules validate rules/
  kqlhunt rules validate --brief ../RemoteManagementMonitoringTools`,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := loadRuleSet(args, packNames)
			if err != nil {
				return err
			}
			cat, err := cf.catalog(args)
			if err != nil {
				return err
			}
			return validate(e, s, cat, brief)
		},
	}
	packFlag(cmd, &packNames)
	cmd.Flags().BoolVar(&brief, "brief", false, "print one line per diagnostic, without the source line and caret")
	cf.register(cmd, true)
	return cmd
}

// validate checks every rule of s and prints the diagnostics.
func validate(e *env, s *hunt.RuleSet, cat *kql.Catalog, brief bool) error {
	diags := append(rules.ErrorList{}, s.Diags...)
	loaded := s.Loaded()
	bad := len(s.Files.Rejected) // rules with errors
	for i, r := range append(loaded, s.Files.Rejected...) {
		_, d := rules.Check(r, cat)
		diags = append(diags, d...)
		if i < len(loaded) && len(d.Errors()) > 0 {
			bad++
		}
	}
	diags = diags.Sort(nil)
	for _, d := range diags {
		fmt.Fprintln(e.stdout, d.Labeled(nil))
		if x := d.Excerpt(nil); x != "" && !brief {
			fmt.Fprintln(e.stdout, x)
		}
	}
	nerr := len(diags.Errors())
	fmt.Fprintf(e.stderr, "kqlhunt: %s, %d with errors; %s, %s%s\n",
		ruleCount(len(loaded)+len(s.Files.Rejected), s), bad,
		countOf(nerr, "error", "errors"), countOf(len(diags)-nerr, "warning", "warnings"), loadAccount(s.Files))
	if nerr > 0 {
		return fail(exitUsage, "")
	}
	return nil
}

// countOf formats n with the noun that fits: "1 file", "2 files".
func countOf(n int, one, many string) string { return fmt.Sprintf("%d %s", n, pluralInt(n, one, many)) }

// ruleCount says how many rules came from where: "365 rules from 322
// files", "12 rules from 2 files and 1 pack".
func ruleCount(n int, s *hunt.RuleSet) string {
	var from []string
	if len(s.Files.Files) > 0 || s.NPacks == 0 {
		from = append(from, countOf(len(s.Files.Files), "file", "files"))
	}
	if s.NPacks > 0 {
		from = append(from, countOf(s.NPacks, "pack", "packs"))
	}
	return fmt.Sprintf("%s from %s", countOf(n, "rule", "rules"), strings.Join(from, " and "))
}

// loadAccount sums up what loading did besides loading rules: "; 168 files
// repaired, 0 refused, 8 blocks skipped, 2 other files ignored". Counts of
// things that did not happen are left out, except refused files.
func loadAccount(res *rules.LoadResult) string {
	if len(res.Files) == 0 && len(res.Ignored) == 0 && len(res.Exclusions) == 0 {
		return ""
	}
	var repaired, refused, skipped, other int
	for _, f := range res.Files {
		if f.Repairs > 0 {
			repaired++
		}
		if f.Refused() {
			refused++
		}
		skipped += f.Skipped
		other += f.Other
	}
	var parts []string
	if repaired > 0 {
		parts = append(parts, countOf(repaired, "file", "files")+" repaired")
	}
	parts = append(parts, countOf(refused, "file", "files")+" refused")
	if skipped > 0 {
		parts = append(parts, countOf(skipped, "block", "blocks")+" skipped")
	}
	if other > 0 {
		parts = append(parts, countOf(other, "code block", "code blocks")+" in other languages not read")
	}
	if n := len(res.Exclusions); n > 0 {
		parts = append(parts, countOf(n, "exclusions file", "exclusions files")+" not read as rules")
	}
	if n := len(res.Ignored); n > 0 {
		parts = append(parts, countOf(n, "other file", "other files")+" ignored")
	}
	return "; " + strings.Join(parts, ", ")
}

func rulesListCommand(e *env) *cobra.Command {
	var packNames []string
	var format string
	var cf catalogFlags
	var sel hunt.Selection
	cmd := &cobra.Command{
		Use:   "list [PATH...] [--pack NAME]... [--rule GLOB]... [--min-severity S] [--tactic T]... [--technique T]... [--format table|jsonl]",
		Short: "List rules: id, name, severity, tactics, techniques, tables, file",
		Long: `List the rules that load from the paths and the --pack packs, one per line:
id, name, severity, MITRE tactics and techniques, the tables the query reads
(the rule's dataTypes when the query does not compile) and FILE:LINE of the
query. --format jsonl prints a JSON object per rule. --rule, --min-severity,
--tactic and --technique list only the rules they select.

Load errors go to stderr, with a count of the warnings that 'kqlhunt rules
validate' shows; rules that failed to load are not listed. Exit codes: 0 every
rule loaded; 2 some did not, or a usage problem.`,
		Example: `  kqlhunt rules list rules/
  kqlhunt rules list --format jsonl rules/ | jq -r .name`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "jsonl" {
				return fail(exitUsage, "--format: unknown format %q, expected table or jsonl", format)
			}
			if err := checkSelection(sel); err != nil {
				return err
			}
			s, err := loadRuleSet(args, packNames)
			if err != nil {
				return err
			}
			cat, err := cf.catalog(args)
			if err != nil {
				return err
			}
			if err := selectRules(s, sel); err != nil {
				return err
			}
			return list(e, s, cat, format)
		},
	}
	packFlag(cmd, &packNames)
	selectFlags(cmd, &sel)
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or jsonl")
	cf.register(cmd, true)
	return cmd
}

// listEntry is a rule as rules list prints it; its JSON form is one line
// of --format jsonl.
type listEntry struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Severity   string   `json:"severity"`
	Tactics    []string `json:"tactics"`
	Techniques []string `json:"techniques"`
	Tables     []string `json:"tables"`
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Format     string   `json:"format"`
}

func list(e *env, s *hunt.RuleSet, cat *kql.Catalog, format string) error {
	errs := s.Diags.Errors()
	for _, d := range errs {
		fmt.Fprintln(e.stderr, d.Labeled(nil))
	}
	if n := len(s.Diags) - len(errs); n > 0 {
		fmt.Fprintf(e.stderr, "kqlhunt: %s; 'kqlhunt rules validate' shows them\n", countOf(n, "warning", "warnings"))
	}
	var entries []listEntry
	for _, r := range s.Loaded() {
		line, _ := r.QueryStart()
		entries = append(entries, listEntry{
			ID: r.ID, Name: r.Name, Severity: r.Severity,
			Tactics: nonNil(r.Tactics), Techniques: nonNil(r.RelevantTechniques),
			Tables: ruleTables(r, cat), File: r.File, Line: line, Format: string(r.Format),
		})
	}
	var err error
	if format == "jsonl" {
		err = listJSONL(e.stdout, entries)
	} else {
		err = listTable(e.stdout, entries)
	}
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return fail(exitUsage, "%s while loading; the rules they are about are not listed", countOf(len(errs), "error", "errors"))
	}
	return nil
}

// ruleTables returns the tables r's query reads, as far as the checker
// got, or, when it did not get to them (a syntax error), the tables the
// rule's dataTypes name.
func ruleTables(r *rules.Rule, cat *schema.Catalog) []string {
	if q, _ := kql.Compile(r.Query, cat, kql.Options{}); q != nil && len(q.Tables) > 0 {
		return q.Tables
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range r.RequiredDataConnectors {
		for _, t := range c.DataTypes {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return nonNil(out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func listJSONL(w io.Writer, entries []listEntry) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, x := range entries {
		if err := enc.Encode(x); err != nil {
			return err
		}
	}
	return nil
}

func listTable(w io.Writer, entries []listEntry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSEVERITY\tTACTICS\tTECHNIQUES\tTABLES\tFILE")
	cell := func(s []string) string {
		if len(s) == 0 {
			return "-"
		}
		return strings.Join(s, ",")
	}
	for _, x := range entries {
		sev := x.Severity
		if sev == "" {
			sev = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s:%d\n", x.ID, oneLine(x.Name), sev,
			cell(x.Tactics), cell(x.Techniques), cell(x.Tables), x.File, x.Line)
	}
	return tw.Flush()
}

// oneLine replaces tabs and line breaks, which would break the table's
// columns, by spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}
