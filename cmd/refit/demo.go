package main

import (
	"github.com/refit-ml/refit/internal/demo"
	"github.com/spf13/cobra"
)

func newDemoCmd() *cobra.Command {
	var opts demo.Options
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole pipeline month by month on generated data",
		Long: `demo generates a labelled dataset of deliveries as monthly Parquet
partitions in a temporary directory and runs the pipeline after each month on
a simulated clock: the first month trains and promotes a champion, stable
months keep it, a month with drift retrains, prunes, quantizes, passes the
gates and promotes, and a month with a broken upstream is blocked while the
champion stays. It prints what happened each month and the last report.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, _, err := demo.Run(cmd.Context(), cmd.OutOrStdout(), opts)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "directory for the data and workspace (default: a new temporary directory)")
	cmd.Flags().IntVar(&opts.RowsPerMonth, "rows", 20000, "rows per month")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", 7, "seed of the data and models")
	return cmd
}
