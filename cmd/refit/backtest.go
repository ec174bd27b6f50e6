package main

import (
	"fmt"
	"io"
	"time"

	"github.com/refit-ml/refit/internal/progress"
	"github.com/refit-ml/refit/pipeline"
	"github.com/spf13/cobra"
)

type backtestFlags struct {
	config, from, to, every, report, dir string
	format                               *string
	policies                             []string
}

func newBacktestCmd(c *cli) *cobra.Command {
	var f backtestFlags
	cmd := &cobra.Command{
		Use:   "backtest",
		Short: "Replay the pipeline over history: the configured policy against never and always retraining",
		Long: `backtest replays the pipeline of refit.yaml over the data's history on a
simulated clock, period by period, once per policy, each in its own scratch
workspace: the configured policy, never retraining (the first champion is kept)
and always retraining and promoting (whatever the gates say). All of them run the
data checks, so none trains on blocked data.

For each period [t, t+every) it first scores each policy's champion at t on the
period's labelled rows (the metric a deployed model would have had live), then
runs the pipeline at clock t+every with the period's rows as new data: a run
never sees rows at or after its clock. One file or many partitions work alike.
The first period has no champion to score: its run trains the first model, so
start one period before the first one to score.

It prints per period each policy's metric and training time and the configured
policy's decision, then the mean metric, retrains and training time per policy.

Without --from and --to the range covers the data's time column, in whole
periods. Scratch workspaces go to --dir (default: a new temporary directory,
kept for the runs' reports).

Exit codes: 0 the backtest completed, 2 errors (including runs that failed).`,
		Example: `  refit backtest --config refit.yaml --from 2001-02-01 --to 2001-07-01 --every 1mo
  refit backtest --config refit.yaml --format json --report backtest.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return backtest(cmd, c, &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "refit.yaml", "pipeline configuration (its data source is replayed)")
	fl.StringVar(&f.from, "from", "", "start of the first period, RFC 3339 or a date (default: the data's first period)")
	fl.StringVar(&f.to, "to", "", "end of the last period, RFC 3339 or a date (default: the end of the data's last period)")
	fl.StringVar(&f.every, "every", "1mo", "period length: e.g. 1mo, 3mo, 1y, 1w, 7d, 12h")
	fl.StringSliceVar(&f.policies, "policies", []string{"configured", "never", "always"}, "policies to replay, the first one's decisions shown")
	f.format = formatFlag(cmd)
	fl.StringVar(&f.report, "report", "", "also write the HTML report (a line chart of the metric per policy) to this file")
	fl.StringVar(&f.dir, "dir", "", "directory for the policies' scratch workspaces (default: a new temporary directory)")
	return cmd
}

func backtest(cmd *cobra.Command, c *cli, f *backtestFlags) error {
	opts, err := backtestOptions(c, f)
	if err != nil {
		return err
	}
	cfg, err := pipeline.Load(f.config)
	if err != nil {
		return err
	}
	opts.Progress = progress.New(cmd.ErrOrStderr(), *f.format).Run()
	bt, err := pipeline.BacktestInScratch(cmd.Context(), cfg, opts)
	if err != nil {
		return err
	}
	if f.report != "" {
		if err := pipeline.WriteBacktestReport(f.report, bt); err != nil {
			return err
		}
	}
	if err := writeOut(cmd.OutOrStdout(), *f.format, bt, func(w io.Writer) error { return bt.WriteText(w, f.report) }); err != nil {
		return err
	}
	if n := bt.Failures(); n > 0 {
		return fmt.Errorf("%d runs of the backtest failed (see their errors above)", n)
	}
	return nil
}

// backtestOptions turns the flags into options.
func backtestOptions(c *cli, f *backtestFlags) (pipeline.BacktestOptions, error) {
	opts := pipeline.BacktestOptions{Dir: f.dir, Limits: c.limits, Logger: c.log}
	var err error
	if opts.Every, err = pipeline.ParseStep(f.every); err != nil {
		return opts, fmt.Errorf("--every %q: want e.g. 1mo, 3mo, 1y, 1w, 7d or 12h", f.every)
	}
	if opts.From, err = parseTimeFlag("--from", f.from, "2001-02-01T00:00:00Z", "2001-02-01", time.Time{}); err != nil {
		return opts, err
	}
	if opts.To, err = parseTimeFlag("--to", f.to, "2001-02-01T00:00:00Z", "2001-02-01", time.Time{}); err != nil {
		return opts, err
	}
	for _, p := range f.policies {
		opts.Policies = append(opts.Policies, pipeline.Policy(p))
	}
	return opts, nil
}
