package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/refit-ml/refit/promotion"
	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

func newQuarantineCmd(c *cli) *cobra.Command {
	var f catalogFlags
	var reason string
	var all bool
	cmd := &cobra.Command{
		Use:   "quarantine FILE --reason TEXT",
		Short: "Keep a bad input file out of every run, with a reason; list and release quarantines",
		Long: `quarantine records in the workspace's catalog that runs must not read FILE:
a damaged file otherwise blocks every later run, since it stays unprocessed.
Runs skip it and name it, with the reason, in their record. 'quarantine
release FILE' lifts it (the file is read again by the next run, as new if it
was never processed); 'quarantine list' shows the files under quarantine
('--all': every quarantine with its release).`,
		Example: `  refit quarantine data/month=2024-05/part-0.parquet --reason "truncated export, ticket 42" --config refit.yaml
  refit quarantine list --config refit.yaml
  refit quarantine release data/month=2024-05/part-0.parquet --config refit.yaml`,
		Args: cobra.ExactArgs(1),
		PreRunE: func(_ *cobra.Command, args []string) error {
			if reason == "" {
				return errors.New("--reason is required: say why the file is kept out")
			}
			if _, err := os.Stat(args[0]); err != nil {
				return fmt.Errorf("quarantine %s: %w", args[0], err)
			}
			return nil
		},
		RunE: f.runE(func(cmd *cobra.Command, reg *registry.Registry, args []string) (any, func(io.Writer) error, error) {
			q, err := reg.Quarantine(cmd.Context(), args[0], reason, promotion.Actor())
			return q, func(w io.Writer) error { return registry.WriteQuarantinedText(w, q) }, err
		}),
	}
	f.add(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "why the file is kept out (required), recorded in the catalog")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the files under quarantine",
		Args:  cobra.NoArgs,
		RunE: f.runE(func(cmd *cobra.Command, reg *registry.Registry, _ []string) (any, func(io.Writer) error, error) {
			list, err := reg.QuarantineList(cmd.Context(), all)
			if list == nil {
				list = []registry.Quarantined{}
			}
			return list, func(w io.Writer) error { return registry.WriteQuarantineText(w, list) }, err
		}),
	}
	list.Flags().BoolVar(&all, "all", false, "every quarantine recorded, released ones included")
	release := &cobra.Command{
		Use:   "release FILE",
		Short: "Lift a file's quarantine: the next run reads it again",
		Args:  cobra.ExactArgs(1),
		RunE: f.runE(func(cmd *cobra.Command, reg *registry.Registry, args []string) (any, func(io.Writer) error, error) {
			q, err := reg.Release(cmd.Context(), args[0], promotion.Actor())
			return q, func(w io.Writer) error { return registry.WriteReleasedText(w, q) }, err
		}),
	}
	cmd.AddCommand(list, release)
	return cmd
}
