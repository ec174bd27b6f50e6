package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/serve"
	"github.com/spf13/cobra"
)

type serveFlags struct {
	config, listen, tokenFile string
	allVersions               bool
	maxBodyMiB                int64
	maxBatchRows              int
}

func newServeCmd(c *cli) *cobra.Command {
	var f serveFlags
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
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd, c, f) },
	}
	cmd.Flags().StringVar(&f.config, "config", "refit.yaml", "pipeline configuration with a schedules section")
	cmd.Flags().StringVar(&f.listen, "listen", "127.0.0.1:9108", "address of /healthz, /metrics and /v2 (empty: no HTTP)")
	cmd.Flags().StringVar(&f.tokenFile, "token-file", "", "file holding the bearer token requests must carry (default $REFIT_SERVE_TOKEN); required beyond loopback")
	cmd.Flags().BoolVar(&f.allVersions, "all-versions", false, "serve every registered version by its id beside the champion")
	cmd.Flags().Int64Var(&f.maxBodyMiB, "max-body-mib", 64, "largest scoring request body, MiB")
	cmd.Flags().IntVar(&f.maxBatchRows, "max-batch-rows", 1<<16, "most rows in one scoring request")
	return cmd
}

func runServe(cmd *cobra.Command, c *cli, f serveFlags) error {
	ctx := cmd.Context()
	tok, err := f.token()
	if err != nil {
		return err
	}
	cfg, err := pipeline.Load(f.config)
	if err != nil {
		return err
	}
	if len(cfg.Schedules) == 0 {
		return fmt.Errorf("%s: no schedules: add e.g. \"schedules: [{name: nightly, cron: '0 2 * * *', job: run}]\"", f.config)
	}
	if err := os.MkdirAll(cfg.Path(cfg.Workspace), 0o755); err != nil {
		return fmt.Errorf("workspace: %w", err)
	}
	notes, err := serve.Recover(ctx, cfg, c.log)
	if err != nil {
		return err
	}
	for _, note := range notes {
		fmt.Fprintf(cmd.OutOrStdout(), "refit serve: recovered the workspace: %s\n", note)
	}
	srv, err := serve.New(ctx, cfg, serve.Options{ConfigPath: f.config, Limits: c.limits, Logger: c.log, Token: tok, Extra: dashboardHandler(cfg, c.log),
		Scoring: &serve.ScoringOptions{AllVersions: f.allVersions, MaxBodyBytes: f.maxBodyMiB << 20, MaxBatchRows: f.maxBatchRows}})
	if err != nil {
		return err
	}
	stopHTTP, err := serveHTTP(cmd, c.log, f.listen, srv.Handler())
	if err != nil {
		return err
	}
	if err := srv.Start(ctx); err != nil {
		stopHTTP()
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "refit serve: %d schedules, workspace %s\n", len(cfg.Schedules), cfg.Path(cfg.Workspace))
	waitReloading(ctx, c.log, f.config, srv)
	_ = srv.Stop(context.Background())
	stopHTTP()
	fmt.Fprintln(cmd.OutOrStdout(), "refit serve: stopped")
	return nil
}

// serveHTTP starts the HTTP server on addr and returns its shutdown.
func serveHTTP(cmd *cobra.Command, log *slog.Logger, addr string, h http.Handler) (func(), error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--listen: %w", err)
	}
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		log.Warn("serving beyond this machine, with a bearer token", "addr", ln.Addr())
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "err", err)
		}
	}()
	fmt.Fprintf(cmd.OutOrStdout(), "refit serve: http://%s/healthz and /metrics, scoring at /v2/models/champion/infer\n", ln.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// waitReloading waits for ctx, reloading the configuration on SIGHUP; an
// invalid configuration keeps the current one.
func waitReloading(ctx context.Context, log *slog.Logger, path string, srv *serve.Server) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			cfg, err := pipeline.Load(path)
			if err == nil {
				err = srv.Reload(cfg)
			}
			if err != nil {
				log.Error("reload failed, keeping the current schedules", "config", path, "err", err)
				continue
			}
			log.Info("reloaded", "config", path, "schedules", len(cfg.Schedules))
		}
	}
}
