package main

import (
	"fmt"
	"io"
	"time"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/schedules"
	"github.com/spf13/cobra"
)

func newScheduleCmd(c *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schedule",
		Short: "Inspect the schedules of refit.yaml",
	}
	cmd.AddCommand(newScheduleNextCmd(c))
	return cmd
}

func newScheduleNextCmd(c *cli) *cobra.Command {
	var config, now string
	var format *string
	var count int
	cmd := &cobra.Command{
		Use:   "next",
		Short: "List the next fire times of each schedule",
		Long: `next prints the next fire times of every schedule of refit.yaml, as
'refit serve' would fire them, in RFC 3339 with the zone's offset. A spec
with CRON_TZ (or TZ) fires in that zone and its times are printed in it,
whatever the zone of --now: "CRON_TZ=America/New_York 0 6 * * *" prints
06:00-05:00 in winter and 06:00-04:00 in summer. A spec without one fires
in the zone of --now (the local zone by default) and is printed in it.
When daylight saving time ends and the clock repeats an hour, a spec at
fixed times fires once at a repeated time ("30 1 * * *" at 01:30-04:00
only); one with a wildcard seconds, minutes or hours field ("*/15 * * * *",
"30 * * * *", @hourly), and @every, fire at every real instant.`,
		Example: `  refit schedule next --config refit.yaml --count 3 --now 2024-03-01T00:00:00Z`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if count < 1 {
				return fmt.Errorf("--count %d: want at least 1", count)
			}
			t, err := parseTimeFlag("--now", now, "2024-03-01T02:00:00Z", "2024-03-01", time.Now())
			if err != nil {
				return err
			}
			cfg, err := pipeline.Load(config)
			if err != nil {
				return err
			}
			out, err := pipeline.NextFires(cfg.Schedules, t, count)
			if err != nil {
				return err
			}
			return writeOut(cmd.OutOrStdout(), *format, out, func(w io.Writer) error { return schedules.WriteUpcoming(w, out) })
		},
	}
	cmd.Flags().StringVar(&config, "config", "refit.yaml", "pipeline configuration")
	cmd.Flags().IntVar(&count, "count", 5, "fire times per schedule")
	cmd.Flags().StringVar(&now, "now", "", "list fires after this time, RFC 3339 or a date (default: now)")
	format = formatFlag(cmd)
	return cmd
}
