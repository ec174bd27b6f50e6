package main

import (
	"github.com/refit-ml/refit/pipeline/demo"
	"github.com/spf13/cobra"
)

func newDemoCmd(c *cli) *cobra.Command {
	var opts demo.Options
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Backtest the pipeline month by month on generated data",
		Long: `demo generates a labelled dataset of deliveries as monthly Parquet
partitions in a temporary directory and replays it with 'refit backtest' on a
simulated clock. Under the policy of the demo's refit.yaml the first month
trains and promotes a champion, stable months keep it, a month with drift
retrains, prunes, quantizes, passes the gates and promotes, and a month with a
broken upstream is blocked while the champion stays. Never retraining and
always retraining run beside it; the demo prints each month's metric for every
policy, the comparison, and writes the backtest's HTML report.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := demo.Run(cmd.Context(), cmd.OutOrStdout(), opts)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "directory for the data and workspaces (default: a new temporary directory)")
	cmd.Flags().IntVar(&opts.RowsPerMonth, "rows", 20000, "rows per month")
	cmd.Flags().Uint64Var(&opts.Seed, "seed", 7, "seed of the data and models")
	return cmd
}
