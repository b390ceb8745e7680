package main

import (
	"io"
	"os"
	"strconv"

	"golang.org/x/term"

	"github.com/kqlhunt/kqlhunt/internal/report"
)

// colorModes are the values of --color.
var colorModes = []string{"auto", "always", "never"}

// tableOptions returns how the findings table is written to w:
//
//   - the width is the terminal's when w is a terminal, else $COLUMNS when
//     it is a positive number, else none (a file or a pipe gets whole
//     lines, cells cut at 80 runes as always, so that nothing a grep might
//     look for is cut further);
//   - colour with --color always; never with --color never; with auto
//     (the default) only when w is a terminal, $NO_COLOR is unset or
//     empty (https://no-color.org) and $TERM is not "dumb".
func tableOptions(w io.Writer, color string) report.TableOptions {
	tty, cols := false, 0
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		tty = true
		if c, _, err := term.GetSize(int(f.Fd())); err == nil && c > 0 {
			cols = c
		}
	}
	return terminalOptions(tty, cols, color)
}

// terminalOptions are tableOptions for a terminal (tty) of cols columns
// (0: unknown) or not a terminal.
func terminalOptions(tty bool, cols int, color string) report.TableOptions {
	opts := report.TableOptions{Width: cols}
	if opts.Width == 0 {
		if s, ok := os.LookupEnv("COLUMNS"); ok {
			if n, err := strconv.Atoi(s); err == nil && n > 0 {
				opts.Width = n
			}
		}
	}
	switch color {
	case "always":
		opts.Color = true
	case "auto":
		noColor, termName := os.Getenv("NO_COLOR"), os.Getenv("TERM")
		opts.Color = tty && noColor == "" && termName != "dumb"
	}
	return opts
}
