package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/refit-ml/refit/docs"
	"github.com/spf13/cobra"
)

// newHelpCmd is `refit help`: help for a command, as cobra's, or one of the
// file-format references of package docs (config, gate-policy,
// expectations), generated from the code.
func newHelpCmd(root *cobra.Command) *cobra.Command {
	var topics []string
	for _, t := range docs.Topics {
		topics = append(topics, fmt.Sprintf("  %-13s %s", t.Name, t.Short))
	}
	return &cobra.Command{
		Use:   "help [COMMAND | TOPIC]",
		Short: "Help about a command, or a file format's reference: refit help config | gate-policy | expectations",
		Long: `help prints the help of a command, or the reference of a file format
refit reads, with every key, its type, its default and an example
(generated from the code; also in docs/ of the source):

` + strings.Join(topics, "\n"),
		Example: `  refit help config
  refit help gate-policy
  refit help run`,
		ValidArgs: docs.Names(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if page, ok := docs.Page(args[0]); ok {
					_, err := io.WriteString(cmd.OutOrStdout(), page)
					return err
				}
			}
			target, _, err := root.Find(args)
			if err != nil || target == nil || (len(args) > 0 && target == root) {
				return fmt.Errorf("unknown help topic %q: give a command or one of %s", strings.Join(args, " "), strings.Join(docs.Names(), ", "))
			}
			target.InitDefaultHelpFlag()
			target.InitDefaultVersionFlag()
			return target.Help()
		},
	}
}
