package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/kql"
)

func checkCommand(e *env) *cobra.Command {
	var file string
	var syntaxOnly bool
	var cf catalogFlags
	cmd := &cobra.Command{
		Use:   "check [flags] [QUERY]",
		Short: "Parse and type-check a query without data",
		Long: `Parse and type-check a query against the Defender XDR schema, without data.
Prints every diagnostic as LINE:COL: message with the source line; exits 0 when
the query is clean and 2 otherwise.`,
		Example: `  kqlhunt check 'DeviceNetworkEvents | where AccountUpn has "x"'
  kqlhunt check --syntax-only -f hunt.kql`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			text, name, err := queryText(e, file, args)
			if err != nil {
				return err
			}
			cat, err := cf.catalog(nil)
			if err != nil {
				return err
			}
			q, err := kql.Compile(text, cat, kql.Options{Name: name, SyntaxOnly: syntaxOnly})
			if err != nil {
				var ce *kql.Error
				if errors.As(err, &ce) {
					fmt.Fprint(e.stdout, ce.Error())
					return fail(exitUsage, "")
				}
				return fail(exitUsage, "%v", err)
			}
			if len(q.Warnings) > 0 {
				fmt.Fprint(e.stdout, q.Warnings.Format(q.Source))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "read the query from `FILE`")
	cmd.Flags().BoolVar(&syntaxOnly, "syntax-only", false, "only parse; do not resolve names and types")
	cf.register(cmd, true)
	return cmd
}
