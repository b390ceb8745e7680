package main

import (
	"context"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestREADMEFlags checks that the README names every command and every
// flag of every command (by its long name, or its shorthand as -x), so
// that a new flag is documented where users look first. Cobra's own
// completion command and help flags are left out.
func TestREADMEFlags(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	root := rootCommand(&env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "completion" || c.Name() == "help" {
			return
		}
		if c != root && c.Runnable() && !strings.Contains(text, "`"+c.CommandPath()) {
			t.Errorf("README has no row for %q", c.CommandPath())
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Hidden || f.Name == "help" {
				return
			}
			long := strings.Contains(text, "--"+f.Name)
			short := f.Shorthand != "" && regexp.MustCompile(`[\[ ]-`+f.Shorthand+`[\] ]`).MatchString(text)
			if !long && !short {
				t.Errorf("README lacks %s --%s", c.CommandPath(), f.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if !strings.Contains(text, "`kqlhunt completion ") {
		t.Error("README has no row for kqlhunt completion")
	}
}
