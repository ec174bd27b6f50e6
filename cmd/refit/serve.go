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
	"github.com/refit-ml/refit/schedules"
	"github.com/spf13/cobra"
)

type serveFlags struct{ config, listen string }

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
with the schedules' next fires and last results as JSON, /metrics the
Prometheus text format. Fire times in /healthz and the logs are in the zone
of the spec's CRON_TZ or TZ (else the local zone), as 'refit schedule next'
prints them.`,
		Example: `  refit serve --config refit.yaml
  refit serve --config refit.yaml --listen 127.0.0.1:9108 --log-level info`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd, c, f) },
	}
	cmd.Flags().StringVar(&f.config, "config", "refit.yaml", "pipeline configuration with a schedules section")
	cmd.Flags().StringVar(&f.listen, "listen", "127.0.0.1:9108", "address of /healthz and /metrics (empty: no HTTP)")
	return cmd
}

func runServe(cmd *cobra.Command, c *cli, f serveFlags) error {
	ctx := cmd.Context()
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
	if err := recoverAtStart(cmd, cfg, c.log); err != nil {
		return err
	}
	d := newDaemon(f.config, cfg)
	d.limits, d.log = c.limits, c.log
	d.seed(ctx)
	if d.sched, err = schedules.New(d.schedulesOf(cfg), schedules.Options{Lock: workspaceLock(cfg), Logger: c.log}); err != nil {
		return err
	}
	stopHTTP, err := serveHTTP(cmd, f.listen, d)
	if err != nil {
		return err
	}
	if err := d.sched.Start(ctx); err != nil {
		stopHTTP()
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "refit serve: %d schedules, workspace %s\n", len(cfg.Schedules), cfg.Path(cfg.Workspace))
	d.waitReloading(ctx)
	d.sched.Stop()
	stopHTTP()
	fmt.Fprintln(cmd.OutOrStdout(), "refit serve: stopped")
	return nil
}

// recoverAtStart repairs what interrupted runs left in the workspace
// (pipeline.Recover) while holding the workspace lock. When another
// process holds it, that process is working on the workspace and has
// recovered it at its own start.
func recoverAtStart(cmd *cobra.Command, cfg *pipeline.Config, log *slog.Logger) error {
	l := workspaceLock(cfg)
	if err := l.TryLock(); errors.Is(err, schedules.ErrLocked) {
		log.Info("workspace locked by another process: not recovering it", "err", err)
		return nil
	} else if err != nil {
		return err
	}
	defer func() { _ = l.Unlock() }()
	rec, err := pipeline.Recover(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	for _, note := range rec.Notes() {
		fmt.Fprintf(cmd.OutOrStdout(), "refit serve: recovered the workspace: %s\n", note)
	}
	return nil
}

// serveHTTP starts the HTTP server on addr and returns its shutdown.
func serveHTTP(cmd *cobra.Command, addr string, d *daemon) (func(), error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--listen: %w", err)
	}
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		d.log.Warn("serving /metrics and /healthz beyond this machine", "addr", ln.Addr())
	}
	srv := &http.Server{Handler: d.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("http server", "err", err)
		}
	}()
	fmt.Fprintf(cmd.OutOrStdout(), "refit serve: http://%s/healthz and /metrics\n", ln.Addr())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// waitReloading waits for ctx, reloading the configuration on SIGHUP.
func (d *daemon) waitReloading(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			d.reload()
		}
	}
}

// reload re-reads the configuration; on any error the current schedules
// and configuration stay.
func (d *daemon) reload() {
	cfg, err := pipeline.Load(d.path)
	if err == nil && cfg.Path(cfg.Workspace) != d.config().Path(d.config().Workspace) {
		err = errors.New("the workspace changed: restart refit serve to move it")
	}
	if err == nil {
		err = d.sched.Reload(d.schedulesOf(cfg))
	}
	if err != nil {
		d.log.Error("reload failed, keeping the current schedules", "config", d.path, "err", err)
		return
	}
	d.cfg.Store(cfg)
	d.log.Info("reloaded", "config", d.path, "schedules", len(cfg.Schedules))
}
