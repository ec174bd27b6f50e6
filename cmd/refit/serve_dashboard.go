package main

import (
	"log/slog"
	"net/http"

	"github.com/refit-ml/refit/dashboard"
	"github.com/refit-ml/refit/pipeline"
)

// mountDashboard serves the read-only dashboard of cfg's workspace at /
// (issue 16), beside /healthz and /metrics. A workspace without a catalog
// yet has no dashboard until serve restarts.
func mountDashboard(mux *http.ServeMux, cfg *pipeline.Config) {
	h, err := dashboard.New(cfg.Path(cfg.Workspace), dashboard.Options{})
	if err != nil {
		slog.Warn("no dashboard", "err", err)
		return
	}
	mux.Handle("GET /", h)
}
