// Package daemon runs the process of `refit serve` around a serve.Server:
// it recovers the workspace, serves HTTP (loopback, or beyond it with a
// bearer token), starts the schedules, reloads refit.yaml on SIGHUP (an
// invalid file keeps the current schedules) and stops when its context
// ends. Its errors name the flags of `refit serve` that Options mirrors.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/refit-ml/refit/dashboard"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/serve"
)

// Options are what Run serves.
type Options struct {
	// ConfigPath is the pipeline configuration, with a schedules section.
	ConfigPath string
	// Listen is the address of the HTTP endpoints; empty serves no HTTP.
	Listen string
	// TokenFile holds the bearer token requests must carry; empty takes
	// $REFIT_SERVE_TOKEN. A token is required beyond loopback.
	TokenFile string
	// Limits and Logger are what jobs read data and log with.
	Limits ingest.Limits
	Logger *slog.Logger
	// Scoring are the online scoring endpoint's options.
	Scoring serve.ScoringOptions
	// Out receives the status lines ("refit serve: ...").
	Out io.Writer
}

// Run serves until ctx ends, then stops the schedules (canceling the
// running job) and the HTTP server. It returns early only on errors
// before the schedules start.
func Run(ctx context.Context, o Options) error {
	tok, err := Token(o.Listen, o.TokenFile)
	if err != nil {
		return err
	}
	cfg, err := pipeline.Load(o.ConfigPath)
	if err != nil {
		return err
	}
	srv, err := start(ctx, cfg, tok, o)
	if err != nil {
		return err
	}
	stopHTTP, err := listen(o, srv.Handler())
	if err != nil {
		return err
	}
	if err := srv.Start(ctx); err != nil {
		stopHTTP()
		return err
	}
	fmt.Fprintf(o.Out, "refit serve: %d schedules, workspace %s\n", len(cfg.Schedules), cfg.Path(cfg.Workspace))
	waitReloading(ctx, o.Logger, o.ConfigPath, srv)
	_ = srv.Stop(context.Background())
	stopHTTP()
	fmt.Fprintln(o.Out, "refit serve: stopped")
	return nil
}

// start checks cfg has schedules, recovers its workspace and returns the
// server, not yet started.
func start(ctx context.Context, cfg *pipeline.Config, tok string, o Options) (*serve.Server, error) {
	if len(cfg.Schedules) == 0 {
		return nil, fmt.Errorf("%s: no schedules: add e.g. \"schedules: [{name: nightly, cron: '0 2 * * *', job: run}]\"", o.ConfigPath)
	}
	dir := cfg.Path(cfg.Workspace)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	notes, err := serve.Recover(ctx, cfg, o.Logger)
	if err != nil {
		return nil, err
	}
	for _, note := range notes {
		fmt.Fprintf(o.Out, "refit serve: recovered the workspace: %s\n", note)
	}
	scoring := o.Scoring
	return serve.New(ctx, cfg, serve.Options{ConfigPath: o.ConfigPath, Limits: o.Limits, Logger: o.Logger, Token: tok,
		Extra: dashboard.Lazy(dir, dashboard.Options{Logger: o.Logger}), Scoring: &scoring})
}

// Token reads the token from tokenFile, else $REFIT_SERVE_TOKEN, and
// checks that listen is on loopback or has a token.
func Token(listen, tokenFile string) (string, error) {
	tok := os.Getenv("REFIT_SERVE_TOKEN")
	if tokenFile != "" {
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return "", fmt.Errorf("--token-file: %w", err)
		}
		if tok = strings.TrimSpace(string(b)); tok == "" {
			return "", fmt.Errorf("--token-file %s: empty", tokenFile)
		}
	}
	if listen == "" {
		return tok, nil
	}
	addr, err := net.ResolveTCPAddr("tcp", listen)
	if err != nil {
		return "", fmt.Errorf("--listen: %w", err)
	}
	if err := serve.CheckListen(addr, tok); err != nil {
		return "", fmt.Errorf("--listen %w: pass --token-file (or set $REFIT_SERVE_TOKEN), or listen on 127.0.0.1", err)
	}
	return tok, nil
}

// listen starts the HTTP server on o.Listen and returns its shutdown.
func listen(o Options, h http.Handler) (func(), error) {
	if o.Listen == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return nil, fmt.Errorf("--listen: %w", err)
	}
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		o.Logger.Warn("serving beyond this machine, with a bearer token", "addr", ln.Addr())
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			o.Logger.Error("http server", "err", err)
		}
	}()
	fmt.Fprintf(o.Out, "refit serve: http://%s/healthz and /metrics, scoring at /v2/models/champion/infer\n", ln.Addr())
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
