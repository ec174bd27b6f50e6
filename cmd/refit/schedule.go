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

type scheduleNext struct {
	Name    string `json:"name"`
	Job     string `json:"job"`
	Cron    string `json:"cron"`
	Timeout string `json:"timeout"`
	// Next are the fire times, in the zone of the spec's CRON_TZ or TZ,
	// else of --now.
	Next []time.Time `json:"next"`
}

func newScheduleNextCmd(c *cli) *cobra.Command {
	var config, now, format string
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
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if count < 1 {
				return fmt.Errorf("--count %d: want at least 1", count)
			}
			t, err := parseClock(now)
			if err != nil {
				return err
			}
			cfg, err := pipeline.Load(config)
			if err != nil {
				return err
			}
			out, err := nextFires(cfg.Schedules, t, count)
			if err != nil {
				return err
			}
			return writeScheduleNext(cmd.OutOrStdout(), format, out)
		},
	}
	cmd.Flags().StringVar(&config, "config", "refit.yaml", "pipeline configuration")
	cmd.Flags().IntVar(&count, "count", 5, "fire times per schedule")
	cmd.Flags().StringVar(&now, "now", "", "list fires after this time, RFC 3339 or a date (default: now)")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func nextFires(scheds []pipeline.Schedule, now time.Time, count int) ([]scheduleNext, error) {
	out := make([]scheduleNext, 0, len(scheds))
	for _, s := range scheds {
		next, err := schedules.Next(s.Cron, now, count)
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", s.Name, err)
		}
		out = append(out, scheduleNext{Name: s.Name, Job: s.Job, Cron: s.Cron, Timeout: time.Duration(s.Timeout).String(), Next: next})
	}
	return out, nil
}

func writeScheduleNext(w io.Writer, format string, out []scheduleNext) error {
	if format == "json" {
		return writeJSON(w, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(w, "no schedules in the configuration")
	}
	for _, s := range out {
		fmt.Fprintf(w, "%s  job %s, cron %q, timeout %s\n", s.Name, s.Job, s.Cron, s.Timeout)
		for _, t := range s.Next {
			fmt.Fprintf(w, "  %s  %s\n", t.Format(time.RFC3339), t.Format("Mon"))
		}
		if len(s.Next) == 0 {
			fmt.Fprintln(w, "  never fires again")
		}
	}
	return nil
}
