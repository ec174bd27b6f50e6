package main

import (
	"errors"

	"github.com/refit-ml/refit/internal/daemon"
	"github.com/spf13/cobra"
)

func newServeCmd(c *cli) *cobra.Command {
	var f daemon.Options
	var maxBodyMiB int64
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the schedules of refit.yaml as a daemon, with /healthz and /metrics",
		Long: `serve runs the jobs of refit.yaml's schedules section (run: one pipeline
pass; audit: check the new data without training) at their cron times.

One job runs at a time: a fire while another schedule's job is running waits
for it, up to an hour, and so does a fire while another process (refit run,
another serve) holds the workspace lock; when the running job ends, waiting
runs start before waiting audits. A fire that waited the whole hour is
skipped and counted, and so is a fire of a schedule whose job is still
running. Waits are counted and timed in /metrics. Fires missed while the
machine slept are counted, not replayed. Each job is canceled after its
timeout.

SIGINT and SIGTERM stop scheduling, cancel the running job and exit 0.
SIGHUP reloads refit.yaml; an invalid file keeps the current schedules.

HTTP (loopback by default; --listen "" turns it off): /healthz answers 200
with the schedules' next fires and last results as JSON (503, "failing",
when the last 3 scheduled runs failed), /metrics the Prometheus text
format. Fire times in /healthz and the logs are in the zone of the spec's
CRON_TZ or TZ (else the local zone), as 'refit schedule next' prints them.

Online scoring speaks the Open Inference Protocol (KServe v2) REST API:
GET /v2/health/live, /v2/health/ready, /v2/models/champion (inputs,
outputs, version) and POST /v2/models/champion/infer with one input per
column by name, as JSON or as an Arrow IPC stream
(Content-Type: application/vnd.apache.arrow.stream). With --all-versions
every registered version answers by its id too (/v2/models/v0003/infer).
When a run, 'refit promote' or 'refit rollback' moves the champion alias,
the server swaps to the new version within a second without failing a
request; every response names the version that answered (model_version,
and the Refit-Model-Version header). Bad requests get 400 with a message
naming the column and the problem.

Listening beyond loopback requires a bearer token (--token-file, or
$REFIT_SERVE_TOKEN), which every request but /healthz and /v2/health/...
must then carry as "Authorization: Bearer TOKEN".`,
		Example: `  refit serve --config refit.yaml
  refit serve --config refit.yaml --listen 127.0.0.1:9108 --log-level info
  refit serve --config refit.yaml --listen :9108 --token-file /run/secrets/refit-token --all-versions
  curl -s localhost:9108/v2/models/champion/infer -d '{"inputs": [
    {"name": "distance", "shape": [1], "datatype": "FP64", "data": [2475]},
    {"name": "origin", "shape": [1], "datatype": "BYTES", "data": ["JFK"]}, ...]}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if maxBodyMiB <= 0 || f.Scoring.MaxBatchRows <= 0 {
				return errors.New("--max-body-mib and --max-batch-rows must be positive")
			}
			f.Limits, f.Logger, f.Out = c.limits, c.log, cmd.OutOrStdout()
			f.Scoring.MaxBodyBytes = maxBodyMiB << 20
			return daemon.Run(cmd.Context(), f)
		},
	}
	cmd.Flags().StringVar(&f.ConfigPath, "config", "refit.yaml", "pipeline configuration with a schedules section")
	cmd.Flags().StringVar(&f.Listen, "listen", "127.0.0.1:9108", "address of /healthz, /metrics and /v2 (empty: no HTTP)")
	cmd.Flags().StringVar(&f.TokenFile, "token-file", "", "file holding the bearer token requests must carry (default $REFIT_SERVE_TOKEN); required beyond loopback")
	cmd.Flags().BoolVar(&f.Scoring.AllVersions, "all-versions", false, "serve every registered version by its id beside the champion")
	cmd.Flags().Int64Var(&maxBodyMiB, "max-body-mib", 64, "largest scoring request body, MiB")
	cmd.Flags().IntVar(&f.Scoring.MaxBatchRows, "max-batch-rows", 1<<16, "most rows in one scoring request")
	return cmd
}
